// libFuzzer target for the normaliser and entity extraction (clang, ASan + UBSan): any bytes as
// the text of an ad. The first input byte picks the field (title or body) and whether the whole
// classifier runs on it with the bundled rules. Besides crashes and sanitizer reports, it aborts
// when a promise is broken: a view whose offset map does not match its text or points outside the
// input, invalid UTF-8 in a view or an entity, an entity or evidence span outside its field.
// scripts/fuzz.sh runs it; its seeds are the corpus texts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "adwatch/classifier/classify.h"
#include "adwatch/classifier/normalize.h"
#include "adwatch/classifier/rule_set.h"
#include "adwatch/common/json.h"

namespace {

using adwatch::Span;
using adwatch::TextView;
namespace classifier = adwatch::classifier;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "normalize_fuzz: %s\n", what.c_str());
  std::abort();
}

const classifier::Classifier& Get() {
  static const classifier::Classifier* const kClassifier = [] {
    classifier::RuleSetOptions options;
    options.rules_dir = ADWATCH_SOURCE_RULES;
    auto rules = classifier::RuleSet::Load(options);
    if (!rules.has_value()) Fail("bundled rules do not load: " + rules.error().ToString());
    return new classifier::Classifier(*rules, classifier::ClassifyOptions{});
  }();
  return *kClassifier;
}

void CheckUtf8(const std::string& text, const char* what) {
  try {
    (void)nlohmann::json(text).dump();
  } catch (const nlohmann::json::exception&) {
    Fail(std::string("invalid UTF-8 in ") + what);
  }
}

void CheckSpan(const Span& span, size_t size, const char* what) {
  if (span.begin > span.end || span.end > size) Fail(std::string(what) + " span outside the text");
}

void CheckView(const TextView& view, size_t size, const char* what) {
  if (view.origin.size() != view.text.size()) Fail(std::string(what) + ": origin size differs");
  for (const Span& s : view.origin) CheckSpan(s, size, what);
  CheckUtf8(view.text, what);
  if (!view.text.empty()) CheckSpan(classifier::ToOriginal(view, 0, view.text.size()), size, what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

  const adwatch::NormalizedText views = classifier::Normalize(text);
  CheckView(views.folded, text.size(), "folded view");
  CheckView(views.skeleton, text.size(), "skeleton view");
  for (const Span& s : views.obfuscations) CheckSpan(s, text.size(), "obfuscation");

  const bool title = (mode & 1) != 0;
  adwatch::AdCandidate ad;
  (title ? ad.title : ad.text) = text;
  ad.lang = "id";
  const classifier::Classifier& c = Get();
  const adwatch::Entities entities = c.ExtractEntities(ad);
  auto check_field = [&](const std::string& field, const Span& span, const char* what) {
    if (field != (title ? "title" : "body")) Fail(std::string(what) + " in the wrong field");
    CheckSpan(span, text.size(), what);
  };
  for (const auto& e : entities.contacts) {
    check_field(e.field, e.span, "contact");
    CheckUtf8(e.value, "contact");
  }
  for (const auto& e : entities.salaries) check_field(e.field, e.span, "salary");
  for (const auto& e : entities.places) check_field(e.field, e.span, "place");

  if ((mode & 2) != 0) {
    auto verdict = c.Classify(ad);
    if (!verdict.has_value()) Fail("classify failed: " + verdict.error().ToString());
    if (verdict->score < 0 || verdict->score > 100) Fail("score outside 0-100");
    for (const auto& hit : verdict->hits) {
      for (const auto& e : hit.evidence) check_field(e.field, e.span, "evidence");
    }
    try {
      (void)nlohmann::json(*verdict).dump();
    } catch (const nlohmann::json::exception& e) {
      Fail(std::string("verdict: ") + e.what());
    }
  }
  return 0;
}
