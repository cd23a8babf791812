// The value codec of every record table, decided once here: one format byte, then the payload
// (adwatch/storage/value_codec.h). kJsonV1 ('\x01') is the JSON form of the records.h structs
// (common/json.h), so fields can be added without a migration (readers ignore unknown fields and
// default missing ones). Ads and verdict revisions, written for every page, are kFormatBinary
// ('\x02'): no JSON tree is built for them; their JSON form is still read. Index
// values are fixed binary layouts (IndexValue). Page bodies are stored raw, without a tag: they
// are evidence and stay byte-for-byte as fetched. Private to storage/.
#ifndef ADWATCH_STORAGE_SRC_CODEC_H_
#define ADWATCH_STORAGE_SRC_CODEC_H_

#include <optional>
#include <string>
#include <string_view>

#include "adwatch/common/json.h"
#include "adwatch/common/records.h"
#include "adwatch/common/status.h"
#include "adwatch/storage/store.h"
#include "adwatch/storage/value_codec.h"

namespace adwatch::storage {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(StoredPage, page_id, fetch, body_sha256, body_bytes,
                                                crawler_version, stored_at_ms, ad_ids,
                                                body_dropped_at_ms)
// The body is stored apart (image_bodies); the metadata record never holds it.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(StoredImage, sha256_hex, url, fetched_at_ms,
                                                content_type, bytes, phash, width, height, problem)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(VerdictRevision, rev, at_ms, cause, verdict)

namespace internal {

inline constexpr char kJsonV1 = kFormatJson;

// kJsonV1 + compact JSON of `j`.
inline std::string EncodeJson(const nlohmann::json& j) {
  std::string out(1, kJsonV1);
  out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return out;
}

template <typename T>
std::string EncodeRecord(const T& v) {
  return EncodeJson(nlohmann::json(v));
}

// Parses a tagged value. Corruption naming `what` on an unknown format byte or bad JSON.
inline Result<nlohmann::json> DecodeJson(std::string_view value, std::string_view what) {
  if (value.empty() || value.front() != kJsonV1) {
    return Status::Corruption(what, "unknown value format (written by a newer adwatch?)");
  }
  try {
    return nlohmann::json::parse(value.substr(1));
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(what, e.what());
  }
}

template <typename T>
Result<T> DecodeRecord(std::string_view value, std::string_view what) {
  auto j = DecodeJson(value, what);
  if (!j) return j.error();
  try {
    return j->get<T>();
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(what, e.what());
  }
}

// The stored form of an ad: AdRecord without `verdict` (kept in the verdicts table) and
// `reviews` (kept in the reviews table), plus the repost text key it was indexed under.
struct StoredAd {
  AdRecord rec;
  std::string text_key;
};
// Binary (kFormatBinary); DecodeAd reads that and the JSON form of EncodeAdJson, which adwatch
// wrote before (and which tests use to make old databases).
std::string EncodeAd(const AdRecord& rec, const std::string& text_key);
std::string EncodeAdJson(const AdRecord& rec, const std::string& text_key);
Result<StoredAd> DecodeAd(std::string_view value, std::string_view what);

// A verdict revision (kFormatBinary); the decoder reads the JSON form (EncodeRecord) too.
std::string EncodeVerdictRevision(const VerdictRevision& rev);
Result<VerdictRevision> DecodeVerdictRevision(std::string_view value, std::string_view what);
// The binary form of a verdict alone: equal strings mean equal verdicts, so the store compares
// these to tell a changed verdict (a new revision) from the same one.
std::string EncodeVerdict(const Verdict& v);

// Value of by_day and by_region entries: 5 bytes [format=1][level][kind][flags][pattern], flags
// bit 0 = repost (entries written before patterns have 4 bytes; their pattern is kOther). Enough
// to filter the queue without reading the ad.
struct IndexValue {
  Level level = Level::kNone;
  DocKind kind = DocKind::kOther;
  bool repost = false;
  Pattern pattern = Pattern::kOther;
};
std::string EncodeIndexValue(const IndexValue& v);
std::optional<IndexValue> DecodeIndexValue(std::string_view bytes);

// The form an audit event is stored in (Store::AppendAudit): in every text field, control
// characters (C0, DEL, C1) written as \xNN, token-like text ("adw_" + 20 or more base64url
// characters) cut to its id with "…[redacted]", and more than kMaxAuditFieldBytes cut at a
// character boundary with "…[+N bytes]".
inline constexpr size_t kMaxAuditFieldBytes = 2048;
AuditEvent SanitizedAuditEvent(const AuditEvent& event);

}  // namespace internal
}  // namespace adwatch::storage

#endif  // ADWATCH_STORAGE_SRC_CODEC_H_
