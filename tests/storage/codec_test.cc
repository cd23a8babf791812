// The store's value codec (storage/src/codec.h, adwatch/storage/value_codec.h): every field of an
// ad and a verdict revision survives the binary form, records written in the JSON form by earlier
// adwatch versions still read (a database keeps working across the change), and damaged values
// are Corruption, never a crash.
#include "../../storage/src/codec.h"

#include <rocksdb/db.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "adwatch/common/json.h"
#include "adwatch/storage/store.h"
#include "adwatch/storage/value_codec.h"
#include "support/raw_db.h"
#include "test_util.h"

namespace adwatch::storage {
namespace {

using internal::DecodeAd;
using internal::DecodeVerdictRevision;
using internal::EncodeAd;
using internal::EncodeAdJson;
using internal::EncodeVerdictRevision;

// Every field set, none to its default, each value distinct, so a field dropped or two swapped
// by the codec shows in the comparison.
AdRecord FullAd() {
  AdRecord r;
  r.ad_id = "ad0123456789abcdef";
  r.page_id = "pg0123456789abcdef";
  AdCandidate& a = r.ad;
  a.origin = CandidateOrigin::kChannelPost;
  a.source = "telegram-batam";
  a.url = "https://t.me/s/lokerbatam/42";
  a.post_id = "lokerbatam/42";
  a.title = "Loker Kamboja gaji 15jt";
  a.text = "Dibutuhkan CS, gaji besar, tiket ditanggung.\nHubungi WA 0812-3456-7890";
  a.posted_at = "2026-11-20T10:00:00+07:00";
  a.author = "Admin Loker";
  a.forwarded_from = "Info Kerja LN";
  a.views = 1234;
  a.links = {{"https://wa.me/6281234567890", "WA admin", "nofollow"},
             {"https://t.me/admin", "Telegram", "me"}};
  a.employer = "PT Maju";
  a.employer_url = "https://maju.example";
  a.salary = Salary{15'000'000, 20'000'000.5, "IDR", "month", true};
  a.locations = {{"Phnom Penh", "Phnom Penh", "KH"}, {"Batam", "Kepri", "ID"}};
  a.valid_through = "2026-12-31";
  a.employment_type = "FULL_TIME";
  a.page_types = {"JobPosting", "article"};
  a.lang = "id";
  a.export_ref = "messages 11,12";
  ImageRef im;
  im.url = "https://cdn.example/poster.jpg";
  im.origin = ImageOrigin::kBackground;
  im.alt = "poster";
  im.sha256_hex = std::string(64, 'a');
  im.phash = "0123456789abcdef";
  im.width = 800;
  im.height = -3;
  im.problem = "OCR timed out";
  a.images = {im};
  a.image_text = "GAJI 15 JUTA";
  a.image_words = {{{0, 4}, 0, {10, 20, 30, 40}, 91}, {{5, 7}, 0, {-1, 2, 3, 4}, 55}};
  r.first_seen_ms = 1'795'323'600'000;
  r.last_seen_ms = 1'795'323'700'001;
  r.repost_of = "ad-root";
  r.regions = {"id.kepri", "id.jatim"};
  r.region_hint = "id.kepri";
  return r;
}

Verdict FullVerdict() {
  Verdict v;
  v.score = 87;
  v.level = Level::kHigh;
  v.kind = DocKind::kRecruitmentAd;
  v.pattern = Pattern::kCompoundScam;
  v.raw_score = 3.141592653589793;
  v.category_scores = {{"destination", 1.5}, {"pay", 0.25}};
  v.kind_scores = {{"recruitment_ad", 2.0}, {"news", -0.5}};
  Hit h;
  h.rule_id = "dest.kh";
  h.category = "destination";
  h.weight = 1.25;
  h.rule_weight = 2.5;
  h.view = "skeleton";
  h.describe_id = "Tujuan Kamboja";
  h.describe_en = "Destination Cambodia";
  h.negated = true;
  h.evidence = {{"body", {3, 9}, "", {}},
                {"image", {0, 4}, "https://cdn.example/p.jpg", {1, 2, 3, 4}}};
  v.hits = {h, Hit{.rule_id = "pay.high", .weight = 0.5}};
  v.entities.contacts = {
      {ContactKind::kWhatsApp, "+6281234567890", "body", {50, 64}, "ID", true, "id.kepri"}};
  v.entities.salaries = {{Salary{1, 2, "USD", "day", false}, 100.5, 200.25, "title", {7, 12}}};
  PlaceMention p;
  p.id = "kh.sihanoukville";
  p.name = "Sihanoukville";
  p.kind = PlaceKind::kHotspot;
  p.country = "KH";
  p.province = "id.x";
  p.nonplacement = true;
  p.transit = true;
  p.moratorium = true;
  p.field = "body";
  p.span = {20, 33};
  v.entities.places = {p};
  v.ruleset_version = "rules-2026.11";
  v.warnings = {"RE2::Set out of memory; matched one by one"};
  return v;
}

TEST_CASE("An ad record survives the binary codec field by field", "[storage][codec]") {
  const AdRecord in = FullAd();
  const std::string value = EncodeAd(in, "textkey-1");
  CHECK(FormatOf(value) == kFormatBinary);
  auto out = DecodeAd(value, "ad");
  REQUIRE(out.has_value());
  CHECK(out->text_key == "textkey-1");
  // The JSON form names every field records.h has, so equal JSON is equal records.
  CHECK(ToJsonText(out->rec) == ToJsonText(in));
  REQUIRE(out->rec.ad.salary.has_value());
  CHECK(out->rec.ad.salary->max == 20'000'000.5);
  CHECK(out->rec.ad.image_words[1].box == Box{-1, 2, 3, 4});
  CHECK(out->rec.ad.views == 1234);

  // Without the optional salary, and with bytes that are not UTF-8 (JSON would replace them).
  AdRecord raw = in;
  raw.ad.salary.reset();
  raw.ad.text = "gaji \x80\xff tinggi";
  auto back = DecodeAd(EncodeAd(raw, ""), "ad");
  REQUIRE(back.has_value());
  CHECK_FALSE(back->rec.ad.salary.has_value());
  CHECK(back->rec.ad.text == raw.ad.text);
}

TEST_CASE("A verdict revision survives the binary codec field by field", "[storage][codec]") {
  const VerdictRevision in{7, 1'795'323'600'123, "rescore", FullVerdict()};
  const std::string value = EncodeVerdictRevision(in);
  CHECK(FormatOf(value) == kFormatBinary);
  auto out = DecodeVerdictRevision(value, "verdict");
  REQUIRE(out.has_value());
  CHECK(out->rev == 7);
  CHECK(out->at_ms == in.at_ms);
  CHECK(out->cause == "rescore");
  CHECK(ToJsonText(out->verdict) == ToJsonText(in.verdict));
  CHECK(out->verdict.raw_score == in.verdict.raw_score);  // bit for bit, not rounded
  CHECK(internal::EncodeVerdict(out->verdict) == internal::EncodeVerdict(in.verdict));
}

TEST_CASE("Ads and verdicts written as JSON by earlier versions still read", "[storage][codec]") {
  const AdRecord ad = FullAd();
  auto old_ad = DecodeAd(EncodeAdJson(ad, "textkey-1"), "ad");
  REQUIRE(old_ad.has_value());
  CHECK(ToJsonText(old_ad->rec) == ToJsonText(ad));
  CHECK(old_ad->text_key == "textkey-1");

  const VerdictRevision rev{3, 1'795'323'600'000, "crawl", FullVerdict()};
  auto old_rev = DecodeVerdictRevision(internal::EncodeRecord(rev), "verdict");
  REQUIRE(old_rev.has_value());
  CHECK(old_rev->rev == 3);
  CHECK(ToJsonText(old_rev->verdict) == ToJsonText(rev.verdict));
}

TEST_CASE("A damaged or unknown value is Corruption, never a crash", "[storage][codec]") {
  const std::string ad = EncodeAd(FullAd(), "k");
  const std::string rev = EncodeVerdictRevision({1, 2, "crawl", FullVerdict()});
  // Every truncation, and every single byte flipped to 0xff (huge varints and list lengths).
  for (size_t n = 0; n < ad.size(); ++n) {
    CHECK_FALSE(DecodeAd(std::string_view(ad).substr(0, n), "ad").has_value());
    std::string flipped = ad;
    flipped[n] = '\xff';
    (void)DecodeAd(flipped, "ad");  // may decode to other text; must not crash or throw
  }
  for (size_t n = 0; n < rev.size(); ++n) {
    CHECK_FALSE(DecodeVerdictRevision(std::string_view(rev).substr(0, n), "v").has_value());
  }
  auto extra = DecodeAd(ad + "x", "ad 42");
  REQUIRE_FALSE(extra.has_value());
  CHECK_THAT(extra.error().ToString(), Catch::Contains("ad 42") && Catch::Contains("newer"));
  auto unknown = DecodeAd("\x07whatever", "ad 43");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code() == Status::Code::kCorruption);
}

TEST_CASE("ValueWriter and ValueReader keep integers, doubles and bytes exact",
          "[storage][codec]") {
  ValueWriter w;
  w.U64(0);
  w.U64(127);
  w.U64(128);
  w.U64(UINT64_MAX);
  w.I64(-1);
  w.I64(INT64_MIN);
  w.I64(INT64_MAX);
  w.F64(-0.0);
  w.F64(INFINITY);
  w.Str(std::string("a\0b", 3));
  w.Bool(true);
  const std::string v = w.Release();
  ValueReader r(v);
  CHECK(r.U64() == 0);
  CHECK(r.U64() == 127);
  CHECK(r.U64() == 128);
  CHECK(r.U64() == UINT64_MAX);
  CHECK(r.I64() == -1);
  CHECK(r.I64() == INT64_MIN);
  CHECK(r.I64() == INT64_MAX);
  const double z = r.F64();
  CHECK((z == 0.0 && std::signbit(z)));
  CHECK(r.F64() == INFINITY);
  CHECK(r.Str() == std::string("a\0b", 3));
  CHECK(r.Bool());
  CHECK(r.AtEnd());
  CHECK(r.Finish("x").ok());
  // Reading past the end fails once and stays failed.
  CHECK(r.U64() == 0);
  CHECK_FALSE(r.ok());
  CHECK(r.Finish("value of x").code() == Status::Code::kCorruption);
}

// Opens the database with plain RocksDB and rewrites every ad and verdict revision in the JSON
// form adwatch wrote before the binary codec: a database made by an earlier version.
void RewriteAsJson(const std::string& path) {
  int rewritten = 0;
  adwatch::testing::RawEdit(path, [&](rocksdb::DB& db, auto& cf) {
    for (const std::string name : {"ads", "verdicts"}) {
      std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions(), cf[name]));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        const std::string_view value(it->value().data(), it->value().size());
        REQUIRE(FormatOf(value) == kFormatBinary);
        std::string json;
        if (name == "ads") {
          auto ad = DecodeAd(value, "ad");
          REQUIRE(ad.has_value());
          json = EncodeAdJson(ad->rec, ad->text_key);
        } else {
          auto rev = DecodeVerdictRevision(value, "verdict");
          REQUIRE(rev.has_value());
          json = internal::EncodeRecord(*rev);
        }
        REQUIRE(db.Put(rocksdb::WriteOptions(), cf[name], it->key(), json).ok());
        ++rewritten;
      }
    }
  });
  CHECK(rewritten >= 2);
}

