// The crawler against a loopback test server: politeness measured from the server's own log,
// Retry-After, retries, outcomes, size caps, the address guard, redirects, revisits.
#include <sys/resource.h>

#include <catch2/catch.hpp>

#include "adwatch/crawler/crawler.h"
#include "adwatch/crawler/local_frontier.h"
#include "adwatch/crawler/url.h"
#include "support/link_sink.h"
#include "support/manual_clock.h"
#include "support/temp_dir.h"
#include "support/test_server.h"

using namespace adwatch;
using namespace adwatch::crawler;
using adwatch::testing::LinkSink;
using adwatch::testing::ManualClock;
using adwatch::testing::Route;
using adwatch::testing::TestServer;

namespace {

struct Harness {
  adwatch::testing::TempDir dir;
  SystemClock clock;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<Fetcher> fetcher;
  LinkSink sink;
  const Clock* crawl_clock = &clock;  // the crawler's; the store keeps the real one

  explicit Harness(FetcherOptions f = {}) {
    storage::StoreOptions so;
    so.path = dir / "db";
    so.sync = storage::SyncPolicy::kInterval;
    auto s = storage::Store::Open(so, clock);
    REQUIRE(s.has_value());
    store = std::move(s.value());
    f.max_host_connections = 16;
    auto fe = NewCurlFetcher(f);
    REQUIRE(fe.has_value());
    fetcher = std::move(fe.value());
  }

  CrawlStats Crawl(CrawlerOptions o) {
    if (o.retry_base_ms == 2000) o.retry_base_ms = 100;
    Crawler c(std::move(o), *fetcher, *store, sink, *crawl_clock);
    auto stats = c.Run();
    REQUIRE(stats.has_value());
    return *stats;
  }

  UrlRecord Outcome(const std::string& url) {
    LocalFrontier f(*store, clock);
    auto r = f.Lookup(*CanonicalUrl(url));
    REQUIRE(r.has_value());
    return *r;
  }
};

CrawlerOptions OneSite(const TestServer& s, const std::string& path = "/") {
  CrawlerOptions o;
  SourceConfig src;
  src.name = "test";
  src.start_urls = {s.Url(path)};
  o.sources = {src};
  o.default_host_delay_ms = 0;
  return o;
}

std::unique_ptr<TestServer> Server(const std::string& address = "127.0.0.1") {
  auto s = TestServer::Start({.address = address});
  REQUIRE(s.has_value());
  return std::move(s.value());
}

std::string Links(int from, int to) {
  std::string html = "<html><body>";
  for (int i = from; i < to; ++i) html += "<a href=\"/p" + std::to_string(i) + "\">p</a> ";
  return html + "</body></html>";
}

}  // namespace

TEST_CASE("The crawler never opens more than the allowed connections to a host", "[crawler]") {
  auto server = Server();
  server->Serve("/", Links(0, 30));
  for (int i = 0; i < 30; ++i)
    server->Set("/p" + std::to_string(i), Route::Html("page").WithDelay(30));
  Harness h;
  CrawlerOptions o = OneSite(*server);
  o.default_host_connections = 3;
  auto stats = h.Crawl(o);
  CHECK(stats.done);
  CHECK(stats.pages == 31);
  CHECK(server->max_requests_in_flight() <= 3);
  CHECK(server->max_requests_in_flight() >= 2);  // the cap is used, not just respected
}

TEST_CASE("Politeness: the delay between requests to a host is kept, measured by the server",
          "[crawler]") {
  auto server = Server();
  server->Serve("/", Links(0, 4));
  for (int i = 0; i < 4; ++i) server->Serve("/p" + std::to_string(i), "page");
  Harness h;
  CrawlerOptions o = OneSite(*server);
  o.default_host_delay_ms = 150;
  h.Crawl(o);
  const auto log = server->Log();
  REQUIRE(log.size() >= 6);  // robots.txt, index, 4 pages
  CHECK(server->max_requests_in_flight() <= 1);
  for (size_t i = 1; i < log.size(); ++i) {
    INFO(log[i - 1].target << " → " << log[i].target);
    CHECK(log[i].arrival_ms - log[i - 1].arrival_ms >= 140);
  }
}

