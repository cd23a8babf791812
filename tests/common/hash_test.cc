#include "adwatch/common/hash.h"

#include <catch2/catch.hpp>

namespace {

using adwatch::HammingDistance;
using adwatch::HashHex;
using adwatch::ParseHashHex;

TEST_CASE("SHA-256 is what sha256sum prints", "[common]") {
  CHECK(adwatch::Sha256Hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("Image hashes print as 16 hex digits and parse back", "[common]") {
  CHECK(HashHex(0x0123456789abcdefULL) == "0123456789abcdef");
  CHECK(ParseHashHex("0123456789ABCDEF") == 0x0123456789abcdefULL);
  CHECK_FALSE(ParseHashHex("0123").has_value());
  CHECK_FALSE(ParseHashHex("0123456789abcdeg").has_value());
  CHECK(HammingDistance(0, ~uint64_t{0}) == 64);
}

}  // namespace
