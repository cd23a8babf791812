// libFuzzer target for the rule loader, adwatch::classifier::RuleSet::Load (clang, ASan + UBSan).
// The first input byte picks which file of a small rules folder the rest replaces: a rule file
// (even), categories.yaml (1 mod 4) or the gazetteer (3 mod 4); the others stay valid.
// Besides crashes and sanitizer reports, it aborts when a load fails without saying where (the
// error must name the file it is about) or when a ruleset that loaded cannot score a text.
// scripts/fuzz.sh runs it; its seeds are the bundled rules/ files.
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "adwatch/classifier/classify.h"
#include "adwatch/classifier/rule_set.h"

namespace {

namespace fs = std::filesystem;
using adwatch::classifier::RuleSet;
using adwatch::classifier::RuleSetOptions;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "rules_fuzz: %s\n", what.c_str());
  std::abort();
}

void WriteFile(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) Fail("cannot write " + path.string());
}

constexpr std::string_view kRules = R"(rules:
  - id: FZ_HOTSPOT
    title: Hot spot named
    category: DEST_HOTSPOT
    weight: 20
    languages: [id]
    patterns: ['\bkamboja\b']
    describe: {id: "Kamboja", en: "Cambodia"}
    examples:
      match: ["kerja di kamboja"]
      no_match: ["kerja di bandung"]
  - id: FZ_META
    title: Hot spot in an ad
    category: COMBINATION
    weight: 5
    languages: [any]
    when: {all: [{rule: FZ_HOTSPOT}, {any: [{category: DEST_HOTSPOT}, {category: AD_STRUCTURE}]}]}
    describe: {id: "Iklan", en: "Ad"}
)";

// A gazetteer of three places: the bundled one takes yaml-cpp tens of milliseconds to read under
// the sanitizers, and most inputs are about rules.
constexpr std::string_view kGazetteer = R"(places:
  - {id: kh, name: Cambodia, kind: country, country: KH, nonplacement: true, aliases: [kamboja]}
  - {id: kh.shv, name: Sihanoukville, kind: hotspot, country: KH, aliases: [sihanoukville]}
  - {id: id.ntt, name: Nusa Tenggara Timur, kind: province, country: ID, aliases: [ntt],
     area_codes: ["0380"]}
idr_rates: {USD: 16000, MYR: 3500}
)";

std::string ReadSource(const std::string& name) {
  std::ifstream in(std::string(ADWATCH_SOURCE_RULES) + "/" + name, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) Fail("cannot read rules/" + name);
  return text;
}

// A fresh folder per process; the three files are rewritten before every input.
const fs::path& Dir() {
  static const fs::path* const kDir = [] {
    const char* tmp = std::getenv("TMPDIR");
    auto* dir = new fs::path(fs::path(tmp != nullptr ? tmp : "/tmp") /
                             ("adwatch-rules-fuzz-" + std::to_string(::getpid())));
    fs::create_directories(*dir / "gazetteer");
    return dir;
  }();
  return *kDir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  const fs::path& dir = Dir();
  const bool rules = (mode & 1) == 0;
  const bool categories = (mode & 3) == 1;
  const bool gazetteer = (mode & 3) == 3;
  static const std::string kCategories = ReadSource("categories.yaml");
  WriteFile(dir / "categories.yaml", categories ? input : kCategories);
  WriteFile(dir / "gazetteer" / "places.yaml", gazetteer ? input : kGazetteer);
  WriteFile(dir / "fuzz.yaml", rules ? input : kRules);
  const std::string file = rules ? "fuzz.yaml" : categories ? "categories.yaml" : "places.yaml";

  RuleSetOptions options;
  options.rules_dir = dir.string();
  options.set_max_mem_bytes = 8LL << 20;
  auto loaded = RuleSet::Load(options);
  if (!loaded.has_value()) {
    const std::string message = loaded.error().ToString();
    if (message.find(file) == std::string::npos)
      Fail("error does not name " + file + ": " + message);
    return 0;
  }
  adwatch::classifier::Classifier classifier(*loaded, adwatch::classifier::ClassifyOptions{});
  adwatch::AdCandidate ad;
  ad.title = "Lowongan admin Kamboja";
  ad.text = "Dicari admin CS ke Sihanoukville, gaji 15 juta, tiket ditanggung. WA 0812 3456 7890";
  auto verdict = classifier.Classify(ad);
  if (!verdict.has_value()) Fail("loaded ruleset cannot classify: " + verdict.error().ToString());
  if (!std::isfinite(verdict->raw_score) || verdict->score < 0 || verdict->score > 100) {
    Fail("score not a number in 0-100");
  }
  return 0;
}
