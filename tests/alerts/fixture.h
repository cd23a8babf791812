// What the alert delivery tests share: a sample alert, and a harness of an in-memory outbox, a
// manual clock, the loopback SMTP sink with the real SMTP sender, and a loopback webhook sink
// with the real webhook sender allowed to reach it.
#ifndef ADWATCH_TESTS_ALERTS_FIXTURE_H_
#define ADWATCH_TESTS_ALERTS_FIXTURE_H_

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "adwatch/alerts/dispatcher.h"
#include "adwatch/alerts/webhook.h"
#include "adwatch/export/mail.h"
#include "smtp_sink.h"
#include "support/manual_clock.h"
#include "support/memory_outbox.h"
#include "support/webhook_sink.h"

namespace adwatch::testing {

inline constexpr char kOrg[] = "polda-kepri";
inline constexpr char kSecret[] = "s3cret-hook-key";
inline constexpr char kBaseUrl[] = "https://adwatch.example.org";

// Alert `n` of org kOrg on a watched phone number; ids sort in raising order.
inline watch::Alert SampleAlert(int n, std::string org = kOrg) {
  char id[32];
  std::snprintf(id, sizeof id, "a%06d", n);
  watch::Alert a;
  a.id = id;
  a.org = std::move(org);
  a.cause = watch::AlertCause::kWatch;
  a.entry_id = "w1";
  a.matched = "+6281234567" + std::to_string(100 + n % 900);
  a.note = "Perekrut kasus 2025/KPR/17 (recruiter of case 17)";
  a.ad_id = "ad-" + std::to_string(n);
  a.ad_url = "https://lowongan.example.com/post/" + std::to_string(n);
  a.source = "lowongan-board";
  a.regions = {"ID-KR", "ID-JI"};
  a.level = "high";
  a.pattern = "compound_scam";
  a.reasons_id = {"Gaji tidak wajar untuk pekerjaan tanpa keahlian"};
  a.reasons_en = {"Unrealistic salary for unskilled work"};
  a.seen_ms = kManualClockStart - 60'000;
  a.created_ms = kManualClockStart - 30'000;
  return a;
}

// The plain-text and the HTML alternative of a sent mail.
inline std::string MailText(const std::string& data) {
  return MailPart(data, "Content-Type: text/plain");
}
inline std::string MailHtml(const std::string& data) {
  return MailPart(data, "Content-Type: text/html");
}

struct Harness {
  MemoryOutbox outbox;
  ManualClock clock;
  std::unique_ptr<SmtpSink> smtp = SmtpSink::Start();
  std::unique_ptr<WebhookSink> hook = WebhookSink::Start();
  std::unique_ptr<exporter::MailSender> mail;
  std::unique_ptr<alerts::WebhookSender> webhooks;
  alerts::DispatcherOptions options;

  Harness() {
    REQUIRE(smtp);
    REQUIRE(hook);
    auto m = exporter::NewSmtpSender({.url = smtp->url(),
                                      .tls = exporter::SmtpTls::kNone,
                                      .from = "adwatch <alerts@adwatch.example.org>",
                                      .timeout_ms = 10'000});
    REQUIRE(m);
    mail = std::move(*m);
    // The sink is on loopback: allowed explicitly, as the crawler's tests allow their sites.
    auto w = alerts::NewCurlWebhookSender({.allowed_ports = {80, 443, hook->port()},
                                           .allowed_private_ranges = {"127.0.0.1/32"},
                                           .connect_timeout_ms = 3000,
                                           .total_timeout_ms = 10'000});
    REQUIRE(w);
    webhooks = std::move(*w);
    options.base_url = kBaseUrl;
    options.mail_from = "adwatch <alerts@adwatch.example.org>";
  }

  // One recipient entry of kOrg with `email` and/or the sink's webhook.
  alerts::Recipient& AddRecipient(std::vector<std::string> email, bool webhook,
                                  alerts::Lang lang = alerts::Lang::kId) {
    alerts::Recipient r;
    r.org = kOrg;
    r.lang = lang;
    r.email = std::move(email);
    if (webhook) r.webhooks.push_back({.url = hook->Url(), .secret = kSecret});
    options.recipients.push_back(std::move(r));
    return options.recipients.back();
  }

  std::unique_ptr<alerts::Dispatcher> NewDispatcher() {
    auto d = alerts::Dispatcher::Create(options, outbox, mail.get(), webhooks.get(), clock);
    REQUIRE(d);
    return std::move(*d);
  }

  alerts::PassStats Pass(alerts::Dispatcher& d) {
    auto s = d.RunOnce();
    REQUIRE(s);
    return *s;
  }
};

}  // namespace adwatch::testing

#endif  // ADWATCH_TESTS_ALERTS_FIXTURE_H_
