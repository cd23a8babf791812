// HandleRequest: the route table (route → roles, deny by default), authentication, rate limits,
// body checks and the request metrics around every handler.
#include "adwatch/api/api.h"

#include <chrono>
#include <cstdio>
#include <exception>

#include "adwatch/api/tokens.h"
#include "adwatch/common/escape.h"
#include "adwatch/common/names.h"
#include "adwatch/common/query.h"
#include "api_internal.h"

namespace adwatch::api {

using ::adwatch::Name;  // names.h: Name(Role), Name(Level), ... beside Name(TokenProblem)
namespace {

using internal::Context;
using internal::Error;

enum RoleBits : unsigned {
  kNone = 0,  // no token needed
  kNgo = 1u << static_cast<unsigned>(Role::kNgo),
  kPolice = 1u << static_cast<unsigned>(Role::kPolice),
  kTaskforce = 1u << static_cast<unsigned>(Role::kTaskforce),
};

struct Route {
  std::string_view method;
  std::string_view pattern;  // segments; "{id}" matches one id segment
  unsigned roles;            // who may call it; kNone: anyone, no token
  ApiResponse (*handler)(Context&);
};

// The one table. A route not here does not exist (404); a method not listed for a path that
// exists is 405; a role not listed is 403.
const std::vector<Route>& Routes() {
  static const std::vector<Route> kRoutes = {
      {"GET", "/healthz", kNone, internal::Healthz},
      {"GET", "/metrics", kNone, internal::MetricsText},
      {"POST", "/v1/submissions", kNgo, internal::CreateSubmission},
      {"GET", "/v1/submissions", kNgo, internal::ListSubmissions},
      {"GET", "/v1/submissions/{id}", kNgo, internal::GetSubmission},
      {"GET", "/v1/ads", kPolice | kTaskforce, internal::ListAds},
      {"GET", "/v1/ads/{id}", kPolice | kTaskforce, internal::GetAd},
      {"GET", "/v1/ads/{id}/evidence", kPolice, internal::GetEvidence},
      {"POST", "/v1/ads/{id}/review", kPolice, internal::PostReview},
      {"GET", "/v1/watch", kPolice, internal::ListWatch},
      {"POST", "/v1/watch", kPolice, internal::CreateWatch},
      {"DELETE", "/v1/watch/{id}", kPolice, internal::DeleteWatch},
      {"GET", "/v1/alerts", kPolice, internal::ListAlerts},
  };
  return kRoutes;
}

bool IdSegment(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const size_t j = path.find('/', i);
    out.push_back(path.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (j == std::string_view::npos) break;
    i = j;
  }
  return out;
}

// Whether `path` matches `pattern`; fills `params` with the {id} segments.
bool Match(std::string_view pattern, std::string_view path, std::vector<std::string>& params) {
  if (path.size() > 1 && path.back() == '/') return false;
  const auto want = Segments(pattern);
  const auto got = Segments(path);
  if (want.size() != got.size()) return false;
  std::vector<std::string> found;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i] == "{id}") {
      if (!IdSegment(got[i])) return false;
      found.emplace_back(got[i]);
    } else if (want[i] != got[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

classifier::Lang LangOf(const Context& c) {
  if (auto q = c.Query("lang")) return *q == "en" ? classifier::Lang::kEn : classifier::Lang::kId;
  std::string_view al = c.request.accept_language;
  // The first language listed decides; "en", "en-US", "en-GB;q=0.9" read as English.
  while (!al.empty() && al.front() == ' ') al.remove_prefix(1);
  if (al.size() >= 2 && (al[0] == 'e' || al[0] == 'E') && (al[1] == 'n' || al[1] == 'N') &&
      (al.size() == 2 || al[2] == '-' || al[2] == ';' || al[2] == ',')) {
    return classifier::Lang::kEn;
  }
  return classifier::Lang::kId;
}

ApiResponse Unauthorized() {
  ApiResponse r =
      Error(401, "unauthorized", "a valid API token is required (Authorization: Bearer adw_…)");
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

ApiResponse TooMany(int64_t retry_after_s, std::string_view message) {
  ApiResponse r = Error(429, "rate_limited", message);
  r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return r;
}

ApiResponse Dispatch(Context& c, std::string& route_label) {
  const ApiRequest& req = c.request;
  const ApiOptions& o = c.services.options;
  if (req.target.size() > o.max_url_bytes + 512)
    return Error(414, "uri_too_long", "request target too long");
  // Origin form only (RFC 9112 3.2.1): "v1/ads" or "*" is not a path this API serves.
  if (req.target.empty() || req.target[0] != '/')
    return Error(400, "invalid_target", "the request target must be a path starting with /");
  const auto [path, query] = SplitTarget(req.target);
  auto q = ParseQuery(query);
  if (!q) return Error(400, "invalid_query", "the query string has a malformed %-escape");
  c.path = std::string(path);
  c.query = std::move(*q);
  c.lang = LangOf(c);

  const Route* route = nullptr;
  std::string allow;
  for (const Route& r : Routes()) {
    std::vector<std::string> params;
    if (!Match(r.pattern, c.path, params)) continue;
    allow += (allow.empty() ? "" : ", ") + std::string(r.method);
    if (r.method == req.method || (r.method == "GET" && req.method == "HEAD")) {
      route = &r;
      c.params = std::move(params);
    }
  }
  if (route == nullptr) {
    if (allow.empty()) return Error(404, "not_found", "no such resource");
    ApiResponse r = Error(405, "method_not_allowed", "use " + allow);
    r.headers.emplace_back("Allow", allow);
    return r;
  }
  route_label = std::string(route->pattern);

  const bool needs_token =
      route->roles != kNone || (route->handler == internal::MetricsText && o.metrics_need_token);
  if (needs_token) {
    const std::string fail_key = "authfail|" + req.peer_address;
    if (!c.services.limits.Has(fail_key, o.auth_fail_rate_per_s, o.auth_fail_burst, c.now_ms)) {
      return TooMany(static_cast<int64_t>(1 / o.auth_fail_rate_per_s) + 1,
                     "too many failed authentications from this address");
    }
    Status store_error;
    Authenticated a = Authenticate(c.services.store, req.authorization, c.now_ms, &store_error);
    if (!store_error.ok()) {
      std::fprintf(stderr, "adwatch serve: token lookup: %s\n", store_error.ToString().c_str());
      return Error(503, "unavailable", "the service cannot check tokens right now");
    }
    if (!a.token) {
      c.services.limits.Take(fail_key, o.auth_fail_rate_per_s, o.auth_fail_burst, c.now_ms);
      AuditEvent e;
      e.at_ms = c.now_ms;
      e.actor = a.token_id;
      e.action = "auth.fail";
      e.object = route_label;
      e.outcome = std::string(Name(a.problem));
      e.ip = req.peer_address;
      c.services.audit.Add(std::move(e));
      return Unauthorized();
    }
    c.token = std::move(a.token);
    c.services.audit.AuthOk(c.token->id, c.token->org, req.peer_address, c.now_ms);
    if (const int64_t wait = c.services.limits.Take("token|" + c.token->id, o.token_rate_per_s,
                                                    o.token_burst, c.now_ms)) {
      return TooMany(wait, "too many requests with this token; slow down");
    }
    const unsigned bit = 1u << static_cast<unsigned>(c.token->role);
    if (route->roles != kNone && (route->roles & bit) == 0) {
      c.Audit("auth.role", route_label, "denied", std::string(Name(c.token->role)));
      return Error(403, "forbidden", "this token's role may not use " + route_label);
    }
  }

  if (req.method == "POST") {
    std::string_view ct = req.content_type;
    const size_t semi = ct.find(';');
    ct = ct.substr(0, semi);
    while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
    const bool submission = route->handler == internal::CreateSubmission;
    const bool image = ct.starts_with("image/") && submission;
    if (image && o.max_image_bytes == 0) {
      return Error(415, "unsupported_media_type",
                   "this server does not read images; send a link or the text as "
                   "application/json");
    }
    if (!image && ct != "application/json") {
      return Error(415, "unsupported_media_type",
                   submission && o.max_image_bytes > 0
                       ? "send the body as application/json, or an image as image/png, "
                         "image/jpeg, image/webp or image/gif"
                       : "send the body as application/json");
    }
    // An image may be larger than any JSON body; a JSON body is held to its own limit.
    const size_t limit = image        ? o.max_image_bytes
                         : submission ? o.max_text_body_bytes
                                      : o.max_json_body_bytes;
    if (req.body.size() > limit) {
      return Error(413, "too_large",
                   image ? "the image is " + std::to_string(req.body.size()) +
                               " bytes; this server reads images of at most " +
                               std::to_string(o.max_image_bytes) + " bytes"
                         : "the request body is too large");
    }
  }
  return route->handler(c);
}

}  // namespace

Status Validate(const ApiOptions& o) {
  if (o.max_text_body_bytes < 1024 || o.max_json_body_bytes < 1024) {
    return Status::InvalidArgument("api", "body limits must be at least 1 KiB");
  }
  if (o.max_url_bytes < 256) return Status::InvalidArgument("api.max_url_bytes", "at least 256");
  if (o.max_list_limit < 1 || o.default_list_limit < 1 || o.default_list_limit > o.max_list_limit) {
    return Status::InvalidArgument("api", "list limits must satisfy 1 <= default <= max");
  }
  if (!(o.token_rate_per_s > 0) || !(o.token_burst >= 1) || !(o.auth_fail_rate_per_s > 0) ||
      !(o.auth_fail_burst >= 1) || !(o.submission_rate_per_s > 0) || !(o.submission_burst >= 1)) {
    return Status::InvalidArgument("api", "rates must be positive and bursts at least 1");
  }
  if (o.submissions_per_day < 1) {
    return Status::InvalidArgument("api.submissions_per_day", "must be at least 1");
  }
  return Status::OK();
}

size_t BodyLimit(const ApiOptions& options, std::string_view method, std::string_view target) {
  if (method != "POST" && method != "PUT" && method != "PATCH") return 0;
  const auto path = SplitTarget(target).first;
  return path == "/v1/submissions" ? std::max(options.max_text_body_bytes, options.max_image_bytes)
                                   : options.max_json_body_bytes;
}

ApiResponse HandleRequest(const ApiRequest& request, Services& services) {
  const auto started = std::chrono::steady_clock::now();
  Context c{request, services};
  c.now_ms = services.clock.NowMs();
  std::string route;
  ApiResponse r;
  try {
    r = Dispatch(c, route);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "adwatch serve: %s %s: %s\n", request.method.c_str(),
                 EscapeControl(route).c_str(), EscapeControl(e.what()).c_str());
    r = Error(500, "internal", "the service failed to answer; the operators have the details");
  }
  if (request.method == "HEAD") r.body.clear();
  r.route = route;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string label = route.empty() ? "other" : route;
  services.metrics.Count("adwatch_api_requests_total", "API requests by route and status",
                         {{"route", label}, {"status", std::to_string(r.status)}});
  services.metrics.Observe("adwatch_api_request_duration_seconds",
                           "Time to answer an API request, by route", {{"route", label}}, seconds);
  return r;
}

namespace internal {

std::optional<std::string> Context::Query(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return std::nullopt;
}

void Context::Audit(std::string_view action, std::string_view object, std::string_view outcome,
                    std::string_view detail) const {
  AuditEvent e;
  e.at_ms = now_ms;
  if (token) {
    e.actor = token->id;
    e.org = token->org;
  }
  e.action = std::string(action);
  e.object = std::string(object);
  e.outcome = std::string(outcome);
  e.ip = request.peer_address;
  e.detail = EscapeControl(detail);
  services.audit.Add(std::move(e));
}

ApiResponse Error(int status, std::string_view code, std::string_view message) {
  return Json(status, {{"error", code}, {"message", message}});
}

ApiResponse Json(int status, const nlohmann::json& body) {
  ApiResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.body += '\n';
  return r;
}

std::variant<nlohmann::json, ApiResponse> ParseBody(
    const Context& c, std::initializer_list<std::string_view> allowed) {
  nlohmann::json j = nlohmann::json::parse(c.request.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error(400, "invalid_json", "the body is not valid JSON");
  if (!j.is_object()) return Error(400, "invalid_json", "the body must be a JSON object");
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key == a;
    if (!known) {
      return Error(400, "unknown_field",
                   "unknown field '" + EscapeControl(key.substr(0, 64)) + "'");
    }
  }
  return j;
}

std::optional<ApiResponse> CheckQuery(const Context& c,
                                      std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : c.query) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key == a;
    if (!known) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return Error(400, "unknown_parameter",
                   "unknown parameter '" + EscapeControl(key.substr(0, 64)) + "'; use " + list);
    }
  }
  return std::nullopt;
}

std::variant<size_t, ApiResponse> ListLimit(const Context& c) {
  const ApiOptions& o = c.services.options;
  auto v = c.Query("limit");
  if (!v) return o.default_list_limit;
  size_t n = 0;
  if (v->empty() || v->size() > 6)
    return Error(400, "invalid_parameter", "limit must be 1-" + std::to_string(o.max_list_limit));
  for (char ch : *v) {
    if (ch < '0' || ch > '9') return Error(400, "invalid_parameter", "limit must be a number");
    n = n * 10 + static_cast<size_t>(ch - '0');
  }
  if (n < 1 || n > o.max_list_limit) {
    return Error(400, "invalid_parameter", "limit must be 1-" + std::to_string(o.max_list_limit));
  }
  return n;
}

}  // namespace internal
}  // namespace adwatch::api
