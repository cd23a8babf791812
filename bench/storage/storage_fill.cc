// Fills a database with synthetic pages (synthetic.h) until its folder holds TARGET_MB once
// flushed and compacted, for measuring backup and restore of a database of a given size
// (bench/storage/backup_1gb.sh).
//
//   storage_fill DB TARGET_MB [FIRST_PAGE] [--compact]
//
// With --compact the size is measured after a full compaction, the size a database settles at
// once ingest calms down; without it, after a flush (faster; table files as ingest left them).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "adwatch/common/clock.h"
#include "adwatch/storage/store.h"
#include "synthetic.h"

namespace {

uint64_t DirBytes(const std::string& path) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(path, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: storage_fill DB TARGET_MB [FIRST_PAGE] [--compact]\n");
    return 2;
  }
  const bool compact = std::string(argv[argc - 1]) == "--compact";
  if (compact) --argc;
  const std::string path = argv[1];
  const uint64_t target = std::strtoull(argv[2], nullptr, 10) << 20;
  const uint64_t first = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 0;
  adwatch::SystemClock clock;
  adwatch::storage::StoreOptions o;
  o.path = path;
  o.sync = adwatch::storage::SyncPolicy::kInterval;
  o.retention_days = 0;
  auto store = adwatch::storage::Store::Open(o, clock);
  if (!store) {
    std::fprintf(stderr, "storage_fill: %s\n", store.error().ToString().c_str());
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  uint64_t n = first, ads = 0, raw = 0;
  while (true) {
    for (int i = 0; i < 2000; ++i, ++n) {
      const auto page = adwatch::storage::bench::SyntheticPage(n);
      ads += page.ads.size();
      raw += page.page->body.size();
      auto r = (*store)->Write(page);
      if (!r) {
        std::fprintf(stderr, "storage_fill: %s\n", r.error().ToString().c_str());
        return 1;
      }
    }
    // Measured after a flush, so that the write-ahead log does not count.
    if (auto s = (*store)->Flush(); !s.ok()) {
      std::fprintf(stderr, "storage_fill: %s\n", s.ToString().c_str());
      return 1;
    }
    if (DirBytes(path) < target) continue;
    if (!compact) break;
    if (auto s = (*store)->CompactAll(); !s.ok()) {
      std::fprintf(stderr, "storage_fill: %s\n", s.ToString().c_str());
      return 1;
    }
    if (DirBytes(path) >= target) break;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "storage_fill: %llu pages (%llu ads, %.0f MiB of raw bodies) in %.1f s; %s holds "
      "%.0f MiB\n",
      static_cast<unsigned long long>(n - first), static_cast<unsigned long long>(ads),
      static_cast<double>(raw) / (1 << 20), secs, path.c_str(),
      static_cast<double>(DirBytes(path)) / (1 << 20));
  return 0;
}
