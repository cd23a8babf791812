#include "adwatch/storage/options.h"

#include <string>

#include "adwatch/common/time.h"

namespace adwatch::storage {

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
  if (o.block_cache_bytes < 0) return bad("block_cache_bytes", "must not be negative");
  if (o.write_buffer_bytes < (1LL << 20) || o.write_buffer_bytes > (4LL << 30)) {
    return bad("write_buffer_bytes", "must be between 1 MiB and 4 GiB");
  }
  if (o.zstd_level < 1 || o.zstd_level > 19) return bad("zstd_level", "must be between 1 and 19");
  if (auto tz = LocalDays::Create(o.timezone); !tz) return bad("timezone", tz.error().message());
  return Status::OK();
}

}  // namespace adwatch::storage
