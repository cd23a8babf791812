#include "adwatch/storage/options.h"

#include <catch2/catch.hpp>

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
  o.write_buffer_bytes = 1000;
  CHECK(Validate(o).IsInvalidArgument());
}

}  // namespace
}  // namespace adwatch::storage
