#include "codec.h"

#include <algorithm>

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

namespace {

bool IsBase64Url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// Where `field` may be cut without splitting a UTF-8 sequence: at most `max` bytes.
size_t CharBoundary(std::string_view field, size_t max) {
  size_t n = std::min(max, field.size());
  while (n > 0 && n < field.size() && (static_cast<unsigned char>(field[n]) & 0xC0) == 0x80) --n;
  return n;
}

void AppendHexEscape(unsigned value, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[(value >> 4) & 0xF];
  out += kHex[value & 0xF];
}

// Token texts are "adw_" + 43 base64url characters; 20 already cannot be an id alone.
constexpr size_t kTokenPrefix = 4;
constexpr size_t kTokenIdChars = 8;
constexpr size_t kTokenLikeChars = 20;

std::string SanitizedField(std::string_view field) {
  std::string out;
  const size_t keep = CharBoundary(field, kMaxAuditFieldBytes);
  const std::string_view in = field.substr(0, keep);
  out.reserve(in.size() + 16);
  for (size_t i = 0; i < in.size();) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (in.compare(i, kTokenPrefix, "adw_") == 0) {
      size_t j = i + kTokenPrefix;
      while (j < in.size() && IsBase64Url(in[j])) ++j;
      if (j - i - kTokenPrefix >= kTokenLikeChars) {
        out.append(in.substr(i, kTokenPrefix + kTokenIdChars));
        out += "…[redacted]";
        i = j;
        continue;
      }
    }
    if (c < 0x20 || c == 0x7F) {
      AppendHexEscape(c, out);
      ++i;
    } else if (c == 0xC2 && i + 1 < in.size() && static_cast<unsigned char>(in[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(in[i + 1]) <= 0x9F) {
      AppendHexEscape(static_cast<unsigned char>(in[i + 1]), out);  // U+0080..U+009F
      i += 2;
    } else {
      out += in[i];
      ++i;
    }
  }
  if (keep < field.size()) out += "…[+" + std::to_string(field.size() - keep) + " bytes]";
  return out;
}

}  // namespace

AuditEvent SanitizedAuditEvent(const AuditEvent& e) {
  return AuditEvent{.at_ms = e.at_ms,
                    .actor = SanitizedField(e.actor),
                    .org = SanitizedField(e.org),
                    .action = SanitizedField(e.action),
                    .object = SanitizedField(e.object),
                    .outcome = SanitizedField(e.outcome),
                    .ip = SanitizedField(e.ip),
                    .detail = SanitizedField(e.detail)};
}

}  // namespace adwatch::storage::internal
