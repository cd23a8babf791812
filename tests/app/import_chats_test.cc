// `adwatch import --format telegram-export|whatsapp-export` as an analyst runs it: every message
// once, the file kept as evidence, re-import storing nothing new, bad files refused whole, and
// chat members who post nothing flagged kept out of contacts, exports and digests.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "adwatch/common/clock.h"
#include "adwatch/common/hash.h"
#include "adwatch/common/time.h"
#include "adwatch/storage/ids.h"
#include "adwatch/storage/store.h"
#include "support/run.h"

namespace adwatch {
namespace {

namespace fs = std::filesystem;
using testing::Adwatch;
using testing::RunCommand;
using testing::RunResult;
using testing::TempDir;

const std::string kChats = std::string(ADWATCH_TEST_DATA) + "/chats/";

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class ImportFixture {
 public:
  ImportFixture() {
    std::ofstream(dir_ / ("adwatch.yaml")) << "timezone: Asia/Jakarta\n"
                                              "lang: en\n"
                                              "storage:\n"
                                              "  path: db\n"
                                              "  sync: batch\n";
  }

  RunResult Import(const std::string& format, const std::string& path,
                   const std::string& extra = "") const {
    return RunCommand(Adwatch() + " --config " + dir_ / ("adwatch.yaml") + " import --format " +
                      format + " '" + path + "' --reviewer 'Analis Polda' " + extra);
  }
  RunResult Run(const std::string& args) const {
    return RunCommand(Adwatch() + " --config " + dir_ / ("adwatch.yaml") + " " + args);
  }

  // The database opened read-only (a secondary: it sees what the commands wrote).
  std::unique_ptr<storage::Store> Open() const {
    storage::StoreOptions o;
    o.path = db();
    o.access = storage::AccessMode::kReadOnly;
    o.create_if_missing = false;
    auto store = storage::Store::Open(o, clock_);
    REQUIRE(store.has_value());
    return std::move(*store);
  }
  std::string db() const { return dir_ / ("db"); }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  SystemClock clock_;
};

std::string AdId(const std::string& url, const std::string& post_id) {
  AdCandidate a;
  a.url = url;
  a.post_id = post_id;
  return storage::AdIdFor(a);
}

int CountAds(const storage::Store& store) {
  int n = 0;
  auto s = store.ForEachAd("", "", [&](const AdRecord&) {
    ++n;
    return true;
  });
  REQUIRE(s.ok());
  return n;
}

TEST_CASE("A Telegram group export: each post once, with its evidence and sender", "[app][chats]") {
  ImportFixture f;
  const std::string group = kChats + "telegram/private_group";
  auto first = f.Import("telegram-export", group);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.out, Catch::Contains("5 messages as 4 posts, 4 new, 0 already stored"));
  CHECK_THAT(first.out, Catch::Contains("photos: 1 kept as evidence"));

  auto again = f.Import("telegram-export", group + "/result.json");
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("4 posts, 0 new, 4 already stored"));

  auto store = f.Open();
  CHECK(CountAds(*store) == 4);
  auto offer = store->GetAd(AdId("export:telegram/1600000002/11", "1600000002/11"));
  REQUIRE(offer.has_value());
  CHECK(offer->ad.author == "Agen Rina");
  CHECK(offer->ad.export_ref == "messages 11,12");
  CHECK(offer->ad.posted_at == "2023-12-31T15:00:00Z");
  CHECK(offer->verdict.level >= Level::kMedium);
  // Only one verdict revision however often the file is imported.
  CHECK(store->VerdictHistory(offer->ad_id)->size() == 1);

  // The export file itself, byte for byte, with who imported it.
  auto page = store->GetPage(offer->page_id, /*with_body=*/true);
  REQUIRE(page.has_value());
  const std::string file = Slurp(group + "/result.json");
  CHECK(page->fetch.body == file);
  CHECK(page->body_sha256 == Sha256Hex(file));
  CHECK(HeaderValue(page->fetch, "X-Adwatch-Imported-By") == "Analis Polda");
  CHECK(page->fetch.fetched_at_ms > ParseTimestamp("2026-01-01").value());  // when imported

  // The recruiter's sender id is a contact; the member who only thanked is nobody's contact.
  CHECK(!store->AdsWithContact("telegram:id:user5550001")->empty());
  CHECK(store->AdsWithContact("telegram:id:user5550002")->empty());
  CHECK(!store->AdsWithContact("telegram:agen_rina_kh")->empty());
  auto thanks = store->GetAd(AdId("export:telegram/1600000002/13", "1600000002/13"));
  REQUIRE(thanks.has_value());
  CHECK(thanks->ad.author.empty());
  CHECK(thanks->verdict.level < Level::kMedium);
  store.reset();

  auto exported = f.Run("export --format jsonl");
  REQUIRE(exported.exit_code == 0);
  CHECK_THAT(exported.out, Catch::Contains("Agen Rina"));
  CHECK_THAT(exported.out, !Catch::Contains("Dewi Anggota"));
  CHECK_THAT(exported.out, !Catch::Contains("user5550002"));
  CHECK_THAT(exported.out, !Catch::Contains("Sari Anggota"));

