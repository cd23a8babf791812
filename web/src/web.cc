// HandlePage: the route table (route → roles, deny by default), sessions, sign-in and sign-out,
// the CSRF and Origin checks of every POST, the language switch and the page shell.
#include "adwatch/web/web.h"

#include <cstdio>
#include <exception>

#include "adwatch/api/tokens.h"
#include "adwatch/common/escape.h"
#include "adwatch/common/hash.h"
#include "adwatch/common/names.h"
#include "adwatch/common/query.h"
#include "adwatch/common/random_id.h"
#include "web_internal.h"

namespace adwatch::web {

using internal::Context;
using internal::H;
using internal::Lang;

namespace {

constexpr std::string_view kSessionCookie = "adw_session";
constexpr std::string_view kLoginCookie = "adw_login";
constexpr std::string_view kLangCookie = "adw_lang";

enum RoleBits : unsigned {
  kAnyone = 0,
  kNgo = 1u << static_cast<unsigned>(Role::kNgo),
  kPolice = 1u << static_cast<unsigned>(Role::kPolice),
  kTaskforce = 1u << static_cast<unsigned>(Role::kTaskforce),
};

struct Route {
  std::string_view method;
  std::string_view pattern;
  unsigned roles;  // kAnyone: no session needed
  WebResponse (*handler)(Context&);
};

WebResponse Root(Context& c);
WebResponse LoginPage(Context& c);
WebResponse PostLogin(Context& c);
WebResponse PostLogout(Context& c);
WebResponse LangSwitch(Context& c);

const std::vector<Route>& Routes() {
  static const std::vector<Route> kRoutes = {
      {"GET", "/", kAnyone, Root},
      {"GET", "/login", kAnyone, LoginPage},
      {"POST", "/login", kAnyone, PostLogin},
      {"POST", "/logout", kNgo | kPolice | kTaskforce, PostLogout},
      {"GET", "/lang", kAnyone, LangSwitch},
      {"GET", "/review", kPolice | kTaskforce, internal::QueuePage},
      {"GET", "/review/ads/{id}", kPolice | kTaskforce, internal::AdPage},
      {"GET", "/review/ads/{id}/raw", kPolice, internal::RawPage},
      {"GET", "/review/ads/{id}/evidence", kPolice, internal::EvidenceDownload},
      {"POST", "/review/ads/{id}/label", kPolice, internal::PostLabel},
      {"POST", "/review/notes", kPolice, internal::PostNote},
      {"GET", "/review/contact", kPolice, internal::ContactPage},
      {"GET", "/check", kNgo, internal::CheckPage},
      {"POST", "/check", kNgo, internal::PostCheck},
      {"GET", "/check/{id}", kNgo, internal::CheckResultPage},
      {"GET", "/digests", kTaskforce | kPolice, internal::DigestsPage},
      {"GET", "/digests/file", kTaskforce | kPolice, internal::DigestFile},
  };
  return kRoutes;
}

bool IdSegment(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (char ch : s) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    if (!ok) return false;
  }
  return true;
}

bool Match(std::string_view pattern, std::string_view path, std::vector<std::string>& params) {
  std::vector<std::string> found;
  while (!pattern.empty() || !path.empty()) {
    if (pattern.empty() || path.empty() || pattern[0] != '/' || path[0] != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const size_t pe = pattern.find('/'), qe = path.find('/');
    const std::string_view want = pattern.substr(0, pe), got = path.substr(0, qe);
    if (want == "{id}") {
      if (!IdSegment(got)) return false;
      found.emplace_back(got);
    } else if (want != got) {
      return false;
    }
    pattern = pe == std::string_view::npos ? std::string_view() : pattern.substr(pe);
    path = qe == std::string_view::npos ? std::string_view() : path.substr(qe);
  }
  params = std::move(found);
  return true;
}

// The value of cookie `name` in a Cookie header, or "".
std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t semi = header.find(';');
    std::string_view part = header.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    const size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) {
      return std::string(part.substr(eq + 1));
    }
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return "";
}

std::string Cookie(const Context& c, std::string_view name, std::string_view value,
                   int64_t max_age_s) {
  std::string s = std::string(name) + "=" + std::string(value) +
                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s);
  if (c.services.options.secure_cookies || c.request.tls) s += "; Secure";
  return s;
}

