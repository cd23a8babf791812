// The API's audit trail (../shared/API.md, "Audit log"): events go into a buffer and a thread of
// their own writes them to the store's append-only audit table in batches, so a request never
// waits for the log's fsync (under storage.sync: batch one event per fsync would cap the API at a
// few hundred requests a second). At most `flush_ms` of events is lost on a crash of the
// process; none on a clean stop (the destructor flushes).
//
// Thread-safe.
#ifndef ADWATCH_API_AUDIT_H_
#define ADWATCH_API_AUDIT_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "adwatch/common/records.h"
#include "adwatch/common/status.h"
#include "adwatch/storage/store.h"

namespace adwatch::api {

class AuditBuffer {
 public:
  // Starts the writer thread. REQUIRES: `store` outlives the buffer.
  explicit AuditBuffer(storage::Store& store, int flush_ms = 250, size_t max_buffered = 100'000);
  // Flushes what is buffered and stops the thread.
  ~AuditBuffer();
  AuditBuffer(const AuditBuffer&) = delete;
  AuditBuffer& operator=(const AuditBuffer&) = delete;

  // Queues `event`. When max_buffered events wait (the store is failing), the oldest are dropped
  // and counted.
  void Add(AuditEvent event);

  // Queues an "auth.ok" event for `token_id` from `ip`, at most once per `every_ms` per token
  // and address: the first use of a token from an address each minute says who used it, when
  // and from where, without writing a row per request.
  void AuthOk(const std::string& token_id, const std::string& org, const std::string& ip,
              int64_t now_ms, int64_t every_ms = 60'000);

  // Writes everything buffered now; returns the store's error, if any.
  Status Flush();

  // Events dropped because the buffer was full.
  uint64_t dropped() const;

 private:
  void Loop();

  storage::Store& store_;
  const int flush_ms_;
  const size_t max_buffered_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<AuditEvent> buffer_;
  std::unordered_map<std::string, int64_t> last_auth_ok_;  // token|ip → ms
  uint64_t dropped_ = 0;
  bool stop_ = false;
  std::mutex flush_mu_;  // one writer at a time, so batches keep their order
  std::thread thread_;
};

}  // namespace adwatch::api

#endif  // ADWATCH_API_AUDIT_H_
