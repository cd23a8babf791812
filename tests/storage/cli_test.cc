// The storage commands of the adwatch binary, end to end: a database built with the library (pages
// as the crawler would store them), then `adwatch review | evidence | import | rescore | backup |
// restore | prune` run on it as a user would.
#include <rocksdb/db.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "adwatch/common/hash.h"
#include "adwatch/storage/ids.h"
#include "adwatch/storage/store.h"
#include "support/run.h"
#include "test_util.h"

namespace adwatch::storage {
namespace {

using adwatch::testing::Adwatch;
using adwatch::testing::RunCommand;
using adwatch::testing::RunResult;
using testing::kNoonJakarta;
using testing::MakeAd;
using testing::MakeAdWrite;
using testing::MakeFetch;
using testing::MakeVerdict;
using testing::ManualClock;
using testing::Phone;

std::string Slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream b;
  b << f.rdbuf();
  return b.str();
}

// A config file and a database with three pages of 2026-11-22: a high ad and a medium ad sharing
// a phone number, and a news page.
class Fixture {
 public:
  Fixture() {
    std::ofstream(dir_.Sub("adwatch.yaml")) << "timezone: Asia/Jakarta\n"
                                               "lang: en\n"
                                               "storage:\n"
                                               "  path: db\n"
                                               "  retention_days: 30\n"
                                               "  sync: batch\n";
    ManualClock clock(kNoonJakarta);
    StoreOptions o = testing::TestOptions(db());
    auto store = Store::Open(o, clock);
    REQUIRE(store.has_value());
    high_ = Put(**store, "https://loker.example/1",
                "Admin ke Kamboja, gaji 15jt, WA 0812 3456 7890", 90, Level::kHigh);
    medium_ = Put(**store, "https://loker.example/2",
                  "Operator ke luar negeri, tiket gratis, WA 0812 3456 7890", 50, Level::kMedium);
    news_ = Put(**store, "https://berita.example/3", "Polisi menggagalkan pengiriman pekerja", 5,
                Level::kNone);
  }

  std::string Run(const std::string& args) const {
    last_ = RunCommand(Adwatch() + " --config " + dir_.Sub("adwatch.yaml") + " " + args);
    return last_.out;
  }
  const RunResult& last() const { return last_; }
  std::string db() const { return dir_.Sub("db"); }
  std::string Sub(const std::string& name) const { return dir_.Sub(name); }

  std::string high_, medium_, news_;
  std::string high_body_;

 private:
  std::string Put(Store& store, const std::string& url, const std::string& text, int score,
                  Level level) {
    std::string body = "<html><body><p>" + text + "</p>\xff";
    body.push_back('\0');
    body += "</body></html>";
    PageWrite w;
    w.page = MakeFetch(url, body, kNoonJakarta);
    w.crawler_version = "adwatch-crawler/0.1";
    w.ads.push_back(MakeAdWrite(
        MakeAd(url, text), MakeVerdict(score, level, {Phone("+6281234567890")}), {"id.kepri"}));
    auto r = store.Write(w);
    REQUIRE(r.has_value());
    if (high_body_.empty()) high_body_ = w.page->body;
    return r->ads[0].ad_id;
  }

