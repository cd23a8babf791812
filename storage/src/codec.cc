#include "codec.h"

namespace adwatch::storage::internal {

std::string EncodeAd(const AdRecord& rec, const std::string& text_key) {
  // Without its verdict and reviews (their own tables): copied empty rather than converted and
  // erased, because turning a verdict into JSON is most of the cost of a write.
  // Every field but those two (keep in step with records.h).
  const AdRecord bare{.ad_id = rec.ad_id,
                      .page_id = rec.page_id,
                      .ad = rec.ad,
                      .verdict = {},
                      .first_seen_ms = rec.first_seen_ms,
                      .last_seen_ms = rec.last_seen_ms,
                      .repost_of = rec.repost_of,
                      .regions = rec.regions,
                      .region_hint = rec.region_hint,
                      .reviews = {}};
  nlohmann::json j = bare;
  j.erase("verdict");
  j.erase("reviews");
  j["text_key"] = text_key;
  return EncodeJson(j);
}

Result<StoredAd> DecodeAd(std::string_view value, std::string_view what) {
  auto j = DecodeJson(value, what);
  if (!j) return j.error();
  try {
    StoredAd out;
    out.rec = j->get<AdRecord>();
    if (auto it = j->find("text_key"); it != j->end() && it->is_string()) {
      out.text_key = it->get<std::string>();
    }
    return out;
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(what, e.what());
  }
}

std::string EncodeIndexValue(const IndexValue& v) {
  std::string out(5, '\0');
  out[0] = '\x01';
  out[1] = static_cast<char>(v.level);
  out[2] = static_cast<char>(v.kind);
  out[3] = static_cast<char>(v.repost ? 1 : 0);
  out[4] = static_cast<char>(v.pattern);
  return out;
}

std::optional<IndexValue> DecodeIndexValue(std::string_view b) {
  if (b.size() < 4 || b[0] != '\x01') return std::nullopt;
  const auto level = static_cast<uint8_t>(b[1]);
  const auto kind = static_cast<uint8_t>(b[2]);
  if (level > static_cast<uint8_t>(Level::kHigh) ||
      kind > static_cast<uint8_t>(DocKind::kGamblingPromo)) {
    return std::nullopt;
  }
  IndexValue v{static_cast<Level>(level), static_cast<DocKind>(kind), (b[3] & 1) != 0};
  // Entries written before patterns existed have four bytes: their pattern reads as kOther.
  if (b.size() >= 5) {
    const auto pattern = static_cast<uint8_t>(b[4]);
    if (pattern > static_cast<uint8_t>(Pattern::kBabySale)) return std::nullopt;
    v.pattern = static_cast<Pattern>(pattern);
  }
  return v;
}

}  // namespace adwatch::storage::internal
