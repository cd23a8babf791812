// adwatch rules test | lint | stats: checks of the ruleset itself.
#include <cstdio>

#include "adwatch/classifier/rule_check.h"
#include "cli.h"
#include "services.h"

namespace adwatch::app {
namespace {

struct RulesArgs {
  std::string rules_dir;
  int min_examples = 2;
  std::string corpus;
  std::string positive = "lure";
};

Result<std::unique_ptr<classifier::Classifier>> Load(AppContext& ctx, const RulesArgs& args) {
  const Config* config = ctx.config();
  if (!config) return Status::InvalidArgument("bad config");
  return LoadClassifier(*config, args.rules_dir);
}

int PrintProblems(const std::vector<classifier::RuleProblem>& problems, const classifier::RuleSet& rules,
                  const char* what) {
  for (const auto& p : problems) {
    if (p.rule_id.empty()) {
      std::printf("%s: %s\n", p.where.c_str(), p.message.c_str());
    } else {
      std::printf("%s: rule %s: %s\n", p.where.c_str(), p.rule_id.c_str(), p.message.c_str());
    }
  }
  size_t examples = 0;
  for (const auto& r : rules.rules()) examples += r.match.size() + r.no_match.size();
  std::printf("%s: %zu rules, %zu examples, ruleset %s: %s\n", what, rules.rules().size(), examples,
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

int RunStats(const RulesArgs& args, AppContext& ctx) {
  auto c = Load(ctx, args);
  if (!c) {
    std::fprintf(stderr, "adwatch rules stats: %s\n", c.error().message().c_str());
    return kExitFailure;
  }
  auto data = ReadInput(args.corpus);
  if (!data) {
    std::fprintf(stderr, "adwatch rules stats: %s\n", data.error().message().c_str());
    return kExitFailure;
  }
  std::vector<classifier::LabeledText> corpus;
  int bad = 0;
  ForEachJsonAd(data.value(), [&](int line_no, Result<JsonAd> ad) {
    if (!ad || ad->label.empty()) {
      std::fprintf(stderr, "adwatch rules stats: %s:%d: %s; line skipped\n", args.corpus.c_str(), line_no,
                   ad ? "missing \"label\"" : ad.error().message().c_str());
      ++bad;
      return true;
    }
    corpus.push_back({ad->label, ad->ad.lang, std::move(ad->ad)});
    return true;
  });
  const auto report = classifier::ComputeRuleStats(**c, corpus, args.positive);
  std::printf("%zu texts:", corpus.size());
  for (const auto& [label, n] : report.texts_by_label) std::printf(" %s=%d", label.c_str(), n);
  std::printf("\n\n%-34s %-24s %6s %5s %7s  %s\n", "rule", "category", "weight", "hits",
              ("%" + args.positive).c_str(), "hits by label");
  for (const auto& r : report.rules) {
    std::string by;
    for (const auto& [label, n] : r.by_label) by += label + "=" + std::to_string(n) + " ";
    std::printf("%-34s %-24s %6.1f %5d %6.0f%%  %s\n", r.rule_id.c_str(), r.category.c_str(), r.weight,
                r.hits, r.hits ? r.share_positive * 100 : 0.0, by.c_str());
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
    std::printf("  %s + %s: %d together, overlap %.0f%%\n", p.a.c_str(), p.b.c_str(), p.both, p.overlap * 100);
  }
  return bad ? kExitFailure : kExitOk;
}

}  // namespace

void AddRulesCommands(CLI::App& app, AppContext& ctx) {
  auto args = std::make_shared<RulesArgs>();
  CLI::App* rules = app.add_subcommand("rules", "Check the ruleset: test its examples, lint it, measure it");
  rules->require_subcommand(1);
  rules->add_option("--rules", args->rules_dir, "Rules folder (default: rules.dir from the config)");

  CLI::App* test = rules->add_subcommand(
      "test", "Run every rule's match/no_match examples; report failures as file:line.\n"
              "Exit 1 when an example fails or a rule file does not load.");
  test->callback([args, &ctx] { ctx.action = [args, &ctx] { return RunTest(*args, ctx); }; });

  CLI::App* lint = rules->add_subcommand(
      "lint", "Everything `rules test` checks, plus patterns that match the empty string, patterns\n"
              "that match none of their rule's examples, too few examples, upper-case patterns,\n"
              "unused categories, and whether each view's RE2::Set fits its memory budget.");
  lint->add_option("--min-examples", args->min_examples, "Examples of each kind a rule needs")
      ->default_val(2);
  lint->callback([args, &ctx] { ctx.action = [args, &ctx] { return RunLint(*args, ctx); }; });

  CLI::App* stats = rules->add_subcommand(
      "stats", "Per-rule hit statistics over a labeled JSONL corpus (\"label\", \"text\", ...):\n"
               "hits per label, the share of a rule's hits on the positive label, rules that never\n"
               "fire, rules that fire on most texts, and pairs that almost always fire together.");
  stats->add_option("file", args->corpus, "Labeled JSONL file")->required();
  stats->add_option("--positive", args->positive, "The label whose share is reported")->default_val("lure");
  stats->callback([args, &ctx] { ctx.action = [args, &ctx] { return RunStats(*args, ctx); }; });
}

}  // namespace adwatch::app
