// Writes the classifier's golden verdicts (golden.h) to stdout, one line per corpus text. Run by
// scripts/classifier_golden.sh, which gzips them into tests/data/classifier/golden_verdicts.tsv.gz.
//   classifier_golden_dump SOURCE_DIR
#include <cstdio>
#include <string>

#include "golden.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s SOURCE_DIR\n", argv[0]);
    return 2;
  }
  const std::string source_dir = argv[1];
  adwatch::classifier::RuleSetOptions o;
  o.rules_dir = source_dir + "/rules";
  auto rules = adwatch::classifier::RuleSet::Load(o);
  if (!rules) {
    std::fprintf(stderr, "%s\n", rules.error().ToString().c_str());
    return 1;
  }
  const adwatch::classifier::Classifier classifier(rules.value(),
                                                   adwatch::classifier::ClassifyOptions{});
  auto cases = adwatch::golden::LoadCases(source_dir);
  if (!cases) {
    std::fprintf(stderr, "%s\n", cases.error().ToString().c_str());
    return 1;
  }
  for (const auto& c : cases.value()) {
    auto v = classifier.Classify(c.ad);
    if (!v) {
      std::fprintf(stderr, "%s: %s\n", c.id.c_str(), v.error().ToString().c_str());
      return 1;
    }
    const std::string line = adwatch::golden::Line(c.id, adwatch::golden::VerdictFields(*v));
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
  }
  return 0;
}
