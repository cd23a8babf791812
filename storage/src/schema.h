// The tables (RocksDB column families) of schema version kSchemaVersion, the meta keys, and the
// migrations from older versions. docs/storage.md is the readable form of this file; change the
// two together. Private to storage/.
#ifndef ADWATCH_STORAGE_SRC_SCHEMA_H_
#define ADWATCH_STORAGE_SRC_SCHEMA_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "adwatch/common/status.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace adwatch::storage::internal {

// Column families, in a fixed order: the index into Rep::cf.
enum Cf : int {
  kDefault = 0,  // RocksDB's own; unused
  kMeta,         // schema version, time zone, creation
  kPages,        // page_id → page metadata (JSON)
  kBodies,       // page_id → raw body bytes
  kByFetch,      // fetched_at_ms BE | page_id → "" (retention)
  kAds,          // ad_id → ad (JSON)
  kVerdicts,     // ad_id | rev BE32 → verdict revision (JSON)
  kReviews,      // ad_id | seq BE32 → review (JSON)
  kByDay,        // day | 100-score | ad_id → IndexValue
  kByRegion,     // region | day | 100-score | ad_id → IndexValue
  kContacts,     // term | ad_id → ""
  kTexts,        // text_key | ad_id → "1" first of its text, "0" repost
  kFrontier,     // crawler-owned
  kSeen,         // crawler-owned
  kHosts,        // crawler-owned
  kSubmissions,  // s|org|id → submission (JSON); t|org|~created|id and p|created|org|id → ""
  kTokens,       // h|sha256 → API token (JSON); i|id → sha256
  kAudit,        // BE64 ms + BE64 seq → audit event (JSON); append-only
  kNotes,        // web-owned: term | at_ms | id → deconfliction note (JSON)
  kImages,       // sha256 hex → image metadata (JSON): the fetch of an ad image, as evidence
  kImageBodies,  // sha256 hex → raw image bytes
  kPhashes,      // slice NN | slice value hex | phash hex | ad_id → "" (images near a hash)
  kWatch,        // e|org|id → watch entry (JSON); v|kind|value|org|id → "" (watch_keys.h)
  kAlerts,       // a|id → alert (JSON); o|org|~created|id → ""; d|dedupe key → alert id
  kOutbox,       // n|id → "" (new alerts); r|alert|recipient → delivery (JSON); q|, s| indexes
  kCfCount,
};

inline constexpr std::array<std::string_view, kCfCount> kCfNames = {
    "default", "meta",        "pages",     "bodies",   "by_fetch", "ads",      "verdicts",
    "reviews", "by_day",      "by_region", "contacts", "texts",    "frontier", "seen",
    "hosts",   "submissions", "tokens",    "audit",    "notes",    "images",   "image_bodies",
    "phashes", "watch",       "alerts",    "outbox"};

// Tables from kFirstLateCf on were added after databases of schema version 1 were first written.
// A writable open creates them (no version change); a read-only open of a database that has not
// been opened for writing since reads them as empty.
inline constexpr int kFirstLateCf = kTokens;

// Keys of the meta table.
inline constexpr std::string_view kMetaSchemaVersion = "schema_version";  // BE32
inline constexpr std::string_view kMetaTimezone = "timezone";             // IANA name
inline constexpr std::string_view kMetaCreatedAt = "created_at_ms";       // BE64
inline constexpr std::string_view kMetaCreatedBy = "created_by";          // "adwatch storage N"

// One step from schema version `from` to from + 1, run in order by Store::Open on a writable
// database. Each step rewrites what it must and bumps meta.schema_version in its last batch, so
// an interrupted migration resumes at the step that did not finish.
struct Migration {
  uint32_t from;
  std::string_view what;  // one line for the operator
  std::function<Status(rocksdb::DB&, const std::array<rocksdb::ColumnFamilyHandle*, kCfCount>&)>
      run;
};

// Every migration this build knows. Version 1 is the first schema, so there are none yet; a
// database that reports an older version (0: a pre-release layout) is refused with a message.
const std::vector<Migration>& Migrations();

}  // namespace adwatch::storage::internal

#endif  // ADWATCH_STORAGE_SRC_SCHEMA_H_
