// HostTable: politeness and robots.txt state per host, decided on clock values alone.
#include "adwatch/crawler/host_table.h"

#include <catch2/catch.hpp>

using namespace adwatch;
using namespace adwatch::crawler;

namespace {

constexpr int64_t kNow = 1'800'000'000'000;

HostTableOptions Options() {
  HostTableOptions o;
  o.user_agent = "adwatch/0.1 (+https://example.org)";
  o.default_connections = 1;
  o.default_delay_ms = 1000;
  o.max_backoff_ms = 60'000;
  o.max_retry_after_s = 600;
  o.robots_ttl_s = 3600;
  o.max_robots_retries = 2;
  return o;
}

FetchResult Answer(int status, std::string body = "") {
  FetchResult r;
  r.http_status = status;
  r.body = std::move(body);
  return r;
}

FetchTask RobotsRequest(const HostState& h, int redirects = 0) {
  FetchTask t;
  t.url = h.origin + "/robots.txt";
  t.redirects = redirects;
  return t;
}

}  // namespace

TEST_CASE("A host gets its source's connections and delay, else the defaults", "[crawler][hosts]") {
  HostTable table(Options());
  SourceConfig board;
  board.name = "board";
  board.host_connections = 4;
  board.host_delay_ms = 250;
  HostState& a = table.Add("a.test:443", "https://a.test/x", &board);
  CHECK(a.max_connections == 4);
  CHECK(a.delay_ms == 250);
  CHECK(a.origin == "https://a.test");
  HostState& b = table.Add("b.test:8080", "http://b.test:8080/y?z", nullptr);
  CHECK(b.max_connections == 1);
  CHECK(b.delay_ms == 1000);
  CHECK(b.origin == "http://b.test:8080");
  // Adding again changes nothing.
  CHECK(&table.Add("a.test:443", "https://a.test/", nullptr) == &a);
  CHECK(a.max_connections == 4);
  CHECK(table.Find("c.test:443") == nullptr);
}

