#include "adwatch/crawler/frontier.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "adwatch/common/json.h"
#include "adwatch/crawler/url.h"
#include "adwatch/storage/keys.h"

namespace adwatch::crawler {
namespace {

using storage::Table;
using storage::TableBatch;

// Table layouts (docs/storage.md):
//   frontier  "q|" host "|" priority(1 byte '0'..'2') "|" seq(8 bytes BE)  → FetchTask JSON
//             "r|" due_ms(8 bytes BE) "|" url                             → "" (revisit index)
//   seen      canonical url                                               → UrlRecord JSON
constexpr std::string_view kQueuePrefix = "q|";
constexpr std::string_view kRevisitPrefix = "r|";

constexpr std::string_view kOutcomeNames[] = {"queued",   "fetched", "not_modified", "robots_denied",
                                             "out_of_scope", "too_large", "failed",  "redirected",
                                             "blocked"};

std::string EncodeRecord(const UrlRecord& r) {
  nlohmann::json j{{"outcome", Name(r.outcome)}, {"reason", r.reason},   {"http_status", r.http_status},
                   {"attempts", r.attempts},     {"at_ms", r.at_ms},     {"source", r.source},
                   {"depth", r.depth},           {"etag", r.etag},       {"last_modified", r.last_modified},
                   {"next_revisit_ms", r.next_revisit_ms}};
  if (!r.ad_ids.empty()) j["ad_ids"] = r.ad_ids;
  if (!r.remote_ip.empty()) j["remote_ip"] = r.remote_ip;
  if (!r.redirect_to.empty()) j["redirect_to"] = r.redirect_to;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<UrlRecord> DecodeRecord(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Corruption("seen record", "not a JSON object");
  UrlRecord r;
  const std::string outcome = j.value("outcome", "queued");
  for (size_t i = 0; i < std::size(kOutcomeNames); ++i) {
    if (outcome == kOutcomeNames[i]) r.outcome = static_cast<Outcome>(i);
  }
  r.reason = j.value("reason", "");
  r.http_status = j.value("http_status", 0);
  r.attempts = j.value("attempts", 0);
  r.at_ms = j.value("at_ms", int64_t{0});
  r.source = j.value("source", "");
  r.depth = j.value("depth", 0);
  r.etag = j.value("etag", "");
  r.last_modified = j.value("last_modified", "");
  r.next_revisit_ms = j.value("next_revisit_ms", int64_t{0});
  r.remote_ip = j.value("remote_ip", "");
  r.redirect_to = j.value("redirect_to", "");
  if (auto it = j.find("ad_ids"); it != j.end() && it->is_array()) {
    for (const auto& id : *it) {
      if (id.is_string()) r.ad_ids.push_back(id.get<std::string>());
    }
  }
  return r;
}

// "q|host|p|" of a queue key, and the host inside it.
std::string HostOfKey(std::string_view key) {
  key.remove_prefix(kQueuePrefix.size());
  return std::string(key.substr(0, key.find('|')));
}

std::string RevisitKey(int64_t due_ms, const std::string& url) {
  return std::string(kRevisitPrefix) + storage::EncodeU64(static_cast<uint64_t>(std::max<int64_t>(due_ms, 0))) +
         "|" + url;
}

}  // namespace

std::string_view Name(Outcome o) {
  const auto i = static_cast<size_t>(o);
  return i < std::size(kOutcomeNames) ? kOutcomeNames[i] : "unknown";
}

Frontier::Frontier(storage::Store& store, const Clock& clock, FrontierOptions options)
    : store_(store), clock_(clock), options_(options) {}

Status Frontier::Load() {
  hosts_.clear();
  hosts_with_work_.clear();
  queued_ = 0;
  // One pass over the queue keys: which hosts have work, how much, and the highest sequence.
  Status s = store_.Scan(Table::kFrontier, kQueuePrefix, [&](std::string_view key, std::string_view) {
    ++queued_;
    const std::string host = HostOfKey(key);
    if (hosts_with_work_.insert(host).second) hosts_[host];
    if (key.size() >= 8) {
      if (auto seq = storage::DecodeU64(key.substr(key.size() - 8))) next_seq_ = std::max(next_seq_, *seq + 1);
    }
    return true;
  });
  return s;
}

std::string Frontier::QueueKey(const std::string& host, FetchPriority priority) {
  return std::string(kQueuePrefix) + host + "|" + static_cast<char>('0' + static_cast<int>(priority)) + "|" +
         storage::EncodeU64(next_seq_++);
}

Result<int> Frontier::Add(const std::vector<FetchTask>& tasks, bool force) {
  TableBatch batch;
  std::vector<std::pair<std::string, FetchTask>> added;
  std::set<std::string> in_batch;
  const int64_t now = clock_.NowMs();
  for (const FetchTask& t : tasks) {
    if (!in_batch.insert(t.url).second) continue;
    auto existing = store_.Get(Table::kSeen, t.url);
    UrlRecord r;
    if (existing.has_value()) {
      if (!force) continue;
      auto rec = DecodeRecord(existing.value());
      if (rec && rec->outcome == Outcome::kQueued) continue;  // already waiting
      if (rec) {
        // What the last 2xx left stays with the URL while it waits: its validators, and the
        // ads a 304 will mark as seen again.
        r.etag = std::move(rec->etag);
        r.last_modified = std::move(rec->last_modified);
        r.ad_ids = std::move(rec->ad_ids);
      }
    } else if (!existing.error().IsNotFound()) {
      return existing.error();
    }
    const std::string host = HostKey(t.url);
    if (host.empty()) continue;
    r.outcome = Outcome::kQueued;
    r.at_ms = now;
    r.source = t.source;
    r.depth = t.depth;
    const std::string key = QueueKey(host, t.priority);
    batch.Put(Table::kSeen, t.url, EncodeRecord(r));
    batch.Put(Table::kFrontier, key, ToJsonText(t));
    added.emplace_back(key, t);
  }
  if (batch.empty()) return 0;
  ADWATCH_RETURN_IF_ERROR(store_.Apply(batch));
  for (auto& [key, task] : added) {
    const std::string host = HostKey(task.url);
    HostQueue& q = hosts_[host];
    hosts_with_work_.insert(host);
    ++queued_;
    // New work lands in memory only if it belongs in the head; otherwise it waits on disk.
    if (!q.exhausted) continue;
    q.head.emplace_back(key, std::move(task));
    std::sort(q.head.begin(), q.head.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    if (q.head.size() > options_.head_size) {
      q.head.pop_back();
      q.exhausted = false;
    }
  }
  return static_cast<int>(added.size());
}

void Frontier::Refill(const std::string& host, HostQueue& q) {
  std::set<std::string> have;
  for (const auto& [k, t] : q.head) have.insert(k);
  bool more = false;
  const std::string prefix = std::string(kQueuePrefix) + host + "|";
  (void)store_.Scan(Table::kFrontier, prefix, [&](std::string_view key, std::string_view value) {
    const std::string k(key);
    if (have.count(k) || in_flight_keys_.count(k)) return true;
    if (q.head.size() >= options_.head_size) {
      more = true;
      return false;
    }
    auto task = FromJsonText<FetchTask>(value, "frontier task");
    if (task) q.head.emplace_back(k, std::move(task.value()));
    return true;
  });
  q.exhausted = !more;
  std::sort(q.head.begin(), q.head.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
}

std::optional<FetchTask> Frontier::Pop(const std::string& host, int64_t now_ms) {
  auto it = hosts_.find(host);
  if (it == hosts_.end()) return std::nullopt;
  HostQueue& q = it->second;
  if (q.head.empty() && !q.exhausted) Refill(host, q);
  for (auto h = q.head.begin(); h != q.head.end(); ++h) {
    if (h->second.not_before_ms > now_ms) continue;
    FetchTask task = std::move(h->second);
    in_flight_[task.url] = h->first;
    in_flight_keys_.insert(h->first);
    q.head.erase(h);
    if (q.head.empty() && q.exhausted) hosts_with_work_.erase(host);
    return task;
  }
  if (q.head.empty() && q.exhausted) hosts_with_work_.erase(host);
  return std::nullopt;
}

int64_t Frontier::EarliestStart(const std::string& host) {
  auto it = hosts_.find(host);
  if (it == hosts_.end()) return 0;
  HostQueue& q = it->second;
  if (q.head.empty() && !q.exhausted) Refill(host, q);
  int64_t earliest = 0;
  for (const auto& [k, t] : q.head) {
    if (t.not_before_ms <= 0) return 0;
    earliest = earliest == 0 ? t.not_before_ms : std::min(earliest, t.not_before_ms);
  }
  return earliest;
}

void Frontier::Unpop(const FetchTask& task) {
  auto it = in_flight_.find(task.url);
  if (it == in_flight_.end()) return;
  const std::string key = it->second;
  in_flight_keys_.erase(key);
  in_flight_.erase(it);
  const std::string host = HostKey(task.url);
  HostQueue& q = hosts_[host];
  q.head.emplace_back(key, task);
  std::sort(q.head.begin(), q.head.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  hosts_with_work_.insert(host);
}

Status Frontier::Finish(const FetchTask& task, const UrlRecord& record) {
  TableBatch batch;
  auto it = in_flight_.find(task.url);
  if (it != in_flight_.end()) batch.Delete(Table::kFrontier, it->second);
  UrlRecord r = record;
  if (r.at_ms == 0) r.at_ms = clock_.NowMs();
  if (r.source.empty()) r.source = task.source;
  r.depth = task.depth;
  batch.Put(Table::kSeen, task.url, EncodeRecord(r));
  if (r.next_revisit_ms > 0) batch.Put(Table::kFrontier, RevisitKey(r.next_revisit_ms, task.url), "");
  ADWATCH_RETURN_IF_ERROR(store_.Apply(batch));
  if (it != in_flight_.end()) {
    in_flight_keys_.erase(it->second);
    in_flight_.erase(it);
    --queued_;
  }
  return Status::OK();
}

Status Frontier::Retry(const FetchTask& task) {
  auto it = in_flight_.find(task.url);
  const std::string host = HostKey(task.url);
  TableBatch batch;
  if (it != in_flight_.end()) batch.Delete(Table::kFrontier, it->second);
  // A new sequence number: the retry goes behind the host's other work instead of blocking it.
  const std::string key = QueueKey(host, task.priority);
  batch.Put(Table::kFrontier, key, ToJsonText(task));
  ADWATCH_RETURN_IF_ERROR(store_.Apply(batch));
  if (it != in_flight_.end()) {
    in_flight_keys_.erase(it->second);
    in_flight_.erase(it);
  } else {
    ++queued_;
  }
  HostQueue& q = hosts_[host];
  hosts_with_work_.insert(host);
  if (q.exhausted) {
    q.head.emplace_back(key, task);
    std::sort(q.head.begin(), q.head.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  return Status::OK();
}

Status Frontier::Record(const std::string& url, const UrlRecord& record) {
  TableBatch batch;
  UrlRecord r = record;
  if (r.at_ms == 0) r.at_ms = clock_.NowMs();
  batch.Put(Table::kSeen, url, EncodeRecord(r));
  return store_.Apply(batch);
}

Status Frontier::RecordOutOfScope(const std::vector<std::string>& urls, const std::string& source) {
  TableBatch batch;
  std::set<std::string> done;
  const int64_t now = clock_.NowMs();
  for (const std::string& url : urls) {
    if (!done.insert(url).second) continue;
    auto existing = store_.Get(Table::kSeen, url);
    if (existing.has_value()) continue;
    if (!existing.error().IsNotFound()) return existing.error();
    UrlRecord r;
    r.outcome = Outcome::kOutOfScope;
    r.reason = "outside every source's scope";
    r.at_ms = now;
    r.source = source;
    batch.Put(Table::kSeen, url, EncodeRecord(r));
  }
  if (batch.empty()) return Status::OK();
  return store_.Apply(batch);
}

Result<UrlRecord> Frontier::Lookup(const std::string& url) const {
  auto v = store_.Get(Table::kSeen, url);
  if (!v) return v.error();
  return DecodeRecord(v.value());
}

Result<int> Frontier::QueueDueRevisits(int64_t now_ms, int64_t& next_due_ms) {
  next_due_ms = 0;
  std::vector<std::pair<std::string, std::string>> due;  // revisit key, url
  Status s = store_.Scan(Table::kFrontier, kRevisitPrefix, [&](std::string_view key, std::string_view) {
    if (key.size() < kRevisitPrefix.size() + 9) return true;
    const auto at = storage::DecodeU64(key.substr(kRevisitPrefix.size(), 8));
    if (!at) return true;
    if (static_cast<int64_t>(*at) > now_ms) {
      next_due_ms = static_cast<int64_t>(*at);
      return false;
    }
    due.emplace_back(std::string(key), std::string(key.substr(kRevisitPrefix.size() + 9)));
    return due.size() < 10'000;
  });
  ADWATCH_RETURN_IF_ERROR(s);
  if (due.empty()) return 0;
  std::vector<FetchTask> tasks;
  TableBatch drop;
  for (const auto& [key, url] : due) {
    drop.Delete(Table::kFrontier, key);
    auto rec = Lookup(url);
    if (!rec) continue;
    FetchTask t;
    t.url = url;
    t.source = rec->source;
    t.depth = rec->depth;
    t.priority = FetchPriority::kRevisit;
    t.etag = rec->etag;
    t.last_modified = rec->last_modified;
    tasks.push_back(std::move(t));
  }
  ADWATCH_RETURN_IF_ERROR(store_.Apply(drop));
  return Add(tasks, /*force=*/true);
}

}  // namespace adwatch::crawler
