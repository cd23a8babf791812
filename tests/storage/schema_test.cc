// Schema versions, time zone and foreign folders: what Store::Open refuses and how it says so.
#include <rocksdb/db.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "adwatch/storage/keys.h"
#include "adwatch/storage/store.h"
#include "support/raw_db.h"
#include "test_util.h"

namespace adwatch::storage {
namespace {

using testing::kNoonJakarta;
using testing::ManualClock;
using testing::TempDir;
using testing::TestOptions;

// Opens the database with plain RocksDB and puts meta[key] = value.
void PutMeta(const std::string& path, const std::string& key, const std::string& value) {
  adwatch::testing::RawEdit(path, [&](rocksdb::DB& db, auto& cf) {
    REQUIRE(db.Put(rocksdb::WriteOptions(), cf.at("meta"), key, value).ok());
  });
}

TEST_CASE("A new database records its schema version and reopens", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  const auto o = TestOptions(dir.Sub("nested/db"));
  REQUIRE(Store::Open(o, clock).has_value());
  REQUIRE(Store::Open(o, clock).has_value());
}

TEST_CASE("A database of a newer schema version is refused clearly", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  const auto o = TestOptions(dir.Sub("db"));
  REQUIRE(Store::Open(o, clock).has_value());
  PutMeta(o.path, "schema_version", EncodeU32(kSchemaVersion + 1));
  auto s = Store::Open(o, clock);
  REQUIRE_FALSE(s.has_value());
  CHECK(s.error().IsInvalidArgument());
  CHECK_THAT(s.error().message(), Catch::Contains("newer than this adwatch"));
  CHECK_THAT(s.error().message(), Catch::Contains("upgrade adwatch"));
}

TEST_CASE("A database of an older schema without a migration is refused clearly", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  const auto o = TestOptions(dir.Sub("db"));
  REQUIRE(Store::Open(o, clock).has_value());
  PutMeta(o.path, "schema_version", EncodeU32(0));
  auto s = Store::Open(o, clock);
  REQUIRE_FALSE(s.has_value());
  CHECK(s.error().IsInvalidArgument());
  CHECK_THAT(s.error().message(), Catch::Contains("no migration from version 0"));
}

TEST_CASE("Opening with another time zone than the database's is refused", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto o = TestOptions(dir.Sub("db"));
  REQUIRE(Store::Open(o, clock).has_value());
  o.timezone = "Asia/Makassar";
  auto s = Store::Open(o, clock);
  REQUIRE_FALSE(s.has_value());
  CHECK_THAT(s.error().message(), Catch::Contains("Asia/Jakarta"));
}

TEST_CASE("A folder that is not an adwatch database is left alone", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  SECTION("a folder with other files") {
    std::filesystem::create_directories(dir.Sub("docs"));
    std::ofstream(dir.Sub("docs/thesis.txt")) << "important";
    auto s = Store::Open(TestOptions(dir.Sub("docs")), clock);
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().IsInvalidArgument());
    CHECK(std::filesystem::exists(dir.Sub("docs/thesis.txt")));
  }
  SECTION("a RocksDB database of someone else") {
    rocksdb::Options ro;
    ro.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    REQUIRE(rocksdb::DB::Open(ro, dir.Sub("other"), &db).ok());
    delete db;
    auto s = Store::Open(TestOptions(dir.Sub("other")), clock);
    REQUIRE_FALSE(s.has_value());
    CHECK_THAT(s.error().message(), Catch::Contains("not an adwatch one"));
  }
  SECTION("no database and no creation") {
    auto o = TestOptions(dir.Sub("missing"));
    o.create_if_missing = false;
    CHECK(Store::Open(o, clock).error().IsNotFound());
    o.access = AccessMode::kReadOnly;
    CHECK(Store::Open(o, clock).error().IsNotFound());
  }
}

TEST_CASE("Bad options are refused before anything is opened", "[storage]") {
  ManualClock clock(kNoonJakarta);
  StoreOptions o;
  o.path = "/tmp/adwatch-never-created";
  o.sync_interval_ms = 0;
  auto s = Store::Open(o, clock);
  REQUIRE_FALSE(s.has_value());
  CHECK_THAT(s.error().message(), Catch::Contains("storage.sync_interval_ms"));
  CHECK_FALSE(std::filesystem::exists(o.path));
}

}  // namespace
}  // namespace adwatch::storage

namespace adwatch::storage {
namespace {

// Rewrites every by_day and by_region value as the 4-byte form written before verdicts named a
// TPPO pattern.
void TruncateQueueValues(const std::string& path) {
  rocksdb::DBOptions o;
  std::vector<std::string> names;
  REQUIRE(rocksdb::DB::ListColumnFamilies(o, path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const auto& n : names) descs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  REQUIRE(rocksdb::DB::Open(o, path, descs, &handles, &db).ok());
  int rewritten = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] != "by_day" && names[i] != "by_region") continue;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[i]));
    std::vector<std::pair<std::string, std::string>> kv;
    for (it->SeekToFirst(); it->Valid(); it->Next())
      kv.emplace_back(it->key().ToString(), it->value().ToString());
    for (auto& [k, v] : kv) {
      REQUIRE(v.size() == 5);
      REQUIRE(db->Put(rocksdb::WriteOptions(), handles[i], k, v.substr(0, 4)).ok());
      ++rewritten;
    }
  }
  REQUIRE(rewritten > 0);
  for (auto* h : handles) REQUIRE(db->DestroyColumnFamilyHandle(h).ok());
  delete db;
}

TEST_CASE("The review queue filters by TPPO pattern and reads entries written before patterns",
          "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  const auto o = TestOptions(dir.Sub("db"));
  {
    auto store = Store::Open(o, clock);
    REQUIRE(store.has_value());
    const Pattern patterns[] = {Pattern::kOrgan, Pattern::kBride, Pattern::kOrgan};
    for (int i = 0; i < 3; ++i) {
      PageWrite w;
      w.page =
          testing::MakeFetch("https://p.example/" + std::to_string(i), "<p>x</p>", kNoonJakarta);
      Verdict v = testing::MakeVerdict(80, Level::kHigh);
      v.pattern = patterns[i];
      w.ads.push_back(
          testing::MakeAdWrite(testing::MakeAd("https://p.example/" + std::to_string(i),
                                               testing::AdText(200 + static_cast<uint64_t>(i))),
                               v, {"id.ntt"}));
      REQUIRE((*store)->Write(w).has_value());
    }
    auto organ = (*store)->Queue({.from_day = "2026-11-22", .pattern = Pattern::kOrgan});
    REQUIRE(organ.has_value());
    CHECK(organ->size() == 2);
    for (const auto& e : *organ) CHECK(e.pattern == Pattern::kOrgan);
    auto bride =
        (*store)->Queue({.from_day = "2026-11-22", .region = "id.ntt", .pattern = Pattern::kBride});
    REQUIRE(bride.has_value());
    CHECK(bride->size() == 1);
  }
  // A database written before patterns: its entries read as "other" and still check out whole
  // (the ads were stored with verdicts whose pattern is their own, so Check compares decoded).
  TruncateQueueValues(o.path);
  auto store = Store::Open(o, clock);
  REQUIRE(store.has_value());
  auto all = (*store)->Queue({.from_day = "2026-11-22"});
  REQUIRE(all.has_value());
  CHECK(all->size() == 3);
  for (const auto& e : *all) CHECK(e.pattern == Pattern::kOther);
  auto organ = (*store)->Queue({.from_day = "2026-11-22", .pattern = Pattern::kOrgan});
  CHECK(organ->empty());
}

}  // namespace
}  // namespace adwatch::storage
