// FakeFetcher: a crawler::Fetcher that answers from a table instead of the network, and completes
// each request on a ManualClock's time. It is also the crawl's crawler::Waiter: when the crawler
// has nothing to do, the clock jumps to the next completion (or to the time the crawler waits for)
// and the answers due by then are delivered. A crawl with delays of minutes runs in milliseconds,
// and every request is recorded with the clock time it started and ended, so politeness is
// checked exactly, without sockets and without waiting.
//
// Thread safety: every method may be called from any thread. Callbacks run on the thread that
// calls Wait() (the crawler's) or Flush().
//
// Usage:
//   ManualClock clock;
//   FakeFetcher fetcher(clock);
//   fetcher.Set("http://a.test/", FakeResponse::Html("<a href='/1'>1</a>").WithLatency(200));
//   fetcher.SetSequence("http://a.test/1", {FakeResponse::Status(429).WithRetryAfter(30),
//                                           FakeResponse::Html("ok")});
//   Crawler crawler(options, fetcher, store, sink, clock, &fetcher);
//   crawler.Run();
//   for (const FakeRequest& r : fetcher.RequestsTo("http://a.test/1")) ... r.started_ms ...
#ifndef ADWATCH_TESTS_SUPPORT_FAKE_FETCHER_H_
#define ADWATCH_TESTS_SUPPORT_FAKE_FETCHER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adwatch/crawler/crawler.h"
#include "adwatch/crawler/fetcher.h"
#include "support/manual_clock.h"

namespace adwatch::testing {

// One canned answer.
struct FakeResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The answer arrives this long after the request, on the manual clock. kNever: it never does
  // (a fetch still in flight when the crawl stops).
  int64_t latency_ms = 0;
  FetchError error = FetchError::kNone;
  std::string error_message;
  int64_t retry_after_s = -1;
  std::string remote_ip = "127.0.0.1";

  static constexpr int64_t kNever = -1;

  // 200 text/html.
  static FakeResponse Html(std::string body);
  // 200 text/plain (robots.txt, sitemaps).
  static FakeResponse Text(std::string body);
  // `status` with a short body (404, 503, ...).
  static FakeResponse Status(int status);
  // `status` with Location: `location`.
  static FakeResponse Redirect(std::string location, int status = 302);
  // No HTTP answer: `error` (kConnect, kTimeout, kDns, kBlockedAddress, ...) with `message`.
  static FakeResponse Failure(FetchError error, std::string message = "fake failure");

  FakeResponse WithLatency(int64_t ms) const;
  FakeResponse WithRetryAfter(int64_t seconds) const;
  FakeResponse WithHeader(std::string name, std::string value) const;
};

// One request as the fetcher saw it.
struct FakeRequest {
  crawler::FetchRequest request;
  std::string url;         // request.task.url
  std::string host;        // its host key ("a.test:80")
  int64_t started_ms = 0;  // clock time of the Fetch() call
  int64_t ended_ms = -1;   // clock time the answer was delivered; -1 while in flight
  int status = 0;          // the answer's HTTP status (0 for a failure or still in flight)
  int host_in_flight = 0;  // requests to the same host in flight at start, this one included
};

class FakeFetcher final : public crawler::Fetcher, public crawler::Waiter {
 public:
  // REQUIRES: `clock` outlives the fetcher.
  explicit FakeFetcher(ManualClock& clock);
  ~FakeFetcher() override;

  // Every request for `url` (exact, canonical) gets `response`.
  void Set(std::string url, FakeResponse response);
  // Requests for `url` get the responses in turn; the last one repeats.
  void SetSequence(std::string url, std::vector<FakeResponse> responses);
  // What a URL without an entry gets (404 by default).
  void SetDefault(FakeResponse response);
  // Called (on the fetching thread, without locks held) after each request is recorded.
  void OnRequest(std::function<void(const FakeRequest&)> hook);

  // crawler::Fetcher: records the request; the answer is delivered by Wait() or Flush() once
  // the clock reaches its time.
  void Fetch(crawler::FetchRequest request, Callback done) override;

  // crawler::Waiter: moves the clock to the earlier of the next pending answer and `until_ms`
  // (never backwards), delivers every answer due by then, and returns true; false when nothing
  // is pending and `until_ms` is 0 (only another thread can wake the crawler then).
  bool Wait(int64_t until_ms) override;

  // Delivers the answers due by the clock's current time; returns how many.
  int Flush();

  // Every request so far, in the order made (copies).
  std::vector<FakeRequest> Requests() const;
  std::vector<FakeRequest> RequestsTo(std::string_view url) const;
  // Requests whose answers are pending.
  int InFlight() const;
  // Waits (real time, at most `timeout`) until at least `n` requests were made; returns whether
  // they were. For tests that drive a crawl from another thread.
  bool WaitForRequests(size_t n, std::chrono::milliseconds timeout) const;

 private:
  struct Pending {
    size_t index;  // into log_
    int64_t due_ms;
    FakeResponse response;
    Callback done;
  };
  FakeResponse Answer(const std::string& url);
  int Deliver(int64_t now_ms);

  ManualClock& clock_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::map<std::string, std::vector<FakeResponse>> routes_;
  std::map<std::string, size_t> served_;  // url → answers given
  FakeResponse default_;
  std::function<void(const FakeRequest&)> hook_;
  std::vector<FakeRequest> log_;
  std::vector<Pending> pending_;
  std::map<std::string, int> host_in_flight_;
};

}  // namespace adwatch::testing

#endif  // ADWATCH_TESTS_SUPPORT_FAKE_FETCHER_H_
