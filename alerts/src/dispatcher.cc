#include "adwatch/alerts/dispatcher.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "adwatch/alerts/message.h"
#include "adwatch/common/escape.h"
#include "adwatch/common/hash.h"

namespace adwatch::alerts {

using watch::Alert;
using watch::Channel;
using watch::Delivery;
using watch::DeliveryState;

// Where one delivery goes, as configured now: its recipient entry, and the webhook (null for
// e-mail).
struct Dispatcher::Target {
  const Recipient* recipient = nullptr;
  const Webhook* webhook = nullptr;
};

// The outcome of one send.
struct Dispatcher::Attempt {
  bool ok = false;
  bool permanent = false;  // retrying cannot help (refused URL, recipient gone, bad message)
  std::string error;
};

namespace {

// A summary's id: stable for the same deliveries, so a summary sent again after a crash carries
// the same X-Adwatch-Alert-Id and the receiver can tell.
std::string SummaryId(const std::string& recipient, const std::vector<Delivery>& folded) {
  std::string key = recipient;
  for (const Delivery& d : folded) key += "|" + d.alert_id;
  return "summary-" + Sha256Hex(key).substr(0, 20);
}

}  // namespace

Result<std::unique_ptr<Dispatcher>> Dispatcher::Create(DispatcherOptions options,
                                                       watch::Outbox& outbox,
                                                       exporter::MailSender* mail,
                                                       WebhookSender* webhooks,
                                                       const Clock& clock) {
  ADWATCH_RETURN_IF_ERROR(Validate(options));
  auto local = LocalDays::Create(options.timezone);
  if (!local) return local.error();
  return std::unique_ptr<Dispatcher>(
      new Dispatcher(std::move(options), outbox, mail, webhooks, clock, std::move(*local)));
}

Dispatcher::Dispatcher(DispatcherOptions options, watch::Outbox& outbox, exporter::MailSender* mail,
                       WebhookSender* webhooks, const Clock& clock, LocalDays local)
    : options_(std::move(options)),
      outbox_(outbox),
      mail_(mail),
      webhooks_(webhooks),
      clock_(clock),
      local_(std::move(local)) {}

Result<PassStats> Dispatcher::RunOnce() {
  PassStats stats;
  ADWATCH_RETURN_IF_ERROR(ExpandNew(stats));
  ADWATCH_RETURN_IF_ERROR(SendDue(stats));
  return stats;
}

Status Dispatcher::ExpandNew(PassStats& stats) {
  const int64_t now = clock_.NowMs();
  for (int round = 0; round < options_.max_rounds_per_pass; ++round) {
    auto fresh = outbox_.NewAlerts(options_.batch);
    if (!fresh) return fresh.error();
    for (const Alert& alert : *fresh) {
      std::vector<Delivery> deliveries;
      for (const Recipient& r : options_.recipients) {
        if (r.org != alert.org) continue;
        auto add = [&](Channel channel, const std::string& to) {
          Delivery d;
          d.alert_id = alert.id;
          d.channel = channel;
          d.recipient = to;
          d.next_attempt_ms = now;
          deliveries.push_back(std::move(d));
        };
        for (const auto& address : r.email) add(Channel::kEmail, address);
        for (const auto& hook : r.webhooks) add(Channel::kWebhook, hook.url);
      }
      // An organisation without recipients still has its alert consumed here: left new, it
      // would come back at the head of every pass. It stays listed where alerts are listed.
      ADWATCH_RETURN_IF_ERROR(outbox_.Expand(alert.id, deliveries));
      ++stats.expanded;
      if (deliveries.empty()) ++stats.unrouted;
      stats.deliveries += static_cast<int>(deliveries.size());
    }
    if (fresh->size() < options_.batch) break;
  }
  return Status::OK();
}

Status Dispatcher::SendDue(PassStats& stats) {
  const int64_t now = clock_.NowMs();
  for (int round = 0; round < options_.max_rounds_per_pass; ++round) {
    auto due = outbox_.Due(now, options_.batch);
    if (!due) return due.error();
    if (due->empty()) break;
    // Grouped by recipient and organisation, in the outbox's order: a summary never mixes two
    // organisations' alerts, even when both configured the same address.
    std::vector<std::vector<Delivery>> groups;
    std::vector<std::vector<Alert>> group_alerts;
    std::map<std::tuple<Channel, std::string, std::string>, size_t> index;
    for (Delivery& d : *due) {
      auto alert = outbox_.GetAlert(d.alert_id);
      if (!alert) {
        if (!alert.error().IsNotFound()) return alert.error();
        ADWATCH_RETURN_IF_ERROR(Record(
            std::move(d), Attempt{.permanent = true, .error = "the alert is gone"}, "", stats));
        continue;
      }
      const auto key = std::make_tuple(d.channel, d.recipient, alert->org);
      auto [it, added] = index.emplace(key, groups.size());
      if (added) {
        groups.emplace_back();
        group_alerts.emplace_back();
      }
      groups[it->second].push_back(std::move(d));
      group_alerts[it->second].push_back(std::move(*alert));
    }
    for (size_t g = 0; g < groups.size(); ++g) {
      ADWATCH_RETURN_IF_ERROR(SendGroup(groups[g], group_alerts[g], stats));
    }
    if (due->size() < options_.batch) break;
  }
  return Status::OK();
}

Status Dispatcher::SendGroup(std::vector<Delivery>& group, const std::vector<Alert>& alerts,
                             PassStats& stats) {
  const int64_t now = clock_.NowMs();
  const Delivery& first = group.front();
  Target target;
  for (const Recipient& r : options_.recipients) {
    if (r.org != alerts.front().org) continue;
    if (first.channel == Channel::kEmail &&
        std::find(r.email.begin(), r.email.end(), first.recipient) != r.email.end()) {
      target.recipient = &r;
    }
    for (const Webhook& w : r.webhooks) {
      if (first.channel == Channel::kWebhook && w.url == first.recipient) {
        target.recipient = &r;
        target.webhook = &w;
      }
    }
    if (target.recipient) break;
  }
  if (!target.recipient) {
    const Attempt gone{
        .permanent = true,
        .error = "recipient no longer configured for organisation '" + alerts.front().org + "'"};
    for (Delivery& d : group) ADWATCH_RETURN_IF_ERROR(Record(std::move(d), gone, "", stats));
    return Status::OK();
  }

  const RateLimit& limit = target.recipient->rate_limit;
  const int64_t window_ms = int64_t{limit.per_minutes} * 60'000;
  auto sent = outbox_.SentSince(first.recipient, now - window_ms);
  if (!sent) return sent.error();
  const int allowed = limit.max_messages - *sent;
  if (allowed <= 0) {
    // Held back, not attempted: look again when, on average, a message leaves the window.
    const int64_t wait = std::max<int64_t>(60'000, window_ms / limit.max_messages);
    for (Delivery& d : group) {
      d.next_attempt_ms = now + wait;
      ADWATCH_RETURN_IF_ERROR(outbox_.Update(d));
      ++stats.postponed;
    }
    return Status::OK();
  }
  const size_t n = group.size();
  const size_t singles = n <= static_cast<size_t>(allowed) ? n : static_cast<size_t>(allowed) - 1;
  for (size_t i = 0; i < singles; ++i) {
    const Attempt a = Send(group[i], target, group[i].alert_id, {alerts[i]}, /*summary=*/false);
    if (a.ok) ++stats.messages;
    ADWATCH_RETURN_IF_ERROR(Record(std::move(group[i]), a, "", stats));
  }
  if (singles == n) return Status::OK();

  std::vector<Delivery> folded(std::make_move_iterator(group.begin() + singles),
                               std::make_move_iterator(group.end()));
  std::vector<Alert> folded_alerts(alerts.begin() + singles, alerts.end());
  const std::string id = SummaryId(first.recipient, folded);
  const Attempt a = Send(folded.front(), target, id, folded_alerts, /*summary=*/true);
  if (a.ok) ++stats.messages;
  for (Delivery& d : folded) ADWATCH_RETURN_IF_ERROR(Record(std::move(d), a, id, stats));
  return Status::OK();
}

Dispatcher::Attempt Dispatcher::Send(const Delivery& d, const Target& target, const std::string& id,
                                     const std::vector<Alert>& alerts, bool summary) {
  const Lang lang = target.recipient->lang;
  if (d.channel == Channel::kEmail) {
    if (!mail_) return {.permanent = true, .error = "no SMTP server is configured (digest.smtp)"};
    const Rendered r = summary ? RenderSummary(id, alerts, lang, options_.base_url, local_)
                               : RenderAlert(alerts.front(), lang, options_.base_url, local_);
    exporter::MailMessage m;
    m.from = options_.mail_from;
    m.to = {d.recipient};
    m.subject = r.subject;
    m.text = r.text;
    m.html = r.html;
    const Status s = mail_->Send(m);
    if (s.ok()) return {.ok = true};
    return {.permanent = s.IsInvalidArgument(), .error = s.ToString()};
  }
  if (!webhooks_ || !target.webhook) {
    return {.permanent = true, .error = "no webhook sender is configured"};
  }
  const std::string body = summary ? SummaryJson(id, alerts, lang, options_.base_url, local_)
                                   : AlertJson(alerts.front(), lang, options_.base_url, local_);
  auto reply = webhooks_->Post({.url = d.recipient,
                                .body = body,
                                .headers = SignedHeaders(id, body, target.webhook->secret)});
  // InvalidArgument is the address guard's refusal: the URL will not become acceptable later.
  if (!reply)
    return {.permanent = reply.error().IsInvalidArgument(), .error = reply.error().ToString()};
  if (reply->status >= 200 && reply->status < 300) return {.ok = true};
  std::string error = "HTTP " + std::to_string(reply->status);
  if (!reply->body_start.empty()) error += ": " + Collapse(reply->body_start, 200);
  return {.error = error};
}

Status Dispatcher::Record(Delivery d, const Attempt& a, const std::string& folded_into,
                          PassStats& stats) {
  const int64_t now = clock_.NowMs();
  ++d.attempts;
  if (a.ok) {
    d.state = DeliveryState::kSent;
    d.sent_ms = now;
    d.last_error.clear();
    d.folded_into = folded_into;
    ++stats.sent;
    if (!folded_into.empty()) ++stats.folded;
  } else if (a.permanent || d.attempts >= options_.retry.max_attempts) {
    d.state = DeliveryState::kFailed;
    d.last_error = a.permanent ? a.error
                               : "gave up after " + std::to_string(d.attempts) +
                                     " attempt(s); last: " + a.error;
    ++stats.failed;
  } else {
    const auto& backoff = options_.retry.backoff_ms;
    d.last_error = a.error;
    d.next_attempt_ms =
        now + backoff[std::min(static_cast<size_t>(d.attempts - 1), backoff.size() - 1)];
    ++stats.retried;
  }
  return outbox_.Update(d);
}

}  // namespace adwatch::alerts
