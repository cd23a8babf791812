// The Outbox over the store: alerts and deliveries in the store's alerts and outbox tables
// (docs/storage.md), each change one atomic batch, and the JSON form of Alert and Delivery the
// store keeps them in. Thread-safe as the store is.
#ifndef ADWATCH_WATCH_STORE_OUTBOX_H_
#define ADWATCH_WATCH_STORE_OUTBOX_H_

#include <string>

#include "adwatch/common/status.h"
#include "adwatch/storage/store.h"
#include "adwatch/watch/outbox.h"

namespace adwatch::watch {

// The row the store keeps for `alert`; its dedupe key is made by the caller.
storage::AlertRow ToRow(const Alert& alert, std::string dedupe_key);
// The alert of a stored row. Corruption when the row's JSON is not an Alert.
Result<Alert> FromRow(const storage::AlertRow& row);

storage::DeliveryRow ToRow(const Delivery& delivery);
Result<Delivery> FromRow(const storage::DeliveryRow& row);

class StoreOutbox final : public Outbox {
 public:
  // REQUIRES: `store` outlives the outbox.
  explicit StoreOutbox(storage::Store& store) : store_(store) {}

  Result<std::vector<Alert>> NewAlerts(size_t limit) override;
  Status Expand(std::string_view alert_id, const std::vector<Delivery>& deliveries) override;
  Result<std::vector<Delivery>> Due(int64_t now_ms, size_t limit) override;
  Status Update(const Delivery& delivery) override;
  Result<Alert> GetAlert(std::string_view alert_id) override;
  Result<int> SentSince(std::string_view recipient, int64_t since_ms) override;

 private:
  storage::Store& store_;
};

}  // namespace adwatch::watch

#endif  // ADWATCH_WATCH_STORE_OUTBOX_H_
