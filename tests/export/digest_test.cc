#include "adwatch/export/digest.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "adwatch/export/writers.h"
#include "fixture.h"

namespace adwatch::exporter {
namespace {

using testing::FixtureStore;
using testing::kDay;
using testing::kNoonJakarta;

const DigestRow* Row(const Digest& d, const std::string& id) {
  for (const DigestRow& r : d.rows) {
    if (r.ad_id == id) return &r;
  }
  return nullptr;
}

TEST_CASE("A regional digest counts, lists and explains the region's ads of the day",
          "[export][digest]") {
  FixtureStore f;
  auto d = MakeDigest(f.store(), testing::Kepri(), kDay, kNoonJakarta, testing::TestContext(), {});
  REQUIRE(d);
  const std::string batam = f.Id("https://loker.example/lowongan/admin-kamboja");

  // Kepri today: batam, its repost, the news item, the distress post and one plain ad.
  CHECK(d->today.scanned == 5);
  CHECK(d->today.reposts == 1);
  CHECK(d->today.by_level[3] == 1);  // batam; its repost is counted as a repost only
  CHECK(d->today.flagged == 1);
  CHECK(d->today.news == 1);
  CHECK(d->today.distress == 1);

  // The repost is counted but listed once, on the first ad, with the number of copies.
  REQUIRE(d->rows.size() == 1);
  const DigestRow& row = d->rows[0];
  CHECK(row.ad_id == batam);
  CHECK(row.score == 88);
  CHECK(row.same_text == 1);
  CHECK(row.label == "confirmed");
  // Kepri is subscribed as a province: the ad reached it through the regency it names.
  CHECK(row.routed_because == "menyebut Kota Batam (di Kepulauan Riau)");
  CHECK(row.region_names == std::vector<std::string>{"Kota Batam", "Kepulauan Riau"});
  CHECK(row.destinations == std::vector<std::string>{"Kamboja / Cambodia", "Phnom Penh"});
  CHECK(row.pickup_points == std::vector<std::string>{"Kota Batam"});
  CHECK(row.contacts == std::vector<std::string>{"whatsapp:+6281234567890"});
  // Reasons are the risk rules, strongest first; "written as a job ad" is not a reason.
  CHECK(row.reasons == std::vector<std::string>{"Menyebut kota pusat sindikat penipuan online",
                                                "Gaji tinggi untuk kerja tanpa keahlian",
                                                "Tiket atau visa ditanggung",
                                                "Berangkat lewat Batam"});
  // The evidence sentence is the one holding the strongest hit, with its words highlighted.
  CHECK(row.snippet ==
        "Dibutuhkan admin customer service untuk perusahaan di Phnom Penh, Kamboja.");
  REQUIRE(row.highlights.size() == 1);
  CHECK(row.snippet.substr(row.highlights[0].begin,
                           row.highlights[0].end - row.highlights[0].begin) == "Phnom Penh");
  CHECK(row.matched == std::vector<std::string>{"Phnom Penh", "Gaji 15 juta",
                                                "tiket dan visa ditanggung",
                                                "Berangkat dari Batam"});

  // Baseline: six earlier days with ads in Kepri (one with two flagged), day -1 only a plain ad.
  CHECK(d->baseline_days == 7);
  CHECK(d->avg_flagged == Approx((0 + 1 + 2 + 1 + 2 + 1 + 2) / 7.0));
  REQUIRE(d->trend.size() == 30);
  CHECK(d->trend.back().day == kDay);
  CHECK(d->trend.front().day == "2026-10-24");

  // The region's distress post is listed for its task force; news is listed apart.
  REQUIRE(d->distress.size() == 1);
  CHECK(d->distress[0].title == "Tolong, saya ditahan di Kamboja");
  CHECK(d->distress[0].routed_because.find("Kota Tanjungpinang") != std::string::npos);
  REQUIRE(d->news.size() == 1);
  CHECK(d->news[0].title.find("Polisi gagalkan") == 0);

  // Tallies.
  REQUIRE(!d->pickup_points.empty());
  CHECK(d->pickup_points[0].label == "Kota Batam");
  REQUIRE(!d->categories.empty());
  CHECK(std::none_of(d->categories.begin(), d->categories.end(),
                     [](const Tally& t) { return t.key == "AD_FORM"; }));
  // Flagged ads per TPPO pattern, and the pattern on the ad's card.
  CHECK(row.pattern == Pattern::kCompoundScam);
  REQUIRE(d->patterns.size() == 1);
  CHECK(d->patterns[0].key == "compound_scam");
  CHECK(d->patterns[0].label == "sindikat penipuan/judi online");
  CHECK(d->patterns[0].count == 1);
}

TEST_CASE("A national digest never holds a distress post, only their counts", "[export][digest]") {
  FixtureStore f;
  auto d =
      MakeDigest(f.store(), testing::National(), kDay, kNoonJakarta, testing::TestContext(), {});
  REQUIRE(d);
  CHECK(d->distress.empty());
  CHECK(d->distress_total == 2);
  CHECK(d->distress_routed == 1);
  CHECK(d->distress_unrouted == 1);
  for (const DigestRow& r : d->rows) CHECK(r.kind != DocKind::kDistress);
  // Nothing of the victims' posts reaches any format of the national digest.
  const std::string all = RenderHtmlDigest(*d) + RenderCsv(*d) + RenderJson(*d);
  CHECK(all.find("ditahan") == std::string::npos);
  CHECK(all.find("+6281311112222") == std::string::npos);
  CHECK(all.find("6281355556666") == std::string::npos);
  CHECK(all.find("Kota Tanjungpinang") == std::string::npos);  // the distress post's region

  // It does list the ads routed nowhere, saying so.
  const DigestRow* channel = Row(*d, f.Id("https://t.me/lokerasia/107"));
  REQUIRE(channel != nullptr);
  CHECK(channel->routed_because == "tidak menyebut wilayah Indonesia; masuk digest nasional");
  CHECK(channel->site == "t.me/lokerasia");
  // Every flagged ad of the day (not reposts), highest first.
  REQUIRE(d->rows.size() == 4);
  CHECK(std::is_sorted(d->rows.begin(), d->rows.end(),
                       [](const DigestRow& a, const DigestRow& b) { return a.score > b.score; }));
}

TEST_CASE("A regional subscription can leave distress posts out", "[export][digest]") {
  FixtureStore f;
  Subscription s = testing::Kepri();
  s.distress = false;
  auto d = MakeDigest(f.store(), s, kDay, kNoonJakarta, testing::TestContext(), {});
  REQUIRE(d);
  CHECK(d->distress.empty());
  CHECK(d->today.distress == 1);
  CHECK(RenderHtmlDigest(*d).find("ditahan") == std::string::npos);
}

TEST_CASE("Recruiter networks join ads by shared contact and near-identical text",
          "[export][digest]") {
  FixtureStore f;
  auto d =
      MakeDigest(f.store(), testing::National(), kDay, kNoonJakarta, testing::TestContext(), {});
  REQUIRE(d);
  const std::string batam = f.Id("https://loker.example/lowongan/admin-kamboja");
  const std::string hostile = f.Id("https://evil.example/loker?a=\"><script>alert(1)</script>");
  const std::string malang = f.Id("https://loker.example/lowongan/data-entry-malang");
  const std::string channel = f.Id("https://t.me/lokerasia/107");
  const std::string old = f.Id("https://loker.example/lowongan/data-entry-malang-lama");
  const std::string repost = f.Id("https://loker.example/lowongan/admin-kamboja-2");

  REQUIRE(d->networks.size() == 2);
  // The WhatsApp number links batam, its repost and the hostile ad across two provinces; it
  // comes first (same size as the other, same number of ads today, higher score).
  const Network& wa = d->networks[0];
  CHECK(wa.number == 1);
  CHECK(wa.ad_ids.size() == 3);
  CHECK(wa.ads_today == 2);
  CHECK(wa.ad_ids[0] == batam);
  CHECK(std::find(wa.ad_ids.begin(), wa.ad_ids.end(), hostile) != wa.ad_ids.end());
  CHECK(std::find(wa.ad_ids.begin(), wa.ad_ids.end(), repost) != wa.ad_ids.end());
  CHECK(wa.contact_terms == std::vector<std::string>{"tel:+6281234567890"});
  CHECK(wa.contacts == std::vector<std::string>{"Telepon/WhatsApp +6281234567890"});
  CHECK(wa.regencies == 2);  // Kota Batam, Entikong
  CHECK(wa.by_contact);
  // The Telegram handle links malang and the channel post; the text links malang to
  // yesterday's copy with another handle: three ads, one of them from yesterday.
  const Network& tg = d->networks[1];
  CHECK(tg.ad_ids.size() == 3);
  CHECK(tg.ads_today == 2);
  CHECK(tg.by_contact);
  CHECK(tg.by_text);
  CHECK(std::find(tg.ad_ids.begin(), tg.ad_ids.end(), old) != tg.ad_ids.end());
  CHECK(std::find(tg.ad_ids.begin(), tg.ad_ids.end(), channel) != tg.ad_ids.end());
  CHECK(tg.contacts == std::vector<std::string>{"Telegram @rekrut_kh"});
  CHECK(tg.first_seen_ms == kNoonJakarta - testing::kDayMs);
  CHECK(Row(*d, batam)->network == 1);
  CHECK(Row(*d, hostile)->network == 1);
  CHECK(Row(*d, malang)->network == 2);
}

TEST_CASE("The language filter hides ads in other languages and says how many",
          "[export][digest]") {
  FixtureStore f;
  Subscription s = testing::National();
  s.languages = {"en"};
  auto d = MakeDigest(f.store(), s, kDay, kNoonJakarta, testing::TestContext(), {});
  REQUIRE(d);
  // Only the channel post has no language: it stays. The rest are Indonesian.
  REQUIRE(d->rows.size() == 1);
  CHECK(d->rows[0].site == "t.me/lokerasia");
  CHECK(d->language_filtered == 3);
}

TEST_CASE("English digests translate headings, levels and reasons", "[export][digest]") {
  FixtureStore f;
  auto d = MakeDigest(f.store(), testing::Kepri(DigestLang::kEn), kDay, kNoonJakarta,
                      testing::TestContext(), {});
  REQUIRE(d);
  REQUIRE(!d->rows.empty());
  CHECK(d->rows[0].reasons[0] == "Names a scam-compound town");
  CHECK(d->rows[0].routed_because == "names Kota Batam (in Kepulauan Riau)");
  const std::string html = RenderHtmlDigest(*d);
  CHECK(html.find("<html lang=\"en\">") != std::string::npos);
  CHECK(html.find("Flagged ads") != std::string::npos);
  CHECK(html.find("Recruiter networks") != std::string::npos);
  CHECK(html.find("Iklan yang ditandai") == std::string::npos);
  CHECK(MailSubject(*d).find("ads flagged") != std::string::npos);
}

TEST_CASE("BuildDigest is pure: an input built by hand gives a deterministic digest",
          "[export][digest]") {
  DigestInput in;
  in.day = kDay;
  in.timezone = "Asia/Jakarta";
  in.generated_at_ms = kNoonJakarta;
  DayTotals today;
  today.day = kDay;
  in.days = {today};
  const auto a = BuildDigest(in, testing::National(), testing::TestContext(), {});
  const auto b = BuildDigest(in, testing::National(), testing::TestContext(), {});
  CHECK(RenderJson(a) == RenderJson(b));
  CHECK(a.rows.empty());
  CHECK(a.baseline_days == 0);
  CHECK(RenderHtmlDigest(a).find("Belum ada data") != std::string::npos);
}

TEST_CASE("Subscriptions are validated against the gazetteer", "[export][digest]") {
  const auto& g = *testing::TestGazetteer();
  Subscription s = testing::Kepri();
  CHECK(Validate(s, g).ok());
  s.regions = {"id.kepri.batam", "id.jatim"};
  CHECK(Validate(s, g).ok());
  s.regions = {"id.atlantis"};
  s.where = "adwatch.yaml:12";
  const Status bad = Validate(s, g);
  CHECK(bad.IsInvalidArgument());
  CHECK(bad.message().find("adwatch.yaml:12") == 0);
  CHECK(bad.message().find("id.atlantis") != std::string::npos);
  s.regions = {"kh"};
  CHECK(Validate(s, g).message().find("not an Indonesian province") != std::string::npos);
  s = testing::Kepri();
  s.name = "kepri/../x";
  CHECK(!Validate(s, g).ok());
  s = testing::Kepri();
  s.recipients = {"tppo@kepri.example", "Bad <x@y>"};
  CHECK(!Validate(s, g).ok());
  s.csv_separator = '\t';
  CHECK(!Validate(s, g).ok());
}

TEST_CASE("ReadDigestInput refuses a malformed day", "[export][digest]") {
  FixtureStore f;
  auto in = ReadDigestInput(f.store(), testing::National(), "22-11-2026", 0, {});
  REQUIRE(!in);
  CHECK(in.error().IsInvalidArgument());
}

}  // namespace
}  // namespace adwatch::exporter
