#include "adwatch/storage/crawl_codec.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "adwatch/common/escape.h"
#include "adwatch/common/json.h"
#include "adwatch/common/names.h"
#include "adwatch/storage/value_codec.h"

namespace adwatch::storage {
namespace {

// The binary layouts below list every field; a field added to these structs must be added to
// them too (at the end), or it would be silently dropped on the next write.
#if defined(__x86_64__) && defined(__GLIBCXX__) && !defined(_GLIBCXX_DEBUG)
static_assert(sizeof(UrlRecord) == 256 && sizeof(FetchTask) == 168 && sizeof(RobotsRecord) == 48,
              "records.h changed: update the crawl-state layouts in storage/src/crawl_codec.cc and "
              "tests/storage/crawl_codec_test.cc, then these sizes");
#endif

bool IsOldJson(std::string_view value) { return !value.empty() && value.front() == '{'; }

Status UnknownFormat(std::string_view context) {
  return Status::Corruption(context, "unknown value format (written by a newer adwatch?)");
}

// Typed reads of an old JSON record's fields that never throw: a missing field keeps its
// default, a field of another type is Corruption naming it.
class FieldReader {
 public:
  FieldReader(const nlohmann::json& j, std::string_view context) : j_(j), context_(context) {}

  Status Read(const char* key, std::string& out) const {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return Status::OK();
    if (!it->is_string()) return Wrong(key, "a string");
    out = it->get<std::string>();
    return Status::OK();
  }
  Status Read(const char* key, int64_t& out) const {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return Status::OK();
    if (!it->is_number_integer()) return Wrong(key, "an integer");
    out = it->get<int64_t>();
    return Status::OK();
  }
  Status Read(const char* key, int& out) const {
    int64_t v = out;
    ADWATCH_RETURN_IF_ERROR(Read(key, v));
    if (v < INT32_MIN || v > INT32_MAX) return Wrong(key, "a 32-bit integer");
    out = static_cast<int>(v);
    return Status::OK();
  }
  Status Read(const char* key, std::vector<std::string>& out) const {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return Status::OK();
    if (!it->is_array()) return Wrong(key, "an array of strings");
    for (const auto& v : *it) {
      if (!v.is_string()) return Wrong(key, "an array of strings");
      out.push_back(v.get<std::string>());
    }
    return Status::OK();
  }

