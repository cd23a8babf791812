#include "adwatch/export/networks.h"

#include <catch2/catch.hpp>

namespace adwatch::exporter {
namespace {

const char* kTemplate =
    "Lowongan data entry untuk lulusan SMA di kota Malang, kerja mudah dari rumah, gaji dibayar "
    "tiap hari, tanpa pengalaman, langsung kerja minggu ini, hubungi Telegram @rekrut_kh sekarang "
    "juga sebelum kuota penuh.";

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  s.replace(s.find(from), from.size(), to);
  return s;
}

LinkedAd Ad(const std::string& id, const std::string& text, std::vector<std::string> terms = {}) {
  LinkedAd a;
  a.ad_id = id;
  a.signature = MinHashSignature(text);
  a.contact_terms = std::move(terms);
  return a;
}

TEST_CASE("MinHash signatures estimate how much two texts share", "[export][networks]") {
  const auto a = MinHashSignature(kTemplate);
  REQUIRE(a.size() == kMinHashes);
  CHECK(MinHashSignature(kTemplate) == a);  // deterministic
  // Case, punctuation and spacing do not matter.
  CHECK(MinHashSignature(
            "LOWONGAN data-entry untuk   lulusan SMA di kota Malang; kerja mudah dari rumah, gaji "
            "dibayar tiap hari, tanpa pengalaman, langsung kerja minggu ini, hubungi Telegram "
            "@rekrut_kh sekarang juga sebelum kuota penuh!!") == a);
  // The same template with another handle: most shingles are shared.
  const double handle =
      EstimatedSimilarity(a, MinHashSignature(Replace(kTemplate, "@rekrut_kh", "@loker_cepat")));
  CHECK(handle >= 0.6);
  // Another town and another handle: still the same template.
  const double two = EstimatedSimilarity(
      a, MinHashSignature(
             Replace(Replace(kTemplate, "@rekrut_kh", "@loker_cepat"), "Malang", "Kediri")));
  CHECK(two >= 0.45);
  // A different ad on the same topic shares stock phrases only.
  const double other = EstimatedSimilarity(
      a,
      MinHashSignature(
          "Dicari admin gudang di Cikarang, lulusan SMK, pengalaman minimal satu tahun, gaji UMR "
          "dan BPJS, kirim lamaran ke kantor kami di kawasan industri."));
  CHECK(other < 0.2);
  WARN("similarity: other handle " << handle << ", other handle and town " << two << ", other ad "
                                   << other);
}

TEST_CASE("Short texts get no signature", "[export][networks]") {
  CHECK(MinHashSignature("Hubungi WA 0812 3456 7890").empty());
  CHECK(MinHashSignature("").empty());
  CHECK(EstimatedSimilarity({}, {}) == 0);
}

TEST_CASE("GroupAds joins shared contacts, reposts and near-duplicates transitively",
          "[export][networks]") {
  std::vector<LinkedAd> ads = {
      Ad("a", kTemplate, {"telegram:rekrut_kh"}),
      Ad("b", "Loker luar negeri gaji besar, DM Telegram sekarang", {"telegram:rekrut_kh"}),
      Ad("c", Replace(kTemplate, "@rekrut_kh", "@loker_cepat"), {"telegram:loker_cepat"}),
      Ad("d",
         "Dicari admin gudang di Cikarang, lulusan SMK, pengalaman minimal satu tahun, gaji UMR.",
         {"tel:+6281200000000"}),
      Ad("e", "Sopir pribadi di Jakarta Selatan, SIM A, gaji sesuai pengalaman, hubungi kantor.",
         {}),
      Ad("f", "Sopir pribadi di Jakarta Selatan, SIM A, gaji sesuai pengalaman, hubungi kantor.",
         {}),
      Ad("g", "short", {}),
  };
  ads[6].repost_of = "d";
  const auto groups = GroupAds(ads, {});
  REQUIRE(groups.size() == 3);
  CHECK(groups[0].members == std::vector<size_t>{0, 1, 2});
  CHECK(groups[0].by_contact);
  CHECK(groups[0].by_text);
  CHECK(groups[0].shared_contacts == std::vector<std::string>{"telegram:rekrut_kh"});
  CHECK(groups[1].members == std::vector<size_t>{3, 6});  // the store's repost link
  CHECK(groups[1].by_text);
  CHECK(!groups[1].by_contact);
  CHECK(groups[2].members == std::vector<size_t>{4, 5});  // identical text
  CHECK(groups[2].shared_contacts.empty());
}

TEST_CASE("A contact under too many ads links nobody", "[export][networks]") {
  std::vector<LinkedAd> ads;
  for (int i = 0; i < 5; ++i) ads.push_back(Ad(std::to_string(i), "x", {"tel:+62211500000"}));
  GroupOptions o;
  o.max_ads_per_contact = 4;
  CHECK(GroupAds(ads, o).empty());
  o.max_ads_per_contact = 5;
  REQUIRE(GroupAds(ads, o).size() == 1);
}

TEST_CASE("A flood of one template stays one group and stays fast", "[export][networks]") {
  std::vector<LinkedAd> ads;
  for (int i = 0; i < 5000; ++i) {
    ads.push_back(Ad(std::to_string(i),
                     Replace(kTemplate, "@rekrut_kh", "@rekrut_" + std::to_string(i)),
                     {"telegram:rekrut_" + std::to_string(i)}));
  }
  const auto groups = GroupAds(ads, {});
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].members.size() == 5000);
  CHECK(groups[0].by_text);
  CHECK(!groups[0].by_contact);
}

