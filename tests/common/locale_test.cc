#include "adwatch/common/locale.h"

#include <langinfo.h>

#include <catch2/catch.hpp>
#include <clocale>
#include <cstdio>
#include <string>

namespace adwatch {
namespace {

TEST_CASE("InitLocale makes the character set UTF-8 and leaves numbers alone", "[common][locale]") {
  // As under systemd or in CI: no LANG, no LC_*.
  std::setlocale(LC_ALL, "C");
  REQUIRE(InitLocale());
  CHECK(std::string(nl_langinfo(CODESET)) == "UTF-8");
  CHECK(std::string(std::setlocale(LC_NUMERIC, nullptr)) == "C");
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", 1.5);
  CHECK(std::string(buf) == "1.5");
  // Idempotent.
  CHECK(InitLocale());
  std::setlocale(LC_ALL, "C");  // as the other tests of this binary expect
}

}  // namespace
}  // namespace adwatch
