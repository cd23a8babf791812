// The export tests' fixture: a real RocksDB store in a temporary folder holding a small, fixed
// week of ads around 2026-11-22 (Asia/Jakarta), with verdicts written by hand so that the golden
// files do not move when the rules change. Regions are routed with classifier::RouteRegions over
// the small test gazetteer in tests/export/data/gazetteer.
//
// On 2026-11-22:
//   batam     high 88   Kamboja / Phnom Penh, departs from Batam, WA +6281234567890, confirmed
//   hostile   medium 60 markup and a formula in title/text, Myawaddy, pickup Entikong, same WA
//   malang    medium 45 data entry in Malang, Telegram rekrut_kh
//   channel   low 30    no region, t.me channel, Telegram rekrut_kh
//   repost    high 88   the batam text again under another URL (a repost)
//   news      low 22    news report naming Batam (kind news)
//   distress  low 25    a victim in Tanjungpinang asking for help (kind distress)
//   lost      low 21    a distress post naming no region
//   plain ×3  none      ordinary ads (one in Batam)
// On 2026-11-21: malang-old (medium 44, the malang text with another handle) and one plain ad;
// on 2026-11-15..20: one or two flagged ads a day for the baseline.
#ifndef ADWATCH_TESTS_EXPORT_FIXTURE_H_
#define ADWATCH_TESTS_EXPORT_FIXTURE_H_

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "adwatch/classifier/gazetteer.h"
#include "adwatch/classifier/rule_set.h"
#include "adwatch/export/digest.h"
#include "adwatch/storage/ids.h"
#include "adwatch/storage/store.h"
#include "storage/test_util.h"

