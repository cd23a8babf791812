#include "adwatch/alerts/dispatcher.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "fixture.h"

namespace adwatch::testing {
namespace {

using alerts::Lang;
using watch::DeliveryState;

// The receiver's check, written the way a receiver would (OpenSSL directly, not our helper).
bool SignatureVerifies(const std::string& header, const std::string& body,
                       const std::string& secret) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  char hex[3];
  std::string expect = "sha256=";
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", mac[i]);
    expect += hex;
  }
  return header == expect;
}

TEST_CASE("An alert reaches e-mail and webhook recipients, signed", "[alerts]") {
  Harness h;
  h.AddRecipient({"unit@polda.example.org"}, /*webhook=*/true);
  h.outbox.Raise(SampleAlert(1));
  // Another organisation's alert reaches none of this organisation's recipients.
  h.outbox.Raise(SampleAlert(2, "bareskrim"));
  auto d = h.NewDispatcher();
  const auto stats = h.Pass(*d);
  CHECK(stats.expanded == 2);
  CHECK(stats.unrouted == 1);
  CHECK(stats.messages == 2);

  REQUIRE(h.smtp->WaitForMessages(1, 5000));
  const auto mails = h.smtp->messages();
  REQUIRE(mails.size() == 1);
  CHECK(mails[0].rcpt == std::vector<std::string>{"unit@polda.example.org"});
  const std::string text = MailText(mails[0].data);
  CHECK_THAT(text, Catch::Contains("+6281234567101"));
  CHECK_THAT(text, Catch::Contains("https://adwatch.example.org/review/ads/ad-1\n"));
  CHECK_THAT(MailHtml(mails[0].data),
             Catch::Contains("<a href=\"https://adwatch.example.org/review/ads/ad-1\">"));

  const auto got = h.hook->received();
  REQUIRE(got.size() == 1);
  CHECK(got[0].method == "POST");
  CHECK(got[0].Header("X-Adwatch-Alert-Id") == "a000001");
  CHECK(SignatureVerifies(got[0].Header("X-Adwatch-Signature"), got[0].body, kSecret));
  CHECK_FALSE(SignatureVerifies(got[0].Header("X-Adwatch-Signature"), got[0].body, "wrong key"));
  const auto body = nlohmann::json::parse(got[0].body);
  CHECK(body["version"] == 1);
  CHECK(body["type"] == "alert");
  CHECK(body["alert"]["matched"] == "+6281234567101");
  CHECK(body["alert"]["ad_page"] == "https://adwatch.example.org/review/ads/ad-1");

  for (const auto& delivery : h.outbox.Deliveries()) {
    CHECK(delivery.state == DeliveryState::kSent);
    CHECK(delivery.attempts == 1);
  }
  // Nothing is sent twice.
  h.clock.Advance(3'600'000);
  CHECK(h.Pass(*d).messages == 0);
  CHECK(h.hook->received().size() == 1);
  CHECK(h.smtp->messages().size() == 1);
}

