#include "adwatch/crawler/host_table.h"

#include <algorithm>

#include "adwatch/common/names.h"
#include "adwatch/crawler/retry_policy.h"
#include "adwatch/crawler/url.h"

namespace adwatch::crawler {
namespace {

// RFC 9309: a crawler should follow at least five redirects for robots.txt.
constexpr int kMaxRobotsRedirects = 5;
// The first wait after an unreachable robots.txt is at least this long, doubling each time.
constexpr int64_t kRobotsRetryBaseMs = 5000;

}  // namespace

HostState* HostTable::Find(const std::string& key) {
  auto it = hosts_.find(key);
  return it == hosts_.end() ? nullptr : &it->second;
}

HostState& HostTable::Add(const std::string& key, std::string_view url,
                          const SourceConfig* politeness) {
  auto [it, added] = hosts_.try_emplace(key);
  HostState& h = it->second;
  if (!added) return h;
  h.key = key;
  const size_t scheme_end = url.find("://");
  h.origin = std::string(
      url.substr(0, scheme_end == std::string_view::npos ? 0 : url.find('/', scheme_end + 3)));
  h.max_connections = options_.default_connections;
  h.delay_ms = options_.default_delay_ms;
  if (politeness) {
    if (politeness->host_connections > 0) h.max_connections = politeness->host_connections;
    if (politeness->host_delay_ms >= 0) h.delay_ms = politeness->host_delay_ms;
  }
  return h;
}

void HostTable::SetRobots(HostState& h, RobotsTxt robots, int64_t fetched_ms) const {
  h.robots = std::move(robots);
  h.robots_state = RobotsState::kReady;
  h.robots_expires_ms = fetched_ms + options_.robots_ttl_s * 1000;
  h.robots_attempts = 0;
  h.crawl_delay_s = h.robots.CrawlDelaySeconds(options_.user_agent).value_or(0);
}

bool HostTable::UseCached(HostState& h, const RobotsRecord& cached, int64_t now_ms) const {
  if (cached.fetched_ms + options_.robots_ttl_s * 1000 <= now_ms) return false;
  SetRobots(h, RobotsTxt::Parse(cached.text, options_.max_robots_bytes), cached.fetched_ms);
  return true;
}

int64_t HostTable::Delay(const HostState& h) const {
  const int64_t base = std::max<int64_t>(h.delay_ms, static_cast<int64_t>(h.crawl_delay_s * 1000));
  if (h.failures <= 0) return base;
  // Exponential slow-down for a host that keeps failing; never below its normal delay.
  const int64_t slow = std::max<int64_t>(base, 1000) << std::min(h.failures, 12);
  return std::max(base, std::min(options_.max_backoff_ms, slow));
}

HostStep HostTable::Next(const HostState& h, int64_t now_ms) const {
  switch (h.robots_state) {
    case RobotsState::kFetching:
      return {HostStep::Kind::kWaitForRobots, 0};
    case RobotsState::kRefused:
      return {HostStep::Kind::kRefused, 0};
    case RobotsState::kDeferred:
      if (now_ms < h.robots_retry_ms) return {HostStep::Kind::kDeferred, h.robots_retry_ms};
      return {HostStep::Kind::kFetchRobots, 0};
    case RobotsState::kReady:
      if (now_ms >= h.robots_expires_ms) return {HostStep::Kind::kFetchRobots, 0};
      return {HostStep::Kind::kReady, 0};
    case RobotsState::kUnknown:
      break;
  }
  return {HostStep::Kind::kFetchRobots, 0};
}

std::string HostTable::StartRobots(HostState& h) const {
  h.robots_state = RobotsState::kFetching;
  return h.origin + "/robots.txt";
}

RobotsAnswer HostTable::OnRobots(HostState& h, const FetchTask& request, const FetchResult& r,
                                 int64_t now_ms) const {
  RobotsAnswer a;
  const bool answered = r.error == FetchError::kNone;
  const int status = r.http_status;
  if (answered && status >= 300 && status < 400 && request.redirects < kMaxRobotsRedirects &&
      !HeaderValue(r, "Location").empty()) {
    // The answer is this host's wherever the redirect leads.
    if (auto target = ResolveUrl(request.url, HeaderValue(r, "Location")); target) {
      a.kind = RobotsAnswer::Kind::kRedirect;
      a.redirect_url = std::move(*target);
      return a;
    }
  }
  if (answered && status >= 200 && status < 300) {
    SetRobots(h, RobotsTxt::Parse(r.body, options_.max_robots_bytes), now_ms);
    a.to_cache = RobotsRecord{r.body.substr(0, options_.max_robots_bytes), now_ms, status};
  } else if (answered && status >= 400 && status < 500 && status != 429) {
    // RFC 9309: an unavailable robots.txt (4xx) allows everything.
    SetRobots(h, RobotsTxt(), now_ms);
    a.to_cache = RobotsRecord{"", now_ms, status};
  } else if (r.error == FetchError::kBlockedAddress) {
    // The address guard refused the host itself: none of its URLs can be fetched.
    h.robots_state = RobotsState::kRefused;
    h.refused_outcome = Outcome::kBlocked;
    h.refused_reason = r.error_message;
    a.kind = RobotsAnswer::Kind::kRefused;
  } else {
    // Unreachable (5xx, 429, network error, a redirect chain too long): defer the host.
    a.unreachable = true;
    ++h.robots_attempts;
    if (h.robots_attempts > options_.max_robots_retries) {
      h.robots_state = RobotsState::kRefused;
      h.refused_outcome = Outcome::kFailed;
      h.refused_reason =
          "robots.txt unreachable (" +
          (answered ? "HTTP " + std::to_string(status) : std::string(Name(r.error))) + ")";
      h.robots_attempts = 0;
      a.kind = RobotsAnswer::Kind::kRefused;
    } else {
      const int64_t wait =
          std::min<int64_t>(options_.max_backoff_ms, std::max(h.delay_ms, kRobotsRetryBaseMs)
                                                         << std::min(h.robots_attempts - 1, 10));
      const int64_t retry_after =
          r.retry_after_s > 0 ? std::min(r.retry_after_s, options_.max_retry_after_s) * 1000 : 0;
      h.robots_state = RobotsState::kDeferred;
      h.robots_retry_ms = now_ms + std::max(wait, retry_after);
      a.kind = RobotsAnswer::Kind::kDeferred;
      a.release.hold_until_ms = h.robots_retry_ms;
    }
  }
  a.release.ended_ms = now_ms;
  a.release.delay_ms = Delay(h);
  return a;
}

bool HostTable::Allows(const HostState& h, std::string_view url) const {
  return h.robots.IsAllowed(PathAndQuery(url), options_.user_agent);
}

HostRelease HostTable::AfterFetch(HostState& h, const FetchResult& r, int64_t now_ms) const {
  if (IsTransient(r)) {
    ++h.failures;
  } else if (r.error == FetchError::kNone) {
    h.failures = 0;
  }
  HostRelease rel;
  rel.ended_ms = now_ms;
  rel.delay_ms = Delay(h);
  if ((r.http_status == 429 || r.http_status == 503) && r.retry_after_s > 0) {
    rel.hold_until_ms = now_ms + std::min(r.retry_after_s, options_.max_retry_after_s) * 1000;
  }
  return rel;
}

}  // namespace adwatch::crawler
