// The web pages of `adwatch serve` for people (docs/web.md): sign-in, the police review queue and
// one ad with its evidence, the NGO check page, and the task force's digest archive. Pages are
// server-rendered HTML built from the same data the JSON API returns: a page calls
// api::HandleRequest with the signed-in user's token, so who may see what is decided in one
// place (the API's route table, its organisation and region checks, its audit log).
//
//   web::Sessions sessions(options);
//   web::WebServices ws{api_services, sessions, options};
//   web::WebResponse r = web::HandlePage(web::WebRequest{.method = "GET", .target = "/review",
//                                                        .cookie = "adw_session=…"}, ws);
//
// Every page is sent with a strict Content-Security-Policy (no inline script or style); every
// field from an ad or a user is escaped with HtmlEscape; every POST carries the session's CSRF
// token and, when the browser sends one, a same-origin Origin. The raw fetched page and the
// digests are only ever sent with a sandbox CSP and shown inside <iframe sandbox>.
//
// Thread safety: HandlePage may run on many threads at once over the same WebServices.
#ifndef ADWATCH_WEB_WEB_H_
#define ADWATCH_WEB_WEB_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adwatch/api/api.h"
#include "adwatch/common/records.h"
#include "adwatch/common/status.h"

namespace adwatch::web {

// A digest subscription whose files the task-force page lists (digest.subscriptions).
struct DigestFeed {
  std::string name;                  // file name part: adwatch-digest-<day>-<name>.html
  std::string title;                 // heading shown; "" shows the name
  std::vector<std::string> regions;  // region ids; empty: national (shown to every task force)
};

struct WebOptions {
  // A session ends this long after sign-in, whatever happens (the user pastes the token again).
  int64_t session_ttl_ms = 12 * 3600 * 1000;
  // ... and after this long without a request.
  int64_t session_idle_ms = 2 * 3600 * 1000;
  // Sessions kept at most; signing in beyond this ends the oldest session. Bounds memory.
  size_t max_sessions = 10'000;
  // Adds `Secure` to cookies. `serve` sets it when it terminates TLS (or sits behind a TLS proxy).
  bool secure_cookies = false;
  // Where the digest schedule writes its files (digest.out_dir); "" shows no digests.
  std::string digest_dir;
  std::vector<DigestFeed> feeds;
  // Ads per page of the review queue (at most the API's max_list_limit).
  size_t queue_page_size = 50;
  // Sign-in attempts per client address: a bucket refilled at this rate (per second), with burst.
  double login_rate_per_s = 0.2;
  double login_burst = 10;
};

// Returns OK, or InvalidArgument naming the first bad field.
Status Validate(const WebOptions& options);

// A signed-in browser. Held only in memory: a restart of `serve` signs everyone out.
struct Session {
  std::string id;    // the cookie value: 32 random bytes, base64url
  std::string csrf;  // 32 random bytes, base64url: every form of this session carries it
  // The API token pasted at sign-in (kept in memory only, never written or logged), sent to
  // api::HandleRequest for this user's requests, and its stored record at sign-in.
  std::string token_text;
  ApiToken token;
  int64_t created_ms = 0;
  int64_t last_used_ms = 0;
};

// The in-memory session table. Thread-safe.
class Sessions {
 public:
  explicit Sessions(const WebOptions& options);
  ~Sessions();
  Sessions(const Sessions&) = delete;
  Sessions& operator=(const Sessions&) = delete;

  // Starts a session for `token` (already authenticated). Internal when no randomness is
  // available.
  Result<Session> Create(std::string token_text, const ApiToken& token, int64_t now_ms);
  // The live session with cookie value `id` at `now_ms` (and marks it used), or nullopt when
  // unknown, past its lifetime or idle too long (then it is removed).
  std::optional<Session> Find(std::string_view id, int64_t now_ms);
  // Ends the session `id`; unknown ids are ignored.
  void End(std::string_view id);
  // Ends every session of the token `token_id` (after a revocation). Returns how many.
  size_t EndForToken(std::string_view token_id);
  size_t size() const;

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

struct WebRequest {
  std::string method;
  std::string target;  // as sent: "/review?level=high"
  std::string cookie;  // the Cookie header, or ""
  std::string origin;  // the Origin header, or ""
  std::string host;    // the Host header, or ""
  std::string content_type;
  std::string accept_language;
  std::string body;
  std::string peer_address;
  bool tls = false;
};

struct WebResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  // Extra headers (Location, Set-Cookie, Content-Security-Policy, Cache-Control, ...).
  std::vector<std::pair<std::string, std::string>> headers;
};

// Everything the pages use. REQUIRES: every reference outlives the calls.
struct WebServices {
  api::Services& api;
  Sessions& sessions;
  const WebOptions& options;
};

// Whether `target` belongs to the pages (everything but /v1/..., /healthz and /metrics).
bool IsPagePath(std::string_view target);

// Answers one page request. Never throws: an internal failure is a 500 page. Unknown paths are
// 404; a page the signed-in role may not open is 403; no session redirects (303) to /login.
WebResponse HandlePage(const WebRequest& request, WebServices& services);

// The largest body HandlePage accepts for `method` and `target` (form posts; a pasted text's
// form is the largest).
size_t PageBodyLimit(const api::ApiOptions& options, std::string_view method,
                     std::string_view target);

}  // namespace adwatch::web

#endif  // ADWATCH_WEB_WEB_H_
