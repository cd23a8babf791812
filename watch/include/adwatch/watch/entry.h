// Watch entries as users type them: the kinds, how each typed value becomes the stored form that
// ads are matched on, and how an entry is made. Pure functions (NewEntry draws a random id);
// thread-safe.
//
//   auto entry = watch::NewEntry({.org = "polda-kepri", .kind = WatchKind::kPhone,
//                                 .typed = "0812-3456-7890", .note = "kasus 12/2026"}, now_ms);
//   // entry->value == "+6281234567890"
//   store.PutWatchEntry(*entry);
#ifndef ADWATCH_WATCH_ENTRY_H_
#define ADWATCH_WATCH_ENTRY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "adwatch/common/records.h"
#include "adwatch/common/status.h"

namespace adwatch::watch {

// The stored form of `typed` for `kind`:
//   phone     any written form ("0812-3456-7890", "+62 812 3456 7890", "wa.me/6281…") → E.164,
//             read by the classifier's contact extraction (numbers without a country code are
//             Indonesian)
//   whatsapp  a wa.me/… or api.whatsapp.com/send?phone=… link (or a bare number) → the E.164
//             number it carries; matched like a phone
//   telegram  "t.me/x", "https://t.me/x", "@x" or "x" → "@x", lower-cased
//   email     lower-cased address
//   domain    a host or URL → its host, lower-cased, without "www." ("https://WWW.Kerja.id/x" →
//             "kerja.id"); matches the host and its subdomains
//   keyword   the RE2 pattern itself, checked to compile; matched case-insensitively
// Returns InvalidArgument saying what is wrong with `typed` (for a keyword, RE2's error and the
// part of the pattern it points at).
Result<std::string> StoredForm(WatchKind kind, std::string_view typed);

// What a user asks to watch.
struct EntrySpec {
  std::string org;
  WatchKind kind = WatchKind::kPhone;
  std::string typed;
  std::string note;
  std::string created_by;  // token id, or "cli:<unix user>"
  int64_t ttl_ms = 0;      // expires this long after creation; 0: never
};

// A new entry with a random 12-character id, the stored form of spec.typed, created at `now_ms`.
// InvalidArgument as StoredForm, or for a negative ttl; Internal when no randomness is available.
Result<WatchEntry> NewEntry(const EntrySpec& spec, int64_t now_ms);

// True when `entry` has an expiry and it is at or before `now_ms`: it matches nothing.
inline bool Expired(const WatchEntry& entry, int64_t now_ms) {
  return entry.expires_ms != 0 && entry.expires_ms <= now_ms;
}

}  // namespace adwatch::watch

#endif  // ADWATCH_WATCH_ENTRY_H_
