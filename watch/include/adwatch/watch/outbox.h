// The contract between matching (which raises alerts) and delivery (which sends them). Matching
// writes an Alert into the store's outbox in the same WriteBatch as the ad that raised it, so a
// crash between the two loses nothing. Delivery reads new alerts, expands each into one Delivery
// per recipient the alert's organisation has configured, and sends them; each Delivery's state is
// written back after every attempt, so a restart neither loses a delivery nor repeats a sent one.
//
//   Outbox& outbox = ...;                        // the store's, or an in-memory one in tests
//   auto fresh = outbox.NewAlerts(100);          // raised, not yet expanded
//   outbox.Expand(alert.id, {Delivery{...}});    // atomically: deliveries written, alert no longer
//   new auto due = outbox.Due(now_ms, 100);          // pending deliveries whose time has come
//   delivery.state = DeliveryState::kSent; outbox.Update(delivery);
#ifndef ADWATCH_WATCH_OUTBOX_H_
#define ADWATCH_WATCH_OUTBOX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/common/status.h"

namespace adwatch::watch {

// Why an alert was raised.
enum class AlertCause : uint8_t {
  kWatch = 0,          // an ad matched a watch entry
  kBurstRegions = 1,   // one contact in ads routed to >= N regions within D days
  kBurstSources = 2,   // one contact in ads from >= M sources within D days
  kNetworkGrowth = 3,  // a recruiter network grew past K ads
};

// One alert: what matched, and a snapshot of the ad as it was when the alert was raised (the
// message is rendered from this, so it says what the recipient would have seen then).
struct Alert {
  std::string id;  // time-ordered, unique
  std::string
      org;  // the organisation it belongs to; burst alerts: the org of the rule's recipients
  AlertCause cause = AlertCause::kWatch;
  std::string entry_id;  // the watch entry's id, or the burst rule's name
  std::string matched;   // stored form: E.164 phone, "@handle", domain, e-mail, keyword's match
  std::string note;      // the watch entry's note ("" for bursts: the rule's description)
  std::string ad_id;
  std::string ad_url;  // the ad's source URL ("" for pasted text)
  std::string source;  // source name from seeds, "import", "submission"
  std::vector<std::string> regions;
  std::string level;                    // "low" | "medium" | "high" | "critical"
  std::string pattern;                  // Verdict pattern name ("compound_scam", ...)
  std::vector<std::string> reasons_id;  // the ad's top reasons, Indonesian
  std::vector<std::string> reasons_en;  // the same in English
  int64_t seen_ms = 0;                  // when the ad was seen (fetch time, import time)
  int64_t created_ms = 0;               // when the alert was raised
  // Burst alerts: the ads that made the burst (ad_id is the one that tipped it); empty otherwise.
  std::vector<std::string> related_ads;
};

enum class Channel : uint8_t { kEmail = 0, kWebhook = 1 };
enum class DeliveryState : uint8_t { kPending = 0, kSent = 1, kFailed = 2 };

// One alert to one recipient.
struct Delivery {
  std::string alert_id;
  Channel channel = Channel::kEmail;
  std::string recipient;  // e-mail address or webhook URL, as configured
  DeliveryState state = DeliveryState::kPending;
  int attempts = 0;
  int64_t next_attempt_ms = 0;  // when pending: not before this
  int64_t sent_ms = 0;          // when sent
  std::string last_error;       // why the last attempt failed; why it was given up when failed
  std::string folded_into;      // when sent as part of a summary message: that summary's id
};

class Outbox {
 public:
  virtual ~Outbox() = default;
  // Alerts raised and not yet expanded into deliveries, oldest first, at most `limit`.
  virtual Result<std::vector<Alert>> NewAlerts(size_t limit) = 0;
  // Writes `deliveries` (state pending) and removes the alert from the new ones, atomically.
  // Expanding an alert that is no longer new is a no-op returning OK (a replay after a crash).
  virtual Status Expand(std::string_view alert_id, const std::vector<Delivery>& deliveries) = 0;
  // Pending deliveries with next_attempt_ms <= now_ms, oldest alert first, at most `limit`.
  virtual Result<std::vector<Delivery>> Due(int64_t now_ms, size_t limit) = 0;
  // Writes a delivery's new state (keyed by alert_id + recipient).
  virtual Status Update(const Delivery& delivery) = 0;
  virtual Result<Alert> GetAlert(std::string_view alert_id) = 0;
  // How many messages were sent to `recipient` at or after since_ms (a summary counts once).
  virtual Result<int> SentSince(std::string_view recipient, int64_t since_ms) = 0;
};

std::string_view AlertCauseName(AlertCause cause);  // "watch", "burst_regions", ...

}  // namespace adwatch::watch

#endif  // ADWATCH_WATCH_OUTBOX_H_
