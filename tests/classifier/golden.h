// The classifier's golden verdicts: every text of the corpus (tests/data/corpus/dev.jsonl,
// test.jsonl, families/**/*.jsonl, examples/ads.jsonl) written as one line of `key=value` fields
// holding every verdict field a user sees. Shared by the tool that writes the golden file
// (golden_dump.cc, run by scripts/classifier_golden.sh) and the test that compares today's
// verdicts with it (golden_test.cc), so both read and write the same format.
#ifndef ADWATCH_TESTS_CLASSIFIER_GOLDEN_H_
#define ADWATCH_TESTS_CLASSIFIER_GOLDEN_H_

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "adwatch/classifier/classify.h"
#include "adwatch/common/names.h"
#include "adwatch/common/status.h"

namespace adwatch::golden {

// The corpus files, relative to the source tree, in the order the golden file lists them.
inline std::vector<std::string> CorpusFiles(const std::string& source_dir) {
  std::vector<std::string> files = {"tests/data/corpus/dev.jsonl", "tests/data/corpus/test.jsonl"};
  for (const char* split : {"dev", "test"}) {
    std::vector<std::string> found;
    const std::string dir = std::string("tests/data/corpus/families/") + split;
    // A fixed list would miss a file added later: read the folder, in name order.
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(source_dir + "/" + dir, ec)) {
      if (entry.path().extension() == ".jsonl") {
        found.push_back(dir + "/" + entry.path().filename().string());
      }
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  files.push_back("examples/ads.jsonl");
  return files;
}

struct Case {
  std::string id;  // the text's id; "<id>#image" for its image variant
  AdCandidate ad;
};

// Each text twice: as written (title, text, url, page_types, lang), and as the words read from
// two images (image_text, with a box per word alternating between the images), so the image
// field, its entities and its evidence boxes are covered too. Errors name the file and line.
inline Result<std::vector<Case>> LoadCases(const std::string& source_dir) {
  std::vector<Case> out;
  for (const std::string& rel : CorpusFiles(source_dir)) {
    std::ifstream in(source_dir + "/" + rel);
    if (!in) return Status::IOError("golden corpus", "cannot open " + rel);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.empty()) continue;
      auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (!j.is_object() || !j.contains("id") || !j["id"].is_string() || !j.contains("text") ||
          !j["text"].is_string()) {
        return Status::InvalidArgument(
            "golden corpus", rel + ":" + std::to_string(n) + ": needs string id and text");
      }
      Case c;
      c.id = j["id"].get<std::string>();
      c.ad.text = j["text"].get<std::string>();
      if (j.contains("title") && j["title"].is_string()) c.ad.title = j["title"].get<std::string>();
      if (j.contains("url") && j["url"].is_string()) c.ad.url = j["url"].get<std::string>();
      if (j.contains("lang") && j["lang"].is_string()) c.ad.lang = j["lang"].get<std::string>();
      if (j.contains("page_types") && j["page_types"].is_array()) {
        for (const auto& t : j["page_types"]) {
          if (t.is_string()) c.ad.page_types.push_back(t.get<std::string>());
        }
      }
      Case image;
      image.id = c.id + "#image";
      image.ad.image_text = c.ad.text;
      image.ad.images = {ImageRef{.url = "https://img.example/1.jpg"},
                         ImageRef{.url = "https://img.example/2.jpg"}};
      const std::string& t = image.ad.image_text;
      uint32_t word = 0;
      for (size_t i = 0; i < t.size();) {
        while (i < t.size() && (t[i] == ' ' || t[i] == '\n')) ++i;
        const size_t b = i;
        while (i < t.size() && t[i] != ' ' && t[i] != '\n') ++i;
        if (i == b) break;
        ImageWord w;
        w.span = {static_cast<uint32_t>(b), static_cast<uint32_t>(i)};
        w.image = (word / 16) % 2;
        w.box = Box{static_cast<int32_t>(10 * (word % 8)), static_cast<int32_t>(20 * (word / 8)),
                    static_cast<int32_t>(i - b), 12};
        image.ad.image_words.push_back(w);
        ++word;
      }
      out.push_back(std::move(c));
      out.push_back(std::move(image));
    }
  }
  return out;
}

// A number rounded to 1e-6, "-0" written as "0" so rounding does not make a difference.
inline std::string Num(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", d);
  std::string s(buf);
  if (s == "-0.000000") s = "0.000000";
  return s;
}

// Text with the line's separators escaped: '\t', '\n', '\\'.
inline std::string Esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out += c;
    }
  }
  return out;
}

inline std::string SpanText(Span s) {
  return std::to_string(s.begin) + "-" + std::to_string(s.end);
}

