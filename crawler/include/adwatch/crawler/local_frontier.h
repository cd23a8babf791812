// LocalFrontier: the Frontier of one process, kept in the embedded store's frontier, seen and
// hosts tables (layouts in docs/storage.md) so that a crawl stopped at any moment — cleanly or by
// SIGKILL — resumes where it was. Only the head of each host's queue is held in memory, so memory
// stays flat however large the frontier grows; leases and host schedules live in memory only (a
// new process starts with every task queued and every host free).
// Not thread-safe: one thread at a time (the crawler's scheduling thread).
#ifndef ADWATCH_CRAWLER_LOCAL_FRONTIER_H_
#define ADWATCH_CRAWLER_LOCAL_FRONTIER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "adwatch/common/clock.h"
#include "adwatch/crawler/frontier.h"
#include "adwatch/storage/store.h"

namespace adwatch::crawler {

struct LocalFrontierOptions {
  // Tasks of one host kept in memory; the rest wait on disk and are read when the head runs out.
  size_t head_size = 16;
  // Due revisits queued per QueueDueRevisits call; the rest come at the next call.
  size_t max_revisits_per_scan = 10'000;
};

class LocalFrontier final : public Frontier {
 public:
  // REQUIRES: `store` and `clock` outlive the frontier. `clock` stamps records (at_ms).
  LocalFrontier(storage::Store& store, const Clock& clock, LocalFrontierOptions options = {});

  // Frontier. See frontier.h. Corruption messages name what did not decode, e.g.
  // "task q|example.com:443|2|17: [json.exception.type_error.302] type must be string, …" or
  // "seen record of https://example.com/: field \"reason\" is number, not a string".
  Status Open() override;
  Result<int> Add(const std::vector<FetchTask>& tasks, AddMode mode) override;
  void SetHostConnections(const std::string& host, int max_connections) override;
  Result<Claimed> Claim(int max, int64_t now_ms) override;
  void ReleaseHost(const Lease& lease, const HostRelease& release) override;
  Status Finish(const Lease& lease, const UrlRecord& record,
                const HostRelease& release = {}) override;
  Status Retry(const Lease& lease, const FetchTask& next, const HostRelease& release = {}) override;
  Status Return(const Lease& lease, const HostRelease& release = {}) override;
  Status Record(const std::string& url, const UrlRecord& record) override;
  Status RecordOutOfScope(const std::vector<std::string>& urls, const std::string& source) override;
  Result<UrlRecord> Lookup(const std::string& url) override;
  Result<RevisitsQueued> QueueDueRevisits(int64_t now_ms) override;
  Result<RobotsRecord> GetRobots(const std::string& host) override;
  Status PutRobots(const std::string& host, const RobotsRecord& robots) override;
  FrontierCounts Counts() const override;

  // What a move to another frontier takes (`adwatch frontier export`, docs/distributed.md):
  // calls `seen` with each URL of the seen-set that is not queued, then `queued` with each queued
  // task, host by host in queue order. Stops at the first error a callback returns. Corruption
  // as Open when a record or task does not decode.
  Status Export(const std::function<Status(const std::string& url)>& seen,
                const std::function<Status(const FetchTask& task)>& queued) const;

 private:
  using Entry = std::pair<std::string, FetchTask>;  // queue key → task
  struct HostQueue {
    std::vector<Entry> head;  // in key order: priority, then sequence
    bool exhausted = false;   // nothing on disk beyond head and leased tasks
    // Every queued key of the host on disk that is neither in `head` nor leased sorts at or
    // after this ("" for the start of the host's keys), so Refill seeks past the keys it has
    // handed out: finished tasks leave deletions behind until compaction drops them, and
    // walking over them again on every refill cost CPU that grew with the crawl.
    std::string disk_from;
    int leases = 0;        // leases out that still hold a connection
    int tasks_leased = 0;  // leases out, released or not
    int64_t next_ms = 0;   // no fetch before this (delay after the last request, holds)
    bool held_for_run = false;
  };
  struct LeaseState {
    std::string key;  // the task's queue key
    std::string host;
    bool holds_connection = true;
  };

  std::string QueueKey(const std::string& host, FetchPriority priority);
  Status Refill(const std::string& host, HostQueue& q);
  // The first task of `q` that may start at `now_ms`, removed from the head; nullopt when none.
  Result<std::optional<Entry>> PopReady(const std::string& host, HostQueue& q, int64_t now_ms);
  // The earliest not_before_ms in `q`'s head when no task there is ready; 0 otherwise.
  int64_t EarliestStart(const HostQueue& q) const;
  void Release(LeaseState& lease, const HostRelease& release);
  void InsertHead(HostQueue& q, Entry entry);
  void UpdateWork(const std::string& host, HostQueue& q);
  // Notes that `key` is on disk but not in memory: Refill must seek no further than it.
  static void OnDiskOnly(HostQueue& q, const std::string& key);

  storage::Store& store_;
  const Clock& clock_;
  LocalFrontierOptions options_;
  uint64_t next_seq_ = 1;
  uint64_t next_lease_ = 1;
  int64_t queued_ = 0;
  std::map<std::string, HostQueue> hosts_;
  std::map<std::string, int> connections_;  // SetHostConnections; kept across Open()
  std::set<std::string> hosts_with_work_;   // hosts with tasks queued and not leased
  std::map<uint64_t, LeaseState> leases_;
  std::set<std::string> leased_keys_;
  std::string last_host_;  // Claim starts after it, so that every host gets its turn
};

}  // namespace adwatch::crawler

#endif  // ADWATCH_CRAWLER_LOCAL_FRONTIER_H_