TEST_CASE("SiteOf names the host, and the channel on Telegram", "[export][networks]") {
  AdCandidate a;
  a.url = "https://www.Loker.Example:8443/lowongan/1?x=y";
  CHECK(SiteOf(a) == "loker.example");
  a.url = "https://t.me/s/lokerasia_demo?before=95";
  CHECK(SiteOf(a) == "t.me/lokerasia_demo");
  a.url = "https://t.me/lokerasia_demo/107";
  CHECK(SiteOf(a) == "t.me/lokerasia_demo");
  a.url = "";
  a.source = "import";
  CHECK(SiteOf(a) == "import");
}

TEST_CASE("GroupAds joins ads carrying the same poster, within a few bits, and not others",
          "[export][networks]") {
  // Hashes of the generated posters (tests/ocr/image_test.cc): the lure, its resized repost
  // (3 bits apart), and an unrelated poster.
  const uint64_t lure = 0x6a5040186688b0a0ULL;
  const uint64_t repost = lure ^ 0x0000100000400001ULL;
  const uint64_t other = 0x1b2c3d4e5f607182ULL;
  std::vector<LinkedAd> ads = {Ad("a", "satu"), Ad("b", "dua"), Ad("c", "tiga"), Ad("d", "empat")};
  ads[0].image_hashes = {lure};
  ads[1].image_hashes = {repost};
  ads[2].image_hashes = {other};
  ads[3].image_hashes = {0};  // a blank picture links nobody
  const auto groups = GroupAds(ads, GroupOptions{});
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].members == std::vector<size_t>{0, 1});
  CHECK(groups[0].by_image);
  CHECK_FALSE(groups[0].by_contact);
  CHECK_FALSE(groups[0].by_text);

  GroupOptions off;
  off.max_image_distance = -1;
  CHECK(GroupAds(ads, off).empty());
}

TEST_CASE("ToLinkedAd takes the hashes of the ad's read images", "[export][networks]") {
  AdRecord rec;
  rec.ad_id = "x";
  rec.ad.images.resize(3);
  rec.ad.images[0].phash = "6a5040186688b0a0";
  rec.ad.images[1].phash = "";  // not read
  rec.ad.images[2].phash = "6A5040186688B0A0";
  const LinkedAd l = ToLinkedAd(rec, "2026-11-22");
  CHECK(l.image_hashes == std::vector<uint64_t>{0x6a5040186688b0a0ULL});
}

}  // namespace
}  // namespace adwatch::exporter
