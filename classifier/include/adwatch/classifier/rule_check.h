// Checks of the ruleset itself: every rule's examples (`adwatch rules test`), lint
// (`adwatch rules lint`) and per-rule statistics over a labeled corpus (`adwatch rules stats`),
// the way SpamAssassin's hit-frequencies lets analysts see which rule earns its weight.
// Functions are pure and thread-compatible.
#ifndef ADWATCH_CLASSIFIER_RULE_CHECK_H_
#define ADWATCH_CLASSIFIER_RULE_CHECK_H_

#include <map>
#include <string>
#include <vector>

#include "adwatch/classifier/classify.h"

namespace adwatch::classifier {

struct RuleProblem {
  std::string where;  // "rules/id/jobs.yaml:42" (the example's or the rule's line)
  std::string rule_id;
  std::string message;
};

// Classifies every `match` and `no_match` example of every rule that is not disabled and reports
// each example where the rule fires when it should not, or stays silent when it should fire.
// Returns an empty list when all examples behave.
std::vector<RuleProblem> TestRuleExamples(const Classifier& classifier);

struct LintOptions {
  // Each rule should have at least this many match and this many no_match examples.
  int min_examples = 2;
};

// Everything TestRuleExamples reports, plus: patterns that match the empty string, patterns that
// match none of their rule's own examples, rules with too few examples, upper-case letters in a
// pattern (views are case-folded, so such a pattern is usually a mistake), categories no rule uses.
std::vector<RuleProblem> LintRules(const Classifier& classifier, const LintOptions& options);

// One labeled text of a corpus (tests/data/corpus/*.jsonl).
struct LabeledText {
  std::string label;  // "lure", "legit", "news", "distress", "gambling_promo", ...
  std::string lang;
  AdCandidate ad;
  std::string id;      // the text's id in its corpus file, or ""
  std::string family;  // the TPPO family it was written for ("compound", "organ", ...), or ""
  std::string writer;  // who wrote it ("w1"), or "": the families corpus is split by writer
};

struct RuleStat {
  std::string rule_id;
  std::string category;
  double weight = 0;
  int hits = 0;                         // texts the rule fired on
  std::map<std::string, int> by_label;  // hits per label
  double share_positive = 0;            // share of hits on the positive label (0 when no hits)
};

struct CoFiring {
  std::string a, b;
  int both = 0;
  double overlap = 0;  // both / min(hits a, hits b)
};

struct RuleStatsReport {
  std::map<std::string, int> texts_by_label;
  std::vector<RuleStat> rules;            // in ruleset order
  std::vector<std::string> never_fire;    // active rules with no hit at all
  std::vector<std::string> fire_on_most;  // rules that fire on more than half of the texts
  std::vector<CoFiring> co_firing;        // pairs with overlap >= 0.9 and at least 5 shared hits
};

// Classifies every text and counts, per rule, the hits per label. `positive` names the label
// whose share is reported ("lure").
RuleStatsReport ComputeRuleStats(const Classifier& classifier,
                                 const std::vector<LabeledText>& corpus,
                                 const std::string& positive);

}  // namespace adwatch::classifier

#endif  // ADWATCH_CLASSIFIER_RULE_CHECK_H_
