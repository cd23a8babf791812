// Fetching: the Fetcher interface the crawler drives, and the real one — libcurl's multi
// interface in socket mode on one Boost.Asio io_context thread. Outcomes (a 404, a timeout, a
// refused address) are data in FetchResult, never a Status.
// Fetch() may be called from any thread; `done` runs on the fetcher's own thread.
#ifndef ADWATCH_CRAWLER_FETCHER_H_
#define ADWATCH_CRAWLER_FETCHER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adwatch/common/records.h"
#include "adwatch/common/status.h"
#include "adwatch/crawler/outside_url.h"

namespace adwatch::crawler {

struct FetcherOptions {
  // Sent with every request; should carry a contact URL ("adwatch/0.1 (+https://…)").
  std::string user_agent = "adwatch/0.1 (+https://github.com/adwatch/adwatch)";
  int64_t connect_timeout_ms = 10'000;
  int64_t total_timeout_ms = 60'000;
  // A transfer slower than low_speed_bytes_per_s for low_speed_time_s is dropped as a timeout.
  int64_t low_speed_bytes_per_s = 100;
  int64_t low_speed_time_s = 20;
  // Most body bytes kept, after content decoding (gzip, br): a larger body is cut there and
  // reported as kTooLarge, so a decompression bomb costs at most this much memory.
  int64_t max_body_bytes = 8LL << 20;
  // Hard caps enforced by libcurl; politeness delays are the crawler's business.
  int max_total_connections = 64;
  int max_host_connections = 16;
  bool verify_tls = true;
  // Extra CIDR ranges (e.g. "127.0.0.0/8") that requests from outside may reach although they
  // are private, loopback or link-local; an IP-literal host inside one may also use any port.
  // Empty in production; tests allow their loopback test sites.
  std::vector<std::string> allowed_private_ranges;
  // Ports a URL from outside may name (OutsideUrlPolicy::allowed_ports).
  std::vector<int> allowed_outside_ports = {80, 443};
  // Host names pinned to addresses, "host:port:address[,address…]" as CURLOPT_RESOLVE takes them
  // ("bücher.test" written as its ASCII form "xn--bcher-kva.test"). A pinned name is never looked
  // up in DNS; the address guard still judges the pinned address. For tests, which must never
  // resolve a real name; empty in production.
  std::vector<std::string> resolve;
};

// Returns InvalidArgument naming the field for a non-positive timeout or cap, a malformed CIDR in
// allowed_private_ranges, a port outside 1-65535, or a resolve entry that is not
// "host:port:address".
Status Validate(const FetcherOptions& options);

// The policy guarded requests are checked against: allowed_outside_ports and
// allowed_private_ranges of `options`, URLs of at most 8 KB.
OutsideUrlPolicy OutsidePolicy(const FetcherOptions& options);

// One request: the task plus how to send it.
struct FetchRequest {
  FetchTask task;
  // "http://host:port", "socks5h://…", or "" for none. With "", a guarded request also ignores
  // the proxy environment variables (http_proxy, https_proxy, ALL_PROXY), which would otherwise
  // hide the real destination from the address guard; unguarded ones honour them.
  std::string proxy;
  // Set for URLs that came from outside (and the redirects they lead to). The request is sent only
  // when CheckOutsideUrl accepts task.url under OutsidePolicy(options) — else it ends at once, with
  // no connection made, as kBlockedAddress with CheckOutsideUrl's message — and libcurl fetches
  // exactly the URL that was checked. At connect time every address libcurl dials (each IPv4 and
  // IPv6 try, each address of a name) must pass CheckOutsideAddress, else the request ends as
  // kBlockedAddress ("refused to connect to private address …"). Such a request never reuses a
  // connection opened for another request, sends no cookies and keeps none. With an explicit
  // `proxy`, the proxy is dialled instead and must enforce the address policy itself.
  bool guard_addresses = false;
};

class Fetcher {
 public:
  using Callback = std::function<void(FetchResult)>;
  virtual ~Fetcher() = default;

  // Starts fetching `request.task.url` (GET, no redirects followed: a 3xx comes back as such with
  // its Location header, and a caller that follows it fetches the target as a new request, which
  // for a guarded one is checked again). Calls `done` exactly once with the result, on the
  // fetcher's thread, unless the fetcher is destroyed first (then pending callbacks get a kOther
  // "shut down" result before the destructor returns). Thread-safe.
  virtual void Fetch(FetchRequest request, Callback done) = 0;
};

// The libcurl + Asio fetcher; starts its own I/O thread. Returns InvalidArgument for bad options
// and Internal when libcurl cannot be initialised.
Result<std::unique_ptr<Fetcher>> NewCurlFetcher(const FetcherOptions& options);

}  // namespace adwatch::crawler

#endif  // ADWATCH_CRAWLER_FETCHER_H_
