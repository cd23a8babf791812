#include "support/fake_fetcher.h"

#include <algorithm>

#include "adwatch/crawler/url.h"

namespace adwatch::testing {

FakeResponse FakeResponse::Html(std::string body) {
  FakeResponse r;
  r.headers = {{"Content-Type", "text/html; charset=utf-8"}};
  r.body = std::move(body);
  return r;
}

FakeResponse FakeResponse::Text(std::string body) {
  FakeResponse r;
  r.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
  r.body = std::move(body);
  return r;
}

FakeResponse FakeResponse::Status(int status) {
  FakeResponse r = Text("status " + std::to_string(status) + "\n");
  r.status = status;
  return r;
}

FakeResponse FakeResponse::Redirect(std::string location, int status) {
  FakeResponse r = Status(status);
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

FakeResponse FakeResponse::Failure(FetchError error, std::string message) {
  FakeResponse r;
  r.status = 0;
  r.error = error;
  r.error_message = std::move(message);
  r.remote_ip.clear();
  return r;
}

FakeResponse FakeResponse::WithLatency(int64_t ms) const {
  FakeResponse r = *this;
  r.latency_ms = ms;
  return r;
}

FakeResponse FakeResponse::WithRetryAfter(int64_t seconds) const {
  FakeResponse r = WithHeader("Retry-After", std::to_string(seconds));
  r.retry_after_s = seconds;
  return r;
}

FakeResponse FakeResponse::WithHeader(std::string name, std::string value) const {
  FakeResponse r = *this;
  r.headers.emplace_back(std::move(name), std::move(value));
  return r;
}

FakeFetcher::FakeFetcher(ManualClock& clock) : clock_(clock), default_(FakeResponse::Status(404)) {}

FakeFetcher::~FakeFetcher() {
  // As the real fetcher does: callbacks still pending learn that it shut down.
  std::vector<Pending> left;
  {
    std::lock_guard lock(mu_);
    left.swap(pending_);
  }
  for (Pending& p : left) {
    FetchResult r;
    r.requested_url = log_[p.index].url;
    r.error = FetchError::kOther;
    r.error_message = "shut down";
    p.done(std::move(r));
  }
}

void FakeFetcher::Set(std::string url, FakeResponse response) {
  SetSequence(std::move(url), {std::move(response)});
}

void FakeFetcher::SetSequence(std::string url, std::vector<FakeResponse> responses) {
  std::lock_guard lock(mu_);
  served_.erase(url);
  routes_[std::move(url)] = std::move(responses);
}

void FakeFetcher::SetDefault(FakeResponse response) {
  std::lock_guard lock(mu_);
  default_ = std::move(response);
}

void FakeFetcher::OnRequest(std::function<void(const FakeRequest&)> hook) {
  std::lock_guard lock(mu_);
  hook_ = std::move(hook);
}

FakeResponse FakeFetcher::Answer(const std::string& url) {
  auto it = routes_.find(url);
  if (it == routes_.end() || it->second.empty()) return default_;
  const size_t n = served_[url]++;
  return it->second[std::min(n, it->second.size() - 1)];
}

void FakeFetcher::Fetch(crawler::FetchRequest request, Callback done) {
  std::function<void(const FakeRequest&)> hook;
  FakeRequest logged;
  {
    std::lock_guard lock(mu_);
    const int64_t now = clock_.NowMs();
    logged.url = request.task.url;
    logged.host = crawler::HostKey(logged.url);
    logged.started_ms = now;
    logged.host_in_flight = ++host_in_flight_[logged.host];
    logged.request = std::move(request);
    FakeResponse response = Answer(logged.url);
    const int64_t due =
        response.latency_ms == FakeResponse::kNever ? INT64_MAX : now + response.latency_ms;
    log_.push_back(logged);
    pending_.push_back(Pending{log_.size() - 1, due, std::move(response), std::move(done)});
    hook = hook_;
  }
  cv_.notify_all();
  if (hook) hook(logged);
}

int FakeFetcher::Deliver(int64_t now_ms) {
  std::vector<std::pair<Pending, FetchResult>> ready;
  {
    std::lock_guard lock(mu_);
    // In due order, then in request order.
    std::stable_sort(pending_.begin(), pending_.end(),
                     [](const Pending& a, const Pending& b) { return a.due_ms < b.due_ms; });
    auto cut = std::find_if(pending_.begin(), pending_.end(),
                            [&](const Pending& p) { return p.due_ms > now_ms; });
    for (auto it = pending_.begin(); it != cut; ++it) {
      FakeRequest& logged = log_[it->index];
      const FakeResponse& a = it->response;
      FetchResult r;
      r.requested_url = logged.url;
      r.final_url = logged.url;
      r.source = logged.request.task.source;
      r.remote_ip = a.remote_ip;
      r.http_status = a.error == FetchError::kNone ? a.status : 0;
      r.headers = a.headers;
      r.content_type = std::string(HeaderValue(r, "Content-Type"));
      r.body = a.body;
      r.fetched_at_ms = now_ms;
      r.elapsed_ms = now_ms - logged.started_ms;
      r.retry_after_s = a.retry_after_s;
      r.error = a.error;
      r.error_message = a.error_message;
      logged.ended_ms = now_ms;
      logged.status = r.http_status;
      --host_in_flight_[logged.host];
      ready.emplace_back(std::move(*it), std::move(r));
    }
    pending_.erase(pending_.begin(), cut);
  }
  for (auto& [p, r] : ready) p.done(std::move(r));
  return static_cast<int>(ready.size());
}

bool FakeFetcher::Wait(int64_t until_ms) {
  int64_t next = 0;
  {
    std::lock_guard lock(mu_);
    for (const Pending& p : pending_) {
      if (p.due_ms != INT64_MAX && (next == 0 || p.due_ms < next)) next = p.due_ms;
    }
  }
  int64_t target = next;
  if (until_ms > 0 && (target == 0 || until_ms < target)) target = until_ms;
  if (target == 0) return false;
  const int64_t now = clock_.NowMs();
  if (target > now) clock_.Set(target);
  const int delivered = Deliver(clock_.NowMs());
  return delivered > 0 || target > now;
}

int FakeFetcher::Flush() { return Deliver(clock_.NowMs()); }

std::vector<FakeRequest> FakeFetcher::Requests() const {
  std::lock_guard lock(mu_);
  return log_;
}

std::vector<FakeRequest> FakeFetcher::RequestsTo(std::string_view url) const {
  std::lock_guard lock(mu_);
  std::vector<FakeRequest> out;
  for (const FakeRequest& r : log_) {
    if (r.url == url) out.push_back(r);
  }
  return out;
}

int FakeFetcher::InFlight() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(pending_.size());
}

bool FakeFetcher::WaitForRequests(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return log_.size() >= n; });
}

}  // namespace adwatch::testing
