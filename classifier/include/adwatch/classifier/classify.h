// The classifier stage: AdCandidate → Verdict. Normalises title and text, extracts entities,
// scans each view once with the ruleset's RE2::Sets, recovers spans only for rules that matched,
// evaluates meta rules, decides what the text reads as (ad, news, distress, gambling promotion)
// and maps the evidence to a 0–100 score and a level. Classify is const and thread-safe: one
// Classifier serves every worker thread.
#ifndef ADWATCH_CLASSIFIER_CLASSIFY_H_
#define ADWATCH_CLASSIFIER_CLASSIFY_H_

#include <memory>
#include <string>

#include "adwatch/classifier/rule_set.h"
#include "adwatch/common/records.h"
#include "adwatch/common/status.h"

namespace adwatch::classifier {

struct ClassifyOptions {
  // Score thresholds (0–100) of each level; a score below `low` is level none.
  int low = 20;
  int medium = 40;
  int high = 65;
  // A text that reads as news, distress or gambling promotion keeps this share of its recruitment
  // score, and its level is capped at low: warnings carry every keyword and must not be flagged.
  double non_ad_factor = 0.25;
  // Minimum kind evidence for a text to read as news/distress/gambling rather than an ad.
  double kind_threshold = 10;
  // Hits whose evidence all sits shortly after a warning or negation word ("jangan", "waspada",
  // "beware") or inside quotes keep this share of their weight.
  double negated_factor = 0.3;
  // The verdict names a TPPO pattern when the positive evidence pointing to it (the applied
  // weights of the rules and categories that name it) reaches `pattern_min_evidence` and is at
  // least `pattern_dominance` times the next pattern's; otherwise the pattern is "other".
  double pattern_min_evidence = 6;
  double pattern_dominance = 1.25;
  // At most this many evidence spans are kept per rule.
  int max_spans_per_rule = 8;
  // Region for phone numbers written without a country code.
  std::string default_phone_region = "ID";
};

// Returns InvalidArgument unless 0 < low < medium < high <= 100 and the factors lie in [0, 1].
Status Validate(const ClassifyOptions& options);

class Classifier {
 public:
  // REQUIRES: Validate(options).ok().
  Classifier(std::shared_ptr<const RuleSet> rules, ClassifyOptions options);

  // Returns the verdict on `ad` (its title and text; url, lang and page_types as evidence of what
  // the page is). An error only when the engine itself failed (never for "no rule matched");
  // a Set scan that ran out of memory is not an error: it is counted, the rules are matched one
  // by one, and the verdict carries a warning.
  Result<Verdict> Classify(const AdCandidate& ad) const;

  // Entities alone (contacts, salaries, places) of a title and text.
  Entities ExtractEntities(const AdCandidate& ad) const;

  const RuleSet& rules() const { return *rules_; }
  const ClassifyOptions& options() const { return options_; }
  // How many scans fell back to rule-by-rule matching since construction.
  int64_t set_fallbacks() const;

 private:
  std::shared_ptr<const RuleSet> rules_;
  ClassifyOptions options_;
  struct Counters;
  std::shared_ptr<Counters> counters_;
};

// Recomputes the category and kind scores, raw score, score, level, kind and pattern of
// `verdict` from the applied weights of its hits (what Classify does after matching). Used to
// see what other weights would make of stored hits (`adwatch rules fit`). Hits of rules unknown
// to `rules` count for their category's pattern.
void ScoreHits(Verdict& verdict, const RuleSet& rules, const ClassifyOptions& options);

// Language of descriptions and headings shown to readers.
enum class Lang : uint8_t { kId = 0, kEn };

// A readable report of `verdict` on `ad`: score, level, kind, each hit with its description and
// the evidence highlighted in the original text, the entities. `color` adds ANSI highlighting.
std::string ExplainText(const Verdict& verdict, const AdCandidate& ad, Lang lang, bool color);

// The documented JSON verdict (docs/verdict.md) as text: the Verdict fields plus `id`, each
// evidence span's original text and the description in `lang`.
std::string VerdictJson(const Verdict& verdict, const AdCandidate& ad, const std::string& id,
                        Lang lang);

}  // namespace adwatch::classifier

#endif  // ADWATCH_CLASSIFIER_CLASSIFY_H_
