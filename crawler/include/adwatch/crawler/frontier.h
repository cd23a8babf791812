// The frontier: every URL the crawl knows — per-host queues of tasks, an exact seen-set with each
// URL's outcome, the revisits to come and the robots.txt cache — and the schedule of which host
// may be fetched when. The crawler claims tasks as leases, fetches them, and ends each lease with
// Finish (an outcome), Retry (another attempt later) or Return (back unchanged). A lease also
// holds one of its host's connections until ReleaseHost (or the lease's end) gives it back with
// the delay the host must then wait, so a frontier shared by several crawlers keeps each host as
// polite as one crawler would.
//
// Frontier is the interface; LocalFrontier (local_frontier.h) keeps it in the embedded RocksDB
// store. A distributed frontier (docs/crawling.md) implements the same calls with atomic scripts:
// Add = ADD, Claim = CLAIM, Finish = COMPLETE (where the record goes to the one writer), Retry =
// RETRY, Return = UNPOP, and leases of a crawler that died are re-queued by the frontier itself.
//
// Errors: every call returns a Status. A stored record that does not decode is Corruption naming
// the table and key; the crawl stops on it rather than skipping the record. Outcomes of URLs (a
// 404, a robots.txt refusal) are data in UrlRecord, never a Status.
// Not thread-safe: a crawler calls its frontier from its one scheduling thread.
#ifndef ADWATCH_CRAWLER_FRONTIER_H_
#define ADWATCH_CRAWLER_FRONTIER_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/common/names.h"
#include "adwatch/common/records.h"
#include "adwatch/common/status.h"

namespace adwatch::crawler {

// The seen-set's records (Outcome, UrlRecord, RobotsRecord) are in adwatch/common/records.h,
// their names in adwatch/common/names.h and their stored layout in
// adwatch/storage/crawl_codec.h.
using adwatch::Name;
using adwatch::Outcome;
using adwatch::ParseOutcome;
using adwatch::RobotsRecord;
using adwatch::UrlRecord;

// Whether Add queues a URL the seen-set already holds.
enum class AddMode : uint8_t {
  kIfNew,  // only URLs never seen (links, start URLs)
  kAgain,  // also URLs seen before that are not queued now (NGO submissions, revisits)
};

// A task handed to one crawler, with one connection of its host.
struct Lease {
  uint64_t id = 0;   // unique among the frontier's leases
  std::string host;  // the task's host key (HostKey(task.url))
  FetchTask task;
};

// How a lease gives its host's connection back.
struct HostRelease {
  // When the lease's last request to the host ended; 0 when it sent none (e.g. robots.txt
  // refused the URL), which leaves the host's schedule as it was.
  int64_t ended_ms = 0;
  // The host's delay after a request, Crawl-delay and backoff included (HostTable::Delay). The
  // host's next fetch starts no sooner than ended_ms + delay_ms.
  int64_t delay_ms = 0;
  // No fetch of the host before this (Retry-After, a deferred robots.txt); 0 for none.
  // kHoldForRun holds it until the frontier is opened again (a source's page limit).
  int64_t hold_until_ms = 0;
};
inline constexpr int64_t kHoldForRun = std::numeric_limits<int64_t>::max();

// What Claim handed out.
struct Claimed {
  std::vector<Lease> leases;
  // When a host with queued work may next be claimed (a delay or a retry's not-before time),
  // for the crawler's sleep; 0 when nothing waits on time — then only a lease's end (or an Add)
  // can make more work claimable.
  int64_t next_due_ms = 0;
};

// What QueueDueRevisits did.
struct RevisitsQueued {
  int queued = 0;           // URLs queued again
  int64_t next_due_ms = 0;  // the earliest revisit still to come; 0 when none
};

// Sizes for the progress line.
struct FrontierCounts {
  int64_t queued = 0;           // tasks queued, leased ones included
  int64_t hosts_with_work = 0;  // hosts with queued or leased tasks
  int64_t leases = 0;           // leases out
};

class Frontier {
 public:
  virtual ~Frontier() = default;

