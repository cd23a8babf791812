// Options of the RocksDB store (storage/): where the database lives, how hard each write is
// pushed to disk, how long unflagged evidence is kept, and the time zone its day indexes use.
// Plain values; Validate() is thread-safe.
#ifndef ADWATCH_STORAGE_OPTIONS_H_
#define ADWATCH_STORAGE_OPTIONS_H_

#include <cstdint>
#include <string>

#include "adwatch/common/records.h"
#include "adwatch/common/status.h"

namespace adwatch::storage {

// When the write-ahead log is forced to stable storage. The WAL itself is always on, so every
// acknowledged write survives a crash of the process (SIGKILL, abort, OOM kill) under either
// policy; the policies differ only when the machine itself loses power.
enum class SyncPolicy : uint8_t {
  // fsync before each write returns: nothing acknowledged is lost even on power loss. Costs one
  // fsync per page (about 1–5 ms on SSDs, more on VMs with network disks).
  kEveryBatch = 0,
  // A background thread fsyncs the WAL every `sync_interval_ms`: power loss may lose the writes
  // of that last interval. Far higher ingest rates.
  kInterval,
};

// How the store is opened.
enum class AccessMode : uint8_t {
  // The one writer. Takes the database's lock: a second writer process gets Unavailable.
  kReadWrite = 0,
  // A reader that never writes and never takes the lock, so `adwatch review list` works while
  // `adwatch crawl` runs (a RocksDB secondary instance, caught up at open). Sees the data as
  // of the moment of opening.
  kReadOnly,
};

struct StoreOptions {
  // The database folder. Created (with its parents) when missing and `create_if_missing`.
  std::string path = "adwatch.db";
  bool create_if_missing = true;
  AccessMode access = AccessMode::kReadWrite;

  // Keeps the whole database in memory (RocksDB's in-memory Env), the same code as on disk:
  // for tests of other modules that need a store (as leveldb ships NewMemEnv). `path` is still
  // the name of the database inside that memory; backup and restore are refused.
  bool in_memory = false;

  SyncPolicy sync = SyncPolicy::kEveryBatch;
  // Period of the background WAL fsync under SyncPolicy::kInterval, in milliseconds (10–60000).
  int sync_interval_ms = 1000;

  // Raw page bodies that produced no flagged ad are dropped this many days after their fetch
  // (the page's metadata and SHA-256 stay). 0 keeps every body forever. Evidence of flagged ads
  // is kept regardless, until a reviewer labels the ad "released".
  int retention_days = 90;
  // An ad at or above this level is "flagged": its page body is kept past retention.
  Level keep_evidence_min_level = Level::kLow;

  // IANA time zone in which every day index (by_day, by_region) counts calendar days. It is
  // recorded in the database when created; opening with another zone is refused, because the
  // stored day keys would no longer agree with the configured days.
  std::string timezone = "Asia/Jakarta";

  // Two ads whose normalised text is at least this long and identical are linked as reposts.
  // Shorter texts ("Hubungi kami") are too common to mean the same ad.
  int repost_min_chars = 40;

  // Everything RocksDB may hold in memory, in bytes: one budget, split in one place
  // (SplitMemoryBudget below, docs/storage.md "Memory"). The block cache is this size and shared
  // by every table; the write buffers (memtables) of all tables are charged to that same cache
  // and held to half of it; index and filter blocks live in the cache too, so nothing RocksDB
  // keeps grows with the database beyond this figure. More helps random reads (review show,
  // evidence) on large databases and bulk ingest; less suits small VMs. 8 MiB – 64 GiB. The
  // default, 16 MiB, keeps a crawl of 50,000 pages under 80 MB resident; a crawl spent no more
  // CPU per page than with 32 (docs/storage.md, "Memory").
  int64_t memory_budget_bytes = 16LL << 20;
  // ZSTD level of page bodies (1–19). Higher packs evidence tighter but ingests slower; 3 is
  // zstd's own default. Other tables use level 1.
  int zstd_level = 3;
};

// How memory_budget_bytes is divided; the one place the store's memory is sized.
struct MemoryBudgetSplit {
  // Capacity of the one LRU block cache all tables share (data, index and filter blocks).
  int64_t block_cache_bytes = 0;
  // Ceiling of all write buffers together (RocksDB's WriteBufferManager), charged to the block
  // cache so blocks and buffers together stay within the budget. Reaching it flushes the table
  // whose buffer is oldest.
  int64_t write_buffers_bytes = 0;
  // One write buffer of the page bodies table (large values: a bigger buffer means fewer
  // flushes and table files), and of every other table.
  int64_t bodies_write_buffer_bytes = 0;
  int64_t table_write_buffer_bytes = 0;
  // The write-ahead log is rolled (and tables written rarely are flushed) past this size, so
  // old log files do not pin memory or disk.
  int64_t max_wal_bytes = 0;
};
// REQUIRES: Validate(options) is OK.
MemoryBudgetSplit SplitMemoryBudget(const StoreOptions& options);

// Returns OK, or InvalidArgument naming the first bad field ("storage.sync_interval_ms: ...").
Status Validate(const StoreOptions& options);

}  // namespace adwatch::storage

#endif  // ADWATCH_STORAGE_OPTIONS_H_
