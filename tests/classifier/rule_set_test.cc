#include "adwatch/classifier/rule_set.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <optional>

#include "adwatch/classifier/classify.h"
#include "support/temp_dir.h"

using adwatch::classifier::RuleSet;
using adwatch::classifier::RuleSetOptions;

namespace {

// A rules folder with the bundled categories and gazetteer and one rule file of the test's own.
class RulesDir {
 public:
  explicit RulesDir(const std::string& rules_yaml) {
    namespace fs = std::filesystem;
    fs::copy_file(std::string(ADWATCH_RULES_DIR) + "/categories.yaml", dir_ / "categories.yaml");
    fs::copy(std::string(ADWATCH_RULES_DIR) + "/gazetteer", dir_.path() / "gazetteer");
    dir_.Write("test.yaml", rules_yaml);
  }
  adwatch::Result<std::shared_ptr<const RuleSet>> Load(int64_t mem = 64LL << 20) const {
    RuleSetOptions o;
    o.rules_dir = dir_.path().string();
    o.set_max_mem_bytes = mem;
    return RuleSet::Load(o);
  }
  std::string file() const { return dir_ / "test.yaml"; }

 private:
  adwatch::testing::TempDir dir_;
};

const char* kGoodRule = R"(rules:
  - id: R_ONE
    category: COST_COVERED
    weight: 8
    languages: [id]
    patterns: ['\btiket gratis\b']
    describe: {id: "Tiket gratis", en: "Free ticket"}
)";

}  // namespace

TEST_CASE("RuleSet loads rules and stamps a content version", "[classifier]") {
  RulesDir a(kGoodRule), b(std::string(kGoodRule) + "\n# a comment changes the version\n");
  auto ra = a.Load();
  REQUIRE(ra.has_value());
  CHECK((*ra)->rules().size() == 1);
  CHECK((*ra)->version().rfind("rs-", 0) == 0);
  auto rb = b.Load();
  REQUIRE(rb.has_value());
  CHECK((*ra)->version() != (*rb)->version());
}

TEST_CASE("RuleSet rejects a bad pattern with its file, line and RE2's reason", "[classifier]") {
  RulesDir d(R"(rules:
  - id: R_OK
    category: COST_COVERED
    weight: 8
    languages: [id]
    patterns: ['\btiket\b']
    describe: {id: a, en: b}
  - id: R_BAD
    category: COST_COVERED
    weight: 8
    languages: [id]
    patterns: ['(tiket gratis']
    describe: {id: a, en: b}
)");
  auto r = d.Load();
  REQUIRE_FALSE(r.has_value());
  CHECK_THAT(r.error().message(), Catch::StartsWith(d.file() + ":8: rule R_BAD"));
  CHECK_THAT(r.error().message(), Catch::Contains("missing )"));
}

