// Classification throughput on one core: the whole Classify() stage, its normaliser and entity
// extractor alone, and, as the ceiling, one plain RE2::Set scan of the same patterns over the
// same lower-cased text. Run from anywhere:
//   build/bench/classifier/classify_bench
// Figures are per ad and per byte of ad text (title + body).
#include <benchmark/benchmark.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "adwatch/classifier/classify.h"
#include "adwatch/classifier/normalize.h"

namespace {

using adwatch::AdCandidate;
using namespace adwatch::classifier;

// 2,000 ads of about 2 KB: each joins three of the bundled example ads (lures, ordinary ads,
// news, distress posts, gambling spam) with ordinary job-ad filler, so every rule family fires
// somewhere and most text is the unremarkable kind a crawler sees.
const std::vector<AdCandidate>& Corpus() {
  static const std::vector<AdCandidate> corpus = [] {
    std::vector<std::string> texts;
    std::ifstream in(std::string(ADWATCH_EXAMPLES_DIR) + "/ads.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_object() && j.contains("text")) texts.push_back(j["text"].get<std::string>());
    }
    const std::string filler =
        " Perusahaan kami bergerak di bidang distribusi dan membuka kesempatan bagi lulusan baru. "
        "Jam kerja Senin sampai Jumat pukul 08.00-17.00, lokasi dekat stasiun. Lamaran diterima "
        "paling lambat akhir bulan ini dan hanya kandidat terpilih yang akan dihubungi. ";
    std::mt19937 rng(42);
    std::vector<AdCandidate> out;
    for (int i = 0; i < 2000; ++i) {
      AdCandidate ad;
      ad.title = "Lowongan " + std::to_string(i);
      for (int k = 0; k < 3; ++k) ad.text += texts[rng() % texts.size()] + filler + "\n";
      while (ad.text.size() < 2000) ad.text += filler;
      out.push_back(std::move(ad));
    }
    return out;
  }();
  return corpus;
}

int64_t CorpusBytes() {
  int64_t n = 0;
  for (const auto& ad : Corpus()) n += static_cast<int64_t>(ad.title.size() + ad.text.size());
  return n;
}

const Classifier& TheClassifier() {
  static const Classifier* c = [] {
    RuleSetOptions o;
    o.rules_dir = ADWATCH_RULES_DIR;
    auto rules = RuleSet::Load(o);
    if (!rules) {
      std::fprintf(stderr, "%s\n", rules.error().ToString().c_str());
      std::abort();
    }
    return new Classifier(rules.value(), ClassifyOptions{});
  }();
  return *c;
}

void Report(benchmark::State& state) {
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(Corpus().size()));
  state.SetBytesProcessed(state.iterations() * CorpusBytes());
}

void BM_Classify(benchmark::State& state) {
  const Classifier& c = TheClassifier();
  for (auto _ : state) {
    for (const auto& ad : Corpus()) benchmark::DoNotOptimize(c.Classify(ad));
  }
  Report(state);
}

void BM_Normalize(benchmark::State& state) {
  for (auto _ : state) {
    for (const auto& ad : Corpus()) {
      benchmark::DoNotOptimize(Normalize(ad.title));
      benchmark::DoNotOptimize(Normalize(ad.text));
    }
  }
  Report(state);
}

void BM_Entities(benchmark::State& state) {
  const Classifier& c = TheClassifier();
  for (auto _ : state) {
    for (const auto& ad : Corpus()) benchmark::DoNotOptimize(c.ExtractEntities(ad));
  }
  Report(state);
}

// The ceiling: every pattern of the ruleset in one RE2::Set, one scan of the lower-cased text of
// each ad, no normalisation, spans, entities or scoring.
void BM_PlainSetCeiling(benchmark::State& state) {
  RE2::Options o;
  o.set_case_sensitive(false);
  o.set_max_mem(TheClassifier().rules().options().set_max_mem_bytes);
  RE2::Set set(o, RE2::UNANCHORED);
  int patterns = 0;
  for (const Rule& r : TheClassifier().rules().rules()) {
    for (const std::string& p : r.patterns) {
      set.Add(p, nullptr);
      ++patterns;
    }
  }
  set.Compile();
  std::vector<std::string> lowered;
  for (const auto& ad : Corpus()) {
    std::string t = ad.title + "\n" + ad.text;
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char ch) { return std::tolower(ch); });
    lowered.push_back(std::move(t));
  }
  std::vector<int> hits;
  for (auto _ : state) {
    for (const auto& t : lowered) {
      RE2::Set::ErrorInfo info;
      benchmark::DoNotOptimize(set.Match(t, &hits, &info));
    }
  }
  state.counters["patterns"] = patterns;
  Report(state);
}

BENCHMARK(BM_Classify)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Normalize)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Entities)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlainSetCeiling)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
