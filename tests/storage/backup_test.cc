// Backup and restore, round trip on a database that is being written to.
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "adwatch/storage/ids.h"
#include "adwatch/storage/store.h"
#include "test_util.h"

namespace adwatch::storage {
namespace {

using testing::kNoonJakarta;
using testing::ManualClock;
using testing::TempDir;
using testing::TestOptions;

TEST_CASE("Backup of a database being written restores to a consistent database",
          "[storage][backup]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  StoreOptions o = TestOptions(dir.Sub("db"));
  o.sync = SyncPolicy::kInterval;
  auto store = Store::Open(o, clock);
  REQUIRE(store.has_value());
  for (uint64_t n = 1; n <= 300; ++n) {
    REQUIRE((*store)->Write(testing::GeneratedPage(n, kNoonJakarta)).has_value());
  }
  REQUIRE((*store)->Flush().ok());

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> written{300};
  std::atomic<bool> failed{false};
  std::thread writer([&] {
    for (uint64_t n = 301; !stop; ++n) {
      if (!(*store)->Write(testing::GeneratedPage(n, kNoonJakarta)).has_value()) {
        failed = true;
        return;
      }
      written = n;
    }
  });
  // The writer is under way before the backup starts and still writing after it ends.
  auto wait_for = [&](uint64_t n) {
    while (written < n && !failed) std::this_thread::yield();
  };
  wait_for(305);
  const uint64_t before = written;
  auto info = (*store)->Backup(dir.Sub("backups"), /*keep=*/2);
  const uint64_t after = written;
  wait_for(after + 5);
  stop = true;
  writer.join();
  REQUIRE_FALSE(failed);
  REQUIRE(info.has_value());
  CHECK(info->backup_id == 1);
  CHECK(info->bytes > 0);
  INFO("pages written during the backup: " << after - before);

  StoreOptions target = TestOptions(dir.Sub("restored"));
  auto moved = Store::Restore(dir.Sub("backups"), target, /*replace_existing=*/false);
  REQUIRE(moved.has_value());
  CHECK(moved->empty());
  auto restored = Store::Open(target, clock);
  REQUIRE(restored.has_value());
  auto check = (*restored)->Check();
  REQUIRE(check.has_value());
  for (const auto& p : check->problems) UNSCOPED_INFO(p);
  CHECK(check->problems.empty());
  // Whole pages only: at least what was there when the backup began, at most what was written
  // by the time it ended.
  CHECK(check->pages >= static_cast<int64_t>(before));
  CHECK(check->pages <= static_cast<int64_t>(after));
  // Every page written before the backup began is there with its ads and verdicts.
  for (uint64_t n : {uint64_t{1}, uint64_t{150}, uint64_t{300}, before}) {
    const auto want = testing::GeneratedPage(n, kNoonJakarta);
    for (const auto& a : want.ads) {
      auto got = (*restored)->GetAd(AdIdFor(a.ad));
      REQUIRE(got.has_value());
      CHECK(got->verdict.score == a.verdict.score);
    }
  }
  restored->reset();

  SECTION("a second backup is incremental and a restore over a database moves it aside") {
    REQUIRE((*store)->Write(testing::GeneratedPage(100000, kNoonJakarta)).has_value());
    auto second = (*store)->Backup(dir.Sub("backups"), 2);
    REQUIRE(second.has_value());
    CHECK(second->backup_id == 2);
    CHECK(Store::Restore(dir.Sub("backups"), target, false).error().IsInvalidArgument());
    auto aside = Store::Restore(dir.Sub("backups"), target, /*replace_existing=*/true);
    REQUIRE(aside.has_value());
    CHECK(aside->find(".replaced-") != std::string::npos);
    CHECK(std::filesystem::exists(*aside + "/CURRENT"));
    auto again = Store::Open(target, clock);
    REQUIRE(again.has_value());
    CHECK((*again)->Check()->pages > check->pages);
  }
  SECTION("restore refuses a database that is open") {
    CHECK(Store::Restore(dir.Sub("backups"), o, true).error().code() == Status::Code::kUnavailable);
  }
  SECTION("restore refuses a folder without a backup") {
    CHECK(Store::Restore(dir.Sub("nothing"), target, true).error().IsNotFound());
  }
  SECTION("a backup inside the database folder is refused") {
    CHECK((*store)->Backup(o.path + "/backup", 0).error().IsInvalidArgument());
  }
}

}  // namespace
}  // namespace adwatch::storage