  // Reads the persisted state. Leases handed out before are forgotten and their tasks queued
  // again (after a crash they are the fetches that were in flight), host schedules start afresh.
  // Call before anything else; Crawler::Run calls it as it starts. IOError or Corruption.
  virtual Status Open() = 0;

  // Queues each task whose URL the seen-set does not hold (with kAgain, also those that are not
  // queued now), records it as kQueued, and returns how many were queued. A URL queued again keeps
  // its ETag, Last-Modified and ad ids. A task whose URL has no host is skipped. One atomic write
  // for the whole list. REQUIRES: every task's url is canonical.
  virtual Result<int> Add(const std::vector<FetchTask>& tasks, AddMode mode) = 0;

  // Sets how many leases of `host` (a host key) may be out at once; 1 until set. Takes effect at
  // the next Claim.
  virtual void SetHostConnections(const std::string& host, int max_connections) = 0;

  // Hands out up to `max` leases at `now_ms`, visiting the hosts in turn: a host gives tasks
  // while it has fewer leases out than its connections, its schedule allows a fetch, and it has a
  // task whose not_before_ms has come — highest priority first, then oldest. A leased task stays
  // stored until its lease ends, so a crash fetches it again. Corruption when a stored task does
  // not decode; IOError when the store cannot be read.
  virtual Result<Claimed> Claim(int max, int64_t now_ms) = 0;

  // Gives the lease's host connection back (see HostRelease); the task stays leased (e.g. while
  // its page is being processed). Only the first release of a lease counts.
  virtual void ReleaseHost(const Lease& lease, const HostRelease& release) = 0;

  // Ends the lease: records `record` in the seen-set (at_ms and source filled in when empty,
  // depth from the task) with a revisit entry when record.next_revisit_ms is set, and removes the
  // task, in one atomic write. Releases the host with `release` unless ReleaseHost did. Links
  // found on the page are added with Add() before this, so that a crash in between loses nothing.
  virtual Status Finish(const Lease& lease, const UrlRecord& record,
                        const HostRelease& release = {}) = 0;

  // Ends the lease by queueing `next` (the same URL, its attempt counted up) behind the host's
  // other work, not before next.not_before_ms. Releases the host as Finish does.
  virtual Status Retry(const Lease& lease, const FetchTask& next,
                       const HostRelease& release = {}) = 0;

  // Ends the lease by putting its task back unchanged, in its old place (the crawl is stopping,
  // or the lease was used to fetch robots.txt or a sitemap instead). Releases the host as Finish
  // does.
  virtual Status Return(const Lease& lease, const HostRelease& release = {}) = 0;

  // Records the outcome of a URL that never entered the queue (e.g. a redirect target out of
  // scope).
  virtual Status Record(const std::string& url, const UrlRecord& record) = 0;

  // Records `urls` as kOutOfScope (found on a page of `source`), skipping URLs already seen, in
  // one write.
  virtual Status RecordOutOfScope(const std::vector<std::string>& urls,
                                  const std::string& source) = 0;

  // The seen-set's record of `url`; NotFound when the URL was never seen, Corruption when the
  // record does not decode.
  virtual Result<UrlRecord> Lookup(const std::string& url) = 0;

  // Queues again (FetchPriority::kRevisit, with the URL's ETag and Last-Modified) every URL whose
  // revisit time has come by `now_ms`.
  virtual Result<RevisitsQueued> QueueDueRevisits(int64_t now_ms) = 0;

  // The cached robots.txt of `host`; NotFound when none is cached, Corruption when it does not
  // decode.
  virtual Result<RobotsRecord> GetRobots(const std::string& host) = 0;
  virtual Status PutRobots(const std::string& host, const RobotsRecord& robots) = 0;

  virtual FrontierCounts Counts() const = 0;
};

}  // namespace adwatch::crawler

#endif  // ADWATCH_CRAWLER_FRONTIER_H_
