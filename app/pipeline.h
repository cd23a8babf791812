// The pipeline: the one place that knows the order of the stages.
//
//   1. Frontier   (crawler/)          hands out FetchTasks, host by host
//   2. Fetcher    (crawler/)          FetchTask → FetchResult
//   3. Extractor  (crawler/extract/)  FetchResult → Page with AdCandidates
//   3b. Images    (app/images.h)      each ad's images fetched, kept, hashed, read (OCR)
//   4. Normalizer + entities (classifier/)
//   5. Classifier (classifier/)       AdCandidate → Verdict; RouteRegions → region ids
//   6. Store      (storage/)          the page, its ads, verdicts and indexes in one WriteBatch
//   7. Frontier   (crawler/)          the page's links, through scope, robots and dedup
//
// Steps 1, 2 and 7 are the crawler's; this class does 3–6 (3b when PipelineOptions::images is set)
// as the crawler's PageSink, on a small pool of worker threads behind a bounded queue
// (back-pressure keeps memory flat however fast pages arrive). Offer is thread-safe.
#ifndef ADWATCH_APP_PIPELINE_H_
#define ADWATCH_APP_PIPELINE_H_

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adwatch/classifier/classify.h"
#include "adwatch/crawler/crawler.h"
#include "adwatch/extract/extract.h"
#include "adwatch/storage/store.h"
#include "images.h"

namespace adwatch::app {

struct PipelineOptions {
  int workers = 2;              // threads doing extract → classify → store
  size_t queue_capacity = 32;   // pages waiting for a worker; the crawler holds back beyond it
  std::string crawler_version;  // recorded with each page's evidence
  std::string cause = "crawl";  // recorded with each verdict ("crawl", "submission")
  Level flag_level = Level::kMedium;  // ads at or above it count as flagged
  // Fetches and reads the images of each ad candidate before it is classified; null: images
  // keep their URLs only. Not owned; outlives the pipeline.
  ImageStage* images = nullptr;
};

struct ProcessedPage;

// Where step 6 puts a page: the Store itself in the embedded mode (StoreWriter), the results
// stream in the Redis mode (result_encoder.h), where the one ingest process stores it.
class PageWriter {
 public:
  virtual ~PageWriter() = default;
  // As Store::Write and Store::Touch.
  virtual Result<storage::WriteResult> Write(const storage::PageWrite& write) = 0;
  virtual Result<int> Touch(const std::vector<std::string>& ad_ids, int64_t seen_ms) = 0;
};

class StoreWriter final : public PageWriter {
 public:
  explicit StoreWriter(storage::Store& store) : store_(store) {}
  Result<storage::WriteResult> Write(const storage::PageWrite& write) override {
    return store_.Write(write);
  }
  Result<int> Touch(const std::vector<std::string>& ad_ids, int64_t seen_ms) override {
    return store_.Touch(ad_ids, seen_ms);
  }

 private:
  storage::Store& store_;
};

// Steps 4–5 for one ad, the same for crawled pages, `adwatch import` and `rescore`: the ad's URL
// put in canonical form (so the same post gets the same ad id however it was reached; a URL
// that does not parse is kept as given), its verdict, and the region ids it routes to.
Result<storage::AdWrite> ClassifyAd(const classifier::Classifier& classifier, AdCandidate ad,
                                    const std::string& region_hint);

// What processing one page produced, for `adwatch check` and the crawl summary.
struct ProcessedPage {
  Page page;
  std::vector<std::pair<std::string, Verdict>> ads;  // ad id → verdict, in candidate order
  crawler::PageOutcome outcome;
};

// Steps 3–6 for one fetched page: extracts it, classifies each ad and stores the page with its
// ads, verdicts and index entries in one batch (a 304 only marks the previous ads as seen again).
// Takes the page's body. Errors only for a failed store write (or a failed extraction setup);
// a page without ads is not an error. Thread-safe as its arguments are. Used by the Pipeline's
// workers and by `serve` for submitted links.
Result<ProcessedPage> ProcessPage(crawler::PageJob& job, const PipelineOptions& options,
                                  const extract::Extractor& extractor,
                                  const classifier::Classifier& classifier, storage::Store& store);
// The same, storing through `writer`.
Result<ProcessedPage> ProcessPage(crawler::PageJob& job, const PipelineOptions& options,
                                  const extract::Extractor& extractor,
                                  const classifier::Classifier& classifier, PageWriter& writer);

class Pipeline final : public crawler::PageSink {
 public:
  // REQUIRES: the references outlive the pipeline. `on_page`, when set, is called with every
  // page a worker processed (from the worker's thread; it must be thread-safe).
  Pipeline(PipelineOptions options, const extract::Extractor& extractor,
           const classifier::Classifier& classifier, storage::Store& store,
           std::function<void(const ProcessedPage&)> on_page = {});
  // The same, storing through `writer`.
  Pipeline(PipelineOptions options, const extract::Extractor& extractor,
           const classifier::Classifier& classifier, PageWriter& writer,
           std::function<void(const ProcessedPage&)> on_page = {});
  // Finishes queued pages, then joins the workers.
  ~Pipeline() override;

  bool Offer(crawler::PageJob& job, std::function<void(crawler::PageOutcome)> done) override;

 private:
  Pipeline(PipelineOptions options, const extract::Extractor& extractor,
           const classifier::Classifier& classifier, std::unique_ptr<StoreWriter> own,
           std::function<void(const ProcessedPage&)> on_page, PageWriter* writer);
  void Work();

  PipelineOptions options_;
  const extract::Extractor& extractor_;
  const classifier::Classifier& classifier_;
  std::unique_ptr<StoreWriter> own_writer_;  // the Store constructor's
  PageWriter& writer_;
  std::function<void(const ProcessedPage&)> on_page_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<crawler::PageJob, std::function<void(crawler::PageOutcome)>>> queue_;
  bool closing_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace adwatch::app

#endif  // ADWATCH_APP_PIPELINE_H_