  const std::string out = f.dir() / ("digest");
  auto digest = f.Run("digest --day today --out " + out);
  REQUIRE(digest.exit_code == 0);
  std::string all;
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    if (e.is_regular_file()) all += Slurp(e.path());
  }
  CHECK(!all.empty());
  CHECK(all.find("Dewi Anggota") == std::string::npos);
  CHECK(all.find("user5550002") == std::string::npos);
}

TEST_CASE("A public channel gets t.me links, an account export all its chats", "[app][chats]") {
  ImportFixture f;
  auto channel = f.Import("telegram-export", kChats + "telegram/public_channel/result.json",
                          "--public lokerasia_dolar");
  INFO(channel.out << channel.err);
  REQUIRE(channel.exit_code == 0);
  CHECK_THAT(channel.out, Catch::Contains("3 messages as 3 posts, 3 new"));
  CHECK_THAT(channel.out, Catch::Contains("1 left out by the export"));
  auto account = f.Import("telegram-export", kChats + "telegram/account/result.json");
  INFO(account.out << account.err);
  REQUIRE(account.exit_code == 0);
  CHECK_THAT(account.out, Catch::Contains("4 messages as 4 posts, 4 new"));

  auto store = f.Open();
  CHECK(store->GetAd(AdId("https://t.me/lokerasia_dolar/3", "1500000001/3")).has_value());
  auto joko = store->GetAd(AdId("export:telegram/1700000003/100", "1700000003/100"));
  REQUIRE(joko.has_value());
  CHECK(joko->ad.author == "Pak Joko");
  // Nothing of the account's own data: its contact list's numbers are nowhere.
  CHECK(store->AdsWithContact("tel:+6281255508888")->empty());
}

TEST_CASE("WhatsApp exports: Android and iOS of one chat store each message once", "[app][chats]") {
  ImportFixture f;
  auto android =
      f.Import("whatsapp-export", kChats + "whatsapp/Chat WhatsApp dengan Agen Kerja.txt");
  INFO(android.out << android.err);
  REQUIRE(android.exit_code == 0);
  CHECK_THAT(android.out, Catch::Contains("5 messages as 3 posts, 3 new"));
  auto ios = f.Import("whatsapp-export", kChats + "whatsapp/ios_id_chat.txt");
  INFO(ios.out << ios.err);
  REQUIRE(ios.exit_code == 0);
  CHECK_THAT(ios.out, Catch::Contains("4 messages as 2 posts, 0 new, 2 already stored"));
  auto en = f.Import("whatsapp-export", kChats + "whatsapp/WhatsApp Chat with Agen Kerja.txt");
  REQUIRE(en.exit_code == 0);
  auto zip = f.Import("whatsapp-export", kChats + "whatsapp/WhatsApp Chat - Agen Kerja.zip");
  INFO(zip.out << zip.err);
  REQUIRE(zip.exit_code == 0);
  CHECK_THAT(zip.out, Catch::Contains("photos: 1 kept as evidence"));

  auto store = f.Open();
  // The sender written as a number posted a flagged offer: the number is a contact.
  CHECK(!store->AdsWithContact("tel:+6281255504004")->empty());
  bool found = false;
  auto s = store->ForEachAd("", "", [&](const AdRecord& r) {
    if (r.ad.text.rfind("Lowongan kerja di Kamboja", 0) == 0) {
      found = true;
      CHECK(r.ad.export_ref == "lines 2-4, bytes 195-391");
      CHECK(r.ad.author == "Agen Kerja");
    }
    if (r.ad.text.rfind("Terima kasih", 0) == 0) CHECK(r.ad.author.empty());
    return true;
  });
  CHECK(s.ok());
  CHECK(found);
}

TEST_CASE("A malformed or truncated export is refused and nothing is stored", "[app][chats]") {
  ImportFixture f;
  const std::string full = Slurp(kChats + "telegram/private_group/result.json");
  const std::string cut = f.dir() / ("cut.json");
  std::ofstream(cut) << full.substr(0, full.size() - 200);
  auto r = f.Import("telegram-export", cut);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("$.messages[") && Catch::Contains("byte"));

  const std::string bad = f.dir() / ("bad.txt");
  std::ofstream(bad) << "31/12/23 22.00 - A: Lowongan kerja di Kamboja gaji 15 juta\n"
                        "31/02/23 22.01 - A: kedua\n";
  r = f.Import("whatsapp-export", bad);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("line 2"));

  r = f.Import("whatsapp-export", kChats + "telegram/account/result.json");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("line 1") && Catch::Contains("not a WhatsApp"));

  r = f.Run("import --format telegram-export -");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("not standard input"));

  if (fs::exists(f.db())) {
    auto store = f.Open();
    CHECK(CountAds(*store) == 0);
    auto check = store->Check();
    REQUIRE(check.has_value());
    CHECK(check->pages == 0);
  }
}

}  // namespace
}  // namespace adwatch
