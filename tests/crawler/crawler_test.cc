// The crawl loop on a fake network and a manual clock: politeness, Retry-After, retries, robots.txt
// deferral, sitemaps, page limits, resuming, submissions during a run, and frontier errors —
// checked on the clock times of every request, with no socket and no real waiting. The same
// behaviour against a real server is in crawl_test.cc.
#include "adwatch/crawler/crawler.h"

#include <catch2/catch.hpp>
#include <thread>

#include "adwatch/crawler/local_frontier.h"
#include "adwatch/crawler/url.h"
#include "support/fake_fetcher.h"
#include "support/link_sink.h"
#include "support/manual_clock.h"
#include "support/temp_dir.h"

using namespace adwatch;
using namespace adwatch::crawler;
using adwatch::testing::FakeFetcher;
using adwatch::testing::FakeRequest;
using adwatch::testing::FakeResponse;
using adwatch::testing::LinkSink;
using adwatch::testing::ManualClock;

namespace {

struct Sim {
  adwatch::testing::TempDir dir;
  ManualClock clock;
  std::unique_ptr<storage::Store> store;
  FakeFetcher fetcher{clock};
  LinkSink sink;

  Sim() {
    storage::StoreOptions so;
    so.path = dir / "db";
    so.sync = storage::SyncPolicy::kInterval;
    auto s = storage::Store::Open(so, clock);
    REQUIRE(s.has_value());
    store = std::move(s.value());
  }

  Result<CrawlStats> Run(const CrawlerOptions& o) {
    Crawler crawler(o, fetcher, *store, sink, clock, &fetcher);
    return crawler.Run();
  }
  CrawlStats Crawl(const CrawlerOptions& o) {
    auto stats = Run(o);
    INFO((stats ? std::string("ok") : stats.error().ToString()));
    REQUIRE(stats.has_value());
    return *stats;
  }

  UrlRecord Outcome(const std::string& url) {
    LocalFrontier f(*store, clock);
    auto r = f.Lookup(url);
    INFO(url);
    REQUIRE(r.has_value());
    return *r;
  }
  int64_t Queued() {
    LocalFrontier f(*store, clock);
    REQUIRE(f.Open().ok());
    return f.Counts().queued;
  }
};

CrawlerOptions Site(const std::string& start = "http://a.test/") {
  CrawlerOptions o;
  SourceConfig s;
  s.name = "test";
  s.start_urls = {start};
  o.sources = {s};
  o.default_host_delay_ms = 0;
  return o;
}

std::string Links(const std::string& prefix, int from, int to) {
  std::string html = "<html><body>";
  for (int i = from; i < to; ++i) html += "<a href=\"" + prefix + std::to_string(i) + "\">x</a> ";
  return html + "</body></html>";
}

// Requests to one host, in the order made.
std::vector<FakeRequest> ToHost(const FakeFetcher& f, const std::string& host) {
  std::vector<FakeRequest> out;
  for (const FakeRequest& r : f.Requests()) {
    if (r.host == host) out.push_back(r);
  }
  return out;
}

}  // namespace

TEST_CASE("Politeness on the clock: one request at a time, each a delay after the last ended",
          "[crawler][loop]") {
  Sim sim;
  sim.fetcher.Set("http://a.test/robots.txt",
                  FakeResponse::Text("User-agent: *\n").WithLatency(100));
  sim.fetcher.Set("http://a.test/", FakeResponse::Html(Links("/p", 0, 5)).WithLatency(250));
  for (int i = 0; i < 5; ++i) {
    sim.fetcher.Set("http://a.test/p" + std::to_string(i),
                    FakeResponse::Html("page").WithLatency(250));
  }
  CrawlerOptions o = Site();
  o.default_host_delay_ms = 1000;
  const CrawlStats stats = sim.Crawl(o);
  CHECK(stats.done);
  CHECK(stats.pages == 6);
  const auto log = sim.fetcher.Requests();
  REQUIRE(log.size() == 7);  // robots.txt, the index, 5 pages
  CHECK(log[0].url == "http://a.test/robots.txt");
  for (size_t i = 1; i < log.size(); ++i) {
    INFO(log[i - 1].url << " → " << log[i].url);
    CHECK(log[i].host_in_flight == 1);
    // Exactly the delay: the crawler neither hurries nor dawdles.
    CHECK(log[i].started_ms - log[i - 1].ended_ms == 1000);
  }
}

