#include "adwatch/watch/store_outbox.h"

#include "alert_json.h"

namespace adwatch::watch {

namespace {

std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

template <typename T>
Result<T> Parse(const std::string& text, std::string_view what) {
  try {
    return nlohmann::json::parse(text).get<T>();
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(what, e.what());
  }
}

}  // namespace

storage::AlertRow ToRow(const Alert& alert, std::string dedupe_key) {
  return {.id = alert.id,
          .org = alert.org,
          .created_ms = alert.created_ms,
          .dedupe_key = std::move(dedupe_key),
          .record_json = Dump(alert)};
}

Result<Alert> FromRow(const storage::AlertRow& row) {
  return Parse<Alert>(row.record_json, "alert " + row.id);
}

storage::DeliveryRow ToRow(const Delivery& d) {
  return {.alert_id = d.alert_id,
          .recipient = d.recipient,
          .pending = d.state == DeliveryState::kPending,
          .next_attempt_ms = d.next_attempt_ms,
          .sent_ms = d.state == DeliveryState::kSent ? d.sent_ms : 0,
          .message_id = d.folded_into.empty() ? d.alert_id : d.folded_into,
          .record_json = Dump(d)};
}

Result<Delivery> FromRow(const storage::DeliveryRow& row) {
  return Parse<Delivery>(row.record_json, "delivery of alert " + row.alert_id);
}

Result<std::vector<Alert>> StoreOutbox::NewAlerts(size_t limit) {
  auto rows = store_.NewAlerts(limit);
  if (!rows) return rows.error();
  std::vector<Alert> out;
  for (const auto& row : *rows) {
    auto a = FromRow(row);
    if (!a) return a.error();
    out.push_back(std::move(*a));
  }
  return out;
}

Status StoreOutbox::Expand(std::string_view alert_id, const std::vector<Delivery>& deliveries) {
  std::vector<storage::DeliveryRow> rows;
  rows.reserve(deliveries.size());
  for (const auto& d : deliveries) rows.push_back(ToRow(d));
  return store_.ExpandAlert(alert_id, rows);
}

Result<std::vector<Delivery>> StoreOutbox::Due(int64_t now_ms, size_t limit) {
  auto rows = store_.DueDeliveries(now_ms, limit);
  if (!rows) return rows.error();
  std::vector<Delivery> out;
  for (const auto& row : *rows) {
    auto d = FromRow(row);
    if (!d) return d.error();
    out.push_back(std::move(*d));
  }
  return out;
}

Status StoreOutbox::Update(const Delivery& delivery) {
  return store_.UpdateDelivery(ToRow(delivery));
}

Result<Alert> StoreOutbox::GetAlert(std::string_view alert_id) {
  auto row = store_.GetAlert(alert_id);
  if (!row) return row.error();
  return FromRow(*row);
}

Result<int> StoreOutbox::SentSince(std::string_view recipient, int64_t since_ms) {
  return store_.SentSince(recipient, since_ms);
}

}  // namespace adwatch::watch