bool SameSecret(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// The page a role starts on.
std::string_view HomeOf(Role role) {
  switch (role) {
    case Role::kPolice:
      return "/review";
    case Role::kNgo:
      return "/check";
    case Role::kTaskforce:
      return "/digests";
  }
  return "/login";
}

WebResponse Root(Context& c) {
  if (!c.session) return internal::Redirect("/login");
  return internal::Redirect(HomeOf(c.session->token.role));
}

WebResponse LoginForm(Context& c, int status, std::string_view error) {
  auto nonce = RandomId(32);
  if (!nonce) return internal::Message(c, 500, c.T("error"), c.T("error_internal"));
  std::string m = "<section class=\"login\"><h1>" + H(c.T("login_title")) + "</h1>";
  m += "<p>" + H(c.T("login_help")) + "</p>";
  if (!error.empty()) m += "<p class=\"error\" role=\"alert\">" + H(error) + "</p>";
  m += "<form method=\"post\" action=\"/login\" autocomplete=\"off\">";
  m += "<input type=\"hidden\" name=\"csrf\" value=\"" + H(*nonce) + "\">";
  m += "<label for=\"token\">" + H(c.T("login_token")) + "</label>";
  m += "<input id=\"token\" name=\"token\" type=\"password\" required maxlength=\"200\" "
       "spellcheck=\"false\" autocapitalize=\"off\">";
  m += "<button type=\"submit\">" + H(c.T("login_submit")) + "</button></form></section>";
  WebResponse r = internal::Page(c, status, c.T("login_title"), "login", m);
  // Double-submit: the form's nonce must come back with the same cookie (no session yet).
  r.headers.emplace_back("Set-Cookie", Cookie(c, kLoginCookie, *nonce, 3600));
  return r;
}

WebResponse LoginPage(Context& c) {
  if (c.session) return internal::Redirect(HomeOf(c.session->token.role));
  return LoginForm(c, 200, "");
}

WebResponse PostLogin(Context& c) {
  storage::Store& store = c.services.api.store;
  api::Limits& limits = c.services.api.limits;
  const WebOptions& o = c.services.options;
  const std::string nonce = CookieValue(c.request.cookie, kLoginCookie);
  if (!SameSecret(nonce, c.Form("csrf").value_or(""))) {
    return LoginForm(c, 403, c.T("login_expired"));
  }
  const std::string key = "weblogin|" + c.request.peer_address;
  if (!limits.Has(key, o.login_rate_per_s, o.login_burst, c.now_ms)) {
    return LoginForm(c, 429, c.T("login_too_many"));
  }
  std::string token = c.Form("token").value_or("");
  while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r'))
    token.pop_back();
  while (!token.empty() && token.front() == ' ') token.erase(0, 1);
  Status store_error;
  api::Authenticated a = api::Authenticate(store, "Bearer " + token, c.now_ms, &store_error);
  AuditEvent e;
  e.at_ms = c.now_ms;
  e.actor = a.token_id;
  e.action = a.token ? "web.login" : "auth.fail";
  e.object = "/login";
  e.outcome = a.token ? "ok" : std::string(api::Name(a.problem));
  e.ip = c.request.peer_address;
  if (a.token) e.org = a.token->org;
  c.services.api.audit.Add(std::move(e));
  if (!store_error.ok()) return LoginForm(c, 503, c.T("error_store"));
  if (!a.token) {
    limits.Take(key, o.login_rate_per_s, o.login_burst, c.now_ms);
    return LoginForm(c, 401, c.T("login_bad"));
  }
  auto s = c.services.sessions.Create(token, *a.token, c.now_ms);
  if (!s) return internal::Message(c, 500, c.T("error"), c.T("error_internal"));
  WebResponse r = internal::Redirect(HomeOf(a.token->role));
  r.headers.emplace_back("Set-Cookie", Cookie(c, kSessionCookie, s->id, o.session_ttl_ms / 1000));
  r.headers.emplace_back("Set-Cookie", Cookie(c, kLoginCookie, "", 0));
  return r;
}

WebResponse PostLogout(Context& c) {
  c.services.sessions.End(c.session->id);
  c.Audit("web.logout", "/logout", "ok");
  WebResponse r = internal::Redirect("/login");
  r.headers.emplace_back("Set-Cookie", Cookie(c, kSessionCookie, "", 0));
  return r;
}

// /lang?to=en&back=/review?...: remembers the language in a cookie and goes back.
WebResponse LangSwitch(Context& c) {
  const std::string to = c.Query("to").value_or("id") == "en" ? "en" : "id";
  std::string back = c.Query("back").value_or("/");
  // Only a path on this site: not "//host", not "/\host", no scheme.
  if (back.empty() || back[0] != '/' || (back.size() > 1 && (back[1] == '/' || back[1] == '\\')) ||
      back.find_first_of("\r\n") != std::string::npos) {
    back = "/";
  }
  WebResponse r = internal::Redirect(back);
  std::string cookie =
      std::string(kLangCookie) + "=" + to + "; Path=/; SameSite=Strict; Max-Age=31536000";
  if (c.services.options.secure_cookies || c.request.tls) cookie += "; Secure";
  r.headers.emplace_back("Set-Cookie", cookie);
  return r;
}

// POSTs: a form body, the CSRF token of the session (sign-in checks its own), and an Origin of
// this site when the browser sends one.
std::optional<WebResponse> CheckPost(Context& c, bool is_login) {
  std::string_view ct = c.request.content_type;
  ct = ct.substr(0, ct.find(';'));
  if (ct != "application/x-www-form-urlencoded") {
    return internal::Message(c, 415, c.T("error"), c.T("error_form"));
  }
  auto form = ParseQuery(c.request.body);
  if (!form) return internal::Message(c, 400, c.T("error"), c.T("error_form"));
  c.form = std::move(*form);
  const std::string& origin = c.request.origin;
  if (!origin.empty()) {
    const std::string self = std::string(c.request.tls ? "https://" : "http://") + c.request.host;
    const std::string self_other =
        std::string(c.request.tls ? "http://" : "https://") + c.request.host;  // behind a TLS proxy
    if (c.request.host.empty() || (origin != self && origin != self_other)) {
      c.Audit("web.csrf", c.path, "denied", "origin " + origin);
      return internal::Message(c, 403, c.T("error"), c.T("error_csrf"));
    }
  }
  if (!is_login && !SameSecret(c.session->csrf, c.Form("csrf").value_or(""))) {
    c.Audit("web.csrf", c.path, "denied", "csrf token");
    return internal::Message(c, 403, c.T("error"), c.T("error_csrf"));
  }
  return std::nullopt;
}

WebResponse Dispatch(Context& c) {
  const WebRequest& req = c.request;
  if (req.target.size() > 16 * 1024) return internal::Message(c, 414, c.T("error"), "URI");
  const auto [path, query] = SplitTarget(req.target);
  auto q = ParseQuery(query);
  if (!q) return internal::Message(c, 400, c.T("error"), c.T("error_query"));
  c.path = std::string(path);
  c.query = std::move(*q);
  const std::string lang_cookie = CookieValue(req.cookie, kLangCookie);
  c.lang = lang_cookie == "en" ? Lang::kEn : Lang::kId;

  if (c.path.rfind("/static/", 0) == 0) {
    if (req.method != "GET" && req.method != "HEAD") {
      return internal::Message(c, 405, c.T("error"), c.T("error_method"));
    }
    if (auto asset = internal::StaticAsset(c.path)) return std::move(*asset);
    return internal::Message(c, 404, c.T("not_found"), c.T("not_found_text"));
  }

  // The session, re-checked against its token on every request: a revoked or expired token ends
  // its sessions at once.
  const std::string sid = CookieValue(req.cookie, kSessionCookie);
  if (!sid.empty()) {
    c.session = c.services.sessions.Find(sid, c.now_ms);
    if (c.session) {
      auto t = c.services.api.store.FindToken(api::TokenDigest(c.session->token_text));
      if (!t || t->revoked || (t->expires_ms != 0 && c.now_ms >= t->expires_ms)) {
        c.services.sessions.EndForToken(c.session->token.id);
        c.session.reset();
      } else {
        c.session->token = std::move(*t);
      }
    }
  }

  const Route* route = nullptr;
  bool path_known = false;
  for (const Route& r : Routes()) {
    std::vector<std::string> params;
    if (!Match(r.pattern, c.path, params)) continue;
    path_known = true;
    if (r.method == req.method || (r.method == "GET" && req.method == "HEAD")) {
      route = &r;
      c.params = std::move(params);
    }
  }
  if (!route) {
    if (path_known) return internal::Message(c, 405, c.T("error"), c.T("error_method"));
    return internal::Message(c, 404, c.T("not_found"), c.T("not_found_text"));
  }
  if (route->roles != kAnyone) {
    if (!c.session) {
      if (req.method == "GET" || req.method == "HEAD") return internal::Redirect("/login");
      return internal::Message(c, 401, c.T("error"), c.T("error_signin"));
    }
    const unsigned bit = 1u << static_cast<unsigned>(c.session->token.role);
    if ((route->roles & bit) == 0) {
      c.Audit("auth.role", std::string(route->pattern), "denied",
              std::string(Name(c.session->token.role)));
      return internal::Message(c, 403, c.T("forbidden"), c.T("forbidden_text"));
    }
  }
  if (req.method == "POST") {
    if (auto e = CheckPost(c, route->handler == PostLogin)) return std::move(*e);
  }
  return route->handler(c);
}

}  // namespace

