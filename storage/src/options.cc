#include "adwatch/storage/options.h"

#include <algorithm>
#include <string>

#include "adwatch/common/time.h"

namespace adwatch::storage {

MemoryBudgetSplit SplitMemoryBudget(const StoreOptions& o) {
  const int64_t budget = o.memory_budget_bytes;
  MemoryBudgetSplit m;
  m.block_cache_bytes = budget;
  // Half for buffers: a crawl writes far more than it reads back, but the seen-set's point
  // lookups and the frontier's scans need the blocks they just wrote to stay cached.
  m.write_buffers_bytes = budget / 2;
  // Bodies are most of the bytes written: a quarter of the budget (an eighth at most of the
  // buffers' half each for the others) keeps their table files few. Every other table gets a
  // thirty-second; most of them stay far smaller and only the busy ones (seen, frontier, ads,
  // verdicts, pages) fill theirs. Never under 1 MiB, where flushes would dominate.
  m.bodies_write_buffer_bytes = std::max<int64_t>(1LL << 20, budget / 4);
  m.table_write_buffer_bytes = std::max<int64_t>(1LL << 20, budget / 32);
  m.max_wal_bytes = budget;
  return m;
}

Status Validate(const StoreOptions& o) {
  auto bad = [](std::string_view field, std::string_view why) {
    return Status::InvalidArgument(std::string("storage.") + std::string(field), why);
  };
  if (o.path.empty()) return bad("path", "must not be empty");
  if (o.sync_interval_ms < 10 || o.sync_interval_ms > 60000) {
    return bad("sync_interval_ms", "must be between 10 and 60000");
  }
  if (o.retention_days < 0 || o.retention_days > 36500) {
    return bad("retention_days", "must be between 0 (keep forever) and 36500");
  }
  if (o.repost_min_chars < 1 || o.repost_min_chars > 100000) {
    return bad("repost_min_chars", "must be between 1 and 100000");
  }
  if (o.memory_budget_bytes < (8LL << 20) || o.memory_budget_bytes > (64LL << 30)) {
    return bad("memory_budget_mb", "must be between 8 and 65536 (MiB)");
  }
  if (o.zstd_level < 1 || o.zstd_level > 19) return bad("zstd_level", "must be between 1 and 19");
  if (auto tz = LocalDays::Create(o.timezone); !tz) return bad("timezone", tz.error().message());
  return Status::OK();
}

}  // namespace adwatch::storage