TEST_CASE("The delay is the larger of the host's and Crawl-delay, slowed down after failures",
          "[crawler][hosts]") {
  HostTable table(Options());
  HostState& h = table.Add("a.test:443", "https://a.test/", nullptr);
  CHECK(table.Delay(h) == 1000);
  table.OnRobots(h, RobotsRequest(h), Answer(200, "User-agent: *\nCrawl-delay: 2.5\n"), kNow);
  CHECK(table.Delay(h) == 2500);
  FetchResult busy = Answer(503);
  table.AfterFetch(h, busy, kNow);
  CHECK(table.Delay(h) == 5000);  // 2.5 s x 2
  table.AfterFetch(h, busy, kNow);
  CHECK(table.Delay(h) == 10'000);
  for (int i = 0; i < 20; ++i) table.AfterFetch(h, busy, kNow);
  CHECK(table.Delay(h) == 60'000);  // capped
  table.AfterFetch(h, Answer(200), kNow);
  CHECK(table.Delay(h) == 2500);  // an answer resets it
}

TEST_CASE("The slow-down never makes a host faster than its own delay", "[crawler][hosts]") {
  HostTableOptions o = Options();
  o.max_backoff_ms = 200;
  HostTable table(o);
  SourceConfig slow;
  slow.host_delay_ms = 5000;
  HostState& h = table.Add("a.test:443", "https://a.test/", &slow);
  table.AfterFetch(h, Answer(500), kNow);
  CHECK(table.Delay(h) == 5000);
}

TEST_CASE("A 429 or 503 with Retry-After holds the host that long, at most the cap",
          "[crawler][hosts]") {
  HostTable table(Options());
  HostState& h = table.Add("a.test:443", "https://a.test/", nullptr);
  FetchResult r = Answer(429);
  r.retry_after_s = 30;
  HostRelease rel = table.AfterFetch(h, r, kNow);
  CHECK(rel.ended_ms == kNow);
  CHECK(rel.hold_until_ms == kNow + 30'000);
  r.retry_after_s = 86'400;
  CHECK(table.AfterFetch(h, r, kNow).hold_until_ms == kNow + 600'000);
  FetchResult plain = Answer(500);
  plain.retry_after_s = 30;  // not a 429/503: no hold, only the slow-down
  CHECK(table.AfterFetch(h, plain, kNow).hold_until_ms == 0);
  // A failure without an answer neither holds nor resets.
  const int failures = h.failures;
  FetchResult big;
  big.error = FetchError::kTooLarge;
  table.AfterFetch(h, big, kNow);
  CHECK(h.failures == failures);
}

TEST_CASE("robots.txt is fetched first, waited for, and fetched again when it expires",
          "[crawler][hosts]") {
  HostTable table(Options());
  HostState& h = table.Add("a.test:443", "https://a.test/", nullptr);
  CHECK(table.Next(h, kNow).kind == HostStep::Kind::kFetchRobots);
  CHECK(table.StartRobots(h) == "https://a.test/robots.txt");
  CHECK(table.Next(h, kNow).kind == HostStep::Kind::kWaitForRobots);
  RobotsAnswer a = table.OnRobots(h, RobotsRequest(h),
                                  Answer(200, "User-agent: *\nDisallow: /private/\n"), kNow);
  CHECK(a.kind == RobotsAnswer::Kind::kReady);
  REQUIRE(a.to_cache.has_value());
  CHECK(a.to_cache->fetched_ms == kNow);
  CHECK(a.to_cache->http_status == 200);
  CHECK(a.release.ended_ms == kNow);
  CHECK(a.release.delay_ms == 1000);
  CHECK(table.Next(h, kNow).kind == HostStep::Kind::kReady);
  CHECK(table.Allows(h, "https://a.test/jobs/1"));
  CHECK_FALSE(table.Allows(h, "https://a.test/private/x"));
  CHECK(table.Next(h, kNow + 3600 * 1000).kind == HostStep::Kind::kFetchRobots);
}

TEST_CASE("A 4xx robots.txt allows everything, and a cached one is used until it expires",
          "[crawler][hosts]") {
  HostTable table(Options());
  HostState& h = table.Add("a.test:443", "https://a.test/", nullptr);
  table.StartRobots(h);
  RobotsAnswer a = table.OnRobots(h, RobotsRequest(h), Answer(404), kNow);
  CHECK(a.kind == RobotsAnswer::Kind::kReady);
  CHECK(a.to_cache->text.empty());
  CHECK(a.to_cache->http_status == 404);
  CHECK(table.Allows(h, "https://a.test/anything"));

  HostState& c = table.Add("c.test:443", "https://c.test/", nullptr);
  const RobotsRecord cached{"User-agent: adwatch\nDisallow: /\nCrawl-delay: 3\n", kNow - 1000, 200};
  CHECK(table.UseCached(c, cached, kNow));
  CHECK(table.Next(c, kNow).kind == HostStep::Kind::kReady);
  CHECK_FALSE(table.Allows(c, "https://c.test/x"));
  CHECK(table.Delay(c) == 3000);
  HostState& d = table.Add("d.test:443", "https://d.test/", nullptr);
  CHECK_FALSE(table.UseCached(d, RobotsRecord{"", kNow - 3600 * 1000, 200}, kNow));
  CHECK(table.Next(d, kNow).kind == HostStep::Kind::kFetchRobots);
}

TEST_CASE("robots.txt is read and cached up to its size limit", "[crawler][hosts]") {
  HostTableOptions o = Options();
  o.max_robots_bytes = 40;
  HostTable table(o);
  HostState& h = table.Add("a.test:443", "https://a.test/", nullptr);
  // The Disallow line starts after byte 40: it is not read.
  const std::string text = "User-agent: *\n# " + std::string(30, 'x') + "\nDisallow: /\n";
  RobotsAnswer a = table.OnRobots(h, RobotsRequest(h), Answer(200, text), kNow);
  CHECK(a.to_cache->text.size() == 40);
  CHECK(table.Allows(h, "https://a.test/x"));
}

TEST_CASE("An unreachable robots.txt defers the host with growing waits, then refuses it",
          "[crawler][hosts]") {
  HostTable table(Options());  // max_robots_retries 2
  HostState& h = table.Add("a.test:443", "https://a.test/", nullptr);
  table.StartRobots(h);
  RobotsAnswer first = table.OnRobots(h, RobotsRequest(h), Answer(503), kNow);
  CHECK(first.kind == RobotsAnswer::Kind::kDeferred);
  CHECK(first.unreachable);
  CHECK(first.release.hold_until_ms == kNow + 5000);
  CHECK(table.Next(h, kNow + 4999).kind == HostStep::Kind::kDeferred);
  CHECK(table.Next(h, kNow + 4999).until_ms == kNow + 5000);
  CHECK(table.Next(h, kNow + 5000).kind == HostStep::Kind::kFetchRobots);
  // Retry-After longer than the wait wins.
  FetchResult limited = Answer(429);
  limited.retry_after_s = 60;
  CHECK(table.OnRobots(h, RobotsRequest(h), limited, kNow).release.hold_until_ms == kNow + 60'000);
  FetchResult down;
  down.error = FetchError::kConnect;
  RobotsAnswer last = table.OnRobots(h, RobotsRequest(h), down, kNow);
  CHECK(last.kind == RobotsAnswer::Kind::kRefused);
  CHECK(table.Next(h, kNow).kind == HostStep::Kind::kRefused);
  CHECK(h.refused_outcome == Outcome::kFailed);
  CHECK(h.refused_reason == "robots.txt unreachable (connect)");
}

TEST_CASE("A blocked address refuses the host at once, and redirects are followed five hops",
          "[crawler][hosts]") {
  HostTable table(Options());
  HostState& h = table.Add("a.test:443", "https://a.test/", nullptr);
  FetchResult blocked;
  blocked.error = FetchError::kBlockedAddress;
  blocked.error_message = "refused to connect to private address 10.0.0.1";
  RobotsAnswer a = table.OnRobots(h, RobotsRequest(h), blocked, kNow);
  CHECK(a.kind == RobotsAnswer::Kind::kRefused);
  CHECK_FALSE(a.unreachable);
  CHECK(h.refused_outcome == Outcome::kBlocked);
  CHECK(h.refused_reason == blocked.error_message);

  HostState& r = table.Add("r.test:443", "https://r.test/", nullptr);
  FetchResult moved = Answer(301);
  moved.headers = {{"Location", "https://rules.test/robots.txt"}};
  RobotsAnswer hop = table.OnRobots(r, RobotsRequest(r, 4), moved, kNow);
  CHECK(hop.kind == RobotsAnswer::Kind::kRedirect);
  CHECK(hop.redirect_url == "https://rules.test/robots.txt");
  CHECK(table.OnRobots(r, RobotsRequest(r, 5), moved, kNow).kind == RobotsAnswer::Kind::kDeferred);
}
