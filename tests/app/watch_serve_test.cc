// Watch entries and alerts through a running `adwatch serve`: entries added on the command line
// (through the admin socket) and through the API, an NGO's shared text matched in the step that
// stores it, and organisations kept apart at the HTTP level.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>

#include <catch2/catch.hpp>

#include "serve_support.h"
#include "support/webhook_sink.h"

namespace adwatch::testing {
namespace {

TEST_CASE("A watched number in a shared submission raises an alert only its org sees",
          "[app][serve][watch]") {
  Service s;
  const std::string ngo = s.Token("yayasan-a", "ngo");
  const std::string kepri = s.Token("polda-kepri", "police");
  const std::string ntt = s.Token("polda-ntt", "police");

  // Added on the command line while serve holds the database: it goes through the admin socket
  // and takes effect for the next ad the service stores.
  auto add =
      RunCommand(Adwatch() + " --config " + s.config() +
                 " watch add phone '0812-5550-1234' --note 'kasus 7/2026' --org polda-kepri");
  INFO(add.err);
  REQUIRE(add.exit_code == 0);
  CHECK_THAT(add.out, Catch::Contains("+6281255501234"));
  const std::string id = add.out.substr(0, add.out.find(' '));

  auto text = Call(
      "POST", s.Url("/v1/submissions"), ngo,
      R"({"text":"Dicari admin ke Kamboja, gaji 15 juta, tiket ditanggung. WA +62 812 5550 1234","share":true})");
  REQUIRE(text.status == 202);
  REQUIRE(WaitDone(s, ngo, Json(text)["id"])["status"] == "done");

  auto alerts = Json(Call("GET", s.Url("/v1/alerts?since=1d"), kepri));
  INFO(alerts.dump());
  REQUIRE(alerts["items"].size() == 1);
  CHECK(alerts["items"][0]["matched"] == "+6281255501234");
  CHECK(alerts["items"][0]["note"] == "kasus 7/2026");
  CHECK(alerts["items"][0]["entry_id"] == id);

  auto cli = RunCommand(Adwatch() + " --config " + s.config() + " alerts list --since 1d");
  REQUIRE(cli.exit_code == 0);
  CHECK_THAT(cli.out, Catch::Contains("+6281255501234  \"kasus 7/2026\""));

  // Another organisation: sees no entry and no alert, and cannot delete the entry.
  CHECK(Json(Call("GET", s.Url("/v1/alerts?since=1d"), ntt))["items"].empty());
  CHECK(Json(Call("GET", s.Url("/v1/watch"), ntt))["items"].empty());
  CHECK(Call("DELETE", s.Url("/v1/watch/" + id), ntt).status == 404);
  CHECK(Json(Call("GET", s.Url("/v1/watch"), kepri))["items"].size() == 1);
  // NGOs may not use the watch list at all.
  CHECK(Call("GET", s.Url("/v1/watch"), ngo).status == 403);

  // Through the API: a bad pattern is refused with RE2's reason; a good entry is made and removed.
  auto bad = Call("POST", s.Url("/v1/watch"), ntt, R"({"kind":"keyword","value":"gaji (besar"})");
  CHECK(bad.status == 400);
  CHECK_THAT(bad.body, Catch::Contains("missing )"));
  auto made = Call("POST", s.Url("/v1/watch"), ntt,
                   R"({"kind":"telegram","value":"t.me/Rekrut_KH","note":"x","expires":30})");
  REQUIRE(made.status == 201);
  CHECK(Json(made)["value"] == "@rekrut_kh");
  const std::string ntt_id = Json(made)["id"];
  CHECK(Call("DELETE", s.Url("/v1/watch/" + ntt_id), kepri).status == 404);
  CHECK(Call("DELETE", s.Url("/v1/watch/" + ntt_id), ntt).status == 200);
  CHECK(Json(Call("GET", s.Url("/v1/watch"), ntt))["items"].empty());
  CHECK(s.Stop() == 0);
}

std::string HmacHex(const std::string& key, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &n);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < n; ++i) {
    hex += kHex[mac[i] >> 4];
    hex += kHex[mac[i] & 15];
  }
  return hex;
}

// The `alerts:` section for one police unit whose alerts go to `sink`, every `interval_s`.
std::string AlertsConfig(const WebhookSink& sink, int interval_s) {
  return "alerts:\n"
         "  base_url: http://adwatch.test\n"
         "  interval_s: " +
         std::to_string(interval_s) +
         "\n"
         "  webhook_ports: [" +
         std::to_string(sink.port()) +
         "]\n"
         "  webhook_allowed_private_ranges: [127.0.0.0/8]\n"
         "  recipients:\n"
         "    - org: polda-kepri\n"
         "      webhooks: [{url: \"" +
         sink.Url() + "\", secret_env: ADWATCH_TEST_HOOK_SECRET}]\n";
}

// Watches a number as polda-kepri and has an NGO share a text carrying it.
void WatchAndShare(Service& s) {
  auto add =
      RunCommand(Adwatch() + " --config " + s.config() +
                 " watch add phone '0812-5550-1234' --note 'kasus 7/2026' --org polda-kepri");
  INFO(add.err);
  REQUIRE(add.exit_code == 0);
  const std::string ngo = s.Token("yayasan-a", "ngo");
  auto text = Call(
      "POST", s.Url("/v1/submissions"), ngo,
      R"({"text":"Dicari admin ke Kamboja, gaji 15 juta, tiket ditanggung. WA +62 812 5550 1234","share":true})");
  REQUIRE(text.status == 202);
  REQUIRE(WaitDone(s, ngo, Json(text)["id"])["status"] == "done");
}

std::vector<WebhookSink::Received> WaitReceived(const WebhookSink& sink, size_t n, int seconds) {
  for (int i = 0; i < seconds * 20 && sink.received().size() < n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return sink.received();
}

TEST_CASE("serve delivers a watched number's alert to the unit's webhook, signed, in seconds",
          "[app][serve][watch][alerts]") {
  auto sink = WebhookSink::Start();
  REQUIRE(sink);
  setenv("ADWATCH_TEST_HOOK_SECRET", "rahasia-uji", 1);
  Service s(AlertsConfig(*sink, 1));
  WatchAndShare(s);
  const auto got = WaitReceived(*sink, 1, 30);
  REQUIRE(got.size() == 1);
  CHECK(got[0].method == "POST");
  CHECK(got[0].Header("X-Adwatch-Signature") == "sha256=" + HmacHex("rahasia-uji", got[0].body));
  auto body = nlohmann::json::parse(got[0].body, nullptr, false);
  INFO(got[0].body);
  CHECK(body.dump().find("+6281255501234") != std::string::npos);
  CHECK(body.dump().find("kasus 7/2026") != std::string::npos);
  CHECK(body.dump().find("http://adwatch.test/review/ads/") != std::string::npos);
  CHECK(got[0].Header("X-Adwatch-Alert-Id") == body["alert"]["id"]);
  CHECK(s.Stop() == 0);
  unsetenv("ADWATCH_TEST_HOOK_SECRET");
}

TEST_CASE("An alert raised just before serve is killed is delivered once after the restart",
          "[app][serve][watch][alerts]") {
  auto sink = WebhookSink::Start();
  REQUIRE(sink);
  setenv("ADWATCH_TEST_HOOK_SECRET", "rahasia-uji", 1);
  // An hour between passes: the alert raised after the first pass waits in the outbox.
  Service s(AlertsConfig(*sink, 3600));
  WatchAndShare(s);
  const std::string kepri = s.Token("polda-kepri", "police");
  REQUIRE(Json(Call("GET", s.Url("/v1/alerts?since=1d"), kepri))["items"].size() == 1);
  CHECK(sink->received().empty());
  s.Stop(SIGKILL);  // between the match and the delivery

  s.Start();  // the first pass of the new run finds it in the outbox
  CHECK(WaitReceived(*sink, 1, 30).size() == 1);
  // Another pass, asked for on the command line (through the admin socket), sends nothing more.
  auto pass = RunCommand(Adwatch() + " --config " + s.config() + " alerts deliver");
  INFO(pass.out << pass.err);
  CHECK(pass.exit_code == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(sink->received().size() == 1);
  CHECK(s.Stop() == 0);
  unsetenv("ADWATCH_TEST_HOOK_SECRET");
}

}  // namespace
}  // namespace adwatch::testing
