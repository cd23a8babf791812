// MemoryOutbox: the watch::Outbox contract kept in memory, for the delivery tests. It follows
// watch/outbox.h to the letter: NewAlerts oldest first, Expand atomic and idempotent (expanding an
// alert that is no longer new is a no-op returning OK), Due ordered by alert (oldest first),
// Update keyed by alert id + recipient, SentSince counting a summary once. Raise() stands in for
// the matching side. Thread-safe.
#ifndef ADWATCH_TESTS_SUPPORT_MEMORY_OUTBOX_H_
#define ADWATCH_TESTS_SUPPORT_MEMORY_OUTBOX_H_

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "adwatch/watch/outbox.h"

namespace adwatch::testing {

class MemoryOutbox final : public watch::Outbox {
 public:
  // Raises `alert` (new, not yet expanded), as matching does when it stores an ad.
  void Raise(watch::Alert alert) {
    std::lock_guard lock(mu_);
    new_.insert(alert.id);
    alerts_[alert.id] = std::move(alert);
  }

  Result<std::vector<watch::Alert>> NewAlerts(size_t limit) override {
    std::lock_guard lock(mu_);
    std::vector<watch::Alert> out;
    for (const auto& id : new_) {  // ids are time-ordered: the set's order is oldest first
      if (out.size() >= limit) break;
      out.push_back(alerts_.at(id));
    }
    return out;
  }

  Status Expand(std::string_view alert_id,
                const std::vector<watch::Delivery>& deliveries) override {
    std::lock_guard lock(mu_);
    ++expand_calls_;
    auto it = new_.find(std::string(alert_id));
    if (it == new_.end()) return Status::OK();  // a replay: already expanded
    for (watch::Delivery d : deliveries) {
      d.state = watch::DeliveryState::kPending;
      deliveries_[{d.alert_id, d.recipient}] = std::move(d);
    }
    new_.erase(it);
    return Status::OK();
  }

  Result<std::vector<watch::Delivery>> Due(int64_t now_ms, size_t limit) override {
    std::lock_guard lock(mu_);
    std::vector<watch::Delivery> out;
    for (const auto& [key, d] : deliveries_) {  // keyed by alert id first: oldest alert first
      if (out.size() >= limit) break;
      if (d.state == watch::DeliveryState::kPending && d.next_attempt_ms <= now_ms)
        out.push_back(d);
    }
    return out;
  }

  Status Update(const watch::Delivery& d) override {
    std::lock_guard lock(mu_);
    auto it = deliveries_.find({d.alert_id, d.recipient});
    if (it == deliveries_.end())
      return Status::NotFound("delivery", d.alert_id + " " + d.recipient);
    it->second = d;
    ++updates_;
    return Status::OK();
  }

  Result<watch::Alert> GetAlert(std::string_view alert_id) override {
    std::lock_guard lock(mu_);
    auto it = alerts_.find(std::string(alert_id));
    if (it == alerts_.end()) return Status::NotFound("alert", alert_id);
    return it->second;
  }

  Result<int> SentSince(std::string_view recipient, int64_t since_ms) override {
    std::lock_guard lock(mu_);
    int singles = 0;
    std::set<std::string> summaries;
    for (const auto& [key, d] : deliveries_) {
      if (d.recipient != recipient || d.state != watch::DeliveryState::kSent ||
          d.sent_ms < since_ms) {
        continue;
      }
      if (d.folded_into.empty()) {
        ++singles;
      } else {
        summaries.insert(d.folded_into);
      }
    }
    return singles + static_cast<int>(summaries.size());
  }

  // ---- For assertions ----
  std::vector<watch::Delivery> Deliveries() const {
    std::lock_guard lock(mu_);
    std::vector<watch::Delivery> out;
    for (const auto& [key, d] : deliveries_) out.push_back(d);
    return out;
  }
  std::optional<watch::Delivery> Find(const std::string& alert_id,
                                      const std::string& recipient) const {
    std::lock_guard lock(mu_);
    auto it = deliveries_.find({alert_id, recipient});
    if (it == deliveries_.end()) return std::nullopt;
    return it->second;
  }
  size_t new_count() const {
    std::lock_guard lock(mu_);
    return new_.size();
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, watch::Alert> alerts_;
  std::set<std::string> new_;
  std::map<std::pair<std::string, std::string>, watch::Delivery> deliveries_;
  int expand_calls_ = 0;
  int updates_ = 0;
};

}  // namespace adwatch::testing

#endif  // ADWATCH_TESTS_SUPPORT_MEMORY_OUTBOX_H_
