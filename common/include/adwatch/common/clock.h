// Clock: where "now" comes from, passed in so that tests can hold time still (tests/support has
// ManualClock). SystemClock is thread-safe.
#ifndef ADWATCH_COMMON_CLOCK_H_
#define ADWATCH_COMMON_CLOCK_H_

#include <cstdint>

namespace adwatch {

class Clock {
 public:
  virtual ~Clock() = default;
  // Returns the current time as Unix epoch milliseconds, UTC.
  virtual int64_t NowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
};

}  // namespace adwatch

#endif  // ADWATCH_COMMON_CLOCK_H_
