// Timestamps and calendar days. Storage indexes, the review queue and digests all count days in
// one configured time zone (default Asia/Jakarta); LocalDays is that one definition of a day.
// All functions are thread-safe; a LocalDays object may be shared between threads.
#ifndef ADWATCH_COMMON_TIME_H_
#define ADWATCH_COMMON_TIME_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "adwatch/common/status.h"

namespace adwatch {

// Formats Unix ms as ISO-8601 UTC, "2026-11-22T05:10:27Z" (milliseconds only when non-zero).
std::string FormatUtc(int64_t unix_ms);

// Parses ISO-8601: "2026-11-22", "2026-11-22T05:10:27Z", "...27.5+07:00", "... 05:10:27".
// A date or time without an offset is read as UTC. Returns InvalidArgument on anything else.
Result<int64_t> ParseTimestamp(std::string_view text);

class LocalDays {
 public:
  // Returns InvalidArgument when `tz` is not an IANA zone ICU knows ("Asia/Jakarta").
  static Result<LocalDays> Create(std::string_view tz);

  LocalDays(LocalDays&&) noexcept;
  LocalDays& operator=(LocalDays&&) noexcept;
  ~LocalDays();

  // The calendar day, "YYYY-MM-DD", on which `unix_ms` falls in this zone.
  std::string DayOf(int64_t unix_ms) const;
  // "YYYY-MM-DD HH:MM", the local date and time of `unix_ms` to the minute.
  std::string MinuteOf(int64_t unix_ms) const;
  // Unix ms of 00:00 local time on `day` ("YYYY-MM-DD"); InvalidArgument on a malformed day.
  Result<int64_t> StartOf(std::string_view day) const;
  // The Unix ms of a wall-clock time in this zone, given as the ms since 1970-01-01T00:00 local
  // (what ParseTimestamp returns for a local time written without an offset).
  int64_t UtcOfLocal(int64_t local_ms) const;
  // The day `delta` days after `day` (negative: before). REQUIRES: day is a valid YYYY-MM-DD.
  static std::string AddDays(std::string_view day, int delta);
  // True when `day` is a valid YYYY-MM-DD date.
  static bool IsValidDay(std::string_view day);
  const std::string& zone() const { return zone_; }

 private:
  struct Rep;
  LocalDays(std::string zone, std::unique_ptr<Rep> rep);
  int64_t OffsetMs(int64_t unix_ms) const;

  std::string zone_;
  std::unique_ptr<Rep> rep_;
};

}  // namespace adwatch

#endif  // ADWATCH_COMMON_TIME_H_
