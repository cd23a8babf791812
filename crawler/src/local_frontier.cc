#include "adwatch/crawler/local_frontier.h"

#include <algorithm>

#include "adwatch/common/escape.h"
#include "adwatch/crawler/url.h"
#include "adwatch/storage/crawl_codec.h"
#include "adwatch/storage/keys.h"

namespace adwatch::crawler {
namespace {

using storage::Table;
using storage::TableBatch;

// Table layouts (docs/storage.md):
//   frontier  "q|" host "|" priority(1 byte '0'..'2') "|" seq(8 bytes BE)  → FetchTask
//             "r|" due_ms(8 bytes BE) "|" url                             → "" (revisit index)
//   seen      canonical url                                               → UrlRecord
//   hosts     host key                                                    → RobotsRecord
// Values are laid out by storage (adwatch/storage/crawl_codec.h), in its binary value format: one
// is written per URL fetched or discovered, with no JSON tree to build. Values of earlier versions
// are untagged JSON objects (they start with '{') and are still read.
constexpr std::string_view kQueuePrefix = "q|";
constexpr std::string_view kRevisitPrefix = "r|";
// "|" priority "|" seq after the host.
constexpr size_t kQueueKeyTail = 1 + 1 + 1 + 8;

// A queue key as text for messages: the binary sequence number written as a decimal.
std::string ShowQueueKey(std::string_view key) {
  if (key.size() < kQueuePrefix.size() + kQueueKeyTail) return EscapeControl(key, 200);
  const auto seq = storage::DecodeU64(key.substr(key.size() - 8));
  return EscapeControl(key.substr(0, key.size() - 8), 200) + (seq ? std::to_string(*seq) : "?");
}

// The host of a queue key; "" when the key is not one.
std::string_view HostOfKey(std::string_view key) {
  if (key.size() <= kQueuePrefix.size() + kQueueKeyTail ||
      key.substr(0, kQueuePrefix.size()) != kQueuePrefix) {
    return {};
  }
  const size_t tail = key.size() - kQueueKeyTail;
  const char priority = key[tail + 1];
  if (key[tail] != '|' || key[tail + 2] != '|' || priority < '0' || priority > '2') return {};
  std::string_view host = key.substr(kQueuePrefix.size(), tail - kQueuePrefix.size());
  if (host.find('|') != std::string_view::npos) return {};
  return host;
}

std::string RevisitKey(int64_t due_ms, const std::string& url) {
  return std::string(kRevisitPrefix) +
         storage::EncodeU64(static_cast<uint64_t>(std::max<int64_t>(due_ms, 0))) + "|" + url;
}

// The layouts are storage's (adwatch/storage/crawl_codec.h); this names what a value is for its
// errors.
Result<UrlRecord> DecodeRecord(std::string_view value, const std::string& url) {
  return storage::DecodeUrlRecord(value, "seen record of " + EscapeControl(url, 200));
}

Result<FetchTask> DecodeTask(std::string_view key, std::string_view value, std::string_view host) {
  const std::string context = "task " + ShowQueueKey(key);
  auto task = storage::DecodeFetchTask(value, context);
  if (!task) return task.error();
  if (HostKey(task->url) != host) {
    return Status::Corruption(context, "its URL \"" + EscapeControl(task->url, 200) +
                                           "\" is not on host " + std::string(host));
  }
  return task;
}

bool KeyLess(const std::pair<std::string, FetchTask>& a,
             const std::pair<std::string, FetchTask>& b) {
  return a.first < b.first;
}

}  // namespace

LocalFrontier::LocalFrontier(storage::Store& store, const Clock& clock,
                             LocalFrontierOptions options)
    : store_(store), clock_(clock), options_(options) {}

Status LocalFrontier::Open() {
  hosts_.clear();
  hosts_with_work_.clear();
  leases_.clear();
  leased_keys_.clear();
  last_host_.clear();
  queued_ = 0;
  // One pass over the queue keys: which hosts have work, how much, and the highest sequence.
  Status bad;
  Status s =
      store_.Scan(Table::kFrontier, kQueuePrefix, [&](std::string_view key, std::string_view) {
        const std::string_view host = HostOfKey(key);
        if (host.empty()) {
          bad = Status::Corruption("queue key " + ShowQueueKey(key), "malformed");
          return false;
        }
        ++queued_;
        const std::string h(host);
        if (hosts_with_work_.insert(h).second) hosts_[h];
        if (auto seq = storage::DecodeU64(key.substr(key.size() - 8))) {
          next_seq_ = std::max(next_seq_, *seq + 1);
        }
        return true;
      });
  ADWATCH_RETURN_IF_ERROR(s);
  return bad;
}

std::string LocalFrontier::QueueKey(const std::string& host, FetchPriority priority) {
  return std::string(kQueuePrefix) + host + "|" +
         static_cast<char>('0' + static_cast<int>(priority)) + "|" +
         storage::EncodeU64(next_seq_++);
}

void LocalFrontier::InsertHead(HostQueue& q, Entry entry) {
  q.head.insert(std::upper_bound(q.head.begin(), q.head.end(), entry, KeyLess), std::move(entry));
}

void LocalFrontier::OnDiskOnly(HostQueue& q, const std::string& key) {
  if (key < q.disk_from) q.disk_from = key;
}

void LocalFrontier::UpdateWork(const std::string& host, HostQueue& q) {
  if (q.head.empty() && q.exhausted) {
    hosts_with_work_.erase(host);
  } else {
    hosts_with_work_.insert(host);
  }
}

Result<int> LocalFrontier::Add(const std::vector<FetchTask>& tasks, AddMode mode) {
  TableBatch batch;
  std::vector<Entry> added;
  std::set<std::string> in_batch;
  const int64_t now = clock_.NowMs();
  for (const FetchTask& t : tasks) {
    if (!in_batch.insert(t.url).second) continue;
    const std::string host = HostKey(t.url);
    if (host.empty()) continue;
    auto existing = store_.Get(Table::kSeen, t.url);
    UrlRecord r;
    if (existing.has_value()) {
      if (mode == AddMode::kIfNew) continue;
      auto rec = DecodeRecord(existing.value(), t.url);
      if (!rec) return rec.error();
      if (rec->outcome == Outcome::kQueued) continue;  // already waiting
      // What the last 2xx left stays with the URL while it waits: its validators, and the ads a
      // 304 will mark as seen again.
      r.etag = std::move(rec->etag);
      r.last_modified = std::move(rec->last_modified);
      r.ad_ids = std::move(rec->ad_ids);
    } else if (!existing.error().IsNotFound()) {
      return existing.error();
    }
    r.outcome = Outcome::kQueued;
    r.at_ms = now;
    r.source = t.source;
    r.depth = t.depth;
    std::string key = QueueKey(host, t.priority);
    batch.Put(Table::kSeen, t.url, storage::EncodeUrlRecord(r));
    batch.Put(Table::kFrontier, key, storage::EncodeFetchTask(t));
    added.emplace_back(std::move(key), t);
  }
  if (batch.empty()) return 0;
  ADWATCH_RETURN_IF_ERROR(store_.Apply(batch));
  for (auto& [key, task] : added) {
    const std::string host = HostKey(task.url);
    HostQueue& q = hosts_[host];
    hosts_with_work_.insert(host);
    ++queued_;
    // New work lands in memory only if it belongs in the head; otherwise it waits on disk.
    if (!q.exhausted) {
      OnDiskOnly(q, key);
      continue;
    }
    InsertHead(q, Entry(std::move(key), std::move(task)));
    if (q.head.size() > options_.head_size) {
      OnDiskOnly(q, q.head.back().first);
      q.head.pop_back();
      q.exhausted = false;
    }
  }
  return static_cast<int>(added.size());
}

void LocalFrontier::SetHostConnections(const std::string& host, int max_connections) {
  connections_[host] = std::max(1, max_connections);
}

Status LocalFrontier::Refill(const std::string& host, HostQueue& q) {
  std::set<std::string> have;
  for (const auto& [k, t] : q.head) have.insert(k);
  bool more = false;
  Status bad;
  const std::string prefix = std::string(kQueuePrefix) + host + "|";
  std::string stopped_at;
  Status s = store_.ScanFrom(Table::kFrontier, prefix, q.disk_from,
                             [&](std::string_view key, std::string_view value) {
                               std::string k(key);
                               if (have.count(k) || leased_keys_.count(k)) return true;
                               if (q.head.size() >= options_.head_size) {
                                 more = true;
                                 stopped_at = std::move(k);
                                 return false;
                               }
                               auto task = DecodeTask(key, value, host);
                               if (!task) {
                                 bad = task.error();
                                 return false;
                               }
                               q.head.emplace_back(k, std::move(task.value()));
                               return true;
                             });
  ADWATCH_RETURN_IF_ERROR(s);
  ADWATCH_RETURN_IF_ERROR(bad);
  q.exhausted = !more;
  // Exhausted: nothing left on disk, so any key written from now on is before this mark.
  q.disk_from = more ? std::move(stopped_at) : std::string(1, '\xff');
  std::sort(q.head.begin(), q.head.end(), KeyLess);
  return Status::OK();
}

Result<std::optional<LocalFrontier::Entry>> LocalFrontier::PopReady(const std::string& host,
                                                                    HostQueue& q, int64_t now_ms) {
  if (q.head.empty() && !q.exhausted) ADWATCH_RETURN_IF_ERROR(Refill(host, q));
  for (auto h = q.head.begin(); h != q.head.end(); ++h) {
    if (h->second.not_before_ms > now_ms) continue;
    Entry e = std::move(*h);
    q.head.erase(h);
    return std::optional<Entry>(std::move(e));
  }
  return std::optional<Entry>();
}

int64_t LocalFrontier::EarliestStart(const HostQueue& q) const {
  int64_t earliest = 0;
  for (const auto& [k, t] : q.head) {
    if (t.not_before_ms <= 0) return 0;
    earliest = earliest == 0 ? t.not_before_ms : std::min(earliest, t.not_before_ms);
  }
  return earliest;
}

Result<Claimed> LocalFrontier::Claim(int max, int64_t now_ms) {
  Claimed out;
  auto due = [&](int64_t t) {
    if (t > now_ms && (out.next_due_ms == 0 || t < out.next_due_ms)) out.next_due_ms = t;
  };
  if (max <= 0 || hosts_with_work_.empty()) return out;
  // A copy: claiming may take hosts out of the set.
  const std::vector<std::string> hosts(hosts_with_work_.begin(), hosts_with_work_.end());
  // Round-robin: start after the host served last, so no host is always first.
  auto at = std::upper_bound(hosts.begin(), hosts.end(), last_host_);
  for (size_t n = 0; n < hosts.size() && static_cast<int>(out.leases.size()) < max; ++n, ++at) {
    if (at == hosts.end()) at = hosts.begin();
    const std::string& host = *at;
    HostQueue& q = hosts_[host];
    auto conn = connections_.find(host);
    const int max_connections = conn == connections_.end() ? 1 : conn->second;
    if (q.held_for_run || q.leases >= max_connections) continue;
    if (q.next_ms > now_ms) {
      due(q.next_ms);
      continue;
    }
    while (q.leases < max_connections && static_cast<int>(out.leases.size()) < max) {
      auto entry = PopReady(host, q, now_ms);
      if (!entry) return entry.error();
      if (!entry->has_value()) {
        due(EarliestStart(q));
        break;
      }
      auto& [key, task] = **entry;
      const uint64_t id = next_lease_++;
      leased_keys_.insert(key);
      leases_[id] = LeaseState{key, host, /*holds_connection=*/true};
      ++q.leases;
      ++q.tasks_leased;
      out.leases.push_back(Lease{id, host, std::move(task)});
      last_host_ = host;
    }
    UpdateWork(host, q);
  }
  return out;
}

void LocalFrontier::Release(LeaseState& lease, const HostRelease& release) {
  if (!lease.holds_connection) return;
  lease.holds_connection = false;
  HostQueue& q = hosts_[lease.host];
  --q.leases;
  if (release.ended_ms > 0) q.next_ms = std::max(q.next_ms, release.ended_ms + release.delay_ms);
  if (release.hold_until_ms == kHoldForRun) {
    q.held_for_run = true;
  } else {
    q.next_ms = std::max(q.next_ms, release.hold_until_ms);
  }
}

void LocalFrontier::ReleaseHost(const Lease& lease, const HostRelease& release) {
  if (auto it = leases_.find(lease.id); it != leases_.end()) Release(it->second, release);
}

Status LocalFrontier::Finish(const Lease& lease, const UrlRecord& record,
                             const HostRelease& release) {
  TableBatch batch;
  auto it = leases_.find(lease.id);
  if (it != leases_.end()) batch.Delete(Table::kFrontier, it->second.key);
  UrlRecord r = record;
  if (r.at_ms == 0) r.at_ms = clock_.NowMs();
  if (r.source.empty()) r.source = lease.task.source;
  r.depth = lease.task.depth;
  batch.Put(Table::kSeen, lease.task.url, storage::EncodeUrlRecord(r));
  if (r.next_revisit_ms > 0) {
    batch.Put(Table::kFrontier, RevisitKey(r.next_revisit_ms, lease.task.url), "");
  }
  ADWATCH_RETURN_IF_ERROR(store_.Apply(batch));
  if (it != leases_.end()) {
    Release(it->second, release);
    --hosts_[it->second.host].tasks_leased;
    leased_keys_.erase(it->second.key);
    leases_.erase(it);
    --queued_;
  }
  return Status::OK();
}

Status LocalFrontier::Retry(const Lease& lease, const FetchTask& next, const HostRelease& release) {
  auto it = leases_.find(lease.id);
  const std::string host = HostKey(next.url);
  TableBatch batch;
  if (it != leases_.end()) batch.Delete(Table::kFrontier, it->second.key);
  // A new sequence number: the retry goes behind the host's other work instead of blocking it.
  std::string key = QueueKey(host, next.priority);
  batch.Put(Table::kFrontier, key, storage::EncodeFetchTask(next));
  ADWATCH_RETURN_IF_ERROR(store_.Apply(batch));
  if (it != leases_.end()) {
    Release(it->second, release);
    --hosts_[it->second.host].tasks_leased;
    leased_keys_.erase(it->second.key);
    leases_.erase(it);
  } else {
    ++queued_;
  }
  HostQueue& q = hosts_[host];
  if (q.exhausted) {
    InsertHead(q, Entry(std::move(key), next));
  } else {
    OnDiskOnly(q, key);
  }
  hosts_with_work_.insert(host);
  return Status::OK();
}

Status LocalFrontier::Return(const Lease& lease, const HostRelease& release) {
  auto it = leases_.find(lease.id);
  if (it == leases_.end()) return Status::OK();
  Release(it->second, release);
  HostQueue& q = hosts_[it->second.host];
  --q.tasks_leased;
  leased_keys_.erase(it->second.key);
  InsertHead(q, Entry(it->second.key, lease.task));
  hosts_with_work_.insert(it->second.host);
  leases_.erase(it);
  return Status::OK();
}

Status LocalFrontier::Record(const std::string& url, const UrlRecord& record) {
  TableBatch batch;
  UrlRecord r = record;
  if (r.at_ms == 0) r.at_ms = clock_.NowMs();
  batch.Put(Table::kSeen, url, storage::EncodeUrlRecord(r));
  return store_.Apply(batch);
}

Status LocalFrontier::RecordOutOfScope(const std::vector<std::string>& urls,
                                       const std::string& source) {
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
    batch.Put(Table::kSeen, url, storage::EncodeUrlRecord(r));
  }
  if (batch.empty()) return Status::OK();
  return store_.Apply(batch);
}

