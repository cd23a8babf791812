#include "adwatch/common/time.h"

#include <catch2/catch.hpp>

using adwatch::LocalDays;

TEST_CASE("Timestamps round-trip through ISO-8601 UTC", "[common]") {
  CHECK(adwatch::FormatUtc(0) == "1970-01-01T00:00:00Z");
  CHECK(adwatch::FormatUtc(1795324227123) == "2026-11-22T05:10:27.123Z");
  auto t = adwatch::ParseTimestamp("2026-11-22T05:10:27.123Z");
  REQUIRE(t.has_value());
  CHECK(*t == 1795324227123);
  auto with_offset = adwatch::ParseTimestamp("2026-11-22T12:10:27+07:00");
  REQUIRE(with_offset.has_value());
  CHECK(*with_offset == 1795324227000);
  CHECK(*adwatch::ParseTimestamp("2026-11-22") == 1795305600000);
  CHECK_FALSE(adwatch::ParseTimestamp("22/11/2026").has_value());
  CHECK_FALSE(adwatch::ParseTimestamp("2026-02-30").has_value());
  CHECK_FALSE(adwatch::ParseTimestamp("2026-11-22T25:00").has_value());
}

TEST_CASE("A day in Asia/Jakarta starts at 17:00 UTC the day before", "[common]") {
  auto days = LocalDays::Create("Asia/Jakarta");
  REQUIRE(days.has_value());
  // 2026-11-21T17:30Z is 00:30 on 22 November in Jakarta (UTC+7).
  CHECK(days->DayOf(*adwatch::ParseTimestamp("2026-11-21T17:30:00Z")) == "2026-11-22");
  CHECK(days->DayOf(*adwatch::ParseTimestamp("2026-11-21T16:59:59Z")) == "2026-11-21");
  CHECK(*days->StartOf("2026-11-22") == *adwatch::ParseTimestamp("2026-11-21T17:00:00Z"));
  CHECK_FALSE(days->StartOf("2026-13-01").has_value());
  CHECK(LocalDays::AddDays("2026-03-01", -1) == "2026-02-28");
  CHECK(LocalDays::AddDays("2024-12-31", 1) == "2025-01-01");
}

TEST_CASE("A local wall-clock time reads as UTC through its zone, DST included", "[common]") {
  auto jakarta = LocalDays::Create("Asia/Jakarta");
  REQUIRE(jakarta.has_value());
  // 22.00 on New Year's Eve in Jakarta (a WhatsApp export's "31/12/23 22.00") is 15:00 UTC.
  CHECK(jakarta->UtcOfLocal(*adwatch::ParseTimestamp("2023-12-31T22:00:00")) ==
        *adwatch::ParseTimestamp("2023-12-31T15:00:00Z"));
  auto berlin = LocalDays::Create("Europe/Berlin");
  REQUIRE(berlin.has_value());
  CHECK(berlin->UtcOfLocal(*adwatch::ParseTimestamp("2024-01-15T12:00:00")) ==
        *adwatch::ParseTimestamp("2024-01-15T11:00:00Z"));
  CHECK(berlin->UtcOfLocal(*adwatch::ParseTimestamp("2024-07-15T12:00:00")) ==
        *adwatch::ParseTimestamp("2024-07-15T10:00:00Z"));
}

TEST_CASE("An unknown time zone is refused by name", "[common]") {
  auto days = LocalDays::Create("Asia/Atlantis");
  REQUIRE_FALSE(days.has_value());
  CHECK_THAT(days.error().message(), Catch::Contains("Asia/Atlantis"));
}
