#include "adwatch/api/rate_limit.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <unordered_map>

namespace adwatch::api {

struct Limits::Rep {
  struct Bucket {
    double tokens = 0;
    int64_t at_ms = 0;
    double rate = 1;
    double burst = 1;
  };
  size_t max_keys;
  mutable std::mutex mu;
  std::unordered_map<std::string, Bucket> buckets;
  int64_t last_sweep_ms = 0;

  static double Refilled(const Bucket& b, double rate, double burst, int64_t now_ms) {
    const double elapsed_s = static_cast<double>(std::max<int64_t>(0, now_ms - b.at_ms)) / 1000.0;
    return std::min(burst, b.tokens + elapsed_s * rate);
  }

  // Drops the buckets that are full again (at most once a second): forgetting them changes
  // nothing, as a new bucket starts full.
  void Sweep(int64_t now_ms) {
    if (now_ms - last_sweep_ms < 1000) return;
    last_sweep_ms = now_ms;
    for (auto it = buckets.begin(); it != buckets.end();) {
      const Bucket& b = it->second;
      it = Refilled(b, b.rate, b.burst, now_ms) >= b.burst ? buckets.erase(it) : std::next(it);
    }
  }
};

Limits::Limits(size_t max_keys) : rep_(std::make_unique<Rep>()) { rep_->max_keys = max_keys; }
Limits::~Limits() = default;

int64_t Limits::Take(std::string_view key, double rate, double burst, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  rep_->Sweep(now_ms);
  auto it = rep_->buckets.find(std::string(key));
  if (it == rep_->buckets.end()) {
    if (rep_->buckets.size() >= rep_->max_keys) return 1;
    it = rep_->buckets.emplace(std::string(key), Rep::Bucket{burst, now_ms, rate, burst}).first;
  }
  Rep::Bucket& b = it->second;
  b.rate = rate;
  b.burst = burst;
  b.tokens = Rep::Refilled(b, rate, burst, now_ms);
  b.at_ms = std::max(b.at_ms, now_ms);
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1 - b.tokens) / rate)));
}

bool Limits::Has(std::string_view key, double rate, double burst, int64_t now_ms) const {
  std::lock_guard<std::mutex> lock(rep_->mu);
  auto it = rep_->buckets.find(std::string(key));
  if (it == rep_->buckets.end()) return rep_->buckets.size() < rep_->max_keys;
  return Rep::Refilled(it->second, rate, burst, now_ms) >= 1;
}

size_t Limits::keys() const {
  std::lock_guard<std::mutex> lock(rep_->mu);
  return rep_->buckets.size();
}

}  // namespace adwatch::api
