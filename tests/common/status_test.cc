#include "adwatch/common/status.h"

#include <catch2/catch.hpp>

#include "adwatch/common/hash.h"

using adwatch::Result;
using adwatch::Status;

TEST_CASE("Status says where and what went wrong", "[common]") {
  Status s = Status::InvalidArgument("rules/jobs.yaml:12", "bad pattern");
  CHECK_FALSE(s.ok());
  CHECK(s.IsInvalidArgument());
  CHECK(s.message() == "rules/jobs.yaml:12: bad pattern");
  CHECK(s.ToString() == "Invalid argument: rules/jobs.yaml:12: bad pattern");
  CHECK(s.WithContext("loading rules").message() == "loading rules: rules/jobs.yaml:12: bad pattern");
  CHECK(Status::OK().ToString() == "OK");
}

TEST_CASE("Result holds a value or an error", "[common]") {
  Result<int> good = 42;
  REQUIRE(good.has_value());
  CHECK(*good == 42);
  CHECK(good.status().ok());
  Result<int> bad = Status::NotFound("ad a1");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().IsNotFound());
}

TEST_CASE("Sha256Hex matches sha256sum", "[common]") {
  CHECK(adwatch::Sha256Hex("") ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(adwatch::Sha256Hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
