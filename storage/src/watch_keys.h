// Keys of the watch, alerts and outbox tables. docs/storage.md ("Watch and alert tables") is the
// readable form; change the two together. Private to storage/.
#ifndef ADWATCH_STORAGE_SRC_WATCH_KEYS_H_
#define ADWATCH_STORAGE_SRC_WATCH_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "adwatch/common/hash.h"
#include "adwatch/common/names.h"
#include "adwatch/common/records.h"
#include "adwatch/storage/keys.h"

namespace adwatch::storage::internal {

// An alert id is 20 characters (AlertIdFor); the keys below rely on its fixed length.
inline constexpr size_t kAlertIdChars = 20;

// --- watch --------------------------------------------------------------------------------------
// e|org|id                     → WatchEntry record
// v|kind|escaped value|org|id  → ""   (lookup by stored form; '|' in a value written %7C, '%' %25)

inline std::string WatchEntryKey(std::string_view org, std::string_view id) {
  std::string k = "e|";
  k += org;
  k += kSep;
  k += id;
  return k;
}

inline std::string EscapeWatchValue(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '%') {
      out += "%25";
    } else if (c == kSep) {
      out += "%7C";
    } else {
      out += c;
    }
  }
  return out;
}

inline std::string WatchValuePrefix(WatchKind kind, std::string_view value) {
  std::string k = "v|";
  k += Name(kind);
  k += kSep;
  k += EscapeWatchValue(value);
  k += kSep;
  return k;
}

inline std::string WatchValueKey(const WatchEntry& e) {
  return WatchValuePrefix(e.kind, e.value) + e.org + kSep + e.id;
}

// --- alerts -------------------------------------------------------------------------------------
// a|id                       → AlertRow record
// o|org|BE64(~created_ms)|id → ""   (listing, newest first)
// d|dedupe key               → id   (one alert per key)

inline std::string AlertKey(std::string_view id) { return "a|" + std::string(id); }
inline std::string AlertOrgPrefix(std::string_view org) { return "o|" + std::string(org) + kSep; }
inline std::string AlertOrgKey(std::string_view org, int64_t created_ms, std::string_view id) {
  return AlertOrgPrefix(org) + EncodeU64(~static_cast<uint64_t>(created_ms)) + kSep +
         std::string(id);
}
inline std::string AlertDedupeKey(std::string_view key) { return "d|" + std::string(key); }

// --- outbox -------------------------------------------------------------------------------------
// n|alert id                                → ""   (raised, not yet expanded; oldest first)
// r|alert id|recipient                      → DeliveryRow record
// q|BE64(next_attempt_ms)|alert id|recipient → ""  (pending deliveries by due time)
// s|sha256(recipient)[:32]|BE64(sent_ms)|message id → "" (messages sent, for rate limits)

inline std::string NewAlertKey(std::string_view id) { return "n|" + std::string(id); }
inline std::string DeliveryKey(std::string_view alert_id, std::string_view recipient) {
  return "r|" + std::string(alert_id) + kSep + std::string(recipient);
}
inline std::string DueKey(int64_t at_ms, std::string_view alert_id, std::string_view recipient) {
  return "q|" + EncodeU64(static_cast<uint64_t>(at_ms < 0 ? 0 : at_ms)) + kSep +
         std::string(alert_id) + kSep + std::string(recipient);
}
inline std::string SentPrefix(std::string_view recipient) {
  return "s|" + Sha256Hex(recipient).substr(0, 32) + kSep;
}
inline std::string SentKey(std::string_view recipient, int64_t sent_ms,
                           std::string_view message_id) {
  return SentPrefix(recipient) + EncodeU64(static_cast<uint64_t>(sent_ms < 0 ? 0 : sent_ms)) +
         kSep + std::string(message_id);
}

}  // namespace adwatch::storage::internal

#endif  // ADWATCH_STORAGE_SRC_WATCH_KEYS_H_
