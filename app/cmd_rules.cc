// adwatch rules test | lint | stats | fit: checks of the ruleset itself, and its weights fitted
// on a labeled corpus.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "adwatch/classifier/rule_check.h"
#include "adwatch/classifier/rule_fit.h"
#include "cli.h"
#include "services.h"

namespace adwatch::app {
namespace {

struct RulesArgs {
  std::string rules_dir;
  int min_examples = 2;
  std::vector<std::string> corpus;
  std::string positive = "lure";
  // fit
  std::vector<std::string> test;
  bool write = false;
  int show = 40;
  classifier::FitOptions fit;
};

Result<std::unique_ptr<classifier::Classifier>> Load(AppContext& ctx, const RulesArgs& args) {
  const Config* config = ctx.config();
  if (!config) return Status::InvalidArgument("bad config");
  return LoadClassifier(*config, args.rules_dir);
}

int PrintProblems(const std::vector<classifier::RuleProblem>& problems,
                  const classifier::RuleSet& rules, const char* what) {
  for (const auto& p : problems) {
    if (p.rule_id.empty()) {
      std::printf("%s: %s\n", p.where.c_str(), p.message.c_str());
    } else {
      std::printf("%s: rule %s: %s\n", p.where.c_str(), p.rule_id.c_str(), p.message.c_str());
    }
  }
  size_t examples = 0;
  for (const auto& r : rules.rules()) examples += r.match.size() + r.no_match.size();
  std::printf(
      "%s: %zu rules, %zu examples, ruleset %s: %s\n", what, rules.rules().size(), examples,
      rules.version().c_str(),
      problems.empty() ? "all good" : (std::to_string(problems.size()) + " problem(s)").c_str());
  return problems.empty() ? kExitOk : kExitFailure;
}

int RunTest(const RulesArgs& args, AppContext& ctx) {
  auto c = Load(ctx, args);
  if (!c) {
    std::fprintf(stderr, "adwatch rules test: %s\n", c.error().message().c_str());
    return kExitFailure;
  }
  return PrintProblems(classifier::TestRuleExamples(**c), (*c)->rules(), "rules test");
}

int RunLint(const RulesArgs& args, AppContext& ctx) {
  auto c = Load(ctx, args);
  if (!c) {
    std::fprintf(stderr, "adwatch rules lint: %s\n", c.error().message().c_str());
    return kExitFailure;
  }
  classifier::LintOptions options;
  options.min_examples = args.min_examples;
  return PrintProblems(classifier::LintRules(**c, options), (*c)->rules(), "rules lint");
}

// Reads labeled JSONL files into one corpus. Bad lines are reported on stderr and counted in
// `bad`; a file that cannot be read is an error.
Result<std::vector<classifier::LabeledText>> LoadCorpus(const std::vector<std::string>& paths,
                                                        const char* what, int& bad) {
  std::vector<classifier::LabeledText> corpus;
  for (const std::string& path : paths) {
    auto data = ReadInput(path);
    if (!data) return data.error();
    ForEachJsonAd(data.value(), [&](int line_no, Result<JsonAd> ad) {
      if (!ad || ad->label.empty()) {
        std::fprintf(stderr, "adwatch rules %s: %s:%d: %s; line skipped\n", what, path.c_str(),
                     line_no, ad ? "missing \"label\"" : ad.error().message().c_str());
        ++bad;
        return true;
      }
      classifier::LabeledText t{ad->label, ad->ad.lang, std::move(ad->ad),
                                ad->id,    ad->family,  ad->writer};
      corpus.push_back(std::move(t));
      return true;
    });
  }
  return corpus;
}

std::string Share(int part, int whole) {
  if (whole == 0) return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%d/%d (%.0f%%)", part, whole, 100.0 * part / whole);
  return buf;
}

// One line of figures: lures caught, legitimate ads flagged, other texts read as an ad.
std::string Figures(const classifier::QualityCounts& q) {
  char buf[200];
  std::snprintf(buf, sizeof buf, "%-16s %-15s %-15s", Share(q.lures_caught, q.lures).c_str(),
                Share(q.legit_flagged, q.legit).c_str(), Share(q.other_as_ad, q.other).c_str());
  return buf;
}

void PrintGroups(const char* title,
                 const std::map<std::string, classifier::QualityCounts>& groups) {
  std::printf("\n%-22s %-16s %-15s %-15s %s\n", title, "lures >= medium", "legit >= medium",
              "news etc. as ad", "pattern named");
  for (const auto& [key, q] : groups) {
    std::printf("%-22s %s %s\n", key.empty() ? "(none)" : key.c_str(), Figures(q).c_str(),
                q.lures_with_family ? Share(q.pattern_right, q.lures_with_family).c_str() : "-");
  }
}

int RunStats(const RulesArgs& args, AppContext& ctx) {
  auto c = Load(ctx, args);
  if (!c) {
    std::fprintf(stderr, "adwatch rules stats: %s\n", c.error().message().c_str());
    return kExitFailure;
  }
  int bad = 0;
  auto loaded = LoadCorpus(args.corpus, "stats", bad);
  if (!loaded) {
    std::fprintf(stderr, "adwatch rules stats: %s\n", loaded.error().message().c_str());
    return kExitFailure;
  }
  const std::vector<classifier::LabeledText>& corpus = loaded.value();
  const auto report = classifier::ComputeRuleStats(**c, corpus, args.positive);
  std::printf("%zu texts:", corpus.size());
  for (const auto& [label, n] : report.texts_by_label) std::printf(" %s=%d", label.c_str(), n);
  std::printf("\n\n%-34s %-24s %6s %5s %7s  %s\n", "rule", "category", "weight", "hits",
              ("%" + args.positive).c_str(), "hits by label");
  for (const auto& r : report.rules) {
    std::string by;
    for (const auto& [label, n] : r.by_label) by += label + "=" + std::to_string(n) + " ";
    std::printf("%-34s %-24s %6.1f %5d %6.0f%%  %s\n", r.rule_id.c_str(), r.category.c_str(),
                r.weight, r.hits, r.hits ? r.share_positive * 100 : 0.0, by.c_str());
  }
  auto list = [](const char* title, const std::vector<std::string>& ids) {
    std::printf("\n%s (%zu):", title, ids.size());
    for (const auto& id : ids) std::printf(" %s", id.c_str());
    std::printf("\n");
  };
  list("Never fire", report.never_fire);
  list("Fire on more than half of all texts", report.fire_on_most);
  std::printf("\nPairs that almost always fire together (%zu):\n", report.co_firing.size());
  for (const auto& p : report.co_firing) {
    std::printf("  %s + %s: %d together, overlap %.0f%%\n", p.a.c_str(), p.b.c_str(), p.both,
                p.overlap * 100);
  }
  const auto quality = classifier::Measure(corpus, classifier::ClassifyCorpus(**c, corpus));
  std::printf(
      "\nQuality (lures caught at medium or above; legitimate ads and news, awareness, distress "
      "or\n"
      "gambling texts wrongly flagged):\n");
  PrintGroups("all", {{"", quality.all}});
  if (quality.by_family.size() > 1 || !quality.by_family.count(""))
    PrintGroups("family", quality.by_family);
  if (!quality.by_writer.empty()) PrintGroups("writer", quality.by_writer);
  PrintGroups("language", quality.by_lang);
  return bad ? kExitFailure : kExitOk;
}

int RunFit(const RulesArgs& args, AppContext& ctx) {
  auto c = Load(ctx, args);
  if (!c) {
    std::fprintf(stderr, "adwatch rules fit: %s\n", c.error().message().c_str());
    return kExitFailure;
  }
  if (Status s = classifier::Validate(args.fit); !s.ok()) {
    std::fprintf(stderr, "adwatch rules fit: %s\n", s.message().c_str());
    return kExitUsage;
  }
  int bad = 0;
  auto dev = LoadCorpus(args.corpus, "fit", bad);
  auto test = dev ? LoadCorpus(args.test, "fit", bad) : dev;
  if (!dev || !test) {
    std::fprintf(stderr, "adwatch rules fit: %s\n", (dev ? test : dev).error().message().c_str());
    return kExitFailure;
  }
  const classifier::Classifier& cl = **c;
  const auto dev_verdicts = classifier::ClassifyCorpus(cl, dev.value());
  const auto test_verdicts = classifier::ClassifyCorpus(cl, test.value());
  const auto report = classifier::FitWeights(cl, dev.value(), dev_verdicts, args.fit);

  std::printf(
      "Fitted %zu risk rules on %d %s and %d %s texts of %zu file(s); class-balanced log loss "
      "%.3f -> %.3f (L2 %.4g towards the written weights, temperature %.1f).\n",
      report.rules.size(), report.positives, args.fit.positive_label.c_str(), report.negatives,
      args.fit.negative_label.c_str(), args.corpus.size(), report.loss_before, report.loss_after,
      args.fit.l2, args.fit.temperature);

  std::vector<classifier::RuleFit> changed;
  for (const auto& r : report.rules) {
    if (r.after != r.before) changed.push_back(r);
  }
  std::sort(changed.begin(), changed.end(), [](const auto& a, const auto& b) {
    return std::abs(a.after - a.before) > std::abs(b.after - b.before);
  });
  std::printf("\n%zu weights change%s:\n%-36s %-22s %7s %7s %6s %6s\n", changed.size(),
              args.show > 0 && changed.size() > static_cast<size_t>(args.show)
                  ? " (largest first; --show N for more)"
                  : "",
              "rule", "category", "before", "after", args.fit.positive_label.c_str(),
              args.fit.negative_label.c_str());
  for (size_t i = 0; i < changed.size() && (args.show <= 0 || i < static_cast<size_t>(args.show));
       ++i) {
    const auto& r = changed[i];
    std::printf("%-36s %-22s %7.1f %7.1f %6d %6d\n", r.rule_id.c_str(), r.category.c_str(),
                r.before, r.after, r.positive_hits, r.negative_hits);
  }
  if (!report.never_fire.empty()) {
    std::printf("\nNo hit on the fitted texts, weight kept (%zu):", report.never_fire.size());
    for (const auto& id : report.never_fire) std::printf(" %s", id.c_str());
    std::printf("\n");
  }

  auto reweighed = [&](const std::vector<Verdict>& verdicts) {
    std::vector<Verdict> out;
    out.reserve(verdicts.size());
    for (const auto& v : verdicts) out.push_back(classifier::Reweigh(v, report.weights, cl));
    return out;
  };
  const auto dev_before = classifier::Measure(dev.value(), dev_verdicts);
  const auto dev_after = classifier::Measure(dev.value(), reweighed(dev_verdicts));
  std::printf("\n%-14s %-16s %-15s %-15s\n", "effect", "lures >= medium", "legit >= medium",
              "news etc. as ad");
  std::printf("%-14s %s\n%-14s %s\n", "dev before", Figures(dev_before.all).c_str(), "dev after",
              Figures(dev_after.all).c_str());
  classifier::Quality test_before, test_after;
  if (!test->empty()) {
    test_before = classifier::Measure(test.value(), test_verdicts);
    test_after = classifier::Measure(test.value(), reweighed(test_verdicts));
    std::printf("%-14s %s\n%-14s %s\n", "test before", Figures(test_before.all).c_str(),
                "test after", Figures(test_after.all).c_str());
  }
  auto per_group = [&](const char* title, const auto& before, const auto& after) {
    std::printf("\n%-22s %-20s %-20s %s\n", title, "lures before->after", "legit before->after",
                "other before->after");
    for (const auto& [key, q] : after) {
      auto b = before.find(key);
      const classifier::QualityCounts qb =
          b == before.end() ? classifier::QualityCounts{} : b->second;
      char line[256];
      std::snprintf(line, sizeof line, "%-22s %3d->%3d of %-10d %3d->%3d of %-10d %3d->%3d of %d",
                    key.empty() ? "(none)" : key.c_str(), qb.lures_caught, q.lures_caught, q.lures,
                    qb.legit_flagged, q.legit_flagged, q.legit, qb.other_as_ad, q.other_as_ad,
                    q.other);
      std::printf("%s\n", line);
    }
  };
  per_group("dev family", dev_before.by_family, dev_after.by_family);
  if (!test->empty()) per_group("test family", test_before.by_family, test_after.by_family);

  if (!args.write) {
    std::printf("\nThe rule files are unchanged; --write writes the fitted weights into them.\n");
    return bad ? kExitFailure : kExitOk;
  }
  auto written = classifier::WriteWeights(cl.rules(), report.rules);
  if (!written) {
    std::fprintf(stderr, "adwatch rules fit: %s\n", written.error().message().c_str());
    return kExitFailure;
  }
  std::printf("\nWrote %d weights into the rule files under %s.\n", written.value(),
              cl.rules().options().rules_dir.c_str());
  return bad ? kExitFailure : kExitOk;
}

}  // namespace

void AddRulesCommands(CLI::App& app, AppContext& ctx) {
  auto args = std::make_shared<RulesArgs>();
  CLI::App* rules =
      app.add_subcommand("rules", "Check the ruleset: test its examples, lint it, measure it");
  rules->require_subcommand(1);
  rules->add_option("--rules", args->rules_dir,
                    "Rules folder (default: rules.dir from the config)");

  CLI::App* test = rules->add_subcommand(
      "test",
      "Run every rule's match/no_match examples; report failures as file:line.\n"
      "Exit 1 when an example fails or a rule file does not load.");
  test->callback([args, &ctx] { ctx.action = [args, &ctx] { return RunTest(*args, ctx); }; });

  CLI::App* lint = rules->add_subcommand(
      "lint",
      "Everything `rules test` checks, plus patterns that match the empty string, patterns\n"
      "that match none of their rule's examples, too few examples, upper-case patterns,\n"
      "unused categories, and whether each view's RE2::Set fits its memory budget.");
  lint->add_option("--min-examples", args->min_examples, "Examples of each kind a rule needs")
      ->default_val(2);
  lint->callback([args, &ctx] { ctx.action = [args, &ctx] { return RunLint(*args, ctx); }; });

  CLI::App* stats = rules->add_subcommand(
      "stats",
      "Per-rule hit statistics over a labeled JSONL corpus (\"label\", \"text\", ...):\n"
      "hits per label, the share of a rule's hits on the positive label, rules that never\n"
      "fire, rules that fire on most texts, and pairs that almost always fire together.");
  stats->add_option("files", args->corpus, "Labeled JSONL files, read as one corpus")->required();
  stats->add_option("--positive", args->positive, "The label whose share is reported")
      ->default_val("lure");
  stats->callback([args, &ctx] { ctx.action = [args, &ctx] { return RunStats(*args, ctx); }; });

  CLI::App* fit = rules->add_subcommand(
      "fit",
      "Fit the weights of the risk rules on a labeled development corpus: an L2-regularised\n"
      "logistic regression of 'lure' against 'legit' through the scorer's own category caps,\n"
      "pulled towards the weights written in the rule files (rules/README.md, \"Choosing\n"
      "weights\"). Prints each weight's change and what the new weights do to the\n"
      "development corpus and, with --test, to a held-out one; --write puts them into the\n"
      "rule files. Never fit on the test corpus.");
  fit->add_option("files", args->corpus, "Labeled JSONL files to fit on (the dev split)")
      ->required();
  fit->add_option("--test", args->test, "Labeled JSONL files to report on, never fitted on");
  fit->add_flag("--write", args->write, "Write the fitted weights into the rule files");
  fit->add_option("--l2", args->fit.l2, "Penalty towards the written weights")
      ->default_val(args->fit.l2);
  fit->add_option("--temperature", args->fit.temperature,
                  "Scale of the logistic link, in score points")
      ->default_val(args->fit.temperature);
  fit->add_option("--iterations", args->fit.iterations, "Gradient steps")
      ->default_val(args->fit.iterations);
  fit->add_option("--show", args->show, "How many changed weights to list (0: all)")
      ->default_val(40);
  fit->callback([args, &ctx] { ctx.action = [args, &ctx] { return RunFit(*args, ctx); }; });
}

}  // namespace adwatch::app
