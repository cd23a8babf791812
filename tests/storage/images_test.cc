// Ad images as evidence (PutImage, GetImage) and the index of their perceptual hashes
// (AdsWithSimilarImage).
#include <catch2/catch.hpp>

#include "adwatch/common/hash.h"
#include "adwatch/storage/store.h"
#include "test_util.h"

namespace adwatch::storage {
namespace {

using testing::kNoonJakarta;
using testing::MakeAd;
using testing::MakeAdWrite;
using testing::MakeFetch;
using testing::MakeVerdict;
using testing::ManualClock;
using testing::TempDir;
using testing::TestOptions;

std::unique_ptr<Store> OpenOrDie(const StoreOptions& o, const Clock& clock) {
  auto store = Store::Open(o, clock);
  if (!store) FAIL(store.error().ToString());
  return std::move(*store);
}

AdWrite AdWithImage(const std::string& url, int n, const std::string& phash) {
  AdCandidate ad = MakeAd(url, testing::AdText(n));
  ImageRef im;
  im.url = url + "/poster.png";
  im.phash = phash;
  ad.images.push_back(im);
  return MakeAdWrite(ad, MakeVerdict(50, Level::kMedium));
}

TEST_CASE("An ad image is kept byte for byte under its SHA-256, the first fetch staying",
          "[storage][images]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  StoredImage image;
  image.url = "https://cdn.example/a.png";
  image.fetched_at_ms = kNoonJakarta - 5000;
  image.content_type = "image/png";
  static constexpr char kBytes[] = "\x89PNG\r\n\x1a\n\0\0 raw";  // NULs inside: sized by the array
  image.body = std::string(kBytes, sizeof kBytes - 1);
  image.phash = "6a5040186688b0a0";
  auto sha = store->PutImage(image);
  REQUIRE(sha.has_value());
  CHECK(*sha == Sha256Hex(image.body));

  StoredImage again = image;
  again.url = "https://mirror.example/a.png";
  again.fetched_at_ms = kNoonJakarta;
  REQUIRE(store->PutImage(again).has_value());

  auto got = store->GetImage(*sha, /*with_body=*/true);
  REQUIRE(got.has_value());
  CHECK(got->body == image.body);
  CHECK(got->url == "https://cdn.example/a.png");
  CHECK(got->fetched_at_ms == kNoonJakarta - 5000);
  CHECK(got->bytes == static_cast<int64_t>(sizeof kBytes - 1));
  CHECK(got->phash == "6a5040186688b0a0");
  auto bare = store->GetImage(*sha, /*with_body=*/false);
  REQUIRE(bare.has_value());
  CHECK(bare->body.empty());
  CHECK(store->GetImage("00", false).error().IsNotFound());
  StoredImage empty;
  CHECK(store->PutImage(empty).error().IsInvalidArgument());
}

TEST_CASE("Ads whose images are within a few bits are found from one hash, others are not",
          "[storage][images]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  const uint64_t lure = 0x6a5040186688b0a0ULL;
  PageWrite w;
  w.page = MakeFetch("https://jobs.example/list", "<p>x</p>", kNoonJakarta);
  w.ads.push_back(AdWithImage("https://jobs.example/a", 1, HashHex(lure)));
  w.ads.push_back(
      AdWithImage("https://jobs.example/b", 2, HashHex(lure ^ 0x8000000100000011ULL)));  // 4 bits
  w.ads.push_back(
      AdWithImage("https://jobs.example/c", 3, HashHex(lure ^ 0xffff000000000000ULL)));  // 16 bits
  w.ads.push_back(AdWithImage("https://jobs.example/d", 4, ""));                         // not read
  auto written = store->Write(w);
  REQUIRE(written.has_value());
  const auto& ids = written->ads;

  auto near = store->AdsWithSimilarImage(lure, kSameImageMaxDistance);
  REQUIRE(near.has_value());
  std::vector<std::string> expected = {ids[0].ad_id, ids[1].ad_id};
  std::sort(expected.begin(), expected.end());
  CHECK(*near == expected);
  auto exact = store->AdsWithSimilarImage(lure, 0);
  REQUIRE(exact.has_value());
  CHECK(*exact == std::vector<std::string>{ids[0].ad_id});
  CHECK(store->AdsWithSimilarImage(0, 10)->empty());

  // The index follows the ad: a new reading of its image moves it.
  AdWrite moved = AdWithImage("https://jobs.example/a", 1, HashHex(~lure));
  PageWrite w2;
  w2.page = MakeFetch("https://jobs.example/list", "<p>y</p>", kNoonJakarta + 1000);
  w2.ads.push_back(moved);
  REQUIRE(store->Write(w2).has_value());
  auto after = store->AdsWithSimilarImage(lure, kSameImageMaxDistance);
  REQUIRE(after.has_value());
  CHECK(*after == std::vector<std::string>{ids[1].ad_id});
  auto check = store->Check();
  REQUIRE(check.has_value());
  for (const auto& p : check->problems) UNSCOPED_INFO(p);
  CHECK(check->problems.empty());
}

}  // namespace
}  // namespace adwatch::storage
