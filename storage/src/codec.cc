#include "codec.h"

namespace adwatch::storage::internal {

std::string EncodeAd(const AdRecord& rec, const std::string& text_key) {
  nlohmann::json j = rec;
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
  std::string out(4, '\0');
  out[0] = '\x01';
  out[1] = static_cast<char>(v.level);
  out[2] = static_cast<char>(v.kind);
  out[3] = static_cast<char>(v.repost ? 1 : 0);
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
  return IndexValue{static_cast<Level>(level), static_cast<DocKind>(kind), (b[3] & 1) != 0};
}

}  // namespace adwatch::storage::internal
