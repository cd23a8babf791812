// adwatch demo: shows the whole job on a machine with no internet. Until the crawler exists it
// classifies the bundled example ads (examples/ads.jsonl) and prints them ranked by risk.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "adwatch/common/names.h"
#include "cli.h"
#include "services.h"

namespace adwatch::app {
namespace {

struct DemoArgs {
  std::string examples = std::string(ADWATCH_EXAMPLES_DIR) + "/ads.jsonl";
  std::string lang;
};

// Cuts `s` to at most `n` bytes on a UTF-8 boundary and flattens whitespace.
std::string Clip(std::string s, size_t n) {
  for (char& c : s) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  if (s.size() <= n) return s;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "…";
}

int Run(const DemoArgs& args, AppContext& ctx) {
  const Config* config = ctx.config();
  if (!config) return kExitFailure;
  auto classifier = LoadClassifier(*config);
  if (!classifier) {
    std::fprintf(stderr, "adwatch demo: %s\n", classifier.error().message().c_str());
    return kExitFailure;
  }
  auto data = ReadInput(args.examples);
  if (!data) {
    std::fprintf(stderr, "adwatch demo: %s\n", data.error().message().c_str());
    return kExitFailure;
  }
  const classifier::Lang lang = args.lang == "en" ? classifier::Lang::kEn
                                : args.lang == "id" ? classifier::Lang::kId
                                                    : config->lang;
  struct Row {
    JsonAd ad;
    Verdict verdict;
  };
  std::vector<Row> rows;
  std::istringstream lines(data.value());
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto ad = ParseJsonAd(line);
    if (!ad) continue;
    auto v = (*classifier)->Classify(ad->ad);
    if (!v) {
      std::fprintf(stderr, "adwatch demo: %s\n", v.error().ToString().c_str());
      return kExitFailure;
    }
    rows.push_back({std::move(ad.value()), std::move(v.value())});
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.verdict.score > b.verdict.score; });
  std::printf("adwatch demo: %zu example ads from %s, ruleset %s\n\n", rows.size(), args.examples.c_str(),
              (*classifier)->rules().version().c_str());
  std::printf("%-12s %5s  %-6s  %-14s  %s\n", "id", "score", "level", "reads as", "top reasons");
  for (const Row& r : rows) {
    std::string reasons;
    int n = 0;
    for (const Hit& h : r.verdict.hits) {
      if (h.weight <= 0 || n == 3) continue;
      if (!reasons.empty()) reasons += "; ";
      reasons += lang == classifier::Lang::kEn ? h.describe_en : h.describe_id;
      ++n;
    }
    std::printf("%-12s %5d  %-6s  %-14s  %s\n", r.ad.id.c_str(), r.verdict.score,
                std::string(Name(r.verdict.level)).c_str(), std::string(Name(r.verdict.kind)).c_str(),
                Clip(reasons, 150).c_str());
  }
  std::printf("\nSee one in full: adwatch classify --explain <<< \"<text>\"\n");
  return kExitOk;
}

}  // namespace

void AddDemoCommand(CLI::App& app, AppContext& ctx) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* cmd = app.add_subcommand(
      "demo", "Show adwatch at work with no internet: classify the bundled example ads and print\n"
              "them ranked by risk with their reasons.");
  cmd->add_option("--examples", args->examples, "Example ads (JSONL)");
  cmd->add_option("--lang", args->lang, "Language of the reasons: id or en")->check(CLI::IsMember({"id", "en"}));
  cmd->callback([args, &ctx] { ctx.action = [args, &ctx] { return Run(*args, ctx); }; });
}

}  // namespace adwatch::app
