// Weights fitted, not set by hand (`adwatch rules fit`): an L2-regularised logistic regression of
// "this text is a lure" on the risk rules that fired, through the scorer's own category caps, on
// a labeled development corpus; and the quality figures (per family, writer and language) that
// say what a set of weights does to a corpus. rules/README.md explains the method. Functions are
// pure apart from WriteWeights; thread-compatible.
#ifndef ADWATCH_CLASSIFIER_RULE_FIT_H_
#define ADWATCH_CLASSIFIER_RULE_FIT_H_

#include <map>
#include <string>
#include <vector>

#include "adwatch/classifier/classify.h"
#include "adwatch/classifier/rule_check.h"
#include "adwatch/common/status.h"

namespace adwatch::classifier {

struct FitOptions {
  // L2 penalty per unit of weight squared pulling each weight towards the one written in its
  // rule file (the prior, chosen from DOMAIN.md's hints), against the mean log loss. Larger keeps
  // weights nearer the prior; rules with no hits on the corpus keep it exactly.
  double l2 = 0.00002;
  // Scale of the logistic link, in score points: P(lure) = 1 / (1 + exp(-(score - medium) / T)).
  double temperature = 6;
  // Gradient steps (Adam) and their size in weight units.
  int iterations = 3000;
  double learning_rate = 0.25;
  // Bounds: a positive rule stays in [min_magnitude, max_weight], a negative one in
  // [-max_weight, -min_magnitude]; a fit never flips a rule's sign.
  double min_magnitude = 0.5;
  double max_weight = 60;
  // Fitted weights are rounded to multiples of this.
  double round_to = 0.5;
  // The label fitted as 1; `negative_label` as 0. Other labels (news, distress, gambling) are
  // left out: the document-kind decision, not risk weights, keeps them out of the queue.
  std::string positive_label = "lure";
  std::string negative_label = "legit";
};

// Validates option values. InvalidArgument naming the field.
Status Validate(const FitOptions& options);

// What the verdicts on a corpus add up to. A lure counts as caught when it reads as a
// recruitment ad at medium or above; a legitimate ad as flagged when it is at medium or above;
// any other text (news, awareness, distress, gambling promotion) as wrong when it reads as a
// recruitment ad at medium or above — the quality gate's definitions.
struct QualityCounts {
  int lures = 0, lures_caught = 0;
  int legit = 0, legit_flagged = 0;
  int other = 0, other_as_ad = 0;
  // A caught lure whose verdict names the pattern of its family (family "compound" is the
  // pattern compound_scam); only counted for texts with a family.
  int lures_with_family = 0, pattern_right = 0;
};

struct Quality {
  QualityCounts all;
  std::map<std::string, QualityCounts> by_family;  // texts without a family are under ""
  std::map<std::string, QualityCounts> by_writer;
  std::map<std::string, QualityCounts> by_lang;
  // label → verdict column ("ad:high", "ad:medium", "ad:low", "ad:none", "news", ...) → texts
  std::map<std::string, std::map<std::string, int>> confusion;
};

// The verdict on every text of `corpus`, in order (an engine error leaves a default verdict).
std::vector<Verdict> ClassifyCorpus(const Classifier& classifier,
                                    const std::vector<LabeledText>& corpus);

// `verdict` scored again with other weights for some risk rules (rule id → weight); rules not in
// `weights` keep theirs. Negated hits keep the negated share of the new weight.
Verdict Reweigh(Verdict verdict, const std::map<std::string, double>& weights,
                const Classifier& classifier);

// The quality figures of `verdicts` (ClassifyCorpus, perhaps Reweigh-ed) on `corpus`.
Quality Measure(const std::vector<LabeledText>& corpus, const std::vector<Verdict>& verdicts);

struct RuleFit {
  std::string rule_id;
  std::string category;
  double before = 0;                         // the weight in the rule file
  double after = 0;                          // fitted and rounded
  int positive_hits = 0, negative_hits = 0;  // texts of each label it fired on
};

struct FitReport {
  std::vector<RuleFit> rules;              // every active risk rule, in ruleset order
  std::map<std::string, double> weights;   // rule id → fitted weight, for Reweigh
  double loss_before = 0, loss_after = 0;  // mean class-balanced log loss on the fitted texts
  int positives = 0, negatives = 0;        // texts fitted
  std::vector<std::string> never_fire;     // active risk rules with no hit on the fitted texts
};

// Fits the weights of the active risk rules (categories without a kind) on the texts of `dev`
// labeled positive or negative. `verdicts` are ClassifyCorpus(classifier, dev).
// REQUIRES: verdicts.size() == dev.size(); Validate(options).ok().
FitReport FitWeights(const Classifier& classifier, const std::vector<LabeledText>& dev,
                     const std::vector<Verdict>& verdicts, const FitOptions& options);

// Rewrites the `weight:` line of every rule in `fits` whose weight changed, in its rule file,
// leaving every other byte of the file as it was. Returns how many rules were rewritten.
// IOError when a file cannot be read or written; Corruption when a rule's weight line is not
// where the loaded ruleset says it is (the file changed since it was loaded).
Result<int> WriteWeights(const RuleSet& rules, const std::vector<RuleFit>& fits);

}  // namespace adwatch::classifier

#endif  // ADWATCH_CLASSIFIER_RULE_FIT_H_
