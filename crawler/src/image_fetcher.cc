#include "adwatch/crawler/image_fetcher.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "adwatch/crawler/robots.h"
#include "adwatch/crawler/url.h"

namespace adwatch::crawler {

Status Validate(const ImageFetcherOptions& o) {
  if (o.host_delay_ms < 0)
    return Status::InvalidArgument("image fetcher", "host_delay_ms must not be negative");
  if (o.max_bytes <= 0)
    return Status::InvalidArgument("image fetcher", "max_bytes must be positive");
  if (o.max_seen == 0) return Status::InvalidArgument("image fetcher", "max_seen must be positive");
  if (o.max_wait_ms <= 0)
    return Status::InvalidArgument("image fetcher", "max_wait_ms must be positive");
  if (o.robots_token.empty())
    return Status::InvalidArgument("image fetcher", "robots_token must not be empty");
  return Status::OK();
}

namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

FetchResult Outcome(const std::string& url, FetchError error, std::string message) {
  FetchResult r;
  r.requested_url = url;
  r.error = error;
  r.error_message = std::move(message);
  return r;
}

}  // namespace

struct ImageFetcher::Rep {
  Fetcher& fetcher;
  ImageFetcherOptions options;
  std::mutex mu;
  std::unordered_set<std::string> seen;  // guarded by mu
  std::deque<std::string> seen_order;    // guarded by mu: oldest first
  struct Host {
    bool robots_loaded = false;
    bool robots_loading = false;
    RobotsTxt robots;
    std::string blocked;  // the guard refused the host's robots.txt: its message
    int64_t delay_ms = 0;
    SteadyTime next_ok{};
  };
  std::unordered_map<std::string, Host> hosts;  // guarded by mu
  std::condition_variable robots_cv;
  std::atomic<int64_t> fetched{0};

  Rep(Fetcher& f, ImageFetcherOptions o) : fetcher(f), options(std::move(o)) {}

  // Sends one request and waits for its answer.
  FetchResult Send(const std::string& url) {
    FetchRequest req;
    req.task.url = url;
    req.task.source = "image";
    req.task.external = options.guard_addresses;
    req.guard_addresses = options.guard_addresses;
    auto promise = std::make_shared<std::promise<FetchResult>>();
    std::future<FetchResult> answer = promise->get_future();
    fetcher.Fetch(std::move(req), [promise](FetchResult r) { promise->set_value(std::move(r)); });
    if (answer.wait_for(std::chrono::milliseconds(options.max_wait_ms)) !=
        std::future_status::ready) {
      return Outcome(url, FetchError::kTimeout, "no answer within max_wait_ms");
    }
    return answer.get();
  }

  // Waits until the host may be asked again and books the next slot.
  void TakeTurn(const std::string& key) {
    SteadyTime at;
    {
      std::lock_guard lock(mu);
      Host& h = hosts[key];
      const auto now = std::chrono::steady_clock::now();
      at = std::max(now, h.next_ok);
      h.next_ok = at + std::chrono::milliseconds(std::max(options.host_delay_ms, h.delay_ms));
    }
    std::this_thread::sleep_until(at);
  }

  // The host's robots.txt, fetched on first use (other threads wait for it). `blocked` gets the
  // guard's message when it refused the host.
  RobotsTxt Robots(const std::string& url, const std::string& key, std::string* blocked) {
    {
      std::unique_lock lock(mu);
      robots_cv.wait(lock, [&] { return !hosts[key].robots_loading; });
      Host& h = hosts[key];
      if (h.robots_loaded) {
        *blocked = h.blocked;
        return h.robots;
      }
      h.robots_loading = true;
    }
    const std::string scheme = url.substr(0, url.find("://"));
    TakeTurn(key);
    FetchResult r = Send(scheme + "://" + key + "/robots.txt");
    RobotsTxt robots;
    // RFC 9309: a 4xx means no restrictions; a 5xx or no answer means everything is disallowed.
    bool unreachable = r.error != FetchError::kNone || r.http_status >= 500;
    if (!unreachable && r.http_status >= 200 && r.http_status < 300)
      robots = RobotsTxt::Parse(r.body);
    if (unreachable) robots = RobotsTxt::Parse("User-agent: *\nDisallow: /\n");
    std::lock_guard lock(mu);
    if (hosts.size() > options.max_seen) hosts.clear();  // bounded; robots are fetched again
    Host& h = hosts[key];
    h.robots = robots;
    if (r.error == FetchError::kBlockedAddress) h.blocked = r.error_message;
    *blocked = h.blocked;
    h.robots_loaded = true;
    h.robots_loading = false;
    if (auto d = robots.CrawlDelaySeconds(options.robots_token)) {
      h.delay_ms = static_cast<int64_t>(std::min(*d, 3600.0) * 1000);
    }
    robots_cv.notify_all();
    return robots;
  }
};

ImageFetcher::ImageFetcher(Fetcher& fetcher, ImageFetcherOptions options)
    : rep_(std::make_unique<Rep>(fetcher, std::move(options))) {}
ImageFetcher::~ImageFetcher() = default;
int64_t ImageFetcher::fetched() const { return rep_->fetched.load(); }

FetchResult ImageFetcher::Fetch(const std::string& raw_url) {
  Rep& r = *rep_;
  auto canonical = CanonicalUrl(raw_url);
  if (!canonical) return Outcome(raw_url, FetchError::kOutOfScope, canonical.error().message());
  const std::string& url = *canonical;
  {
    std::lock_guard lock(r.mu);
    if (!r.seen.insert(url).second) return Outcome(url, FetchError::kOutOfScope, "already fetched");
    r.seen_order.push_back(url);
    if (r.seen_order.size() > r.options.max_seen) {
      r.seen.erase(r.seen_order.front());
      r.seen_order.pop_front();
    }
  }
  const std::string key = HostKey(url);
  if (key.empty()) return Outcome(url, FetchError::kOutOfScope, "no host");
  std::string blocked;
  const RobotsTxt robots = r.Robots(url, key, &blocked);
  if (!blocked.empty()) return Outcome(url, FetchError::kBlockedAddress, blocked);
  if (!robots.IsAllowed(PathAndQuery(url), r.options.robots_token)) {
    return Outcome(url, FetchError::kRobotsDenied, "robots.txt disallows it");
  }
  r.TakeTurn(key);
  ++r.fetched;
  FetchResult result = r.Send(url);
  if (result.error == FetchError::kNone &&
      (result.truncated || static_cast<int64_t>(result.body.size()) > r.options.max_bytes)) {
    result.error = FetchError::kTooLarge;
    result.error_message = "image over max_bytes (" + std::to_string(r.options.max_bytes) + ")";
    result.body = std::string();
  }
  return result;
}

}  // namespace adwatch::crawler
