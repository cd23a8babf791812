// ImageFetcher against a loopback test server through the real curl fetcher: robots.txt obeyed
// and fetched once, each URL once, the byte cap, the per-host delay, and the address guard.
#include "adwatch/crawler/image_fetcher.h"

#include <catch2/catch.hpp>
#include <string>

#include "support/test_server.h"

namespace {

using adwatch::FetchError;
using adwatch::crawler::FetcherOptions;
using adwatch::crawler::ImageFetcher;
using adwatch::crawler::ImageFetcherOptions;
using adwatch::testing::Route;
using adwatch::testing::TestServer;

std::unique_ptr<TestServer> Site() {
  auto started = TestServer::Start({});
  REQUIRE(started.has_value());
  TestServer& s = **started;
  s.Set("/robots.txt", Route::Text("User-agent: *\nDisallow: /private/\n"));
  s.Set("/a.png", Route::Bytes(std::string(100, 'a'), "image/png"));
  s.Set("/b.png", Route::Bytes(std::string(100, 'b'), "image/png"));
  s.Set("/big.png", Route::Bytes(std::string(2000, 'x'), "image/png"));
  s.Set("/private/p.png", Route::Bytes(std::string(100, 'p'), "image/png"));
  return std::move(started.value());
}

std::unique_ptr<adwatch::crawler::Fetcher> Fetcher(bool allow_loopback) {
  FetcherOptions o;
  if (allow_loopback) o.allowed_private_ranges = {"127.0.0.0/8"};
  auto f = adwatch::crawler::NewCurlFetcher(o);
  REQUIRE(f.has_value());
  return std::move(f.value());
}

TEST_CASE("ImageFetcher obeys robots.txt, fetches each URL once and refuses large images",
          "[crawler][images]") {
  auto site = Site();
  auto fetcher = Fetcher(/*allow_loopback=*/true);
  ImageFetcherOptions o;
  o.host_delay_ms = 0;
  o.max_bytes = 1000;
  REQUIRE(Validate(o).ok());
  ImageFetcher images(*fetcher, o);

  const auto a = images.Fetch(site->Url("/a.png"));
  CHECK(a.error == FetchError::kNone);
  CHECK(a.http_status == 200);
  CHECK(a.body == std::string(100, 'a'));
  const auto again = images.Fetch(site->Url("/a.png"));
  CHECK(again.error == FetchError::kOutOfScope);
  CHECK(again.error_message == "already fetched");
  CHECK(site->Hits("/a.png") == 1);

  const auto big = images.Fetch(site->Url("/big.png"));
  CHECK(big.error == FetchError::kTooLarge);
  CHECK(big.body.empty());

  const auto denied = images.Fetch(site->Url("/private/p.png"));
  CHECK(denied.error == FetchError::kRobotsDenied);
  CHECK(site->Hits("/private/p.png") == 0);
  CHECK(site->Hits("/robots.txt") == 1);

  CHECK(images.Fetch("data:image/png;base64,AAAA").error == FetchError::kOutOfScope);
  CHECK(images.fetched() == 2);
}

TEST_CASE("ImageFetcher keeps the host delay between requests", "[crawler][images]") {
  auto site = Site();
  auto fetcher = Fetcher(/*allow_loopback=*/true);
  ImageFetcherOptions o;
  o.host_delay_ms = 300;
  ImageFetcher images(*fetcher, o);
  REQUIRE(images.Fetch(site->Url("/a.png")).error == FetchError::kNone);
  REQUIRE(images.Fetch(site->Url("/b.png")).error == FetchError::kNone);
  const auto first = site->LogFor("/a.png");
  const auto second = site->LogFor("/b.png");
  REQUIRE(first.size() == 1);
  REQUIRE(second.size() == 1);
  CHECK(second[0].arrival_ms - first[0].arrival_ms >= 280);
}

TEST_CASE("ImageFetcher sends image requests through the address guard", "[crawler][images]") {
  auto site = Site();
  auto fetcher = Fetcher(/*allow_loopback=*/false);  // production: loopback is private
  ImageFetcherOptions o;
  o.host_delay_ms = 0;
  ImageFetcher images(*fetcher, o);
  const auto r = images.Fetch(site->Url("/a.png"));
  // The guard refused the host (its robots.txt first): nothing reached the server.
  CHECK(r.error == FetchError::kBlockedAddress);
  CHECK_THAT(r.error_message, Catch::Contains("private address") || Catch::Contains("127.0.0.1"));
  CHECK(site->Hits("/a.png") == 0);
  CHECK(site->Hits("/robots.txt") == 0);
}

}  // namespace
