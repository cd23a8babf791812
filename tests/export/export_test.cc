#include "adwatch/export/export.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fixture.h"

namespace adwatch::exporter {
namespace {

using testing::FixtureStore;

struct Exported {
  std::string text;
  ExportStats stats;
};

Exported Run(FixtureStore& f, ExportQuery q) {
  std::ostringstream out;
  auto stats = ExportAds(f.store(), q, out);
  REQUIRE(stats);
  return {out.str(), *stats};
}

std::vector<nlohmann::json> Lines(const std::string& jsonl) {
  std::vector<nlohmann::json> out;
  std::istringstream in(jsonl);
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

TEST_CASE("Export CSV and JSONL match their golden files", "[export][export][golden]") {
  FixtureStore f;
  ExportQuery q;
  q.since = "2026-11-21";
  testing::CheckGolden("export.csv", Run(f, q).text);
  q.format = ExportFormat::kJsonl;
  testing::CheckGolden("export.jsonl", Run(f, q).text);
}

TEST_CASE("Export filters by TPPO pattern", "[export][export]") {
  FixtureStore f;
  ExportQuery q;
  q.format = ExportFormat::kJsonl;
  q.pattern = Pattern::kCompoundScam;
  const auto compound = Lines(Run(f, q).text);
  CHECK(compound.size() == 3);  // batam, its repost, hostile
  for (const auto& j : compound) CHECK(j["pattern"] == "compound_scam");
  q.pattern = Pattern::kOrgan;
  CHECK(Run(f, q).stats.written == 0);
}

TEST_CASE("Export filters by day, level, region and label", "[export][export]") {
  FixtureStore f;
  ExportQuery q;
  q.format = ExportFormat::kJsonl;
  const auto all = Run(f, q);
  CHECK(all.stats.scanned == 22);
  CHECK(all.stats.written == 22);

  q.since = q.until = "2026-11-22";
  const auto day = Run(f, q);
  CHECK(day.stats.written == 11);
  for (const auto& j : Lines(day.text)) CHECK(j["day"] == "2026-11-22");

  q.min_level = Level::kMedium;
  const auto medium = Lines(Run(f, q).text);
  CHECK(medium.size() == 4);  // batam, its repost, hostile, malang
  for (const auto& j : medium) CHECK((j["level"] == "medium" || j["level"] == "high"));

  q.region = "id.kepri";
  CHECK(Lines(Run(f, q).text).size() == 2);  // batam and its repost

  q = ExportQuery{};
  q.format = ExportFormat::kJsonl;
  q.label = "confirmed";
  const auto confirmed = Lines(Run(f, q).text);
  REQUIRE(confirmed.size() == 1);
  CHECK(confirmed[0]["label"] == "confirmed");
  CHECK(confirmed[0]["reviews"][0]["reviewer"] == "analis.kepri");
  q.label = "none";
  CHECK(Lines(Run(f, q).text).size() == 21);
}

TEST_CASE("Export leaves a victim's text and contacts out of distress posts", "[export][export]") {
  FixtureStore f;
  ExportQuery q;
  q.format = ExportFormat::kJsonl;
  const auto out = Run(f, q);
  int distress = 0;
  for (const auto& j : Lines(out.text)) {
    if (j["kind"] != "distress") continue;
    ++distress;
    CHECK(j["redacted"] == true);
    CHECK(j["title"] == "");
    CHECK(j["text"] == "");
    CHECK(j["contacts"].empty());
  }
  CHECK(distress == 2);
  CHECK(out.text.find("ditahan") == std::string::npos);
  CHECK(out.text.find("6281311112222") == std::string::npos);
  q.format = ExportFormat::kCsv;
  const auto csv = Run(f, q).text;
  CHECK(csv.find("ditahan") == std::string::npos);
  CHECK(csv.find("6281311112222") == std::string::npos);
}

TEST_CASE("Export CSV has a BOM, a header and one record per ad", "[export][export]") {
  FixtureStore f;
  ExportQuery q;
  q.since = "2026-11-22";
  q.min_level = Level::kLow;
  const auto out = Run(f, q);
  REQUIRE(out.text.rfind("\xEF\xBB\xBF"
                         "ad_id,day,first_seen,last_seen,score,level,kind,pattern,label,",
                         0) == 0);
  size_t records = 0;
  bool quoted = false;
  for (char c : out.text) {
    if (c == '"') quoted = !quoted;
    if (!quoted && c == '\n') ++records;
  }
  CHECK(records == 1 + static_cast<size_t>(out.stats.written));
  CHECK(out.text.find("'+6281234567890") == std::string::npos);  // contacts are "tel:+62…" terms
  CHECK(out.text.find("tel:+6281234567890") != std::string::npos);
}

TEST_CASE("Export refuses a bad query", "[export][export]") {
  FixtureStore f;
  std::ostringstream out;
  ExportQuery q;
  q.since = "2026-13-01";
  CHECK(ExportAds(f.store(), q, out).error().IsInvalidArgument());
  q.since = "2026-11-22";
  q.until = "2026-11-21";
  CHECK(ExportAds(f.store(), q, out).error().IsInvalidArgument());
  q.until.clear();
  q.label = "maybe";
  CHECK(ExportAds(f.store(), q, out).error().IsInvalidArgument());
}

TEST_CASE("Export reports a failing output stream", "[export][export]") {
  FixtureStore f;
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  auto r = ExportAds(f.store(), ExportQuery{}, out);
  REQUIRE(!r);
  CHECK(r.error().code() == Status::Code::kIOError);
}

}  // namespace
}  // namespace adwatch::exporter
