// The Redis frontier's scripts against a real redis-server: the seen-set is exact, a host's
// connection cap and delay hold across two frontiers (two workers), Retry-After holds the host
// for both, an expired lease comes back and its late end sends nothing, each finished lease
// sends one result that a writer reads (again after a restart, until acknowledged), and Redis
// restarted from its AOF keeps the crawl. Short real waits (a few hundred ms) only.
#include "adwatch/frontier_redis/redis_frontier.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "adwatch/frontier_redis/results.h"
#include "support/redis_server.h"
#include "support/temp_dir.h"

using namespace adwatch;
using adwatch::frontier_redis::ParseRedisUrl;
using adwatch::frontier_redis::RedisFrontier;
using adwatch::frontier_redis::RedisFrontierOptions;
using adwatch::frontier_redis::ResultReader;
using adwatch::frontier_redis::ResultReaderOptions;
using adwatch::testing::RedisServer;
using adwatch::testing::TempDir;

namespace {

struct Fixture {
  Fixture() {
    if (!RedisServer::Installed()) FAIL(RedisServer::kMissing);
    redis = RedisServer::Start(dir.path().string());
    REQUIRE(redis);
  }
  std::unique_ptr<RedisFrontier> Frontier(int64_t lease_ms = 60'000) {
    RedisFrontierOptions o;
    o.address = *ParseRedisUrl(redis->url());
    o.lease_ms = lease_ms;
    o.poll_ms = 50;
    o.default_delay_ms = 0;
    o.reconnect_for_ms = 300;
    auto f = RedisFrontier::Connect(o, clock);
    REQUIRE(f.has_value());
    REQUIRE((*f)->Open().ok());
    return std::move(f.value());
  }
  TempDir dir;
  std::unique_ptr<RedisServer> redis;
  SystemClock clock;
};

FetchTask Task(const std::string& url) {
  FetchTask t;
  t.url = url;
  t.source = "s";
  return t;
}

crawler::Claimed ClaimOrFail(RedisFrontier& f, int max = 10) {
  auto c = f.Claim(max, SystemClock().NowMs());
  REQUIRE(c.has_value());
  return std::move(c.value());
}

crawler::HostRelease Ended(int64_t delay_ms) {
  return crawler::HostRelease{.ended_ms = SystemClock().NowMs(), .delay_ms = delay_ms};
}

void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

}  // namespace

TEST_CASE("The seen-set is exact: each URL is queued once, however often it is added",
          "[frontier_redis]") {
  Fixture fx;
  auto f = fx.Frontier();
  std::vector<FetchTask> tasks;
  for (int i = 0; i < 2000; ++i) tasks.push_back(Task("https://a.test/p/" + std::to_string(i)));
  auto first = f->Add(tasks, crawler::AddMode::kIfNew);
  REQUIRE(first.has_value());
  CHECK(*first == 2000);
  auto second = f->Add(tasks, crawler::AddMode::kIfNew);
  REQUIRE(second.has_value());
  CHECK(*second == 0);
  CHECK(fx.redis->CliInt("LLEN adw:q:a.test:443") == 2000);
  // Submissions come again, at the head of the queue.
  auto again = f->Add({Task("https://a.test/p/7")}, crawler::AddMode::kAgain);
  REQUIRE(again.has_value());
  CHECK(*again == 1);
  auto c = ClaimOrFail(*f);
  REQUIRE(c.leases.size() == 1);
  CHECK(c.leases[0].task.url == "https://a.test/p/7");
  CHECK(c.leases[0].host == "a.test:443");
  CHECK(c.leases[0].task.source == "s");
  // Seen-only URLs (an imported seen-set) are never queued.
  auto seen = f->AddSeen({"https://b.test/x", "https://b.test/y"});
  REQUIRE(seen.has_value());
  CHECK(*seen == 2);
  auto b = f->Add({Task("https://b.test/x"), Task("https://b.test/z")}, crawler::AddMode::kIfNew);
  REQUIRE(b.has_value());
  CHECK(*b == 1);
}

