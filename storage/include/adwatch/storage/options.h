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

  // Memory for caching decompressed blocks, shared by all tables. More helps random reads
  // (review show, evidence) on large databases; 0 disables the cache.
  int64_t block_cache_bytes = 64LL << 20;
  // Size of each in-memory write buffer before it is flushed to a table file. Larger buffers
  // mean fewer, larger files and faster bulk ingest, at the cost of memory and recovery time.
  // All tables' buffers together are capped at four times this.
  int64_t write_buffer_bytes = 16LL << 20;
  // ZSTD level of page bodies (1–19). Higher packs evidence tighter but ingests slower; 3 is
  // zstd's own default. Other tables use level 1.
  int zstd_level = 3;
};

// Returns OK, or InvalidArgument naming the first bad field ("storage.sync_interval_ms: ...").
Status Validate(const StoreOptions& options);

}  // namespace adwatch::storage

#endif  // ADWATCH_STORAGE_OPTIONS_H_
