// RetryPolicy: whether a fetch that went wrong is tried again, and when. Only transient failures
// are retried — connection errors, timeouts, protocol errors, DNS failures, HTTP 5xx and 429 —
// with exponential backoff and jitter, never sooner than the server's Retry-After. Everything
// else (a 404, a refused address, a body over the cap) is final at once. Pure functions: the
// random source is passed in. Thread-safe.
#ifndef ADWATCH_CRAWLER_RETRY_POLICY_H_
#define ADWATCH_CRAWLER_RETRY_POLICY_H_

#include <cstdint>
#include <random>
#include <string>

#include "adwatch/common/records.h"

namespace adwatch::crawler {

struct RetryOptions {
  // Further attempts after a transient failure (so at most max_retries + 1 requests per URL).
  int max_retries = 3;
  // A DNS failure rarely heals within a crawl: at most this many further attempts (and never more
  // than max_retries).
  int max_dns_retries = 1;
  // The first retry waits base_ms to 1.25 x base_ms (jitter); each further one twice as long.
  int64_t base_ms = 2000;
  // A Retry-After longer than this is clamped to it.
  int64_t max_retry_after_s = 3600;
};

// True when a fetch that ended with `result` may succeed if tried again: a connection error,
// timeout, protocol error or DNS failure, or an HTTP 429 or 5xx answer.
bool IsTransient(const FetchResult& result);

// What to do with a task after its fetch ended with `result`.
struct RetryDecision {
  enum class Kind : uint8_t {
    kNone,    // not a transient failure: the result is the task's outcome
    kRetry,   // fetch `task` again (attempt counted up) after `delay_ms`
    kGiveUp,  // a transient failure after the last attempt: the task failed, for `reason`
  };
  Kind kind = Kind::kNone;
  FetchTask task;        // kRetry: the task for the next attempt (attempt + 1, not_before_ms 0)
  int64_t delay_ms = 0;  // kRetry: wait at least this long (backoff with jitter, or Retry-After)
  // kRetry and kGiveUp: what went wrong, e.g. "HTTP 503", "timeout: ...". kGiveUp adds
  // " after N attempt(s)".
  std::string reason;
};

// Decides the next attempt of `task` (whose attempt field counts the tries so far, 0 for the
// first) after `result`. The backoff of retry n (1-based) is base_ms x 2^(n-1) plus up to a
// quarter of that drawn from `rng`, or the clamped Retry-After when that is longer. The caller
// sets the new task's not_before_ms from its own clock.
RetryDecision NextAttempt(const FetchTask& task, const FetchResult& result,
                          const RetryOptions& options, std::mt19937_64& rng);

}  // namespace adwatch::crawler

#endif  // ADWATCH_CRAWLER_RETRY_POLICY_H_