Status Validate(const WebOptions& o) {
  if (o.session_ttl_ms < 60'000 || o.session_idle_ms < 60'000) {
    return Status::InvalidArgument("web", "session lifetimes must be at least a minute");
  }
  if (o.max_sessions < 1) return Status::InvalidArgument("web.max_sessions", "at least 1");
  if (o.queue_page_size < 1 || o.queue_page_size > 100) {
    return Status::InvalidArgument("web.queue_page_size", "1-100");
  }
  if (!(o.login_rate_per_s > 0) || !(o.login_burst >= 1)) {
    return Status::InvalidArgument("web", "login rate must be positive and burst at least 1");
  }
  for (const DigestFeed& f : o.feeds) {
    if (f.name.empty() || f.name.find('/') != std::string::npos) {
      return Status::InvalidArgument("web.feeds", "bad feed name '" + f.name + "'");
    }
  }
  return Status::OK();
}

bool IsPagePath(std::string_view target) {
  const std::string_view path = SplitTarget(target).first;
  return !(path.rfind("/v1/", 0) == 0 || path == "/v1" || path == "/healthz" || path == "/metrics");
}

size_t PageBodyLimit(const api::ApiOptions& options, std::string_view method,
                     std::string_view target) {
  if (method != "POST") return 0;
  const std::string_view path = SplitTarget(target).first;
  // A pasted text, percent-encoded: up to three bytes per byte.
  if (path == "/check") return 3 * options.max_text_body_bytes + 4096;
  return 3 * 4096 + 4096;
}

