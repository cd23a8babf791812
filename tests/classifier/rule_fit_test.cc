#include "adwatch/classifier/rule_fit.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/temp_dir.h"
#include "test_util.h"

using namespace adwatch::classifier;

namespace {

// A tiny ruleset: one rule that fires on every lure of the corpus below, one on every text, and
// a legitimate marker.
std::shared_ptr<const RuleSet> TinyRules(adwatch::testing::TempDir& dir, std::string* file) {
  std::filesystem::copy_file(std::string(ADWATCH_RULES_DIR) + "/categories.yaml",
                             dir / "categories.yaml");
  std::filesystem::copy(std::string(ADWATCH_RULES_DIR) + "/gazetteer", dir.path() / "gazetteer");
  *file = dir.Write("r.yaml", R"(rules:
  - id: R_KASBON
    category: COMBINATION
    weight: 5   # the written weight: too low to flag on its own
    languages: [id]
    patterns: ['\bkasbon\b']
    describe: {id: a, en: b}
  - id: R_KERJA
    category: JOB_GENERIC_DIGITAL
    weight: 4
    languages: [id]
    patterns: ['\bkerja\b']
    describe: {id: a, en: b}
  - id: R_RESMI
    category: LEGIT_CHANNEL
    weight: -2
    languages: [id]
    patterns: ['\bresmi\b']
    describe: {id: a, en: b}
)");
  RuleSetOptions o;
  o.rules_dir = dir.path().string();
  auto rules = RuleSet::Load(o);
  REQUIRE(rules.has_value());
  return *rules;
}

LabeledText Text(std::string label, std::string text, std::string family = "") {
  LabeledText t;
  t.label = std::move(label);
  t.lang = "id";
  t.ad.text = std::move(text);
  t.family = std::move(family);
  return t;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("rules fit raises the weight of a rule that separates lures from legitimate ads",
          "[classifier][fit]") {
  adwatch::testing::TempDir dir;
  std::string file;
  Classifier c(TinyRules(dir, &file), {});
  std::vector<LabeledText> dev;
  for (int i = 0; i < 10; ++i) {
    dev.push_back(Text("lure", "kerja bisa kasbon " + std::to_string(i), "sexual_exploitation"));
    dev.push_back(Text("legit", "kerja kantor resmi " + std::to_string(i)));
  }
  const auto verdicts = ClassifyCorpus(c, dev);
  const Quality before = Measure(dev, verdicts);
  CHECK(before.all.lures == 10);
  CHECK(before.all.lures_caught == 0);
  CHECK(before.by_family.at("sexual_exploitation").lures == 10);

  FitOptions o;
  const FitReport report = FitWeights(c, dev, verdicts, o);
  CHECK(report.positives == 10);
  CHECK(report.negatives == 10);
  CHECK(report.loss_after < report.loss_before);
  const double kasbon = report.weights.at("R_KASBON");
  CHECK(kasbon > 5);
  CHECK(report.weights.at("R_RESMI") < 0);  // a negative rule never changes sign

  std::vector<adwatch::Verdict> after;
  for (const auto& v : verdicts) after.push_back(Reweigh(v, report.weights, c));
  const Quality fitted = Measure(dev, after);
  CHECK(fitted.all.lures_caught == 10);
  CHECK(fitted.all.legit_flagged == 0);

  // Written back: only the number changes, the comment stays.
  auto written = WriteWeights(c.rules(), report.rules);
  REQUIRE(written.has_value());
  CHECK(written.value() >= 1);
  const std::string text = ReadAll(file);
  std::ostringstream expected;
  expected << "weight: " << kasbon;
  CHECK_THAT(text, Catch::Contains(expected.str() + "   # the written weight"));
  RuleSetOptions ro;
  ro.rules_dir = dir.path().string();
  auto reloaded = RuleSet::Load(ro);
  REQUIRE(reloaded.has_value());
  CHECK((*reloaded)->Find("R_KASBON")->weight == kasbon);
}

TEST_CASE("rules fit refuses bad options", "[classifier][fit]") {
  FitOptions o;
  CHECK(Validate(o).ok());
  o.temperature = 0;
  CHECK_FALSE(Validate(o).ok());
  o = FitOptions{};
  o.max_weight = 0.1;
  CHECK_FALSE(Validate(o).ok());
}
