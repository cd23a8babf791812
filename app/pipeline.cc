#include "pipeline.h"

#include <algorithm>

#include "adwatch/classifier/gazetteer.h"
#include "adwatch/crawler/url.h"

namespace adwatch::app {

Result<storage::AdWrite> ClassifyAd(const classifier::Classifier& classifier, AdCandidate ad,
                                    const std::string& region_hint) {
  if (!ad.url.empty()) {
    if (auto canonical = crawler::CanonicalUrl(ad.url)) ad.url = std::move(*canonical);
  }
  auto verdict = classifier.Classify(ad);
  if (!verdict) return verdict.error();
  storage::AdWrite w;
  w.regions = classifier::RegionIds(verdict->entities, classifier.rules().gazetteer(), region_hint);
  w.region_hint = region_hint;
  w.ad = std::move(ad);
  w.verdict = std::move(verdict.value());
  return w;
}

Pipeline::Pipeline(PipelineOptions options, const extract::Extractor& extractor,
                   const classifier::Classifier& classifier, storage::Store& store,
                   std::function<void(const ProcessedPage&)> on_page)
    : Pipeline(std::move(options), extractor, classifier, std::make_unique<StoreWriter>(store),
               std::move(on_page), nullptr) {}

Pipeline::Pipeline(PipelineOptions options, const extract::Extractor& extractor,
                   const classifier::Classifier& classifier, PageWriter& writer,
                   std::function<void(const ProcessedPage&)> on_page)
    : Pipeline(std::move(options), extractor, classifier, nullptr, std::move(on_page), &writer) {}

Pipeline::Pipeline(PipelineOptions options, const extract::Extractor& extractor,
                   const classifier::Classifier& classifier, std::unique_ptr<StoreWriter> own,
                   std::function<void(const ProcessedPage&)> on_page, PageWriter* writer)
    : options_(std::move(options)),
      extractor_(extractor),
      classifier_(classifier),
      own_writer_(std::move(own)),
      writer_(writer ? *writer : *own_writer_),
      on_page_(std::move(on_page)) {
  for (int i = 0; i < std::max(1, options_.workers); ++i) workers_.emplace_back([this] { Work(); });
}

Pipeline::~Pipeline() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

bool Pipeline::Offer(crawler::PageJob& job, std::function<void(crawler::PageOutcome)> done) {
  {
    std::lock_guard lock(mu_);
    if (closing_ || queue_.size() >= options_.queue_capacity) return false;
    queue_.emplace_back(std::move(job), std::move(done));
  }
  cv_.notify_one();
  return true;
}

void Pipeline::Work() {
  while (true) {
    std::pair<crawler::PageJob, std::function<void(crawler::PageOutcome)>> item;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing and drained
      item = std::move(queue_.front());
      queue_.pop_front();
    }
    auto processed = ProcessPage(item.first, options_, extractor_, classifier_, writer_);
    crawler::PageOutcome outcome;
    if (processed) {
      if (on_page_) on_page_(*processed);
      outcome = std::move(processed->outcome);
    } else {
      outcome.error = processed.error();
    }
    item.second(std::move(outcome));
  }
}

Result<ProcessedPage> ProcessPage(crawler::PageJob& job, const PipelineOptions& options,
                                  const extract::Extractor& extractor,
                                  const classifier::Classifier& classifier, storage::Store& store) {
  StoreWriter writer(store);
  return ProcessPage(job, options, extractor, classifier, writer);
}

Result<ProcessedPage> ProcessPage(crawler::PageJob& job, const PipelineOptions& options,
                                  const extract::Extractor& extractor,
                                  const classifier::Classifier& classifier, PageWriter& store) {
  ProcessedPage out;
  if (job.result.http_status == 304) {
    // Unchanged since the last visit: its ads were seen again now; nothing else to store.
    if (!job.previous_ad_ids.empty()) {
      auto touched = store.Touch(job.previous_ad_ids, job.result.fetched_at_ms);
      if (!touched) return touched.error().WithContext("store");
    }
    return out;
  }
  // 3. Extract.
  auto page = extractor.Extract(job.result);

  if (!page) return page.error();
  out.page = std::move(page.value());
  for (const Link& l : out.page.links) out.outcome.links.push_back(l.url);
  if (!out.page.next_page.empty()) out.outcome.links.push_back(out.page.next_page);
  if (out.page.candidates.empty()) return out;  // a listing or an empty page: links only

  // 4–5. Normalise, classify and route each candidate.
  storage::PageWrite write;
  write.crawler_version = options.crawler_version;
  write.cause = options.cause;
  const std::string hint = job.source ? job.source->region_hint : "";
  for (AdCandidate& ad : out.page.candidates) {
    if (ad.source.empty()) ad.source = job.task.source;
    if (ad.url.empty()) ad.url = job.result.final_url.empty() ? job.task.url : job.result.final_url;
    if (options.images != nullptr) options.images->Read(ad);  // 3b. the ad's images
    auto w = ClassifyAd(classifier, ad, hint);
    if (!w) return w.error();
    write.ads.push_back(std::move(w.value()));
  }
  // 6. Store the page as evidence with its ads, verdicts and index entries, all or nothing.
  write.page = std::move(job.result);  // extraction is done with it
  auto written = store.Write(write);
  if (!written) return written.error().WithContext("store");
  for (size_t i = 0; i < write.ads.size(); ++i) {
    const Verdict& v = write.ads[i].verdict;
    ++out.outcome.ads;
    if (v.kind == DocKind::kRecruitmentAd && v.level >= options.flag_level) ++out.outcome.flagged;
    out.ads.emplace_back(i < written->ads.size() ? written->ads[i].ad_id : "", v);
    if (i < written->ads.size()) out.outcome.ad_ids.push_back(written->ads[i].ad_id);
  }
  return out;
}

}  // namespace adwatch::app
