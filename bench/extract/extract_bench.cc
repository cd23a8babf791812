// Extract throughput on one core: pages/s and MB/s over the extraction fixtures
// (tests/data/html), the generated 5 MB page, and — when ADWATCH_BENCH_SITE names a folder of
// .html files, e.g. one made by /work/shared/bench/crawl-peers/gen_site.py — over those pages.
// A Gumbo-only baseline (parse plus a walk collecting hrefs) runs over the same inputs.
//
//   build-extract/bench/extract/extract_bench            (run from the source root)
#include <gumbo.h>

#include <benchmark/benchmark.h>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "adwatch/extract/extract.h"
#include "big_page.h"

namespace {

struct Input {
  std::string name;
  adwatch::FetchResult fetch;
};

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

adwatch::FetchResult Fetched(std::string body, const std::string& name) {
  adwatch::FetchResult f;
  f.final_url = "https://bench.example/" + name;
  f.source = "bench";
  f.source_kind = name.find("telegram") != std::string::npos ? adwatch::SourceKind::kChannelPreview
                                                            : adwatch::SourceKind::kGeneric;
  f.http_status = 200;
  f.content_type = "text/html";
  f.body = std::move(body);
  return f;
}

std::vector<Input> LoadDir(const std::filesystem::path& dir, size_t max_files) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".html") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.size() > max_files) files.resize(max_files);
  std::vector<Input> out;
  for (const auto& p : files) out.push_back({p.filename().string(), Fetched(ReadFile(p), p.filename().string())});
  return out;
}

const std::vector<Input>& Fixtures() {
  static const std::vector<Input> inputs = LoadDir(std::string(ADWATCH_TEST_DATA) + "/html", 1000);
  return inputs;
}

const std::vector<Input>& Site() {
  static const std::vector<Input> inputs = [] {
    const char* dir = std::getenv("ADWATCH_BENCH_SITE");
    return dir != nullptr ? LoadDir(dir, 2000) : std::vector<Input>{};
  }();
  return inputs;
}

const adwatch::extract::Extractor& TheExtractor() {
  static const auto* const e = new adwatch::extract::Extractor(
      std::move(adwatch::extract::Extractor::Create(adwatch::extract::ExtractOptions{}).value()));
  return *e;
}

void RunExtract(benchmark::State& state, const std::vector<Input>& inputs) {
  if (inputs.empty()) {
    state.SkipWithError("no inputs");
    return;
  }
  const auto& extractor = TheExtractor();
  size_t bytes = 0;
  for (const Input& in : inputs) bytes += in.fetch.body.size();
  for (auto _ : state) {
    for (const Input& in : inputs) {
      auto page = extractor.Extract(in.fetch);
      benchmark::DoNotOptimize(page);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["pages/s"] = benchmark::Counter(static_cast<double>(state.iterations() * inputs.size()),
                                                 benchmark::Counter::kIsRate);
}

size_t CountLinks(const GumboNode* root) {
  size_t n = 0;
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    if (node->v.element.tag == GUMBO_TAG_A && gumbo_get_attribute(&node->v.element.attributes, "href")) ++n;
    for (unsigned i = 0; i < node->v.element.children.length; ++i) {
      stack.push_back(static_cast<const GumboNode*>(node->v.element.children.data[i]));
    }
  }
  return n;
}

// The floor: what Gumbo alone costs for the same inputs (parse, then a walk collecting hrefs).
void RunGumbo(benchmark::State& state, const std::vector<Input>& inputs) {
  if (inputs.empty()) {
    state.SkipWithError("no inputs");
    return;
  }
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;
  size_t bytes = 0;
  for (const Input& in : inputs) bytes += in.fetch.body.size();
  for (auto _ : state) {
    for (const Input& in : inputs) {
      GumboOutput* out = gumbo_parse_with_options(&options, in.fetch.body.data(), in.fetch.body.size());
      benchmark::DoNotOptimize(CountLinks(out->root));
      gumbo_destroy_output(&options, out);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["pages/s"] = benchmark::Counter(static_cast<double>(state.iterations() * inputs.size()),
                                                 benchmark::Counter::kIsRate);
}

const std::vector<Input>& BigPage() {
  static const std::vector<Input> inputs{{"big_5mb.html", Fetched(adwatch::testing::MakeBigPage(size_t{5} << 20), "big.html")}};
  return inputs;
}

void BM_Extract_Fixtures(benchmark::State& s) { RunExtract(s, Fixtures()); }
void BM_Gumbo_Fixtures(benchmark::State& s) { RunGumbo(s, Fixtures()); }
void BM_Extract_5MB(benchmark::State& s) { RunExtract(s, BigPage()); }
void BM_Gumbo_5MB(benchmark::State& s) { RunGumbo(s, BigPage()); }
void BM_Extract_Site(benchmark::State& s) { RunExtract(s, Site()); }
void BM_Gumbo_Site(benchmark::State& s) { RunGumbo(s, Site()); }

void BM_Extract_One(benchmark::State& s) {
  const Input& in = Fixtures().at(static_cast<size_t>(s.range(0)));
  s.SetLabel(in.name);
  RunExtract(s, std::vector<Input>{in});
}

}  // namespace

BENCHMARK(BM_Extract_Fixtures)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Gumbo_Fixtures)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Extract_5MB)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Gumbo_5MB)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Extract_Site)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Gumbo_Site)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Extract_One)->DenseRange(0, 10)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
