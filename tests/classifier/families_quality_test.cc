// Quality per TPPO family on the families corpus (tests/data/corpus/families/, README there).
// The corpus is split by writer: dev/ holds the writers whose texts the rules were written and
// weighted on, test/ the writers nobody tuned on, so the test split is a voice the rules never saw.
//
// Issue 11 asks, on test and per family, for at least 90% of lures at medium or above, at most 2%
// of legitimate look-alikes and at most 2% of news and awareness texts read as an ad. The test
// below is that gate, family by family, so a rule change that loses held-out lures or flags more
// legitimate ads turns CI red (rules/README.md, "Quality", has the figures).
// `classifier_test "[families-quality]" -s` prints the tables.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "adwatch/classifier/rule_fit.h"
#include "adwatch/common/names.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using adwatch::classifier::LabeledText;
using adwatch::classifier::Quality;
using adwatch::classifier::QualityCounts;

const std::vector<std::string>& Families() {
  static const std::vector<std::string> k{"compound",
                                          "irregular_migration",
                                          "mideast_domestic",
                                          "sexual_exploitation",
                                          "child",
                                          "fishing_crew",
                                          "bride",
                                          "organ",
                                          "fake_internship",
                                          "fee_scam",
                                          "baby_sale"};
  return k;
}

// Every text of families/<split>/*.jsonl; each file is one writer, named by the file.
std::vector<LabeledText> LoadFamilies(const std::string& split) {
  const fs::path dir = fs::path(ADWATCH_TEST_DATA) / "corpus" / "families" / split;
  REQUIRE(fs::is_directory(dir));
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".jsonl") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<LabeledText> out;
  for (const fs::path& file : files) {
    std::ifstream in(file);
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      INFO(file.string() << ":" << line_no);
      const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      REQUIRE(j.is_object());
      LabeledText t;
      t.id = j.value("id", "");
      t.label = j.value("label", "");
      t.lang = j.value("lang", "");
      t.family = j.value("family", "");
      t.writer = j.value("writer", "");
      t.ad.text = j.value("text", "");
      t.ad.title = j.value("title", "");
      t.ad.lang = t.lang;
      REQUIRE(!t.id.empty());
      REQUIRE(!t.ad.text.empty());
      CHECK(t.writer == file.stem().string());  // a file is one writer
      CHECK(std::find(Families().begin(), Families().end(), t.family) != Families().end());
      out.push_back(std::move(t));
    }
  }
  return out;
}

std::string Pct(int part, int whole) {
  std::ostringstream s;
  s << part << "/" << whole;
  if (whole) s << " (" << std::fixed << std::setprecision(0) << 100.0 * part / whole << "%)";
  return s.str();
}

std::string Table(const char* title, const std::map<std::string, QualityCounts>& groups) {
  std::ostringstream o;
  o << "\n"
    << std::left << std::setw(22) << title << std::setw(17) << "lures >= medium" << std::setw(17)
    << "legit >= medium" << std::setw(17) << "news as ad"
    << "pattern named\n";
  for (const auto& [key, q] : groups) {
    o << std::setw(22) << (key.empty() ? "-" : key) << std::setw(17) << Pct(q.lures_caught, q.lures)
      << std::setw(17) << Pct(q.legit_flagged, q.legit) << std::setw(17)
      << Pct(q.other_as_ad, q.other) << Pct(q.pattern_right, q.lures_with_family) << "\n";
  }
  return o.str();
}

std::string Confusion(const Quality& q) {
  static const std::vector<std::string> cols{"ad:high", "ad:medium", "ad:low",         "ad:none",
                                             "news",    "distress",  "gambling_promo", "other"};
  std::ostringstream o;
  o << "\nConfusion matrix (rows: label; columns: what the classifier read)\n"
    << std::left << std::setw(16) << "label" << std::right;
  for (const auto& c : cols) o << std::setw(15) << c;
  o << "\n";
  for (const auto& [label, row] : q.confusion) {
    o << std::left << std::setw(16) << label << std::right;
    for (const auto& c : cols) o << std::setw(15) << (row.count(c) ? row.at(c) : 0);
    o << "\n";
  }
  return o.str();
}

Quality Run(const std::vector<LabeledText>& corpus) {
  const auto& c = adwatch::testing::BundledClassifier();
  return adwatch::classifier::Measure(corpus, adwatch::classifier::ClassifyCorpus(c, corpus));
}

}  // namespace

