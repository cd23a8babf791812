// The HTTP API of `adwatch serve` (docs/api.md): NGOs submit a link or a pasted text and read the
// verdict; police read the risk-sorted ads with their evidence and label them; task forces read
// the ads routed to their regions. Every route is a plain function of an ApiRequest and the
// Services it needs; the HTTP server (adwatch_http) only carries bytes to and from
// HandleRequest, so the whole API is testable and fuzzable without a socket.
//
//   Services services{.store = store, .clock = clock, .submissions = queue, .limits = limits,
//                     .metrics = metrics, .audit = audit, .options = options};
//   ApiResponse r = HandleRequest(ApiRequest{.method = "GET", .target = "/v1/ads?day=2026-11-22",
//                                            .authorization = "Bearer adw_…"}, services);
//
// Authorisation is one table (route → roles), deny by default: no or a bad token → 401 (the same
// body whatever the reason; the reason goes to the audit log), a role the route does not allow
// → 403, an object of another organisation or outside a task force's regions → 404 exactly as an
// unknown one. Errors are JSON: {"error": CODE, "message": TEXT}.
//
// Thread safety: HandleRequest may run on many threads at once over the same Services.
#ifndef ADWATCH_API_API_H_
#define ADWATCH_API_API_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adwatch/api/audit.h"
#include "adwatch/api/metrics.h"
#include "adwatch/api/rate_limit.h"
#include "adwatch/common/clock.h"
#include "adwatch/common/records.h"
#include "adwatch/common/status.h"
#include "adwatch/storage/store.h"

namespace adwatch::api {

struct ApiOptions {
  // Largest request bodies: a pasted text's JSON, and any other JSON (413 beyond).
  size_t max_text_body_bytes = 256 << 10;
  size_t max_json_body_bytes = 64 << 10;
  // Uploaded images (POST /v1/submissions with an image/png, image/jpeg, image/webp or image/gif
  // body): the largest accepted, 0 when this server reads no images (uploads answer 415). Images
  // over the pixel or side caps are refused from their header, before anything is decoded.
  size_t max_image_bytes = 0;
  uint64_t max_image_pixels = 16'000'000;
  uint32_t max_image_side = 16384;
  // Largest submitted URL (a longer one is refused as "too long", as `adwatch check` does).
  size_t max_url_bytes = 8 << 10;
  // Largest `limit` of a list; lists default to `default_list_limit`.
  size_t max_list_limit = 100;
  size_t default_list_limit = 50;
  // Requests per token: a token bucket of `token_burst` refilled at `token_rate_per_s`.
  double token_rate_per_s = 20;
  double token_burst = 100;
  // Failed authentications per client address (stricter, against guessing).
  double auth_fail_rate_per_s = 0.5;
  double auth_fail_burst = 10;
  // Submissions per organisation: a bucket (1 a second, burst 20) and a daily quota.
  double submission_rate_per_s = 1;
  double submission_burst = 20;
  int64_t submissions_per_day = 2000;
  // GET /metrics asks for a token (any role) when true.
  bool metrics_need_token = false;
};

// Returns OK, or InvalidArgument naming the first bad field.
Status Validate(const ApiOptions& options);

struct ApiRequest {
  std::string method;           // "GET", "POST", ...
  std::string target;           // as sent: "/v1/ads?day=2026-11-22&cursor=…"
  std::string authorization;    // the Authorization header, or ""
  std::string accept_language;  // the Accept-Language header, or ""
  std::string content_type;     // the Content-Type header, or ""
  std::string body;
  std::string peer_address;  // the client's IP address, for per-address limits and the audit log
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Retry-After
  // The route template that answered ("/v1/ads/{id}"), "" for none: the label of the request
  // metrics, so that ids do not make one series each.
  std::string route;
};

// Where accepted submissions go: the service's submission worker. Implemented by `serve`.
class SubmissionQueue {
 public:
  virtual ~SubmissionQueue() = default;
  // Takes a submission the handler has stored as queued; the worker fetches or classifies it
  // and stores the outcome. Returns false when the queue is full (the API answers 429 and marks
  // the submission failed). Thread-safe; never blocks.
  virtual bool Enqueue(const Submission& submission) = 0;
};

// What GET /healthz reports.
struct Health {
  bool store_ok = true;
  bool crawl_enabled = false;
  bool crawl_alive = false;
  int64_t submissions_queued = 0;
};

// Everything the handlers use. REQUIRES: every reference outlives the calls.
struct Services {
  storage::Store& store;
  const Clock& clock;
  SubmissionQueue& submissions;
  Limits& limits;
  Metrics& metrics;
  AuditBuffer& audit;
  const ApiOptions& options;
  std::function<Health()> health;  // empty: store only
  // Checks a submitted URL before it is queued (scheme, userinfo, port, length; the address is
  // checked again when it is fetched). Returns InvalidArgument saying what is wrong, in words.
  // Empty: every URL is queued.
  std::function<Status(std::string_view url)> check_url;
};

// Answers one request. Never throws; an internal failure is a 500 with a generic message (the
// detail goes to the audit log).
ApiResponse HandleRequest(const ApiRequest& request, Services& services);

// The largest body HandleRequest accepts for `method` and `target` (for the HTTP server's
// per-request body limit, checked against Content-Length before the body is read).
size_t BodyLimit(const ApiOptions& options, std::string_view method, std::string_view target);

}  // namespace adwatch::api

#endif  // ADWATCH_API_API_H_
