// HostTable: what the crawler knows about each host during a run — its politeness (connections,
// delay, Crawl-delay, the slow-down after consecutive failures, Retry-After) and its robots.txt
// (not yet known, being fetched, ready until it expires, deferred after an unreachable answer, or
// refused). Pure decisions over that state with the time passed in; the frontier enforces the
// resulting schedule (HostRelease) and caches robots.txt between runs.
// Not thread-safe: the crawler uses it from its scheduling thread.
#ifndef ADWATCH_CRAWLER_HOST_TABLE_H_
#define ADWATCH_CRAWLER_HOST_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "adwatch/common/records.h"
#include "adwatch/crawler/frontier.h"
#include "adwatch/crawler/robots.h"
#include "adwatch/crawler/scope.h"

namespace adwatch::crawler {

struct HostTableOptions {
  std::string user_agent = "adwatch";    // robots.txt groups match its product token
  int default_connections = 1;           // a host's connections unless its source sets them
  int64_t default_delay_ms = 1000;       // a host's delay unless its source sets it
  int64_t max_backoff_ms = 300'000;      // cap of the slow-down of a host that keeps failing
  int64_t max_retry_after_s = 3600;      // a longer Retry-After is clamped to this
  int64_t robots_ttl_s = 86'400;         // robots.txt is fetched again after this long
  int max_robots_retries = 3;            // an unreachable robots.txt is tried this often again
  size_t max_robots_bytes = 512 * 1024;  // robots.txt read and cached up to this size
};

enum class RobotsState : uint8_t {
  kUnknown,   // not fetched (or expired): the next lease of the host fetches it
  kFetching,  // a fetch is under way; the host's other leases wait for it
  kReady,     // `robots` applies until robots_expires_ms
  kDeferred,  // unreachable: tried again at robots_retry_ms
  kRefused,   // the host's URLs end as `refused_outcome` for the rest of the run
};

struct HostState {
  std::string key;     // "example.com:443"
  std::string origin;  // "https://example.com" (scheme, host and port of its URLs)
  int max_connections = 1;
  int64_t delay_ms = 1000;  // configured (source or default), before Crawl-delay and backoff
  double crawl_delay_s = 0;
  int failures = 0;  // consecutive transient failures of page fetches
  RobotsState robots_state = RobotsState::kUnknown;
  RobotsTxt robots;
  int64_t robots_expires_ms = 0;
  int robots_attempts = 0;  // consecutive unreachable answers
  int64_t robots_retry_ms = 0;
  Outcome refused_outcome = Outcome::kFailed;  // kRefused: kBlocked or kFailed
  std::string refused_reason;
};

// What a lease of a host must do first.
struct HostStep {
  enum class Kind : uint8_t {
    kReady,          // robots.txt is known: check the URL against it and fetch
    kFetchRobots,    // fetch robots.txt under this lease
    kWaitForRobots,  // another lease is fetching robots.txt: wait for it
    kDeferred,       // robots.txt was unreachable: give the lease back until `until_ms`
    kRefused,        // end the lease's URL as refused_outcome, refused_reason
  };
  Kind kind = Kind::kReady;
  int64_t until_ms = 0;
};

// What a robots.txt answer means for its host.
struct RobotsAnswer {
  enum class Kind : uint8_t {
    kReady,     // rules known (a 2xx parsed, or a 4xx that allows everything)
    kRedirect,  // fetch `redirect_url` next, under the same lease (RFC 9309: up to 5 hops)
    kDeferred,  // unreachable (5xx, 429, network error): try again at release.hold_until_ms
    kRefused,   // the host is refused (blocked address, or unreachable too often)
  };
  Kind kind = Kind::kReady;
  std::string redirect_url;
  std::optional<RobotsRecord> to_cache;  // kReady: what to keep for later runs
  bool unreachable = false;              // counted as a robots_unreachable error
  HostRelease release;                   // how the lease that fetched it releases the host
};

class HostTable {
 public:
  explicit HostTable(HostTableOptions options) : options_(std::move(options)) {}

  // The host `key`, or nullptr when it has not been added.
  HostState* Find(const std::string& key);

  // Adds the host `key` of the canonical URL `url`, with the connections and delay of
  // `politeness` (Scope::PolitenessSourceFor; nullptr for the defaults), and returns it. An
  // existing host is returned unchanged.
  HostState& Add(const std::string& key, std::string_view url, const SourceConfig* politeness);

  // Applies a robots.txt cached by an earlier run unless it has expired by `now_ms`. Returns
  // true when it was applied.
  bool UseCached(HostState& host, const RobotsRecord& cached, int64_t now_ms) const;

  // The host's delay after a request: the larger of its delay and its Crawl-delay; after
  // consecutive failures at least max(that, 1 s) x 2^failures, capped at max_backoff_ms.
  int64_t Delay(const HostState& host) const;

  // What a lease of `host` must do first at `now_ms`.
  HostStep Next(const HostState& host, int64_t now_ms) const;

  // Marks robots.txt as being fetched; returns its URL ("<origin>/robots.txt").
  std::string StartRobots(HostState& host) const;

  // Takes the answer `result` to the robots.txt request `request` (its `redirects` counting the
  // hops so far), received at `now_ms`, and moves the host's robots state on:
  //   2xx → kReady with the parsed rules; 3xx with a Location, under 5 hops → kRedirect;
  //   4xx other than 429 → kReady, everything allowed; kBlockedAddress → kRefused (its URLs end
  //   as kBlocked); anything else → kDeferred with a growing wait (never shorter than
  //   Retry-After), or kRefused (kFailed, "robots.txt unreachable (…)") after max_robots_retries.
  RobotsAnswer OnRobots(HostState& host, const FetchTask& request, const FetchResult& result,
                        int64_t now_ms) const;

  // True when the host's robots.txt lets our user agent fetch the canonical URL `url`.
  // REQUIRES: host.robots_state == kReady.
  bool Allows(const HostState& host, std::string_view url) const;

  // Takes the end of a page fetch at `now_ms`: a transient failure (RetryPolicy's IsTransient)
  // counts towards the slow-down, an HTTP answer that is not one resets it. Returns how the
  // fetch's lease releases the host: its delay from now, and for a 429 or 503 with Retry-After,
  // a hold until then (at most max_retry_after_s).
  HostRelease AfterFetch(HostState& host, const FetchResult& result, int64_t now_ms) const;

  // Hosts added so far.
  size_t size() const { return hosts_.size(); }

 private:
  void SetRobots(HostState& host, RobotsTxt robots, int64_t fetched_ms) const;

  HostTableOptions options_;
  std::map<std::string, HostState> hosts_;
};

}  // namespace adwatch::crawler

#endif  // ADWATCH_CRAWLER_HOST_TABLE_H_
