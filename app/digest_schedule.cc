#include "digest_schedule.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "adwatch/common/time.h"
#include "digest_config.h"

namespace adwatch::app {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kRetryMs = 10 * 60 * 1000;
constexpr int64_t kDayMs = 24LL * 3600 * 1000;

fs::path StateFile(const std::string& out_dir, const std::string& name) {
  return fs::path(out_dir) / (".adwatch-sent-" + name);
}

std::string ReadState(const fs::path& p) {
  std::ifstream in(p);
  std::string day;
  std::getline(in, day);
  return LocalDays::IsValidDay(day) ? day : "";
}

bool WriteState(const fs::path& p, const std::string& day) {
  const fs::path tmp = p.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << day << "\n";
    if (!out) return false;
  }
  std::error_code ec;
  fs::rename(tmp, p, ec);
  return !ec;
}

}  // namespace

DigestSchedule::DigestSchedule(AppContext& ctx, const storage::Store& store, const Clock& clock)
    : ctx_(ctx), store_(store), clock_(clock) {
  const Config* config = ctx_.config();
  if (!config) return;
  for (const auto& s : config->digest.subscriptions) scheduled_ += s.send_at.empty() ? 0 : 1;
  if (scheduled_ == 0) return;
  thread_ = std::thread([this] { Loop(); });
}

DigestSchedule::~DigestSchedule() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DigestSchedule::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    const int64_t now = clock_.NowMs();
    const int64_t next = RunDue(now);
    lock.lock();
    const int64_t wait = std::clamp<int64_t>(next - clock_.NowMs(), 1000, 60'000);
    cv_.wait_for(lock, std::chrono::milliseconds(wait), [this] { return stop_; });
  }
}

int64_t DigestSchedule::RunDue(int64_t now) {
  const Config* config = ctx_.config();
  auto days = LocalDays::Create(config->timezone);
  if (!days) return now + 60'000;
  const std::string today = days->DayOf(now);
  const std::string yesterday = LocalDays::AddDays(today, -1);
  auto midnight = days->StartOf(today);
  if (!midnight) return now + 60'000;
  int64_t next = now + kDayMs;
  for (const auto& s : config->digest.subscriptions) {
    const auto minutes = ParseTimeOfDay(s.send_at);
    if (!minutes) continue;
    const int64_t due_today = *midnight + int64_t{*minutes} * 60'000;
    const fs::path state = StateFile(config->digest.out_dir, s.name);
    const bool sent = ReadState(state) >= yesterday;
    if (now < due_today || sent) {
      next = std::min(next, now < due_today ? due_today : due_today + kDayMs);
      continue;
    }
    if (auto it = retry_at_ms_.find(s.name); it != retry_at_ms_.end() && now < it->second) {
      next = std::min(next, it->second);
      continue;
    }
    spdlog::info("digest schedule: writing {}'s digest of {}", s.name, yesterday);
    const int code = WriteDigests(ctx_, store_, yesterday, s.name, "", !s.recipients.empty());
    if (code == kExitOk && WriteState(state, yesterday)) {
      retry_at_ms_.erase(s.name);
      next = std::min(next, due_today + kDayMs);
    } else {
      spdlog::warn("digest schedule: {}'s digest of {} failed; trying again in 10 minutes", s.name,
                   yesterday);
      retry_at_ms_[s.name] = now + kRetryMs;
      next = std::min(next, now + kRetryMs);
    }
  }
  return next;
}

}  // namespace adwatch::app