 private:
  Status Wrong(const char* key, const char* want) const {
    return Status::Corruption(context_, std::string("field \"") + key + "\" is " +
                                            j_.find(key)->type_name() + ", not " + want);
  }
  const nlohmann::json& j_;
  std::string_view context_;
};

Result<nlohmann::json> ParseOldJson(std::string_view value, std::string_view context) {
  auto j = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::Corruption(context, "not a JSON object");
  return j;
}

Result<UrlRecord> DecodeOldUrlRecord(std::string_view value, std::string_view context) {
  auto j = ParseOldJson(value, context);
  if (!j) return j.error();
  const FieldReader f(*j, context);
  UrlRecord r;
  std::string outcome = "queued";
  ADWATCH_RETURN_IF_ERROR(f.Read("outcome", outcome));
  if (auto o = ParseOutcome(outcome)) {
    r.outcome = *o;
  } else {
    return Status::Corruption(context, "unknown outcome \"" + EscapeControl(outcome, 40) +
                                           "\" (written by a newer adwatch?)");
  }
  ADWATCH_RETURN_IF_ERROR(f.Read("reason", r.reason));
  ADWATCH_RETURN_IF_ERROR(f.Read("http_status", r.http_status));
  ADWATCH_RETURN_IF_ERROR(f.Read("attempts", r.attempts));
  ADWATCH_RETURN_IF_ERROR(f.Read("at_ms", r.at_ms));
  ADWATCH_RETURN_IF_ERROR(f.Read("source", r.source));
  ADWATCH_RETURN_IF_ERROR(f.Read("depth", r.depth));
  ADWATCH_RETURN_IF_ERROR(f.Read("etag", r.etag));
  ADWATCH_RETURN_IF_ERROR(f.Read("last_modified", r.last_modified));
  ADWATCH_RETURN_IF_ERROR(f.Read("next_revisit_ms", r.next_revisit_ms));
  ADWATCH_RETURN_IF_ERROR(f.Read("ad_ids", r.ad_ids));
  ADWATCH_RETURN_IF_ERROR(f.Read("remote_ip", r.remote_ip));
  ADWATCH_RETURN_IF_ERROR(f.Read("redirect_to", r.redirect_to));
  return r;
}

}  // namespace

std::string EncodeUrlRecord(const UrlRecord& r) {
  ValueWriter w;
  w.Reserve(64 + r.source.size() + r.reason.size() + r.etag.size() + 24 * r.ad_ids.size());
  w.U64(static_cast<uint64_t>(r.outcome));
  w.Str(r.reason);
  w.I64(r.http_status);
  w.I64(r.attempts);
  w.I64(r.at_ms);
  w.Str(r.source);
  w.I64(r.depth);
  w.Str(r.etag);
  w.Str(r.last_modified);
  w.I64(r.next_revisit_ms);
  w.Count(r.ad_ids.size());
  for (const auto& id : r.ad_ids) w.Str(id);
  w.Str(r.remote_ip);
  w.Str(r.redirect_to);
  return w.Release();
}

Result<UrlRecord> DecodeUrlRecord(std::string_view value, std::string_view context) {
  if (IsOldJson(value)) return DecodeOldUrlRecord(value, context);
  if (FormatOf(value) != kFormatBinary) return UnknownFormat(context);
  ValueReader v(value);
  UrlRecord r;
  r.outcome = v.Enum(Outcome::kBlocked);
  r.reason = v.Str();
  r.http_status = v.I32();
  r.attempts = v.I32();
  r.at_ms = v.I64();
  r.source = v.Str();
  r.depth = v.I32();
  r.etag = v.Str();
  r.last_modified = v.Str();
  r.next_revisit_ms = v.I64();
  const size_t n = v.Count();
  r.ad_ids.reserve(n);
  for (size_t i = 0; i < n && v.ok(); ++i) r.ad_ids.push_back(v.Str());
  r.remote_ip = v.Str();
  r.redirect_to = v.Str();
  ADWATCH_RETURN_IF_ERROR(v.Finish(context));
  return r;
}

std::string EncodeFetchTask(const FetchTask& t) {
  ValueWriter w;
  w.Reserve(32 + t.url.size() + t.source.size() + t.etag.size() + t.last_modified.size());
  w.Str(t.url);
  w.Str(t.source);
  w.I64(t.depth);
  w.U64(static_cast<uint64_t>(t.priority));
  w.I64(t.attempt);
  w.I64(t.not_before_ms);
  w.Bool(t.external);
  w.Str(t.etag);
  w.Str(t.last_modified);
  w.I64(t.redirects);
  return w.Release();
}

Result<FetchTask> DecodeFetchTask(std::string_view value, std::string_view context) {
  if (IsOldJson(value)) return FromJsonText<FetchTask>(value, context);
  if (FormatOf(value) != kFormatBinary) return UnknownFormat(context);
  ValueReader v(value);
  FetchTask t;
  t.url = v.Str();
  t.source = v.Str();
  t.depth = v.I32();
  t.priority = v.Enum(FetchPriority::kDiscovered);
  t.attempt = v.I32();
  t.not_before_ms = v.I64();
  t.external = v.Bool();
  t.etag = v.Str();
  t.last_modified = v.Str();
  t.redirects = v.I32();
  ADWATCH_RETURN_IF_ERROR(v.Finish(context));
  return t;
}

std::string EncodeRobotsRecord(const RobotsRecord& r) {
  ValueWriter w;
  w.Reserve(16 + r.text.size());
  w.Str(r.text);
  w.I64(r.fetched_ms);
  w.I64(r.http_status);
  return w.Release();
}

Result<RobotsRecord> DecodeRobotsRecord(std::string_view value, std::string_view context) {
  RobotsRecord r;
  if (IsOldJson(value)) {
    auto j = ParseOldJson(value, context);
    if (!j) return j.error();
    const FieldReader f(*j, context);
    ADWATCH_RETURN_IF_ERROR(f.Read("robots", r.text));
    ADWATCH_RETURN_IF_ERROR(f.Read("robots_fetched_ms", r.fetched_ms));
    ADWATCH_RETURN_IF_ERROR(f.Read("robots_status", r.http_status));
    return r;
  }
  if (FormatOf(value) != kFormatBinary) return UnknownFormat(context);
  ValueReader v(value);
  r.text = v.Str();
  r.fetched_ms = v.I64();
  r.http_status = v.I32();
  ADWATCH_RETURN_IF_ERROR(v.Finish(context));
  return r;
}

}  // namespace adwatch::storage
