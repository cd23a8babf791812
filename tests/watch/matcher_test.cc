#include "adwatch/watch/matcher.h"

#include <catch2/catch.hpp>
#include <set>

#include "adwatch/storage/ids.h"
#include "watch_fixture.h"

namespace adwatch::watch::testing {
namespace {

const char kJob[] =
    "Lowongan kerja admin di Kamboja, gaji 15 juta, tiket dan paspor ditanggung, berangkat "
    "minggu depan. ";

TEST_CASE("A watched number written three ways in three crawled ads raises three alerts",
          "[watch]") {
  WatchFixture f;
  const WatchEntry e = f.Watch(WatchKind::kPhone, "0812-3456-7890");
  f.Crawl("https://loker.example/1", std::string(kJob) + "Hubungi 0812 3456 7890");
  f.Crawl("https://loker.example/2", std::string(kJob) + "WA +62-812-3456-7890 sekarang");
  f.Crawl("https://loker.example/3", std::string(kJob) + "Daftar: https://wa.me/6281234567890");
  f.Crawl("https://loker.example/4", std::string(kJob) + "Hubungi 0813 9999 0000");
  const auto alerts = f.Alerts();
  REQUIRE(alerts.size() == 3);
  for (const Alert& a : alerts) {
    CHECK(a.cause == AlertCause::kWatch);
    CHECK(a.entry_id == e.id);
    CHECK(a.matched == "+6281234567890");
    CHECK(a.note == "kasus 12/2026");
    CHECK(a.org == "polda-kepri");
    CHECK_THAT(a.ad_url, Catch::StartsWith("https://loker.example/"));
    CHECK(a.ad_url != "https://loker.example/4");
    CHECK_FALSE(a.level.empty());
  }
  // Each alert is also new in the outbox, for delivery.
  auto fresh = f.store->NewAlerts(0);
  REQUIRE(fresh.has_value());
  CHECK(fresh->size() == 3);
}

TEST_CASE("The same ad stored again, reposted or rescored raises no second alert", "[watch]") {
  WatchFixture f;
  f.Watch(WatchKind::kPhone, "+62 812 3456 7890");
  const std::string text = std::string(kJob) + "Hubungi 0812 3456 7890";
  const std::string id = f.Crawl("https://loker.example/1", text);
  REQUIRE(f.Alerts().size() == 1);
  f.clock.Advance(kDayMs);
  f.Crawl("https://loker.example/1", text);                    // the crawl revisits the same ad
  f.Crawl("https://loker.example/1", text + " (diperbarui)");  // edited in place
  CHECK(f.Alerts().size() == 1);
  auto ad = f.store->GetAd(id);
  REQUIRE(ad.has_value());
  Verdict v = ad->verdict;
  v.score = v.score == 100 ? 99 : v.score + 1;
  auto changed = f.store->UpdateVerdict(id, v, {"id.kepri"}, "rescore");
  REQUIRE(changed.has_value());
  CHECK(*changed);
  CHECK(f.Alerts().size() == 1);
}

TEST_CASE("An expired entry matches nothing", "[watch]") {
  WatchFixture f;
  f.Watch(WatchKind::kPhone, "0812-3456-7890", "polda-kepri", /*ttl_ms=*/2 * kDayMs);
  f.clock.Advance(3 * kDayMs);
  f.Crawl("https://loker.example/1", std::string(kJob) + "Hubungi 0812 3456 7890");
  CHECK(f.Alerts().empty());
}

TEST_CASE("Telegram, e-mail, domain and keyword entries match their ads", "[watch]") {
  WatchFixture f;
  f.Watch(WatchKind::kTelegram, "https://t.me/Rekrut_KH");
  f.Watch(WatchKind::kEmail, "HR@Kerja-Luar.id");
  f.Watch(WatchKind::kDomain, "kerja-luar.id");
  f.Watch(WatchKind::kKeyword, "operator\\s+(chat|judi)");
  f.Crawl("https://a.example/1", std::string(kJob) + "Telegram @rekrut_kh");
  f.Crawl("https://a.example/2", std::string(kJob) + "Kirim CV ke hr@kerja-luar.id");
  f.Crawl("https://cabang.kerja-luar.id/loker/3", std::string(kJob) + "Info di situs kami");
  f.Crawl("https://a.example/4", std::string(kJob) + "Dicari OPERATOR  Chat shift malam");
  f.Crawl("https://a.example/5", std::string(kJob) + "Tidak ada kontak di sini");
  std::multiset<std::string> matched;
  for (const Alert& a : f.Alerts()) matched.insert(a.matched);
  // The e-mail ad matches both the address and its domain.
  CHECK(matched == std::multiset<std::string>{"@rekrut_kh", "hr@kerja-luar.id", "kerja-luar.id",
                                              "kerja-luar.id", "operator chat"});
}

TEST_CASE("An organisation's entries raise only its own alerts", "[watch]") {
  WatchFixture f;
  const WatchEntry mine = f.Watch(WatchKind::kPhone, "0812-3456-7890", "polda-kepri");
  f.Watch(WatchKind::kPhone, "0812-3456-7890", "polda-ntt");
  f.Crawl("https://loker.example/1", std::string(kJob) + "Hubungi 0812 3456 7890");
  REQUIRE(f.Alerts("polda-kepri").size() == 1);
  REQUIRE(f.Alerts("polda-ntt").size() == 1);
  CHECK(f.Alerts("polda-kepri")[0].entry_id == mine.id);
  CHECK(f.Alerts("bareskrim").empty());
  // Reads and deletes are scoped by org: another org's id reads as unknown.
  CHECK(f.store->GetWatchEntry("polda-kepri", mine.id).has_value());
  CHECK(f.store->GetWatchEntry("polda-ntt", mine.id).error().IsNotFound());
  CHECK(f.store->DeleteWatchEntry("polda-ntt", mine.id).IsNotFound());
  auto ntt = f.store->ListWatchEntries("polda-ntt");
  REQUIRE(ntt.has_value());
  REQUIRE(ntt->size() == 1);
  CHECK(ntt->at(0).id != mine.id);
  CHECK(f.store->DeleteWatchEntry("polda-kepri", mine.id).ok());
  CHECK(f.store->GetWatchEntry("polda-kepri", mine.id).error().IsNotFound());
  auto by_value = f.store->WatchEntriesFor(WatchKind::kPhone, "+6281234567890");
  REQUIRE(by_value.has_value());
  REQUIRE(by_value->size() == 1);
  CHECK(by_value->at(0).org == "polda-ntt");
}

TEST_CASE("An entry added after the matcher loaded takes effect on the next write", "[watch]") {
  WatchFixture f;
  f.Crawl("https://loker.example/1", std::string(kJob) + "Hubungi 0812 3456 7890");
  CHECK(f.Alerts().empty());
  f.Watch(WatchKind::kPhone, "0812-3456-7890");
  f.Crawl("https://loker.example/2", std::string(kJob) + "Hubungi 0812 3456 7890");
  CHECK(f.Alerts().size() == 1);
  CHECK(f.matcher->entry_count() == 1);
}

TEST_CASE("A burst across regions raises exactly one alert for the window", "[watch]") {
  WatchFixture f({.bursts = {{.name = "lintas-wilayah",
                              .description = "satu kontak di 3 wilayah dalam 7 hari",
                              .kind = BurstKind::kRegions,
                              .min = 3,
                              .days = 7,
                              .orgs = {"satgas-tppo"}}}});
  const std::string text = std::string(kJob) + "Hubungi 0812 3456 7890";
  f.Crawl("https://a.example/1", text + " batam", {"id.kepri"});
  f.Crawl("https://a.example/2", text + " kupang", {"id.ntt"});
  CHECK(f.Alerts("satgas-tppo").empty());  // two regions: below the threshold
  f.clock.Advance(3600'000);
  f.Crawl("https://a.example/3", text + " medan", {"id.sumut"});
  f.Crawl("https://a.example/4", text + " surabaya", {"id.jatim"});
  f.Crawl("https://a.example/5", text + " makassar", {"id.sulsel"});
  const auto alerts = f.Alerts("satgas-tppo");
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].cause == AlertCause::kBurstRegions);
  CHECK(alerts[0].entry_id == "lintas-wilayah");
  CHECK(alerts[0].matched == "+6281234567890");
  CHECK(alerts[0].note == "satu kontak di 3 wilayah dalam 7 hari");
  CHECK(alerts[0].related_ads.size() == 2);
  // Ads in the same regions a window later do not add up with the old ones: a new window needs
  // its own three regions.
  f.clock.Advance(30 * kDayMs);
  f.Crawl("https://a.example/6", text + " batam lagi", {"id.kepri"});
  CHECK(f.Alerts("satgas-tppo").size() == 1);
}

TEST_CASE("A burst across sources and a growing network each raise one alert", "[watch]") {
  WatchFixture f({.bursts = {{.name = "lintas-sumber",
                              .kind = BurstKind::kSources,
                              .min = 2,
                              .days = 7,
                              .orgs = {"satgas-tppo"}},
                             {.name = "jaringan",
                              .kind = BurstKind::kNetwork,
                              .min = 3,
                              .days = 30,
                              .orgs = {"satgas-tppo", "bareskrim"}}}});
  // A network: ads 1-2 share a phone, 2-3 share a Telegram handle, 3-4 share an e-mail.
  f.Crawl("https://a.example/1", std::string(kJob) + "Hubungi 0812 3456 7890", {}, "fb");
  f.Crawl("https://b.example/2",
          std::string(kJob) + "Hubungi 0812 3456 7890 atau Telegram @rekrut_kh", {}, "fb");
  CHECK(f.Alerts("satgas-tppo").empty());
  f.Crawl("https://c.example/3",
          std::string(kJob) + "Telegram @rekrut_kh atau email hr@kerja-luar.id", {}, "telegram");
  f.Crawl("https://d.example/4", std::string(kJob) + "Email hr@kerja-luar.id", {}, "olx");
  f.Crawl("https://d.example/5", std::string(kJob) + "Email hr@kerja-luar.id lagi", {}, "olx");
  std::multiset<AlertCause> causes;
  for (const Alert& a : f.Alerts("satgas-tppo")) causes.insert(a.cause);
  // Sources: @rekrut_kh (fb + telegram) and the e-mail (telegram + olx) each burst once.
  CHECK(causes.count(AlertCause::kBurstSources) == 2);
  CHECK(causes.count(AlertCause::kNetworkGrowth) == 1);
  const auto bareskrim = f.Alerts("bareskrim");
  REQUIRE(bareskrim.size() == 1);
  CHECK(bareskrim[0].cause == AlertCause::kNetworkGrowth);
}

TEST_CASE("Burst rules are validated with the rule's name", "[watch]") {
  BurstRule r{.name = "x", .kind = BurstKind::kRegions, .min = 1, .days = 7, .orgs = {"a"}};
  CHECK_THAT(Validate(r).message(), Catch::Contains("alerts.bursts[x]"));
  r.min = 3;
  r.orgs.clear();
  CHECK_THAT(Validate(r).message(), Catch::Contains("orgs"));
  r.orgs = {"a"};
  CHECK(Validate(r).ok());
}

// An observer that fails: the write it was asked about must store nothing at all.
class FailingObserver final : public storage::AdWriteObserver {
 public:
  Result<std::vector<storage::AlertRow>> OnAdWrite(const AdRecord&) override {
    return Status::IOError("test", "matching failed");
  }
};

TEST_CASE("The alert and the ad land in one batch", "[watch]") {
  WatchFixture f;
  f.Watch(WatchKind::kPhone, "0812-3456-7890");
  const std::string id =
      f.Crawl("https://loker.example/1", std::string(kJob) + "Hubungi 0812 3456 7890");
  // Whenever the ad is there, its alert is there.
  REQUIRE(f.store->GetAd(id).has_value());
  const auto alerts = f.Alerts();
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].ad_id == id);
  // And when the alert cannot be made, the ad is not stored either.
  f.store->SetAdWriteObserver(std::make_shared<FailingObserver>());
  AdCandidate ad = storage::testing::MakeAd("https://loker.example/2", std::string(kJob) + "x");
  auto v = adwatch::testing::BundledClassifier().Classify(ad);
  REQUIRE(v.has_value());
  storage::PageWrite w;
  w.page = storage::testing::MakeFetch(ad.url, "<html>x</html>", f.clock.NowMs());
  w.ads.push_back(storage::testing::MakeAdWrite(ad, *v));
  auto written = f.store->Write(w);
  REQUIRE_FALSE(written.has_value());
  CHECK_THAT(written.error().message(), Catch::Contains("matching failed"));
  CHECK(f.store->GetAd(storage::AdIdFor(ad)).error().IsNotFound());
}

}  // namespace
}  // namespace adwatch::watch::testing
