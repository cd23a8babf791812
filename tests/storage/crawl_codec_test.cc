// The crawl state's stored layout (adwatch/storage/crawl_codec.h): every field of a seen record,
// a frontier task and a robots.txt record survives the binary form, the untagged JSON objects of
// earlier versions still read, and damaged values are Corruption naming the record, never a
// crash.
#include "adwatch/storage/crawl_codec.h"

#include <catch2/catch.hpp>
#include <string>

#include "adwatch/storage/value_codec.h"

namespace adwatch::storage {
namespace {

// Every field set, none to its default, each value distinct.
UrlRecord FullRecord() {
  UrlRecord r;
  r.outcome = Outcome::kRedirected;
  r.reason = "HTTP 301";
  r.http_status = 301;
  r.attempts = 2;
  r.at_ms = 1'765'000'000'123;
  r.source = "loker-ntt";
  r.depth = 3;
  r.etag = "\"abc\"";
  r.last_modified = "Sat, 06 Dec 2026 10:00:00 GMT";
  r.next_revisit_ms = 1'765'086'400'000;
  r.ad_ids = {"0123456789abcdef", "fedcba9876543210"};
  r.remote_ip = "127.0.0.1";
  r.redirect_to = "http://127.0.0.1:8080/job/7";
  return r;
}

FetchTask FullTask() {
  FetchTask t;
  t.url = "http://127.0.0.1:8080/job/7?ref=\xff";  // invalid UTF-8 survives
  t.source = "submission";
  t.depth = 4;
  t.priority = FetchPriority::kRevisit;
  t.attempt = 1;
  t.not_before_ms = 1'765'000'000'999;
  t.external = true;
  t.etag = "W/\"1\"";
  t.last_modified = "Fri, 05 Dec 2026 09:00:00 GMT";
  t.redirects = 2;
  return t;
}

void CheckSame(const UrlRecord& a, const UrlRecord& b) {
  CHECK(a.outcome == b.outcome);
  CHECK(a.reason == b.reason);
  CHECK(a.http_status == b.http_status);
  CHECK(a.attempts == b.attempts);
  CHECK(a.at_ms == b.at_ms);
  CHECK(a.source == b.source);
  CHECK(a.depth == b.depth);
  CHECK(a.etag == b.etag);
  CHECK(a.last_modified == b.last_modified);
  CHECK(a.next_revisit_ms == b.next_revisit_ms);
  CHECK(a.ad_ids == b.ad_ids);
  CHECK(a.remote_ip == b.remote_ip);
  CHECK(a.redirect_to == b.redirect_to);
}

}  // namespace

TEST_CASE("Crawl-state records keep every field through the binary form", "[storage][codec]") {
  const UrlRecord rec = FullRecord();
  const std::string rv = EncodeUrlRecord(rec);
  CHECK(FormatOf(rv) == kFormatBinary);
  auto rec_back = DecodeUrlRecord(rv, "seen record");
  REQUIRE(rec_back.has_value());
  CheckSame(*rec_back, rec);

  const FetchTask task = FullTask();
  auto task_back = DecodeFetchTask(EncodeFetchTask(task), "task");
  REQUIRE(task_back.has_value());
  CHECK(task_back->url == task.url);
  CHECK(task_back->source == task.source);
  CHECK(task_back->depth == task.depth);
  CHECK(task_back->priority == task.priority);
  CHECK(task_back->attempt == task.attempt);
  CHECK(task_back->not_before_ms == task.not_before_ms);
  CHECK(task_back->external == task.external);
  CHECK(task_back->etag == task.etag);
  CHECK(task_back->last_modified == task.last_modified);
  CHECK(task_back->redirects == task.redirects);

  const RobotsRecord robots{"User-agent: *\nDisallow: /private\n", 1'765'000'000'000, 200};
  auto robots_back = DecodeRobotsRecord(EncodeRobotsRecord(robots), "hosts record");
  REQUIRE(robots_back.has_value());
  CHECK(robots_back->text == robots.text);
  CHECK(robots_back->fetched_ms == robots.fetched_ms);
  CHECK(robots_back->http_status == robots.http_status);
}

TEST_CASE("Crawl-state records written as JSON by earlier versions still read",
          "[storage][codec]") {
  auto rec =
      DecodeUrlRecord(R"({"outcome":"failed","reason":"HTTP 404","http_status":404,"attempts":1,)"
                      R"("ad_ids":["0123456789abcdef"],"source":"start"})",
                      "seen record");
  REQUIRE(rec.has_value());
  CHECK(rec->outcome == Outcome::kFailed);
  CHECK(rec->http_status == 404);
  CHECK(rec->ad_ids == std::vector<std::string>{"0123456789abcdef"});
  CHECK(rec->source == "start");

  auto task = DecodeFetchTask(
      R"({"url":"http://127.0.0.1/a","source":"start","depth":1,"priority":"submission"})", "task");
  REQUIRE(task.has_value());
  CHECK(task->url == "http://127.0.0.1/a");
  CHECK(task->priority == FetchPriority::kSubmission);

  auto robots = DecodeRobotsRecord(
      R"({"robots":"User-agent: *","robots_fetched_ms":5,"robots_status":200})", "hosts record");
  REQUIRE(robots.has_value());
  CHECK(robots->text == "User-agent: *");
  CHECK(robots->http_status == 200);
}

TEST_CASE("Damaged crawl-state values are Corruption naming the record", "[storage][codec]") {
  const std::string good = EncodeUrlRecord(FullRecord());
  for (size_t cut = 1; cut < good.size(); ++cut) {
    auto r = DecodeUrlRecord(good.substr(0, cut), "seen record of http://127.0.0.1/x");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == Status::Code::kCorruption);
    CHECK_THAT(r.error().ToString(), Catch::Contains("seen record of http://127.0.0.1/x"));
  }
  // Bytes past the last field, an outcome a newer adwatch wrote, an unknown format byte.
  CHECK_FALSE(DecodeUrlRecord(good + "x", "seen record").has_value());
  std::string newer = good;
  newer[1] = '\x7f';  // the outcome, above kBlocked
  CHECK_FALSE(DecodeUrlRecord(newer, "seen record").has_value());
  auto unknown = DecodeFetchTask("\x09whatever", "task");
  REQUIRE_FALSE(unknown.has_value());
  CHECK_THAT(unknown.error().ToString(), Catch::Contains("newer adwatch"));
  // Old JSON of the wrong shape.
  auto wrong = DecodeUrlRecord(R"({"outcome":"fetched","http_status":"200"})", "seen record");
  REQUIRE_FALSE(wrong.has_value());
  CHECK_THAT(wrong.error().ToString(), Catch::Contains("http_status"));
  CHECK_FALSE(DecodeUrlRecord(R"({"outcome":"teleported"})", "seen record").has_value());
  CHECK_FALSE(DecodeRobotsRecord("{not json", "hosts record").has_value());
}

}  // namespace adwatch::storage
