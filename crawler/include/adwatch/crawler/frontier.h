// The frontier: every URL the crawl knows, persisted in the store's frontier, seen and hosts
// tables (layouts in docs/storage.md, "Tables other modules own") so that a crawl stopped at any
// moment — cleanly or by SIGKILL — resumes where it was. Only the head of each host's queue is
// held in memory, so memory stays flat however large the frontier grows.
// Not thread-safe: the crawler uses it from its one scheduling thread.
#ifndef ADWATCH_CRAWLER_FRONTIER_H_
#define ADWATCH_CRAWLER_FRONTIER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adwatch/common/clock.h"
#include "adwatch/common/records.h"
#include "adwatch/common/status.h"
#include "adwatch/storage/store.h"

namespace adwatch::crawler {

// How a URL ended, as recorded in the seen table.
enum class Outcome : uint8_t {
  kQueued = 0,     // not ended yet
  kFetched,        // fetched and processed
  kNotModified,    // a revisit answered 304
  kRobotsDenied,   // robots.txt disallows it
  kOutOfScope,     // outside every source's scope
  kTooLarge,       // the body exceeded the size cap
  kFailed,         // a permanent HTTP status, or a transient error after the last retry
  kRedirected,     // answered with a redirect; the target went through scope, robots and dedup
  kBlocked,        // the SSRF guard refused its address
};
std::string_view Name(Outcome o);

// What the seen table holds for one canonical URL.
struct UrlRecord {
  Outcome outcome = Outcome::kQueued;
  std::string reason;        // e.g. "HTTP 404", "timeout after 3 attempts", "robots.txt"
  int http_status = 0;
  int attempts = 0;
  int64_t at_ms = 0;         // when it was queued or ended
  std::string source;
  int depth = 0;
  std::string etag;          // from the last 2xx, for If-None-Match on revisits
  std::string last_modified; // from the last 2xx, for If-Modified-Since
  int64_t next_revisit_ms = 0;  // 0: never
  std::vector<std::string> ad_ids;  // ads the last 2xx produced; a 304 marks them seen again
  std::string remote_ip;            // the address that answered, "" when none did
  std::string redirect_to;  // kRedirected: the target (canonical), the next hop of the chain
};

struct FrontierOptions {
  // Tasks of one host kept in memory; the rest wait on disk.
  size_t head_size = 16;
};

class Frontier {
 public:
  // REQUIRES: `store` and `clock` outlive the frontier.
  Frontier(storage::Store& store, const Clock& clock, FrontierOptions options = {});

  // Reads which hosts have queued URLs (after a restart: including those that were in flight
  // when the previous run stopped). Call once before anything else. IOError/Corruption from the
  // store.
  Status Load();

  // Queues each task whose URL was never seen; returns how many were new. A task for a URL seen
  // before is dropped, unless `force` (NGO submissions, revisits), which queues it again.
  // One atomic write for the whole list.
  Result<int> Add(const std::vector<FetchTask>& tasks, bool force = false);

  // The first task of `host` that may start at `now_ms` (highest priority first, then oldest),
  // or nullopt. The task stays on disk until Finish or Retry, so a crash re-fetches it.
  std::optional<FetchTask> Pop(const std::string& host, int64_t now_ms);

  // Puts a popped task back unchanged (the crawl is stopping).
  void Unpop(const FetchTask& task);

  // Ends a popped task: removes it from the queue and records `record` in the seen table, with a
  // revisit entry when record.next_revisit_ms is set, in one atomic write. Links found on the
  // page are added with Add() before this, so that a crash in between loses nothing.
  Status Finish(const FetchTask& task, const UrlRecord& record);

  // Queues a popped task again for another attempt, not before `task.not_before_ms`.
  Status Retry(const FetchTask& task);

  // Records the outcome of a URL that never entered the queue (e.g. a start URL out of scope).
  Status Record(const std::string& url, const UrlRecord& record);

  // Records `urls` as out of scope (found on a page of `source`), skipping URLs already seen,
  // in one write.
  Status RecordOutOfScope(const std::vector<std::string>& urls, const std::string& source);

  // The seen-table record of `url`, or NotFound.
  Result<UrlRecord> Lookup(const std::string& url) const;

  // Queues (with FetchPriority::kRevisit, ETag and Last-Modified) every URL whose revisit time has
  // come by `now_ms`; returns how many. The earliest future revisit time goes to `next_due_ms`
  // (0 when none).
  Result<int> QueueDueRevisits(int64_t now_ms, int64_t& next_due_ms);

  // Hosts with queued tasks that are not in flight.
  const std::set<std::string>& hosts_with_work() const { return hosts_with_work_; }
  // The earliest not_before_ms among `host`'s in-memory head (0 when it has a ready task or none).
  int64_t EarliestStart(const std::string& host);
  // Queued tasks (on disk, including in-flight ones).
  int64_t queued() const { return queued_; }

 private:
  struct HostQueue {
    std::vector<std::pair<std::string, FetchTask>> head;  // key → task, in key order
    bool exhausted = false;  // no more on disk beyond head and in-flight
  };
  std::string QueueKey(const std::string& host, FetchPriority priority);
  void Refill(const std::string& host, HostQueue& q);

  storage::Store& store_;
  const Clock& clock_;
  FrontierOptions options_;
  uint64_t next_seq_ = 1;
  int64_t queued_ = 0;
  std::map<std::string, HostQueue> hosts_;
  std::set<std::string> hosts_with_work_;
  std::map<std::string, std::string> in_flight_;  // url → its queue key
  std::set<std::string> in_flight_keys_;
};

}  // namespace adwatch::crawler

#endif  // ADWATCH_CRAWLER_FRONTIER_H_
