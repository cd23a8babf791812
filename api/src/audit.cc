#include "adwatch/api/audit.h"

#include <cstdio>

namespace adwatch::api {

AuditBuffer::AuditBuffer(storage::Store& store, int flush_ms, size_t max_buffered)
    : store_(store), flush_ms_(flush_ms), max_buffered_(max_buffered) {
  thread_ = std::thread([this] { Loop(); });
}

AuditBuffer::~AuditBuffer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  (void)Flush();
}

void AuditBuffer::Add(AuditEvent event) {
  std::lock_guard lock(mu_);
  if (buffer_.size() >= max_buffered_) {
    buffer_.erase(buffer_.begin());
    ++dropped_;
  }
  buffer_.push_back(std::move(event));
}

void AuditBuffer::AuthOk(const std::string& token_id, const std::string& org, const std::string& ip,
                         int64_t now_ms, int64_t every_ms) {
  {
    std::lock_guard lock(mu_);
    const std::string key = token_id + "|" + ip;
    auto it = last_auth_ok_.find(key);
    if (it != last_auth_ok_.end() && now_ms - it->second < every_ms) return;
    if (last_auth_ok_.size() > 100'000) last_auth_ok_.clear();  // bounded; forgetting is harmless
    last_auth_ok_[key] = now_ms;
  }
  AuditEvent e;
  e.at_ms = now_ms;
  e.actor = token_id;
  e.org = org;
  e.action = "auth.ok";
  e.outcome = "ok";
  e.ip = ip;
  Add(std::move(e));
}

Status AuditBuffer::Flush() {
  std::lock_guard writer(flush_mu_);
  std::vector<AuditEvent> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(buffer_);
  }
  if (batch.empty()) return Status::OK();
  Status s = store_.AppendAuditBatch(batch);
  if (!s.ok()) {
    std::fprintf(stderr, "adwatch serve: audit log: %s (%zu events kept for the next try)\n",
                 s.ToString().c_str(), batch.size());
    std::lock_guard lock(mu_);
    batch.insert(batch.end(), std::make_move_iterator(buffer_.begin()),
                 std::make_move_iterator(buffer_.end()));
    buffer_.swap(batch);
    while (buffer_.size() > max_buffered_) {
      buffer_.erase(buffer_.begin());
      ++dropped_;
    }
  }
  return s;
}

uint64_t AuditBuffer::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

void AuditBuffer::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(flush_ms_), [this] { return stop_; });
    lock.unlock();
    (void)Flush();
    lock.lock();
  }
}

}  // namespace adwatch::api