TEST_CASE("RuleSet rejects duplicate ids, unknown categories, weights and meta references",
          "[classifier]") {
  struct Case {
    const char* yaml;
    const char* expect;
  };
  const Case cases[] = {
      {"rules:\n  - {id: A, category: COST_COVERED, weight: 1, languages: [id], patterns: [x], "
       "describe: {id: a, en: b}}\n"
       "  - {id: A, category: COST_COVERED, weight: 1, languages: [id], patterns: [y], describe: "
       "{id: a, en: b}}\n",
       ":3: rule A: duplicate id"},
      {"rules:\n  - {id: A, category: NOPE, weight: 1, languages: [id], patterns: [x], describe: "
       "{id: a, en: b}}\n",
       ":2: rule A: unknown category 'NOPE' (not in categories.yaml)"},
      {"rules:\n  - {id: A, category: COST_COVERED, weight: 150, languages: [id], patterns: [x], "
       "describe: {id: a, en: b}}\n",
       "weight: must lie between -100 and 100"},
      {"rules:\n  - {id: A, category: COMBINATION, weight: 5, languages: [any], when: {rule: "
       "GHOST}, describe: {id: a, en: b}}\n",
       "unknown rule 'GHOST'"},
      {"rules:\n  - {id: A, category: COMBINATION, weight: 5, languages: [any], when: {category: "
       "NOPE}, describe: {id: a, en: b}}\n",
       "when: unknown category 'NOPE' (not in categories.yaml)"},
      {"rules:\n  - {id: A, category: COMBINATION, weight: 5, languages: [any], when: {rule: B}, "
       "describe: {id: a, en: b}}\n"
       "  - {id: B, category: COMBINATION, weight: 5, languages: [any], when: {rule: A}, describe: "
       "{id: a, en: b}}\n",
       "cycle"},
      {"rules:\n  - {id: A, category: COST_COVERED, weight: 1, languages: [id], patterns: [x], "
       "describe: {id: a}}\n",
       "describe.en: is required"},
      {"rules:\n  - {id: A, category: COST_COVERED, weight: 1, languages: [id], patterns: [x], "
       "describe: {id: a, en: b}, wieght: 2}\n",
       "wieght: unknown key"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    RulesDir d(c.yaml);
    auto r = d.Load();
    REQUIRE_FALSE(r.has_value());
    CHECK_THAT(r.error().message(), Catch::Contains(c.expect));
  }
}

TEST_CASE("A Set that cannot fit its memory budget fails to load, clearly", "[classifier]") {
  std::string yaml = "rules:\n";
  for (int i = 0; i < 40; ++i) {
    yaml += "  - {id: R" + std::to_string(i) +
            ", category: COST_COVERED, weight: 1, languages: [id], "
            "patterns: ['a[a-z]{0,40}b" +
            std::to_string(i) + "[a-z]{0,40}c'], describe: {id: a, en: b}}\n";
  }
  RulesDir d(yaml);
  auto r = d.Load(1LL << 20);
  REQUIRE_FALSE(r.has_value());
  CHECK_THAT(r.error().message(), Catch::Contains("does not fit in set_max_mem_mb=1"));
  // It names the file whose patterns fill the Set, so the user knows where to look.
  CHECK_THAT(r.error().message(), Catch::Matches(R"(.*\(largest: [a-z_]+\.yaml \d+ KB\)$)"));
}

TEST_CASE("A rule's exceptions drop the matches they overlap, and only those", "[classifier]") {
  RulesDir d(R"(rules:
  - id: R_ONLY_PASSPORT
    category: VISA_IRREGULAR
    weight: 10
    languages: [id]
    view: folded
    patterns: ['\bhanya\s+paspor\b']
    except: ['\bdibayar\s+sendiri\s+hanya\s+paspor\b']
    describe: {id: a, en: b}
)");
  auto rules = d.Load();
  REQUIRE(rules.has_value());
  adwatch::classifier::Classifier c(*rules, {});
  auto hit = [&](const std::string& text) -> std::optional<adwatch::Hit> {
    adwatch::AdCandidate ad;
    ad.text = text;
    auto v = c.Classify(ad);
    REQUIRE(v.has_value());
    for (const adwatch::Hit& h : v->hits) {
      if (h.rule_id == "R_ONLY_PASSPORT") return h;
    }
    return std::nullopt;
  };
  // The lure's "only a passport" stays evidence.
  CHECK(hit("Kerja di Malaysia, berangkat hanya paspor, visa diurus di sana").has_value());
  // A cost list's "paid by you: only the passport" is not, nor does the rule fire on it alone.
  CHECK_FALSE(hit("Tiket dan visa ditanggung majikan. Yang dibayar sendiri hanya paspor."));
  // An exception drops only the match it overlaps: the other one keeps the rule firing.
  const auto both =
      hit("Yang dibayar sendiri hanya paspor. Teman saya dulu berangkat hanya paspor, ditangkap.");
  REQUIRE(both.has_value());
  REQUIRE(both->evidence.size() == 1);
  CHECK(both->evidence[0].span.begin > 40);
}

TEST_CASE("A bad exception fails to load with its rule and RE2's reason", "[classifier]") {
  RulesDir d(R"(rules:
  - id: R_BAD_EXCEPT
    category: COST_COVERED
    weight: 8
    languages: [id]
    patterns: ['\btiket gratis\b']
    except: ['(tiket']
    describe: {id: a, en: b}
)");
  auto r = d.Load();
  REQUIRE_FALSE(r.has_value());
  CHECK_THAT(r.error().message(), Catch::Contains("rule R_BAD_EXCEPT"));
  CHECK_THAT(r.error().message(), Catch::Contains("except 1"));
  CHECK_THAT(r.error().message(), Catch::Contains("missing )"));
}

namespace {

// The bundled ruleset with `insertion` written right after `key` in categories.yaml.
adwatch::Result<std::shared_ptr<const RuleSet>> LoadWithCategoriesEdit(
    const std::string& key, const std::string& insertion) {
  namespace fs = std::filesystem;
  adwatch::testing::TempDir dir;
  std::string categories;
  {
    std::ifstream in(std::string(ADWATCH_RULES_DIR) + "/categories.yaml");
    categories.assign(std::istreambuf_iterator<char>(in), {});
  }
  const size_t at = categories.find(key);
  REQUIRE(at != std::string::npos);
  categories.insert(at + key.size(), insertion);
  dir.Write("categories.yaml", categories);
  fs::copy(std::string(ADWATCH_RULES_DIR) + "/gazetteer", dir.path() / "gazetteer");
  RuleSetOptions o;
  o.rules_dir = dir.path().string();
  return RuleSet::Load(o);
}

}  // namespace

TEST_CASE("An invitation word of more than one word fails to load, clearly", "[classifier]") {
  auto r = LoadWithCategoriesEdit("negation_cue_invitations: [", "ada minat, ");
  REQUIRE_FALSE(r.has_value());
  CHECK_THAT(r.error().message(), Catch::Contains("negation_cue_invitations"));
  CHECK_THAT(r.error().message(), Catch::Contains("'ada minat'"));
}

TEST_CASE("An empty rival or dismissal phrase fails to load, clearly", "[classifier]") {
  for (const char* key : {"negation_cue_rivals", "negation_post_cue_dismissals"}) {
    auto r = LoadWithCategoriesEdit(std::string(key) + ": [", "' ', ");
    REQUIRE_FALSE(r.has_value());
    CHECK_THAT(r.error().message(), Catch::Contains(key));
  }
}

TEST_CASE("A cue to others that is not a warning cue fails to load, clearly", "[classifier]") {
  auto r = LoadWithCategoriesEdit("negation_cues_to_others: [", "ditawarkan, ");
  REQUIRE_FALSE(r.has_value());
  CHECK_THAT(r.error().message(), Catch::Contains("negation_cues_to_others"));
  CHECK_THAT(r.error().message(), Catch::Contains("'ditawarkan'"));
}
