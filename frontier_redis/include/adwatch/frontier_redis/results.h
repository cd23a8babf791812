// ResultReader: the store writer's side of the results stream (docs/distributed.md). One
// consumer group ("store") reads adw:results; an entry stays pending until Ack, so a writer
// killed between reading and storing reads the same entries again when it restarts (whatever any
// consumer left pending first, then new ones). Ack removes the entries (XACK + XDEL in one
// atomic script) so the stream's memory is freed; the stream is never trimmed otherwise.
// Not thread-safe: one reader per thread.
#ifndef ADWATCH_FRONTIER_REDIS_RESULTS_H_
#define ADWATCH_FRONTIER_REDIS_RESULTS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adwatch/common/status.h"
#include "adwatch/frontier_redis/redis_address.h"

namespace adwatch::frontier_redis {

struct ResultReaderOptions {
  RedisAddress address;
  std::string consumer = "ingest";
  int connect_timeout_ms = 2000;
  int64_t reconnect_for_ms = 60'000;
};

// One entry of the results stream: its id and fields (redis_frontier.h names them).
struct ResultEntry {
  std::string id;
  std::map<std::string, std::string> fields;
  // The value of `name`, or "".
  const std::string& Field(const std::string& name) const;
};

// The frontier's global counters (adw:stats and sizes), for progress lines and for knowing that
// a crawl is over: nothing queued, no lease out, nothing left in the stream.
struct FrontierState {
  int64_t queued = 0;
  int64_t leases = 0;
  int64_t results_backlog = 0;  // entries in the stream not yet acknowledged
  int64_t added = 0;            // URLs ever queued
  int64_t done = 0;             // leases ended with a result
  int64_t stale = 0;            // lease ends that came after the lease expired
  int64_t reaped = 0;           // leases that expired and came back
  // Something was crawled and nothing is queued, leased or waiting to be stored.
  bool Drained() const { return added > 0 && queued == 0 && leases == 0 && results_backlog == 0; }
};

class ResultReader {
 public:
  // Connects and creates the group if missing (from the stream's start, so nothing written
  // earlier is skipped). IOError when Redis cannot be reached.
  static Result<std::unique_ptr<ResultReader>> Connect(const ResultReaderOptions& options);
  ~ResultReader();

  // Up to `max` entries: first those read before but not acknowledged (by this consumer or any
  // other, e.g. a killed writer under another name), then new ones, waiting up to `block_ms`
  // for them (0: no wait). An empty list when none came.
  Result<std::vector<ResultEntry>> Read(int max, int block_ms);

  // Acknowledges and deletes the entries: call only once what they hold is durable.
  Status Ack(const std::vector<std::string>& ids);

  // Copies an entry that cannot be stored (it does not decode) to adw:results:dead with the
  // reason, then acknowledges it, so one bad entry cannot stop the writer.
  Status DeadLetter(const ResultEntry& entry, const std::string& reason);

  Result<FrontierState> State();

 private:
  struct Rep;
  explicit ResultReader(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace adwatch::frontier_redis

#endif  // ADWATCH_FRONTIER_REDIS_RESULTS_H_
