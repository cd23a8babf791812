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
  // are private, loopback or link-local. Empty in production; tests allow loopback.
  std::vector<std::string> allowed_private_ranges;
};

// Returns InvalidArgument naming the field for a non-positive timeout or cap, or a malformed
// CIDR in allowed_private_ranges.
Status Validate(const FetcherOptions& options);

// One request: the task plus how to send it.
struct FetchRequest {
  FetchTask task;
  std::string proxy;  // "http://host:port", "socks5h://…", or "" for none
  // Refuse to connect to private, loopback, link-local and metadata addresses (checked on the
  // resolved address at connect time). Set for URLs that came from outside.
  bool guard_addresses = false;
};

class Fetcher {
 public:
  using Callback = std::function<void(FetchResult)>;
  virtual ~Fetcher() = default;

  // Starts fetching `request.task.url` (GET, no redirects followed: a 3xx comes back as such with
  // its Location header). Calls `done` exactly once with the result, on the fetcher's thread,
  // unless the fetcher is destroyed first (then pending callbacks get a kOther "shut down"
  // result before the destructor returns). Thread-safe.
  virtual void Fetch(FetchRequest request, Callback done) = 0;
};

// The libcurl + Asio fetcher; starts its own I/O thread. Returns InvalidArgument for bad options
// and Internal when libcurl cannot be initialised.
Result<std::unique_ptr<Fetcher>> NewCurlFetcher(const FetcherOptions& options);

// True when `address` (an IPv4 or IPv6 literal) is private, loopback, link-local, carrier-grade
// NAT, multicast, unspecified or a cloud metadata address, and not inside one of `allowed`.
bool IsBlockedAddress(const std::string& address, const std::vector<std::string>& allowed);

}  // namespace adwatch::crawler

#endif  // ADWATCH_CRAWLER_FETCHER_H_
