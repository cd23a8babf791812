// Internal: the compiled form of a RuleSet — one RE2::Set per view, each pattern's own RE2 for
// recovering spans, and the meta rules' conditions in evaluation order.
#ifndef ADWATCH_CLASSIFIER_ENGINE_H_
#define ADWATCH_CLASSIFIER_ENGINE_H_

#include <re2/re2.h>
#include <re2/set.h>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "adwatch/classifier/rule_set.h"
#include "adwatch/common/status.h"

namespace adwatch::classifier {

// A meta rule's condition (rules/README.md, "Meta rules").
struct Condition {
  enum class Op {
    kRule,         // another rule fired
    kCategory,     // any rule of a category fired
    kEntity,       // an entity of a kind, with filters
    kObfuscation,  // at least `count` obfuscations were undone
    kPageType,     // the page calls itself one of `values` (schema.org / og:type)
    kDomain,       // the ad's URL host is or ends with one of `values`
    kAll,
    kAny,
    kAtLeast,  // at least `count` of children
    kNot,
    kNear,  // evidence of children[0] within `chars` bytes of children[1]'s, same field
  };
  Op op = Op::kAll;
  std::string name;  // rule id, category key or entity kind
  int rule_index = -1;
  // Entity filters.
  std::optional<PlaceKind> place_kind;
  bool nonplacement = false;
  bool transit = false;
  bool moratorium = false;
  bool foreign = false;  // phones: outside the default phone region
  double min_monthly_idr = 0;
  int count = 1;
  int chars = 0;
  std::vector<std::string> values;  // page types, domains, or the countries a place may be in
  std::vector<Condition> children;
  std::string where;  // file:line
};

// How far before and after a match an `except` pattern is looked for.
constexpr size_t kExceptReach = 160;

struct CompiledRule {
  std::vector<std::unique_ptr<RE2>> patterns;
  std::vector<std::unique_ptr<RE2>> except;  // matches these overlap are not evidence
  std::optional<Condition> when;             // meta rules
  double weight = 0;                         // weight applied: 0 for testing rules unless included
  bool enabled = true;                       // disabled rules are loaded (for lint) but never run
};

struct ViewSet {
  std::unique_ptr<RE2::Set> set;
  std::vector<std::pair<int, int>> entries;  // Set index → (rule index, pattern index)
};

struct RuleSet::Engine {
  std::vector<CompiledRule> compiled;  // parallel to RuleSet::rules()
  std::array<ViewSet, 2> sets;         // indexed by RuleView
  std::vector<int> meta_order;         // meta rules, dependencies first
  std::unique_ptr<RE2> negation_cues;  // warning/negation words, on the folded view
  // Verdicts that close a sentence and negate all of it ("…, adalah ILEGAL"), on the folded view.
  std::unique_ptr<RE2> negation_post_cues;
  // Phrases that, within a few words after a closing verdict, dismiss it ("…itu dilarang
  // pemerintah, TAPI AMAN"): the recruiter's own reassurance, so the verdict negates nothing.
  // Folded, one or more words.
  std::vector<std::string> negation_post_cue_dismissals;
  int negation_window_words = 8;
  // Words that, right after a warning cue, make it an invitation ("kalau ada yang MINAT, langsung
  // DM"): the cue then negates nothing. Folded.
  std::set<std::string, std::less<>> negation_cue_invitations;
  // Phrases that, right after a warning cue, run down a rival ("jangan percaya AGEN LAIN, gaji 15
  // juta…"): the recruiter's own pitch, so the cue negates nothing. Folded, one or more words.
  std::vector<std::string> negation_cue_rivals;
  // Cues that report an offer made to someone ("ditawari", "dijanjikan"). Said to the reader ("Anda
  // ditawari kerja…", a word of `negation_cue_addressees` right before, no "kalau" before that),
  // the offer is the recruiter's own, and the cue negates nothing. Folded.
  std::set<std::string, std::less<>> negation_cues_to_others;
  std::set<std::string, std::less<>> negation_cue_addressees;
  // Words before the addressee that make the offer a condition or a scene, which still warns
  // ("kalau Anda ditawari…", "POV: kamu ditawarin…"). Folded.
  std::set<std::string, std::less<>> negation_addressee_scenes;
  // A sentence that opens with a condition ("kalo ada orang tawar kerja…") and is closed by a
  // refusal ("…, jang iko") tells the reader what to do with an offer: the words from the
  // condition to the refusal are negated. On the folded view; either may be missing.
  std::unique_ptr<RE2> negation_conditions;
  std::unique_ptr<RE2> negation_refusals;
  // A condition followed by a word of `negation_cue_invitations`, right after it or after one of
  // these relative words, invites ("kalo ada YG MAU kerja ART…, tolak yg minta DP"): it negates
  // nothing. Folded.
  std::set<std::string, std::less<>> negation_condition_relatives;
  std::unordered_map<std::string, int> by_id;
  std::unordered_map<std::string, std::vector<int>> by_category;  // rule indices per category
};

// Scans `text` with one view's Set and fills `matched` with Set indices. When the Set's DFA runs
// out of memory, matches every pattern of the view one by one instead and sets `fell_back`, so
// that an exhausted DFA is never a silent "no match". `simulate_out_of_memory` takes that path
// without asking the Set: RE2 (2022-06) reserves DFA room for twenty states of the largest
// possible size when a Set compiles, so tests cannot make a compiled Set run out on demand.
// Returns Internal for any other Set error.
Status ScanView(const ViewSet& view, const std::string& text, bool simulate_out_of_memory,
                const std::vector<CompiledRule>& compiled, std::vector<int>& matched,
                bool& fell_back);

}  // namespace adwatch::classifier

#endif  // ADWATCH_CLASSIFIER_ENGINE_H_
