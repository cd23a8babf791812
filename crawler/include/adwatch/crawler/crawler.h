// The crawler: claims tasks from a Frontier and fetches them politely — robots.txt first, a
// connection cap and a minimum delay per host, Crawl-delay and Retry-After honoured, an
// exponential slow-down for hosts that keep failing, retries with backoff for transient failures
// only — and hands every fetched page to a PageSink (the app's pipeline: extract → classify →
// store), which answers with the links to follow. It never follows a redirect blindly: the
// target is a new URL that goes through scope, robots and dedup. Every URL ends with an outcome
// in the frontier's seen-set. docs/crawling.md numbers the flow; the units it routes between are
// Scope (scope.h), HostTable (host_table.h), Sitemaps (sitemaps.h), RetryPolicy
// (retry_policy.h) and the Frontier (frontier.h).
//
// Run() blocks on the calling thread and drives scheduling there; fetches run on the Fetcher's
// own thread and pages on the sink's workers. Stop() and Submit() may be called from any thread,
// also while Run() runs.
#ifndef ADWATCH_CRAWLER_CRAWLER_H_
#define ADWATCH_CRAWLER_CRAWLER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adwatch/common/clock.h"
#include "adwatch/common/records.h"
#include "adwatch/common/status.h"
#include "adwatch/crawler/fetcher.h"
#include "adwatch/crawler/frontier.h"
#include "adwatch/crawler/scope.h"
#include "adwatch/storage/store.h"

namespace adwatch::crawler {

struct CrawlerOptions {
  std::vector<SourceConfig> sources;
  // Product token and contact URL sent as User-Agent; robots.txt groups match its first word.
  std::string user_agent = "adwatch/0.1 (+https://github.com/adwatch/adwatch)";
  int default_host_connections = 1;       // polite by default: one connection per host…
  int64_t default_host_delay_ms = 1000;   // …and a second from one request's end to the next
  int max_in_flight = 64;                 // fetches at once, all hosts together
  int max_retries = 3;                    // further attempts after a transient failure
  int64_t retry_base_ms = 2000;           // first retry after about this long, doubling each time
  int64_t max_host_backoff_ms = 300'000;  // cap of the slow-down of a host that keeps failing
  int64_t max_retry_after_s = 3600;       // a longer Retry-After is clamped to this
  int64_t robots_ttl_s = 86'400;          // robots.txt is fetched again after this long
  int max_redirects = 5;              // hops of a redirect chain followed (5 at most from outside)
  bool use_sitemaps = true;           // follow Sitemap: lines of robots.txt
  int max_sitemaps_per_host = 20;     // sitemaps (index ones included) fetched per host and run
  int64_t max_sitemap_urls = 50'000;  // <loc> entries read from one sitemap (the protocol's cap)
  // robots.txt is read and cached up to this size (RFC 9309 asks for at least 500 KiB).
  int64_t max_robots_bytes = 512 * 1024;
  int64_t max_pages = 0;           // pages fetched this run, all sources; 0: no limit
  int64_t max_duration_ms = 0;     // 0: no limit
  bool follow = false;             // when done, wait for revisits instead of returning
  int64_t stop_grace_ms = 15'000;  // after Stop(), in-flight fetches get this long to finish
};

// Returns InvalidArgument naming the field: connections, in-flight, sitemap or robots limits below
// 1, a negative delay, retry count, backoff, TTL or redirect count, an empty user agent, or a
// source Validate(SourceConfig) refuses.
Status Validate(const CrawlerOptions& options);

// A fetched page for the sink, with the source it belongs to.
struct PageJob {
  FetchTask task;
  FetchResult result;  // 2xx with body, or 304 for a revisit that did not change
  std::shared_ptr<const SourceConfig> source;
  // For a 304: the ads the URL's last 2xx produced, which the sink marks as seen again.
  std::vector<std::string> previous_ad_ids;
};

// What the sink made of a page.
struct PageOutcome {
  std::vector<std::string> links;   // absolute URLs found on the page (incl. its next page)
  int ads = 0;                      // ads stored
  int flagged = 0;                  // ads at medium level or above
  std::vector<std::string> ad_ids;  // ids of the ads stored from a 2xx (kept for a later 304)
  // A failure of the pipeline itself (e.g. the disk is full): the crawl stops with this error
  // and the page stays queued. Extraction problems of a bad page are not errors.
  Status error;
};

