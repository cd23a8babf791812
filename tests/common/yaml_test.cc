#include "adwatch/common/yaml.h"

#include <catch2/catch.hpp>

using adwatch::LoadYamlText;
using adwatch::YamlMap;

TEST_CASE("YAML errors name the file, line and key", "[common]") {
  auto root = LoadYamlText("a: 1\nb: not-a-number\nc: [x, y]\n", "cfg.yaml");
  REQUIRE(root.has_value());
  YamlMap m("cfg.yaml", *root, "crawl");
  int a = 0, b = 0;
  CHECK(m.Read("a", a).ok());
  CHECK(a == 1);
  auto s = m.Read("b", b);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == "cfg.yaml:2: crawl.b: expected an integer, got 'not-a-number'");
  std::vector<std::string> c;
  CHECK(m.Read("c", c).ok());
  CHECK(c == std::vector<std::string>{"x", "y"});
  CHECK(m.Finish().ok());
}

TEST_CASE("Unknown keys are reported, catching typos", "[common]") {
  auto root = LoadYamlText("timezone: Asia/Jakarta\ntimzone: UTC\n", "adwatch.yaml");
  REQUIRE(root.has_value());
  YamlMap m("adwatch.yaml", *root, "");
  std::string tz;
  CHECK(m.Read("timezone", tz).ok());
  auto s = m.Finish();
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == "adwatch.yaml:2: timzone: unknown key");
}

TEST_CASE("A YAML syntax error gives file, line and column", "[common]") {
  auto root = LoadYamlText("a: [1, 2\nb: 3\n", "broken.yaml");
  REQUIRE_FALSE(root.has_value());
  CHECK_THAT(root.error().message(), Catch::StartsWith("broken.yaml:"));
}

TEST_CASE("A number must be finite: .nan and .inf are refused", "[common]") {
  // A weight of .nan passed the rule loader's range check (NaN compares false) and made every
  // score NaN; found while writing the regression inputs of fuzz/rules_fuzz.cc.
  auto root = LoadYamlText("w: .nan\nx: -.inf\ny: 2.5\n", "rule.yaml");
  REQUIRE(root.has_value());
  YamlMap m("rule.yaml", *root, "rule");
  double w = 1, x = 1, y = 0;
  auto s = m.Read("w", w);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == "rule.yaml:1: rule.w: expected a finite number, got '.nan'");
  CHECK(w == 1);
  CHECK_FALSE(m.Read("x", x).ok());
  CHECK(m.Read("y", y).ok());
  CHECK(y == 2.5);
}
