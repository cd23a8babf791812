// LocalFrontier: leases, the host schedule, what survives a crash, and stored records that do not
// decode reported as errors instead of being skipped.
#include "adwatch/crawler/local_frontier.h"

#include <catch2/catch.hpp>

#include "adwatch/crawler/url.h"
#include "adwatch/storage/keys.h"
#include "support/manual_clock.h"
#include "support/temp_dir.h"

using namespace adwatch;
using namespace adwatch::crawler;
using adwatch::testing::ManualClock;

namespace {

struct Db {
  adwatch::testing::TempDir dir;
  ManualClock clock;
  std::unique_ptr<storage::Store> store;

  Db() {
    storage::StoreOptions so;
    so.path = dir / "db";
    so.sync = storage::SyncPolicy::kInterval;
    auto s = storage::Store::Open(so, clock);
    REQUIRE(s.has_value());
    store = std::move(s.value());
  }

  std::unique_ptr<LocalFrontier> Frontier(LocalFrontierOptions o = {}) {
    auto f = std::make_unique<LocalFrontier>(*store, clock, o);
    REQUIRE(f->Open().ok());
    return f;
  }

  void Put(storage::Table table, const std::string& key, const std::string& value) {
    storage::TableBatch b;
    b.Put(table, key, value);
    REQUIRE(store->Apply(b).ok());
  }
};

FetchTask Task(const std::string& url, FetchPriority p = FetchPriority::kDiscovered) {
  FetchTask t;
  t.url = url;
  t.source = "test";
  t.priority = p;
  return t;
}

std::vector<std::string> Urls(const std::vector<Lease>& leases) {
  std::vector<std::string> out;
  for (const Lease& l : leases) out.push_back(l.task.url);
  return out;
}

UrlRecord Fetched() {
  UrlRecord r;
  r.outcome = Outcome::kFetched;
  r.http_status = 200;
  return r;
}

}  // namespace

TEST_CASE(
    "Add queues a URL once, and kAgain queues it again after it ended, keeping its validators",
    "[crawler][frontier]") {
  Db db;
  auto f = db.Frontier();
  auto added = f->Add({Task("http://a.test/1"), Task("http://a.test/1"), Task("http://a.test/2")},
                      AddMode::kIfNew);
  REQUIRE(added.has_value());
  CHECK(*added == 2);
  CHECK(*f->Add({Task("http://a.test/1")}, AddMode::kIfNew) == 0);
  CHECK(*f->Add({Task("http://a.test/1")}, AddMode::kAgain) == 0);  // still queued
  CHECK(f->Lookup("http://a.test/1")->outcome == Outcome::kQueued);
  CHECK(f->Counts().queued == 2);

  auto c = f->Claim(10, db.clock.NowMs());
  REQUIRE(c.has_value());
  REQUIRE(c->leases.size() == 1);  // one connection per host until told otherwise
  UrlRecord done = Fetched();
  done.etag = "\"v1\"";
  done.ad_ids = {"ad1"};
  REQUIRE(f->Finish(c->leases[0], done).ok());
  CHECK(f->Counts().queued == 1);
  CHECK(*f->Add({Task("http://a.test/1")}, AddMode::kAgain) == 1);
  auto again = f->Lookup("http://a.test/1");
  CHECK(again->outcome == Outcome::kQueued);
  CHECK(again->etag == "\"v1\"");
  CHECK(again->ad_ids == std::vector<std::string>{"ad1"});
  CHECK(f->Lookup("http://a.test/never").error().IsNotFound());
}

TEST_CASE("Claim hands out at most a host's connections, submissions first, hosts in turn",
          "[crawler][frontier]") {
  Db db;
  auto f = db.Frontier();
  REQUIRE(f->Add({Task("http://a.test/1"), Task("http://a.test/2"), Task("http://a.test/3"),
                  Task("http://b.test/1"), Task("http://a.test/sub", FetchPriority::kSubmission)},
                 AddMode::kIfNew)
              .has_value());
  f->SetHostConnections("a.test:80", 2);
  const int64_t now = db.clock.NowMs();
  auto c = f->Claim(10, now);
  REQUIRE(c.has_value());
  CHECK(Urls(c->leases) ==
        std::vector<std::string>{"http://a.test/sub", "http://a.test/1", "http://b.test/1"});
  CHECK(c->leases[0].host == "a.test:80");
  CHECK(c->next_due_ms == 0);  // what is left waits for a connection, not for a time
  CHECK(f->Claim(10, now)->leases.empty());
  CHECK(f->Counts().leases == 3);
  // `max` caps one call.
  f->ReleaseHost(c->leases[0], {});
  CHECK(f->Claim(1, now)->leases.size() == 1);
}