using Fields = std::vector<std::pair<std::string, std::string>>;

// Every verdict field that matters, in a fixed order. Descriptions are left out: they are the
// rules' text, not the classifier's decision.
inline Fields VerdictFields(const Verdict& v) {
  Fields f;
  f.emplace_back("score", std::to_string(v.score));
  f.emplace_back("level", std::string(Name(v.level)));
  f.emplace_back("kind", std::string(Name(v.kind)));
  f.emplace_back("pattern", std::string(Name(v.pattern)));
  f.emplace_back("raw", Num(v.raw_score));
  for (const auto& [k, s] : v.category_scores) f.emplace_back("cat." + k, Num(s));
  for (const auto& [k, s] : v.kind_scores) f.emplace_back("kind." + k, Num(s));
  f.emplace_back("hits", std::to_string(v.hits.size()));
  for (size_t i = 0; i < v.hits.size(); ++i) {
    const Hit& h = v.hits[i];
    const std::string p = "hit" + std::to_string(i);
    f.emplace_back(p, h.rule_id + "," + h.category + "," + Num(h.weight) + "," +
                          Num(h.rule_weight) + "," + h.view + (h.negated ? ",negated" : ""));
    std::string ev;
    for (const Evidence& e : h.evidence) {
      if (!ev.empty()) ev += ";";
      ev += e.field + ":" + SpanText(e.span);
      if (!e.image_url.empty()) {
        ev += ":" + e.image_url + ":" + std::to_string(e.box.x) + "," + std::to_string(e.box.y) +
              "," + std::to_string(e.box.w) + "," + std::to_string(e.box.h);
      }
    }
    f.emplace_back(p + ".ev", ev);
  }
  const Entities& en = v.entities;
  f.emplace_back("contacts", std::to_string(en.contacts.size()));
  for (size_t i = 0; i < en.contacts.size(); ++i) {
    const Contact& c = en.contacts[i];
    f.emplace_back("contact" + std::to_string(i),
                   std::string(Name(c.kind)) + "," + Esc(c.value) + "," + c.field + ":" +
                       SpanText(c.span) + "," + c.region + "," + (c.landline ? "landline" : "") +
                       "," + c.area);
  }
  f.emplace_back("salaries", std::to_string(en.salaries.size()));
  for (size_t i = 0; i < en.salaries.size(); ++i) {
    const SalaryMention& s = en.salaries[i];
    f.emplace_back("salary" + std::to_string(i),
                   Num(s.salary.min) + "," + Num(s.salary.max) + "," + s.salary.currency + "," +
                       s.salary.period + (s.salary.open_ended ? ",open" : ",closed") + "," +
                       Num(s.monthly_idr_min) + "," + Num(s.monthly_idr_max) + "," + s.field + ":" +
                       SpanText(s.span));
  }
  f.emplace_back("places", std::to_string(en.places.size()));
  for (size_t i = 0; i < en.places.size(); ++i) {
    const PlaceMention& p = en.places[i];
    f.emplace_back("place" + std::to_string(i),
                   p.id + "," + Esc(p.name) + "," + std::string(Name(p.kind)) + "," + p.country +
                       "," + p.province + "," + (p.nonplacement ? "N" : "-") +
                       (p.transit ? "T" : "-") + (p.moratorium ? "M" : "-") + "," + p.field + ":" +
                       SpanText(p.span));
  }
  f.emplace_back("warnings", std::to_string(v.warnings.size()));
  for (size_t i = 0; i < v.warnings.size(); ++i) {
    f.emplace_back("warning" + std::to_string(i), Esc(v.warnings[i]));
  }
  return f;
}

// One line: the id, then each field as key=value, separated by tabs.
inline std::string Line(const std::string& id, const Fields& fields) {
  std::string out = Esc(id);
  for (const auto& [k, v] : fields) out += "\t" + k + "=" + v;
  return out;
}

// The inverse of Line: the id and the fields, or false when a field has no '='.
inline bool ParseLine(const std::string& line, std::string& id, Fields& fields) {
  fields.clear();
  size_t pos = line.find('\t');
  id = line.substr(0, pos);
  while (pos != std::string::npos) {
    const size_t b = pos + 1;
    pos = line.find('\t', b);
    const std::string kv = line.substr(b, pos == std::string::npos ? std::string::npos : pos - b);
    const size_t eq = kv.find('=');
    if (eq == std::string::npos) return false;
    fields.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return true;
}

}  // namespace adwatch::golden

#endif  // ADWATCH_TESTS_CLASSIFIER_GOLDEN_H_