TEST_CASE("Crawl-delay from robots.txt is honoured", "[crawler]") {
  auto server = Server();
  server->SetRobots("User-agent: *\nCrawl-delay: 0.2\n");
  server->Serve("/", Links(0, 3));
  for (int i = 0; i < 3; ++i) server->Serve("/p" + std::to_string(i), "page");
  Harness h;
  h.Crawl(OneSite(*server));
  const auto log = server->Log();
  for (size_t i = 2; i < log.size(); ++i) CHECK(log[i].arrival_ms - log[i - 1].arrival_ms >= 190);
}

TEST_CASE("429 with Retry-After is waited out, then the page is fetched", "[crawler]") {
  auto server = Server();
  server->Serve("/", "<a href=\"/busy\">b</a>");
  server->Set("/busy", Route::Html("finally").FailingFirst(1, 429, /*retry_after_seconds=*/1));
  Harness h;
  CrawlerOptions o = OneSite(*server);
  o.max_host_backoff_ms = 100;  // the slow-down after a failure, shorter than the Retry-After
  auto stats = h.Crawl(o);
  const auto busy = server->LogFor("/busy");
  REQUIRE(busy.size() == 2);
  CHECK(busy[0].status == 429);
  CHECK(busy[1].status == 200);
  CHECK(busy[1].arrival_ms - busy[0].arrival_ms >= 950);
  CHECK(h.Outcome(server->Url("/busy")).outcome == Outcome::kFetched);
  CHECK(stats.retries == 1);
}

TEST_CASE("Transient failures are retried a bounded number of times, others are not", "[crawler]") {
  auto server = Server();
  server->Serve("/", "<a href=\"/down\">d</a> <a href=\"/gone\">g</a> <a href=\"/flaky\">f</a>");
  server->Set("/down", Route::Error(503));
  server->Set("/gone", Route::Error(404));
  server->Set("/flaky", Route::Html("ok").ResettingFirst(2));
  Harness h;
  CrawlerOptions o = OneSite(*server);
  o.max_retries = 2;
  o.max_host_backoff_ms = 200;  // the slow-down of a failing host, kept short for the test
  h.Crawl(o);
  CHECK(server->Hits("/down") == 3);
  CHECK(server->Hits("/gone") == 1);
  CHECK(server->Hits("/flaky") == 3);
  auto down = h.Outcome(server->Url("/down"));
  CHECK(down.outcome == Outcome::kFailed);
  CHECK_THAT(down.reason, Catch::Contains("HTTP 503") && Catch::Contains("3 attempt"));
  CHECK(h.Outcome(server->Url("/gone")).reason == "HTTP 404");
  CHECK(h.Outcome(server->Url("/flaky")).outcome == Outcome::kFetched);
}

TEST_CASE("Every URL ends with an outcome: fetched, denied, redirected, too large, failed",
          "[crawler]") {
  auto server = Server();
  server->SetRobots("User-agent: *\nDisallow: /private/\n");
  server->Serve("/",
                "<a href=\"/ok\">1</a><a href=\"/private/x\">2</a><a href=\"/moved\">3</a>"
                "<a href=\"/huge\">4</a><a href=\"/bomb\">5</a><a href=\"/missing\">6</a>"
                "<a href=\"https://elsewhere.example/out\">7</a><a href=\"/loop-a\">8</a>");
  server->Serve("/ok", "fine");
  server->Set("/moved", Route::Redirect("/ok2", 301));
  server->Serve("/ok2", "moved here");
  server->Set("/huge", Route::Large(50ull << 20));
  server->Set("/bomb", Route::GzipBomb());
  server->SetRedirectLoop("/loop-a", "/loop-b");
  FetcherOptions f;
  f.max_body_bytes = 2 << 20;
  Harness h(f);
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  auto stats = h.Crawl(OneSite(*server));
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  CHECK(stats.done);
  CHECK(h.Outcome(server->Url("/ok")).outcome == Outcome::kFetched);
  CHECK(h.Outcome(server->Url("/private/x")).outcome == Outcome::kRobotsDenied);
  CHECK(server->Hits("/private/x") == 0);
  CHECK(h.Outcome(server->Url("/moved")).outcome == Outcome::kRedirected);
  CHECK(h.Outcome(server->Url("/ok2")).outcome == Outcome::kFetched);
  CHECK(h.Outcome(server->Url("/huge")).outcome == Outcome::kTooLarge);
  CHECK(h.Outcome(server->Url("/bomb")).outcome == Outcome::kTooLarge);
  CHECK(h.Outcome(server->Url("/missing")).outcome == Outcome::kFailed);
  CHECK(h.Outcome(server->Url("/loop-a")).outcome == Outcome::kRedirected);
  CHECK(h.Outcome(server->Url("/loop-b")).outcome == Outcome::kRedirected);
  CHECK(server->Hits("/loop-a") == 1);  // dedup ends the loop
  CHECK(stats.out_of_scope_links == 1);
  CHECK(h.Outcome("https://elsewhere.example/out").outcome == Outcome::kOutOfScope);
  CHECK(h.sink.max_body <= (2u << 20));
  // 50 MB and a 1 GB bomb did not pass through memory (ru_maxrss is in KiB).
  CHECK(after.ru_maxrss - before.ru_maxrss < 40 * 1024);
  LocalFrontier frontier(*h.store, h.clock);
  REQUIRE(frontier.Open().ok());
  CHECK(frontier.Counts().queued == 0);
}