TEST_CASE("A webhook that answers 500 twice gets the alert on the third try", "[alerts]") {
  Harness h;
  h.AddRecipient({}, /*webhook=*/true);
  h.hook->FailFirst(2);
  h.outbox.Raise(SampleAlert(1));
  auto d = h.NewDispatcher();

  CHECK(h.Pass(*d).retried == 1);
  auto first = h.outbox.Find("a000001", h.hook->Url());
  REQUIRE(first);
  CHECK(first->state == DeliveryState::kPending);
  CHECK(first->attempts == 1);
  CHECK_THAT(first->last_error, Catch::Contains("HTTP 500"));
  CHECK(first->next_attempt_ms == h.clock.NowMs() + 30'000);

  // Not due yet: nothing is sent before the back-off has passed.
  h.clock.Advance(29'000);
  h.Pass(*d);
  CHECK(h.hook->received().size() == 1);

  h.clock.Advance(1'000);
  CHECK(h.Pass(*d).retried == 1);
  CHECK(h.hook->received().size() == 2);
  CHECK(h.outbox.Find("a000001", h.hook->Url())->next_attempt_ms == h.clock.NowMs() + 120'000);

  h.clock.Advance(120'000);
  CHECK(h.Pass(*d).sent == 1);
  const auto got = h.hook->received();
  REQUIRE(got.size() == 3);
  CHECK(got[2].answered == 200);
  CHECK(got[2].body == got[0].body);
  const auto done = h.outbox.Find("a000001", h.hook->Url());
  CHECK(done->state == DeliveryState::kSent);
  CHECK(done->attempts == 3);
  CHECK(done->last_error.empty());
}

TEST_CASE("After the last attempt fails the delivery is kept as failed, with the reason",
          "[alerts]") {
  Harness h;
  h.options.retry = {.backoff_ms = {1000, 5000}, .max_attempts = 3};
  h.AddRecipient({}, /*webhook=*/true);
  h.hook->FailFirst(100, 503);
  h.outbox.Raise(SampleAlert(1));
  auto d = h.NewDispatcher();
  for (int i = 0; i < 10; ++i) {
    h.Pass(*d);
    h.clock.Advance(5000);
  }
  CHECK(h.hook->received().size() == 3);
  const auto failed = h.outbox.Find("a000001", h.hook->Url());
  REQUIRE(failed);
  CHECK(failed->state == DeliveryState::kFailed);
  CHECK(failed->attempts == 3);
  CHECK_THAT(failed->last_error, Catch::Contains("gave up after 3 attempt(s)"));
  CHECK_THAT(failed->last_error, Catch::Contains("HTTP 503"));
}

TEST_CASE("A mail server that refuses keeps the delivery pending, then failed", "[alerts]") {
  Harness h;
  h.options.retry = {.backoff_ms = {1000}, .max_attempts = 2};
  h.AddRecipient({"gone@polda.example.org"}, /*webhook=*/false);
  h.smtp->RejectRecipient("gone@polda.example.org");
  h.outbox.Raise(SampleAlert(1));
  auto d = h.NewDispatcher();
  h.Pass(*d);
  CHECK(h.outbox.Find("a000001", "gone@polda.example.org")->state == DeliveryState::kPending);
  h.clock.Advance(1000);
  h.Pass(*d);
  const auto failed = h.outbox.Find("a000001", "gone@polda.example.org");
  CHECK(failed->state == DeliveryState::kFailed);
  CHECK_THAT(failed->last_error, Catch::Contains("gave up after 2"));
  CHECK(h.smtp->messages().empty());
}

TEST_CASE("A flood of 50 alerts to one recipient becomes 10 messages, the last a summary",
          "[alerts]") {
  Harness h;
  h.AddRecipient({"unit@polda.example.org"}, /*webhook=*/false).rate_limit = {10, 60};
  for (int i = 1; i <= 50; ++i) h.outbox.Raise(SampleAlert(i));
  auto d = h.NewDispatcher();
  const auto stats = h.Pass(*d);
  CHECK(stats.messages == 10);
  CHECK(stats.sent == 50);
  CHECK(stats.folded == 41);

  REQUIRE(h.smtp->WaitForMessages(10, 5000));
  const auto mails = h.smtp->messages();
  REQUIRE(mails.size() == 10);
  const std::string summary = MailText(mails.back().data);
  CHECK_THAT(mails.back().data, Catch::Contains("Subject: [adwatch] Ringkasan: 41 peringatan"));
  CHECK_THAT(summary, Catch::StartsWith("41 peringatan lagi"));
  // The summary names every folded alert: its matched value and its ad's page.
  for (int i = 10; i <= 50; ++i) {
    CHECK_THAT(summary, Catch::Contains("+6281234567" + std::to_string(100 + i)));
    CHECK_THAT(summary, Catch::Contains("/review/ads/ad-" + std::to_string(i) + "\n"));
  }
  CHECK_THAT(summary, !Catch::Contains("/review/ads/ad-9\n"));

  std::string summary_id;
  int folded = 0;
  for (const auto& delivery : h.outbox.Deliveries()) {
    CHECK(delivery.state == DeliveryState::kSent);
    if (!delivery.folded_into.empty()) {
      ++folded;
      if (summary_id.empty()) summary_id = delivery.folded_into;
      CHECK(delivery.folded_into == summary_id);
    }
  }
  CHECK(folded == 41);
  CHECK_THAT(summary, Catch::Contains(summary_id));
  CHECK(*h.outbox.SentSince("unit@polda.example.org", 0) == 10);

  // More alerts within the hour wait for the window; after it they go out.
  for (int i = 51; i <= 53; ++i) h.outbox.Raise(SampleAlert(i));
  h.clock.Advance(10 * 60'000);
  CHECK(h.Pass(*d).postponed == 3);
  CHECK(h.smtp->messages().size() == 10);
  h.clock.Advance(51 * 60'000);
  CHECK(h.Pass(*d).messages == 3);
  CHECK(h.smtp->WaitForMessages(13, 5000));
}

TEST_CASE("A dispatcher killed after Expand, before sending, delivers exactly once on restart",
          "[alerts]") {
  Harness h;
  h.AddRecipient({"unit@polda.example.org"}, /*webhook=*/true);
  h.outbox.Raise(SampleAlert(1));
  {
    auto first = h.NewDispatcher();
    alerts::PassStats stats;
    REQUIRE(first->ExpandNew(stats).ok());
    CHECK(stats.deliveries == 2);
  }  // "killed": gone before sending anything
  CHECK(h.hook->received().empty());
  CHECK(h.outbox.new_count() == 0);
  // Expanding again (a replay of the crashed pass) adds nothing.
  REQUIRE(h.outbox.Expand("a000001", {}).ok());
  CHECK(h.outbox.Deliveries().size() == 2);

  auto second = h.NewDispatcher();
  h.Pass(*second);
  auto third = h.NewDispatcher();
  h.clock.Advance(24LL * 3'600'000);
  h.Pass(*third);
  CHECK(h.hook->received().size() == 1);
  REQUIRE(h.smtp->WaitForMessages(1, 5000));
  CHECK(h.smtp->messages().size() == 1);
}

TEST_CASE("A webhook URL the guard refuses fails at once, without a connection", "[alerts]") {
  Harness h;
  auto& r = h.AddRecipient({}, /*webhook=*/false);
  r.webhooks.push_back({.url = "http://169.254.169.254/latest/meta-data/", .secret = kSecret});
  h.outbox.Raise(SampleAlert(1));
  auto d = h.NewDispatcher();
  CHECK(h.Pass(*d).failed == 1);
  const auto failed = h.outbox.Find("a000001", "http://169.254.169.254/latest/meta-data/");
  REQUIRE(failed);
  CHECK(failed->state == DeliveryState::kFailed);
  CHECK(failed->attempts == 1);
  CHECK_THAT(failed->last_error, Catch::Contains("169.254.169.254"));
  CHECK_THAT(failed->last_error, Catch::Contains("link-local"));
}

TEST_CASE("Recipients are read in their language", "[alerts]") {
  Harness h;
  h.AddRecipient({"en@polda.example.org"}, /*webhook=*/false, Lang::kEn);
  h.AddRecipient({"id@polda.example.org"}, /*webhook=*/false, Lang::kId);
  h.outbox.Raise(SampleAlert(1));
  auto d = h.NewDispatcher();
  h.Pass(*d);
  REQUIRE(h.smtp->WaitForMessages(2, 5000));
  for (const auto& m : h.smtp->messages()) {
    REQUIRE(m.rcpt.size() == 1);
    if (m.rcpt[0] == "en@polda.example.org") {
      CHECK_THAT(MailText(m.data), Catch::Contains("Matched value: +6281234567101"));
    } else {
      CHECK_THAT(MailText(m.data), Catch::Contains("Nilai yang cocok: +6281234567101"));
    }
  }
}

TEST_CASE("A removed recipient's pending delivery fails with the reason", "[alerts]") {
  Harness h;
  h.AddRecipient({}, /*webhook=*/true);
  h.hook->FailFirst(1);
  h.outbox.Raise(SampleAlert(1));
  h.Pass(*h.NewDispatcher());
  h.options.recipients.front().webhooks.front().url = h.hook->Url("/other");
  h.clock.Advance(30'000);
  h.Pass(*h.NewDispatcher());
  const auto failed = h.outbox.Find("a000001", h.hook->Url());
  CHECK(failed->state == DeliveryState::kFailed);
  CHECK_THAT(failed->last_error, Catch::Contains("no longer configured"));
}

TEST_CASE("Options with a duplicate address or an empty secret are refused", "[alerts]") {
  alerts::DispatcherOptions o;
  o.recipients.push_back({.org = "a", .email = {"x@a.example", "x@a.example"}, .where = "f:3"});
  auto bad = alerts::Validate(o);
  CHECK_THAT(bad.message(), Catch::Contains("f:3"));
  CHECK_THAT(bad.message(), Catch::Contains("listed twice"));
  o.recipients[0].email = {"x@a.example"};
  CHECK(alerts::Validate(o).ok());
  o.recipients[0].webhooks.push_back({.url = "https://hooks.example/x", .secret_env = "HOOK_KEY"});
  CHECK_THAT(alerts::Validate(o).message(), Catch::Contains("HOOK_KEY"));
  o.recipients[0].webhooks[0] = {.url = "ftp://hooks.example/x", .secret = "k"};
  CHECK_THAT(alerts::Validate(o).message(), Catch::Contains("not an http(s) URL"));
  o.recipients[0].webhooks.clear();
  o.recipients[0].email = {"not-an-address"};
  CHECK_THAT(alerts::Validate(o).message(), Catch::Contains("not an e-mail address"));
}

}  // namespace
}  // namespace adwatch::testing
