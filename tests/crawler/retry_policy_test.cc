// RetryPolicy: only transient failures are retried, with doubling backoff and jitter, never
// sooner than Retry-After, and never more often than allowed.
#include "adwatch/crawler/retry_policy.h"

#include <catch2/catch.hpp>

using namespace adwatch;
using namespace adwatch::crawler;

namespace {

FetchResult Http(int status, int64_t retry_after_s = -1) {
  FetchResult r;
  r.http_status = status;
  r.retry_after_s = retry_after_s;
  return r;
}

FetchResult Failed(FetchError e, std::string message = "boom") {
  FetchResult r;
  r.error = e;
  r.error_message = std::move(message);
  return r;
}

FetchTask Attempt(int attempt) {
  FetchTask t;
  t.url = "https://loker.example.id/1";
  t.source = "board";
  t.attempt = attempt;
  t.not_before_ms = 123;
  return t;
}

}  // namespace

TEST_CASE("Connection errors, timeouts, 429 and 5xx are transient, the rest is final",
          "[crawler][retry]") {
  CHECK(IsTransient(Failed(FetchError::kConnect)));
  CHECK(IsTransient(Failed(FetchError::kTimeout)));
  CHECK(IsTransient(Failed(FetchError::kProtocol)));
  CHECK(IsTransient(Failed(FetchError::kDns)));
  CHECK(IsTransient(Http(429)));
  CHECK(IsTransient(Http(500)));
  CHECK(IsTransient(Http(503)));
  CHECK_FALSE(IsTransient(Http(200)));
  CHECK_FALSE(IsTransient(Http(404)));
  CHECK_FALSE(IsTransient(Http(410)));
  CHECK_FALSE(IsTransient(Failed(FetchError::kTls)));
  CHECK_FALSE(IsTransient(Failed(FetchError::kTooLarge)));
  CHECK_FALSE(IsTransient(Failed(FetchError::kBlockedAddress)));
  std::mt19937_64 rng(1);
  CHECK(NextAttempt(Attempt(0), Http(404), {}, rng).kind == RetryDecision::Kind::kNone);
}

TEST_CASE("Each retry waits twice as long as the last, plus at most a quarter of jitter",
          "[crawler][retry]") {
  RetryOptions o;
  o.max_retries = 5;
  o.base_ms = 1000;
  std::mt19937_64 rng(42);
  for (int attempt = 0; attempt < 5; ++attempt) {
    INFO("attempt " << attempt);
    for (int draw = 0; draw < 50; ++draw) {
      RetryDecision d = NextAttempt(Attempt(attempt), Http(503), o, rng);
      REQUIRE(d.kind == RetryDecision::Kind::kRetry);
      const int64_t base = 1000LL << attempt;
      CHECK(d.delay_ms >= base);
      CHECK(d.delay_ms <= base + base / 4);
      CHECK(d.task.attempt == attempt + 1);
      CHECK(d.task.not_before_ms == 0);
      CHECK(d.task.url == "https://loker.example.id/1");
      CHECK(d.reason == "HTTP 503");
    }
  }
}

TEST_CASE("Retry-After longer than the backoff wins, clamped to its maximum", "[crawler][retry]") {
  RetryOptions o;
  o.base_ms = 1000;
  o.max_retry_after_s = 60;
  std::mt19937_64 rng(7);
  CHECK(NextAttempt(Attempt(0), Http(429, 30), o, rng).delay_ms == 30'000);
  CHECK(NextAttempt(Attempt(0), Http(429, 86'400), o, rng).delay_ms == 60'000);
  // Shorter than the backoff: the backoff stands.
  const int64_t d = NextAttempt(Attempt(2), Http(503, 1), o, rng).delay_ms;
  CHECK(d >= 4000);
  CHECK(d <= 5000);
}

TEST_CASE("After the last attempt a transient failure gives up, saying how often it tried",
          "[crawler][retry]") {
  RetryOptions o;
  o.max_retries = 2;
  std::mt19937_64 rng(3);
  CHECK(NextAttempt(Attempt(1), Http(503), o, rng).kind == RetryDecision::Kind::kRetry);
  RetryDecision d = NextAttempt(Attempt(2), Http(503), o, rng);
  CHECK(d.kind == RetryDecision::Kind::kGiveUp);
  CHECK(d.reason == "HTTP 503 after 3 attempt(s)");
  RetryDecision t = NextAttempt(Attempt(2), Failed(FetchError::kTimeout, "after 60000 ms"), o, rng);
  CHECK(t.reason == "timeout: after 60000 ms after 3 attempt(s)");
  o.max_retries = 0;
  CHECK(NextAttempt(Attempt(0), Http(500), o, rng).kind == RetryDecision::Kind::kGiveUp);
}

TEST_CASE("A DNS failure is retried at most once", "[crawler][retry]") {
  RetryOptions o;
  o.max_retries = 5;
  std::mt19937_64 rng(5);
  CHECK(NextAttempt(Attempt(0), Failed(FetchError::kDns), o, rng).kind ==
        RetryDecision::Kind::kRetry);
  CHECK(NextAttempt(Attempt(1), Failed(FetchError::kDns), o, rng).kind ==
        RetryDecision::Kind::kGiveUp);
}

TEST_CASE("A huge attempt count does not overflow the backoff", "[crawler][retry]") {
  RetryOptions o;
  o.max_retries = 1000;
  std::mt19937_64 rng(9);
  RetryDecision d = NextAttempt(Attempt(500), Http(503), o, rng);
  REQUIRE(d.kind == RetryDecision::Kind::kRetry);
  CHECK(d.delay_ms >= (o.base_ms << 16));
  CHECK(d.delay_ms <= (o.base_ms << 16) * 5 / 4);
}
