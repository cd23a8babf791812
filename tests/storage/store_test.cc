#include "adwatch/storage/store.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "adwatch/common/hash.h"
#include "adwatch/storage/ids.h"
#include "adwatch/storage/keys.h"
#include "test_util.h"

namespace adwatch::storage {
namespace {

using testing::kDayMs;
using testing::kNoonJakarta;
using testing::MakeAd;
using testing::MakeAdWrite;
using testing::MakeFetch;
using testing::MakeVerdict;
using testing::ManualClock;
using testing::Phone;
using testing::Telegram;
using testing::TempDir;
using testing::TestOptions;

std::unique_ptr<Store> OpenOrDie(const StoreOptions& o, const Clock& clock) {
  auto store = Store::Open(o, clock);
  if (!store) FAIL(store.error().ToString());
  return std::move(*store);
}

WriteResult WriteOrDie(Store& store, const PageWrite& w) {
  auto r = store.Write(w);
  if (!r) FAIL(r.error().ToString());
  return std::move(*r);
}

void RequireClean(const Store& store) {
  auto check = store.Check();
  REQUIRE(check.has_value());
  for (const auto& p : check->problems) UNSCOPED_INFO(p);
  CHECK(check->problems.empty());
}

TEST_CASE("Store keeps a page as evidence: raw bytes, headers, URL, UTC time, SHA-256",
          "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  std::string body = "<html>\xff\xfe raw \x00 bytes</html>";
  body.push_back('\0');
  PageWrite w;
  w.page = MakeFetch("https://jobs.example/a", body, kNoonJakarta - 1000);
  w.page->headers.push_back({"X-Odd", "v1"});
  w.crawler_version = "adwatch-crawler/0.1";
  w.ads.push_back(MakeAdWrite(MakeAd("https://jobs.example/a", testing::AdText(1)),
                              MakeVerdict(70, Level::kHigh)));
  const WriteResult r = WriteOrDie(*store, w);
  REQUIRE(r.page_id.size() == kPageIdLength);

  auto page = store->GetPage(r.page_id, /*with_body=*/true);
  REQUIRE(page.has_value());
  CHECK(page->fetch.body == body);
  CHECK(page->body_sha256 == Sha256Hex(body));
  CHECK(page->body_bytes == static_cast<int64_t>(body.size()));
  CHECK(page->fetch.final_url == "https://jobs.example/a");
  CHECK(page->fetch.fetched_at_ms == kNoonJakarta - 1000);
  CHECK(page->fetch.headers.back() == std::pair<std::string, std::string>{"X-Odd", "v1"});
  CHECK(page->crawler_version == "adwatch-crawler/0.1");
  CHECK(page->ad_ids == std::vector<std::string>{r.ads[0].ad_id});

  auto without = store->GetPage(r.page_id, /*with_body=*/false);
  REQUIRE(without.has_value());
  CHECK(without->fetch.body.empty());
  CHECK(store->GetPage("nope", false).error().IsNotFound());
  RequireClean(*store);
}

TEST_CASE("The same ad seen again keeps first_seen, moves last_seen and is one ad", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  const AdCandidate ad = MakeAd("https://t.me/s/loker", testing::AdText(7), "loker/12");
  PageWrite first;
  first.page = MakeFetch("https://t.me/s/loker", "<p>one</p>", kNoonJakarta);
  first.ads.push_back(MakeAdWrite(ad, MakeVerdict(50, Level::kMedium)));
  PageWrite again = first;
  again.page =
      MakeFetch("https://t.me/s/loker", "<p>one, and a newer post</p>", kNoonJakarta + 3 * kDayMs);

  const WriteResult r1 = WriteOrDie(*store, first);
  const WriteResult r2 = WriteOrDie(*store, again);
  REQUIRE(r1.ads[0].ad_id == r2.ads[0].ad_id);
  CHECK(r1.ads[0].created);
  CHECK_FALSE(r2.ads[0].created);
  CHECK_FALSE(r2.ads[0].verdict_changed);
  CHECK(r1.page_id != r2.page_id);  // different bytes: a second snapshot of the page

  auto rec = store->GetAd(r1.ads[0].ad_id);
  REQUIRE(rec.has_value());
  CHECK(rec->first_seen_ms == kNoonJakarta);
  CHECK(rec->last_seen_ms == kNoonJakarta + 3 * kDayMs);
  CHECK(rec->page_id == r1.page_id);  // the evidence the verdict was made on
  auto history = store->VerdictHistory(r1.ads[0].ad_id);
  REQUIRE(history.has_value());
  CHECK(history->size() == 1);
  // A list reads the ad without its verdict; everything else is the same record.
  auto bare = store->GetAdWithoutVerdict(r1.ads[0].ad_id);
  REQUIRE(bare.has_value());
  CHECK(bare->ad.text == rec->ad.text);
  CHECK(bare->first_seen_ms == rec->first_seen_ms);
  CHECK(bare->verdict.hits.empty());
  CHECK(store->GetAdWithoutVerdict("0000000000000000").error().IsNotFound());

  // One entry in the queue of the first day, none on the day it was seen again.
  auto q1 = store->Queue({.from_day = "2026-11-22"});
  REQUIRE(q1.has_value());
  CHECK(q1->size() == 1);
  auto q2 = store->Queue({.from_day = "2026-11-25"});
  REQUIRE(q2.has_value());
  CHECK(q2->empty());
  RequireClean(*store);
}

TEST_CASE("A page answering 304 marks its ads seen again and changes nothing else", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  PageWrite w;
  w.page = MakeFetch("https://loker.example/jobs/1", "<p>one</p>", kNoonJakarta);
  w.ads.push_back(MakeAdWrite(MakeAd("https://loker.example/jobs/1", testing::AdText(3), ""),
                              MakeVerdict(70, Level::kHigh)));
  const WriteResult r = WriteOrDie(*store, w);
  const std::string id = r.ads[0].ad_id;

  auto moved = store->Touch({id, id, "0123456789abcdef"}, kNoonJakarta + 2 * kDayMs);
  REQUIRE(moved.has_value());
  CHECK(*moved == 1);  // the unknown id is skipped, the repeated one counted once
  auto rec = store->GetAd(id);
  REQUIRE(rec.has_value());
  CHECK(rec->first_seen_ms == kNoonJakarta);
  CHECK(rec->last_seen_ms == kNoonJakarta + 2 * kDayMs);
  CHECK(rec->page_id == r.page_id);
  // An older time never moves it back.
  auto again = store->Touch({id}, kNoonJakarta + kDayMs);
  REQUIRE(again.has_value());
  CHECK(*again == 0);
  CHECK(store->GetAd(id)->last_seen_ms == kNoonJakarta + 2 * kDayMs);
  auto history = store->VerdictHistory(id);
  REQUIRE(history.has_value());
  CHECK(history->size() == 1);
  RequireClean(*store);
}

TEST_CASE("A refetch with the same bytes keeps the first evidence", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  PageWrite w;
  w.page = MakeFetch("https://jobs.example/b", "<p>same</p>", kNoonJakarta);
  w.ads.push_back(MakeAdWrite(MakeAd("https://jobs.example/b", testing::AdText(1), "1"),
                              MakeVerdict(10, Level::kNone)));
  const auto r1 = WriteOrDie(*store, w);
  w.page->fetched_at_ms += kDayMs;
  w.ads[0].ad.post_id = "2";
  const auto r2 = WriteOrDie(*store, w);
  CHECK(r1.page_id == r2.page_id);
  auto page = store->GetPage(r1.page_id, false);
  REQUIRE(page.has_value());
  CHECK(page->fetch.fetched_at_ms == kNoonJakarta);
  CHECK(page->ad_ids.size() == 2);
  RequireClean(*store);
}

TEST_CASE("Ads written in batches join a page an earlier write stored", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  PageWrite evidence;
  evidence.page =
      MakeFetch("export:0123456789abcdef/result.json", "{\"messages\":[]}", kNoonJakarta);
  const auto stored = WriteOrDie(*store, evidence);
  for (int batch = 0; batch < 2; ++batch) {
    PageWrite w;
    w.attach_page_id = stored.page_id;
    for (int i = 0; i < 3; ++i) {
      const std::string id = std::to_string(batch * 3 + i);
      w.ads.push_back(
          MakeAdWrite(MakeAd("export:telegram/1/" + id, testing::AdText(batch * 3 + i), id),
                      MakeVerdict(10, Level::kLow)));
    }
    w.ads.push_back(w.ads.front());  // the same ad twice is listed once
    const auto r = WriteOrDie(*store, w);
    CHECK(r.page_id == stored.page_id);
  }
  auto page = store->GetPage(stored.page_id, /*with_body=*/true);
  REQUIRE(page.has_value());
  CHECK(page->ad_ids.size() == 6);
  CHECK(page->fetch.body == "{\"messages\":[]}");
  auto ad = store->GetAd(page->ad_ids.back());
  REQUIRE(ad.has_value());
  CHECK(ad->page_id == stored.page_id);

  PageWrite unknown;
  unknown.attach_page_id = std::string(kPageIdLength, 'f');
  unknown.ads.push_back(MakeAdWrite(MakeAd("export:telegram/1/9", testing::AdText(9), "9"),
                                    MakeVerdict(10, Level::kLow)));
  auto refused = store->Write(unknown);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().IsNotFound());
  CHECK_FALSE(store->GetAd(AdIdFor(unknown.ads[0].ad)).has_value());
  RequireClean(*store);
}

TEST_CASE("The same text under another URL is linked as a repost", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  const std::string text = testing::AdText(42);
  auto write = [&](const std::string& url, const std::string& body_text) {
    PageWrite w;
    w.page = MakeFetch(url, "<p>" + url + "</p>", kNoonJakarta);
    w.ads.push_back(MakeAdWrite(MakeAd(url, body_text), MakeVerdict(80, Level::kHigh)));
    return WriteOrDie(*store, w).ads[0];
  };
  const AdOutcome a = write("https://site-a.example/1", text);
  // Same words, different spacing, case and punctuation.
  std::string shouted = text;
  std::transform(shouted.begin(), shouted.end(), shouted.begin(), ::toupper);
  const AdOutcome b = write("https://site-b.example/9", "  " + shouted + "!!");
  const AdOutcome c = write("https://site-c.example/x", testing::AdText(43));
  CHECK(a.repost_of.empty());
  CHECK(b.repost_of == a.ad_id);
  CHECK(c.repost_of.empty());
  CHECK(a.ad_id != b.ad_id);

  auto same = store->SameText(b.ad_id);
  REQUIRE(same.has_value());
  std::vector<std::string> want = {a.ad_id, b.ad_id};
  std::sort(want.begin(), want.end());
  CHECK(*same == want);

  // The queue shows the text once unless reposts are asked for.
  auto q = store->Queue({.from_day = "2026-11-22", .min_level = Level::kHigh});
  REQUIRE(q.has_value());
  CHECK(q->size() == 2);
  auto all =
      store->Queue({.from_day = "2026-11-22", .min_level = Level::kHigh, .include_reposts = true});
  REQUIRE(all.has_value());
  CHECK(all->size() == 3);
  RequireClean(*store);
}

TEST_CASE("Short texts are not linked as reposts", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  PageWrite w;
  w.ads.push_back(
      MakeAdWrite(MakeAd("https://a.example/1", "Hubungi kami"), MakeVerdict(30, Level::kLow)));
  w.ads.push_back(
      MakeAdWrite(MakeAd("https://b.example/1", "Hubungi kami"), MakeVerdict(30, Level::kLow)));
  const auto r = WriteOrDie(*store, w);
  CHECK(r.ads[1].repost_of.empty());
  CHECK(store->SameText(r.ads[1].ad_id)->empty());
}

TEST_CASE("Ads without a URL get their id from the text", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  PageWrite w;
  w.cause = "import";
  w.ads.push_back(MakeAdWrite(MakeAd("", testing::AdText(5)), MakeVerdict(66, Level::kHigh)));
  const auto r1 = WriteOrDie(*store, w);
  w.ads[0].ad.text = "\n" + testing::AdText(5) + "  ";
  const auto r2 = WriteOrDie(*store, w);
  CHECK(r1.page_id.empty());
  CHECK(r1.ads[0].ad_id == r2.ads[0].ad_id);
  CHECK(r1.ads[0].ad_id == AdIdFor(MakeAd("", testing::AdText(5))));
  auto rec = store->GetAd(r1.ads[0].ad_id);
  REQUIRE(rec.has_value());
  CHECK(rec->page_id.empty());
  CHECK(rec->first_seen_ms == kNoonJakarta);
  auto history = store->VerdictHistory(r1.ads[0].ad_id);
  REQUIRE(history.has_value());
  CHECK(history->at(0).cause == "import");
  RequireClean(*store);
}

TEST_CASE("Write refuses ads it cannot identify and writes nothing", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  PageWrite w;
  w.page = MakeFetch("https://jobs.example/c", "<p>c</p>", kNoonJakarta);
  w.ads.push_back(
      MakeAdWrite(MakeAd("https://jobs.example/c", "fine text"), MakeVerdict(10, Level::kNone)));
  AdCandidate empty;
  w.ads.push_back(MakeAdWrite(empty, MakeVerdict(10, Level::kNone)));
  auto r = store->Write(w);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().IsInvalidArgument());
  auto check = store->Check();
  REQUIRE(check.has_value());
  CHECK(check->pages == 0);
  CHECK(check->ads == 0);

