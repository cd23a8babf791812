// Watch entries, alerts and the alerts' outbox (docs/storage.md, "Watch and alert tables"; key
// layouts in watch_keys.h). The store keeps alerts and deliveries as JSON objects it does not
// interpret: their meaning belongs to watch/.
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <memory>
#include <set>
#include <tuple>

#include "adwatch/common/json.h"
#include "adwatch/storage/keys.h"
#include "codec.h"
#include "rocks_status.h"
#include "service_keys.h"
#include "store_rep.h"
#include "watch_keys.h"

namespace adwatch::storage {

using internal::Cf;
using internal::FromRocks;

namespace {

std::string_view View(rocksdb::Slice s) { return {s.data(), s.size()}; }

bool IsValidWatchId(std::string_view id) {
  return id.size() >= 8 && id.size() <= 64 && internal::AllUrlSafe(id);
}

Result<nlohmann::json> ParseObject(std::string_view text, std::string_view what) {
  try {
    auto j = nlohmann::json::parse(text);
    if (!j.is_object()) return Status::InvalidArgument(what, "the record is not a JSON object");
    return j;
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(what, e.what());
  }
}

std::string EncodeAlert(const AlertRow& a, nlohmann::json record) {
  return internal::EncodeJson({{"id", a.id},
                               {"org", a.org},
                               {"created_ms", a.created_ms},
                               {"dedupe_key", a.dedupe_key},
                               {"record", std::move(record)}});
}

Result<AlertRow> DecodeAlert(std::string_view value, std::string_view what) {
  auto j = internal::DecodeJson(value, what);
  if (!j) return j.error();
  try {
    AlertRow a;
    a.id = j->at("id").get<std::string>();
    a.org = j->at("org").get<std::string>();
    a.created_ms = j->at("created_ms").get<int64_t>();
    a.dedupe_key = j->value("dedupe_key", "");
    a.record_json = j->at("record").dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return a;
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(what, e.what());
  }
}

std::string EncodeDelivery(const DeliveryRow& d, nlohmann::json record) {
  return internal::EncodeJson({{"alert_id", d.alert_id},
                               {"recipient", d.recipient},
                               {"pending", d.pending},
                               {"next_attempt_ms", d.next_attempt_ms},
                               {"sent_ms", d.sent_ms},
                               {"message_id", d.message_id},
                               {"record", std::move(record)}});
}

Result<DeliveryRow> DecodeDelivery(std::string_view value, std::string_view what) {
  auto j = internal::DecodeJson(value, what);
  if (!j) return j.error();
  try {
    DeliveryRow d;
    d.alert_id = j->at("alert_id").get<std::string>();
    d.recipient = j->at("recipient").get<std::string>();
    d.pending = j->value("pending", false);
    d.next_attempt_ms = j->value("next_attempt_ms", int64_t{0});
    d.sent_ms = j->value("sent_ms", int64_t{0});
    d.message_id = j->value("message_id", "");
    d.record_json = j->at("record").dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return d;
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(what, e.what());
  }
}

// The due and sent index entries `d` has.
void DeliveryIndex(const DeliveryRow& d, std::set<std::string>& due, std::set<std::string>& sent) {
  if (d.pending) due.insert(internal::DueKey(d.next_attempt_ms, d.alert_id, d.recipient));
  if (d.sent_ms > 0) {
    sent.insert(internal::SentKey(d.recipient, d.sent_ms,
                                  d.message_id.empty() ? d.alert_id : d.message_id));
  }
}

// Calls fn(key, value) for each key of `cf` with `prefix` until it returns false.
template <typename Fn>
Status ScanPrefix(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string_view prefix,
                  Fn fn) {
  if (cf == nullptr) return Status::OK();  // a table this database was never opened with
  rocksdb::ReadOptions ro;
  const std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, cf));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    if (!fn(View(it->key()), View(it->value()))) break;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scanning " + std::string(prefix));
  return Status::OK();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The write hook

Status Store::Rep::AddAlerts(const rocksdb::ReadOptions& ro,
                             const std::vector<const AdRecord*>& ads,
                             rocksdb::WriteBatch& batch) const {
  if (observer == nullptr || !has(Cf::kAlerts)) return Status::OK();
  std::set<std::string> batch_keys;
  for (const AdRecord* ad : ads) {
    auto alerts = observer->OnAdWrite(*ad);
    if (!alerts) return alerts.error().WithContext("matching ad " + ad->ad_id);
    for (const AlertRow& a : *alerts) {
      if (a.id.size() != internal::kAlertIdChars || !internal::IsValidOrg(a.org) ||
          a.dedupe_key.empty()) {
        return Status::Internal("raising alert for ad " + ad->ad_id,
                                "bad alert id, org or dedupe key");
      }
      const std::string dedupe = internal::AlertDedupeKey(a.dedupe_key);
      if (!batch_keys.insert(dedupe).second) continue;
      auto seen = GetRaw(ro, Cf::kAlerts, dedupe);
      if (!seen) return seen.error();
      if (seen->has_value()) continue;
      auto record = ParseObject(a.record_json, "alert " + a.id);
      if (!record) return record.error();
      (void)batch.Put(h(Cf::kAlerts), internal::AlertKey(a.id), EncodeAlert(a, std::move(*record)));
      (void)batch.Put(h(Cf::kAlerts), internal::AlertOrgKey(a.org, a.created_ms, a.id), "");
      (void)batch.Put(h(Cf::kAlerts), dedupe, a.id);
      (void)batch.Put(h(Cf::kOutbox), internal::NewAlertKey(a.id), "");
    }
  }
  return Status::OK();
}

void Store::SetAdWriteObserver(std::shared_ptr<AdWriteObserver> observer) {
  std::lock_guard lock(rep_->write_mu);
  rep_->observer = std::move(observer);
}

// ---------------------------------------------------------------------------------------------
// Watch entries

Status Store::PutWatchEntry(const WatchEntry& entry) {
  Rep& r = *rep_;
  const std::string what = "storing watch entry " + entry.id;
  if (r.read_only()) return Status::Unavailable(what, "the store is open read-only");
  if (!internal::IsValidOrg(entry.org)) {
    return Status::InvalidArgument(what, "organisation '" + entry.org + "' is not [a-z0-9-]{1,64}");
  }
  if (!IsValidWatchId(entry.id)) {
    return Status::InvalidArgument(what, "the id is not 8 to 64 characters of [A-Za-z0-9_-]");
  }
  if (entry.value.empty()) return Status::InvalidArgument(what, "the value is empty");
  std::lock_guard lock(r.write_mu);
  rocksdb::ReadOptions ro;
  const std::string key = internal::WatchEntryKey(entry.org, entry.id);
  auto old = r.GetRaw(ro, Cf::kWatch, key);
  if (!old) return old.error();
  if (old->has_value()) return Status::InvalidArgument(what, "an entry with this id exists");
  WatchEntry stored = entry;
  if (stored.created_ms == 0) stored.created_ms = r.clock->NowMs();
  rocksdb::WriteBatch batch;
  (void)batch.Put(r.h(Cf::kWatch), key, internal::EncodeRecord(stored));
  (void)batch.Put(r.h(Cf::kWatch), internal::WatchValueKey(stored), "");
  ADWATCH_RETURN_IF_ERROR(r.Commit(batch, what));
  r.watch_version.fetch_add(1);
  return Status::OK();
}

Result<WatchEntry> Store::GetWatchEntry(std::string_view org, std::string_view id) const {
  const Rep& r = *rep_;
  if (!r.has(Cf::kWatch) || !internal::IsValidOrg(org) || !IsValidWatchId(id)) {
    return Status::NotFound("watch entry " + std::string(id), "no such entry");
  }
  rocksdb::ReadOptions ro;
  auto raw = r.GetRaw(ro, Cf::kWatch, internal::WatchEntryKey(org, id));
  if (!raw) return raw.error();
  if (!raw->has_value()) return Status::NotFound("watch entry " + std::string(id), "no such entry");
  return internal::DecodeRecord<WatchEntry>(**raw, "watch entry " + std::string(id));
}

Result<std::vector<WatchEntry>> Store::ListWatchEntries(std::string_view org) const {
  if (!org.empty() && !internal::IsValidOrg(org)) {
    return Status::InvalidArgument("listing watch entries", "malformed organisation");
  }
  std::vector<WatchEntry> out;
  Status bad;
  const std::string prefix = org.empty() ? "e|" : "e|" + std::string(org) + kSep;
  ADWATCH_RETURN_IF_ERROR(
      ScanPrefix(rep_->db, rep_->h(Cf::kWatch), prefix, [&](auto key, auto value) {
        auto e = internal::DecodeRecord<WatchEntry>(value, "watch entry " + std::string(key));
        if (!e) {
          bad = e.error();
          return false;
        }
        out.push_back(std::move(*e));
        return true;
      }));
  ADWATCH_RETURN_IF_ERROR(bad);
  std::stable_sort(out.begin(), out.end(), [](const WatchEntry& a, const WatchEntry& b) {
    return std::tie(a.org, a.created_ms, a.id) < std::tie(b.org, b.created_ms, b.id);
  });
  return out;
}

Result<std::vector<WatchEntry>> Store::WatchEntriesFor(WatchKind kind,
                                                       std::string_view value) const {
  std::vector<std::pair<std::string, std::string>> refs;  // org, id
  const std::string prefix = internal::WatchValuePrefix(kind, value);
  ADWATCH_RETURN_IF_ERROR(ScanPrefix(rep_->db, rep_->h(Cf::kWatch), prefix, [&](auto key, auto) {
    const std::string_view rest = key.substr(prefix.size());
    const size_t bar = rest.find(kSep);
    if (bar != std::string_view::npos) {
      refs.emplace_back(std::string(rest.substr(0, bar)), std::string(rest.substr(bar + 1)));
    }
    return true;
  }));
  std::vector<WatchEntry> out;
  for (const auto& [org, id] : refs) {
    auto e = GetWatchEntry(org, id);
    if (!e) {
      if (e.error().IsNotFound()) continue;  // removed meanwhile
      return e.error();
    }
    out.push_back(std::move(*e));
  }
  return out;
}

Status Store::DeleteWatchEntry(std::string_view org, std::string_view id) {
  Rep& r = *rep_;
  const std::string what = "removing watch entry " + std::string(id);
  if (r.read_only()) return Status::Unavailable(what, "the store is open read-only");
  std::lock_guard lock(r.write_mu);
  auto e = GetWatchEntry(org, id);
  if (!e) return e.error();
  rocksdb::WriteBatch batch;
  (void)batch.Delete(r.h(Cf::kWatch), internal::WatchEntryKey(org, id));
  (void)batch.Delete(r.h(Cf::kWatch), internal::WatchValueKey(*e));
  ADWATCH_RETURN_IF_ERROR(r.Commit(batch, what));
  r.watch_version.fetch_add(1);
  return Status::OK();
}

uint64_t Store::watch_version() const { return rep_->watch_version.load(); }

// ---------------------------------------------------------------------------------------------
// Alerts and the outbox

Result<AlertRow> Store::GetAlert(std::string_view id) const {
  const Rep& r = *rep_;
  if (!r.has(Cf::kAlerts)) return Status::NotFound("alert " + std::string(id), "no such alert");
  rocksdb::ReadOptions ro;
  auto raw = r.GetRaw(ro, Cf::kAlerts, internal::AlertKey(id));
  if (!raw) return raw.error();
  if (!raw->has_value()) return Status::NotFound("alert " + std::string(id), "no such alert");
  return DecodeAlert(**raw, "alert " + std::string(id));
}

Result<std::vector<AlertRow>> Store::ListAlerts(std::string_view org, int64_t since_ms,
                                                size_t limit) const {
  if (!internal::IsValidOrg(org)) {
    return Status::InvalidArgument("listing alerts", "malformed organisation");
  }
  std::vector<std::string> ids;
  const std::string prefix = internal::AlertOrgPrefix(org);
  ADWATCH_RETURN_IF_ERROR(ScanPrefix(rep_->db, rep_->h(Cf::kAlerts), prefix, [&](auto key, auto) {
    const std::string_view rest = key.substr(prefix.size());
    if (rest.size() < 10) return true;
    const auto created = static_cast<int64_t>(~*DecodeU64(rest));
    if (created < since_ms) return false;  // newest first: the rest are older
    ids.emplace_back(rest.substr(9));
    return limit == 0 || ids.size() < limit;
  }));
  std::vector<AlertRow> out;
  for (const auto& id : ids) {
    auto a = GetAlert(id);
    if (!a) return a.error();
    out.push_back(std::move(*a));
  }
  return out;
}

Result<std::vector<AlertRow>> Store::NewAlerts(size_t limit) const {
  std::vector<std::string> ids;
  ADWATCH_RETURN_IF_ERROR(ScanPrefix(rep_->db, rep_->h(Cf::kOutbox), "n|", [&](auto key, auto) {
    ids.emplace_back(key.substr(2));
    return limit == 0 || ids.size() < limit;
  }));
  std::vector<AlertRow> out;
  for (const auto& id : ids) {
    auto a = GetAlert(id);
    if (!a) return a.error();
    out.push_back(std::move(*a));
  }
  return out;
}

Status Store::ExpandAlert(std::string_view alert_id, const std::vector<DeliveryRow>& deliveries) {
  Rep& r = *rep_;
  const std::string what = "expanding alert " + std::string(alert_id);
  if (r.read_only()) return Status::Unavailable(what, "the store is open read-only");
  std::vector<nlohmann::json> records;
  for (const auto& d : deliveries) {
    if (d.alert_id != alert_id || d.recipient.empty()) {
      return Status::InvalidArgument(what, "a delivery names another alert or no recipient");
    }
    auto record = ParseObject(d.record_json, what);
    if (!record) return record.error();
    records.push_back(std::move(*record));
  }
  std::lock_guard lock(r.write_mu);
  rocksdb::ReadOptions ro;
  auto fresh = r.GetRaw(ro, Cf::kOutbox, internal::NewAlertKey(alert_id));
  if (!fresh) return fresh.error();
  if (!fresh->has_value()) return Status::OK();
  rocksdb::WriteBatch batch;
  for (size_t i = 0; i < deliveries.size(); ++i) {
    const DeliveryRow& d = deliveries[i];
    (void)batch.Put(r.h(Cf::kOutbox), internal::DeliveryKey(d.alert_id, d.recipient),
                    EncodeDelivery(d, std::move(records[i])));
    std::set<std::string> due, sent;
    DeliveryIndex(d, due, sent);
    for (const auto& k : due) (void)batch.Put(r.h(Cf::kOutbox), k, "");
    for (const auto& k : sent) (void)batch.Put(r.h(Cf::kOutbox), k, "");
  }
  (void)batch.Delete(r.h(Cf::kOutbox), internal::NewAlertKey(alert_id));
  return r.Commit(batch, what);
}

Result<std::vector<DeliveryRow>> Store::DueDeliveries(int64_t now_ms, size_t limit) const {
  const Rep& r = *rep_;
  std::vector<std::pair<std::string, std::string>> keys;  // alert id, recipient
  const std::string until = "q|" + EncodeU64(static_cast<uint64_t>(now_ms < 0 ? 0 : now_ms));
  ADWATCH_RETURN_IF_ERROR(ScanPrefix(r.db, r.h(Cf::kOutbox), "q|", [&](auto key, auto) {
    if (key.substr(0, until.size()) > std::string_view(until)) return false;
    const std::string_view rest = key.substr(2 + 8 + 1);
    if (rest.size() < internal::kAlertIdChars + 1) return true;
    keys.emplace_back(std::string(rest.substr(0, internal::kAlertIdChars)),
                      std::string(rest.substr(internal::kAlertIdChars + 1)));
    return true;
  }));
  std::sort(keys.begin(), keys.end());  // alert ids sort by time: oldest alert first
  if (limit != 0 && keys.size() > limit) keys.resize(limit);
  std::vector<DeliveryRow> out;
  rocksdb::ReadOptions ro;
  for (const auto& [alert, recipient] : keys) {
    const std::string key = internal::DeliveryKey(alert, recipient);
    auto raw = r.GetRaw(ro, Cf::kOutbox, key);
    if (!raw) return raw.error();
    if (!raw->has_value()) return Status::Corruption("outbox", "due entry without delivery");
    auto d = DecodeDelivery(**raw, "delivery of alert " + alert);
    if (!d) return d.error();
    out.push_back(std::move(*d));
  }
  return out;
}

Status Store::UpdateDelivery(const DeliveryRow& d) {
  Rep& r = *rep_;
  const std::string what = "updating delivery of alert " + d.alert_id;
  if (r.read_only()) return Status::Unavailable(what, "the store is open read-only");
  auto record = ParseObject(d.record_json, what);
  if (!record) return record.error();
  std::lock_guard lock(r.write_mu);
  rocksdb::ReadOptions ro;
  const std::string key = internal::DeliveryKey(d.alert_id, d.recipient);
  auto raw = r.GetRaw(ro, Cf::kOutbox, key);
  if (!raw) return raw.error();
  if (!raw->has_value()) return Status::NotFound(what, "no delivery to " + d.recipient);
  auto old = DecodeDelivery(**raw, what);
  if (!old) return old.error();
  std::set<std::string> old_due, old_sent, due, sent;
  DeliveryIndex(*old, old_due, old_sent);
  DeliveryIndex(d, due, sent);
  rocksdb::WriteBatch batch;
  for (const auto& k : old_due) {
    if (!due.contains(k)) (void)batch.Delete(r.h(Cf::kOutbox), k);
  }
  for (const auto& k : old_sent) {
    if (!sent.contains(k)) (void)batch.Delete(r.h(Cf::kOutbox), k);
  }
  for (const auto& k : due) (void)batch.Put(r.h(Cf::kOutbox), k, "");
  for (const auto& k : sent) (void)batch.Put(r.h(Cf::kOutbox), k, "");
  (void)batch.Put(r.h(Cf::kOutbox), key, EncodeDelivery(d, std::move(*record)));
  return r.Commit(batch, what);
}

Result<int> Store::SentSince(std::string_view recipient, int64_t since_ms) const {
  const std::string prefix = internal::SentPrefix(recipient);
  std::set<std::string> messages;
  ADWATCH_RETURN_IF_ERROR(ScanPrefix(rep_->db, rep_->h(Cf::kOutbox), prefix, [&](auto key, auto) {
    const std::string_view rest = key.substr(prefix.size());
    if (rest.size() < 9) return true;
    if (static_cast<int64_t>(*DecodeU64(rest)) >= since_ms) messages.emplace(rest.substr(9));
    return true;
  }));
  return static_cast<int>(messages.size());
}

}  // namespace adwatch::storage
