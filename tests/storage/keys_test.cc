#include "adwatch/storage/keys.h"

#include <catch2/catch.hpp>

namespace adwatch::storage {
namespace {

TEST_CASE("Big-endian integers sort numerically as bytes", "[storage]") {
  CHECK(EncodeU64(1) < EncodeU64(256));
  CHECK(EncodeU64(255) < EncodeU64(256));
  CHECK(EncodeU32(70000) > EncodeU32(69999));
  CHECK(DecodeU64(EncodeU64(0x0102030405060708ULL)) == 0x0102030405060708ULL);
  CHECK(DecodeU32(EncodeU32(0xfffffffeu)) == 0xfffffffeu);
  CHECK_FALSE(DecodeU64("short").has_value());
  CHECK(EncodeU64(0x0102030405060708ULL) == std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
}

TEST_CASE("PrefixSuccessor bounds a prefix scan", "[storage]") {
  CHECK(PrefixSuccessor("abc") == "abd");
  CHECK(PrefixSuccessor(std::string("a\xff", 2)) == "b");
  CHECK(PrefixSuccessor(std::string("\xff\xff", 2)).empty());
  CHECK(PrefixSuccessor("2026-11-22|") > "2026-11-22|\xff");
}

}  // namespace
}  // namespace adwatch::storage