TEST_CASE("A host's connections are all used, and never more", "[crawler][loop]") {
  Sim sim;
  sim.fetcher.Set("http://a.test/", FakeResponse::Html(Links("/p", 0, 12)));
  for (int i = 0; i < 12; ++i) {
    sim.fetcher.Set("http://a.test/p" + std::to_string(i),
                    FakeResponse::Html("p").WithLatency(100));
  }
  CrawlerOptions o = Site();
  o.default_host_connections = 3;
  CHECK(sim.Crawl(o).pages == 13);
  int most = 0;
  for (const FakeRequest& r : sim.fetcher.Requests()) most = std::max(most, r.host_in_flight);
  CHECK(most == 3);
}

TEST_CASE("Crawl-delay from robots.txt raises the host's delay", "[crawler][loop]") {
  Sim sim;
  sim.fetcher.Set("http://a.test/robots.txt",
                  FakeResponse::Text("User-agent: *\nCrawl-delay: 7\n"));
  sim.fetcher.Set("http://a.test/", FakeResponse::Html(Links("/p", 0, 3)));
  for (int i = 0; i < 3; ++i)
    sim.fetcher.Set("http://a.test/p" + std::to_string(i), FakeResponse::Html("p"));
  sim.Crawl(Site());
  const auto log = sim.fetcher.Requests();
  REQUIRE(log.size() == 5);
  for (size_t i = 1; i < log.size(); ++i) CHECK(log[i].started_ms - log[i - 1].ended_ms == 7000);
}