  w.ads.pop_back();
  w.ads[0].regions = {"id|jatim"};
  CHECK(store->Write(w).error().IsInvalidArgument());
}

TEST_CASE("Verdicts keep their history and move the indexes when rules change", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  PageWrite w;
  w.page = MakeFetch("https://jobs.example/d", "<p>d</p>", kNoonJakarta);
  w.ads.push_back(MakeAdWrite(MakeAd("https://jobs.example/d", testing::AdText(3)),
                              MakeVerdict(45, Level::kMedium, {Phone("+6281111111111")}),
                              {"id.jatim"}));
  const std::string id = WriteOrDie(*store, w).ads[0].ad_id;

  clock.Advance(kDayMs);
  const Verdict v2 = MakeVerdict(90, Level::kHigh, {Telegram("rekrut_kh")}, "rules-v2");
  auto changed = store->UpdateVerdict(id, v2, {"id.kepri"}, "rescore");
  REQUIRE(changed.has_value());
  CHECK(*changed);
  auto again = store->UpdateVerdict(id, v2, {"id.kepri"}, "rescore");
  REQUIRE(again.has_value());
  CHECK_FALSE(*again);

  auto history = store->VerdictHistory(id);
  REQUIRE(history.has_value());
  REQUIRE(history->size() == 2);
  CHECK(history->at(0).verdict.ruleset_version == "rules-v1");
  CHECK(history->at(1).verdict.ruleset_version == "rules-v2");
  CHECK(history->at(1).cause == "rescore");
  CHECK(history->at(1).rev == 2);
  CHECK(history->at(1).at_ms == kNoonJakarta + kDayMs);
  CHECK(store->GetAd(id)->verdict.score == 90);

  auto high = store->Queue({.from_day = "2026-11-22", .min_level = Level::kHigh});
  REQUIRE(high.has_value());
  REQUIRE(high->size() == 1);
  CHECK(high->at(0).score == 90);
  CHECK(store->Queue({.from_day = "2026-11-22", .region = "id.jatim"})->empty());
  CHECK(store->Queue({.from_day = "2026-11-22", .region = "id.kepri"})->size() == 1);
  CHECK(store->AdsWithContact("tel:+6281111111111")->empty());
  CHECK(*store->AdsWithContact("telegram:rekrut_kh") == std::vector<std::string>{id});
  CHECK(store->UpdateVerdict("0000000000000000", v2, {}, "rescore").error().IsNotFound());
  RequireClean(*store);
}

