// libFuzzer target for adwatch::extract::Extract (clang, ASan + UBSan). The first input byte picks
// the source kind, a Content-Type charset and tight or default limits; the rest is the body.
// Besides crashes and sanitizer reports, it aborts when a promise of extract.h is broken: a
// failed Extract, invalid UTF-8 in the Page, or a limit exceeded. See docs/extraction.md.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "adwatch/common/json.h"
#include "adwatch/extract/extract.h"

namespace {

using adwatch::extract::ExtractOptions;
using adwatch::extract::Extractor;

const Extractor& Get(bool tight) {
  static const Extractor* const kDefault = [] {
    ExtractOptions o;
    o.sources.push_back({"fuzz", {"/list"}, {"/ad/[0-9]+"}});
    return new Extractor(std::move(Extractor::Create(o).value()));
  }();
  static const Extractor* const kTight = [] {
    ExtractOptions o;
    o.max_input_bytes = 4096;
    o.max_page_text_bytes = 256;
    o.max_text_bytes = 64;
    o.max_candidates = 2;
    o.max_links = 4;
    o.max_json_ld_bytes = 512;
    o.max_nesting_depth = 16;
    return new Extractor(std::move(Extractor::Create(o).value()));
  }();
  return tight ? *kTight : *kDefault;
}

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "extract_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  adwatch::FetchResult fetch;
  fetch.source = "fuzz";
  fetch.final_url = (mode & 0x40) ? "https://fuzz.example/ad/1?x=1" : "https://t.me/s/fuzz";
  fetch.source_kind = static_cast<adwatch::SourceKind>(mode % 5);
  fetch.content_type = (mode & 0x08) ? "text/html; charset=windows-1252" : (mode & 0x20) ? "text/html; charset=utf-16" : "text/html";
  fetch.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  const bool tight = (mode & 0x10) != 0;
  const Extractor& extractor = Get(tight);

  auto page = extractor.Extract(fetch);
  if (!page.has_value()) Fail(page.error().ToString().c_str());
  try {
    // Strict serialisation throws on invalid UTF-8 anywhere in the Page.
    (void)nlohmann::json(*page).dump();
  } catch (const nlohmann::json::exception& e) {
    Fail(e.what());
  }
  const ExtractOptions& o = extractor.options();
  if (page->text.size() > o.max_page_text_bytes) Fail("page text over the limit");
  if (page->links.size() > o.max_links) Fail("links over the limit");
  if (page->candidates.size() > o.max_candidates) Fail("candidates over the limit");
  for (const adwatch::AdCandidate& c : page->candidates) {
    if (c.text.size() > o.max_text_bytes) Fail("candidate text over the limit");
  }
  return 0;
}