TEST_CASE("A database whose ads and verdicts are JSON reads, updates and checks clean",
          "[storage][codec]") {
  testing::TempDir dir;
  testing::ManualClock clock(testing::kNoonJakarta);
  const std::string path = dir.path() + "/db";
  PageWrite w;
  w.page = testing::MakeFetch("https://example.com/job/1", "<p>Loker Kamboja</p>",
                              testing::kNoonJakarta);
  w.cause = "crawl";
  AdWrite a;
  a.ad = FullAd().ad;
  a.verdict = FullVerdict();
  w.ads = {a};
  std::string ad_id;
  {
    auto store = Store::Open(testing::TestOptions(path), clock);
    REQUIRE(store.has_value());
    auto written = (*store)->Write(w);
    REQUIRE(written.has_value());
    ad_id = written->ads.at(0).ad_id;
  }
  RewriteAsJson(path);
  auto store = Store::Open(testing::TestOptions(path), clock);
  REQUIRE(store.has_value());
  auto ad = (*store)->GetAd(ad_id);
  REQUIRE(ad.has_value());
  CHECK(ToJsonText(ad->ad) == ToJsonText(a.ad));
  CHECK(ToJsonText(ad->verdict) == ToJsonText(a.verdict));
  // The same page again: the same verdict is no new revision, though it was stored as JSON.
  auto again = (*store)->Write(w);
  REQUIRE(again.has_value());
  auto history = (*store)->VerdictHistory(ad_id);
  REQUIRE(history.has_value());
  CHECK(history->size() == 1);
  auto report = (*store)->Check();
  REQUIRE(report.has_value());
  CHECK(report->problems.empty());
}

}  // namespace
}  // namespace adwatch::storage
