// The child process of the crash and full-disk tests. It writes generated pages into a store and
// reports each acknowledged write on stdout, one line per write, written with write(2) so that a
// line is in the pipe before the next write starts:
//
//   storage_test_writer crash DB FIRST_PAGE batch|interval
//       prints "open" once the store is open, then writes pages FIRST_PAGE, FIRST_PAGE+1, ...
//       until killed; prints "page N" after page N is stored, and "rescore N" after the ads of
//       page N got a rules-v2 verdict.
//   storage_test_writer fill DB FILE_SIZE_LIMIT_BYTES
//       writes 64 KiB pages with the process's file size limited (as a full disk would), prints
//       "page N" per stored page, then "error <message>" for the first failed write and
//       "again error|ok" for one more attempt; exits 0.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "adwatch/storage/ids.h"
#include "adwatch/storage/store.h"
#include "test_util.h"

namespace {

using adwatch::storage::testing::kNoonJakarta;

void Say(const std::string& line) {
  const std::string out = line + "\n";
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = write(1, out.data() + done, out.size() - done);
    if (n <= 0) std::_Exit(3);
    done += static_cast<size_t>(n);
  }
}

int Crash(const std::string& db, uint64_t first, const std::string& sync) {
  adwatch::SystemClock clock;
  adwatch::storage::StoreOptions o = adwatch::storage::testing::TestOptions(db);
  o.sync = sync == "interval" ? adwatch::storage::SyncPolicy::kInterval
                              : adwatch::storage::SyncPolicy::kEveryBatch;
  o.sync_interval_ms = 50;
  o.retention_days = 0;
  auto store = adwatch::storage::Store::Open(o, clock);
  if (!store) {
    std::fprintf(stderr, "open: %s\n", store.error().ToString().c_str());
    return 2;
  }
  Say("open");
  for (uint64_t n = first;; ++n) {
    const auto page = adwatch::storage::testing::GeneratedPage(
        n, kNoonJakarta + static_cast<int64_t>(n) * 60'000);
    auto r = (*store)->Write(page);
    if (!r) {
      std::fprintf(stderr, "write: %s\n", r.error().ToString().c_str());
      return 2;
    }
    Say("page " + std::to_string(n));
    if (n % 10 == 0 && n > 10) {
      const auto old = adwatch::storage::testing::GeneratedPage(n - 10, 0);
      for (const auto& ad : old.ads) {
        auto v = ad.verdict;
        v.ruleset_version = "rules-v2";
        v.score = 100 - v.score;
        auto u =
            (*store)->UpdateVerdict(adwatch::storage::AdIdFor(ad.ad), v, ad.regions, "rescore");
        if (!u) {
          std::fprintf(stderr, "rescore: %s\n", u.error().ToString().c_str());
          return 2;
        }
      }
      Say("rescore " + std::to_string(n - 10));
    }
  }
}

int Fill(const std::string& db, uint64_t limit) {
  signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails with EFBIG instead of killing us
  rlimit rl{limit, limit};
  if (setrlimit(RLIMIT_FSIZE, &rl) != 0) return 2;
  adwatch::SystemClock clock;
  adwatch::storage::StoreOptions o = adwatch::storage::testing::TestOptions(db);
  auto store = adwatch::storage::Store::Open(o, clock);
  if (!store) {
    Say("error " + store.error().ToString());
    return 0;
  }
  for (uint64_t n = 1; n < 100000; ++n) {
    auto r = (*store)->Write(adwatch::storage::testing::GeneratedPage(n, kNoonJakarta, 64 << 10));
    if (!r) {
      Say("error " + r.error().ToString());
      auto again = (*store)->Write(adwatch::storage::testing::GeneratedPage(n + 1, kNoonJakarta));
      Say(again ? "again ok" : "again error");
      return 0;
    }
    Say("page " + std::to_string(n));
  }
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "crash") {
    return Crash(argv[2], std::strtoull(argv[3], nullptr, 10), argv[4]);
  }
  if (argc == 4 && std::string(argv[1]) == "fill") {
    return Fill(argv[2], std::strtoull(argv[3], nullptr, 10));
  }
  std::fprintf(stderr,
               "usage: storage_test_writer crash DB FIRST batch|interval\n"
               "       storage_test_writer fill DB LIMIT_BYTES\n");
  return 2;
}
