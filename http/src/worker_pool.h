// WorkerPool: a fixed set of threads running tasks from one bounded queue, where the server
// runs handlers so the io thread never waits on one. Thread-safe.
#ifndef ADWATCH_HTTP_SRC_WORKER_POOL_H_
#define ADWATCH_HTTP_SRC_WORKER_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "adwatch/common/status.h"

namespace adwatch::http::internal {

class WorkerPool {
 public:
  // Starts `threads` threads that take tasks from a queue of at most `max_queued` waiting
  // tasks. Returns Internal when a thread cannot start. REQUIRES: threads > 0, max_queued > 0.
  static Result<std::unique_ptr<WorkerPool>> Start(int threads, int max_queued);

  // Stop()s.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task` and returns true, or returns false (and drops nothing) when `max_queued`
  // tasks already wait or the pool is stopping. `task` runs on a worker thread.
  bool TryPost(std::function<void()>& task);

  // Tasks waiting for a worker now.
  int queued() const;

  // Lets the workers run every task still queued, then joins them. Idempotent.
  void Stop();

 private:
  WorkerPool(int max_queued) : max_queued_(max_queued) {}
  void Run();

  const int max_queued_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace adwatch::http::internal

#endif  // ADWATCH_HTTP_SRC_WORKER_POOL_H_
