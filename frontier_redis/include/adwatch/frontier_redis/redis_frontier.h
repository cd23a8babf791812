// RedisFrontier: the Frontier (crawler/frontier.h) that several crawl workers on several machines
// share through one Redis, as docs/distributed.md describes: per-host queues, a schedule of hosts
// that may be fetched, leases that come back when a worker dies, an exact seen-set, and one
// results stream that the one store writer (`adwatch ingest`) reads. Every change is one atomic
// Lua script (src/scripts.h), so the state stays consistent whichever process dies when, and a
// Redis restarted from its AOF continues the crawl.
//
// What the interface's calls become:
//   Add = ADD (seen-set + queue), Claim = REAP + CLAIM, ReleaseHost = RELEASE, Finish = COMPLETE
//   (the page's records go to the results stream in the same script, only while the lease is
//   live: each URL gets one result), Retry = RETRY, Return = UNPOP.
// Politeness holds across workers: a lease holds one of its host's connections (the cap is
// shared), and a host is claimable again only `delay` after the release Redis received, in
// Redis's time; Retry-After and a retry's not-before time hold the host for every worker.
//
// What it does not keep (v1): per-URL records (the seen-set holds 48-bit hashes only, so Lookup
// answers NotFound and Record/RecordOutOfScope only count), revisits (QueueDueRevisits queues
// nothing: `crawl --follow` is refused with a Redis frontier), and a run's page limit holds a
// host for hold_for_run_ms for every worker.
//
// Connection loss: every call tries again with backoff for reconnect_for_ms (the crawl pauses),
// then returns IOError; no call crashes. Not thread-safe except Attach; the crawler calls it from
// its scheduling thread.
#ifndef ADWATCH_FRONTIER_REDIS_REDIS_FRONTIER_H_
#define ADWATCH_FRONTIER_REDIS_REDIS_FRONTIER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adwatch/common/clock.h"
#include "adwatch/crawler/frontier.h"
#include "adwatch/frontier_redis/redis_address.h"

namespace adwatch::frontier_redis {

struct RedisFrontierOptions {
  RedisAddress address;
  // A lease not ended by then is reaped: its task goes back to the head of its host's queue.
  // Must exceed the fetch timeout plus processing time, or a slow page is fetched twice.
  int64_t lease_ms = 120'000;
  // How often a worker with nothing to claim looks again (while other workers hold leases or
  // hosts wait on their delay).
  int64_t poll_ms = 200;
  // Expired leases reaped per Claim, at most.
  int reap_limit = 100;
  // Delay of a reaped lease's host when no worker ever gave one.
  int64_t default_delay_ms = 1000;
  // Workers stop claiming while the results stream holds more entries than this (the ingest is
  // behind); 0: no cap. The stream is never trimmed: that would drop pages nobody stored.
  int64_t max_results_backlog = 10'000;
  // robots.txt records expire from Redis after this long.
  int64_t robots_ttl_s = 86'400;
  // A source's page limit for this run holds its host this long, for every worker.
  int64_t hold_for_run_ms = 600'000;
  int connect_timeout_ms = 2000;
  int io_timeout_ms = 10'000;
  // A lost connection is tried again with backoff for this long before calls fail.
  int64_t reconnect_for_ms = 60'000;
};

// InvalidArgument naming the field: lease_ms, poll_ms, reap_limit or timeouts below 1, a negative
// delay, backlog, TTL, hold or reconnect time.
Status Validate(const RedisFrontierOptions& options);

// What a processed page sends to the store writer with its lease's end.
struct PageResult {
  std::string encoded_write;  // storage::EncodePageWrite of the page and its ads; "" for none
  std::string body;           // the page's raw body (beside the encoding: it is evidence)
  // A revisit answered 304: these ads were seen again at touched_ms.
  std::vector<std::string> touched_ad_ids;
  int64_t touched_ms = 0;
};

// Names of the fields of one results stream entry.
inline constexpr const char* kFieldUrl = "u";      // the task's URL
inline constexpr const char* kFieldOutcome = "o";  // crawler::Name(outcome)
inline constexpr const char* kFieldStatus = "s";   // HTTP status
inline constexpr const char* kFieldWrite = "pw";   // PageResult::encoded_write
inline constexpr const char* kFieldBody = "b";     // PageResult::body
inline constexpr const char* kFieldTouch = "t";    // JSON {"ads": [...], "ms": ...}
inline constexpr const char* kResultsStream = "adw:results";
inline constexpr const char* kResultsGroup = "store";

// The 64-bit hash of a canonical URL that the seen-set keeps (first 8 bytes of its SHA-256),
// split as stored: the bucket ("0000"–"ffff") and the low 48 bits in decimal.
struct SeenKey {
  std::string bucket;
  std::string low48;
};
SeenKey SeenKeyOf(std::string_view canonical_url);

// The compact form of a queued task: a JSON array of its fields, defaults at the end left out.
std::string EncodeTask(const FetchTask& task);
// Corruption naming the task when it does not decode.
Result<FetchTask> DecodeTask(std::string_view encoded);

class RedisFrontier final : public crawler::Frontier {
 public:
  // Connects and checks that Redis answers (and has Lua and streams: 5.0 or later). IOError
  // naming the address when it cannot be reached; InvalidArgument for bad options.
  // REQUIRES: `clock` outlives the frontier; it turns Retry-After and not-before times (the
  // crawler's clock) into delays relative to Redis's time.
  static Result<std::unique_ptr<RedisFrontier>> Connect(const RedisFrontierOptions& options,
                                                        const Clock& clock);
  ~RedisFrontier() override;

  // Parks the result of the page at `url` (a lease's task URL) until the lease ends: Finish sends
  // it with COMPLETE; any other end drops it. Thread-safe (the pipeline's workers call it).
  void Attach(const std::string& url, PageResult result);

  // Adds canonical URLs to the seen-set without queueing them (moving an embedded crawl's
  // seen-set into Redis). Returns how many were new.
  Result<int64_t> AddSeen(const std::vector<std::string>& urls);

  // Reaps expired leases now; returns how many came back. Claim does this too.
  Result<int> Reap();

  // Frontier. See frontier.h and the notes above.
  Status Open() override;
  Result<int> Add(const std::vector<FetchTask>& tasks, crawler::AddMode mode) override;
  void SetHostConnections(const std::string& host, int max_connections) override;
  Result<crawler::Claimed> Claim(int max, int64_t now_ms) override;
  void ReleaseHost(const crawler::Lease& lease, const crawler::HostRelease& release) override;
  Status Finish(const crawler::Lease& lease, const crawler::UrlRecord& record,
                const crawler::HostRelease& release = {}) override;
  Status Retry(const crawler::Lease& lease, const FetchTask& next,
               const crawler::HostRelease& release = {}) override;
  Status Return(const crawler::Lease& lease, const crawler::HostRelease& release = {}) override;
  Status Record(const std::string& url, const crawler::UrlRecord& record) override;
  Status RecordOutOfScope(const std::vector<std::string>& urls, const std::string& source) override;
  Result<crawler::UrlRecord> Lookup(const std::string& url) override;
  Result<crawler::RevisitsQueued> QueueDueRevisits(int64_t now_ms) override;
  Result<crawler::RobotsRecord> GetRobots(const std::string& host) override;
  Status PutRobots(const std::string& host, const crawler::RobotsRecord& robots) override;
  // Global counts as of the last Claim (all workers together).
  crawler::FrontierCounts Counts() const override;

 private:
  struct Rep;
  explicit RedisFrontier(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace adwatch::frontier_redis

#endif  // ADWATCH_FRONTIER_REDIS_REDIS_FRONTIER_H_
