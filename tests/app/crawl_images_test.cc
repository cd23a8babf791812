// A crawl of a loopback site whose ads are image-only: the posters are fetched (each URL once,
// robots.txt obeyed, a bomb refused with its reason), kept as evidence, read, and flag their ads;
// ads carrying the same poster are linked by its hash.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "adwatch/common/clock.h"
#include "adwatch/common/hash.h"
#include "adwatch/storage/store.h"
#include "support/posters.h"
#include "support/run.h"
#include "support/test_server.h"

using adwatch::testing::Adwatch;
using adwatch::testing::Poster;
using adwatch::testing::Route;
using adwatch::testing::RunCommand;
using adwatch::testing::TempDir;
using adwatch::testing::TestServer;

namespace {

std::string AdPage(const std::string& img) {
  return "<html><head><title>Info loker</title></head><body><nav><img "
         "src=\"/logo.png\"></nav><article>"
         "<h1>Info loker</h1><p>Info lengkap di gambar, minat DM.</p><img src=\"" +
         img + "\" alt=\"poster\"></article></body></html>";
}

}  // namespace

TEST_CASE("A crawl reads image-only ads, keeps the posters and links reposts by hash",
          "[app][image]") {
  auto started = TestServer::Start({});
  REQUIRE(started.has_value());
  TestServer& server = **started;
  server.Set("/robots.txt", Route::Text("User-agent: *\nDisallow: /private/\n"));
  server.Set("/img/lure.png", Route::Bytes(Poster("lure_id.png"), "image/png"));
  server.Set("/img/lure_small.jpg", Route::Bytes(Poster("lure_id_small.jpg"), "image/jpeg"));
  server.Set("/img/unrelated.png", Route::Bytes(Poster("unrelated_id.png"), "image/png"));
  server.Set("/img/bomb.png", Route::Bytes(Poster("bomb_30000.png"), "image/png"));
  server.Set("/private/p.png", Route::Bytes(Poster("lure_id.png"), "image/png"));
  server.Set("/logo.png", Route::Bytes(Poster("unrelated_id.png"), "image/png"));
  const char* images[] = {"/img/lure.png", "/img/lure_small.jpg", "/img/unrelated.png",
                          "/img/bomb.png", "/img/lure.png",       "/private/p.png"};
  std::string index = "<html><body>";
  for (int i = 0; i < 6; ++i) {
    server.Serve("/ad/" + std::to_string(i), AdPage(images[i]));
    index += "<a href=\"/ad/" + std::to_string(i) + "\">iklan</a> ";
  }
  server.Serve("/", index + "</body></html>");

  TempDir dir;
  const std::string db = dir / "db";
  const std::string config = dir / "adwatch.yaml";
  std::ofstream(config)
      << "crawl:\n  allowed_private_ranges: [\"127.0.0.0/8\"]\nimages:\n  max_per_ad: 2\n";
  auto crawl = RunCommand(Adwatch() + " crawl --config " + config + " --start " + server.Url("/") +
                          " --db " + db + " --host-delay 0");
  INFO(crawl.out << crawl.err);
  REQUIRE(crawl.exit_code == 0);

  // Each image URL fetched once; robots.txt obeyed; no image of boilerplate (the logo) fetched.
  CHECK(server.Hits("/img/lure.png") == 1);
  CHECK(server.Hits("/img/lure_small.jpg") == 1);
  CHECK(server.Hits("/private/p.png") == 0);
  CHECK(server.Hits("/logo.png") == 0);

  adwatch::SystemClock clock;
  adwatch::storage::StoreOptions so;
  so.path = db;
  auto store = adwatch::storage::Store::Open(so, clock);
  REQUIRE(store.has_value());
  std::map<std::string, adwatch::AdRecord> by_path;
  REQUIRE((*store)
              ->ForEachAd("", "",
                          [&](const adwatch::AdRecord& r) {
                            const size_t at = r.ad.url.find("/ad/");
                            if (at != std::string::npos) by_path[r.ad.url.substr(at)] = r;
                            return true;
                          })
              .ok());
  REQUIRE(by_path.size() == 6);
  const auto& lure = by_path["/ad/0"];
  const auto& repost = by_path["/ad/1"];
  INFO(lure.ad.image_text);
  CHECK(lure.verdict.level >= adwatch::Level::kMedium);
  CHECK(repost.verdict.level >= adwatch::Level::kMedium);
  CHECK(by_path["/ad/4"].verdict.level >= adwatch::Level::kMedium);  // same URL, reading reused
  CHECK(by_path["/ad/2"].verdict.level < adwatch::Level::kMedium);
  bool e164 = false;
  for (const auto& c : lure.verdict.entities.contacts)
    e164 = e164 || (c.value == "+6281234567890" && c.field == "image");
  CHECK(e164);
  CHECK_THAT(by_path["/ad/3"].ad.images[0].problem, Catch::Contains("max_pixels"));
  CHECK_THAT(by_path["/ad/5"].ad.images[0].problem, Catch::Contains("robots_denied"));

  // The poster is kept as evidence, byte for byte.
  REQUIRE(lure.ad.images.size() == 1);
  auto kept = (*store)->GetImage(lure.ad.images[0].sha256_hex, /*with_body=*/true);
  REQUIRE(kept.has_value());
  CHECK(kept->body == Poster("lure_id.png"));
  CHECK(kept->fetched_at_ms > 0);

  // The resized repost is linked to the original by its hash; the unrelated poster is not.
  auto same = (*store)->AdsWithSimilarImage(*adwatch::ParseHashHex(lure.ad.images[0].phash),
                                            adwatch::kSameImageMaxDistance);
  REQUIRE(same.has_value());
  CHECK(std::count(same->begin(), same->end(), repost.ad_id) == 1);
  CHECK(std::count(same->begin(), same->end(), by_path["/ad/2"].ad_id) == 0);
  auto check = (*store)->Check();
  REQUIRE(check.has_value());
  CHECK(check->problems.empty());
  store->reset();  // the commands below open the database themselves

  // `review show` names the ad carrying the same poster; `evidence` bundles the poster.
  auto show = RunCommand(Adwatch() + " review show " + lure.ad_id + " --json --db " + db);
  REQUIRE(show.exit_code == 0);
  CHECK_THAT(show.out, Catch::Contains("\"linked_by_image\"") && Catch::Contains(repost.ad_id));
  const std::string out = dir / "evidence";
  auto evidence =
      RunCommand(Adwatch() + " evidence " + lure.ad_id + " --out " + out + " --db " + db);
  REQUIRE(evidence.exit_code == 0);
  std::ifstream image(out + "/image-1.png", std::ios::binary);
  std::stringstream bytes;
  bytes << image.rdbuf();
  CHECK(bytes.str() == Poster("lure_id.png"));
  auto sums = RunCommand("cd " + out + " && sha256sum -c SHA256SUMS");
  CHECK(sums.exit_code == 0);
  CHECK_THAT(sums.out, Catch::Contains("image-1.png: OK"));
}
