// /v1/watch and /v1/alerts: an organisation's watch list and the alerts it raised (docs/api.md,
// docs/watch.md). Police tokens only; every read and delete is scoped to the token's org, so
// another organisation's id answers 404 like an unknown one.
#include <algorithm>

#include "adwatch/common/names.h"
#include "adwatch/common/time.h"
#include "adwatch/watch/entry.h"
#include "adwatch/watch/store_outbox.h"
#include "api_internal.h"

namespace adwatch::api::internal {

namespace {

nlohmann::json EntryJson(const WatchEntry& e, int64_t now_ms) {
  return {{"id", e.id},
          {"kind", Name(e.kind)},
          {"value", e.value},
          {"typed", e.typed},
          {"note", e.note},
          {"created_by", e.created_by},
          {"created", FormatUtc(e.created_ms)},
          {"expires", e.expires_ms ? nlohmann::json(FormatUtc(e.expires_ms)) : nullptr},
          {"expired", watch::Expired(e, now_ms)}};
}

nlohmann::json AlertJson(const watch::Alert& a) {
  return {{"id", a.id},
          {"cause", watch::AlertCauseName(a.cause)},
          {"entry_id", a.entry_id},
          {"matched", a.matched},
          {"note", a.note},
          {"ad_id", a.ad_id},
          {"ad_url", a.ad_url},
          {"source", a.source},
          {"regions", a.regions},
          {"level", a.level},
          {"pattern", a.pattern},
          {"reasons_id", a.reasons_id},
          {"reasons_en", a.reasons_en},
          {"seen", a.seen_ms ? nlohmann::json(FormatUtc(a.seen_ms)) : nullptr},
          {"created", FormatUtc(a.created_ms)},
          {"related_ads", a.related_ads}};
}

// "7d", "12h", "30m" before now, or an RFC 3339 time; nullopt when neither.
std::optional<int64_t> ParseSince(std::string_view s, int64_t now_ms) {
  if (s.size() >= 2 && s.size() <= 6) {
    int64_t n = 0;
    bool digits = true;
    for (size_t i = 0; i + 1 < s.size(); ++i) {
      digits = digits && s[i] >= '0' && s[i] <= '9';
      if (digits) n = n * 10 + (s[i] - '0');
    }
    const char unit = s.back();
    if (digits && (unit == 'd' || unit == 'h' || unit == 'm')) {
      return now_ms - n * (unit == 'd' ? 86'400'000 : unit == 'h' ? 3'600'000 : 60'000);
    }
  }
  if (auto t = ParseTimestamp(s)) return *t;
  return std::nullopt;
}

}  // namespace

ApiResponse ListWatch(Context& c) {
  if (auto e = CheckQuery(c, {"lang"})) return std::move(*e);
  auto entries = c.services.store.ListWatchEntries(c.token->org);
  if (!entries) return Error(503, "unavailable", "the store cannot be read");
  nlohmann::json items = nlohmann::json::array();
  for (const WatchEntry& e : *entries) items.push_back(EntryJson(e, c.now_ms));
  return Json(200, {{"items", items}});
}

ApiResponse CreateWatch(Context& c) {
  auto parsed = ParseBody(c, {"kind", "value", "note", "expires"});
  if (auto* e = std::get_if<ApiResponse>(&parsed)) return std::move(*e);
  const nlohmann::json& j = std::get<nlohmann::json>(parsed);
  if (!j.contains("kind") || !j["kind"].is_string() || !j.contains("value") ||
      !j["value"].is_string()) {
    return Error(400, "invalid_request", "send \"kind\" and \"value\" as strings");
  }
  auto kind = ParseWatchKind(j["kind"].get<std::string>());
  if (!kind) {
    return Error(400, "invalid_request",
                 "\"kind\" is phone, whatsapp, telegram, email, domain or keyword");
  }
  watch::EntrySpec spec;
  spec.org = c.token->org;
  spec.kind = *kind;
  spec.typed = j["value"].get<std::string>();
  spec.created_by = c.token->id;
  if (j.contains("note")) {
    if (!j["note"].is_string()) return Error(400, "invalid_request", "\"note\" must be a string");
    spec.note = j["note"].get<std::string>();
    if (spec.note.size() > 1000) return Error(400, "invalid_request", "\"note\" is too long");
  }
  if (j.contains("expires") && !j["expires"].is_null()) {
    // A lifetime in days ("expires": 180), or an RFC 3339 time.
    if (j["expires"].is_number_integer() && j["expires"].get<int64_t>() > 0 &&
        j["expires"].get<int64_t>() <= 3650) {
      spec.ttl_ms = j["expires"].get<int64_t>() * 86'400'000;
    } else if (auto t = j["expires"].is_string() ? ParseTimestamp(j["expires"].get<std::string>())
                                                 : Result<int64_t>(Status::InvalidArgument(""));
               t && *t > c.now_ms) {
      spec.ttl_ms = *t - c.now_ms;
    } else {
      return Error(400, "invalid_request",
                   "\"expires\" is a number of days (1-3650) or a future RFC 3339 time");
    }
  }
  auto entry = watch::NewEntry(spec, c.now_ms);
  if (!entry) return Error(400, "invalid_value", entry.error().message());
  if (Status s = c.services.store.PutWatchEntry(*entry); !s.ok()) {
    c.Audit("watch.add", entry->id, "error", s.message());
    return Error(503, "unavailable", "the entry could not be stored");
  }
  c.Audit("watch.add", entry->id, "ok", std::string(Name(entry->kind)) + " " + entry->value);
  return Json(201, EntryJson(*entry, c.now_ms));
}

ApiResponse DeleteWatch(Context& c) {
  if (auto e = CheckQuery(c, {"lang"})) return std::move(*e);
  const std::string& id = c.params[0];
  Status s = c.services.store.DeleteWatchEntry(c.token->org, id);
  if (s.IsNotFound()) {
    c.Audit("object.not_found", id, "not_found", "watch entry");
    return Error(404, "not_found", "no such watch entry");
  }
  if (!s.ok()) return Error(503, "unavailable", "the entry could not be removed");
  c.Audit("watch.remove", id, "ok");
  return Json(200, {{"id", id}, {"removed", true}});
}

ApiResponse ListAlerts(Context& c) {
  if (auto e = CheckQuery(c, {"since", "limit", "lang"})) return std::move(*e);
  auto limit = ListLimit(c);
  if (auto* e = std::get_if<ApiResponse>(&limit)) return std::move(*e);
  int64_t since = c.now_ms - 7 * 86'400'000LL;
  if (auto s = c.Query("since")) {
    auto parsed = ParseSince(*s, c.now_ms);
    if (!parsed) {
      return Error(400, "invalid_parameter", "\"since\" is like 7d, 12h, 30m or an RFC 3339 time");
    }
    since = *parsed;
  }
  auto rows = c.services.store.ListAlerts(c.token->org, since, std::get<size_t>(limit));
  if (!rows) return Error(503, "unavailable", "the store cannot be read");
  nlohmann::json items = nlohmann::json::array();
  for (const auto& row : *rows) {
    auto a = watch::FromRow(row);
    if (!a) return Error(503, "unavailable", "an alert cannot be read");
    items.push_back(AlertJson(*a));
  }
  return Json(200, {{"items", items}});
}

}  // namespace adwatch::api::internal
