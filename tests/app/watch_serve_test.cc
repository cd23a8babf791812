// Watch entries and alerts through a running `adwatch serve`: entries added on the command line
// (through the admin socket) and through the API, an NGO's shared text matched in the step that
// stores it, and organisations kept apart at the HTTP level.
#include <catch2/catch.hpp>

#include "serve_support.h"

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

}  // namespace
}  // namespace adwatch::testing
