// Building and running one crawl: the fetcher, extractor, pipeline and crawler wired together,
// with SIGINT/SIGTERM asking the crawl to stop cleanly. Shared by `crawl`, `check` and `demo`.
#ifndef ADWATCH_APP_CRAWL_RUN_H_
#define ADWATCH_APP_CRAWL_RUN_H_

#include <functional>
#include <memory>
#include <string>

#include "adwatch/classifier/classify.h"
#include "adwatch/crawler/crawler.h"
#include "adwatch/crawler/fetcher.h"
#include "adwatch/frontier_redis/redis_frontier.h"
#include "adwatch/storage/store.h"
#include "crawl_config.h"
#include "pipeline.h"

namespace adwatch::app {

struct CrawlSetup {
  CrawlConfig crawl;       // crawler options with their sources, fetcher, extract, workers
  std::string submission;  // a URL from outside (`check`): fetched alone, the address guard on
  std::function<void(const ProcessedPage&)> on_page;  // every processed page (thread-safe)
};

// The fetcher options of a crawl: the crawler's user agent, and connection caps no lower than
// the crawler's own in-flight and per-host limits.
crawler::FetcherOptions FetcherOptionsFor(const CrawlConfig& crawl);

// One crawl with its extractor, pipeline, crawler and maintenance (retention, backups), ready to
// run on the calling thread and to be stopped from any other. `serve` runs one on a thread of its
// own over the fetcher it shares with submitted links.
class CrawlRun {
 public:
  // Builds the stages. `fetcher` is used when not null (it must outlive the run), else the run
  // makes its own from setup.crawl.fetcher. `cause` is recorded with each verdict ("crawl",
  // "submission"). Errors: bad options (InvalidArgument), the fetcher could not start
  // (Internal). Threads start here: a caller that waits for signals with sigwait blocks them
  // first.
  static Result<std::unique_ptr<CrawlRun>> Create(const CrawlSetup& setup,
                                                  const classifier::Classifier& classifier,
                                                  storage::Store& store, const std::string& cause,
                                                  crawler::Fetcher* fetcher = nullptr);
  // A crawl worker of the Redis mode: claims from `frontier`, and sends each processed page to
  // the results stream through it (ResultEncoder) instead of writing a store. No maintenance
  // (the ingest owns the store). Errors as Create. REQUIRES: `frontier` outlives the run.
  static Result<std::unique_ptr<CrawlRun>> CreateWorker(const CrawlSetup& setup,
                                                        const classifier::Classifier& classifier,
                                                        frontier_redis::RedisFrontier& frontier);
  // Stops the crawler first (it stops taking pages), then the pipeline finishes what it holds,
  // then the fetcher (when owned) shuts down.
  ~CrawlRun();
  CrawlRun(const CrawlRun&) = delete;
  CrawlRun& operator=(const CrawlRun&) = delete;

  // Crawls to the end (or, with follow, until Stop). `progress` about once a second. Errors: the
  // pipeline failed (e.g. IOError from a full disk).
  Result<crawler::CrawlStats> Run(const std::function<void(const crawler::CrawlStats&)>& progress);
  // Asks Run to stop cleanly; thread-safe.
  void Stop();

 private:
  CrawlRun();
  static Result<std::unique_ptr<CrawlRun>> Build(
      const CrawlSetup& setup, const classifier::Classifier& classifier, storage::Store* store,
      frontier_redis::RedisFrontier* frontier, const std::string& cause, crawler::Fetcher* fetcher);
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

// Runs the crawl to its end, SIGINT/SIGTERM asking it to stop cleanly. Errors as CrawlRun.
Result<crawler::CrawlStats> RunCrawlWithSignals(
    const CrawlSetup& setup, const classifier::Classifier& classifier, storage::Store& store,
    const std::string& cause, const std::function<void(const crawler::CrawlStats&)>& progress);
// The same for a worker of the Redis mode (CreateWorker).
Result<crawler::CrawlStats> RunWorkerWithSignals(
    const CrawlSetup& setup, const classifier::Classifier& classifier,
    frontier_redis::RedisFrontier& frontier,
    const std::function<void(const crawler::CrawlStats&)>& progress);

}  // namespace adwatch::app

#endif  // ADWATCH_APP_CRAWL_RUN_H_
