// The 60 hostile URLs of tests/data/ssrf_vectors.tsv submitted as links through the API of a
// running `adwatch serve`: none may reach the internal service, and the allowed ones must not be
// refused. Every vector runs here except those naming non-loopback addresses ("netns"), which run
// only inside a network namespace holding nothing but lo (CTest runs the [.serve-netns] case under
// `unshare -rn`; the case refuses to run anywhere else).
#include <catch2/catch.hpp>
#include <set>

#include "serve_support.h"
#include "support/ssrf_fixture.h"

using adwatch::testing::Call;
using adwatch::testing::Json;
using adwatch::testing::LoadVectors;
using adwatch::testing::NetworkInterfaces;
using adwatch::testing::Service;
using adwatch::testing::Sites;
using adwatch::testing::Vector;
using adwatch::testing::WaitDone;

namespace {

void SubmitVectors(bool in_namespace) {
  Sites sites;
  const auto vectors = LoadVectors();
  // The vectors' name pins, and example.com pinned inward so that a parser differential that
  // leaked it would be counted by the internal service, never reach the real host.
  std::string pins = "[example.com:80:127.0.0.1, example.com:443:127.0.0.1, example.com:" +
                     std::to_string(sites.internal->port()) + ":127.0.0.1";
  for (const Vector& v : vectors) {
    if (!v.resolve.empty()) pins += ", \"" + sites.Rewrite(v.resolve) + "\"";
  }
  pins += "]";
  Service s("api: {submission_allow_ranges: [127.0.0.2/32], submission_allow_ports: [80, 443, " +
            std::to_string(sites.internal->port()) + ", " + std::to_string(sites.origin->port()) +
            "], submission_resolve: " + pins + ", submission_burst: 100, submission_fetches: 4}\n");
  const std::string ngo = s.Token("yayasan-uji", "ngo");

  int submitted = 0;
  for (const Vector& v : vectors) {
    if (v.how == "netns" && !in_namespace) continue;
    const std::string url = sites.Rewrite(v.url);
    INFO("vector " << v.id << " (" << v.what << "): " << url);
    auto r = Call("POST", s.Url("/v1/submissions"), ngo, nlohmann::json{{"url", url}}.dump());
    ++submitted;
    bool refused = false;
    std::string why;
    if (r.status == 400) {
      refused = true;  // refused before it was queued
      why = Json(r)["message"];
    } else {
      REQUIRE(r.status == 202);
      auto done = WaitDone(s, ngo, Json(r)["id"]);
      why = done.value("reason", "");
      refused =
          done["status"] == "failed" &&
          (why.rfind("refused", 0) == 0 || why.find("private or internal") != std::string::npos);
    }
    INFO("answer: " << why);
    if (v.block) {
      CHECK(refused);
    } else {
      CHECK_FALSE(refused);
    }
    CHECK(sites.InternalHits() == 0);
  }
  CHECK(submitted >= (in_namespace ? 60 : 40));
  CHECK(sites.InternalHits() == 0);
  // Vector 57, the allowed origin page, was fetched from the origin.
  CHECK(!sites.origin->LogFor("/plain").empty());
}

}  // namespace

TEST_CASE("Hostile links submitted through the API never reach an internal service",
          "[app][serve][ssrf]") {
  SubmitVectors(/*in_namespace=*/false);
}

TEST_CASE("Every hostile link, non-loopback ones too, inside an empty network namespace",
          "[.serve-netns]") {
  const auto interfaces = NetworkInterfaces();
  REQUIRE(interfaces == std::vector<std::string>{"lo"});  // never outside a namespace
  SubmitVectors(/*in_namespace=*/true);
}
