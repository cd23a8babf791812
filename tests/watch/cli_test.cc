// adwatch watch add|list|remove and alerts list, run as a user would, with `adwatch import` and
// `adwatch rescore` storing the ads that are matched.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>

#include "adwatch/storage/store.h"
#include "storage/test_util.h"
#include "support/run.h"

namespace adwatch::watch {
namespace {

using adwatch::testing::Adwatch;
using adwatch::testing::RunCommand;
using adwatch::testing::RunResult;

class Cli {
 public:
  explicit Cli(const std::string& extra_config = "") {
    std::ofstream(dir_.Sub("adwatch.yaml"))
        << "timezone: Asia/Jakarta\nstorage:\n  path: " << db() << "\n"
        << extra_config;
  }
  RunResult Run(const std::string& args) const {
    return RunCommand(Adwatch() + " --config " + dir_.Sub("adwatch.yaml") + " " + args);
  }
  std::string db() const { return dir_.Sub("db"); }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_.Sub(name)) << text;
    return dir_.Sub(name);
  }

 private:
  storage::testing::TempDir dir_;
};

int Lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST_CASE("watch add prints the id and stored form, and list and remove are scoped by org",
          "[watch][cli]") {
  Cli c;
  auto add = c.Run("watch add phone '+62 812-3456-7890' --note 'kasus 12' --org polda-kepri");
  INFO(add.err);
  REQUIRE(add.exit_code == 0);
  CHECK_THAT(add.out, Catch::Contains("  phone  +6281234567890"));
  const std::string id = add.out.substr(0, add.out.find(' '));
  REQUIRE(id.size() == 12);
  REQUIRE(c.Run("watch add telegram @Rekrut_KH --org polda-ntt").exit_code == 0);

  auto list = c.Run("watch list --org polda-kepri");
  REQUIRE(list.exit_code == 0);
  CHECK_THAT(list.out, Catch::Contains(id));
  CHECK_THAT(list.out, Catch::Contains("kasus 12"));
  CHECK_THAT(list.out, !Catch::Contains("@rekrut_kh"));
  CHECK_THAT(c.Run("watch list").out, Catch::Contains("@rekrut_kh"));

  auto wrong_org = c.Run("watch remove " + id + " --org polda-ntt");
  CHECK(wrong_org.exit_code == 2);
  CHECK_THAT(wrong_org.err, Catch::Contains("no watch entry with id"));
  REQUIRE(c.Run("watch remove " + id).exit_code == 0);
  CHECK_THAT(c.Run("watch list --org polda-kepri").out, !Catch::Contains(id));
}

TEST_CASE("watch add refuses a bad value with the reason", "[watch][cli]") {
  Cli c;
  auto bad = c.Run("watch add keyword 'gaji (besar'");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("not a valid RE2 pattern: missing )"));
  auto phone = c.Run("watch add phone 'hubungi kami'");
  CHECK(phone.exit_code == 2);
  CHECK_THAT(phone.err, Catch::Contains("not a phone number"));
  CHECK(c.Run("watch add pager 123").exit_code == 2);
  for (const char* cmd : {"watch add", "watch list", "watch remove", "alerts list"}) {
    auto help = c.Run(std::string(cmd) + " --help");
    INFO(cmd);
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.out, Catch::Contains("--db"));
  }
}

TEST_CASE("An expired entry is listed as expired and matches nothing", "[watch][cli]") {
  Cli c;
  {
    // An entry that expired yesterday, stored as `watch add --expires` would have.
    SystemClock clock;
    auto store = storage::Store::Open(storage::testing::TestOptions(c.db()), clock);
    REQUIRE(store.has_value());
    WatchEntry e{.id = "expired00001",
                 .org = "local",
                 .kind = WatchKind::kPhone,
                 .value = "+6281234567890",
                 .typed = "0812 3456 7890",
                 .note = "old case",
                 .created_ms = clock.NowMs() - 3 * 86'400'000LL,
                 .expires_ms = clock.NowMs() - 86'400'000LL};
    REQUIRE((*store)->PutWatchEntry(e).ok());
  }
  CHECK_THAT(c.Run("watch list").out, Catch::Contains("expired"));
  const std::string file = c.Write(
      "ads.jsonl",
      R"({"text": "Dibutuhkan admin ke Kamboja, gaji 15jt, tiket ditanggung, WA 0812 3456 7890"})"
      "\n");
  REQUIRE(c.Run("import " + file).exit_code == 0);
  auto alerts = c.Run("alerts list --org local");
  CHECK(alerts.exit_code == 0);
  CHECK(alerts.out.empty());
}

TEST_CASE("Ads imported raise alerts once, and a re-import or a rescore raises none",
          "[watch][cli]") {
  Cli c;
  REQUIRE(c.Run("watch add phone 0812-3456-7890 --note 'perekrut Kamboja' --org polda-kepri")
              .exit_code == 0);
  REQUIRE(c.Run("watch add domain kerja-luar.id --org bareskrim").exit_code == 0);
  const std::string file = c.Write(
      "ads.jsonl",
      R"({"url": "https://t.me/loker/5", "text": "Dibutuhkan admin ke Kamboja, gaji 15jt, tiket ditanggung, WA +62 812 3456 7890", "source": "telegram"})"
      "\n"
      R"({"url": "https://fb.example/p/9", "text": "Operator online Myawaddy, paspor diurus, hubungi 081234567890"})"
      "\n"
      R"({"url": "https://www.kerja-luar.id/lowongan/3", "text": "Staf gudang di Cikarang, gaji 5 juta, kirim CV"})"
      "\n");
  auto imported = c.Run("import " + file);
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  auto kepri = c.Run("alerts list --org polda-kepri --since 1d");
  REQUIRE(kepri.exit_code == 0);
  CHECK(Lines(kepri.out) == 2);
  CHECK_THAT(kepri.out, Catch::Contains("+6281234567890  \"perekrut Kamboja\""));
  CHECK_THAT(kepri.out, Catch::Contains("https://t.me/loker/5"));
  CHECK(Lines(c.Run("alerts list --org bareskrim").out) == 1);
  CHECK(Lines(c.Run("alerts list").out) == 3);

  REQUIRE(c.Run("import " + file).exit_code == 0);
  REQUIRE(c.Run("rescore").exit_code == 0);
  CHECK(Lines(c.Run("alerts list --org polda-kepri").out) == 2);
  CHECK(c.Run("alerts list --since soon").exit_code == 2);
}

TEST_CASE("A bad burst rule stops the program with file, line and key", "[watch][cli]") {
  Cli c("alerts:\n  bursts:\n    - name: lintas\n      regions: 3\n      days: 7\n");
  auto r = c.Run("watch list");
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.err, Catch::Contains("adwatch.yaml:"));
  CHECK_THAT(r.err, Catch::Contains("alerts.bursts[0]"));
  CHECK_THAT(r.err, Catch::Contains("orgs"));
  Cli both("alerts:\n  bursts:\n    - {name: x, regions: 3, sources: 2, orgs: [a]}\n");
  CHECK_THAT(both.Run("watch list").err, Catch::Contains("exactly one of"));
  Cli good("alerts:\n  bursts:\n    - {name: lintas, regions: 3, days: 7, orgs: [satgas]}\n");
  CHECK(good.Run("watch list").exit_code == 0);
}

}  // namespace
}  // namespace adwatch::watch
