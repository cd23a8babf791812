#include "adwatch/alerts/message.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "fixture.h"

namespace adwatch::testing {
namespace {

using alerts::Lang;

LocalDays Jakarta() {
  auto local = LocalDays::Create("Asia/Jakarta");
  REQUIRE(local);
  return std::move(*local);
}

TEST_CASE("Indonesian and English alerts say why, what, where, when and link the ad", "[alerts]") {
  const LocalDays local = Jakarta();
  watch::Alert a = SampleAlert(7);
  a.seen_ms = 1795323600000;  // 2026-11-22T05:00:00Z = 12:00 WIB
  const auto id = alerts::RenderAlert(a, Lang::kId, kBaseUrl, local);
  const auto en = alerts::RenderAlert(a, Lang::kEn, kBaseUrl, local);
  for (const auto* m : {&id, &en}) {
    CHECK_THAT(m->subject, Catch::Contains("+6281234567107"));
    CHECK_THAT(m->text, Catch::Contains("Perekrut kasus 2025/KPR/17"));
    CHECK_THAT(m->text, Catch::Contains("+6281234567107"));
    CHECK_THAT(m->text, Catch::Contains("https://adwatch.example.org/review/ads/ad-7"));
    CHECK_THAT(m->text, Catch::Contains("https://lowongan.example.com/post/7"));
    CHECK_THAT(m->text, Catch::Contains("ID-KR, ID-JI"));
    CHECK_THAT(m->text, Catch::Contains("2026-11-22T05:00:00Z (2026-11-22 12:00 WIB)"));
    CHECK_THAT(m->html, Catch::Contains("href=\"https://adwatch.example.org/review/ads/ad-7\""));
  }
  CHECK_THAT(id.subject, Catch::Contains("(tinggi)"));
  CHECK_THAT(id.text, Catch::Contains("Tingkat iklan: tinggi (pola: compound_scam)"));
  CHECK_THAT(id.text, Catch::Contains("Gaji tidak wajar"));
  CHECK_THAT(id.text, Catch::Contains("Catatan entri: Perekrut"));
  CHECK_THAT(en.subject, Catch::Contains("(high)"));
  CHECK_THAT(en.text, Catch::Contains("Ad level: high (pattern: compound_scam)"));
  CHECK_THAT(en.text, Catch::Contains("Unrealistic salary"));
  CHECK_THAT(en.text, Catch::Contains("Entry note: Perekrut"));
}

TEST_CASE("A burst alert says what burst and lists the related ads", "[alerts]") {
  const LocalDays local = Jakarta();
  watch::Alert a = SampleAlert(3);
  a.cause = watch::AlertCause::kBurstRegions;
  a.entry_id = "kontak-lintas-wilayah";
  a.note = "same contact in ads for 3 or more regions within 7 days";
  a.regions = {"ID-KR", "ID-JI", "ID-NB"};
  a.related_ads = {"ad-1", "ad-2", "ad-3"};
  const auto id = alerts::RenderAlert(a, Lang::kId, kBaseUrl, local);
  CHECK_THAT(id.subject, Catch::Contains("Lonjakan: +6281234567103 di iklan untuk 3 wilayah"));
  CHECK_THAT(id.text, Catch::Contains("kontak-lintas-wilayah"));
  CHECK_THAT(id.text, Catch::Contains("within 7 days"));
  for (const char* ad : {"ad-1", "ad-2", "ad-3"}) {
    CHECK_THAT(id.text,
               Catch::Contains(std::string("https://adwatch.example.org/review/ads/") + ad));
  }
  const auto en = alerts::RenderAlert(a, Lang::kEn, kBaseUrl, local);
  CHECK_THAT(en.subject, Catch::Contains("Burst: +6281234567103 in ads for 3 regions"));
  const auto json = nlohmann::json::parse(alerts::AlertJson(a, Lang::kEn, kBaseUrl, local));
  CHECK(json["alert"]["cause"] == "burst_regions");
  CHECK(json["alert"]["related_ads"].size() == 3);
  CHECK(json["alert"]["related_ads"][2]["ad_page"] ==
        "https://adwatch.example.org/review/ads/ad-3");
}

TEST_CASE("Hostile ad data cannot inject lines, markup or links", "[alerts]") {
  const LocalDays local = Jakarta();
  watch::Alert a = SampleAlert(1);
  a.note = "line one\r\nBcc: evil@example.org";
  a.ad_url = "javascript:alert(1)";
  a.reasons_en = {"<script>alert(1)</script>"};
  const auto en = alerts::RenderAlert(a, Lang::kEn, kBaseUrl, local);
  CHECK_THAT(en.text, !Catch::Contains("\nBcc:"));
  CHECK_THAT(en.subject, !Catch::Contains("\n"));
  CHECK_THAT(en.html, !Catch::Contains("<script>"));
  CHECK_THAT(en.html, Catch::Contains("&lt;script&gt;"));
  CHECK_THAT(en.html, !Catch::Contains("href=\"javascript:"));
}

TEST_CASE("A summary names each folded alert, and its webhook body has a version", "[alerts]") {
  const LocalDays local = Jakarta();
  std::vector<watch::Alert> list = {SampleAlert(1), SampleAlert(2), SampleAlert(3)};
  const auto s = alerts::RenderSummary("summary-x", list, Lang::kEn, kBaseUrl, local);
  CHECK_THAT(s.subject, Catch::Contains("Summary: 3 alerts"));
  for (int i = 1; i <= 3; ++i) {
    CHECK_THAT(s.text, Catch::Contains("+628123456710" + std::to_string(i)));
    CHECK_THAT(s.text, Catch::Contains("/review/ads/ad-" + std::to_string(i)));
  }
  CHECK_THAT(s.text, Catch::Contains("Level: high"));
  CHECK_THAT(s.text, Catch::Contains("summary-x"));
  const auto json =
      nlohmann::json::parse(alerts::SummaryJson("summary-x", list, Lang::kId, kBaseUrl, local));
  CHECK(json["version"] == alerts::kWebhookVersion);
  CHECK(json["type"] == "summary");
  CHECK(json["count"] == 3);
  CHECK(json["alerts"][1]["matched"] == "+6281234567102");
  CHECK(json["alerts"][1]["reasons"][0] == "Gaji tidak wajar untuk pekerjaan tanpa keahlian");
}

TEST_CASE("The ad page link encodes the id and needs a base URL", "[alerts]") {
  CHECK(alerts::AdPageLink("https://a.example/", "x/y z") ==
        "https://a.example/review/ads/x%2Fy%20z");
  CHECK(alerts::AdPageLink("", "ad-1").empty());
}

}  // namespace
}  // namespace adwatch::testing