TEST_CASE("The families corpus is split by writer and holds what the issue asks for",
          "[classifier][families-quality]") {
  const auto dev = LoadFamilies("dev");
  const auto test = LoadFamilies("test");
  std::set<std::string> dev_writers, test_writers, ids;
  for (const auto& t : dev) dev_writers.insert(t.writer);
  for (const auto& t : test) test_writers.insert(t.writer);
  for (const auto& w : dev_writers) CHECK(test_writers.count(w) == 0);
  CHECK(dev_writers.size() >= 3);
  CHECK(test_writers.size() >= 3);
  std::map<std::string, std::map<std::string, int>> n;  // family → label → texts
  for (const auto* split : {&dev, &test}) {
    for (const auto& t : *split) {
      INFO(t.id);
      CHECK(ids.insert(t.id).second);
      ++n[t.family][t.label];
    }
  }
  for (const auto& family : Families()) {
    INFO(family);
    CHECK(n[family]["lure"] >= 30);
    CHECK(n[family]["legit"] >= 30);
    CHECK(n[family]["news"] >= 15);
  }
}

TEST_CASE("Quality per family on the writers held out meets the issue's gate",
          "[classifier][families-quality]") {
  const Quality q = Run(LoadFamilies("test"));
  std::cout << "\n=== FAMILIES, TEST split (writers never tuned on) ===" << Confusion(q)
            << Table("family", q.by_family) << Table("language", q.by_lang)
            << Table("writer", q.by_writer) << Table("all", {{"", q.all}});
  // The gate, reported family by family.
  for (const auto& [family, c] : q.by_family) {
    const bool met = c.lures_caught >= 0.90 * c.lures && c.legit_flagged <= 0.02 * c.legit &&
                     c.other_as_ad <= 0.02 * c.other;
    std::cout << "issue gate (90% lures, 2% legit, 2% news) " << std::left << std::setw(20)
              << family << (met ? "met" : "NOT MET") << "\n";
  }
  // Floors: the measured figures on the nine first test voices (554/594 lures, 10/594 legit, 3/315
  // news and gambling as ad; no family under 49/54 lures) rounded down. They hold on all fourteen
  // (593/624, 7/624, 0/345 at 16d73f1; 593/624, 3/624, 0/345 with the cap of 40 on legitimacy).
  const QualityCounts& all = q.all;
  INFO("all: lures " << Pct(all.lures_caught, all.lures) << ", legit flagged "
                     << Pct(all.legit_flagged, all.legit) << ", news as ad "
                     << Pct(all.other_as_ad, all.other));
  CHECK(all.lures_caught >= 0.92 * all.lures);
  CHECK(all.legit_flagged <= 0.02 * all.legit);
  CHECK(all.other_as_ad <= 0.02 * all.other);
  // The gate, for every family.
  for (const std::string& family : Families()) {
    const QualityCounts& c = q.by_family.at(family);
    INFO(family << ": lures " << Pct(c.lures_caught, c.lures) << ", legit flagged "
                << Pct(c.legit_flagged, c.legit) << ", news as ad " << Pct(c.other_as_ad, c.other));
    CHECK(c.lures_caught >= 0.90 * c.lures);
    CHECK(c.legit_flagged <= 0.02 * c.legit);
    CHECK(c.other_as_ad <= 0.02 * c.other);
  }
}

TEST_CASE("Quality per family on the writers the rules were tuned on",
          "[classifier][families-quality]") {
  const Quality q = Run(LoadFamilies("dev"));
  std::cout << "\n=== FAMILIES, DEV split (tuning) ===" << Confusion(q)
            << Table("family", q.by_family) << Table("writer", q.by_writer)
            << Table("all", {{"", q.all}});
  CHECK(q.all.lures_caught >= 0.98 * q.all.lures);
  // A ratchet on the count: w94-w97 added 120 look-alikes written to be as close to a lure as a
  // lawful post can be (tests/data/corpus/families/README.md), and 1% of the look-alikes no longer
  // holds with them. The count may only go down; a new dev writer resets it, said in its commit.
  CHECK(q.all.legit_flagged <= 47);
  CHECK(q.all.other_as_ad <= 0.01 * q.all.other);
}