TEST_CASE("The review queue orders a day by score and filters level and region", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  const int scores[] = {30, 95, 70, 10, 45, 100, 0};
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) {
    const int s = scores[i];
    const Level level = s >= 65   ? Level::kHigh
                        : s >= 40 ? Level::kMedium
                        : s >= 20 ? Level::kLow
                                  : Level::kNone;
    PageWrite w;
    w.page = MakeFetch("https://q.example/" + std::to_string(i), "<p>" + std::to_string(i) + "</p>",
                       kNoonJakarta);
    w.ads.push_back(MakeAdWrite(MakeAd("https://q.example/" + std::to_string(i),
                                       testing::AdText(100 + static_cast<uint64_t>(i))),
                                MakeVerdict(s, level), {i % 2 == 0 ? "id.jatim" : "id.ntt"}));
    ids.push_back(WriteOrDie(*store, w).ads[0].ad_id);
  }
  auto all = store->Queue({.from_day = "2026-11-22"});
  REQUIRE(all.has_value());
  REQUIRE(all->size() == 7);
  std::vector<int> got;
  for (const auto& e : *all) got.push_back(e.score);
  CHECK(got == std::vector<int>{100, 95, 70, 45, 30, 10, 0});
  CHECK(all->at(0).ad_id == ids[5]);
  CHECK(all->at(0).day == "2026-11-22");

  auto medium = store->Queue({.from_day = "2026-11-22", .min_level = Level::kMedium});
  CHECK(medium->size() == 4);
  auto top2 = store->Queue({.from_day = "2026-11-22", .limit = 2});
  CHECK(top2->size() == 2);
  auto jatim = store->Queue({.from_day = "2026-11-22", .region = "id.jatim"});
  REQUIRE(jatim.has_value());
  got.clear();
  for (const auto& e : *jatim) got.push_back(e.score);
  CHECK(got == std::vector<int>{70, 45, 30, 0});

  // A page's total is counted from the index without building entries, with the same filters.
  CHECK(*store->QueueCount({.from_day = "2026-11-22"}) == 7);
  CHECK(*store->QueueCount({.from_day = "2026-11-22", .min_level = Level::kMedium}) == 4);
  CHECK(*store->QueueCount({.from_day = "2026-11-22", .region = "id.ntt"}) == 3);
  CHECK(*store->QueueCount({.from_day = "2026-11-23"}) == 0);
  CHECK(store->QueueCount({.from_day = "2026-13-01"}).error().IsInvalidArgument());

  CHECK(store->Queue({.from_day = "2026-13-01"}).error().IsInvalidArgument());
  CHECK(
      store->Queue({.from_day = "2026-11-22", .to_day = "2026-11-21"}).error().IsInvalidArgument());
}

