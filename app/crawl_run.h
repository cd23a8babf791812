// Building and running one crawl: the fetcher, extractor, pipeline and crawler wired together,
// with SIGINT/SIGTERM asking the crawl to stop cleanly. Shared by `crawl`, `check` and `demo`.
#ifndef ADWATCH_APP_CRAWL_RUN_H_
#define ADWATCH_APP_CRAWL_RUN_H_

#include <functional>
#include <string>

#include "adwatch/classifier/classify.h"
#include "adwatch/crawler/crawler.h"
#include "adwatch/storage/store.h"
#include "crawl_config.h"
#include "pipeline.h"

namespace adwatch::app {

struct CrawlSetup {
  CrawlConfig crawl;       // crawler options with their sources, fetcher, extract, workers
  std::string submission;  // a URL from outside (`check`): fetched alone, the address guard on
  std::function<void(const ProcessedPage&)> on_page;  // every processed page (thread-safe)
};

// Runs the crawl to its end. `cause` is recorded with each verdict ("crawl", "submission").
// `progress` is called about once a second. Errors: bad options (InvalidArgument), the fetcher
// could not start (Internal), or the pipeline failed (e.g. IOError from a full disk).
Result<crawler::CrawlStats> RunCrawlWithSignals(const CrawlSetup& setup, const classifier::Classifier& classifier,
                                                storage::Store& store, const std::string& cause,
                                                const std::function<void(const crawler::CrawlStats&)>& progress);

}  // namespace adwatch::app

#endif  // ADWATCH_APP_CRAWL_RUN_H_
