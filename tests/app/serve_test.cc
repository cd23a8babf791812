// `adwatch serve` as an operator and its users meet it: started as a process with a config and a
// database, asked over HTTP on loopback by an NGO and a police token, managed through the admin
// socket while it runs, stopped with SIGTERM and started again.
#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "serve_support.h"
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

using adwatch::testing::Call;
using adwatch::testing::Json;
using adwatch::testing::Service;
using adwatch::testing::WaitDone;

const char* kLure =
    "<html><head><title>Lowongan admin Kamboja</title></head><body><article><h1>DICARI ADMIN "
    "CS ONLINE</h1><p>Penempatan Kamboja (Sihanoukville). Gaji 15 juta per bulan, tiket dan "
    "visa ditanggung perusahaan, tanpa pengalaman, berangkat minggu depan. Hubungi WA "
    "+62 812 5550 1234 atau Telegram @rekrut_kh_555.</p></article></body></html>";

}  // namespace

TEST_CASE("An NGO submits a link and a pasted text and reads the verdicts", "[app][serve]") {
  auto site = TestServer::Start({.address = "127.0.0.2"});
  REQUIRE(site);
  (*site)->Set("/robots.txt", Route::Text("User-agent: *\nDisallow: /private/\n"));
  (*site)->Set("/loker/1", Route::Html(kLure));
  (*site)->Set("/private/1", Route::Html(kLure));
  const std::string port = std::to_string((*site)->port());
  Service s("api: {submission_allow_ranges: [127.0.0.2/32], submission_allow_ports: [" + port +
            "]}\n");
  const std::string ngo = s.Token("yayasan-a", "ngo");
  const std::string police = s.Token("polda-kepri", "police");

  // A link: fetched through the guard, classified, stored; the police see its ad.
  auto r = Call("POST", s.Url("/v1/submissions"), ngo,
                R"({"url":")" + (*site)->Url("/loker/1") + R"("})");
  REQUIRE(r.status == 202);
  auto done = WaitDone(s, ngo, Json(r)["id"]);
  INFO(done.dump());
  REQUIRE(done["status"] == "done");
  const auto& result = done["result"];
  CHECK(result["verdict"]["level"] == "high");
  CHECK(result["verdict"]["pattern"] == "compound_scam");
  CHECK(result["summary"].get<std::string>().find("Risiko TINGGI") == 0);
  CHECK(!result["contacts"].empty());
  const std::string ad_id = result["ad_id"];
  CHECK(Call("GET", s.Url("/v1/ads/" + ad_id), police).status == 200);

  // robots.txt applies.
  auto denied = Call("POST", s.Url("/v1/submissions"), ngo,
                     R"({"url":")" + (*site)->Url("/private/1") + R"("})");
  auto failed = WaitDone(s, ngo, Json(denied)["id"]);
  CHECK(failed["status"] == "failed");
  CHECK(failed["reason"].get<std::string>().find("robots.txt") != std::string::npos);
  CHECK((*site)->LogFor("/private/1").empty());

  // A pasted text: private unless shared; the shared one links to the link's ad by its phone.
  auto text = Call(
      "POST", s.Url("/v1/submissions?lang=en"), ngo,
      R"({"text":"Dicari admin ke Kamboja, gaji 15 juta, tiket ditanggung. WA +62 812 5550 1234"})");
  REQUIRE(text.status == 202);
  auto verdict = WaitDone(s, ngo, Json(text)["id"]);
  REQUIRE(verdict["status"] == "done");
  CHECK(verdict["result"]["other_flagged_ads_sharing_a_contact"] == 1);
  CHECK(!verdict["result"].contains("ad_id"));
  auto ads = Json(Call("GET", s.Url("/v1/ads"), police));
  CHECK(ads["items"].size() == 1);  // the private text is not among the ads
  CHECK(s.Stop() == 0);
}

TEST_CASE("serve refuses to listen beyond loopback without TLS", "[app][serve]") {
  TempDir dir;
  const std::string config = dir.Write("adwatch.yaml", "storage: {path: " + (dir / "db") + "}\n");
  auto r = RunCommand(Adwatch() + " --config " + config + " serve --no-crawl --listen 0.0.0.0:0");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("without TLS") != std::string::npos);
}

