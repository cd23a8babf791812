#include "adwatch/common/json.h"

#include <catch2/catch.hpp>

TEST_CASE("Records survive a JSON round trip with enums by name", "[common]") {
  adwatch::AdRecord r;
  r.ad_id = "a1";
  r.ad.title = "Admin";
  r.ad.salary = adwatch::Salary{15e6, 15e6, "IDR", "month", false};
  r.verdict.level = adwatch::Level::kHigh;
  r.verdict.kind = adwatch::DocKind::kRecruitmentAd;
  r.verdict.hits.push_back({.rule_id = "R1", .evidence = {{"body", {3, 9}}}});
  r.reviews.push_back({"ana", adwatch::ReviewLabel::kConfirmed, "ok", 5});
  const std::string text = adwatch::ToJsonText(r);
  CHECK_THAT(text, Catch::Contains("\"level\":\"high\""));
  CHECK_THAT(text, Catch::Contains("\"label\":\"confirmed\""));
  auto back = adwatch::FromJsonText<adwatch::AdRecord>(text, "ad");
  REQUIRE(back.has_value());
  CHECK(back->ad.salary->min == 15e6);
  CHECK(back->verdict.hits[0].evidence[0].span == adwatch::Span{3, 9});
  CHECK(back->reviews[0].label == adwatch::ReviewLabel::kConfirmed);
}

TEST_CASE("Undecodable JSON is a Corruption, not an exception", "[common]") {
  auto bad = adwatch::FromJsonText<adwatch::Verdict>("{\"level\":\"extreme\"}", "verdict");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code() == adwatch::Status::Code::kCorruption);
  CHECK_FALSE(adwatch::FromJsonText<adwatch::Verdict>("{oops", "verdict").has_value());
}
