#include "adwatch/classifier/rule_check.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "support/temp_dir.h"
#include "test_util.h"

using namespace adwatch::classifier;

namespace {

// A rules folder with the bundled categories and gazetteer, for rule files of a test's own.
class RulesFolder : public adwatch::testing::TempDir {
 public:
  RulesFolder() {
    std::filesystem::copy_file(std::string(ADWATCH_RULES_DIR) + "/categories.yaml",
                               *this / "categories.yaml");
    std::filesystem::copy(std::string(ADWATCH_RULES_DIR) + "/gazetteer", path() / "gazetteer");
  }
  Classifier Load() const {
    RuleSetOptions o;
    o.rules_dir = path().string();
    auto rules = RuleSet::Load(o);
    REQUIRE(rules.has_value());
    return Classifier(*rules, {});
  }
};

}  // namespace

TEST_CASE("Every bundled rule passes its own examples", "[classifier]") {
  auto problems = TestRuleExamples(adwatch::testing::BundledClassifier());
  for (const auto& p : problems) UNSCOPED_INFO(p.where << ": " << p.rule_id << ": " << p.message);
  CHECK(problems.empty());
}

TEST_CASE("A failing example is reported with its file and line", "[classifier]") {
  RulesFolder dir;
  const std::string file = dir.Write("r.yaml", R"(rules:
  - id: R_TIKET
    category: COST_COVERED
    weight: 8
    languages: [id]
    patterns: ['\btiket gratis\b', '']
    describe: {id: a, en: b}
    examples:
      match: ["tiket gratis", "tiket pesawat gratis"]
      no_match: ["tiket berbayar, gratis parkir"]
)");
  Classifier c = dir.Load();
  auto problems = TestRuleExamples(c);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].where == file + ":9");
  CHECK_THAT(problems[0].message, Catch::Contains("does not fire"));
  auto lint = LintRules(c, LintOptions{});
  bool empty_match = false;
  for (const auto& p : lint)
    empty_match |= p.message.find("matches the empty string") != std::string::npos;
  CHECK(empty_match);
}

TEST_CASE("Lint asks each exception to show what it rules out", "[classifier]") {
  RulesFolder dir;
  dir.Write("r.yaml", R"(rules:
  - id: R_TIKET
    category: COST_COVERED
    weight: 8
    languages: [id]
    patterns: ['\btiket\s+gratis\b']
    except: ['\bbukan\s+tiket\s+gratis\b', '\btiket\s+gratis\s+konser\b']
    describe: {id: a, en: b}
    examples:
      match: ["tiket gratis", "tiket pesawat gratis dan tiket gratis"]
      no_match: ["ini bukan tiket gratis", "tiket berbayar"]
)");
  Classifier c = dir.Load();
  // The first exception rules out its no_match example, so the examples pass.
  CHECK(TestRuleExamples(c).empty());
  std::vector<std::string> about_except;
  for (const auto& p : LintRules(c, LintOptions{})) {
    if (p.message.find("except") != std::string::npos) about_except.push_back(p.message);
  }
  REQUIRE(about_except.size() == 1);
  CHECK_THAT(about_except[0], Catch::Contains("except 2"));
  CHECK_THAT(about_except[0], Catch::Contains("matches none of the rule's no_match examples"));
}

TEST_CASE("Rule statistics count hits per label and the share on lures", "[classifier]") {
  std::vector<LabeledText> corpus;
  for (int i = 0; i < 6; ++i) {
    corpus.push_back(
        {"lure", "id", adwatch::testing::Ad("Dibutuhkan admin ke Kamboja, tiket ditanggung")});
  }
  corpus.push_back({"legit", "id", adwatch::testing::Ad("Dibutuhkan admin gudang di Bekasi")});
  auto report = ComputeRuleStats(adwatch::testing::BundledClassifier(), corpus, "lure");
  CHECK(report.texts_by_label["lure"] == 6);
  const RuleStat* admin = nullptr;
  for (const auto& r : report.rules) {
    if (r.rule_id == "ID_JOB_GENERIC_DIGITAL") admin = &r;
  }
  REQUIRE(admin != nullptr);
  CHECK(admin->hits == 7);
  CHECK(admin->share_positive == Approx(6.0 / 7));
  CHECK_THAT(report.never_fire, Catch::VectorContains(std::string("ID_GAMBLING_PROMO")));
  CHECK_FALSE(report.co_firing.empty());
}