namespace adwatch::testing {

using storage::testing::kDayMs;
using storage::testing::kNoonJakarta;

inline constexpr char kDay[] = "2026-11-22";
inline const std::string kTestData = std::string(ADWATCH_SOURCE_DIR) + "/tests/export/data";
inline const std::string kGolden = std::string(ADWATCH_SOURCE_DIR) + "/tests/export/golden";

inline std::shared_ptr<const classifier::Gazetteer> TestGazetteer() {
  static auto g = [] {
    auto loaded = classifier::Gazetteer::Load(kTestData + "/gazetteer");
    REQUIRE(loaded);
    return *loaded;
  }();
  return g;
}

// Category descriptions as rules/categories.yaml gives them, fixed here for the golden files.
inline const std::map<std::string, classifier::Category>& TestCategories() {
  static const auto m = [] {
    std::map<std::string, classifier::Category> c;
    auto add = [&](const char* key, const char* id, const char* en, const char* kind = "") {
      c[key] = classifier::Category{key, 20, kind, id, en};
    };
    add("DEST_HOTSPOT", "Tujuan ke lokasi rawan sindikat penipuan online",
        "Destination is a scam-compound hot spot");
    add("SAL_UNREALISTIC", "Gaji tidak wajar untuk pekerjaan tanpa keahlian",
        "Salary far above market for entry-level work");
    add("COST_COVERED", "Tiket, visa, mess atau makan ditanggung",
        "Travel, visa, housing or food paid");
    add("ROUTE_IRREGULAR", "Rute tidak langsung atau jalur darat",
        "Indirect route or overland crossing");
    add("LOWBAR_NO_EXPERIENCE", "Tanpa pengalaman atau ijazah", "No experience or diploma needed");
    add("CONTACT_PRIVATE_CHANNEL", "Kontak hanya lewat WhatsApp/Telegram/DM",
        "Contact only through private messaging");
    add("AD_FORM", "Ditulis sebagai iklan lowongan", "Written as a job ad", "recruitment_ad");
    add("NEWS_REPORT", "Laporan berita", "News report", "news");
    add("DISTRESS", "Permintaan tolong", "Call for help", "distress");
    return c;
  }();
  return m;
}

inline exporter::DigestContext TestContext() { return {TestGazetteer().get(), &TestCategories()}; }

// One hit: its rule, category and weight, descriptions, and the words it matched (found in the
// ad's text, else its title).
struct HitSpec {
  std::string rule_id;
  std::string category;
  double weight = 10;
  std::string describe_id;
  std::string describe_en;
  std::vector<std::string> words;
};

struct AdSpec {
  std::string url;
  std::string source = "loker-contoh";
  std::string title;
  std::string text;
  int score = 0;
  Level level = Level::kNone;
  DocKind kind = DocKind::kRecruitmentAd;
  Pattern pattern = Pattern::kOther;
  std::vector<Contact> contacts;
  std::vector<std::string> places;  // gazetteer ids
  std::vector<HitSpec> hits;
  std::string region_hint;
  std::string lang = "id";
  int64_t at_ms = kNoonJakarta;
};

inline Contact WhatsApp(const std::string& e164) {
  return storage::testing::Phone(e164, ContactKind::kWhatsApp);
}

inline PlaceMention Place(const classifier::Gazetteer& g, const std::string& id) {
  const classifier::PlaceInfo* p = g.Find(id);
  REQUIRE(p != nullptr);
  PlaceMention m;
  m.id = p->id;
  m.name = p->name;
  m.kind = p->kind;
  m.country = p->country;
  m.province = p->province;
  m.nonplacement = p->nonplacement;
  m.transit = p->transit;
  m.field = "body";
  return m;
}

inline storage::AdWrite MakeWrite(const AdSpec& s, const classifier::Gazetteer& g) {
  storage::AdWrite w;
  w.ad.source = s.source;
  w.ad.url = s.url;
  w.ad.title = s.title;
  w.ad.text = s.text;
  w.ad.lang = s.lang;
  Verdict& v = w.verdict;
  v.score = s.score;
  v.level = s.level;
  v.kind = s.kind;
  v.pattern = s.pattern;
  v.raw_score = s.score;
  v.ruleset_version = "test-rules-1";
  v.entities.contacts = s.contacts;
  for (const std::string& id : s.places) v.entities.places.push_back(Place(g, id));
  for (const HitSpec& hs : s.hits) {
    Hit h;
    h.rule_id = hs.rule_id;
    h.category = hs.category;
    h.weight = h.rule_weight = hs.weight;
    h.view = "skeleton";
    h.describe_id = hs.describe_id;
    h.describe_en = hs.describe_en;
    for (const std::string& word : hs.words) {
      size_t at = s.text.find(word);
      std::string field = "body";
      if (at == std::string::npos) {
        at = s.title.find(word);
        field = "title";
      }
      REQUIRE(at != std::string::npos);
      h.evidence.push_back(
          {field, {static_cast<uint32_t>(at), static_cast<uint32_t>(at + word.size())}});
    }
    v.hits.push_back(h);
  }
  w.region_hint = s.region_hint;
  w.regions = classifier::RegionIds(v.entities, g, s.region_hint);
  return w;
}

inline const std::string kBatamText =
    "Dibutuhkan admin customer service untuk perusahaan di Phnom Penh, Kamboja. Gaji 15 juta per "
    "bulan, tiket dan visa ditanggung. Berangkat dari Batam minggu ini. Hubungi WA 0812-3456-7890.";
inline const std::string kMalangText =
    "Lowongan data entry untuk lulusan SMA di kota Malang, kerja mudah dari rumah, gaji dibayar "
    "tiap hari, tanpa pengalaman, langsung kerja minggu ini, hubungi Telegram @rekrut_kh sekarang "
    "juga sebelum kuota penuh.";
inline const std::string kHostileTitle =
    "<script>document.body.setAttribute('data-pwned','1')</script>Operator komputer "
    "<b>Myawaddy</b>";
inline const std::string kHostileText =
    "Kerja operator komputer di Myawaddy, Myanmar. Gaji 20 juta. <img src=x "
    "onerror=\"document.body.setAttribute('data-pwned','2')\"> "
    "=HYPERLINK(\"http://evil.example\",\"klik\") "
    "Jemput di Entikong. Hubungi WA +62 812 3456 7890.";
inline const std::string kDistressText =
    "Tolong saya, saya ditahan di Kamboja dan tidak boleh pulang. Keluarga saya di Tanjungpinang. "
    "Nomor saya 0813 1111 2222.";

inline HitSpec Dest(std::vector<std::string> words) {
  return {"DEST_HOTSPOT_KH",
          "DEST_HOTSPOT",
          20,
          "Menyebut kota pusat sindikat penipuan online",
          "Names a scam-compound town",
          std::move(words)};
}
inline HitSpec Salary(std::vector<std::string> words) {
  return {"SAL_HIGH",
          "SAL_UNREALISTIC",
          16,
          "Gaji tinggi untuk kerja tanpa keahlian",
          "High pay for unskilled work",
          std::move(words)};
}
inline HitSpec AdForm(std::vector<std::string> words) {
  return {"AD_WORDING",          "AD_FORM",       5, "Ditulis sebagai iklan lowongan",
          "Written as a job ad", std::move(words)};
}

// Every ad of the fixture, in writing order.
inline std::vector<AdSpec> FixtureAds() {
  std::vector<AdSpec> ads;
  AdSpec batam;
  batam.url = "https://loker.example/lowongan/admin-kamboja";
  batam.title = "Admin CS ke Kamboja, gaji 15 juta";
  batam.text = kBatamText;
  batam.score = 88;
  batam.level = Level::kHigh;
  batam.pattern = Pattern::kCompoundScam;
  batam.contacts = {WhatsApp("+6281234567890")};
  batam.places = {"kh", "kh.phnompenh", "id.kepri.batam"};
  batam.hits = {Dest({"Phnom Penh"}),
                Salary({"Gaji 15 juta"}),
                {"COST_PAID",
                 "COST_COVERED",
                 10,
                 "Tiket atau visa ditanggung",
                 "Ticket or visa paid",
                 {"tiket dan visa ditanggung"}},
                {"ROUTE_VIA_BATAM",
                 "ROUTE_IRREGULAR",
                 8,
                 "Berangkat lewat Batam",
                 "Departs through Batam",
                 {"Berangkat dari Batam"}},
                AdForm({"Dibutuhkan"})};
  batam.at_ms = kNoonJakarta - 2 * 3600'000;
  ads.push_back(batam);

  AdSpec hostile;
  hostile.url = "https://evil.example/loker?a=\"><script>alert(1)</script>";
  hostile.source = "forum-<b>x</b>";
  hostile.title = kHostileTitle;
  hostile.text = kHostileText;
  hostile.score = 60;
  hostile.level = Level::kMedium;
  hostile.pattern = Pattern::kCompoundScam;
  hostile.contacts = {WhatsApp("+6281234567890")};
  hostile.places = {"mm", "mm.myawaddy", "id.kalbar.entikong"};
  hostile.hits = {Dest({"Myawaddy"}),
                  Salary({"Gaji 20 juta"}),
                  {"ROUTE_PICKUP",
                   "ROUTE_IRREGULAR",
                   8,
                   "Dijemput di perbatasan",
                   "Picked up at the border",
                   {"Jemput di Entikong"}}};
  hostile.at_ms = kNoonJakarta - 3600'000;
  ads.push_back(hostile);

  AdSpec malang;
  malang.url = "https://loker.example/lowongan/data-entry-malang";
  malang.title = "Data entry online, kerja dari Malang";
  malang.text = kMalangText;
  malang.score = 45;
  malang.level = Level::kMedium;
  malang.contacts = {storage::testing::Telegram("rekrut_kh")};
  malang.places = {"id.jatim.malang"};
  malang.hits = {{"NO_EXPERIENCE",
                  "LOWBAR_NO_EXPERIENCE",
                  6,
                  "Tanpa pengalaman",
                  "No experience needed",
                  {"tanpa pengalaman"}},
                 {"TELEGRAM_ONLY",
                  "CONTACT_PRIVATE_CHANNEL",
                  6,
                  "Kontak hanya lewat Telegram",
                  "Contact only through Telegram",
                  {"Telegram @rekrut_kh"}}};
  malang.at_ms = kNoonJakarta;
  ads.push_back(malang);

  AdSpec channel;
  channel.url = "https://t.me/lokerasia/107";
  channel.source = "lokerasia";
  channel.title = "";
  channel.text =
      "Loker luar negeri, gaji besar, proses cepat. Minat? DM Telegram @rekrut_kh ya kak.";
  channel.score = 30;
  channel.level = Level::kLow;
  channel.contacts = {storage::testing::Telegram("rekrut_kh")};
  channel.hits = {{"TELEGRAM_ONLY",
                   "CONTACT_PRIVATE_CHANNEL",
                   6,
                   "Kontak hanya lewat Telegram",
                   "Contact only through Telegram",
                   {"DM Telegram @rekrut_kh"}}};
  channel.lang = "";
  channel.at_ms = kNoonJakarta + 3600'000;
  ads.push_back(channel);

  AdSpec repost = batam;
  repost.url = "https://loker.example/lowongan/admin-kamboja-2";
  repost.at_ms = kNoonJakarta + 2 * 3600'000;
  ads.push_back(repost);

  AdSpec news;
  news.url = "https://berita.example/2026/polisi-gagalkan-pengiriman";
  news.source = "berita";
  news.title = "Polisi gagalkan pengiriman 20 calon pekerja lewat Batam";
  news.text =
      "Polda Kepri menggagalkan pengiriman 20 calon pekerja migran nonprosedural ke Kamboja "
      "lewat pelabuhan Batam, Sabtu (21/11).";
  news.score = 22;
  news.level = Level::kLow;
  news.kind = DocKind::kNews;
  news.places = {"kh", "id.kepri.batam"};
  news.hits = {
      {"NEWS_WORDS", "NEWS_REPORT", 12, "Laporan berita", "News report", {"menggagalkan"}}};
  ads.push_back(news);

  AdSpec distress;
  distress.url = "https://forum.example/t/tolong-saya";
  distress.source = "forum";
  distress.title = "Tolong, saya ditahan di Kamboja";
  distress.text = kDistressText;
  distress.score = 25;
  distress.level = Level::kLow;
  distress.kind = DocKind::kDistress;
  distress.contacts = {WhatsApp("+6281311112222")};
  distress.places = {"kh", "id.kepri.tanjungpinang"};
  distress.hits = {{"HELP", "DISTRESS", 12, "Permintaan tolong", "Call for help", {"Tolong saya"}}};
  ads.push_back(distress);

  AdSpec lost = distress;
  lost.url = "https://forum.example/t/tolong-2";
  lost.title = "Tolong keluarkan saya";
  lost.text =
      "Tolong saya, paspor saya ditahan dan saya dipaksa kerja 16 jam. Hubungi 0813 5555 6666.";
  lost.contacts = {WhatsApp("+6281355556666")};
  lost.places = {};
  lost.score = 21;
  ads.push_back(lost);

  for (int i = 0; i < 3; ++i) {
    AdSpec plain;
    plain.url = "https://loker.example/lowongan/kasir-" + std::to_string(i);
    plain.title = "Kasir toko " + std::to_string(i);
    plain.text = "Dicari kasir untuk toko bangunan, gaji UMR, kirim lamaran ke kantor.";
    plain.places = i == 0 ? std::vector<std::string>{"id.kepri.batam"} : std::vector<std::string>{};
    plain.at_ms = kNoonJakarta + i * 60'000;
    ads.push_back(plain);
  }

  AdSpec old = malang;
  old.url = "https://loker.example/lowongan/data-entry-malang-lama";
  old.text = kMalangText;
  old.text.replace(old.text.find("@rekrut_kh"), 10, "@loker_cepat");
  old.contacts = {storage::testing::Telegram("loker_cepat")};
  old.hits[1].words = {"Telegram @loker_cepat"};
  old.score = 44;
  old.at_ms = kNoonJakarta - kDayMs;
  ads.push_back(old);

  AdSpec old_plain;
  old_plain.url = "https://loker.example/lowongan/pelayan";
  old_plain.title = "Pelayan restoran";
  old_plain.text = "Dicari pelayan restoran di Batam, shift pagi, gaji UMR.";
  old_plain.places = {"id.kepri.batam"};
  old_plain.at_ms = kNoonJakarta - kDayMs + 60'000;
  ads.push_back(old_plain);

  // The baseline: days -2 … -7 hold one high ad each in Kepri, and -3 and -5 one more medium.
  for (int back = 2; back <= 7; ++back) {
    for (int k = 0; k < (back % 2 == 1 ? 2 : 1); ++k) {
      AdSpec b;
      b.url =
          "https://loker.example/lowongan/lama-" + std::to_string(back) + "-" + std::to_string(k);
      b.title = "Operator ke Kamboja " + std::to_string(back);
      b.text = "Operator komputer ke Kamboja via Batam, hari " + std::to_string(back) + " varian " +
               std::to_string(k) + ", gaji dolar, tiket gratis, hubungi kami.";
      b.score = k == 0 ? 70 : 50;
      b.level = k == 0 ? Level::kHigh : Level::kMedium;
      b.places = {"kh", "id.kepri.batam"};
      b.hits = {Dest({"Kamboja"})};
      b.at_ms = kNoonJakarta - back * kDayMs;
      ads.push_back(b);
    }
  }
  return ads;
}

// The fixture store in a fresh temporary folder.
class FixtureStore {
 public:
  FixtureStore() : clock_(kNoonJakarta) {
    auto opened = storage::Store::Open(storage::testing::TestOptions(dir_.Sub("db")), clock_);
    REQUIRE(opened);
    store_ = std::move(*opened);
    const auto& g = *TestGazetteer();
    for (const AdSpec& spec : FixtureAds()) {
      clock_.Set(spec.at_ms);
      storage::PageWrite w;
      w.cause = "import";
      w.ads.push_back(MakeWrite(spec, g));
      auto written = store_->Write(w);
      REQUIRE(written);
      ids_[spec.url] = written->ads[0].ad_id;
    }
    Review r;
    r.reviewer = "analis.kepri";
    r.label = ReviewLabel::kConfirmed;
    r.note = "nomor sama dengan kasus 14/XI";
    r.at_ms = kNoonJakarta + 3 * 3600'000;
    REQUIRE(store_->AddReview(Id("https://loker.example/lowongan/admin-kamboja"), r).ok());
  }

