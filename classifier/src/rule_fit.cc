#include "adwatch/classifier/rule_fit.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "adwatch/common/names.h"

namespace adwatch::classifier {

Status Validate(const FitOptions& o) {
  if (o.l2 < 0) return Status::InvalidArgument("fit", "l2 must be >= 0");
  if (o.temperature <= 0) return Status::InvalidArgument("fit", "temperature must be > 0");
  if (o.iterations < 1) return Status::InvalidArgument("fit", "iterations must be >= 1");
  if (o.learning_rate <= 0) return Status::InvalidArgument("fit", "learning_rate must be > 0");
  if (o.min_magnitude < 0 || o.max_weight <= o.min_magnitude || o.max_weight > 100) {
    return Status::InvalidArgument("fit", "need 0 <= min_magnitude < max_weight <= 100");
  }
  if (o.round_to <= 0) return Status::InvalidArgument("fit", "round_to must be > 0");
  if (o.positive_label == o.negative_label)
    return Status::InvalidArgument("fit", "labels must differ");
  return Status::OK();
}

std::vector<Verdict> ClassifyCorpus(const Classifier& classifier,
                                    const std::vector<LabeledText>& corpus) {
  std::vector<Verdict> out;
  out.reserve(corpus.size());
  for (const LabeledText& t : corpus) {
    auto v = classifier.Classify(t.ad);
    out.push_back(v ? std::move(v.value()) : Verdict{});
  }
  return out;
}

Verdict Reweigh(Verdict v, const std::map<std::string, double>& weights,
                const Classifier& classifier) {
  for (Hit& h : v.hits) {
    auto it = weights.find(h.rule_id);
    if (it == weights.end()) continue;
    h.rule_weight = it->second;
    h.weight = h.negated ? it->second * classifier.options().negated_factor : it->second;
  }
  ScoreHits(v, classifier.rules(), classifier.options());
  return v;
}

namespace {

std::string Column(const Verdict& v) {
  if (v.kind == DocKind::kRecruitmentAd) return "ad:" + std::string(Name(v.level));
  return std::string(Name(v.kind));
}

std::string PatternOfFamily(const std::string& family) {
  return family == "compound" ? "compound_scam" : family;
}

void Count(QualityCounts& q, const LabeledText& t, const Verdict& v) {
  const bool medium = v.level >= Level::kMedium;
  const bool flagged = medium && v.kind == DocKind::kRecruitmentAd;
  if (t.label == "lure") {
    ++q.lures;
    if (flagged) ++q.lures_caught;
    if (flagged && !t.family.empty()) {
      ++q.lures_with_family;
      if (Name(v.pattern) == PatternOfFamily(t.family)) ++q.pattern_right;
    }
  } else if (t.label == "legit") {
    ++q.legit;
    if (medium) ++q.legit_flagged;
  } else {
    ++q.other;
    if (flagged) ++q.other_as_ad;
  }
}

double Sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

// One fitted text: its label and, per fitted rule that fired, the share of the weight applied.
struct Sample {
  double y = 0;
  double class_weight = 1;
  double kind_factor = 1;  // non_ad_factor when the text reads as news, distress or gambling
  double fixed = 0;        // risk from rules not fitted (testing, disabled): kept as is
  std::vector<std::pair<int, double>> terms;  // (fitted rule index, multiplier)
};

}  // namespace

Quality Measure(const std::vector<LabeledText>& corpus, const std::vector<Verdict>& verdicts) {
  Quality q;
  for (size_t i = 0; i < corpus.size() && i < verdicts.size(); ++i) {
    const LabeledText& t = corpus[i];
    const Verdict& v = verdicts[i];
    Count(q.all, t, v);
    Count(q.by_family[t.family], t, v);
    if (!t.writer.empty()) Count(q.by_writer[t.writer], t, v);
    Count(q.by_lang[t.lang], t, v);
    ++q.confusion[t.label][Column(v)];
  }
  return q;
}

FitReport FitWeights(const Classifier& classifier, const std::vector<LabeledText>& dev,
                     const std::vector<Verdict>& verdicts, const FitOptions& options) {
  FitReport report;
  const RuleSet& rs = classifier.rules();
  const auto& rules = rs.rules();
  const auto& categories = rs.categories();
  const ClassifyOptions& co = classifier.options();

  // The fitted rules: active rules of risk categories.
  std::vector<int> fitted;                       // rule index per fitted slot
  std::unordered_map<std::string, int> slot_of;  // rule id → slot
  for (size_t i = 0; i < rules.size(); ++i) {
    const Rule& r = rules[i];
    if (r.status != RuleStatus::kActive || r.weight == 0) continue;
    if (!categories.at(r.category).kind.empty()) continue;
    slot_of[r.id] = static_cast<int>(fitted.size());
    fitted.push_back(static_cast<int>(i));
  }
  const size_t n = fitted.size();
  std::vector<double> prior(n), w(n);
  std::vector<int> slot_category(n);
  std::vector<std::string> category_keys;
  std::unordered_map<std::string, int> category_index;
  for (size_t k = 0; k < n; ++k) {
    const Rule& r = rules[static_cast<size_t>(fitted[k])];
    prior[k] = w[k] = r.weight;
    auto [it, inserted] =
        category_index.emplace(r.category, static_cast<int>(category_keys.size()));
    if (inserted) category_keys.push_back(r.category);
    slot_category[k] = it->second;
    report.rules.push_back({r.id, r.category, r.weight, r.weight, 0, 0});
  }

  // The samples, and per category the risk of rules that are not fitted.
  std::vector<Sample> samples;
  std::vector<std::vector<double>> fixed_by_category;
  for (size_t i = 0; i < dev.size() && i < verdicts.size(); ++i) {
    const LabeledText& t = dev[i];
    if (t.label != options.positive_label && t.label != options.negative_label) continue;
    Sample s;
    s.y = t.label == options.positive_label ? 1 : 0;
    const Verdict& v = verdicts[i];
    if (v.kind == DocKind::kNews || v.kind == DocKind::kDistress ||
        v.kind == DocKind::kGamblingPromo) {
      s.kind_factor = co.non_ad_factor;
    }
    std::vector<double> fixed(category_keys.size(), 0);
    for (const Hit& h : v.hits) {
      auto cat = categories.find(h.category);
      if (cat == categories.end() || !cat->second.kind.empty()) continue;
      auto slot = slot_of.find(h.rule_id);
      if (slot == slot_of.end()) {
        auto ci = category_index.find(h.category);
        if (ci != category_index.end()) {
          fixed[static_cast<size_t>(ci->second)] += h.weight;
        } else {
          s.fixed += std::clamp(h.weight, -cat->second.cap, cat->second.cap);
        }
        continue;
      }
      s.terms.emplace_back(slot->second, h.negated ? co.negated_factor : 1.0);
      RuleFit& rf = report.rules[static_cast<size_t>(slot->second)];
      ++(s.y > 0 ? rf.positive_hits : rf.negative_hits);
    }
    ++(s.y > 0 ? report.positives : report.negatives);
    samples.push_back(std::move(s));
    fixed_by_category.push_back(std::move(fixed));
  }
  for (Sample& s : samples) {
    const int count = s.y > 0 ? report.positives : report.negatives;
    s.class_weight = static_cast<double>(samples.size()) / (2.0 * std::max(1, count));
  }
  for (const RuleFit& rf : report.rules) {
    if (rf.positive_hits + rf.negative_hits == 0) report.never_fire.push_back(rf.rule_id);
  }

  // Loss and gradient of the capped score model.
  std::vector<double> caps(category_keys.size());
  for (size_t c = 0; c < category_keys.size(); ++c) caps[c] = categories.at(category_keys[c]).cap;
  auto evaluate = [&](const std::vector<double>& weights, std::vector<double>* grad) {
    double loss = 0;
    if (grad) grad->assign(n, 0);
    std::vector<double> sums(category_keys.size());
    for (size_t si = 0; si < samples.size(); ++si) {
      const Sample& s = samples[si];
      sums = fixed_by_category[si];
      for (const auto& [k, m] : s.terms)
        sums[static_cast<size_t>(slot_category[static_cast<size_t>(k)])] +=
            weights[static_cast<size_t>(k)] * m;
      double raw = s.fixed;
      for (size_t c = 0; c < sums.size(); ++c) raw += std::clamp(sums[c], -caps[c], caps[c]);
      const double score = std::clamp(raw, 0.0, 100.0) * s.kind_factor;
      const double p = Sigmoid((score - co.medium) / options.temperature);
      const double eps = 1e-9;
      loss += s.class_weight * -(s.y * std::log(p + eps) + (1 - s.y) * std::log(1 - p + eps));
      if (!grad || raw <= 0 || raw >= 100) continue;
      const double d_raw = s.class_weight * (p - s.y) * s.kind_factor / options.temperature;
      for (const auto& [k, m] : s.terms) {
        const size_t c = static_cast<size_t>(slot_category[static_cast<size_t>(k)]);
        if (sums[c] <= -caps[c] || sums[c] >= caps[c]) continue;
        (*grad)[static_cast<size_t>(k)] += d_raw * m;
      }
    }
    const double count = std::max<double>(1, static_cast<double>(samples.size()));
    loss /= count;
    if (grad) {
      for (double& g : *grad) g /= count;
    }
    for (size_t k = 0; k < n; ++k) {
      const double d = weights[k] - prior[k];
      loss += options.l2 * d * d;
      if (grad) (*grad)[k] += 2 * options.l2 * d;
    }
    return loss;
  };
  auto project = [&](std::vector<double>& weights) {
    for (size_t k = 0; k < n; ++k) {
      weights[k] = prior[k] > 0
                       ? std::clamp(weights[k], options.min_magnitude, options.max_weight)
                       : std::clamp(weights[k], -options.max_weight, -options.min_magnitude);
    }
  };

  report.loss_before = evaluate(w, nullptr);
  // Adam: robust to the very different numbers of hits per rule.
  std::vector<double> grad, m1(n, 0), m2(n, 0);
  const double b1 = 0.9, b2 = 0.999;
  for (int it = 1; it <= options.iterations; ++it) {
    evaluate(w, &grad);
    for (size_t k = 0; k < n; ++k) {
      m1[k] = b1 * m1[k] + (1 - b1) * grad[k];
      m2[k] = b2 * m2[k] + (1 - b2) * grad[k] * grad[k];
      const double mh = m1[k] / (1 - std::pow(b1, it));
      const double vh = m2[k] / (1 - std::pow(b2, it));
      w[k] -= options.learning_rate * mh / (std::sqrt(vh) + 1e-8);
    }
    project(w);
  }
  for (size_t k = 0; k < n; ++k) {
    w[k] = std::round(w[k] / options.round_to) * options.round_to;
    if (w[k] == 0) w[k] = prior[k] > 0 ? options.round_to : -options.round_to;
  }
  project(w);
  report.loss_after = evaluate(w, nullptr);
  for (size_t k = 0; k < n; ++k) {
    report.rules[k].after = w[k];
    report.weights[report.rules[k].rule_id] = w[k];
  }
  return report;
}

Result<int> WriteWeights(const RuleSet& rs, const std::vector<RuleFit>& fits) {
  std::map<std::string, std::vector<const RuleFit*>> by_file;
  for (const RuleFit& f : fits) {
    if (f.after == f.before) continue;
    const Rule* r = rs.Find(f.rule_id);
    if (!r) return Status::InvalidArgument("rules fit", "unknown rule " + f.rule_id);
    by_file[r->file].push_back(&f);
  }
  int written = 0;
  for (const auto& [file, list] : by_file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Status::IOError(file, "cannot read");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    in.close();
    for (const RuleFit* f : list) {
      const Rule* r = rs.Find(f->rule_id);
      // The rule starts at its `id:` line; its weight is the first `weight:` line before the
      // next rule.
      size_t i = static_cast<size_t>(std::max(1, r->line)) - 1;
      if (i >= lines.size() || lines[i].find("id: " + r->id) == std::string::npos) {
        return Status::Corruption(
            file, "rule " + r->id + " is no longer at line " + std::to_string(r->line));
      }
      bool done = false;
      for (size_t j = i + 1; j < lines.size() && !done; ++j) {
        const std::string& l = lines[j];
        if (l.find("- id:") != std::string::npos) break;
        const size_t at = l.find("weight:");
        if (at == std::string::npos || l.find_first_not_of(' ') != at) continue;
        std::ostringstream value;
        if (f->after == std::round(f->after)) {
          value << static_cast<long long>(f->after);
        } else {
          value << f->after;
        }
        // Replace the number only, keeping spacing and any trailing comment.
        size_t b = l.find_first_not_of(' ', at + 7);
        if (b == std::string::npos) b = l.size();
        size_t e = b;
        while (e < l.size() && (std::isdigit(static_cast<unsigned char>(l[e])) || l[e] == '-' ||
                                l[e] == '.' || l[e] == '+'))
          ++e;
        lines[j] = l.substr(0, b) + value.str() + l.substr(e);
        done = true;
      }
      if (!done) return Status::Corruption(file, "rule " + r->id + ": no weight line found");
      ++written;
    }
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    for (const std::string& l : lines) out << l << '\n';
    out.close();
    if (!out) return Status::IOError(file, "cannot write");
  }
  return written;
}

}  // namespace adwatch::classifier
