#include "adwatch/crawler/retry_policy.h"

#include <algorithm>

#include "adwatch/common/names.h"

namespace adwatch::crawler {

bool IsTransient(const FetchResult& r) {
  switch (r.error) {
    case FetchError::kConnect:
    case FetchError::kTimeout:
    case FetchError::kProtocol:
    case FetchError::kDns:
      return true;
    case FetchError::kNone:
      return r.http_status == 429 || r.http_status >= 500;
    default:
      return false;
  }
}

RetryDecision NextAttempt(const FetchTask& task, const FetchResult& result,
                          const RetryOptions& options, std::mt19937_64& rng) {
  RetryDecision d;
  if (!IsTransient(result)) return d;
  d.reason = result.error != FetchError::kNone
                 ? std::string(Name(result.error)) + ": " + result.error_message
                 : "HTTP " + std::to_string(result.http_status);
  const int max = result.error == FetchError::kDns
                      ? std::min(options.max_dns_retries, options.max_retries)
                      : options.max_retries;
  if (task.attempt >= max) {
    d.kind = RetryDecision::Kind::kGiveUp;
    d.reason += " after " + std::to_string(task.attempt + 1) + " attempt(s)";
    return d;
  }
  d.kind = RetryDecision::Kind::kRetry;
  d.task = task;
  d.task.attempt = task.attempt + 1;
  d.task.not_before_ms = 0;
  // Shifts are capped so that a large attempt count cannot overflow.
  int64_t backoff = options.base_ms << std::min(d.task.attempt - 1, 16);
  std::uniform_int_distribution<int64_t> jitter(0, backoff / 4);
  backoff += jitter(rng);
  if (result.retry_after_s > 0) {
    backoff = std::max<int64_t>(backoff,
                                std::min(result.retry_after_s, options.max_retry_after_s) * 1000);
  }
  d.delay_ms = backoff;
  return d;
}

}  // namespace adwatch::crawler
