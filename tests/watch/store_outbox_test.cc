#include "adwatch/watch/store_outbox.h"

#include <catch2/catch.hpp>

#include "watch_fixture.h"

namespace adwatch::watch::testing {
namespace {

TEST_CASE("The store outbox expands an alert once and tracks each delivery", "[watch]") {
  WatchFixture f;
  f.Watch(WatchKind::kPhone, "0812-3456-7890");
  f.Crawl("https://loker.example/1",
          "Lowongan kerja di Kamboja gaji besar, hubungi 0812 3456 7890 sekarang juga ya");
  StoreOutbox outbox(*f.store);
  auto fresh = outbox.NewAlerts(10);
  REQUIRE(fresh.has_value());
  REQUIRE(fresh->size() == 1);
  const Alert alert = fresh->at(0);
  CHECK(alert.matched == "+6281234567890");
  auto got = outbox.GetAlert(alert.id);
  REQUIRE(got.has_value());
  CHECK(got->ad_id == alert.ad_id);

  const int64_t now = f.clock.NowMs();
  std::vector<Delivery> ds = {{.alert_id = alert.id,
                               .channel = Channel::kEmail,
                               .recipient = "unit@polri.example",
                               .next_attempt_ms = now},
                              {.alert_id = alert.id,
                               .channel = Channel::kWebhook,
                               .recipient = "https://hook.example/a|b",
                               .next_attempt_ms = now + 60'000}};
  REQUIRE(outbox.Expand(alert.id, ds).ok());
  CHECK(outbox.NewAlerts(10)->empty());
  // A replay after a crash changes nothing.
  REQUIRE(outbox.Expand(alert.id, {}).ok());
  auto due = outbox.Due(now, 10);
  REQUIRE(due.has_value());
  REQUIRE(due->size() == 1);
  CHECK(due->at(0).recipient == "unit@polri.example");
  CHECK(outbox.Due(now + 60'000, 10)->size() == 2);

  Delivery sent = due->at(0);
  sent.state = DeliveryState::kSent;
  sent.attempts = 1;
  sent.sent_ms = now + 5;
  REQUIRE(outbox.Update(sent).ok());
  CHECK(outbox.Due(now + 60'000, 10)->size() == 1);
  CHECK(*outbox.SentSince("unit@polri.example", now) == 1);
  CHECK(*outbox.SentSince("unit@polri.example", now + 6) == 0);
  CHECK(*outbox.SentSince("https://hook.example/a|b", 0) == 0);

  Delivery failed = outbox.Due(now + 60'000, 10)->at(0);
  failed.state = DeliveryState::kFailed;
  failed.last_error = "HTTP 500 three times";
  REQUIRE(outbox.Update(failed).ok());
  CHECK(outbox.Due(now + 3600'000, 10)->empty());
  Delivery unknown = failed;
  unknown.recipient = "https://never.example/";
  CHECK(outbox.Update(unknown).IsNotFound());
}

}  // namespace
}  // namespace adwatch::watch::testing