TEST_CASE("Retry-After holds the whole host that long, then the page is fetched",
          "[crawler][loop]") {
  Sim sim;
  sim.fetcher.Set("http://a.test/",
                  FakeResponse::Html("<a href=\"/busy\">b</a><a href=\"/other\">o</a>"));
  sim.fetcher.SetSequence("http://a.test/busy", {FakeResponse::Status(429).WithRetryAfter(120),
                                                 FakeResponse::Html("ok")});
  sim.fetcher.Set("http://a.test/other", FakeResponse::Html("other"));
  const CrawlStats stats = sim.Crawl(Site());
  const auto busy = sim.fetcher.RequestsTo("http://a.test/busy");
  REQUIRE(busy.size() == 2);
  CHECK(busy[0].status == 429);
  CHECK(busy[1].status == 200);
  CHECK(busy[1].started_ms - busy[0].ended_ms >= 120'000);
  // The hold is the host's, not only the URL's.
  const auto other = sim.fetcher.RequestsTo("http://a.test/other");
  REQUIRE(other.size() == 1);
  CHECK(other[0].started_ms >= busy[0].ended_ms + 120'000);
  CHECK(stats.retries == 1);
  CHECK(sim.Outcome("http://a.test/busy").outcome == Outcome::kFetched);
  CHECK(sim.Outcome("http://a.test/busy").attempts == 2);
}

TEST_CASE("Transient failures are retried with doubling backoff, a 404 is final",
          "[crawler][loop]") {
  Sim sim;
  sim.fetcher.Set(
      "http://a.test/",
      FakeResponse::Html("<a href=\"/down\">d</a><a href=\"/gone\">g</a><a href=\"/flaky\">f</a>"));
  sim.fetcher.Set("http://a.test/down", FakeResponse::Status(503));
  sim.fetcher.Set("http://a.test/gone", FakeResponse::Status(404));
  sim.fetcher.SetSequence(
      "http://a.test/flaky",
      {FakeResponse::Failure(FetchError::kConnect, "connection refused"),
       FakeResponse::Failure(FetchError::kTimeout, "timed out"), FakeResponse::Html("ok")});
  CrawlerOptions o = Site();
  o.max_retries = 2;
  o.retry_base_ms = 10'000;
  o.max_host_backoff_ms = 0;  // only the retry backoff spaces the attempts here
  const CrawlStats stats = sim.Crawl(o);
  const auto down = sim.fetcher.RequestsTo("http://a.test/down");
  REQUIRE(down.size() == 3);
  for (size_t i = 1; i < down.size(); ++i) {
    const int64_t gap = down[i].started_ms - down[i - 1].ended_ms;
    const int64_t base = 10'000LL << (i - 1);
    CHECK(gap >= base);
    CHECK(gap <= base + base / 4);
  }
  CHECK(sim.fetcher.RequestsTo("http://a.test/gone").size() == 1);
  CHECK(sim.fetcher.RequestsTo("http://a.test/flaky").size() == 3);
  const UrlRecord d = sim.Outcome("http://a.test/down");
  CHECK(d.outcome == Outcome::kFailed);
  CHECK(d.reason == "HTTP 503 after 3 attempt(s)");
  CHECK(sim.Outcome("http://a.test/gone").reason == "HTTP 404");
  CHECK(sim.Outcome("http://a.test/flaky").outcome == Outcome::kFetched);
  CHECK(stats.retries == 4);
  CHECK(stats.errors.at("connect") == 1);
  CHECK(stats.errors.at("http_503") == 3);
}

TEST_CASE("A host that keeps failing slows down exponentially, and recovers", "[crawler][loop]") {
  Sim sim;
  sim.fetcher.Set("http://a.test/",
                  FakeResponse::Html(Links("/e", 0, 3) + "<a href=\"/ok\">ok</a>"));
  for (int i = 0; i < 3; ++i)
    sim.fetcher.Set("http://a.test/e" + std::to_string(i), FakeResponse::Status(500));
  sim.fetcher.Set("http://a.test/ok", FakeResponse::Html("fine"));
  sim.fetcher.Set("http://a.test/after", FakeResponse::Html("after"));
  CrawlerOptions o = Site();
  o.max_retries = 0;
  o.max_host_backoff_ms = 6000;
  sim.Crawl(o);
  std::vector<std::string> order;
  std::vector<int64_t> gaps;
  const auto log = sim.fetcher.Requests();
  for (size_t i = 2; i < log.size(); ++i) {
    order.push_back(log[i].url);
    gaps.push_back(log[i].started_ms - log[i - 1].ended_ms);
  }
  CHECK(order == std::vector<std::string>{"http://a.test/e0", "http://a.test/e1",
                                          "http://a.test/e2", "http://a.test/ok"});
  // After 1, 2, 3 failures: 2 s, 4 s, then capped at 6 s.
  CHECK(gaps == std::vector<int64_t>{0, 2000, 4000, 6000});
}

TEST_CASE("An unreachable robots.txt defers its host with growing waits, then fails its URLs",
          "[crawler][loop]") {
  Sim sim;
  sim.fetcher.Set("http://a.test/robots.txt", FakeResponse::Status(503));
  sim.fetcher.Set("http://a.test/", FakeResponse::Html("never fetched"));
  sim.fetcher.Set("http://b.test/", FakeResponse::Html("the other host goes on"));
  CrawlerOptions o = Site();
  SourceConfig b = o.sources[0];
  b.name = "b";
  b.start_urls = {"http://b.test/"};
  o.sources.push_back(b);
  o.max_retries = 2;
  const CrawlStats stats = sim.Crawl(o);
  const auto robots = sim.fetcher.RequestsTo("http://a.test/robots.txt");
  REQUIRE(robots.size() == 3);
  CHECK(robots[1].started_ms - robots[0].ended_ms == 5000);
  CHECK(robots[2].started_ms - robots[1].ended_ms == 10'000);
  CHECK(sim.fetcher.RequestsTo("http://a.test/").empty());
  const UrlRecord a = sim.Outcome("http://a.test/");
  CHECK(a.outcome == Outcome::kFailed);
  CHECK(a.reason == "robots.txt unreachable (HTTP 503)");
  CHECK(sim.Outcome("http://b.test/").outcome == Outcome::kFetched);
  CHECK(stats.errors.at("robots_unreachable") == 3);
  CHECK(stats.done);
}

TEST_CASE("One slow host never holds up another", "[crawler][loop]") {
  Sim sim;
  sim.fetcher.Set("http://slow.test/", FakeResponse::Html(Links("/p", 0, 3)).WithLatency(10'000));
  for (int i = 0; i < 3; ++i) {
    sim.fetcher.Set("http://slow.test/p" + std::to_string(i),
                    FakeResponse::Html("s").WithLatency(10'000));
  }
  sim.fetcher.Set("http://fast.test/", FakeResponse::Html(Links("/p", 0, 10)).WithLatency(10));
  for (int i = 0; i < 10; ++i) {
    sim.fetcher.Set("http://fast.test/p" + std::to_string(i),
                    FakeResponse::Html("f").WithLatency(10));
  }
  CrawlerOptions o;
  o.sources = {SourceConfig{.name = "slow", .start_urls = {"http://slow.test/"}},
               SourceConfig{.name = "fast", .start_urls = {"http://fast.test/"}}};
  o.default_host_delay_ms = 0;
  sim.Crawl(o);
  const auto fast = ToHost(sim.fetcher, "fast.test:80");
  const auto slow = ToHost(sim.fetcher, "slow.test:80");
  REQUIRE(fast.size() == 12);
  REQUIRE(slow.size() == 5);
  // The fast host was done before the slow one had answered its first page.
  CHECK(fast.back().ended_ms < slow[1].ended_ms);
}

TEST_CASE("Sitemaps in robots.txt are fetched one at a time, politely, up to the cap",
          "[crawler][loop]") {
  Sim sim;
  sim.fetcher.Set(
      "http://a.test/robots.txt",
      FakeResponse::Text("User-agent: *\nSitemap: /index.xml\nSitemap: http://b.test/s.xml\n"));
  sim.fetcher.Set("http://a.test/index.xml",
                  FakeResponse::Text("<sitemapindex><sitemap><loc>/s1.xml</loc></sitemap>"
                                     "<sitemap><loc>/s2.xml</loc></sitemap></sitemapindex>"));
  sim.fetcher.Set("http://a.test/s1.xml",
                  FakeResponse::Text("<urlset><url><loc>/from-sitemap</loc></url>"
                                     "<url><loc>http://elsewhere.test/x</loc></url></urlset>"));
  sim.fetcher.Set("http://a.test/", FakeResponse::Html("home"));
  sim.fetcher.Set("http://a.test/from-sitemap", FakeResponse::Html("listed"));
  CrawlerOptions o = Site();
  o.default_host_delay_ms = 500;
  o.max_sitemaps_per_host = 2;  // the index and s1; s2 is over the cap
  sim.Crawl(o);
  std::vector<std::string> order;
  const auto log = sim.fetcher.Requests();
  for (const FakeRequest& r : log) order.push_back(r.url);
  CHECK(order == std::vector<std::string>{"http://a.test/robots.txt", "http://a.test/index.xml",
                                          "http://a.test/s1.xml", "http://a.test/",
                                          "http://a.test/from-sitemap"});
  for (size_t i = 1; i < log.size(); ++i) {
    CHECK(log[i].host_in_flight == 1);
    CHECK(log[i].started_ms - log[i - 1].ended_ms >= 500);
  }
  CHECK(sim.Outcome("http://a.test/from-sitemap").depth == 1);
}

TEST_CASE("A source's page limit leaves the rest queued for the next run", "[crawler][loop]") {
  Sim sim;
  sim.fetcher.Set("http://a.test/", FakeResponse::Html(Links("/p", 0, 6)));
  for (int i = 0; i < 6; ++i)
    sim.fetcher.Set("http://a.test/p" + std::to_string(i), FakeResponse::Html("p"));
  CrawlerOptions o = Site();
  o.sources[0].max_pages = 3;
  CrawlStats first = sim.Crawl(o);
  CHECK(first.pages == 3);
  CHECK(first.limit_reached);
  CHECK_FALSE(first.done);
  CHECK(sim.Queued() == 4);
  CrawlStats second = sim.Crawl(o);
  CHECK(second.pages == 3);
  CrawlStats third = sim.Crawl(o);
  CHECK(third.pages == 1);
  CHECK(third.done);
  CHECK(sim.Queued() == 0);
}

TEST_CASE("A crawl stopped mid-way resumes where it stopped, losing no URL", "[crawler][loop]") {
  Sim sim;
  constexpr int kPages = 20;
  sim.fetcher.Set("http://a.test/", FakeResponse::Html(Links("/p", 0, kPages)));
  for (int i = 0; i < kPages; ++i) {
    // Every third page never answers in the first run: it is in flight when the crawl stops.
    sim.fetcher.Set("http://a.test/p" + std::to_string(i),
                    FakeResponse::Html("p").WithLatency(i % 3 == 0 ? FakeResponse::kNever : 100));
  }
  CrawlerOptions o = Site();
  o.default_host_connections = 4;
  o.stop_grace_ms = 0;
  {
    Crawler crawler(o, sim.fetcher, *sim.store, sim.sink, sim.clock, &sim.fetcher);
    sim.fetcher.OnRequest([&](const FakeRequest& r) {
      if (r.url == "http://a.test/p9") crawler.Stop();
    });
    auto stats = crawler.Run();
    REQUIRE(stats.has_value());
    CHECK_FALSE(stats->done);
    sim.fetcher.OnRequest({});
  }
  const size_t before = sim.fetcher.Requests().size();
  const size_t finished = sim.sink.pages.size();  // the index and the pages that answered
  CHECK(sim.fetcher.InFlight() > 0);
  CHECK(sim.Queued() > 0);
  for (int i = 0; i < kPages; ++i)
    sim.fetcher.Set("http://a.test/p" + std::to_string(i), FakeResponse::Html("p"));
  const CrawlStats resumed = sim.Crawl(o);
  CHECK(resumed.done);
  CHECK(sim.Queued() == 0);
  for (int i = 0; i < kPages; ++i) {
    const std::string url = "http://a.test/p" + std::to_string(i);
    CHECK(sim.Outcome(url).outcome == Outcome::kFetched);
    CHECK_FALSE(sim.fetcher.RequestsTo(url).empty());
  }
  // Exactly the pages that were not finished are fetched again (robots.txt stayed cached).
  CHECK(finished < kPages + 1);
  CHECK(resumed.pages == static_cast<int64_t>(kPages + 1 - finished));
  CHECK(sim.fetcher.Requests().size() - before == kPages + 1 - finished);
}

TEST_CASE("URLs submitted while the crawl runs are fetched in that run", "[crawler][loop]") {
  Sim sim;
  sim.fetcher.Set("http://a.test/", FakeResponse::Html("home"));
  sim.fetcher.Set("http://b.test/submitted", FakeResponse::Html("a page from outside"));
  CrawlerOptions o = Site();
  o.follow = true;  // keeps running when the start page is done, as `adwatch serve` does
  Crawler crawler(o, sim.fetcher, *sim.store, sim.sink, sim.clock, &sim.fetcher);
  Result<CrawlStats> stats = Status::Internal("not run");
  std::thread run([&] { stats = crawler.Run(); });
  REQUIRE(
      sim.fetcher.WaitForRequests(2, std::chrono::seconds(30)));  // robots.txt and the home page
  SourceConfig outside{.name = "submission", .any_host = true, .max_depth = 0, .external = true};
  CHECK(crawler.Submit({"not a url"}, outside).IsInvalidArgument());
  REQUIRE(crawler.Submit({"http://b.test/submitted"}, outside).ok());
  const bool fetched = sim.fetcher.WaitForRequests(4, std::chrono::seconds(30));
  crawler.Stop();
  run.join();
  REQUIRE(fetched);
  REQUIRE(stats.has_value());
  const auto submitted = sim.fetcher.RequestsTo("http://b.test/submitted");
  REQUIRE(submitted.size() == 1);
  CHECK(submitted[0].request.guard_addresses);
  CHECK(submitted[0].request.task.priority == FetchPriority::kSubmission);
  CHECK(sim.Outcome("http://b.test/submitted").outcome == Outcome::kFetched);
}

TEST_CASE("A stored record that does not decode stops the crawl with a clear error",
          "[crawler][loop]") {
  Sim sim;
  sim.fetcher.Set("http://a.test/", FakeResponse::Html(Links("/p", 0, 3)));
  SECTION("a queued task") {
    {
      LocalFrontier f(*sim.store, sim.clock);
      REQUIRE(f.Open().ok());
      FetchTask t;
      t.url = "http://a.test/queued";
      t.source = "test";
      REQUIRE(f.Add({t}, AddMode::kIfNew).has_value());
    }
    std::string key;
    REQUIRE(sim.store
                ->Scan(storage::Table::kFrontier, "q|a.test:80|",
                       [&](std::string_view k, std::string_view) {
                         key = std::string(k);
                         return false;
                       })
                .ok());
    storage::TableBatch b;
    b.Put(storage::Table::kFrontier, key, R"({"url":"http://a.test/queued","attempt":"twice"})");
    REQUIRE(sim.store->Apply(b).ok());
    auto stats = sim.Run(Site());
    REQUIRE_FALSE(stats.has_value());
    CHECK(stats.error().code() == Status::Code::kCorruption);
    CHECK_THAT(stats.error().message(), Catch::StartsWith("frontier: task q|a.test:80|"));
  }
  SECTION("a cached robots.txt") {
    storage::TableBatch b;
    b.Put(storage::Table::kHosts, "a.test:80", R"({"robots":["not","text"]})");
    REQUIRE(sim.store->Apply(b).ok());
    auto stats = sim.Run(Site());
    REQUIRE_FALSE(stats.has_value());
    CHECK_THAT(stats.error().message(), Catch::StartsWith("frontier: hosts record of a.test:80") &&
                                            Catch::Contains("\"robots\""));
    CHECK(sim.fetcher.Requests().empty());
  }
}
