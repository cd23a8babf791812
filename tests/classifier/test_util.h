// Shared helpers for the classifier tests: the bundled ruleset, loaded once.
#ifndef ADWATCH_TESTS_CLASSIFIER_TEST_UTIL_H_
#define ADWATCH_TESTS_CLASSIFIER_TEST_UTIL_H_

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "adwatch/classifier/classify.h"

namespace adwatch::testing {

inline const classifier::Classifier& BundledClassifier() {
  static const auto* c = [] {
    classifier::RuleSetOptions o;
    o.rules_dir = ADWATCH_RULES_DIR;
    auto rules = classifier::RuleSet::Load(o);
    if (!rules) FAIL(rules.error().ToString());
    return new classifier::Classifier(rules.value(), classifier::ClassifyOptions{});
  }();
  return *c;
}

inline AdCandidate Ad(std::string text, std::string title = "") {
  AdCandidate ad;
  ad.text = std::move(text);
  ad.title = std::move(title);
  return ad;
}

inline std::string Cut(const std::string& text, Span s) { return text.substr(s.begin, s.end - s.begin); }

}  // namespace adwatch::testing

#endif  // ADWATCH_TESTS_CLASSIFIER_TEST_UTIL_H_
