// The adwatch command line as a user meets it: exit codes, messages, outputs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "support/run.h"

using adwatch::testing::Adwatch;
using adwatch::testing::RunCommand;
using adwatch::testing::TempDir;

TEST_CASE("classify --explain shows score, spans, E.164, salary and destination", "[app]") {
  auto r = RunCommand(Adwatch() + " classify --input text --explain --lang en",
                      "Dibutuhkan admin ke K4mboja, gaji 15jt, tiket ditanggung, WA 0812 3456 7890\n");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("level HIGH"));
  CHECK_THAT(r.out, Catch::Contains("[K4mboja]"));
  CHECK_THAT(r.out, Catch::Contains("whatsapp +6281234567890"));
  CHECK_THAT(r.out, Catch::Contains("15,000,000 IDR per month"));
  CHECK_THAT(r.out, Catch::Contains("Cambodia (destination country"));
}

TEST_CASE("classify prints one JSON verdict per JSONL line and skips bad lines by number", "[app]") {
  auto r = RunCommand(Adwatch() + " classify --input jsonl",
                      "{\"id\": \"a\", \"text\": \"Dicari admin ke Kamboja, tiket ditanggung\"}\n"
                      "not json\n"
                      "{\"id\": \"c\"}\n"
                      "{\"id\": \"d\", \"text\": \"Lowongan kasir minimarket di Bekasi\"}\n");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("<stdin>:2: not valid JSON; line skipped"));
  CHECK_THAT(r.err, Catch::Contains("<stdin>:3: missing string field \"text\""));
  CHECK_THAT(r.out, Catch::Contains("\"id\":\"a\""));
  CHECK_THAT(r.out, Catch::Contains("\"id\":\"d\""));
  CHECK_THAT(r.out, Catch::Contains("\"ruleset_version\":\"rs-"));
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 2);
}

TEST_CASE("classify --input html classifies each ad the page holds", "[app]") {
  const std::string site = std::string(ADWATCH_SOURCE_DIR) + "/examples/site";
  // A channel preview: one verdict per post, each named by its post id.
  auto channel = RunCommand(Adwatch() + " classify --input html --url https://t.me/s/lokerasia_demo " +
                            site + "/s/lokerasia_demo/index.html");
  REQUIRE(channel.exit_code == 0);
  CHECK_THAT(channel.out, Catch::Contains("{\"id\":\"lokerasia_demo/103\",\"score\":"));
  CHECK(std::count(channel.out.begin(), channel.out.end(), '\n') >= 5);
  // A job-board detail page with JSON-LD: its JobPosting, flagged.
  auto job = RunCommand(Adwatch() + " classify --input html --explain --lang en " + site +
                        "/lowongan/customer-service-online-kamboja.html");
  REQUIRE(job.exit_code == 0);
  CHECK_THAT(job.out, Catch::Contains("level HIGH"));
  // A page with nothing to read is refused clearly.
  auto empty = RunCommand(Adwatch() + " classify --input html", "<html><body></body></html>");
  CHECK(empty.exit_code == 1);
  CHECK_THAT(empty.err, Catch::Contains("no text to classify"));
}

TEST_CASE("A broken rule file stops rules test and classify with its file and line", "[app]") {
  TempDir dir;
  std::filesystem::copy(ADWATCH_RULES_DIR, dir.path() / "rules", std::filesystem::copy_options::recursive);
  const std::string bad = dir.Write("rules/zz_broken.yaml",
                                    "rules:\n  - id: BROKEN\n    category: COST_COVERED\n    weight: 5\n"
                                    "    languages: [id]\n    patterns: ['(unclosed']\n"
                                    "    describe: {id: a, en: b}\n");
  const std::string rules = (dir.path() / "rules").string();
  auto test = RunCommand(Adwatch() + " rules --rules " + rules + " test");
  CHECK(test.exit_code == 1);
  CHECK_THAT(test.err, Catch::Contains(bad + ":2: rule BROKEN") && Catch::Contains("missing )"));
  auto classify = RunCommand(Adwatch() + " classify --rules " + rules, "gaji 15jt");
  CHECK(classify.exit_code == 1);
  CHECK_THAT(classify.err, Catch::Contains(bad + ":2"));
}

TEST_CASE("rules test passes on the bundled rules", "[app]") {
  auto r = RunCommand(Adwatch() + " rules test");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("all good"));
}

TEST_CASE("Usage errors exit 2, help exits 0", "[app]") {
  CHECK(RunCommand(Adwatch() + " classify --input xml").exit_code == 2);
  CHECK(RunCommand(Adwatch() + " no-such-command").exit_code == 2);
  CHECK(RunCommand(Adwatch()).exit_code == 2);
  auto help = RunCommand(Adwatch() + " classify --help");
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("--explain"));
}

TEST_CASE("A bad config names its file, line and key", "[app]") {
  TempDir dir;
  const std::string cfg = dir.Write("adwatch.yaml", "timezone: Asia/Jakarta\nscoring:\n  low: 20\n  hihg: 70\n");
  auto r = RunCommand(Adwatch() + " classify --config " + cfg, "gaji 15jt");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains(cfg + ":4: scoring.hihg: unknown key"));
  const std::string tz = dir.Write("tz.yaml", "timezone: Mars/Olympus\n");
  auto r2 = RunCommand(Adwatch() + " classify --config " + tz, "gaji 15jt");
  CHECK(r2.exit_code == 1);
  CHECK_THAT(r2.err, Catch::Contains(tz + ":1: timezone"));
}

TEST_CASE("Empty input is refused clearly", "[app]") {
  auto r = RunCommand(Adwatch() + " classify", "  \n");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("no text to classify"));
}
