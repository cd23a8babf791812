#include "adwatch/alerts/webhook.h"

#include <catch2/catch.hpp>

#include "fixture.h"

namespace adwatch::testing {
namespace {

TEST_CASE("HMAC-SHA256 matches RFC 4231", "[alerts]") {
  // RFC 4231 test case 2.
  CHECK(alerts::HmacSha256Hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  const auto h = alerts::SignedHeaders("a1", "{}", "k");
  REQUIRE(h.size() == 2);
  CHECK(h[0].first == "X-Adwatch-Signature");
  CHECK(h[0].second == "sha256=" + alerts::HmacSha256Hex("k", "{}"));
  CHECK(h[1] == std::pair<std::string, std::string>{"X-Adwatch-Alert-Id", "a1"});
}

TEST_CASE("The guard refuses private, metadata and non-http webhook URLs before connecting",
          "[alerts]") {
  const alerts::WebhookOptions production;  // no private range allowed
  for (const char* url :
       {"http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/hook", "http://127.0.0.1/hook",
        "http://[::1]/hook", "http://0x7f.1/hook", "http://192.168.1.10/hook", "file:///etc/passwd",
        "gopher://a.example/", "ftp://hooks.example.org/x", "http://user:pw@hooks.example.org/",
        "https://hooks.example.org:22/x"}) {
    INFO(url);
    const Status s = alerts::CheckWebhookUrl(url, production);
    CHECK(s.IsInvalidArgument());
    CHECK_THAT(s.message(), Catch::Contains("refused"));
  }
  CHECK_THAT(alerts::CheckWebhookUrl("http://169.254.169.254/", production).message(),
             Catch::Contains("link-local"));
  CHECK(alerts::CheckWebhookUrl("https://hooks.example.org/adwatch", production).ok());
  CHECK(alerts::CheckWebhookUrl("https://93.184.215.14/adwatch", production).ok());
}

TEST_CASE("A name that resolves to a private address is refused at connect time", "[alerts]") {
  auto sink = WebhookSink::Start();
  REQUIRE(sink);
  const std::string port = std::to_string(sink->port());
  // The name is pinned (no DNS): to the sink on loopback, which production does not allow, and
  // to the metadata address.
  auto sender = alerts::NewCurlWebhookSender(
      {.allowed_ports = {80, 443, sink->port()},
       .resolve = {"hooks.example.test:" + port + ":127.0.0.1",
                   "metadata.example.test:" + port + ":169.254.169.254"},
       .connect_timeout_ms = 3000,
       .total_timeout_ms = 5000});
  REQUIRE(sender);
  for (const char* host : {"hooks.example.test", "metadata.example.test"}) {
    auto reply = (*sender)->Post(
        {.url = std::string("http://") + host + ":" + port + "/hook", .body = "{}"});
    REQUIRE_FALSE(reply);
    CHECK(reply.error().IsInvalidArgument());
    CHECK_THAT(reply.error().message(), Catch::Contains("refused to connect"));
  }
  CHECK(sink->received().empty());

  // The same name allowed explicitly (as tests allow their loopback sinks) goes through.
  auto allowed =
      alerts::NewCurlWebhookSender({.allowed_ports = {80, 443, sink->port()},
                                    .allowed_private_ranges = {"127.0.0.1/32"},
                                    .resolve = {"hooks.example.test:" + port + ":127.0.0.1"}});
  REQUIRE(allowed);
  auto ok = (*allowed)->Post({.url = "http://hooks.example.test:" + port + "/hook",
                              .body = "{\"a\":1}",
                              .headers = {{"X-Test", "1\r\nInjected: yes"}}});
  REQUIRE(ok);
  CHECK(ok->status == 200);
  const auto got = sink->received();
  REQUIRE(got.size() == 1);
  CHECK(got[0].body == "{\"a\":1}");
  CHECK(got[0].Header("Content-Type") == "application/json");
  CHECK(got[0].Header("Injected").empty());
}

TEST_CASE("A redirect is not followed", "[alerts]") {
  auto sink = WebhookSink::Start();
  REQUIRE(sink);
  sink->FailFirst(1, 307, sink->Url("/elsewhere"));
  auto sender = alerts::NewCurlWebhookSender(
      {.allowed_ports = {sink->port()}, .allowed_private_ranges = {"127.0.0.1/32"}});
  REQUIRE(sender);
  auto reply = (*sender)->Post({.url = sink->Url(), .body = "{}"});
  REQUIRE(reply);
  CHECK(reply->status == 307);
  const auto got = sink->received();
  REQUIRE(got.size() == 1);
  CHECK(got[0].target == "/hook");
}

TEST_CASE("Webhook options with a bad range or resolve entry are refused", "[alerts]") {
  CHECK_FALSE(
      alerts::Validate(alerts::WebhookOptions{.allowed_private_ranges = {"10.0.0.0/99"}}).ok());
  CHECK_FALSE(alerts::Validate(alerts::WebhookOptions{.resolve = {"nohost"}}).ok());
  CHECK_FALSE(alerts::Validate(alerts::WebhookOptions{.allowed_ports = {0}}).ok());
  CHECK(alerts::Validate(alerts::WebhookOptions{}).ok());
}

}  // namespace
}  // namespace adwatch::testing
