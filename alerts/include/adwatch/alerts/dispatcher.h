// Alert delivery: drains the watch module's Outbox. One pass expands the alerts raised since the
// last pass into one Delivery per configured recipient of the alert's organisation, then sends
// every delivery that is due — by e-mail through the digests' MailSender, or as a signed webhook
// through the address guard — and writes each delivery's state back right after its attempt.
// Failures are retried with back-off and finally kept as failed with the reason. A recipient over
// its rate limit gets one summary message for the rest. Not thread-safe: one pass at a time.
//
// Crash safety comes from the Outbox: alerts stay new until Expand, deliveries stay pending until
// Update marks them sent, so a process killed anywhere resumes where it stopped. A process
// killed after a message went out but before its Update sends that message once more on restart
// (at-least-once; the X-Adwatch-Alert-Id header lets a webhook receiver drop the repeat).
//
//   auto d = Dispatcher::Create(options, outbox, mail_sender, webhook_sender, clock);
//   if (!d) return d.error();
//   auto stats = (*d)->RunOnce();
#ifndef ADWATCH_ALERTS_DISPATCHER_H_
#define ADWATCH_ALERTS_DISPATCHER_H_

#include <memory>
#include <string>

#include "adwatch/alerts/options.h"
#include "adwatch/alerts/webhook.h"
#include "adwatch/common/clock.h"
#include "adwatch/common/status.h"
#include "adwatch/common/time.h"
#include "adwatch/export/mail.h"
#include "adwatch/watch/outbox.h"

namespace adwatch::alerts {

// What one pass did.
struct PassStats {
  int expanded = 0;    // alerts expanded into deliveries
  int unrouted = 0;    // of those, alerts whose organisation has no recipient configured
  int deliveries = 0;  // deliveries created
  int messages = 0;    // messages that went out (a summary counts once)
  int sent = 0;        // deliveries marked sent (folded ones included)
  int folded = 0;      // of those, deliveries sent inside a summary
  int retried = 0;     // attempts that failed and were scheduled again
  int failed = 0;      // deliveries given up (state failed)
  int postponed = 0;   // deliveries held back because the recipient's limit was reached
};

class Dispatcher {
 public:
  // Returns a dispatcher, or InvalidArgument when Validate(options) fails or the time zone is
  // unknown. `mail` may be null when no recipient has e-mail; `webhooks` may be null when none
  // has a webhook (a delivery that needs a missing sender fails with that reason).
  // REQUIRES: outbox, mail, webhooks and clock outlive the dispatcher.
  static Result<std::unique_ptr<Dispatcher>> Create(DispatcherOptions options,
                                                    watch::Outbox& outbox,
                                                    exporter::MailSender* mail,
                                                    WebhookSender* webhooks, const Clock& clock);

  // Expands new alerts, then sends what is due at the clock's now. Returns what was done, or
  // the outbox's error (a send failure is not an error: it is retried or kept as failed).
  Result<PassStats> RunOnce();

  // Expands every new alert; part of RunOnce.
  Status ExpandNew(PassStats& stats);
  // Sends the deliveries due now; part of RunOnce.
  Status SendDue(PassStats& stats);

 private:
  Dispatcher(DispatcherOptions options, watch::Outbox& outbox, exporter::MailSender* mail,
             WebhookSender* webhooks, const Clock& clock, LocalDays local);
  struct Target;
  struct Attempt;
  // Sends one recipient's due deliveries (`alerts` in the same order), folding over its limit.
  Status SendGroup(std::vector<watch::Delivery>& group, const std::vector<watch::Alert>& alerts,
                   PassStats& stats);
  Attempt Send(const watch::Delivery& d, const Target& target, const std::string& id,
               const std::vector<watch::Alert>& alerts, bool summary);
  Status Record(watch::Delivery d, const Attempt& a, const std::string& folded_into,
                PassStats& stats);

  DispatcherOptions options_;
  watch::Outbox& outbox_;
  exporter::MailSender* mail_;
  WebhookSender* webhooks_;
  const Clock& clock_;
  LocalDays local_;
};

}  // namespace adwatch::alerts

#endif  // ADWATCH_ALERTS_DISPATCHER_H_
