// Damaged files and a full disk: clear errors, never a silent half-write.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "adwatch/storage/store.h"
#include "child_process.h"
#include "test_util.h"

namespace adwatch::storage {
namespace {

using testing::ChildProcess;
using testing::kNoonJakarta;
using testing::ManualClock;
using testing::TempDir;
using testing::TestOptions;

TEST_CASE("A damaged table file is reported as corruption with what to do", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  const StoreOptions o = TestOptions(dir.Sub("db"));
  {
    auto store = Store::Open(o, clock);
    REQUIRE(store.has_value());
    for (uint64_t n = 1; n <= 50; ++n) {
      REQUIRE((*store)->Write(testing::GeneratedPage(n, kNoonJakarta, 8000)).has_value());
    }
    REQUIRE((*store)->Flush().ok());
  }
  int damaged = 0;
  for (const auto& e : std::filesystem::directory_iterator(o.path)) {
    if (e.path().extension() != ".sst" || e.file_size() < 4096) continue;
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(e.file_size() / 3));
    const std::string junk(256, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    ++damaged;
  }
  REQUIRE(damaged > 0);
  auto store = Store::Open(o, clock);
  Status s;
  if (!store) {
    s = store.error();
  } else {
    auto check = (*store)->Check();
    REQUIRE_FALSE(check.has_value());
    s = check.error();
  }
  CHECK(s.code() == Status::Code::kCorruption);
  CHECK_THAT(s.message(), Catch::Contains("restore the latest backup"));
}

TEST_CASE("A full disk fails the write cleanly and loses nothing acknowledged", "[storage]") {
  TempDir dir;
  const std::string db = dir.Sub("db");
  // A 3 MiB file size limit: the WAL hits it after a few dozen 64 KiB pages.
  ChildProcess child({STORAGE_TEST_WRITER, "fill", db, std::to_string(3 << 20)});
  REQUIRE(child.pid() > 0);
  const int status = child.Wait();
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  uint64_t acked = 0;
  std::string error, again;
  for (const auto& line : child.lines()) {
    if (line.starts_with("page ")) acked = std::stoull(line.substr(5));
    if (line.starts_with("error ")) error = line;
    if (line.starts_with("again ")) again = line;
  }
  INFO(error);
  CHECK(acked > 5);
  CHECK_THAT(error, Catch::Contains("IO error") && Catch::Contains("storing page"));
  CHECK(again == "again error");  // the store refuses writes until reopened

  ManualClock clock(kNoonJakarta);
  auto store = Store::Open(TestOptions(db), clock);
  REQUIRE(store.has_value());
  auto check = (*store)->Check();
  REQUIRE(check.has_value());
  for (const auto& p : check->problems) UNSCOPED_INFO(p);
  CHECK(check->problems.empty());
  CHECK(check->pages >= static_cast<int64_t>(acked));
  CHECK(check->pages <= static_cast<int64_t>(acked) + 1);  // the failed one, whole, or not
}

}  // namespace
}  // namespace adwatch::storage
