// The figures of the storage issue: ingest rate (pages with their ads and verdicts per second),
// review-queue latency on a day holding 100,000 ads, and bytes on disk per page and per ad. Every
// database lives in a fresh folder under /tmp (TMPDIR) and is deleted afterwards.
//
//   build-storage/bench/storage/storage_bench
//   build-storage/bench/storage/storage_bench --benchmark_filter=Queue
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <random>

#include "adwatch/common/clock.h"
#include "adwatch/storage/ids.h"
#include "adwatch/storage/store.h"
#include "synthetic.h"

namespace adwatch::storage::bench {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "adwatch-bench-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

uint64_t DirBytes(const std::string& path) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(path, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

const SystemClock& Clock() {
  static const SystemClock kClock;
  return kClock;
}

std::unique_ptr<Store> OpenStore(const std::string& path, SyncPolicy sync) {
  StoreOptions o;
  o.path = path;
  o.sync = sync;
  o.retention_days = 0;
  auto s = Store::Open(o, Clock());
  if (!s) {
    std::fprintf(stderr, "open: %s\n", s.error().ToString().c_str());
    std::abort();
  }
  return std::move(*s);
}

// --- Ingest --------------------------------------------------------------------------------

// Arg 0: sync policy (0 = fsync every page, 1 = fsync every second). One WriteBatch per page.
void BM_Ingest(benchmark::State& state) {
  const auto sync = state.range(0) == 0 ? SyncPolicy::kEveryBatch : SyncPolicy::kInterval;
  TempDir dir;
  auto store = OpenStore(dir.path() + "/db", sync);
  std::vector<PageWrite> chunk;
  size_t next = 0;
  uint64_t n = 0;
  int64_t ads = 0, body_bytes = 0;
  for (auto _ : state) {
    if (next == chunk.size()) {
      state.PauseTiming();
      chunk.clear();
      for (int i = 0; i < 256; ++i) chunk.push_back(SyntheticPage(n++));
      next = 0;
      state.ResumeTiming();
    }
    const PageWrite& page = chunk[next++];
    auto r = store->Write(page);
    if (!r) {
      state.SkipWithError(r.error().ToString().c_str());
      break;
    }
    ads += static_cast<int64_t>(page.ads.size());
    body_bytes += static_cast<int64_t>(page.page->body.size());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(body_bytes);
  state.counters["ads/s"] =
      benchmark::Counter(static_cast<double>(ads), benchmark::Counter::kIsRate);
  state.SetLabel(sync == SyncPolicy::kEveryBatch ? "pages/s, fsync per page"
                                                 : "pages/s, fsync every 1 s");
}
BENCHMARK(BM_Ingest)
    ->Arg(0)
    ->Arg(1)
    ->Iterations(8000)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// --- Bytes on disk -------------------------------------------------------------------------

// Stores 10,000 synthetic pages (about 3.5 ads each), flushes and compacts, then reports the
// compressed bytes of the page tables per page and of the ad tables per ad.
void BM_BytesOnDisk(benchmark::State& state) {
  constexpr uint64_t kPages = 10000;
  for (auto _ : state) {
    TempDir dir;
    auto store = OpenStore(dir.path() + "/db", SyncPolicy::kInterval);
    double raw_body = 0, ads = 0;
    for (uint64_t n = 0; n < kPages; ++n) {
      const PageWrite p = SyntheticPage(1'000'000 + n);
      raw_body += static_cast<double>(p.page->body.size());
      ads += static_cast<double>(p.ads.size());
      if (!store->Write(p)) state.SkipWithError("write failed");
    }
    if (!store->Flush().ok() || !store->CompactAll().ok()) state.SkipWithError("compact failed");
    double page_bytes = 0, ad_bytes = 0, body_bytes = 0;
    for (const auto& t : store->Stats()) {
      const auto b = static_cast<double>(t.sst_bytes);
      if (t.name == "pages" || t.name == "bodies" || t.name == "by_fetch") page_bytes += b;
      if (t.name == "bodies") body_bytes += b;
      if (t.name == "ads" || t.name == "verdicts" || t.name == "by_day" || t.name == "by_region" ||
          t.name == "contacts" || t.name == "texts") {
        ad_bytes += b;
      }
      state.counters["sst_" + t.name] = b;
    }
    state.counters["bytes/page"] = page_bytes / kPages;
    state.counters["raw_body/page"] = raw_body / kPages;
    state.counters["body_ratio"] = raw_body / body_bytes;
    state.counters["bytes/ad"] = ad_bytes / ads;
    state.counters["ads/page"] = ads / kPages;
    state.counters["dir_bytes/page"] = static_cast<double>(DirBytes(dir.path())) / kPages;
  }
}
BENCHMARK(BM_BytesOnDisk)->Iterations(1)->Unit(benchmark::kSecond);

// --- Review queue on a day with 100,000 ads --------------------------------------------------

class QueueDay {
 public:
  static QueueDay& Get() {
    static QueueDay q;
    return q;
  }
  Store& store() { return *store_; }
  const std::vector<std::string>& ids() const { return ids_; }

 private:
  QueueDay() {
    store_ = OpenStore(dir_.path() + "/db", SyncPolicy::kInterval);
    SyntheticOptions o;
    o.min_ads = o.max_ads = 4;
    o.content_bytes = 2000;
    o.spread_ms = 10 * 3600 * 1000;  // all within 2026-11-22, Jakarta time
    const auto start = std::chrono::steady_clock::now();
    for (uint64_t n = 0; n < 25'000; ++n) {
      auto r = store_->Write(SyntheticPage(5'000'000 + n, o));
      if (!r) std::abort();
      for (const auto& a : r->ads) ids_.push_back(a.ad_id);
    }
    if (!store_->Flush().ok() || !store_->CompactAll().ok()) std::abort();
    std::fprintf(stderr, "queue fixture: %zu ads on 2026-11-22 stored in %.1f s\n", ids_.size(),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::vector<std::string> ids_;
};

// What `review list --min-level high` does: the top 50 of the day, each ad read for its line.
void BM_QueueTop50High(benchmark::State& state) {
  Store& store = QueueDay::Get().store();
  for (auto _ : state) {
    auto q = store.Queue({.from_day = "2026-11-22", .min_level = Level::kHigh, .limit = 50});
    if (!q || q->size() != 50) state.SkipWithError("queue");
    for (const auto& e : *q) benchmark::DoNotOptimize(store.GetAd(e.ad_id));
  }
  state.SetLabel("50 ads with records");
}
BENCHMARK(BM_QueueTop50High)->Unit(benchmark::kMillisecond)->UseRealTime();

// Every high ad of the day (about a third of 100,000), index only.
void BM_QueueAllHigh(benchmark::State& state) {
  Store& store = QueueDay::Get().store();
  size_t n = 0;
  for (auto _ : state) {
    auto q = store.Queue({.from_day = "2026-11-22", .min_level = Level::kHigh});
    if (!q) state.SkipWithError("queue");
    n = q->size();
  }
  state.SetLabel(std::to_string(n) + " entries");
}
BENCHMARK(BM_QueueAllHigh)->Unit(benchmark::kMillisecond)->UseRealTime();

// The whole day, every level, reposts included: the digest builder's scan.
void BM_QueueWholeDay(benchmark::State& state) {
  Store& store = QueueDay::Get().store();
  size_t n = 0;
  for (auto _ : state) {
    auto q = store.Queue({.from_day = "2026-11-22", .include_reposts = true});
    if (!q) state.SkipWithError("queue");
    n = q->size();
  }
  state.SetLabel(std::to_string(n) + " entries");
}
BENCHMARK(BM_QueueWholeDay)->Unit(benchmark::kMillisecond)->UseRealTime();

// A regional digest: top 50 high of one province on that day, with records.
void BM_QueueRegionTop50(benchmark::State& state) {
  Store& store = QueueDay::Get().store();
  for (auto _ : state) {
    auto q = store.Queue(
        {.from_day = "2026-11-22", .min_level = Level::kHigh, .region = "id.kepri", .limit = 50});
    if (!q || q->size() != 50) state.SkipWithError("queue");
    for (const auto& e : *q) benchmark::DoNotOptimize(store.GetAd(e.ad_id));
  }
}
BENCHMARK(BM_QueueRegionTop50)->Unit(benchmark::kMillisecond)->UseRealTime();

// `review show` reads: one ad, its history and the ads sharing its contacts.
void BM_ShowAd(benchmark::State& state) {
  Store& store = QueueDay::Get().store();
  const auto& ids = QueueDay::Get().ids();
  std::mt19937 rng(1);
  for (auto _ : state) {
    const std::string& id = ids[rng() % ids.size()];
    auto ad = store.GetAd(id);
    if (!ad) state.SkipWithError("get");
    benchmark::DoNotOptimize(store.VerdictHistory(id));
    for (const auto& c : ad->verdict.entities.contacts) {
      benchmark::DoNotOptimize(store.AdsWithContact(ContactTerm(c)));
    }
  }
}
BENCHMARK(BM_ShowAd)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
}  // namespace adwatch::storage::bench

BENCHMARK_MAIN();