TEST_CASE("Days are calendar days in the configured time zone", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  // 2026-11-22T17:30Z is already 00:30 on the 23rd in Jakarta.
  const int64_t late_utc = kNoonJakarta + 12 * 3600 * 1000 + 30 * 60 * 1000;
  PageWrite w;
  w.page = MakeFetch("https://tz.example/1", "<p>tz</p>", late_utc);
  w.ads.push_back(MakeAdWrite(MakeAd("https://tz.example/1", testing::AdText(9)),
                              MakeVerdict(50, Level::kMedium)));
  WriteOrDie(*store, w);
  CHECK(store->Queue({.from_day = "2026-11-22"})->empty());
  CHECK(store->Queue({.from_day = "2026-11-23"})->size() == 1);
  CHECK(store->DayOf(late_utc) == "2026-11-23");

  // Several days: highest score first across the range.
  auto range = store->Queue({.from_day = "2026-11-20", .to_day = "2026-11-30"});
  CHECK(range->size() == 1);
}

TEST_CASE("All ads sharing a phone or handle are one lookup away", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  Contact wa = Phone("+6281234567890");
  wa.kind = ContactKind::kWhatsApp;
  PageWrite w;
  w.page = MakeFetch("https://c.example/1", "<p>1</p>", kNoonJakarta);
  w.ads.push_back(MakeAdWrite(MakeAd("https://c.example/1", testing::AdText(1)),
                              MakeVerdict(70, Level::kHigh, {Phone("+6281234567890")})));
  w.ads.push_back(MakeAdWrite(MakeAd("https://c.example/2", testing::AdText(2)),
                              MakeVerdict(70, Level::kHigh, {wa, Telegram("hr_kamboja")})));
  w.ads.push_back(MakeAdWrite(MakeAd("https://c.example/3", testing::AdText(3)),
                              MakeVerdict(70, Level::kHigh, {Telegram("hr_kamboja")})));
  const auto r = WriteOrDie(*store, w);
  auto by_phone = store->AdsWithContact(ContactTermFromQuery("+62 812-3456-7890"));
  REQUIRE(by_phone.has_value());
  std::vector<std::string> want = {r.ads[0].ad_id, r.ads[1].ad_id};
  std::sort(want.begin(), want.end());
  CHECK(*by_phone == want);
  auto by_handle = store->AdsWithContact(ContactTermFromQuery("@HR_Kamboja"));
  REQUIRE(by_handle.has_value());
  CHECK(by_handle->size() == 2);
  CHECK(store->AdsWithContact("tel:+6200")->empty());
  RequireClean(*store);
}

