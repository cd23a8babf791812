#include "codec.h"

#include <algorithm>

namespace adwatch::storage::internal {

namespace {

// The binary form of the records.h structs (value_codec.h), field by field in declaration order.
// Every field must be here: a field left out would be dropped silently on every write. The
// size checks below make a change to records.h fail to compile until this file (and its
// round-trip test, tests/storage/codec_test.cc) has caught up.
#if defined(__x86_64__) && defined(__GLIBCXX__) && !defined(_GLIBCXX_DEBUG)
static_assert(sizeof(AdCandidate) == 712 && sizeof(ImageRef) == 176 && sizeof(Link) == 96 &&
                  sizeof(Salary) == 88 && sizeof(Location) == 96 && sizeof(ImageWord) == 32,
              "records.h changed: update the binary ad codec in storage/src/codec.cc and "
              "tests/storage/codec_test.cc, then these sizes");
static_assert(sizeof(Verdict) == 264 && sizeof(Hit) == 208 && sizeof(Evidence) == 88 &&
                  sizeof(Contact) == 152 && sizeof(SalaryMention) == 144 &&
                  sizeof(PlaceMention) == 184 && sizeof(AdRecord) == 1168,
              "records.h changed: update the binary verdict codec in storage/src/codec.cc and "
              "tests/storage/codec_test.cc, then these sizes");
#endif

// Declared first: the list templates below find them by ordinary lookup, not by ADL (the
// records live in namespace adwatch, these functions here).
void Put(ValueWriter& w, const Link& v);
void Get(ValueReader& r, Link& v);
void Put(ValueWriter& w, const Location& v);
void Get(ValueReader& r, Location& v);
void Put(ValueWriter& w, const ImageRef& v);
void Get(ValueReader& r, ImageRef& v);
void Put(ValueWriter& w, const ImageWord& v);
void Get(ValueReader& r, ImageWord& v);
void Put(ValueWriter& w, const Evidence& v);
void Get(ValueReader& r, Evidence& v);
void Put(ValueWriter& w, const Hit& v);
void Get(ValueReader& r, Hit& v);
void Put(ValueWriter& w, const Contact& v);
void Get(ValueReader& r, Contact& v);
void Put(ValueWriter& w, const SalaryMention& v);
void Get(ValueReader& r, SalaryMention& v);
void Put(ValueWriter& w, const PlaceMention& v);
void Get(ValueReader& r, PlaceMention& v);

void Put(ValueWriter& w, const Span& v) {
  w.U64(v.begin);
  w.U64(v.end);
}
void Get(ValueReader& r, Span& v) {
  v.begin = static_cast<uint32_t>(r.U64());
  v.end = static_cast<uint32_t>(r.U64());
}
void Put(ValueWriter& w, const Box& v) {
  w.I64(v.x);
  w.I64(v.y);
  w.I64(v.w);
  w.I64(v.h);
}
void Get(ValueReader& r, Box& v) {
  v.x = r.I32();
  v.y = r.I32();
  v.w = r.I32();
  v.h = r.I32();
}
void Put(ValueWriter& w, const std::string& v) { w.Str(v); }
void Get(ValueReader& r, std::string& v) { v = r.Str(); }

template <typename T>
void PutList(ValueWriter& w, const std::vector<T>& list) {
  w.Count(list.size());
  for (const T& v : list) Put(w, v);
}
template <typename T>
void GetList(ValueReader& r, std::vector<T>& list) {
  const size_t n = r.Count();
  list.clear();
  list.reserve(n);
  for (size_t i = 0; i < n && r.ok(); ++i) Get(r, list.emplace_back());
}
void PutMap(ValueWriter& w, const std::map<std::string, double>& m) {
  w.Count(m.size());
  for (const auto& [k, v] : m) {
    w.Str(k);
    w.F64(v);
  }
}
void GetMap(ValueReader& r, std::map<std::string, double>& m) {
  const size_t n = r.Count();
  m.clear();
  for (size_t i = 0; i < n && r.ok(); ++i) {
    std::string k = r.Str();
    m[std::move(k)] = r.F64();
  }
}

void Put(ValueWriter& w, const Link& v) {
  w.Str(v.url);
  w.Str(v.text);
  w.Str(v.rel);
}
void Get(ValueReader& r, Link& v) {
  v.url = r.Str();
  v.text = r.Str();
  v.rel = r.Str();
}
void Put(ValueWriter& w, const Salary& v) {
  w.F64(v.min);
  w.F64(v.max);
  w.Str(v.currency);
  w.Str(v.period);
  w.Bool(v.open_ended);
}
void Get(ValueReader& r, Salary& v) {
  v.min = r.F64();
  v.max = r.F64();
  v.currency = r.Str();
  v.period = r.Str();
  v.open_ended = r.Bool();
}
void Put(ValueWriter& w, const Location& v) {
  w.Str(v.locality);
  w.Str(v.region);
  w.Str(v.country);
}
void Get(ValueReader& r, Location& v) {
  v.locality = r.Str();
  v.region = r.Str();
  v.country = r.Str();
}
void Put(ValueWriter& w, const ImageRef& v) {
  w.Str(v.url);
  w.U64(static_cast<uint64_t>(v.origin));
  w.Str(v.alt);
  w.Str(v.sha256_hex);
  w.Str(v.phash);
  w.I64(v.width);
  w.I64(v.height);
  w.Str(v.problem);
}
void Get(ValueReader& r, ImageRef& v) {
  v.url = r.Str();
  v.origin = r.Enum(ImageOrigin::kUpload);
  v.alt = r.Str();
  v.sha256_hex = r.Str();
  v.phash = r.Str();
  v.width = r.I32();
  v.height = r.I32();
  v.problem = r.Str();
}
void Put(ValueWriter& w, const ImageWord& v) {
  Put(w, v.span);
  w.U64(v.image);
  Put(w, v.box);
  w.I64(v.confidence);
}
void Get(ValueReader& r, ImageWord& v) {
  Get(r, v.span);
  v.image = static_cast<uint32_t>(r.U64());
  Get(r, v.box);
  v.confidence = r.I32();
}

void Put(ValueWriter& w, const AdCandidate& v) {
  w.U64(static_cast<uint64_t>(v.origin));
  w.Str(v.source);
  w.Str(v.url);
  w.Str(v.post_id);
  w.Str(v.title);
  w.Str(v.text);
  w.Str(v.posted_at);
  w.Str(v.author);
  w.Str(v.forwarded_from);
  w.I64(v.views);
  PutList(w, v.links);
  w.Str(v.employer);
  w.Str(v.employer_url);
  w.Bool(v.salary.has_value());
  if (v.salary) Put(w, *v.salary);
  PutList(w, v.locations);
  w.Str(v.valid_through);
  w.Str(v.employment_type);
  PutList(w, v.page_types);
  w.Str(v.lang);
  w.Str(v.export_ref);
  PutList(w, v.images);
  w.Str(v.image_text);
  PutList(w, v.image_words);
}
void Get(ValueReader& r, AdCandidate& v) {
  v.origin = r.Enum(CandidateOrigin::kImport);
  v.source = r.Str();
  v.url = r.Str();
  v.post_id = r.Str();
  v.title = r.Str();
  v.text = r.Str();
  v.posted_at = r.Str();
  v.author = r.Str();
  v.forwarded_from = r.Str();
  v.views = r.I64();
  GetList(r, v.links);
  v.employer = r.Str();
  v.employer_url = r.Str();
  if (r.Bool()) Get(r, v.salary.emplace());
  GetList(r, v.locations);
  v.valid_through = r.Str();
  v.employment_type = r.Str();
  GetList(r, v.page_types);
  v.lang = r.Str();
  v.export_ref = r.Str();
  GetList(r, v.images);
  v.image_text = r.Str();
  GetList(r, v.image_words);
}

void Put(ValueWriter& w, const Evidence& v) {
  w.Str(v.field);
  Put(w, v.span);
  w.Str(v.image_url);
  Put(w, v.box);
}
void Get(ValueReader& r, Evidence& v) {
  v.field = r.Str();
  Get(r, v.span);
  v.image_url = r.Str();
  Get(r, v.box);
}
void Put(ValueWriter& w, const Hit& v) {
  w.Str(v.rule_id);
  w.Str(v.category);
  w.F64(v.weight);
  w.F64(v.rule_weight);
  w.Str(v.view);
  w.Str(v.describe_id);
  w.Str(v.describe_en);
  w.Bool(v.negated);
  PutList(w, v.evidence);
}
void Get(ValueReader& r, Hit& v) {
  v.rule_id = r.Str();
  v.category = r.Str();
  v.weight = r.F64();
  v.rule_weight = r.F64();
  v.view = r.Str();
  v.describe_id = r.Str();
  v.describe_en = r.Str();
  v.negated = r.Bool();
  GetList(r, v.evidence);
}
void Put(ValueWriter& w, const Contact& v) {
  w.U64(static_cast<uint64_t>(v.kind));
  w.Str(v.value);
  w.Str(v.field);
  Put(w, v.span);
  w.Str(v.region);
  w.Bool(v.landline);
  w.Str(v.area);
}
void Get(ValueReader& r, Contact& v) {
  v.kind = r.Enum(ContactKind::kWeChat);
  v.value = r.Str();
  v.field = r.Str();
  Get(r, v.span);
  v.region = r.Str();
  v.landline = r.Bool();
  v.area = r.Str();
}
void Put(ValueWriter& w, const SalaryMention& v) {
  Put(w, v.salary);
  w.F64(v.monthly_idr_min);
  w.F64(v.monthly_idr_max);
  w.Str(v.field);
  Put(w, v.span);
}
void Get(ValueReader& r, SalaryMention& v) {
  Get(r, v.salary);
  v.monthly_idr_min = r.F64();
  v.monthly_idr_max = r.F64();
  v.field = r.Str();
  Get(r, v.span);
}
void Put(ValueWriter& w, const PlaceMention& v) {
  w.Str(v.id);
  w.Str(v.name);
  w.U64(static_cast<uint64_t>(v.kind));
  w.Str(v.country);
  w.Str(v.province);
  w.Bool(v.nonplacement);
  w.Bool(v.transit);
  w.Bool(v.moratorium);
  w.Str(v.field);
  Put(w, v.span);
}
void Get(ValueReader& r, PlaceMention& v) {
  v.id = r.Str();
  v.name = r.Str();
  v.kind = r.Enum(PlaceKind::kCity);
  v.country = r.Str();
  v.province = r.Str();
  v.nonplacement = r.Bool();
  v.transit = r.Bool();
  v.moratorium = r.Bool();
  v.field = r.Str();
  Get(r, v.span);
}

void Put(ValueWriter& w, const Verdict& v) {
  w.I64(v.score);
  w.U64(static_cast<uint64_t>(v.level));
  w.U64(static_cast<uint64_t>(v.kind));
  w.U64(static_cast<uint64_t>(v.pattern));
  w.F64(v.raw_score);
  PutMap(w, v.category_scores);
  PutMap(w, v.kind_scores);
  PutList(w, v.hits);
  PutList(w, v.entities.contacts);
  PutList(w, v.entities.salaries);
  PutList(w, v.entities.places);
  w.Str(v.ruleset_version);
  PutList(w, v.warnings);
}
void Get(ValueReader& r, Verdict& v) {
  v.score = r.I32();
  v.level = r.Enum(Level::kHigh);
  v.kind = r.Enum(DocKind::kGamblingPromo);
  v.pattern = r.Enum(Pattern::kBabySale);
  v.raw_score = r.F64();
  GetMap(r, v.category_scores);
  GetMap(r, v.kind_scores);
  GetList(r, v.hits);
  GetList(r, v.entities.contacts);
  GetList(r, v.entities.salaries);
  GetList(r, v.entities.places);
  v.ruleset_version = r.Str();
  GetList(r, v.warnings);
}

}  // namespace

std::string EncodeAd(const AdRecord& rec, const std::string& text_key) {
  // Without its verdict and reviews: they have their own tables.
  ValueWriter w;
  w.Reserve(256 + rec.ad.text.size() + rec.ad.title.size() + rec.ad.image_text.size());
  w.Str(rec.ad_id);
  w.Str(rec.page_id);
  Put(w, rec.ad);
  w.I64(rec.first_seen_ms);
  w.I64(rec.last_seen_ms);
  w.Str(rec.repost_of);
  PutList(w, rec.regions);
  w.Str(rec.region_hint);
  w.Str(text_key);
  return w.Release();
}

std::string EncodeAdJson(const AdRecord& rec, const std::string& text_key) {
  // Copied without verdict and reviews rather than converted and erased, because turning a
  // verdict into JSON is most of the cost.
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
  if (FormatOf(value) == kFormatBinary) {
    ValueReader r(value);
    StoredAd out;
    out.rec.ad_id = r.Str();
    out.rec.page_id = r.Str();
    Get(r, out.rec.ad);
    out.rec.first_seen_ms = r.I64();
    out.rec.last_seen_ms = r.I64();
    out.rec.repost_of = r.Str();
    GetList(r, out.rec.regions);
    out.rec.region_hint = r.Str();
    out.text_key = r.Str();
    ADWATCH_RETURN_IF_ERROR(r.Finish(what));
    return out;
  }
  // Written by adwatch before the binary form (kFormatJson).
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

std::string EncodeVerdict(const Verdict& v) {
  ValueWriter w;
  Put(w, v);
  return w.Release();
}

std::string EncodeVerdictRevision(const VerdictRevision& rev) {
  ValueWriter w;
  w.Reserve(512);
  w.U64(rev.rev);
  w.I64(rev.at_ms);
  w.Str(rev.cause);
  Put(w, rev.verdict);
  return w.Release();
}

Result<VerdictRevision> DecodeVerdictRevision(std::string_view value, std::string_view what) {
  if (FormatOf(value) != kFormatBinary) return DecodeRecord<VerdictRevision>(value, what);
  ValueReader r(value);
  VerdictRevision out;
  const uint64_t rev = r.U64();
  if (rev > UINT32_MAX) return Status::Corruption(what, "revision number out of range");
  out.rev = static_cast<uint32_t>(rev);
  out.at_ms = r.I64();
  out.cause = r.Str();
  Get(r, out.verdict);
  ADWATCH_RETURN_IF_ERROR(r.Finish(what));
  return out;
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