TEST_CASE("A host's connection cap and delay hold across two workers", "[frontier_redis]") {
  Fixture fx;
  auto w1 = fx.Frontier();
  auto w2 = fx.Frontier();
  REQUIRE(w1->Add({Task("https://a.test/1"), Task("https://a.test/2"), Task("https://a.test/3")},
                  crawler::AddMode::kIfNew)
              .has_value());
  auto c1 = ClaimOrFail(*w1);
  REQUIRE(c1.leases.size() == 1);  // one connection per host by default
  auto c2 = ClaimOrFail(*w2);
  CHECK(c2.leases.empty());
  CHECK(c2.next_due_ms > 0);  // work remains: look again soon
  // The fetch ended: the host waits 400 ms for every worker.
  w1->ReleaseHost(c1.leases[0], Ended(400));
  CHECK(ClaimOrFail(*w2).leases.empty());
  SleepMs(450);
  auto c3 = ClaimOrFail(*w2);
  REQUIRE(c3.leases.size() == 1);
  CHECK(c3.leases[0].task.url == "https://a.test/2");
  // Two connections: two leases at once, not three.
  w1->SetHostConnections("a.test:443", 2);
  REQUIRE(w1->Finish(c1.leases[0], crawler::UrlRecord{.outcome = crawler::Outcome::kFetched}).ok());
  auto c4 = ClaimOrFail(*w1);
  CHECK(c4.leases.size() == 1);
  CHECK(fx.redis->CliInt("HGET adw:busy a.test:443") == 2);
}

TEST_CASE("Retry-After and a retry's not-before time hold the host for every worker",
          "[frontier_redis]") {
  Fixture fx;
  auto w1 = fx.Frontier();
  auto w2 = fx.Frontier();
  REQUIRE(w1->Add({Task("https://a.test/1"), Task("https://a.test/2")}, crawler::AddMode::kIfNew)
              .has_value());
  auto c = ClaimOrFail(*w1);
  REQUIRE(c.leases.size() == 1);
  FetchTask next = c.leases[0].task;
  ++next.attempt;
  next.not_before_ms = fx.clock.NowMs() + 400;
  REQUIRE(w1->Retry(c.leases[0], next, Ended(0)).ok());
  CHECK(ClaimOrFail(*w2).leases.empty());
  SleepMs(450);
  auto later = ClaimOrFail(*w2);
  REQUIRE(later.leases.size() == 1);
  CHECK(later.leases[0].task.url == "https://a.test/2");  // the retry went to the tail
  // Retry-After on a returned lease.
  REQUIRE(w2->Return(later.leases[0], crawler::HostRelease{.ended_ms = fx.clock.NowMs(),
                                                           .hold_until_ms = fx.clock.NowMs() + 400})
              .ok());
  CHECK(ClaimOrFail(*w1).leases.empty());
  SleepMs(450);
  auto back = ClaimOrFail(*w1);
  REQUIRE(back.leases.size() == 1);
  CHECK(back.leases[0].task.url == "https://a.test/2");  // returned to the head
}

TEST_CASE("A dead worker's lease comes back when it expires, and its late end sends nothing",
          "[frontier_redis]") {
  Fixture fx;
  auto dead = fx.Frontier(/*lease_ms=*/200);
  auto alive = fx.Frontier(/*lease_ms=*/200);
  REQUIRE(dead->Add({Task("https://a.test/1")}, crawler::AddMode::kIfNew).has_value());
  auto c = ClaimOrFail(*dead);
  REQUIRE(c.leases.size() == 1);
  CHECK(ClaimOrFail(*alive).leases.empty());
  SleepMs(250);
  auto again = ClaimOrFail(*alive);  // reaps, then claims
  REQUIRE(again.leases.size() == 1);
  CHECK(again.leases[0].task.url == "https://a.test/1");
  dead->Attach("https://a.test/1", {.encoded_write = "late"});
  REQUIRE(dead->Finish(c.leases[0], {.outcome = crawler::Outcome::kFetched}).ok());
  CHECK(fx.redis->CliInt("XLEN adw:results") == 0);
  CHECK(fx.redis->CliInt("HGET adw:stats stale") == 1);
  REQUIRE(alive->Finish(again.leases[0], {.outcome = crawler::Outcome::kFetched}).ok());
  CHECK(fx.redis->CliInt("XLEN adw:results") == 1);
  CHECK(fx.redis->CliInt("ZCARD adw:lease") == 0);
  CHECK(fx.redis->CliInt("HGET adw:stats reaped") == 1);
  CHECK(fx.redis->CliInt("HLEN adw:busy") == 0);
}