TEST_CASE("Reviews are append-only and the latest label wins", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  PageWrite w;
  w.ads.push_back(MakeAdWrite(MakeAd("https://r.example/1", testing::AdText(1)),
                              MakeVerdict(70, Level::kHigh)));
  const std::string id = WriteOrDie(*store, w).ads[0].ad_id;
  REQUIRE(store->AddReview(id, {"siti", ReviewLabel::kUnsure, "check the number", 0}).ok());
  clock.Advance(60'000);
  REQUIRE(store->AddReview(id, {"budi", ReviewLabel::kConfirmed, "same as case 12", 0}).ok());
  auto rec = store->GetAd(id);
  REQUIRE(rec.has_value());
  REQUIRE(rec->reviews.size() == 2);
  CHECK(rec->reviews[0].reviewer == "siti");
  CHECK(rec->reviews[0].at_ms == kNoonJakarta);
  CHECK(rec->reviews.back().label == ReviewLabel::kConfirmed);
  CHECK(rec->reviews.back().at_ms == kNoonJakarta + 60'000);
  CHECK(store->AddReview(id, {"", ReviewLabel::kLegit, "", 0}).IsInvalidArgument());
  CHECK(store->AddReview("ffffffffffffffff", {"x", ReviewLabel::kLegit, "", 0}).IsNotFound());
  RequireClean(*store);
}

TEST_CASE("Short ad ids resolve when unique", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  PageWrite w;
  w.ads.push_back(MakeAdWrite(MakeAd("https://s.example/1", testing::AdText(1)),
                              MakeVerdict(70, Level::kHigh)));
  const std::string id = WriteOrDie(*store, w).ads[0].ad_id;
  CHECK(*store->ResolveAdId(id.substr(0, 8)) == id);
  CHECK(*store->ResolveAdId(id) == id);
  CHECK(store->ResolveAdId("abc").error().IsInvalidArgument());
  CHECK(store->ResolveAdId(id == "0000000000000000" ? "1111111" : "0000000").error().IsNotFound());
}

TEST_CASE("Retention drops unflagged bodies and keeps flagged evidence until released",
          "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  StoreOptions o = TestOptions(dir.Sub("db"));
  o.retention_days = 30;
  auto store = OpenOrDie(o, clock);
  auto page_with = [&](const std::string& url, int score, Level level) {
    PageWrite w;
    w.page = MakeFetch(url, "<p>" + url + "</p>", kNoonJakarta);
    w.ads.push_back(MakeAdWrite(MakeAd(url, testing::AdText(std::hash<std::string>()(url))),
                                MakeVerdict(score, level)));
    return WriteOrDie(*store, w);
  };
  const auto plain = page_with("https://ret.example/plain", 5, Level::kNone);
  const auto flagged = page_with("https://ret.example/flagged", 80, Level::kHigh);
  PageWrite empty_page;
  empty_page.page = MakeFetch("https://ret.example/empty", "<p>nothing</p>", kNoonJakarta);
  const auto no_ads = WriteOrDie(*store, empty_page);

  clock.Advance(29 * kDayMs);
  auto early = store->ApplyRetention(/*dry_run=*/false);
  REQUIRE(early.has_value());
  CHECK(early->bodies_dropped == 0);

  clock.Advance(2 * kDayMs);
  auto dry = store->ApplyRetention(/*dry_run=*/true);
  REQUIRE(dry.has_value());
  CHECK(dry->bodies_dropped == 2);
  CHECK(store->GetPage(plain.page_id, true)->fetch.body.size() > 0);

  auto done = store->ApplyRetention(/*dry_run=*/false);
  REQUIRE(done.has_value());
  CHECK(done->bodies_dropped == 2);
  CHECK(done->bodies_kept_flagged == 1);
  auto dropped = store->GetPage(plain.page_id, true);
  REQUIRE(dropped.has_value());
  CHECK(dropped->fetch.body.empty());
  CHECK(dropped->body_dropped_at_ms == kNoonJakarta + 31 * kDayMs);
  CHECK_FALSE(dropped->body_sha256.empty());
  CHECK(store->GetPage(no_ads.page_id, true)->body_dropped_at_ms > 0);
  CHECK_FALSE(store->GetPage(flagged.page_id, true)->fetch.body.empty());

  // A reviewer releases the flagged ad: its evidence goes on the next run.
  REQUIRE(store->AddReview(flagged.ads[0].ad_id, {"siti", ReviewLabel::kReleased, "", 0}).ok());
  auto after = store->ApplyRetention(false);
  REQUIRE(after.has_value());
  CHECK(after->bodies_dropped == 1);
  CHECK(store->GetPage(flagged.page_id, true)->fetch.body.empty());
  RequireClean(*store);
}

TEST_CASE("Tables of other modules keep bytes under prefixes, atomically", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  TableBatch b;
  b.Put(Table::kFrontier, EncodeU32(2) + "|https://a/", "task-a");
  b.Put(Table::kFrontier, EncodeU32(1) + "|https://b/", "task-b");
  b.Put(Table::kSeen, "https://a/", "");
  b.Put(Table::kHosts, "a.example", "robots");
  REQUIRE(store->Apply(b).ok());
  std::vector<std::string> values;
  REQUIRE(store
              ->Scan(Table::kFrontier, "",
                     [&](std::string_view, std::string_view v) {
                       values.emplace_back(v);
                       return true;
                     })
              .ok());
  CHECK(values == std::vector<std::string>{"task-b", "task-a"});
  CHECK(*store->Get(Table::kHosts, "a.example") == "robots");
  CHECK(store->Get(Table::kSeen, "https://zzz/").error().IsNotFound());
  TableBatch d;
  d.Delete(Table::kFrontier, EncodeU32(1) + "|https://b/");
  REQUIRE(store->Apply(d).ok());
  values.clear();
  REQUIRE(store
              ->Scan(Table::kFrontier, EncodeU32(1),
                     [&](std::string_view, std::string_view v) {
                       values.emplace_back(v);
                       return true;
                     })
              .ok());
  CHECK(values.empty());
}

TEST_CASE("ForEachAd visits every ad or a range of days and allows writes meanwhile", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  for (uint64_t n = 1; n <= 6; ++n) {
    WriteOrDie(*store, testing::GeneratedPage(n, kNoonJakarta + static_cast<int64_t>(n) * kDayMs));
  }
  int all = 0;
  REQUIRE(
      store
          ->ForEachAd("", "",
                      [&](const AdRecord& ad) {
                        ++all;
                        CHECK(ad.verdict.ruleset_version == "rules-v1");
                        // Rescoring while scanning.
                        auto v = ad.verdict;
                        v.ruleset_version = "rules-v2";
                        CHECK(store->UpdateVerdict(ad.ad_id, v, ad.regions, "rescore").has_value());
                        return true;
                      })
          .ok());
  int since = 0;
  REQUIRE(store
              ->ForEachAd("2026-11-26", "",
                          [&](const AdRecord& ad) {
                            ++since;
                            CHECK(ad.verdict.ruleset_version == "rules-v2");
                            return true;
                          })
              .ok());
  CHECK(all == 12);   // 2+3+1+2+3+1 ads
  CHECK(since == 6);  // pages 4, 5, 6
  RequireClean(*store);
}

TEST_CASE("A read-only store reads while the writer is open and refuses writes", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  StoreOptions o = TestOptions(dir.Sub("db"));
  auto writer = OpenOrDie(o, clock);
  WriteOrDie(*writer, testing::GeneratedPage(1, kNoonJakarta));

  // A second writer is refused with a clear message.
  auto second = Store::Open(o, clock);
  REQUIRE_FALSE(second.has_value());
  CHECK(second.error().code() == Status::Code::kUnavailable);
  CHECK_THAT(second.error().message(), Catch::Contains("in use by another adwatch process"));

  StoreOptions ro = o;
  ro.access = AccessMode::kReadOnly;
  auto reader = OpenOrDie(ro, clock);
  auto q = reader->Queue({.from_day = "2026-11-22", .include_reposts = true});
  REQUIRE(q.has_value());
  CHECK(q->size() == 2);
  CHECK(reader->GetAd(q->at(0).ad_id).has_value());
  CHECK(reader->VerdictHistory(q->at(0).ad_id).has_value());
  auto check = reader->Check();
  REQUIRE(check.has_value());
  CHECK(check->ads == 2);
  CHECK(reader->Write(testing::GeneratedPage(2, kNoonJakarta)).error().code() ==
        Status::Code::kUnavailable);
  CHECK(reader->AddReview(q->at(0).ad_id, {"x", ReviewLabel::kLegit, "", 0}).code() ==
        Status::Code::kUnavailable);
}

TEST_CASE("An in-memory store behaves like the one on disk", "[storage]") {
  ManualClock clock(kNoonJakarta);
  StoreOptions o;
  o.path = "/mem/adwatch";
  o.in_memory = true;
  auto store = OpenOrDie(o, clock);
  const auto r = WriteOrDie(*store, testing::GeneratedPage(3, kNoonJakarta));
  CHECK(store->GetAd(r.ads[0].ad_id).has_value());
  CHECK(store->Backup("/tmp/never", 0).error().IsInvalidArgument());
  RequireClean(*store);
}

TEST_CASE("Interval sync writes are readable and survive a reopen", "[storage]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  StoreOptions o = TestOptions(dir.Sub("db"));
  o.sync = SyncPolicy::kInterval;
  o.sync_interval_ms = 20;
  std::string id;
  {
    auto store = OpenOrDie(o, clock);
    id = WriteOrDie(*store, testing::GeneratedPage(4, kNoonJakarta)).ads[0].ad_id;
  }
  auto store = OpenOrDie(o, clock);
  CHECK(store->GetAd(id).has_value());
  auto stats = store->Stats();
  CHECK(std::find_if(stats.begin(), stats.end(),
                     [](const TableStats& t) { return t.name == "bodies"; }) != stats.end());
}

}  // namespace
}  // namespace adwatch::storage