TEST_CASE("One slow host never stalls the others", "[crawler]") {
  auto slow = Server("127.0.0.2");
  auto fast = Server("127.0.0.3");
  slow->Serve("/", Links(0, 3));
  for (int i = 0; i < 3; ++i)
    slow->Set("/p" + std::to_string(i), Route::Html("slow").WithDelay(400));
  fast->Serve("/", Links(0, 10));
  for (int i = 0; i < 10; ++i) fast->Serve("/p" + std::to_string(i), "fast");
  Harness h;
  CrawlerOptions o;
  o.sources = {SourceConfig{.name = "slow", .start_urls = {slow->Url("/")}},
               SourceConfig{.name = "fast", .start_urls = {fast->Url("/")}}};
  o.default_host_delay_ms = 0;
  h.Crawl(o);
  const auto fast_log = fast->Log();
  const auto slow_log = slow->Log();
  REQUIRE(fast_log.size() == 12);
  // The fast host was done before the slow one had answered its second page.
  CHECK(fast_log.back().arrival < slow_log[3].arrival);
}

TEST_CASE("robots.txt: a 5xx defers the host, a 404 allows everything", "[crawler]") {
  auto server = Server();
  server->Set("/robots.txt", Route::Text("User-agent: *\nDisallow: /\n").FailingFirst(1, 503));
  server->Serve("/", "home");
  Harness h;
  CrawlerOptions o = OneSite(*server);
  o.max_host_backoff_ms = 300;
  h.Crawl(o);
  // After the 503 the host waited, then read the real robots.txt, which forbids everything.
  CHECK(server->Hits("/robots.txt") == 2);
  CHECK(server->Hits("/") == 0);
  CHECK(h.Outcome(server->Url("/")).outcome == Outcome::kRobotsDenied);

  auto open = Server("127.0.0.4");  // no robots.txt at all: 404
  open->Serve("/", "home");
  Harness h2;
  h2.Crawl(OneSite(*open));
  CHECK(open->Hits("/") == 1);
}

TEST_CASE("Two hosts whose robots.txt redirect to the same file each get its answer", "[crawler]") {
  auto a = Server();
  auto b = Server("127.0.0.5");
  auto rules = Server("127.0.0.6");  // serves only the shared robots.txt; crawled by no source
  // Slow, so that both hosts wait for it at once.
  rules->Set("/robots.txt", Route::Text("User-agent: *\nDisallow: /private/\n").WithDelay(300));
  for (auto* s : {a.get(), b.get()}) {
    s->Set("/robots.txt", Route::Redirect(rules->Url("/robots.txt"), 301));
    s->Serve("/", "<a href=\"/private/x\">x</a> <a href=\"/open\">o</a>");
    s->Serve("/open", "open");
  }
  Harness h;
  CrawlerOptions o = OneSite(*a);
  SourceConfig second = o.sources[0];
  second.name = "second";
  second.start_urls = {b->Url("/")};
  o.sources.push_back(second);
  o.max_duration_ms = 20'000;
  const CrawlStats stats = h.Crawl(o);
  // Both hosts read the shared rules and went on: their open page fetched, the private one not.
  CHECK(stats.done);
  for (auto* s : {a.get(), b.get()}) {
    CHECK(s->Hits("/open") == 1);
    CHECK(s->Hits("/private/x") == 0);
  }
  CHECK(rules->Hits("/robots.txt") == 2);
}