TEST_CASE("Tokens are made and revoked while serve runs, and a revoked one is refused at once",
          "[app][serve]") {
  Service s;
  const std::string police = s.Token("polres-kupang", "police");  // through the admin socket
  CHECK(Call("GET", s.Url("/v1/ads"), police).status == 200);
  auto list = RunCommand(Adwatch() + " --config " + s.config() + " token list");
  REQUIRE(list.exit_code == 0);
  CHECK(list.out.find("polres-kupang") != std::string::npos);
  CHECK(list.out.find(police) == std::string::npos);  // the text is never shown again
  auto revoke =
      RunCommand(Adwatch() + " --config " + s.config() + " token revoke " + police.substr(4, 8));
  INFO(revoke.err);
  REQUIRE(revoke.exit_code == 0);
  CHECK(Call("GET", s.Url("/v1/ads"), police).status == 401);
  // A second writer process is not needed: the reading commands open the store beside it.
  auto review = RunCommand(Adwatch() + " --config " + s.config() + " review list --day 2026-11-22");
  CHECK(review.exit_code == 0);
}

TEST_CASE("SIGTERM lets requests finish, and a restart resumes queued submissions",
          "[app][serve]") {
  auto site = TestServer::Start({.address = "127.0.0.2"});
  REQUIRE(site);
  (*site)->Set("/robots.txt", Route::Text("User-agent: *\n"));
  // Slow enough that the stop arrives while the submission is being fetched.
  (*site)->Set("/slow", Route::Html(kLure).WithDelay(1500));
  const std::string port = std::to_string((*site)->port());
  Service s("api: {submission_allow_ranges: [127.0.0.2/32], submission_allow_ports: [" + port +
            "], submission_fetches: 1}\n");
  const std::string ngo = s.Token("yayasan-b", "ngo");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto r = Call("POST", s.Url("/v1/submissions"), ngo,
                  R"({"url":")" + (*site)->Url("/slow") + R"("})");
    REQUIRE(r.status == 202);
    ids.push_back(Json(r)["id"]);
  }
  // Requests in flight while the stop comes: each gets an answer, none a reset.
  std::vector<std::thread> clients;
  std::atomic<int> answered{0};
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&] {
      auto r = Call("GET", s.Url("/v1/submissions"), ngo);
      if (r.status == 200 || r.status == 503) ++answered;
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(s.Stop(SIGTERM) == 0);
  for (auto& t : clients) t.join();
  CHECK(answered == 8);
  CHECK(s.Log().find("stopped cleanly") != std::string::npos);

  s.Start();
  for (const std::string& id : ids) {
    auto j = WaitDone(s, ngo, id);
    CHECK(j["status"] == "done");
  }
  INFO(s.Log());
  CHECK(s.Log().find("resumed") != std::string::npos);
}

TEST_CASE("/metrics is read by Prometheus's own text parser", "[app][serve]") {
  Service s;
  const std::string police = s.Token("polda-ntt", "police");
  Call("GET", s.Url("/v1/ads"), police);
  Call("GET", s.Url("/v1/ads"), "adw_" + std::string(43, 'x'));
  auto m = Call("GET", s.Url("/metrics"));
  REQUIRE(m.status == 200);
  TempDir dir;
  const std::string file = dir.Write("metrics.txt", m.body);
  // prometheus_client (Debian's python3-prometheus-client) parses the exposition format.
  auto parsed = RunCommand(
      "/usr/bin/python3 -c \"import sys; from prometheus_client.parser import "
      "text_string_to_metric_families as p; fams = list(p(open(sys.argv[1]).read())); "
      "names = {s.name + str(sorted(s.labels.items())) + '=' + str(s.value) for f in fams for s in "
      "f.samples}; print(len(fams)); print('\\n'.join(sorted(names)))\" " +
      file);
  INFO(parsed.err);
  REQUIRE(parsed.exit_code == 0);
  CHECK(
      parsed.out.find("adwatch_api_requests_total[('route', '/v1/ads'), ('status', '200')]=1.0") !=
      std::string::npos);
  CHECK(
      parsed.out.find("adwatch_api_requests_total[('route', '/v1/ads'), ('status', '401')]=1.0") !=
      std::string::npos);
  CHECK(parsed.out.find("adwatch_api_request_duration_seconds_bucket") != std::string::npos);
}

