// The classifier's verdicts on the whole corpus are the golden ones, field by field: a change
// that makes the classifier faster must not change what it decides. When rules/ changes, the
// verdicts change with it: regenerate the golden file with
//   scripts/classifier_golden.sh
// and review its diff (zdiff) before committing it.
#include "golden.h"

#include <zlib.h>

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "test_util.h"

namespace {

// The golden file's lines by id. Fails the test when it cannot be read.
std::map<std::string, std::string> ReadGolden(const std::string& path) {
  std::map<std::string, std::string> out;
  gzFile f = gzopen(path.c_str(), "rb");
  REQUIRE(f != nullptr);
  std::string line;
  char buf[1 << 16];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) {
    for (int i = 0; i < n; ++i) {
      if (buf[i] != '\n') {
        line += buf[i];
        continue;
      }
      const std::string id = line.substr(0, line.find('\t'));
      out[id] = line;
      line.clear();
    }
  }
  const bool read_ok = n == 0;
  gzclose(f);
  REQUIRE(read_ok);
  return out;
}

}  // namespace

TEST_CASE("Verdicts on the whole corpus equal the golden ones field by field",
          "[classifier][golden]") {
  const auto golden =
      ReadGolden(std::string(ADWATCH_TEST_DATA) + "/classifier/golden_verdicts.tsv.gz");
  auto cases = adwatch::golden::LoadCases(ADWATCH_SOURCE_DIR);
  REQUIRE(cases.has_value());
  // Every text is in the golden file and nothing else is: a corpus text added without
  // regenerating the file is caught here.
  REQUIRE(cases->size() == golden.size());
  REQUIRE(cases->size() > 6000);

  const auto& classifier = adwatch::testing::BundledClassifier();
  for (const auto& c : *cases) {
    const auto it = golden.find(adwatch::golden::Esc(c.id));
    INFO("text " << c.id);
    REQUIRE(it != golden.end());
    std::string id;
    adwatch::golden::Fields want;
    REQUIRE(adwatch::golden::ParseLine(it->second, id, want));
    auto v = classifier.Classify(c.ad);
    REQUIRE(v.has_value());
    const adwatch::golden::Fields got = adwatch::golden::VerdictFields(*v);
    for (size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
      const std::string want_field =
          i < want.size() ? want[i].first + "=" + want[i].second : "(none)";
      const std::string got_field = i < got.size() ? got[i].first + "=" + got[i].second : "(none)";
      if (want_field != got_field) {
        INFO("first differing field #" << i << "\n  golden: " << want_field
                                       << "\n  now:    " << got_field);
        FAIL_CHECK("verdict differs from the golden one");
        break;
      }
    }
  }
}