  testing::TempDir dir_;
  mutable RunResult last_;
};

TEST_CASE("review list shows a day's ads, highest score first, one per line", "[storage][cli]") {
  Fixture f;
  const std::string out = f.Run("review list --day 2026-11-22");
  INFO(f.last().err);
  REQUIRE(f.last().exit_code == 0);
  const auto high_at = out.find(f.high_);
  const auto medium_at = out.find(f.medium_);
  REQUIRE(high_at != std::string::npos);
  REQUIRE(medium_at != std::string::npos);
  CHECK(high_at < medium_at);
  CHECK(out.find(f.news_) == std::string::npos);  // below the default --min-level medium
  CHECK_THAT(out, Catch::Contains(" 90 high   other               2026-11-22 12:00  test"));
  CHECK_THAT(out, Catch::Contains("Admin ke Kamboja"));

  f.Run("review list --day 2026-11-22 --min-level none --json");
  REQUIRE(f.last().exit_code == 0);
  CHECK_THAT(f.last().out, Catch::Contains("\"id\":\"" + f.news_ + "\""));
  CHECK_THAT(f.last().out, Catch::Contains("\"first_seen\":\"2026-11-22T05:00:00Z\""));

  f.Run("review list --day 2026-11-22 --region id.jatim");
  CHECK(f.last().exit_code == 0);
  CHECK(f.last().out.empty());
  f.Run("review list --day 22-11-2026");
  CHECK(f.last().exit_code == 2);
  f.Run("review list --min-level extreme");
  CHECK(f.last().exit_code == 2);
}

TEST_CASE("review show explains the verdict and links ads that share a contact", "[storage][cli]") {
  Fixture f;
  const std::string out = f.Run("review show " + f.high_.substr(0, 8) + " --no-color");
  INFO(f.last().err);
  REQUIRE(f.last().exit_code == 0);
  CHECK_THAT(out, Catch::Contains(f.high_));
  CHECK_THAT(out, Catch::Contains("https://loker.example/1"));
  CHECK_THAT(out, Catch::Contains("tel:+6281234567890: 2 other ads"));
  CHECK_THAT(out, Catch::Contains(f.medium_));
  CHECK_THAT(out, Catch::Contains("[Admi]n ke Kamboja"));  // the evidence span, highlighted
  CHECK_THAT(out, Catch::Contains("2026-11-22T05:00:00Z"));

  f.Run("review show " + f.high_ + " --json");
  REQUIRE(f.last().exit_code == 0);
  CHECK_THAT(f.last().out, Catch::Contains("\"linked_by_contact\""));
  f.Run("review show ffffffffff");
  CHECK(f.last().exit_code == 1);
  CHECK_THAT(f.last().err, Catch::Contains("no such ad"));
}

TEST_CASE("review label appends to the audit trail", "[storage][cli]") {
  Fixture f;
  f.Run("review label " + f.high_ + " confirmed --reviewer siti --note 'sama dengan kasus 12'");
  INFO(f.last().err);
  REQUIRE(f.last().exit_code == 0);
  f.Run("review label " + f.high_ + " unsure --reviewer budi");
  REQUIRE(f.last().exit_code == 0);
  const std::string list = f.Run("review list --day 2026-11-22");
  CHECK_THAT(list, Catch::Contains("[unsure]"));
  const std::string show = f.Run("review show " + f.high_ + " --no-color");
  CHECK_THAT(show, Catch::Contains("confirmed by siti: sama dengan kasus 12"));
  CHECK_THAT(show, Catch::Contains("unsure    by budi"));
  const std::string unreviewed = f.Run("review list --day 2026-11-22 --unreviewed");
  CHECK(unreviewed.find(f.high_) == std::string::npos);
  CHECK(unreviewed.find(f.medium_) != std::string::npos);

  f.Run("review label " + f.high_ + " maybe --reviewer siti");
  CHECK(f.last().exit_code == 2);
  f.Run("review label " + f.high_ + " legit");
  CHECK(f.last().exit_code == 2);  // --reviewer is required
}

TEST_CASE("evidence writes a bundle anyone can verify with sha256sum", "[storage][cli]") {
  Fixture f;
  const std::string out_dir = f.Sub("case-12");
  f.Run("evidence " + f.high_ + " --out " + out_dir);
  INFO(f.last().err);
  REQUIRE(f.last().exit_code == 0);
  CHECK(Slurp(out_dir + "/body.html") == f.high_body_);  // byte for byte, 0xff and NUL included
  CHECK_THAT(Slurp(out_dir + "/headers.txt"), Catch::Contains("Content-Type: text/html"));
  CHECK_THAT(Slurp(out_dir + "/text.txt"), Catch::Contains("Admin ke Kamboja"));
  const std::string manifest = Slurp(out_dir + "/manifest.json");
  CHECK_THAT(manifest, Catch::Contains("\"fetched_at\": \"2026-11-22T05:00:00Z\""));
  CHECK_THAT(manifest, Catch::Contains("\"final_url\": \"https://loker.example/1\""));
  CHECK_THAT(manifest, Catch::Contains(Sha256Hex(f.high_body_)));
  CHECK_THAT(manifest, Catch::Contains("\"crawler_version\": \"adwatch-crawler/0.1\""));
  CHECK_THAT(manifest, Catch::Contains("\"ruleset_version\""));
  auto check = RunCommand("cd " + out_dir + " && sha256sum -c SHA256SUMS");
  CHECK(check.exit_code == 0);
  CHECK_THAT(check.out, Catch::Contains("body.html: OK"));
  CHECK_THAT(check.out, Catch::Contains("manifest.json: OK"));

  // A tampered copy fails the check.
  std::ofstream(out_dir + "/text.txt", std::ios::app) << "edited";
  CHECK(RunCommand("cd " + out_dir + " && sha256sum -c SHA256SUMS").exit_code != 0);

  f.Run("evidence " + f.high_ + " --out " + out_dir);
  CHECK(f.last().exit_code == 1);  // the folder is not empty
}

TEST_CASE("evidence refuses a body that no longer matches its SHA-256", "[storage][cli]") {
  Fixture f;
  {
    // Tamper with the stored body behind the store's back.
    rocksdb::DBOptions o;
    std::vector<std::string> names;
    REQUIRE(rocksdb::DB::ListColumnFamilies(o, f.db(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descs;
    for (const auto& n : names) descs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    REQUIRE(rocksdb::DB::Open(o, f.db(), descs, &handles, &db).ok());
    const auto bodies = std::find(names.begin(), names.end(), "bodies") - names.begin();
    const std::string page_id = PageIdFor("https://loker.example/1", Sha256Hex(f.high_body_));
    REQUIRE(db->Put(rocksdb::WriteOptions(), handles[static_cast<size_t>(bodies)], page_id,
                    "<html>altered</html>")
                .ok());
    for (auto* h : handles) REQUIRE(db->DestroyColumnFamilyHandle(h).ok());
    delete db;
  }
  f.Run("evidence " + f.high_ + " --out " + f.Sub("bad"));
  CHECK(f.last().exit_code == 1);
  CHECK_THAT(f.last().err, Catch::Contains("no longer matches its SHA-256"));
}

TEST_CASE("import stores good lines, reports bad ones by line number", "[storage][cli]") {
  Fixture f;
  std::ofstream(f.Sub("ads.jsonl"))
      << R"({"id": "g1", "text": "Dibutuhkan admin ke Kamboja, gaji 15jt, tiket ditanggung, WA 0812 9999 0000"})"
      << "\n"
      << "not json\n"
      << R"({"text": "Lowongan staf gudang di Cikarang, gaji 5 juta, kirim CV ke hr@contoh.co.id"})"
      << "\n"
      << R"({"title": "no text here"})"
      << "\n"
      << R"({"url": "https://t.me/loker/5", "text": "Operator online Myawaddy, paspor disimpan perusahaan, WA +855 12 345 678", "source": "telegram"})"
      << "\n";
  f.Run("import " + f.Sub("ads.jsonl"));
  INFO(f.last().out << f.last().err);
  CHECK(f.last().exit_code == 1);  // lines were skipped
  CHECK_THAT(f.last().err, Catch::Contains("ads.jsonl:2:"));
  CHECK_THAT(f.last().err, Catch::Contains("ads.jsonl:4:"));
  CHECK_THAT(f.last().out, Catch::Contains("imported 3 ads"));
  CHECK_THAT(f.last().out, Catch::Contains("3 new"));

  // The same file again stores no new ad: ids come from the URL, else from the text.
  f.Run("import " + f.Sub("ads.jsonl"));
  CHECK_THAT(f.last().out, Catch::Contains("0 new, 3 already stored"));
  // The URL is put in canonical form first: another spelling of the same post is the same ad.
  std::ofstream(f.Sub("again.jsonl"))
      << R"({"url": "HTTPS://T.me:443/loker/5?utm_source=fb#top", "text": "Operator online Myawaddy, paspor disimpan perusahaan, WA +855 12 345 678"})"
      << "\n";
  f.Run("import " + f.Sub("again.jsonl"));
  CHECK(f.last().exit_code == 0);
  CHECK_THAT(f.last().out, Catch::Contains("0 new, 1 already stored"));

  auto id = AdIdFor(MakeAd("https://t.me/loker/5", ""));
  const std::string show = f.Run("review show " + id + " --no-color");
  CHECK(f.last().exit_code == 0);
  CHECK_THAT(show, Catch::Contains("telegram"));
  CHECK_THAT(show, Catch::Contains("tel:+85512345678"));
}

TEST_CASE("rescore re-runs the rules, keeps the history and moves the queue", "[storage][cli]") {
  Fixture f;
  f.Run("rescore --since 2026-11-22");
  INFO(f.last().out << f.last().err);
  REQUIRE(f.last().exit_code == 0);
  CHECK_THAT(f.last().out, Catch::Contains("rescored 3 ads"));
  CHECK_THAT(f.last().out, Catch::Contains("3 verdicts changed"));
  const std::string show = f.Run("review show " + f.high_ + " --no-color");
  CHECK_THAT(show, Catch::Contains("rev 2"));
  CHECK_THAT(show, Catch::Contains("rescore"));
  CHECK_THAT(show, Catch::Contains("rules-v1"));  // the first verdict is kept
  f.Run("rescore");
  CHECK_THAT(f.last().out, Catch::Contains("0 verdicts changed"));
  f.Run("rescore --since yesterday");
  CHECK(f.last().exit_code == 2);
}

TEST_CASE("backup and restore round-trip through the command line", "[storage][cli]") {
  Fixture f;
  f.Run("backup " + f.Sub("backups") + " --keep 3");
  INFO(f.last().out << f.last().err);
  REQUIRE(f.last().exit_code == 0);
  CHECK_THAT(f.last().out, Catch::Contains("backup 1"));
  f.Run("restore " + f.Sub("backups") + " --db " + f.Sub("restored"));
  REQUIRE(f.last().exit_code == 0);
  const std::string a = f.Run("review list --day 2026-11-22 --min-level none");
  const std::string b =
      f.Run("review list --day 2026-11-22 --min-level none --db " + f.Sub("restored"));
  CHECK(a == b);
  f.Run("restore " + f.Sub("backups"));
  CHECK(f.last().exit_code == 1);
  CHECK_THAT(f.last().err, Catch::Contains("--force"));
  f.Run("restore " + f.Sub("backups") + " --force");
  CHECK(f.last().exit_code == 0);
  CHECK_THAT(f.last().out, Catch::Contains(".replaced-"));
  f.Run("prune --dry-run");
  CHECK(f.last().exit_code == 0);
  CHECK_THAT(f.last().out, Catch::Contains("would drop 0 page bodies"));
}

TEST_CASE("A database in use: readers work, writers get a clear error", "[storage][cli]") {
  Fixture f;
  ManualClock clock(kNoonJakarta);
  auto holder = Store::Open(testing::TestOptions(f.db()), clock);  // as `adwatch crawl` would
  REQUIRE(holder.has_value());
  f.Run("review list --day 2026-11-22");
  CHECK(f.last().exit_code == 0);
  CHECK_THAT(f.last().out, Catch::Contains(f.high_));
  f.Run("review label " + f.high_ + " legit --reviewer siti");
  CHECK(f.last().exit_code == 1);
  CHECK_THAT(f.last().err, Catch::Contains("in use by another adwatch process"));
  f.Run("backup " + f.Sub("b"));
  CHECK(f.last().exit_code == 1);
}

TEST_CASE("Every storage command has --help and --db", "[storage][cli]") {
  for (const char* cmd : {"review list", "review show", "review label", "evidence", "import",
                          "rescore", "backup", "restore", "prune"}) {
    auto r = RunCommand(Adwatch() + " " + cmd + " --help");
    INFO(cmd);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("--db"));
  }
  Fixture f;
  std::ofstream(f.Sub("bad.yaml")) << "storage:\n  sync: sometimes\n";
  auto r = RunCommand(Adwatch() + " --config " + f.Sub("bad.yaml") + " review list");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("bad.yaml:2"));
  CHECK_THAT(r.err, Catch::Contains("storage.sync"));
}

}  // namespace
}  // namespace adwatch::storage