// Where fetched pages go. Implemented by the app's pipeline.
class PageSink {
 public:
  virtual ~PageSink() = default;
  // Takes a page for processing (moving from `job`) and returns true, or returns false when full
  // and leaves `job` untouched; the crawler offers it again after another page is done and starts
  // no new fetches meanwhile (back-pressure). When processing ends, the sink calls `done` exactly
  // once, from any thread.
  virtual bool Offer(PageJob& job, std::function<void(PageOutcome)> done) = 0;
};

// Counters of one run, for the progress line and the summary.
struct CrawlStats {
  int64_t started_ms = 0;
  int64_t elapsed_ms = 0;
  int64_t requests = 0;                     // HTTP requests sent, robots.txt and sitemaps included
  int64_t pages = 0;                        // pages fetched and processed (2xx)
  int64_t bytes = 0;                        // body bytes received
  std::map<std::string, int64_t> outcomes;  // Outcome name → URLs that ended so
  std::map<std::string, int64_t> errors;    // fetch error kind or "http_NNN" → count
  int64_t retries = 0;
  int64_t links_discovered = 0;  // new URLs queued
  int64_t ads = 0;
  int64_t flagged = 0;
  int64_t queued = 0;  // URLs waiting (at the last update)
  int64_t in_flight = 0;
  int64_t hosts_active = 0;        // hosts with work or fetches in flight
  bool done = false;               // ended because no work was left
  bool limit_reached = false;      // ended at max_pages or max_duration
  int64_t out_of_scope_links = 0;  // links found that no source's scope holds
};

// How Run() lets time pass when nothing can start before a given time and no completion is
// waiting. Without one, Run() sleeps on the real clock until then or until a completion arrives.
// A simulation (tests/support/fake_fetcher.h) instead advances its manual clock and delivers the
// fetches that complete by then, so politeness and Retry-After are checked without waiting.
class Waiter {
 public:
  virtual ~Waiter() = default;
  // Called on Run()'s thread. `until_ms` is the Clock time when something becomes due, 0 when
  // only a completion can wake the crawler. Returns true after letting time pass or delivering
  // completions (Run() then looks again without sleeping); false to have Run() sleep on the real
  // clock as it would without a Waiter.
  virtual bool Wait(int64_t until_ms) = 0;
};

class Crawler {
 public:
  // Crawls with `frontier`. Run() opens it as it starts.
  // REQUIRES: every reference (and `waiter`, when given) outlives the crawler;
  // Validate(options).ok().
  Crawler(CrawlerOptions options, Fetcher& fetcher, Frontier& frontier, PageSink& sink,
          const Clock& clock, Waiter* waiter = nullptr);
  // Crawls with a LocalFrontier over `store`'s frontier, seen and hosts tables: the embedded mode.
  Crawler(CrawlerOptions options, Fetcher& fetcher, storage::Store& store, PageSink& sink,
          const Clock& clock, Waiter* waiter = nullptr);
  ~Crawler();
  Crawler(const Crawler&) = delete;
  Crawler& operator=(const Crawler&) = delete;

  // Queues URLs from outside (NGO submissions) with FetchPriority::kSubmission under `source`
  // (which should have any_host and external set; the first source of a name is kept), also
  // URLs fetched before. Thread-safe: while Run() runs, the URLs are queued on its thread
  // (Submit waits for that) and fetched in that run unless it is ending; else they are queued at
  // once for the next Run(). Returns InvalidArgument for a bad source or a URL that does not
  // canonicalise (then none is queued), or the frontier's error.
  Status Submit(const std::vector<std::string>& urls, const SourceConfig& source);

  // Crawls until no work is left (or, with options.follow, until stopped), max_pages or
  // max_duration is reached, or Stop() is called; then waits for in-flight fetches (up to
  // stop_grace_ms) and processing to finish. URLs not finished stay queued for the next run.
  // Calls `progress` about once a second on this thread. Returns the run's counters, or the
  // first error that stopped it: the pipeline's (IOError when the store cannot write) or the
  // frontier's (Corruption when a stored record does not decode, "frontier: …").
  // REQUIRES: not called while another Run() of this crawler runs.
  Result<CrawlStats> Run(const std::function<void(const CrawlStats&)>& progress = {});

  // Asks Run() to stop. Thread-safe and async-signal-unsafe-free: only sets a flag.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace adwatch::crawler

#endif  // ADWATCH_CRAWLER_CRAWLER_H_