WebResponse HandlePage(const WebRequest& request, WebServices& services) {
  Context c{request, services};
  c.now_ms = services.api.clock.NowMs();
  WebResponse r;
  try {
    r = Dispatch(c);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "adwatch serve: page %s: %s\n", EscapeControl(c.path, 200).c_str(),
                 EscapeControl(e.what()).c_str());
    r = internal::Message(c, 500, c.T("error"), c.T("error_internal"));
  }
  bool has_csp = false, has_cache = false;
  for (const auto& [k, v] : r.headers) {
    has_csp = has_csp || k == "Content-Security-Policy";
    has_cache = has_cache || k == "Cache-Control";
  }
  if (!has_csp) r.headers.emplace_back("Content-Security-Policy", std::string(internal::kPageCsp));
  if (!has_cache) r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  // same-origin, not no-referrer: under no-referrer browsers send "Origin: null" on form posts.
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  r.headers.emplace_back("X-Frame-Options", has_csp ? "SAMEORIGIN" : "DENY");
  if (request.method == "HEAD") r.body.clear();
  return r;
}

// ---------------------------------------------------------------------------------------------

namespace internal {

std::optional<std::string> Context::Query(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::optional<std::string> Context::Form(std::string_view name) const {
  for (const auto& [k, v] : form) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::string_view Context::T(std::string_view key) const { return Text(lang, key); }

api::ApiResponse Context::Api(const std::string& method, const std::string& target,
                              const std::string& body) const {
  api::ApiRequest a;
  a.method = method;
  a.target = target;
  if (session) a.authorization = "Bearer " + session->token_text;
  a.accept_language = English() ? "en" : "id";
  if (!body.empty() || method == "POST") a.content_type = "application/json";
  a.body = body;
  a.peer_address = request.peer_address;
  return api::HandleRequest(a, services.api);
}

void Context::Audit(std::string_view action, std::string_view object, std::string_view outcome,
                    std::string_view detail) const {
  AuditEvent e;
  e.at_ms = now_ms;
  if (session) {
    e.actor = session->token.id;
    e.org = session->token.org;
  }
  e.action = std::string(action);
  e.object = std::string(object);
  e.outcome = std::string(outcome);
  e.ip = request.peer_address;
  e.detail = EscapeControl(detail);
  services.api.audit.Add(std::move(e));
}

std::string H(std::string_view text) { return HtmlEscape(text); }

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : text) {
    const bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                       (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' || ch == '~';
    if (plain) {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

std::string SiteOfUrl(std::string_view url) {
  const std::string safe = SafeHttpUrl(url);
  const size_t scheme = safe.find("://");
  if (scheme == std::string::npos) return "";
  const size_t start = scheme + 3;
  const size_t end = safe.find_first_of("/?#", start);
  return safe.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string CsrfField(const Context& c) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + H(c.session ? c.session->csrf : "") +
         "\">";
}

WebResponse Redirect(std::string_view location) {
  WebResponse r;
  r.status = 303;
  r.headers.emplace_back("Location", std::string(location));
  return r;
}

std::string ApiMessage(const api::ApiResponse& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("message") && j["message"].is_string()) {
    return j["message"].get<std::string>();
  }
  return "HTTP " + std::to_string(r.status);
}

WebResponse Page(const Context& c, int status, std::string_view title, std::string_view page,
                 const std::string& main, std::string_view head_extra) {
  WebResponse r;
  r.status = status;
  std::string& b = r.body;
  b.reserve(main.size() + 2048);
  b += "<!doctype html><html lang=\"";
  b += c.English() ? "en" : "id";
  b += "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, "
       "initial-scale=1\"><meta name=\"referrer\" content=\"same-origin\"><title>";
  b += H(title);
  b += " · adwatch</title><link rel=\"stylesheet\" href=\"" + CssUrl() + "\"><script src=\"" +
       JsUrl() + "\" defer></script>";
  b += head_extra;
  b += "</head><body data-page=\"" + H(page) + "\">";
  b += "<a class=\"skip\" href=\"#main\">" + H(c.T("skip")) + "</a>";
  b += "<header class=\"top\"><a class=\"brand\" href=\"/\">adwatch</a><nav aria-label=\"" +
       H(c.T("nav")) + "\">";
  if (c.session) {
    const Role role = c.session->token.role;
    if (role == Role::kPolice || role == Role::kTaskforce) {
      b +=
          "<a href=\"/review\">" + H(c.T(role == Role::kPolice ? "nav_queue" : "nav_ads")) + "</a>";
    }
    if (role == Role::kNgo) b += "<a href=\"/check\">" + H(c.T("nav_check")) + "</a>";
    if (role != Role::kNgo) b += "<a href=\"/digests\">" + H(c.T("nav_digests")) + "</a>";
  }
  b += "</nav><div class=\"who\">";
  std::string back = c.request.method == "GET" ? c.request.target : c.path;
  b += "<a class=\"lang\" href=\"/lang?to=" + std::string(c.English() ? "id" : "en") +
       "&amp;back=" + H(UrlEncode(back)) + "\" lang=\"" + (c.English() ? "id" : "en") + "\">" +
       (c.English() ? "Bahasa Indonesia" : "English") + "</a>";
  if (c.session) {
    b += "<span class=\"user\">" + H(c.session->token.label) + " · " + H(c.session->token.org) +
         "</span>";
    b += "<form method=\"post\" action=\"/logout\" class=\"inline\">" + CsrfField(c) +
         "<button type=\"submit\" class=\"link\">" + H(c.T("logout")) + "</button></form>";
  }
  b += "</div></header><main id=\"main\">";
  b += main;
  b += "</main><footer class=\"foot\">adwatch · " + H(c.T("footer")) + "</footer></body></html>";
  return r;
}

WebResponse Message(const Context& c, int status, std::string_view title,
                    std::string_view message) {
  std::string m = "<section class=\"message\"><h1>" + H(title) + "</h1><p>" + H(message) + "</p>";
  if (status == 401 || status == 403) {
    m += "<p><a href=\"/\">" + H(c.T("go_home")) + "</a></p>";
  }
  m += "</section>";
  return Page(c, status, title, "message", m);
}

}  // namespace internal
}  // namespace adwatch::web
