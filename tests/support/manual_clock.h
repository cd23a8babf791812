// ManualClock: a Clock that stands still until the test (or a FakeFetcher waiting for the crawler)
// moves it. Thread-safe.
#ifndef ADWATCH_TESTS_SUPPORT_MANUAL_CLOCK_H_
#define ADWATCH_TESTS_SUPPORT_MANUAL_CLOCK_H_

#include <atomic>
#include <cstdint>

#include "adwatch/common/clock.h"

namespace adwatch::testing {

// 2026-11-22T05:00:00Z: a fixed, recognisable start for tests that do not care.
inline constexpr int64_t kManualClockStart = 1795323600000;

class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t now_ms = kManualClockStart) : now_ms_(now_ms) {}
  int64_t NowMs() const override { return now_ms_.load(); }
  void Set(int64_t now_ms) { now_ms_.store(now_ms); }
  void Advance(int64_t ms) { now_ms_.fetch_add(ms); }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace adwatch::testing

#endif  // ADWATCH_TESTS_SUPPORT_MANUAL_CLOCK_H_
