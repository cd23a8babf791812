#include "adwatch/classifier/rule_check.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "adwatch/classifier/normalize.h"
#include "engine.h"

namespace adwatch::classifier {
namespace {

bool Fires(const Classifier& c, const Rule& rule, const RuleExample& ex, std::string* error) {
  AdCandidate ad;
  ad.title = ex.title;
  ad.text = ex.text;
  ad.url = ex.url;
  ad.page_types = ex.page_types;
  auto v = c.Classify(ad);
  if (!v) {
    *error = v.error().ToString();
    return false;
  }
  return std::any_of(v->hits.begin(), v->hits.end(),
                     [&](const Hit& h) { return h.rule_id == rule.id; });
}

// Whether `re` matches the title or text of one of `examples`, in the rule's view.
bool MatchesAnExample(const Rule& rule, const std::vector<RuleExample>& examples, const RE2& re) {
  for (const RuleExample& ex : examples) {
    for (const std::string* text : {&ex.title, &ex.text}) {
      const NormalizedText n = Normalize(*text);
      const std::string& view = rule.view == RuleView::kFolded ? n.folded.text : n.skeleton.text;
      if (!view.empty() && RE2::PartialMatch(view, re)) return true;
    }
  }
  return false;
}

}  // namespace

std::vector<RuleProblem> TestRuleExamples(const Classifier& classifier) {
  std::vector<RuleProblem> out;
  for (const Rule& rule : classifier.rules().rules()) {
    if (rule.status == RuleStatus::kDisabled) continue;
    for (const RuleExample& ex : rule.match) {
      std::string error;
      if (!Fires(classifier, rule, ex, &error)) {
        out.push_back(
            {ex.where, rule.id,
             error.empty() ? "does not fire on its match example: \"" + ex.text + "\"" : error});
      }
    }
    for (const RuleExample& ex : rule.no_match) {
      std::string error;
      if (Fires(classifier, rule, ex, &error)) {
        out.push_back({ex.where, rule.id, "fires on its no_match example: \"" + ex.text + "\""});
      } else if (!error.empty()) {
        out.push_back({ex.where, rule.id, error});
      }
    }
  }
  return out;
}

std::vector<RuleProblem> LintRules(const Classifier& classifier, const LintOptions& options) {
  std::vector<RuleProblem> out = TestRuleExamples(classifier);
  const RuleSet& rs = classifier.rules();
  const auto& engine = rs.engine();
  std::set<std::string> used_categories;
  for (size_t i = 0; i < rs.rules().size(); ++i) {
    const Rule& rule = rs.rules()[i];
    const std::string where = rule.file + ":" + std::to_string(rule.line);
    used_categories.insert(rule.category);
    if (rule.status == RuleStatus::kDisabled) continue;
    if (static_cast<int>(rule.match.size()) < options.min_examples ||
        static_cast<int>(rule.no_match.size()) < options.min_examples) {
      out.push_back({where, rule.id,
                     "has " + std::to_string(rule.match.size()) + " match and " +
                         std::to_string(rule.no_match.size()) + " no_match examples; needs " +
                         std::to_string(options.min_examples) + " of each"});
    }
    const auto& compiled = engine.compiled[i];
    for (size_t p = 0; p < compiled.patterns.size(); ++p) {
      const RE2& re = *compiled.patterns[p];
      const std::string label = "pattern " + std::to_string(p + 1) + " '" + rule.patterns[p] + "'";
      if (RE2::PartialMatch("", re))
        out.push_back({where, rule.id, label + " matches the empty string"});
      const std::string& pat = rule.patterns[p];
      for (size_t k = 0; k < pat.size(); ++k) {
        if (pat[k] == '\\') {
          ++k;
          continue;
        }
        if (pat[k] >= 'A' && pat[k] <= 'Z') {
          out.push_back({where, rule.id, label + " has upper-case letters; views are lower-case"});
          break;
        }
      }
      if (!rule.match.empty() && !MatchesAnExample(rule, rule.match, re)) {
        out.push_back({where, rule.id, label + " matches none of the rule's own examples"});
      }
    }
    // An exception shows what it rules out: one of the no_match examples.
    for (size_t p = 0; p < compiled.except.size(); ++p) {
      const RE2& re = *compiled.except[p];
      const std::string label = "except " + std::to_string(p + 1) + " '" + rule.except[p] + "'";
      if (RE2::PartialMatch("", re))
        out.push_back({where, rule.id, label + " matches the empty string"});
      if (!MatchesAnExample(rule, rule.no_match, re)) {
        out.push_back({where, rule.id, label + " matches none of the rule's no_match examples"});
      }
    }
  }
  for (const auto& [key, cat] : rs.categories()) {
    if (!used_categories.count(key)) {
      out.push_back(
          {rs.options().rules_dir + "/categories.yaml", "", "category " + key + " has no rules"});
    }
  }
  return out;
}

RuleStatsReport ComputeRuleStats(const Classifier& classifier,
                                 const std::vector<LabeledText>& corpus,
                                 const std::string& positive) {
  RuleStatsReport report;
  const auto& rules = classifier.rules().rules();
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < rules.size(); ++i) {
    index[rules[i].id] = i;
    report.rules.push_back({rules[i].id, rules[i].category, rules[i].weight, 0, {}, 0});
  }
  std::vector<std::vector<int>> fired_per_text;
  for (const LabeledText& t : corpus) {
    ++report.texts_by_label[t.label];
    auto v = classifier.Classify(t.ad);
    std::vector<int> fired;
    if (v) {
      for (const Hit& h : v->hits) {
        const size_t i = index[h.rule_id];
        ++report.rules[i].hits;
        ++report.rules[i].by_label[t.label];
        fired.push_back(static_cast<int>(i));
      }
    }
    fired_per_text.push_back(std::move(fired));
  }
  const int n = static_cast<int>(corpus.size());
  for (RuleStat& r : report.rules) {
    const Rule& rule = rules[index[r.rule_id]];
    if (r.hits > 0) {
      auto it = r.by_label.find(positive);
      r.share_positive = it == r.by_label.end() ? 0 : static_cast<double>(it->second) / r.hits;
    } else if (rule.status == RuleStatus::kActive) {
      report.never_fire.push_back(r.rule_id);
    }
    if (n > 0 && r.hits * 2 > n) report.fire_on_most.push_back(r.rule_id);
  }
  std::map<std::pair<int, int>, int> both;
  for (const auto& fired : fired_per_text) {
    for (size_t a = 0; a < fired.size(); ++a) {
      for (size_t b = a + 1; b < fired.size(); ++b) {
        ++both[{std::min(fired[a], fired[b]), std::max(fired[a], fired[b])}];
      }
    }
  }
  for (const auto& [pair, count] : both) {
    const int ha = report.rules[static_cast<size_t>(pair.first)].hits;
    const int hb = report.rules[static_cast<size_t>(pair.second)].hits;
    const double overlap = static_cast<double>(count) / std::max(1, std::min(ha, hb));
    if (count >= 5 && overlap >= 0.9) {
      report.co_firing.push_back({report.rules[static_cast<size_t>(pair.first)].rule_id,
                                  report.rules[static_cast<size_t>(pair.second)].rule_id, count,
                                  overlap});
    }
  }
  std::sort(report.co_firing.begin(), report.co_firing.end(),
            [](const CoFiring& x, const CoFiring& y) { return x.overlap > y.overlap; });
  return report;
}

}  // namespace adwatch::classifier
