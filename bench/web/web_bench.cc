// Server time of the pages on a day holding 100,000 ads (25,000 synthetic pages of 4 ads each,
// bench/storage/synthetic.h): the review queue as a police user opens it, filtered to high, and
// one ad's page. Each iteration is one HandlePage call as `adwatch serve` makes it (session
// lookup, token re-check, the API call, rendering), without the socket. The database lives in a
// fresh folder under /tmp (TMPDIR) and is deleted afterwards.
//
//   build/bench/web/web_bench
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <regex>

#include "adwatch/api/api.h"
#include "adwatch/api/tokens.h"
#include "adwatch/storage/store.h"
#include "adwatch/web/web.h"
#include "storage/synthetic.h"

namespace {

using namespace adwatch;
using storage::bench::SyntheticOptions;
using storage::bench::SyntheticPage;

class FixedClock final : public Clock {
 public:
  int64_t NowMs() const override { return 1795323600000 + 12 * 3600 * 1000; }  // that evening
};

class NoQueue final : public api::SubmissionQueue {
 public:
  bool Enqueue(const Submission&) override { return true; }
};

class Day {
 public:
  static Day& Get() {
    static Day d;
    return d;
  }
  web::WebResponse Page(const std::string& target) {
    web::WebRequest r;
    r.method = "GET";
    r.target = target;
    r.cookie = cookie_;
    r.host = "127.0.0.1";
    r.peer_address = "127.0.0.1";
    return web::HandlePage(r, *web_);
  }
  const std::string& top_ad() const { return top_ad_; }

 private:
  Day() {
    char tmpl[] = "/tmp/adwatch-web-bench-XXXXXX";
    dir_ = mkdtemp(tmpl);
    storage::StoreOptions o;
    o.path = dir_ + "/db";
    o.sync = storage::SyncPolicy::kInterval;
    auto store = storage::Store::Open(o, clock_);
    if (!store) std::abort();
    store_ = std::move(*store);
    SyntheticOptions so;
    so.min_ads = so.max_ads = 4;
    so.content_bytes = 2000;
    so.spread_ms = 10 * 3600 * 1000;  // all within 2026-11-22, Jakarta time
    const auto start = std::chrono::steady_clock::now();
    for (uint64_t n = 0; n < 25'000; ++n) {
      if (!store_->Write(SyntheticPage(5'000'000 + n, so))) std::abort();
    }
    if (!store_->Flush().ok() || !store_->CompactAll().ok()) std::abort();
    std::fprintf(stderr, "fixture: 100,000 ads on 2026-11-22 stored in %.1f s\n",
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    options_.token_rate_per_s = 1e9;  // the benchmark is one user asking very often
    options_.token_burst = 1e9;
    audit_ = std::make_unique<api::AuditBuffer>(*store_);
    services_ = std::make_unique<api::Services>(
        api::Services{*store_, clock_, queue_, limits_, metrics_, *audit_, options_});
    sessions_ = std::make_unique<web::Sessions>(web_options_);
    web_ =
        std::make_unique<web::WebServices>(web::WebServices{*services_, *sessions_, web_options_});
    auto token = api::CreateToken(*store_, {"polda-bench", Role::kPolice, {}, "Bench", 0}, clock_);
    if (!token) std::abort();
    // Sign in as a browser does.
    auto login = Page("/login");
    std::smatch m;
    std::regex_search(login.body, m, std::regex("name=\"csrf\" value=\"([^\"]+)\""));
    const std::string nonce = m[1];
    web::WebRequest post;
    post.method = "POST";
    post.target = "/login";
    post.cookie = "adw_login=" + nonce;
    post.content_type = "application/x-www-form-urlencoded";
    post.body = "csrf=" + nonce + "&token=" + token->text;
    post.peer_address = "127.0.0.1";
    auto signed_in = web::HandlePage(post, *web_);
    for (const auto& [k, v] : signed_in.headers) {
      if (k == "Set-Cookie" && v.rfind("adw_session=", 0) == 0) cookie_ = v.substr(0, v.find(';'));
    }
    if (cookie_.empty()) std::abort();
    auto q = store_->Queue({.from_day = "2026-11-22", .min_level = Level::kHigh, .limit = 1});
    if (!q || q->empty()) std::abort();
    top_ad_ = (*q)[0].ad_id;
  }
  ~Day() {
    web_.reset();
    sessions_.reset();
    services_.reset();
    audit_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string dir_;
  FixedClock clock_;
  std::unique_ptr<storage::Store> store_;
  api::Metrics metrics_;
  api::Limits limits_;
  std::unique_ptr<api::AuditBuffer> audit_;
  api::ApiOptions options_;
  NoQueue queue_;
  std::unique_ptr<api::Services> services_;
  web::WebOptions web_options_;
  std::unique_ptr<web::Sessions> sessions_;
  std::unique_ptr<web::WebServices> web_;
  std::string cookie_;
  std::string top_ad_;
};

void Run(benchmark::State& state, const std::string& target) {
  Day& d = Day::Get();
  size_t bytes = 0;
  for (auto _ : state) {
    auto r = d.Page(target);
    if (r.status != 200) state.SkipWithError(("status " + std::to_string(r.status)).c_str());
    bytes = r.body.size();
  }
  state.SetLabel(std::to_string(bytes / 1024) + " KiB of HTML");
}

// The queue as the day's page opens: 50 rows of every level, highest risk first.
void BM_QueuePageDay(benchmark::State& state) { Run(state, "/review?day=2026-11-22"); }
BENCHMARK(BM_QueuePageDay)->Unit(benchmark::kMillisecond)->UseRealTime();

// Filtered to high and not yet reviewed, as the morning's work starts.
void BM_QueuePageHighUnreviewed(benchmark::State& state) {
  Run(state, "/review?day=2026-11-22&min_level=high&label=none");
}
BENCHMARK(BM_QueuePageHighUnreviewed)->Unit(benchmark::kMillisecond)->UseRealTime();

// The top ad's page (its neighbours in the queue, contacts, network, evidence, history).
void BM_AdPage(benchmark::State& state) {
  Run(state, "/review/ads/" + Day::Get().top_ad() + "?from=day%3D2026-11-22");
}
BENCHMARK(BM_AdPage)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
