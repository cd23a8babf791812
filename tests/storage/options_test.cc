#include "adwatch/storage/options.h"

#include <rocksdb/convenience.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/options_util.h>

#include <catch2/catch.hpp>

#include "adwatch/storage/store.h"
#include "test_util.h"

namespace adwatch::storage {
namespace {

TEST_CASE("Default store options are valid", "[storage]") { CHECK(Validate(StoreOptions()).ok()); }

TEST_CASE("Store options name the bad field", "[storage]") {
  StoreOptions o;
  auto bad = [](StoreOptions x) { return Validate(x).message(); };
  o.path = "";
  CHECK_THAT(bad(o), Catch::Contains("storage.path"));
  o = {};
  o.sync_interval_ms = 5;
  CHECK_THAT(bad(o), Catch::Contains("storage.sync_interval_ms"));
  o = {};
  o.retention_days = -1;
  CHECK_THAT(bad(o), Catch::Contains("storage.retention_days"));
  o = {};
  o.timezone = "Mars/Olympus";
  CHECK_THAT(bad(o), Catch::Contains("storage.timezone"));
  o = {};
  o.zstd_level = 30;
  CHECK_THAT(bad(o), Catch::Contains("storage.zstd_level"));
  o = {};
  o.memory_budget_bytes = 1000;
  CHECK_THAT(bad(o), Catch::Contains("storage.memory_budget_mb"));
}

TEST_CASE("The memory budget is split in one place and adds up to itself", "[storage]") {
  StoreOptions o;
  o.memory_budget_bytes = 64LL << 20;
  const MemoryBudgetSplit m = SplitMemoryBudget(o);
  // One cache the size of the budget; the write buffers are charged to it, so the budget is
  // the ceiling of both together.
  CHECK(m.block_cache_bytes == 64LL << 20);
  CHECK(m.write_buffers_bytes == 32LL << 20);
  CHECK(m.bodies_write_buffer_bytes == 16LL << 20);
  CHECK(m.table_write_buffer_bytes == 2LL << 20);
  CHECK(m.write_buffers_bytes <= m.block_cache_bytes);
  // A small budget still gives every table a usable buffer.
  o.memory_budget_bytes = 8LL << 20;
  CHECK(SplitMemoryBudget(o).table_write_buffer_bytes == 1LL << 20);
  CHECK(SplitMemoryBudget(o).bodies_write_buffer_bytes == 2LL << 20);
}

}  // namespace
}  // namespace adwatch::storage

namespace adwatch::storage {
namespace {

TEST_CASE("An opened store is built from its memory budget", "[storage]") {
  testing::TempDir dir;
  testing::ManualClock clock(testing::kNoonJakarta);
  StoreOptions o = testing::TestOptions(dir.Sub("db"));
  o.memory_budget_bytes = 48LL << 20;
  {
    auto store = Store::Open(o, clock);
    REQUIRE(store.has_value());
  }
  // RocksDB records the options a database was opened with; read them back.
  rocksdb::ConfigOptions config;
  rocksdb::DBOptions db_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> tables;
  REQUIRE(rocksdb::LoadLatestOptions(config, o.path, &db_options, &tables).ok());
  CHECK(db_options.max_total_wal_size == 48ULL << 20);
  int checked = 0;
  for (const auto& t : tables) {
    if (t.name == "default") continue;
    const auto want = t.name == "bodies" ? 12ULL << 20 : 1536ULL << 10;  // B/4, B/32
    CHECK(t.options.write_buffer_size == want);
    const auto* table = t.options.table_factory->GetOptions<rocksdb::BlockBasedTableOptions>();
    REQUIRE(table != nullptr);
    CHECK(table->cache_index_and_filter_blocks);
    CHECK(table->pin_l0_filter_and_index_blocks_in_cache);
    ++checked;
  }
  CHECK(checked >= 20);
}

}  // namespace
}  // namespace adwatch::storage
