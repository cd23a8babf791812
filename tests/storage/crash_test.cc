// The crash test: a child process writes pages in a loop and reports each acknowledged write;
// the test SIGKILLs it at random moments, reopens the database and checks that every
// acknowledged write is there whole and that no ad exists without its page and verdict.
#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <set>

#include "adwatch/common/hash.h"
#include "adwatch/storage/ids.h"
#include "adwatch/storage/store.h"
#include "child_process.h"
#include "test_util.h"

namespace adwatch::storage {
namespace {

using testing::ChildProcess;
using testing::kNoonJakarta;
using testing::ManualClock;
using testing::TempDir;

// Checks that page `n` and its ads are stored whole.
void RequirePageWhole(const Store& store, uint64_t n, const std::set<uint64_t>& rescored) {
  const PageWrite want = testing::GeneratedPage(n, kNoonJakarta + static_cast<int64_t>(n) * 60'000);
  const std::string page_id = PageIdFor(want.page->final_url, Sha256Hex(want.page->body));
  auto page = store.GetPage(page_id, /*with_body=*/true);
  INFO("page " << n);
  REQUIRE(page.has_value());
  REQUIRE(page->fetch.body == want.page->body);
  for (const auto& ad : want.ads) {
    const std::string id = AdIdFor(ad.ad);
    auto rec = store.GetAd(id);
    REQUIRE(rec.has_value());
    CHECK(rec->page_id == page_id);
    CHECK(std::find(page->ad_ids.begin(), page->ad_ids.end(), id) != page->ad_ids.end());
    if (rescored.contains(n)) {
      CHECK(rec->verdict.ruleset_version == "rules-v2");
      CHECK(rec->verdict.score == 100 - ad.verdict.score);
    } else if (rec->verdict.ruleset_version == "rules-v1") {
      CHECK(rec->verdict.score == ad.verdict.score);
    }
    CHECK(rec->verdict.entities.contacts.size() == ad.verdict.entities.contacts.size());
  }
}

TEST_CASE("Every acknowledged write survives SIGKILL at random moments", "[storage][crash]") {
  TempDir dir;
  const std::string db = dir.Sub("db");
  const auto seed = static_cast<unsigned>(
      std::chrono::steady_clock::now().time_since_epoch().count() & 0xffffffff);
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> run_ms(5, 80);
  std::uniform_int_distribution<int> startup_ms(0, 60);
  std::set<uint64_t> acked, rescored;
  uint64_t next = 1;
  int kills_during_writes = 0;
  int64_t verify_ms = 0;
  constexpr int kKills = 50;
  for (int round = 0; round < kKills; ++round) {
    const char* sync = round % 2 == 0 ? "batch" : "interval";
    ChildProcess child({STORAGE_TEST_WRITER, "crash", db, std::to_string(next), sync});
    REQUIRE(child.pid() > 0);
    if (round % 5 == 4) {
      // Some kills land while the child is still opening (recovering) the database.
      child.ReadFor(startup_ms(rng));
    } else {
      REQUIRE(child.ReadUntil("open", 30'000));
      child.ReadFor(run_ms(rng));
    }
    child.Kill();
    std::vector<uint64_t> this_round;
    for (const auto& line : child.lines()) {
      if (line == "open") continue;
      const auto space = line.find(' ');
      REQUIRE(space != std::string::npos);
      const uint64_t n = std::stoull(line.substr(space + 1));
      if (line.starts_with("page ")) {
        acked.insert(n);
        this_round.push_back(n);
      } else if (line.starts_with("rescore ")) {
        rescored.insert(n);
      } else {
        FAIL("unexpected line from the writer: " << line);
      }
    }
    if (!this_round.empty()) ++kills_during_writes;
    if (!acked.empty()) next = *acked.rbegin() + 1;

    const auto verify_start = std::chrono::steady_clock::now();
    ManualClock clock(kNoonJakarta);
    StoreOptions o = testing::TestOptions(db);
    o.retention_days = 0;
    auto store = Store::Open(o, clock);
    if (acked.empty() && !store) {
      // Killed before the database was even created: nothing was acknowledged.
      continue;
    }
    REQUIRE(store.has_value());
    // Every page acknowledged in this round is whole.
    for (uint64_t n : this_round) RequirePageWhole(**store, n, rescored);
    // The page in flight when the kill came is all there or not there at all.
    const PageWrite in_flight = testing::GeneratedPage(next, 0);
    bool any = false;
    for (const auto& ad : in_flight.ads) any = any || (*store)->GetAd(AdIdFor(ad.ad)).has_value();
    if (any) RequirePageWhole(**store, next, rescored);
    // Every fifth round, the invariants of the whole database: no ad without its page and
    // verdict, no index entry without its ad, every body matching its SHA-256.
    if (round % 5 == 0) {
      auto check = (*store)->Check();
      REQUIRE(check.has_value());
      for (const auto& p : check->problems) UNSCOPED_INFO(p);
      REQUIRE(check->problems.empty());
    }
    verify_ms += std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - verify_start)
                     .count();
  }
  // The last full pass: every page acknowledged in any round.
  ManualClock clock(kNoonJakarta);
  auto store = Store::Open(testing::TestOptions(db), clock);
  REQUIRE(store.has_value());
  for (uint64_t n : acked) RequirePageWhole(**store, n, rescored);
  auto check = (*store)->Check();
  REQUIRE(check.has_value());
  for (const auto& p : check->problems) UNSCOPED_INFO(p);
  REQUIRE(check->problems.empty());
  WARN("acknowledged pages " << acked.size() << ", rescored " << rescored.size()
                             << ", rounds that wrote " << kills_during_writes << ", verifying took "
                             << verify_ms << " ms");
  CHECK(acked.size() > 100);
  CHECK(kills_during_writes > kKills / 2);
}

}  // namespace
}  // namespace adwatch::storage