TEST_CASE("URLs from outside never reach private addresses unless allowed", "[crawler]") {
  auto server = Server();
  server->Serve("/", "secret admin page");
  SourceConfig outside{.name = "submission", .any_host = true, .max_depth = 0, .external = true};
  {
    Harness h;  // no allowed ranges: loopback is refused at connect time
    CrawlerOptions o;
    o.default_host_delay_ms = 0;
    Crawler c(o, *h.fetcher, *h.store, h.sink, h.clock);
    REQUIRE(c.Submit({server->Url("/")}, outside).ok());
    REQUIRE(c.Run().has_value());
    CHECK(server->Hits("/") == 0);
    CHECK(server->Hits("/robots.txt") == 0);
    CHECK(h.sink.pages.empty());
    auto rec = h.Outcome(server->Url("/"));
    CHECK(rec.outcome == Outcome::kBlocked);
    CHECK_THAT(rec.reason, Catch::Contains("private address 127.0.0.1"));
  }
  CHECK(IsBlockedAddress("127.0.0.1", {}));
  CHECK(IsBlockedAddress("169.254.169.254", {}));
  CHECK(IsBlockedAddress("10.1.2.3", {}));
  CHECK(IsBlockedAddress("::ffff:192.168.1.1", {}));
  CHECK(IsBlockedAddress("fe80::1", {}));
  CHECK_FALSE(IsBlockedAddress("93.184.216.34", {}));
  CHECK_FALSE(IsBlockedAddress("127.0.0.1", {"127.0.0.0/8"}));
  {
    FetcherOptions f;
    f.allowed_private_ranges = {"127.0.0.0/8"};
    Harness h(f);
    CrawlerOptions o;
    o.default_host_delay_ms = 0;
    Crawler c(o, *h.fetcher, *h.store, h.sink, h.clock);
    REQUIRE(c.Submit({server->Url("/")}, outside).ok());
    REQUIRE(c.Run().has_value());
    CHECK(h.sink.pages.size() == 1);
  }
}

TEST_CASE("Revisits send If-None-Match and If-Modified-Since, a 304 ends as not modified",
          "[crawler]") {
  auto server = Server();
  server->Set("/", Route::Html("same").WithValidators("\"v1\"", 1'700'000'000));
  Harness h;
  ManualClock clock(h.clock.NowMs());  // the crawler's: a day passes between the runs
  h.crawl_clock = &clock;
  CrawlerOptions o = OneSite(*server);
  o.sources[0].revisit_interval_s = 3600;
  h.Crawl(o);
  clock.Advance(86'400'000);
  h.Crawl(o);  // a new run: the revisit is due
  const auto log = server->LogFor("/");
  REQUIRE(log.size() == 2);
  CHECK(log[1].if_none_match == "\"v1\"");
  CHECK_FALSE(log[1].if_modified_since.empty());
  CHECK(log[1].status == 304);
  CHECK(h.Outcome(server->Url("/")).outcome == Outcome::kNotModified);
  // The 304 reaches the sink with the ads of the last 2xx, so their last_seen can move, and the
  // URL's record keeps naming them for the next revisit.
  const std::string url = *CanonicalUrl(server->Url("/"));
  REQUIRE(h.sink.statuses == std::vector<int>{200, 304});
  CHECK(h.sink.previous_ad_ids[0].empty());
  CHECK(h.sink.previous_ad_ids[1] == std::vector<std::string>{"ad:" + url});
  CHECK(h.Outcome(server->Url("/")).ad_ids == std::vector<std::string>{"ad:" + url});
}