  storage::Store& store() { return *store_; }
  const std::string& path() const { return dir_.path(); }
  std::string db() const { return dir_.Sub("db"); }
  // The ad id of the fixture ad with `url`.
  std::string Id(const std::string& url) const { return ids_.at(url); }
  // Closes the store (for tests that run the adwatch binary on it).
  void Close() { store_.reset(); }

 private:
  storage::testing::TempDir dir_;
  storage::testing::ManualClock clock_;
  std::unique_ptr<storage::Store> store_;
  std::map<std::string, std::string> ids_;
};

// Subscriptions of the tests.
inline exporter::Subscription Kepri(exporter::DigestLang lang = exporter::DigestLang::kId) {
  exporter::Subscription s;
  s.name = "kepri";
  s.title = "Gugus Tugas TPPO Provinsi Kepulauan Riau";
  s.regions = {"id.kepri"};
  s.min_level = Level::kLow;
  s.lang = lang;
  return s;
}

inline exporter::Subscription National(exporter::DigestLang lang = exporter::DigestLang::kId) {
  exporter::Subscription s;
  s.name = "nasional";
  s.min_level = Level::kLow;
  s.distress = false;
  s.lang = lang;
  return s;
}

inline std::string Slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream b;
  b << f.rdbuf();
  return b.str();
}

// Compares `actual` with the golden file `name`; with ADWATCH_UPDATE_GOLDEN=1 in the
// environment, rewrites the file instead (then review the diff before committing).
inline void CheckGolden(const std::string& name, const std::string& actual) {
  const std::string path = kGolden + "/" + name;
  if (const char* update = std::getenv("ADWATCH_UPDATE_GOLDEN");
      update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    WARN("rewrote " << path);
    return;
  }
  const std::string expected = Slurp(path);
  INFO("golden file " << path << " (rerun with ADWATCH_UPDATE_GOLDEN=1 to rewrite it)");
  REQUIRE(!expected.empty());
  CHECK(actual == expected);
}

}  // namespace adwatch::testing

#endif  // ADWATCH_TESTS_EXPORT_FIXTURE_H_
