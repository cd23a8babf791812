#include "adwatch/alerts/webhook.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>

#include "adwatch/common/escape.h"
#include "adwatch/crawler/outside_url.h"

namespace adwatch::alerts {
namespace {

crawler::OutsideUrlPolicy PolicyOf(const WebhookOptions& o) {
  crawler::OutsideUrlPolicy p;
  p.allowed_ports = o.allowed_ports;
  p.allowed_private_ranges = o.allowed_private_ranges;
  return p;
}

constexpr size_t kKeepBytes = 512;

struct Transfer {
  const std::vector<std::string>* allowed = nullptr;
  std::string refused;  // why the guard refused an address at connect time
  std::string body_start;
};

size_t OnWrite(char* data, size_t size, size_t n, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  const size_t bytes = size * n;
  if (t->body_start.size() < kKeepBytes) {
    t->body_start.append(data, std::min(bytes, kKeepBytes - t->body_start.size()));
  }
  return bytes;
}

// The crawler's connect-time guard: every address libcurl dials (each address of a name, IPv4
// and IPv6) must pass CheckOutsideAddress, which also defeats DNS rebinding.
curl_socket_t OnOpenSocket(void* clientp, curlsocktype purpose, curl_sockaddr* addr) {
  auto* t = static_cast<Transfer*>(clientp);
  if (purpose == CURLSOCKTYPE_IPCXN) {
    char text[INET6_ADDRSTRLEN] = "";
    const sockaddr* sa = &addr->addr;
    const void* bytes = nullptr;
    if (sa->sa_family == AF_INET) {
      bytes = &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr;
    } else if (sa->sa_family == AF_INET6) {
      bytes = &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr;
    }
    if (bytes == nullptr || inet_ntop(sa->sa_family, bytes, text, sizeof text) == nullptr) {
      t->refused = "refused to connect: not an IP address";
      return CURL_SOCKET_BAD;
    }
    if (Status s = crawler::CheckOutsideAddress(text, *t->allowed); !s.ok()) {
      t->refused = "refused to connect to " + s.message();
      return CURL_SOCKET_BAD;
    }
  }
  return socket(addr->family, addr->socktype, addr->protocol);
}

class CurlWebhookSender final : public WebhookSender {
 public:
  explicit CurlWebhookSender(WebhookOptions o) : options_(std::move(o)) {}

  Result<WebhookReply> Post(const WebhookRequest& request) override {
    if (Status s = CheckWebhookUrl(request.url, options_); !s.ok()) return s;
    CURL* e = curl_easy_init();
    if (e == nullptr) return Status::Internal("curl_easy_init");
    Transfer t;
    t.allowed = &options_.allowed_private_ranges;
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
    for (const auto& [name, value] : request.headers) {
      // Control characters would let a value start a header of its own.
      headers = curl_slist_append(headers, (name + ": " + EscapeControl(value)).c_str());
    }
    curl_slist* resolve = nullptr;
    for (const auto& r : options_.resolve) resolve = curl_slist_append(resolve, r.c_str());

    curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    // No proxy, also not from http_proxy/https_proxy: a proxy would hide the real destination
    // from the guard.
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &OnOpenSocket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &OnWrite);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    if (resolve != nullptr) curl_easy_setopt(e, CURLOPT_RESOLVE, resolve);
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(e, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout_ms));
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);

    const CURLcode rc = curl_easy_perform(e);
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(e);
    curl_slist_free_all(headers);
    curl_slist_free_all(resolve);

    const std::string where = "webhook " + EscapeControl(request.url, 200);
    if (!t.refused.empty()) return Status::InvalidArgument(where, t.refused);
    if (rc == CURLE_OPERATION_TIMEDOUT) return Status::TimedOut(where, curl_easy_strerror(rc));
    if (rc != CURLE_OK) return Status::Unavailable(where, curl_easy_strerror(rc));
    return WebhookReply{.status = static_cast<int>(status), .body_start = std::move(t.body_start)};
  }

 private:
  WebhookOptions options_;
};

}  // namespace

Status Validate(const WebhookOptions& o) {
  if (Status s = crawler::Validate(PolicyOf(o)); !s.ok()) return s.WithContext("alerts webhooks");
  if (o.connect_timeout_ms <= 0 || o.total_timeout_ms <= 0) {
    return Status::InvalidArgument("alerts webhooks", "timeouts must be positive");
  }
  for (const auto& r : o.resolve) {
    const size_t a = r.find(':'), b = a == std::string::npos ? a : r.find(':', a + 1);
    if (a == 0 || b == std::string::npos || b == a + 1 || b + 1 == r.size()) {
      return Status::InvalidArgument("alerts webhooks resolve",
                                     "'" + EscapeControl(r, 200) + "' is not host:port:address");
    }
  }
  return Status::OK();
}

Status CheckWebhookUrl(std::string_view url, const WebhookOptions& options) {
  return crawler::CheckOutsideUrl(url, PolicyOf(options));
}

Result<std::unique_ptr<WebhookSender>> NewCurlWebhookSender(const WebhookOptions& options) {
  ADWATCH_RETURN_IF_ERROR(Validate(options));
  return std::unique_ptr<WebhookSender>(std::make_unique<CurlWebhookSender>(options));
}

std::string HmacSha256Hex(std::string_view secret, std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> SignedHeaders(std::string_view alert_id,
                                                               std::string_view body,
                                                               std::string_view secret) {
  return {{"X-Adwatch-Signature", "sha256=" + HmacSha256Hex(secret, body)},
          {"X-Adwatch-Alert-Id", std::string(alert_id)}};
}

}  // namespace adwatch::alerts
