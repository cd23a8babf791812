// The ruleset: rules as data (rules/*.yaml, format in rules/README.md), loaded, validated and
// compiled once into one RE2::Set per view. Immutable after Load and shared by every classifier
// thread through std::shared_ptr<const RuleSet>; thread-safe.
#ifndef ADWATCH_CLASSIFIER_RULE_SET_H_
#define ADWATCH_CLASSIFIER_RULE_SET_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adwatch/classifier/gazetteer.h"
#include "adwatch/common/status.h"

namespace adwatch::classifier {

struct RuleSetOptions {
  // Folder holding the rule files, categories.yaml and gazetteer/.
  std::string rules_dir = "rules";
  // Memory budget of each compiled RE2::Set (one per view). A Set that does not fit fails to
  // load; a scan that runs out of this memory falls back to rule-by-rule matching for that ad.
  int64_t set_max_mem_bytes = 128LL << 20;
  // Rules with status "testing" are loaded and reported but weigh nothing when false.
  bool include_testing = false;
};

// Validates option values. Returns InvalidArgument naming the field.
Status Validate(const RuleSetOptions& options);

enum class RuleField : uint8_t { kAny = 0, kTitle, kBody };
enum class RuleView : uint8_t { kFolded = 0, kSkeleton };
enum class RuleStatus : uint8_t { kActive = 0, kTesting, kDisabled };

struct RuleExample {
  std::string text;
  std::string title;                    // optional, for field: title rules
  std::string url;                      // optional, for domain conditions
  std::vector<std::string> page_types;  // optional, for page_type conditions
  std::string where;                    // "file:line"
};

// One rule as written in its file. Meta rules have no patterns and a `when` condition instead
// (kept as text for display; the compiled condition is private to the engine).
struct Rule {
  std::string id;
  std::string title;
  std::string category;
  double weight = 0;
  std::vector<std::string> languages;
  RuleField field = RuleField::kAny;
  RuleView view = RuleView::kSkeleton;
  std::vector<std::string> patterns;
  // A match that one of these overlaps, on the same view and within kExceptReach bytes, is not
  // evidence: "hanya paspor" is the lure's "only a passport", but not in "biaya yang dibayar
  // sendiri hanya paspor" (rules/README.md, "Exceptions").
  std::vector<std::string> except;
  std::string describe_id;
  std::string describe_en;
  RuleStatus status = RuleStatus::kActive;
  // The TPPO pattern this rule's evidence points to; unset means its category's pattern.
  std::optional<Pattern> pattern;
  bool meta = false;
  std::string when;  // meta rules: the condition as YAML flow text
  std::vector<RuleExample> match;
  std::vector<RuleExample> no_match;
  std::string file;  // path of the rule file
  int line = 0;      // line of the rule's `id`
};

// A category of the indicator taxonomy (rules/categories.yaml).
struct Category {
  std::string key;   // "DEST_HOTSPOT"
  double cap = 100;  // the most its rules together may add (or, for negative ones, take)
  std::string kind;  // which DocKind's evidence it is: "recruitment_ad", "news", "distress",
                     // "gambling_promo", or "" for plain risk indicators
  std::string describe_id;
  std::string describe_en;
  // The TPPO pattern its rules' evidence points to (kOther: none, e.g. "ticket paid", which
  // every pattern uses). A rule may name its own.
  Pattern pattern = Pattern::kOther;
};

class RuleSet {
 public:
  // Loads and compiles every rule file under options.rules_dir. Fails fast with the first error,
  // located as "file:line: rule ID: reason": a YAML syntax error, a bad RE2 pattern (RE2's own
  // message), a duplicate id, an unknown category, a weight outside [-100, 100], a meta rule
  // naming an unknown rule or category, or a Set that does not fit its memory budget.
  static Result<std::shared_ptr<const RuleSet>> Load(const RuleSetOptions& options);

  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  // A content hash of every rule, category and gazetteer file: stamped on each verdict.
  const std::string& version() const;
  const std::vector<Rule>& rules() const;
  const std::map<std::string, Category>& categories() const;
  const Gazetteer& gazetteer() const;
  const RuleSetOptions& options() const;
  // The rule with `id`, or nullptr.
  const Rule* Find(const std::string& id) const;
  // The pattern a rule's evidence points to: its own, else its category's.
  Pattern PatternOf(const Rule& rule) const;

  struct Engine;  // compiled form, private to the classifier
  const Engine& engine() const;

 private:
  RuleSet();
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

}  // namespace adwatch::classifier

#endif  // ADWATCH_CLASSIFIER_RULE_SET_H_
