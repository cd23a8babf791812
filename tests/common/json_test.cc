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

TEST_CASE("Service records survive a JSON round trip with roles and statuses by name", "[common]") {
  adwatch::ApiToken t;
  t.id = "Ab3_-xyz";
  t.sha256_hex = std::string(64, 'a');
  t.org = "satgas-ntt";
  t.role = adwatch::Role::kTaskforce;
  t.regions = {"id.ntt"};
  t.expires_ms = 9;
  const std::string token_text = adwatch::ToJsonText(t);
  CHECK_THAT(token_text, Catch::Contains("\"role\":\"taskforce\""));
  auto token = adwatch::FromJsonText<adwatch::ApiToken>(token_text, "token");
  REQUIRE(token.has_value());
  CHECK(token->role == adwatch::Role::kTaskforce);
  CHECK(token->regions == t.regions);
  CHECK(token->expires_ms == 9);

  adwatch::Submission s;
  s.id = "abcdefghijklmnop";
  s.status = adwatch::SubmissionStatus::kFetching;
  const std::string pending_text = adwatch::ToJsonText(s);
  CHECK_THAT(pending_text, Catch::Contains("\"status\":\"fetching\""));
  CHECK_THAT(pending_text, Catch::Contains("\"verdict\":null"));
  CHECK_FALSE(adwatch::FromJsonText<adwatch::Submission>(pending_text, "s")->verdict.has_value());
  s.status = adwatch::SubmissionStatus::kDone;
  s.verdict = adwatch::Verdict{.score = 70, .level = adwatch::Level::kHigh};
  auto done = adwatch::FromJsonText<adwatch::Submission>(adwatch::ToJsonText(s), "s");
  REQUIRE(done.has_value());
  CHECK(done->status == adwatch::SubmissionStatus::kDone);
  REQUIRE(done->verdict.has_value());
  CHECK(done->verdict->level == adwatch::Level::kHigh);

  auto e = adwatch::FromJsonText<adwatch::AuditEvent>(
      "{\"at_ms\":5,\"action\":\"auth.fail\",\"ip\":\"::1\",\"newer_field\":1}", "audit");
  REQUIRE(e.has_value());
  CHECK(e->action == "auth.fail");
  CHECK(e->ip == "::1");
  CHECK(e->actor.empty());

  CHECK(adwatch::ParseRole("police") == adwatch::Role::kPolice);
  CHECK_FALSE(adwatch::ParseRole("admin").has_value());
  CHECK(adwatch::Name(adwatch::SubmissionStatus::kFailed) == "failed");
  CHECK_FALSE(adwatch::FromJsonText<adwatch::ApiToken>("{\"role\":\"admin\"}", "t").has_value());
}
