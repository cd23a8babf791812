// The cost of matching at ingest: synthetic crawl pages (bench/storage/synthetic.h, about 3.5 ads
// each, with phone and Telegram contacts that recur) written through Store::Write with the watch
// matcher installed, with no entries and with 10,000 of mixed kinds (4,000 phones, 2,000 Telegram
// handles, 2,000 e-mails, 1,950 domains, 50 keywords). Some entries match: alerts are written in
// the ads' batches as in production. The ratio of the two ads/s figures is the cost.
//
//   build/bench/watch/watch_bench
#include <benchmark/benchmark.h>

#include <memory>

#include "adwatch/common/clock.h"
#include "adwatch/storage/store.h"
#include "adwatch/watch/entry.h"
#include "adwatch/watch/matcher.h"
#include "support/temp_dir.h"
#include "synthetic.h"

namespace adwatch::watch::bench {
namespace {

using storage::bench::SyntheticPage;
using testing::TempDir;

const SystemClock& Clock() {
  static const SystemClock kClock;
  return kClock;
}

void Die(const Status& s) {
  std::fprintf(stderr, "%s\n", s.ToString().c_str());
  std::abort();
}

void AddEntries(storage::Store& store, int count) {
  const char* kKeywords[] = {"gaji\\s+\\d+\\s+juta", "kerja\\s+di\\s+kamboja", "operator\\s+judi",
                             "tanpa\\s+pengalaman",  "tiket\\s+gratis",        "paspor\\s+diurus"};
  for (int i = 0; i < count; ++i) {
    EntrySpec spec{.org = "org-" + std::to_string(i % 7), .note = "bench"};
    const int k = i % 200;
    if (k < 1) {  // 50 keywords in 10,000
      spec.kind = WatchKind::kKeyword;
      spec.typed = std::string(kKeywords[i % 6]) + "\\s+x" + std::to_string(i);
    } else if (k < 81) {
      spec.kind = WatchKind::kPhone;
      spec.typed = "+62812" + std::to_string(1000000 + i * 37 % 900000);
    } else if (k < 121) {
      spec.kind = WatchKind::kTelegram;
      spec.typed = "@hrd_" + std::to_string(i);
    } else if (k < 161) {
      spec.kind = WatchKind::kEmail;
      spec.typed = "hr" + std::to_string(i) + "@kerja.example";
    } else {
      spec.kind = WatchKind::kDomain;
      spec.typed = "loker" + std::to_string(i) + ".example";
    }
    auto e = NewEntry(spec, Clock().NowMs());
    if (!e) Die(e.error());
    if (Status s = store.PutWatchEntry(*e); !s.ok()) Die(s);
  }
}

// Arg: number of watch entries. One WriteBatch per page, WAL fsync every second (the crawl's
// ingest setting when throughput matters).
void BM_IngestWithWatch(benchmark::State& state) {
  TempDir dir;
  storage::StoreOptions o;
  o.path = dir / "db";
  o.sync = storage::SyncPolicy::kInterval;
  o.retention_days = 0;
  auto opened = storage::Store::Open(o, Clock());
  if (!opened) Die(opened.error());
  std::unique_ptr<storage::Store> store = std::move(*opened);
  AddEntries(*store, static_cast<int>(state.range(0)));
  auto matcher = std::make_shared<Matcher>(*store, Clock(), MatcherOptions{});
  if (Status s = matcher->Reload(); !s.ok()) Die(s);
  store->SetAdWriteObserver(matcher);
  std::vector<storage::PageWrite> chunk;
  size_t next = 0;
  uint64_t n = 0;
  int64_t ads = 0;
  for (auto _ : state) {
    if (next == chunk.size()) {
      state.PauseTiming();
      chunk.clear();
      for (int i = 0; i < 256; ++i) chunk.push_back(SyntheticPage(n++));
      next = 0;
      state.ResumeTiming();
    }
    const storage::PageWrite& page = chunk[next++];
    auto r = store->Write(page);
    if (!r) {
      state.SkipWithError(r.error().ToString().c_str());
      break;
    }
    ads += static_cast<int64_t>(page.ads.size());
  }
  int64_t alerts = 0;
  for (int org = 0; org < 7; ++org) {
    auto rows = store->ListAlerts("org-" + std::to_string(org), 0, 0);
    if (rows) alerts += static_cast<int64_t>(rows->size());
  }
  state.counters["ads/s"] =
      benchmark::Counter(static_cast<double>(ads), benchmark::Counter::kIsRate);
  state.counters["alerts"] = static_cast<double>(alerts);
  state.counters["entries"] = static_cast<double>(matcher->entry_count());
  state.SetLabel("pages/s");
}
BENCHMARK(BM_IngestWithWatch)
    ->Arg(0)
    ->Arg(10000)
    ->Iterations(4000)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace
}  // namespace adwatch::watch::bench

BENCHMARK_MAIN();