TEST_CASE("An NGO uploads a poster and gets its verdict with the text read from it",
          "[app][serve][image]") {
  auto site = TestServer::Start({.address = "127.0.0.2"});
  REQUIRE(site);
  // A page whose ad says only "see the picture": its poster is read like the crawl's.
  (*site)->Set("/robots.txt", Route::Text("User-agent: *\nAllow: /\n"));
  (*site)->Set("/poster.png", Route::Bytes(Poster("lure_id.png"), "image/png"));
  (*site)->Set("/loker/gambar",
               Route::Html("<html><head><title>Info loker</title></head><body><article>"
                           "<h1>Info loker</h1><p>Info lengkap di gambar, minat DM.</p>"
                           "<img src=\"/poster.png\" alt=\"poster\"></article></body></html>"));
  const std::string port = std::to_string((*site)->port());
  Service s("api: {submission_allow_ranges: [127.0.0.2/32], submission_allow_ports: [" + port +
            "]}\n");
  const std::string ngo = s.Token("yayasan-a", "ngo");
  const std::string other = s.Token("yayasan-b", "ngo");
  const std::string police = s.Token("polda-ntt", "police");

  // A private upload: read, scored, its number in E.164; not an ad, not seen by another org.
  auto r = Call("POST", s.Url("/v1/submissions"), ngo, Poster("lure_id.png"), "image/png");
  INFO(r.body);
  REQUIRE(r.status == 202);
  const std::string id = Json(r)["id"];
  auto done = WaitDone(s, ngo, id, 120);
  INFO(done.dump());
  REQUIRE(done["status"] == "done");
  CHECK(done["kind"] == "image");
  CHECK(done["image"]["type"] == "image/png");
  CHECK(std::regex_match(done["image"]["phash"].get<std::string>(), std::regex("[0-9a-f]{16}")));
  const auto& verdict = done["result"]["verdict"];
  const std::string level = verdict["level"];
  CHECK((level == "medium" || level == "high" || level == "critical"));
  CHECK(done["result"].dump().find("+6281234567890") != std::string::npos);
  CHECK(!done["result"].contains("ad_id"));
  CHECK(Call("GET", s.Url("/v1/submissions/" + id), other).status == 404);

  // Shared: stored as an ad whose image is kept as evidence; the police see it.
  auto shared =
      Call("POST", s.Url("/v1/submissions?share=true"), ngo, Poster("lure_id.webp"), "image/webp");
  auto shared_done = WaitDone(s, ngo, Json(shared)["id"], 120);
  INFO(shared_done.dump());
  REQUIRE(shared_done["status"] == "done");
  const std::string ad_id = shared_done["result"]["ad_id"];
  auto ad = Call("GET", s.Url("/v1/ads/" + ad_id), police);
  INFO(ad.body);
  CHECK(ad.status == 200);
  CHECK(ad.body.find("+6281234567890") != std::string::npos);

  // A link whose ad is only a picture: the poster on the page is read.
  auto link = Call("POST", s.Url("/v1/submissions"), ngo,
                   R"({"url":")" + (*site)->Url("/loker/gambar") + R"("})");
  auto link_done = WaitDone(s, ngo, Json(link)["id"], 120);
  INFO(link_done.dump());
  REQUIRE(link_done["status"] == "done");
  const std::string link_level = link_done["result"]["verdict"]["level"];
  CHECK((link_level == "medium" || link_level == "high" || link_level == "critical"));

  // Refused at once, with the reason: a bomb by its header, a truncated file, a text labelled
  // as an image, an image type the service does not read.
  auto bomb = Call("POST", s.Url("/v1/submissions"), ngo, Poster("bomb_30000.png"), "image/png");
  CHECK(bomb.status == 400);
  CHECK(bomb.body.find("30000 x 30000") != std::string::npos);
  auto cut =
      Call("POST", s.Url("/v1/submissions"), ngo, Poster("lure_id.png").substr(0, 20), "image/png");
  CHECK(cut.status == 400);
  CHECK(Json(cut)["error"] == "invalid_image");
  // Cut short after a whole header: taken, then failed with the decoder's reason.
  auto truncated =
      Call("POST", s.Url("/v1/submissions"), ngo, Poster("truncated.png"), "image/png");
  REQUIRE(truncated.status == 202);
  auto truncated_done = WaitDone(s, ngo, Json(truncated)["id"], 120);
  CHECK(truncated_done["status"] == "failed");
  CHECK(truncated_done["reason"].get<std::string>().find("the image could not be read") == 0);
  auto text = Call("POST", s.Url("/v1/submissions"), ngo, "not an image at all", "image/png");
  CHECK(text.status == 400);
  CHECK(Call("POST", s.Url("/v1/submissions"), ngo, "BM", "image/bmp").status == 400);
  auto big = Call("POST", s.Url("/v1/submissions"), ngo, std::string(6 << 20, 'x'), "image/png");
  CHECK(big.status == 413);
  CHECK(s.Stop() == 0);
}

TEST_CASE("A service with images turned off refuses uploads in words", "[app][serve][image]") {
  Service s("images: {enabled: false}\n");
  const std::string ngo = s.Token("yayasan-a", "ngo");
  auto r = Call("POST", s.Url("/v1/submissions"), ngo, Poster("lure_id.png"), "image/png");
  CHECK(r.status == 415);
  CHECK(r.body.find("does not read images") != std::string::npos);
  CHECK(s.Stop() == 0);
}