Result<UrlRecord> LocalFrontier::Lookup(const std::string& url) {
  auto v = store_.Get(Table::kSeen, url);
  if (!v) return v.error();
  return DecodeRecord(v.value(), url);
}

Result<RevisitsQueued> LocalFrontier::QueueDueRevisits(int64_t now_ms) {
  RevisitsQueued out;
  std::vector<std::pair<std::string, std::string>> due;  // revisit key, url
  Status bad;
  Status s =
      store_.Scan(Table::kFrontier, kRevisitPrefix, [&](std::string_view key, std::string_view) {
        const auto at = key.size() > kRevisitPrefix.size() + 9
                            ? storage::DecodeU64(key.substr(kRevisitPrefix.size(), 8))
                            : std::nullopt;
        if (!at || key[kRevisitPrefix.size() + 8] != '|') {
          bad = Status::Corruption("revisit key " + EscapeControl(key, 200), "malformed");
          return false;
        }
        if (static_cast<int64_t>(*at) > now_ms) {
          out.next_due_ms = static_cast<int64_t>(*at);
          return false;
        }
        due.emplace_back(std::string(key), std::string(key.substr(kRevisitPrefix.size() + 9)));
        return due.size() < options_.max_revisits_per_scan;
      });
  ADWATCH_RETURN_IF_ERROR(s);
  ADWATCH_RETURN_IF_ERROR(bad);
  if (due.empty()) return out;
  std::vector<FetchTask> tasks;
  TableBatch drop;
  for (const auto& [key, url] : due) {
    drop.Delete(Table::kFrontier, key);
    auto rec = Lookup(url);
    if (!rec) {
      if (rec.error().IsNotFound()) continue;  // the URL was never recorded: nothing to revisit
      return rec.error();
    }
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
  auto added = Add(tasks, AddMode::kAgain);
  if (!added) return added.error();
  out.queued = *added;
  return out;
}

Result<RobotsRecord> LocalFrontier::GetRobots(const std::string& host) {
  auto v = store_.Get(Table::kHosts, host);
  if (!v) return v.error();
  return storage::DecodeRobotsRecord(v.value(), "hosts record of " + EscapeControl(host, 200));
}

Status LocalFrontier::PutRobots(const std::string& host, const RobotsRecord& robots) {
  TableBatch b;
  b.Put(Table::kHosts, host, storage::EncodeRobotsRecord(robots));
  return store_.Apply(b);
}

FrontierCounts LocalFrontier::Counts() const {
  FrontierCounts c;
  c.queued = queued_;
  c.leases = static_cast<int64_t>(leases_.size());
  c.hosts_with_work = static_cast<int64_t>(hosts_with_work_.size());
  for (const auto& [host, q] : hosts_) {
    if (q.tasks_leased > 0 && !hosts_with_work_.count(host)) ++c.hosts_with_work;
  }
  return c;
}

Status LocalFrontier::Export(const std::function<Status(const std::string& url)>& seen,
                             const std::function<Status(const FetchTask& task)>& queued) const {
  Status failed;
  ADWATCH_RETURN_IF_ERROR(
      store_.Scan(Table::kSeen, "", [&](std::string_view key, std::string_view value) {
        const std::string url(key);
        auto rec = DecodeRecord(value, url);
        if (!rec) {
          failed = rec.error();
          return false;
        }
        if (rec->outcome == Outcome::kQueued) return true;
        failed = seen(url);
        return failed.ok();
      }));
  ADWATCH_RETURN_IF_ERROR(failed);
  ADWATCH_RETURN_IF_ERROR(store_.Scan(Table::kFrontier, kQueuePrefix,
                                      [&](std::string_view key, std::string_view value) {
                                        auto task = DecodeTask(key, value, HostOfKey(key));
                                        if (!task) {
                                          failed = task.error();
                                          return false;
                                        }
                                        failed = queued(*task);
                                        return failed.ok();
                                      }));
  return failed;
}

}  // namespace adwatch::crawler
