// The one store writer of the Redis mode (docs/distributed.md): reads the results stream that
// crawl workers fill, stores each page with its ads (Store::Write: ids are content-derived, so a
// page stored twice is stored once), forces the WAL to disk, and only then acknowledges the
// batch. Killed at any moment, it reads the unacknowledged entries again when restarted. Run by
// `adwatch ingest` and by `adwatch serve --frontier`.
#ifndef ADWATCH_APP_INGEST_H_
#define ADWATCH_APP_INGEST_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "adwatch/frontier_redis/redis_address.h"
#include "adwatch/frontier_redis/results.h"
#include "adwatch/storage/store.h"

namespace adwatch::app {

struct IngestStats {
  int64_t entries = 0;  // stream entries acknowledged
  int64_t pages = 0;    // pages stored
  int64_t ads = 0;      // ads stored (new or seen again)
  int64_t dead = 0;     // entries that did not decode, moved to adw:results:dead
};

class Ingest {
 public:
  // Connects to the stream's consumer group as `consumer`. IOError when Redis cannot be reached.
  // REQUIRES: `store` outlives the ingest and is open for writing.
  static Result<std::unique_ptr<Ingest>> Create(const frontier_redis::RedisAddress& address,
                                                storage::Store& store,
                                                const std::string& consumer = "ingest");

  // One batch: reads up to `max` entries (waiting up to `block_ms` for some), stores them, syncs
  // the WAL, acknowledges them. Returns how many entries it handled. A store error (IOError: the
  // disk is full) returns before anything of the batch is acknowledged.
  Result<int> Step(int max, int block_ms);

  // Steps until `stop` is set, or with `until_drained`, until the frontier is drained (nothing
  // queued, leased or unstored). `progress` after each non-empty batch.
  Status Run(const std::atomic<bool>& stop, bool until_drained,
             const std::function<void(const IngestStats&)>& progress = {});

  Result<frontier_redis::FrontierState> State() { return reader_->State(); }
  const IngestStats& stats() const { return stats_; }

 private:
  Ingest(std::unique_ptr<frontier_redis::ResultReader> reader, storage::Store& store)
      : reader_(std::move(reader)), store_(store) {}

  std::unique_ptr<frontier_redis::ResultReader> reader_;
  storage::Store& store_;
  IngestStats stats_;
};

}  // namespace adwatch::app

#endif  // ADWATCH_APP_INGEST_H_
