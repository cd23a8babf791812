// The PageWrite codec of the Redis mode's results stream: what a worker encodes, the ingest
// decodes to the same write, the raw body byte for byte, and damage is Corruption, never a throw.
#include "adwatch/storage/page_write_codec.h"

#include <catch2/catch.hpp>

#include "adwatch/common/clock.h"
#include "adwatch/storage/store.h"

using adwatch::AdCandidate;
using adwatch::FetchResult;
using adwatch::storage::AdWrite;
using adwatch::storage::DecodePageWrite;
using adwatch::storage::EncodePageWrite;
using adwatch::storage::PageWrite;

namespace {

PageWrite SamplePage() {
  FetchResult page;
  page.requested_url = page.final_url = "https://example.com/job/1";
  page.http_status = 200;
  page.headers = {{"Content-Type", "text/html; charset=windows-1252"}, {"ETag", "\"x\""}};
  page.content_type = "text/html; charset=windows-1252";
  page.body = "<p>Gaji \x80 tinggi \xff\xfe</p>";  // not UTF-8
  page.fetched_at_ms = 1'700'000'000'000;
  AdWrite ad;
  ad.ad.url = "https://example.com/job/1";
  ad.ad.title = "Staf gudang";
  ad.ad.text = "Dibutuhkan staf gudang di Bekasi";
  ad.verdict.score = 42;
  ad.regions = {"id-jb"};
  ad.region_hint = "id-jb";
  PageWrite w;
  w.page = page;
  w.crawler_version = "adwatch test";
  w.cause = "crawl";
  w.ads = {ad};
  return w;
}

}  // namespace

TEST_CASE("A PageWrite survives encoding with its raw body byte for byte", "[storage][codec]") {
  const PageWrite w = SamplePage();
  const std::string encoded = EncodePageWrite(w);
  CHECK(encoded.find("tinggi") == std::string::npos);  // the body travels beside, not inside
  auto back = DecodePageWrite(encoded, w.page->body);
  REQUIRE(back.has_value());
  REQUIRE(back->page.has_value());
  CHECK(back->page->body == w.page->body);
  CHECK(back->page->final_url == w.page->final_url);
  CHECK(back->page->headers == w.page->headers);
  CHECK(back->page->fetched_at_ms == w.page->fetched_at_ms);
  CHECK(back->crawler_version == "adwatch test");
  REQUIRE(back->ads.size() == 1);
  CHECK(back->ads[0].ad.title == "Staf gudang");
  CHECK(back->ads[0].verdict.score == 42);
  CHECK(back->ads[0].regions == std::vector<std::string>{"id-jb"});
}

TEST_CASE("A decoded PageWrite stores the same page as the original", "[storage][codec]") {
  adwatch::SystemClock clock;
  adwatch::storage::StoreOptions opts;
  opts.in_memory = true;
  opts.path = "/mem/codec";
  auto store = adwatch::storage::Store::Open(opts, clock);
  REQUIRE(store.has_value());
  const PageWrite w = SamplePage();
  auto first = (*store)->Write(w);
  REQUIRE(first.has_value());
  auto back = DecodePageWrite(EncodePageWrite(w), w.page->body);
  REQUIRE(back.has_value());
  auto again = (*store)->Write(*back);
  REQUIRE(again.has_value());
  CHECK(again->page_id == first->page_id);
  REQUIRE(again->ads.size() == 1);
  CHECK(again->ads[0].ad_id == first->ads[0].ad_id);
  CHECK_FALSE(again->ads[0].created);
  CHECK((*store)->SyncWal().ok());
}

TEST_CASE("A damaged encoding or a body that does not match is Corruption", "[storage][codec]") {
  const PageWrite w = SamplePage();
  const std::string encoded = EncodePageWrite(w);
  auto wrong_body = DecodePageWrite(encoded, "other bytes");
  REQUIRE_FALSE(wrong_body.has_value());
  CHECK(wrong_body.error().code() == adwatch::Status::Code::kCorruption);
  CHECK(DecodePageWrite("", "").error().code() == adwatch::Status::Code::kCorruption);
  CHECK(DecodePageWrite("\x01{not json", "").error().code() == adwatch::Status::Code::kCorruption);
  CHECK(DecodePageWrite("\x01[1,2]", "").error().code() == adwatch::Status::Code::kCorruption);
  CHECK(DecodePageWrite("\x01{\"ads\": 7}", "").error().code() ==
        adwatch::Status::Code::kCorruption);
  CHECK(DecodePageWrite("\x01{\"page\": {\"http_status\": \"x\"}}", "").error().code() ==
        adwatch::Status::Code::kCorruption);
  auto no_page = DecodePageWrite("\x01{\"cause\": \"import\"}", "");
  REQUIRE(no_page.has_value());
  CHECK_FALSE(no_page->page.has_value());
  CHECK(DecodePageWrite("\x01{}", "body").error().code() == adwatch::Status::Code::kCorruption);
}
