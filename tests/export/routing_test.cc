// Region routing over the real gazetteer (rules/gazetteer): the places the classifier finds in an
// ad — including pickup points — the source's region hint and landline area codes decide which
// task force's digest the ad reaches, and the digest says why.
#include <algorithm>
#include <memory>

#include <catch2/catch.hpp>

#include "adwatch/classifier/classify.h"
#include "adwatch/export/digest.h"
#include "classifier/test_util.h"
#include "fixture.h"

namespace adwatch::exporter {
namespace {

std::vector<classifier::RegionRoute> Routes(const std::string& text, const std::string& hint = "") {
  AdCandidate ad;
  ad.text = text;
  const Entities e = testing::BundledClassifier().ExtractEntities(ad);
  return classifier::RouteRegions(e, testing::BundledClassifier().rules().gazetteer(), hint);
}

std::vector<std::string> Ids(const std::vector<classifier::RegionRoute>& routes) {
  std::vector<std::string> ids;
  for (const auto& r : routes) ids.push_back(r.region_id);
  return ids;
}

std::string Why(const std::vector<classifier::RegionRoute>& routes, const std::string& region,
                DigestLang lang = DigestLang::kId) {
  for (const auto& r : routes) {
    if (r.region_id == region) return DescribeRoute(r, testing::BundledClassifier().rules().gazetteer(), lang);
  }
  return "";
}

TEST_CASE("Pickup points route an ad to their regency and province", "[export][routing]") {
  auto r = Routes("Dicari admin ke Kamboja, berangkat dari Batam, tiket ditanggung.");
  CHECK(Ids(r) == std::vector<std::string>{"id.kepri.batam", "id.kepri"});
  CHECK(Why(r, "id.kepri.batam") == "menyebut Kota Batam");
  CHECK(Why(r, "id.kepri") == "menyebut Kota Batam (di Kepulauan Riau)");
  CHECK(Why(r, "id.kepri", DigestLang::kEn) == "names Kota Batam (in Kepulauan Riau)");

  r = Routes("Kumpul di Tanjungpinang, nyebrang malam ke Malaysia.");
  CHECK(Ids(r) == std::vector<std::string>{"id.kepri.tanjungpinang", "id.kepri"});
  r = Routes("Penjemputan di Entikong lalu lanjut ke Kuching.");
  CHECK(Ids(r) == std::vector<std::string>{"id.kalbar.entikong", "id.kalbar"});
  CHECK(Why(r, "id.kalbar") == "menyebut Entikong (PLBN) (di Kalimantan Barat)");
  r = Routes("Berangkat lewat Tanjung Balai Karimun, paspor diurus.");
  const auto karimun = Ids(r);
  CHECK(std::find(karimun.begin(), karimun.end(), std::string("id.kepri")) != karimun.end());
  r = Routes("Dijemput di bandara El Tari Kupang, langsung terbang.");
  CHECK(Ids(r) == std::vector<std::string>{"id.ntt.kupang", "id.ntt"});
}

TEST_CASE("A landline's area code routes to its province", "[export][routing]") {
  const auto r = Routes("Info lowongan ke luar negeri hubungi kantor (0778) 462 111.");
  REQUIRE(Ids(r) == std::vector<std::string>{"id.kepri"});
  CHECK(r[0].reason == classifier::RouteReason::kLandline);
  CHECK(Why(r, "id.kepri") == "nomor telepon kantor +62778462111 berkode area Kepulauan Riau");
}

TEST_CASE("The source's region hint routes ads that name no place", "[export][routing]") {
  const auto r = Routes("Dicari operator komputer, gaji besar, hubungi admin.", "id.jatim.malang");
  CHECK(Ids(r) == std::vector<std::string>{"id.jatim.malang", "id.jatim"});
  CHECK(Why(r, "id.jatim.malang") == "situs sumbernya tercatat untuk Kota Malang");
}

TEST_CASE("An ad naming only foreign places routes nowhere: the national digest", "[export][routing]") {
  CHECK(Routes("Kerja di Sihanoukville, Kamboja, gaji 1500 USD, visa turis.").empty());
}

TEST_CASE("Digests receive exactly the ads routed to their regions", "[export][routing]") {
  storage::testing::TempDir dir;
  storage::testing::ManualClock clock(testing::kNoonJakarta);
  auto store = storage::Store::Open(storage::testing::TestOptions(dir.Sub("db")), clock);
  REQUIRE(store);
  const auto& g = testing::BundledClassifier().rules().gazetteer();
  const std::vector<std::pair<std::string, std::string>> texts = {
      {"https://x.example/batam", "Admin ke Kamboja, berangkat dari Batam, gaji 15 juta, tiket ditanggung. WA 081234567890"},
      {"https://x.example/entikong", "Kerja kebun di Malaysia, dijemput di Entikong, paspor diurus agen. WA 081299990000"},
      {"https://x.example/landline", "Lowongan operator ke Kamboja, info kantor (0778) 462 111, gaji dolar."},
      {"https://x.example/nowhere", "Customer service di Phnom Penh, gaji 1500 USD, tiket dan visa ditanggung."},
  };
  std::map<std::string, std::string> ids;
  for (const auto& [url, text] : texts) {
    AdCandidate ad;
    ad.url = url;
    ad.source = "test";
    ad.title = "Lowongan";
    ad.text = text;
    auto verdict = testing::BundledClassifier().Classify(ad);
    REQUIRE(verdict);
    storage::AdWrite w;
    w.ad = ad;
    w.verdict = *verdict;
    for (const auto& r : classifier::RouteRegions(verdict->entities, g, "")) {
      if (std::find(w.regions.begin(), w.regions.end(), r.region_id) == w.regions.end()) w.regions.push_back(r.region_id);
    }
    storage::PageWrite page;
    page.ads.push_back(w);
    auto written = (*store)->Write(page);
    REQUIRE(written);
    ids[url] = written->ads[0].ad_id;
  }
  const DigestContext ctx{&g, &testing::BundledClassifier().rules().categories()};
  auto listed = [&](std::vector<std::string> regions) {
    Subscription s;
    s.name = "t";
    s.regions = std::move(regions);
    s.min_level = Level::kNone;  // every ad, whatever the rules score it
    REQUIRE(Validate(s, g).ok());
    auto d = MakeDigest(**store, s, testing::kDay, testing::kNoonJakarta, ctx, {});
    REQUIRE(d);
    std::map<std::string, std::string> why;  // url → routed_because
    for (const DigestRow& row : d->rows) {
      for (const auto& [url, id] : ids) {
        if (id == row.ad_id) why[url] = row.routed_because;
      }
    }
    return why;
  };
  auto kepri = listed({"id.kepri"});
  CHECK(kepri.size() == 2);
  CHECK(kepri["https://x.example/batam"] == "menyebut Kota Batam (di Kepulauan Riau)");
  CHECK(kepri["https://x.example/landline"] == "nomor telepon kantor +62778462111 berkode area Kepulauan Riau");
  auto batam = listed({"id.kepri.batam"});
  CHECK(batam.size() == 1);
  CHECK(batam["https://x.example/batam"] == "menyebut Kota Batam");
  auto kalbar = listed({"id.kalbar"});
  CHECK(kalbar.size() == 1);
  CHECK(kalbar.count("https://x.example/entikong") == 1);
  CHECK(listed({"id.jatim"}).empty());
  auto national = listed({});
  CHECK(national.size() == 4);
  CHECK(national["https://x.example/nowhere"] == "tidak menyebut wilayah Indonesia; masuk digest nasional");
  CHECK(national["https://x.example/batam"].find("menyebut Kota Batam") == 0);
}

}  // namespace
}  // namespace adwatch::exporter
