#include "adwatch/common/time.h"

#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <charconv>
#include <cstdio>
#include <mutex>

namespace adwatch {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t y;
  unsigned m, d;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool ParseInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Parses "YYYY-MM-DD" at the start of `s`.
bool ParseDate(std::string_view s, int& y, int& m, int& d) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  if (!ParseInt(s.substr(0, 4), y) || !ParseInt(s.substr(5, 2), m) ||
      !ParseInt(s.substr(8, 2), d)) {
    return false;
  }
  return m >= 1 && m <= 12 && d >= 1 && static_cast<unsigned>(d) <= DaysInMonth(y, m);
}

std::string FormatDay(int64_t days) {
  const Civil c = CivilFromDays(days);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.y), c.m, c.d);
  return buf;
}

}  // namespace

std::string FormatUtc(int64_t unix_ms) {
  const int64_t days = FloorDiv(unix_ms, kMsPerDay);
  const int64_t ms_of_day = unix_ms - days * kMsPerDay;
  const Civil c = CivilFromDays(days);
  const auto secs = static_cast<int>(ms_of_day / 1000);
  const auto ms = static_cast<int>(ms_of_day % 1000);
  char buf[40];
  if (ms != 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                  static_cast<long long>(c.y), c.m, c.d, secs / 3600, secs / 60 % 60, secs % 60,
                  ms);
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(c.y),
                  c.m, c.d, secs / 3600, secs / 60 % 60, secs % 60);
  }
  return buf;
}

Result<int64_t> ParseTimestamp(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidArgument("timestamp", "not ISO-8601: " + std::string(text));
  };
  int y, mo, d;
  if (!ParseDate(text, y, mo, d)) return bad();
  int64_t ms = DaysFromCivil(y, mo, d) * kMsPerDay;
  std::string_view rest = text.substr(10);
  if (rest.empty()) return ms;
  if (rest[0] != 'T' && rest[0] != 't' && rest[0] != ' ') return bad();
  rest.remove_prefix(1);
  int h, mi, s = 0;
  if (rest.size() < 5 || rest[2] != ':' || !ParseInt(rest.substr(0, 2), h) ||
      !ParseInt(rest.substr(3, 2), mi) || h > 23 || mi > 59) {
    return bad();
  }
  rest.remove_prefix(5);
  if (!rest.empty() && rest[0] == ':') {
    if (rest.size() < 3 || !ParseInt(rest.substr(1, 2), s) || s > 60) return bad();
    rest.remove_prefix(3);
  }
  ms += (h * 3600LL + mi * 60LL + s) * 1000;
  if (!rest.empty() && (rest[0] == '.' || rest[0] == ',')) {
    size_t n = 1;
    int64_t frac = 0, scale = 1000;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') {
      if (scale > 1) {
        scale /= 10;
        frac += (rest[n] - '0') * scale;
      }
      ++n;
    }
    if (n == 1) return bad();
    ms += frac;
    rest.remove_prefix(n);
  }
  if (rest.empty() || rest == "Z" || rest == "z") return ms;
  if (rest[0] != '+' && rest[0] != '-') return bad();
  const int sign = rest[0] == '-' ? -1 : 1;
  rest.remove_prefix(1);
  int oh = 0, om = 0;
  if (rest.size() == 5 && rest[2] == ':') {
    if (!ParseInt(rest.substr(0, 2), oh) || !ParseInt(rest.substr(3, 2), om)) return bad();
  } else if (rest.size() == 4) {
    if (!ParseInt(rest.substr(0, 2), oh) || !ParseInt(rest.substr(2, 2), om)) return bad();
  } else if (rest.size() == 2) {
    if (!ParseInt(rest, oh)) return bad();
  } else {
    return bad();
  }
  return ms - sign * (oh * 3600LL + om * 60LL) * 1000;
}

struct LocalDays::Rep {
  std::unique_ptr<icu::TimeZone> tz;
  std::mutex mu;  // ICU zones are not documented as safe for concurrent use.
};

LocalDays::LocalDays(std::string zone, std::unique_ptr<Rep> rep)
    : zone_(std::move(zone)), rep_(std::move(rep)) {}
LocalDays::LocalDays(LocalDays&&) noexcept = default;
LocalDays& LocalDays::operator=(LocalDays&&) noexcept = default;
LocalDays::~LocalDays() = default;

Result<LocalDays> LocalDays::Create(std::string_view tz) {
  auto rep = std::make_unique<Rep>();
  rep->tz.reset(icu::TimeZone::createTimeZone(
      icu::UnicodeString::fromUTF8(icu::StringPiece(tz.data(), static_cast<int32_t>(tz.size())))));
  if (!rep->tz || *rep->tz == icu::TimeZone::getUnknown()) {
    return Status::InvalidArgument("time zone", "unknown IANA zone '" + std::string(tz) + "'");
  }
  return LocalDays(std::string(tz), std::move(rep));
}

int64_t LocalDays::OffsetMs(int64_t unix_ms) const {
  std::lock_guard lock(rep_->mu);
  int32_t raw = 0, dst = 0;
  UErrorCode err = U_ZERO_ERROR;
  rep_->tz->getOffset(static_cast<UDate>(unix_ms), false, raw, dst, err);
  return U_SUCCESS(err) ? int64_t{raw} + dst : 0;
}

std::string LocalDays::DayOf(int64_t unix_ms) const {
  return FormatDay(FloorDiv(unix_ms + OffsetMs(unix_ms), kMsPerDay));
}

std::string LocalDays::MinuteOf(int64_t unix_ms) const {
  const std::string day = DayOf(unix_ms);
  auto start = StartOf(day);
  if (!start) return day;
  const int64_t minutes = (unix_ms - *start) / 60'000;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s %02lld:%02lld", day.c_str(),
                static_cast<long long>(minutes / 60), static_cast<long long>(minutes % 60));
  return buf;
}

Result<int64_t> LocalDays::StartOf(std::string_view day) const {
  int y, m, d;
  if (day.size() != 10 || !ParseDate(day, y, m, d)) {
    return Status::InvalidArgument("day", "expected YYYY-MM-DD, got '" + std::string(day) + "'");
  }
  // The offset at the instant is what matters; two rounds settle it across a DST change.
  return UtcOfLocal(DaysFromCivil(y, m, d) * kMsPerDay);
}

int64_t LocalDays::UtcOfLocal(int64_t local_ms) const {
  int64_t guess = local_ms - OffsetMs(local_ms);
  return local_ms - OffsetMs(guess);
}

std::string LocalDays::AddDays(std::string_view day, int delta) {
  int y = 1970, m = 1, d = 1;
  ParseDate(day, y, m, d);
  return FormatDay(DaysFromCivil(y, m, d) + delta);
}

bool LocalDays::IsValidDay(std::string_view day) {
  int y, m, d;
  return day.size() == 10 && ParseDate(day, y, m, d);
}

}  // namespace adwatch
