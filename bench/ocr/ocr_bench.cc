// OCR figures on the generated posters (tests/data/posters, made by make.sh): time per poster
// (p50, p95) and the character error rate against each poster's true text (NAME.txt), per
// language and per model set. A plain program, not a Google Benchmark: the figures are
// distributions and error rates, not a loop's mean.
//   ocr_bench [ROUNDS]     (default 3 rounds over every poster)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "adwatch/ocr/ocr.h"

namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Unicode code points of `s` with runs of whitespace made one space, trimmed.
std::u32string Points(const std::string& s) {
  std::u32string out;
  bool space = false;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < n && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += n;
    if (cp == ' ' || cp == '\n' || cp == '\t' || cp == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(cp);
  }
  return out;
}

size_t Levenshtein(const std::u32string& a, const std::u32string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] =
          std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1,
                    static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 3;
  const std::string dir = std::string(ADWATCH_POSTERS_DIR) + "/";
  struct Case {
    std::string language;
    std::string image;
    std::string truth;
  };
  const std::vector<Case> cases = {
      {"id (lure)", "lure_id.png", "lure_id.txt"},
      {"id (warung)", "unrelated_id.png", "unrelated_id.txt"},
      {"id (rotated 3°)", "lure_id_rotated.jpg", "lure_id.txt"},
      {"id (noisy)", "lure_id_noisy.jpg", "lure_id.txt"},
      {"id (400 px wide)", "lure_id_lowres.jpg", "lure_id.txt"},
      {"en", "lure_en.png", "lure_en.txt"},
      {"ms", "lure_ms.png", "lure_ms.txt"},
      {"vi", "lure_vi.png", "lure_vi.txt"},
  };
  for (const char* languages : {"ind+eng+msa", "ind+eng+msa+vie", "vie+eng"}) {
    adwatch::ocr::OcrOptions options;
    options.languages = languages;
    auto engine = adwatch::ocr::OcrEngine::Create(options);
    if (!engine) {
      std::fprintf(stderr, "ocr_bench: %s\n", engine.error().ToString().c_str());
      return 1;
    }
    std::printf("models %s, %d rounds\n%-18s %8s %8s %6s\n", languages, rounds, "poster", "p50 ms",
                "p95 ms", "CER");
    std::vector<double> all;
    for (const Case& c : cases) {
      const std::string bytes = Read(dir + c.image);
      const std::u32string truth = Points(Read(dir + c.truth));
      std::vector<double> times;
      size_t errors = 0;
      for (int r = 0; r < rounds; ++r) {
        auto read = adwatch::ocr::ReadImageBytes(bytes, {}, engine->get());
        if (!read) {
          std::fprintf(stderr, "ocr_bench: %s: %s\n", c.image.c_str(),
                       read.error().ToString().c_str());
          return 1;
        }
        times.push_back(static_cast<double>(read->ocr.elapsed_ms));
        errors = Levenshtein(Points(read->ocr.text), truth);
      }
      all.insert(all.end(), times.begin(), times.end());
      std::printf("%-18s %8.0f %8.0f %5.1f%%\n", c.language.c_str(), Percentile(times, 0.5),
                  Percentile(times, 0.95),
                  100.0 * static_cast<double>(errors) / static_cast<double>(truth.size()));
    }
    std::printf("%-18s %8.0f %8.0f\n\n", "all posters", Percentile(all, 0.5),
                Percentile(all, 0.95));
  }
  return 0;
}
