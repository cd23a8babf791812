// Webhook delivery: an HTTP POST of a JSON body signed with HMAC-SHA256, sent with libcurl
// through the crawler's address guard (crawler/outside_url.h), because a webhook URL is written
// by people and must not reach the metadata service or a private network by mistake or intent.
// A sender may be used from one thread at a time; the free functions are thread-safe.
//
//   auto sender = NewCurlWebhookSender({});            // global unicast, ports 80 and 443
//   auto reply = (*sender)->Post({.url = hook.url, .body = json,
//                                 .headers = SignedHeaders(alert_id, json, hook.secret)});
//   if (!reply) ...transport failure or refusal...; else reply->status is the HTTP status.
#ifndef ADWATCH_ALERTS_WEBHOOK_H_
#define ADWATCH_ALERTS_WEBHOOK_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adwatch/common/status.h"

namespace adwatch::alerts {

struct WebhookOptions {
  // Ports a webhook URL may name (80 and 443 when it names none).
  std::vector<int> allowed_ports = {80, 443};
  // CIDR ranges a webhook may reach although they are not global unicast (an intranet
  // receiver, "10.20.0.0/16"; tests allow their loopback sink). Empty by default.
  std::vector<std::string> allowed_private_ranges;
  // Host names pinned to addresses, "host:port:address" (CURLOPT_RESOLVE). For tests, which
  // must never look up a real name; the guard still judges the pinned address.
  std::vector<std::string> resolve;
  int64_t connect_timeout_ms = 10'000;
  int64_t total_timeout_ms = 30'000;
  std::string user_agent = "adwatch-alerts/1";
  bool verify_tls = true;
};

// Returns InvalidArgument naming the field: a port outside 1-65535, a malformed CIDR, a
// non-positive timeout, a resolve entry that is not "host:port:address".
Status Validate(const WebhookOptions& options);

struct WebhookRequest {
  std::string url;
  std::string body;  // sent as Content-Type: application/json
  std::vector<std::pair<std::string, std::string>> headers;
};

struct WebhookReply {
  int status = 0;          // the HTTP status
  std::string body_start;  // the first bytes of the answer (at most 512), for error messages
};

class WebhookSender {
 public:
  virtual ~WebhookSender() = default;
  // POSTs `request`, following no redirect. Returns the answer whatever its status; else
  // InvalidArgument when the guard refuses the URL before any connection (scheme other than
  // http(s), userinfo, a private or metadata IP literal, a port not allowed) or refuses the
  // address a name resolves to at connect time ("refused to connect to private address ...");
  // Unavailable for connection and protocol failures; TimedOut when it took too long.
  virtual Result<WebhookReply> Post(const WebhookRequest& request) = 0;
};

// The address guard's decision on `url` before anything connects: OK, or InvalidArgument saying
// why (the crawler's CheckOutsideUrl under `options`' ports and ranges). Names are not resolved
// here; their addresses are judged when the sender dials them.
Status CheckWebhookUrl(std::string_view url, const WebhookOptions& options);

// Returns a libcurl sender, or InvalidArgument for bad options.
Result<std::unique_ptr<WebhookSender>> NewCurlWebhookSender(const WebhookOptions& options);

// Lower-case hex HMAC-SHA256 of `body` keyed with `secret`.
std::string HmacSha256Hex(std::string_view secret, std::string_view body);

// The headers of a signed webhook request: X-Adwatch-Signature: sha256=<HmacSha256Hex>,
// X-Adwatch-Alert-Id: <alert_id> (a summary's id for a summary).
std::vector<std::pair<std::string, std::string>> SignedHeaders(std::string_view alert_id,
                                                               std::string_view body,
                                                               std::string_view secret);

}  // namespace adwatch::alerts

#endif  // ADWATCH_ALERTS_WEBHOOK_H_
