// Token buckets for the API's rate limits (../shared/API.md, "Rate limits"): a bucket per key
// (a token id, a client address, an organisation) holds up to `burst` tokens and refills at
// `rate` per second; a request takes one or is refused with the seconds until one is back
// (Retry-After). Buckets that are full again are forgotten, so memory stays bounded by the keys
// active within the last burst/rate seconds, and by `max_keys` (a full table refuses new keys
// rather than growing: a flood of forged addresses cannot exhaust memory).
//
// Thread-safe.
#ifndef ADWATCH_API_RATE_LIMIT_H_
#define ADWATCH_API_RATE_LIMIT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace adwatch::api {

class Limits {
 public:
  explicit Limits(size_t max_keys = 100'000);
  ~Limits();
  Limits(const Limits&) = delete;
  Limits& operator=(const Limits&) = delete;

  // Takes one token from the bucket `key` (created full) at `now_ms`. Returns 0 when taken, else
  // the whole seconds (>= 1) after which one will be available: ceil((1 - tokens) / rate).
  // REQUIRES: rate > 0, burst >= 1. Buckets of different rates need different key prefixes.
  int64_t Take(std::string_view key, double rate, double burst, int64_t now_ms);

  // Like Take, but only looks: whether a token is there now (for "is this address already
  // refused?" before doing work).
  bool Has(std::string_view key, double rate, double burst, int64_t now_ms) const;

  size_t keys() const;

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

}  // namespace adwatch::api

#endif  // ADWATCH_API_RATE_LIMIT_H_
