#include "crawl_run.h"

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "adwatch/common/clock.h"
#include "result_encoder.h"

namespace adwatch::app {
namespace {

// Waits for SIGINT/SIGTERM on its own thread (the signals are blocked everywhere else) and asks
// the crawl to stop; a second signal is left to its default action, ending the process.
class SignalStopper {
 public:
  explicit SignalStopper(CrawlRun& crawler) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
    thread_ = std::thread([this, &crawler] {
      int sig = 0;
      while (sigwait(&set_, &sig) == 0) {
        if (done_.load()) return;
        crawler.Stop();
        return;
      }
    });
  }
  ~SignalStopper() {
    done_.store(true);
    pthread_kill(thread_.native_handle(), SIGTERM);  // wakes sigwait; it sees done_ and returns
    thread_.join();
    // Signals that arrived meanwhile would fire on unblocking; the crawl is over, so drop them.
    struct timespec zero = {0, 0};
    while (sigtimedwait(&set_, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t set_, old_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// Keeps the database in shape while a crawl holds it (no other process can open it for writing
// meanwhile): at the start and then every `every_ms`, drops the raw bodies retention allows and
// writes a backup. Failures are logged and retried next time; they never stop the crawl.
class Maintenance {
 public:
  Maintenance(storage::Store& store, const CrawlConfig& cfg) : store_(store), cfg_(cfg) {
    const bool retention = store.options().retention_days > 0;
    if (cfg.maintenance_every_ms <= 0 || (!retention && cfg.backup_dir.empty())) return;
    thread_ = std::thread([this] { Loop(); });
  }
  ~Maintenance() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Loop() {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      RunOnce();
      lock.lock();
      cv_.wait_for(lock, std::chrono::milliseconds(cfg_.maintenance_every_ms),
                   [this] { return stop_; });
    }
  }
  void RunOnce() {
    if (store_.options().retention_days > 0) {
      auto r = store_.ApplyRetention(/*dry_run=*/false);
      if (r && r->bodies_dropped == 0) {
        spdlog::debug("retention: nothing to drop");
      } else if (r) {
        spdlog::info("retention: {} page bodies dropped ({} bytes), {} kept as flagged evidence",
                     r->bodies_dropped, r->bytes_dropped, r->bodies_kept_flagged);
      } else {
        spdlog::warn("retention failed (tried again later): {}", r.error().ToString());
      }
    }
    if (!cfg_.backup_dir.empty()) {
      auto b = store_.Backup(cfg_.backup_dir, cfg_.backup_keep);
      if (b) {
        spdlog::info("backup {} written to {} ({} bytes)", b->backup_id, cfg_.backup_dir, b->bytes);
      } else {
        spdlog::warn("backup to {} failed (tried again later): {}", cfg_.backup_dir,
                     b.error().ToString());
      }
    }
  }

  storage::Store& store_;
  const CrawlConfig& cfg_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

crawler::FetcherOptions FetcherOptionsFor(const CrawlConfig& cfg) {
  crawler::FetcherOptions f = cfg.fetcher;
  f.user_agent = cfg.crawler.user_agent;
  f.max_total_connections = std::max(f.max_total_connections, cfg.crawler.max_in_flight);
  int most_per_host = cfg.crawler.default_host_connections;
  for (const auto& s : cfg.crawler.sources)
    most_per_host = std::max(most_per_host, s.host_connections);
  f.max_host_connections = std::max(f.max_host_connections, most_per_host);
  return f;
}

struct CrawlRun::Rep {
  CrawlConfig cfg;
  SystemClock clock;
  std::unique_ptr<extract::Extractor> extractor;
  std::unique_ptr<crawler::Fetcher> owned_fetcher;
  ImageReader images;
  std::unique_ptr<ResultEncoder> encoder;  // a worker's (CreateWorker)
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<crawler::Crawler> crawler;
  std::unique_ptr<Maintenance> maintenance;
};

CrawlRun::CrawlRun() : rep_(std::make_unique<Rep>()) {}

CrawlRun::~CrawlRun() {
  // Order matters: the crawler goes first (it stops taking pages), then the pipeline finishes
  // what it holds, then the fetcher shuts down.
  rep_->crawler.reset();
  rep_->pipeline.reset();
  rep_->images.stage.reset();
  rep_->images.fetcher.reset();
  rep_->encoder.reset();
  rep_->owned_fetcher.reset();
  rep_->maintenance.reset();
}

Result<std::unique_ptr<CrawlRun>> CrawlRun::Create(const CrawlSetup& setup,
                                                   const classifier::Classifier& classifier,
                                                   storage::Store& store, const std::string& cause,
                                                   crawler::Fetcher* fetcher) {
  return Build(setup, classifier, &store, nullptr, cause, fetcher);
}

Result<std::unique_ptr<CrawlRun>> CrawlRun::CreateWorker(const CrawlSetup& setup,
                                                         const classifier::Classifier& classifier,
                                                         frontier_redis::RedisFrontier& frontier) {
  return Build(setup, classifier, nullptr, &frontier, "crawl", nullptr);
}

Result<std::unique_ptr<CrawlRun>> CrawlRun::Build(
    const CrawlSetup& setup, const classifier::Classifier& classifier, storage::Store* store,
    frontier_redis::RedisFrontier* frontier, const std::string& cause, crawler::Fetcher* fetcher) {
  std::unique_ptr<CrawlRun> run(new CrawlRun());
  Rep& r = *run->rep_;
  r.cfg = setup.crawl;
  CrawlConfig& cfg = r.cfg;
  ADWATCH_RETURN_IF_ERROR(crawler::Validate(cfg.crawler));
  AddSourcePatterns(cfg.crawler.sources, cfg.extract);
  auto extractor = extract::Extractor::Create(cfg.extract);
  if (!extractor) return extractor.error();
  r.extractor = std::make_unique<extract::Extractor>(std::move(extractor.value()));
  cfg.fetcher = FetcherOptionsFor(cfg);

  PipelineOptions popts;
  popts.workers = cfg.workers;
  popts.queue_capacity = cfg.queue_capacity;
  popts.crawler_version = std::string("adwatch ") + ADWATCH_VERSION;
  popts.cause = cause;
  if (fetcher == nullptr) {
    auto f = crawler::NewCurlFetcher(cfg.fetcher);
    if (!f) return f.error();
    r.owned_fetcher = std::move(f.value());
    fetcher = r.owned_fetcher.get();
  }
  // Images need the store to keep them as evidence: a Redis worker (no store) does not read them.
  if (store && cfg.images.enabled && cfg.images.max_per_ad > 0) {
    // 3b: ad images through the same fetcher, with robots.txt, a per-host delay and the address
    // guard; OCR on a pool of its own, bounded by images.max_concurrent.
    auto reader = MakeImageReader(cfg.images, *fetcher, cfg.crawler.default_host_delay_ms, *store);
    if (!reader) return reader.error();
    r.images = std::move(*reader);
    popts.images = r.images.stage.get();
  }
  if (frontier) {
    r.encoder = std::make_unique<ResultEncoder>(*frontier);
    r.pipeline =
        std::make_unique<Pipeline>(popts, *r.extractor, classifier, *r.encoder, setup.on_page);
    r.crawler =
        std::make_unique<crawler::Crawler>(cfg.crawler, *fetcher, *frontier, *r.pipeline, r.clock);
  } else {
    r.pipeline = std::make_unique<Pipeline>(popts, *r.extractor, classifier, *store, setup.on_page);
    if (setup.submission.empty())
      r.maintenance = std::make_unique<Maintenance>(*store, cfg);  // not for `check`
    r.crawler =
        std::make_unique<crawler::Crawler>(cfg.crawler, *fetcher, *store, *r.pipeline, r.clock);
  }
  if (!setup.submission.empty()) {
    crawler::SourceConfig s;
    s.name = "submission";
    s.any_host = true;
    s.external = true;
    s.max_depth = 0;
    ADWATCH_RETURN_IF_ERROR(r.crawler->Submit({setup.submission}, s));
  }
  return run;
}

Result<crawler::CrawlStats> CrawlRun::Run(
    const std::function<void(const crawler::CrawlStats&)>& progress) {
  return rep_->crawler->Run(progress);
}

void CrawlRun::Stop() { rep_->crawler->Stop(); }

namespace {

// Creates the run with the stop signals blocked (threads start in `create`, and only the
// stopper may see them), then runs it.
Result<crawler::CrawlStats> RunWithSignals(
    const std::function<Result<std::unique_ptr<CrawlRun>>()>& create,
    const std::function<void(const crawler::CrawlStats&)>& progress) {
  Result<std::unique_ptr<CrawlRun>> run = Status::Internal("not created");
  {
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    run = create();
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }
  if (!run) return run.error();
  SignalStopper stopper(**run);
  return (*run)->Run(progress);
}

}  // namespace

Result<crawler::CrawlStats> RunCrawlWithSignals(
    const CrawlSetup& setup, const classifier::Classifier& classifier, storage::Store& store,
    const std::string& cause, const std::function<void(const crawler::CrawlStats&)>& progress) {
  return RunWithSignals([&] { return CrawlRun::Create(setup, classifier, store, cause); },
                        progress);
}

Result<crawler::CrawlStats> RunWorkerWithSignals(
    const CrawlSetup& setup, const classifier::Classifier& classifier,
    frontier_redis::RedisFrontier& frontier,
    const std::function<void(const crawler::CrawlStats&)>& progress) {
  return RunWithSignals([&] { return CrawlRun::CreateWorker(setup, classifier, frontier); },
                        progress);
}

}  // namespace adwatch::app