TEST_CASE("A released host waits its delay from the request's end, and a hold",
          "[crawler][frontier]") {
  Db db;
  auto f = db.Frontier();
  REQUIRE(f->Add({Task("http://a.test/1"), Task("http://a.test/2"), Task("http://a.test/3")},
                 AddMode::kIfNew)
              .has_value());
  const int64_t t0 = db.clock.NowMs();
  Lease l1 = f->Claim(5, t0)->leases.at(0);
  f->ReleaseHost(l1, HostRelease{.ended_ms = t0 + 200, .delay_ms = 1000});
  auto early = f->Claim(5, t0 + 1199);
  CHECK(early->leases.empty());
  CHECK(early->next_due_ms == t0 + 1200);
  Lease l2 = f->Claim(5, t0 + 1200)->leases.at(0);
  CHECK(l2.task.url == "http://a.test/2");
  // A Retry-After hold outlasts the delay; a lease that sent nothing leaves the schedule alone.
  REQUIRE(
      f->Finish(l2, Fetched(),
                HostRelease{.ended_ms = t0 + 1300, .delay_ms = 1000, .hold_until_ms = t0 + 60'000})
          .ok());
  CHECK(f->Claim(5, t0 + 59'999)->next_due_ms == t0 + 60'000);
  Lease l3 = f->Claim(5, t0 + 60'000)->leases.at(0);
  REQUIRE(f->Finish(l3, Fetched(), HostRelease{}).ok());
  REQUIRE(f->Finish(l1, Fetched()).ok());
  CHECK(f->Counts().queued == 0);
  CHECK(f->Counts().hosts_with_work == 0);
}

TEST_CASE("Return puts a task back in its place, ahead of the host's later work",
          "[crawler][frontier]") {
  Db db;
  auto f = db.Frontier();
  REQUIRE(f->Add({Task("http://a.test/1"), Task("http://a.test/2")}, AddMode::kIfNew).has_value());
  const int64_t now = db.clock.NowMs();
  Lease first = f->Claim(5, now)->leases.at(0);
  REQUIRE(f->Return(first).ok());
  Lease again = f->Claim(5, now)->leases.at(0);
  CHECK(again.task.url == "http://a.test/1");
  CHECK(again.id != first.id);
  // The old lease is over: ending it again changes nothing.
  REQUIRE(f->Return(first).ok());
  CHECK(f->Counts().leases == 1);
  REQUIRE(f->Finish(again, Fetched()).ok());
  CHECK(f->Claim(5, now)->leases.at(0).task.url == "http://a.test/2");
}

TEST_CASE("A retried task waits for its time behind the host's other work", "[crawler][frontier]") {
  Db db;
  auto f = db.Frontier();
  REQUIRE(f->Add({Task("http://a.test/1"), Task("http://a.test/2")}, AddMode::kIfNew).has_value());
  const int64_t now = db.clock.NowMs();
  Lease first = f->Claim(5, now)->leases.at(0);
  FetchTask next = first.task;
  next.attempt = 1;
  next.not_before_ms = now + 30'000;
  REQUIRE(f->Retry(first, next).ok());
  Lease second = f->Claim(5, now)->leases.at(0);
  CHECK(second.task.url == "http://a.test/2");
  REQUIRE(f->Finish(second, Fetched()).ok());
  auto waiting = f->Claim(5, now);
  CHECK(waiting->leases.empty());
  CHECK(waiting->next_due_ms == now + 30'000);
  Lease retried = f->Claim(5, now + 30'000)->leases.at(0);
  CHECK(retried.task.url == "http://a.test/1");
  CHECK(retried.task.attempt == 1);
}

TEST_CASE("A host held for the run gives nothing until the frontier is opened again",
          "[crawler][frontier]") {
  Db db;
  auto f = db.Frontier();
  REQUIRE(f->Add({Task("http://a.test/1")}, AddMode::kIfNew).has_value());
  const int64_t now = db.clock.NowMs();
  Lease l = f->Claim(5, now)->leases.at(0);
  REQUIRE(f->Return(l, HostRelease{.hold_until_ms = kHoldForRun}).ok());
  auto held = f->Claim(5, now + 86'400'000);
  CHECK(held->leases.empty());
  CHECK(held->next_due_ms == 0);
  CHECK(f->Counts().hosts_with_work == 1);
  REQUIRE(f->Open().ok());
  CHECK(f->Claim(5, now)->leases.size() == 1);
}

TEST_CASE("After a crash the leased tasks are queued again, finished ones are not",
          "[crawler][frontier]") {
  Db db;
  {
    auto f = db.Frontier();
    REQUIRE(f->Add({Task("http://a.test/1"), Task("http://b.test/1"), Task("http://c.test/1")},
                   AddMode::kIfNew)
                .has_value());
    auto c = f->Claim(5, db.clock.NowMs());
    REQUIRE(c->leases.size() == 3);
    REQUIRE(f->Finish(c->leases[1], Fetched()).ok());
    // The process dies here: two leases out, never ended.
  }
  auto f = db.Frontier();
  CHECK(f->Counts().queued == 2);
  auto c = f->Claim(5, db.clock.NowMs());
  CHECK(Urls(c->leases) == std::vector<std::string>{"http://a.test/1", "http://c.test/1"});
  CHECK(f->Lookup("http://b.test/1")->outcome == Outcome::kFetched);
}

TEST_CASE("A long queue is read from disk a head at a time, in order", "[crawler][frontier]") {
  Db db;
  std::vector<FetchTask> tasks;
  for (int i = 0; i < 50; ++i) tasks.push_back(Task("http://a.test/" + std::to_string(100 + i)));
  {
    auto f = db.Frontier(LocalFrontierOptions{.head_size = 4});
    REQUIRE(*f->Add(tasks, AddMode::kIfNew) == 50);
  }
  auto f = db.Frontier(LocalFrontierOptions{.head_size = 4});
  std::vector<std::string> order;
  for (int i = 0; i < 50; ++i) {
    auto c = f->Claim(1, db.clock.NowMs());
    REQUIRE(c.has_value());
    REQUIRE(c->leases.size() == 1);
    order.push_back(c->leases[0].task.url);
    REQUIRE(f->Finish(c->leases[0], Fetched()).ok());
  }
  for (int i = 0; i < 50; ++i) CHECK(order[i] == "http://a.test/" + std::to_string(100 + i));
  CHECK(f->Claim(1, db.clock.NowMs())->leases.empty());
}

TEST_CASE("Revisits come due and are queued with their validators", "[crawler][frontier]") {
  Db db;
  auto f = db.Frontier();
  REQUIRE(f->Add({Task("http://a.test/1")}, AddMode::kIfNew).has_value());
  const int64_t now = db.clock.NowMs();
  Lease l = f->Claim(5, now)->leases.at(0);
  UrlRecord r = Fetched();
  r.etag = "\"e\"";
  r.last_modified = "Sun, 22 Nov 2026 05:00:00 GMT";
  r.next_revisit_ms = now + 3'600'000;
  REQUIRE(f->Finish(l, r).ok());
  auto early = f->QueueDueRevisits(now);
  REQUIRE(early.has_value());
  CHECK(early->queued == 0);
  CHECK(early->next_due_ms == now + 3'600'000);
  auto due = f->QueueDueRevisits(now + 3'600'000);
  CHECK(due->queued == 1);
  CHECK(due->next_due_ms == 0);
  Lease again = f->Claim(5, now + 3'600'000)->leases.at(0);
  CHECK(again.task.priority == FetchPriority::kRevisit);
  CHECK(again.task.etag == "\"e\"");
  CHECK(again.task.last_modified == "Sun, 22 Nov 2026 05:00:00 GMT");
}

TEST_CASE("robots.txt is cached per host", "[crawler][frontier]") {
  Db db;
  auto f = db.Frontier();
  CHECK(f->GetRobots("a.test:80").error().IsNotFound());
  REQUIRE(f->PutRobots("a.test:80", RobotsRecord{"User-agent: *\nDisallow: /x\n", 1234, 200}).ok());
  auto r = f->GetRobots("a.test:80");
  REQUIRE(r.has_value());
  CHECK(r->text == "User-agent: *\nDisallow: /x\n");
  CHECK(r->fetched_ms == 1234);
  CHECK(r->http_status == 200);
}

TEST_CASE("Stored records that do not decode are Corruption, never skipped or thrown",
          "[crawler][frontier]") {
  Db db;
  SECTION("a seen record with a field of the wrong type") {
    db.Put(storage::Table::kSeen, "http://a.test/1", R"({"outcome":"fetched","reason":42})");
    auto f = db.Frontier();
    auto r = f->Lookup("http://a.test/1");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == Status::Code::kCorruption);
    CHECK_THAT(r.error().message(), Catch::Contains("seen record of http://a.test/1") &&
                                        Catch::Contains("\"reason\"") &&
                                        Catch::Contains("not a string"));
    // Add meets it too, when asked to queue the URL again.
    CHECK(f->Add({Task("http://a.test/1")}, AddMode::kAgain).error().code() ==
          Status::Code::kCorruption);
  }
  SECTION("a seen record with an outcome this build does not know") {
    db.Put(storage::Table::kSeen, "http://a.test/1", R"({"outcome":"teleported"})");
    CHECK_THAT(db.Frontier()->Lookup("http://a.test/1").error().message(),
               Catch::Contains("unknown outcome \"teleported\""));
  }
  SECTION("a queued task that is not JSON, or has a field of the wrong type") {
    auto f = db.Frontier();
    REQUIRE(
        f->Add({Task("http://a.test/1"), Task("http://a.test/2")}, AddMode::kIfNew).has_value());
    std::string first_key;
    REQUIRE(db.store
                ->Scan(storage::Table::kFrontier, "q|",
                       [&](std::string_view k, std::string_view) {
                         first_key = std::string(k);
                         return false;
                       })
                .ok());
    db.Put(storage::Table::kFrontier, first_key, R"({"url":"http://a.test/1","depth":"deep"})");
    auto reopened = db.Frontier();
    auto c = reopened->Claim(5, db.clock.NowMs());
    REQUIRE_FALSE(c.has_value());
    CHECK(c.error().code() == Status::Code::kCorruption);
    CHECK_THAT(c.error().message(), Catch::Contains("task q|a.test:80|2|"));
  }
  SECTION("a queued task filed under another host") {
    db.Put(storage::Table::kFrontier, "q|a.test:80|2|" + storage::EncodeU64(7),
           R"({"url":"http://b.test/1"})");
    auto c = db.Frontier()->Claim(5, db.clock.NowMs());
    REQUIRE_FALSE(c.has_value());
    CHECK_THAT(c.error().message(), Catch::Contains("is not on host a.test:80"));
  }
  SECTION("a malformed queue key") {
    db.Put(storage::Table::kFrontier, "q|junk", "{}");
    LocalFrontier f(*db.store, db.clock);
    Status s = f.Open();
    CHECK(s.code() == Status::Code::kCorruption);
    CHECK_THAT(s.message(), Catch::Contains("queue key q|junk") && Catch::Contains("malformed"));
  }
  SECTION("a hosts record with a field of the wrong type") {
    db.Put(storage::Table::kHosts, "a.test:80", R"({"robots":"","robots_fetched_ms":"yesterday"})");
    auto r = db.Frontier()->GetRobots("a.test:80");
    REQUIRE_FALSE(r.has_value());
    CHECK_THAT(r.error().message(), Catch::Contains("hosts record of a.test:80") &&
                                        Catch::Contains("robots_fetched_ms"));
  }
}
