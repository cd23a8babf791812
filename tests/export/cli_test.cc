// adwatch digest and adwatch export run as an operator would, on the fixture database, with the
// subscriptions and SMTP server of a config file.
#include <filesystem>

#include <catch2/catch.hpp>

#include "fixture.h"
#include "smtp_sink.h"
#include "support/run.h"

namespace adwatch::exporter {
namespace {

namespace fs = std::filesystem;

std::string Config(const testing::FixtureStore& f, const std::string& body) {
  const std::string path = f.path() + "/adwatch.yaml";
  std::ofstream(path) << "timezone: Asia/Jakarta\nrules:\n  dir: " << ADWATCH_RULES_DIR << "\n" << body;
  return path;
}

std::string Cmd(const std::string& config, const std::string& db, const std::string& args) {
  return testing::Adwatch() + " " + args + " --config '" + config + "' --db '" + db + "'";
}

TEST_CASE("adwatch digest writes every subscription's files and mails them", "[export][cli]") {
  auto sink = testing::SmtpSink::Start();
  REQUIRE(sink);
  testing::FixtureStore f;
  f.Close();
  const std::string config = Config(f, "digest:\n"
                                       "  smtp: {url: \"" + sink->url() + "\", tls: none, from: \"adwatch <adwatch@tppo.example>\"}\n"
                                       "  subscriptions:\n"
                                       "    - name: kepri\n"
                                       "      title: Gugus Tugas TPPO Kepri\n"
                                       "      regions: [id.kepri]\n"
                                       "      min_level: low\n"
                                       "      recipients: [sekretariat@tppo-kepri.example]\n"
                                       "    - name: national\n"
                                       "      lang: en\n");
  const std::string out = f.path() + "/digests";
  const auto r = testing::RunCommand(Cmd(config, f.db(), "digest --day 2026-11-22 --all --mail --out '" + out + "'"));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  for (const char* name : {"adwatch-digest-2026-11-22-kepri", "adwatch-digest-2026-11-22-national"}) {
    for (const char* ext : {".html", ".csv", ".json"}) {
      INFO(name << ext);
      CHECK(fs::exists(out + "/" + name + ext));
    }
  }
  CHECK(r.out.find("mailed to 1 recipient(s)") != std::string::npos);
  REQUIRE(sink->WaitForMessages(1, 5000));
  CHECK(sink->messages().size() == 1);  // the national subscription has no recipients
  CHECK(sink->messages()[0].rcpt == std::vector<std::string>{"sekretariat@tppo-kepri.example"});
  // English CSV: comma separated.
  CHECK(testing::Slurp(out + "/adwatch-digest-2026-11-22-national.csv").find("Day,Score,Risk level,") == 3);

  const auto one = testing::RunCommand(Cmd(config, f.db(), "digest --day 2026-11-22 --subscription nope --out '" + out + "'"));
  CHECK(one.exit_code == 2);
  CHECK(one.err.find("no subscription named 'nope'") != std::string::npos);
}

TEST_CASE("Without a national subscription, adwatch digest warns that unrouted ads reach nobody", "[export][cli]") {
  testing::FixtureStore f;
  f.Close();
  const std::string config = Config(f, "digest:\n  subscriptions:\n    - name: kepri\n      regions: [id.kepri]\n");
  const auto r = testing::RunCommand(Cmd(config, f.db(), "digest --day 2026-11-22 --out '" + f.path() + "/o'"));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("no national subscription") != std::string::npos);
  CHECK(fs::exists(f.path() + "/o/adwatch-digest-2026-11-22-kepri.html"));
}

TEST_CASE("A subscription naming an unknown region stops adwatch digest with file and line", "[export][cli]") {
  testing::FixtureStore f;
  f.Close();
  const std::string config = Config(f, "digest:\n  subscriptions:\n    - name: atlantis\n      regions: [id.atlantis]\n");
  const auto r = testing::RunCommand(Cmd(config, f.db(), "digest --day 2026-11-22 --out '" + f.path() + "/o'"));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("adwatch.yaml:6") != std::string::npos);
  CHECK(r.err.find("unknown region 'id.atlantis'") != std::string::npos);
}

TEST_CASE("The digest config refuses distress posts in a national subscription", "[export][cli]") {
  testing::FixtureStore f;
  f.Close();
  const std::string config = Config(f, "digest:\n  subscriptions:\n    - name: all\n      distress: true\n");
  const auto r = testing::RunCommand(Cmd(config, f.db(), "digest --day 2026-11-22 --out '" + f.path() + "/o'"));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("adwatch.yaml:7") != std::string::npos);
  CHECK(r.err.find("distress") != std::string::npos);
}

TEST_CASE("adwatch export streams the selected ads", "[export][cli]") {
  testing::FixtureStore f;
  f.Close();
  const std::string config = Config(f, "");
  const auto r = testing::RunCommand(
      Cmd(config, f.db(), "export --format jsonl --since 2026-11-22 --until 2026-11-22 --min-level medium"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 4);
  CHECK(r.err.find("4 of 11 ads written") != std::string::npos);
  const std::string file = f.path() + "/x.csv";
  const auto csv = testing::RunCommand(Cmd(config, f.db(), "export --region id.kepri --out '" + file + "'"));
  REQUIRE(csv.exit_code == 0);
  CHECK(testing::Slurp(file).rfind("\xEF\xBB\xBF" "ad_id,", 0) == 0);
  const auto bad = testing::RunCommand(Cmd(config, f.db(), "export --since yesterdayish"));
  CHECK(bad.exit_code == 2);
}

}  // namespace
}  // namespace adwatch::exporter