TEST_CASE("Each finished lease sends one result, and a restarted writer reads what it did not ack",
          "[frontier_redis]") {
  Fixture fx;
  auto w = fx.Frontier();
  std::vector<FetchTask> tasks;
  for (int i = 0; i < 5; ++i) tasks.push_back(Task("https://h" + std::to_string(i) + ".test/"));
  REQUIRE(w->Add(tasks, crawler::AddMode::kIfNew).has_value());
  auto c = ClaimOrFail(*w);
  REQUIRE(c.leases.size() == 5);
  for (const auto& l : c.leases) {
    w->Attach(l.task.url, {.encoded_write = "pw:" + l.task.url, .body = std::string("b\0\xff", 3)});
    REQUIRE(w->Finish(l, {.outcome = crawler::Outcome::kFetched, .http_status = 200}).ok());
  }
  ResultReaderOptions ro;
  ro.address = *ParseRedisUrl(fx.redis->url());
  {
    auto reader = ResultReader::Connect(ro);
    REQUIRE(reader.has_value());
    auto got = (*reader)->Read(3, 0);
    REQUIRE(got.has_value());
    REQUIRE(got->size() == 3);
    CHECK(got->at(0).Field("b") == std::string("b\0\xff", 3));
    CHECK(got->at(0).Field("pw") == "pw:" + got->at(0).Field("u"));
    CHECK(got->at(0).Field("o") == "fetched");
    REQUIRE((*reader)->Ack({got->at(0).id}).ok());
    // Killed here: two read, not acknowledged.
  }
  ro.consumer = "ingest-2";  // even under another name
  auto reader = ResultReader::Connect(ro);
  REQUIRE(reader.has_value());
  std::set<std::string> urls;
  for (int i = 0; i < 5; ++i) {
    auto got = (*reader)->Read(10, 0);
    REQUIRE(got.has_value());
    std::vector<std::string> ids;
    for (const auto& e : *got) {
      urls.insert(e.Field("u"));
      ids.push_back(e.id);
    }
    REQUIRE((*reader)->Ack(ids).ok());
  }
  CHECK(urls.size() == 4);
  auto state = (*reader)->State();
  REQUIRE(state.has_value());
  CHECK(state->results_backlog == 0);
  CHECK(state->Drained());
}

TEST_CASE(
    "Redis restarted from its AOF continues the crawl, and while it is down, calls fail cleanly",
    "[frontier_redis]") {
  Fixture fx;
  auto w = fx.Frontier(/*lease_ms=*/300);
  REQUIRE(w->Add({Task("https://a.test/1"), Task("https://b.test/1")}, crawler::AddMode::kIfNew)
              .has_value());
  auto c = ClaimOrFail(*w, 1);
  REQUIRE(c.leases.size() == 1);
  SleepMs(1100);  // appendfsync everysec
  fx.redis->Stop(SIGKILL);
  auto down = w->Claim(10, fx.clock.NowMs());
  REQUIRE_FALSE(down.has_value());  // reconnect_for_ms (300) passed
  CHECK_FALSE(w->Add({Task("https://c.test/")}, crawler::AddMode::kIfNew).has_value());
  REQUIRE(fx.redis->Restart());
  // The lease survived the restart and expires as usual; both URLs are fetched.
  std::set<std::string> got;
  for (int i = 0; i < 40 && got.size() < 2; ++i) {
    auto cl = w->Claim(10, fx.clock.NowMs());
    REQUIRE(cl.has_value());
    for (const auto& l : cl->leases) {
      got.insert(l.task.url);
      REQUIRE(w->Finish(l, {.outcome = crawler::Outcome::kFetched}).ok());
    }
    SleepMs(50);
  }
  CHECK(got == std::set<std::string>{"https://a.test/1", "https://b.test/1"});
  CHECK(w->Add({Task("https://a.test/1")}, crawler::AddMode::kIfNew).value() == 0);
}

TEST_CASE("Queued tasks keep every field through Redis", "[frontier_redis]") {
  FetchTask t;
  t.url = "https://a.test/x?y=1";
  t.source = "src";
  t.depth = 3;
  t.priority = FetchPriority::kSubmission;
  t.attempt = 2;
  t.not_before_ms = 123;
  t.external = true;
  t.redirects = 1;
  t.etag = "\"e\"";
  t.last_modified = "Mon";
  auto back = frontier_redis::DecodeTask(frontier_redis::EncodeTask(t));
  REQUIRE(back.has_value());
  CHECK(back->url == t.url);
  CHECK(back->depth == 3);
  CHECK(back->priority == FetchPriority::kSubmission);
  CHECK(back->attempt == 2);
  CHECK(back->not_before_ms == 123);
  CHECK(back->external);
  CHECK(back->redirects == 1);
  CHECK(back->etag == t.etag);
  CHECK(back->last_modified == "Mon");
  CHECK(frontier_redis::EncodeTask(Task("https://a.test/")) == R"(["https://a.test/","s"])");
  CHECK_FALSE(frontier_redis::DecodeTask("[1,2]").has_value());
  CHECK_FALSE(frontier_redis::DecodeTask("{").has_value());
  CHECK_FALSE(frontier_redis::DecodeTask(R"(["u","s","deep"])").has_value());
}
