// TestServer: the crawler tests' loopback web server. A test tells it, per path, what to answer
// and how badly — slowly, with 429/503 and Retry-After, with 5xx, by resetting the connection,
// by redirecting (in a loop if asked), with a 50 MB body streamed from nothing, with a gzip bomb,
// with a lying charset, with 304 to conditional requests — and afterwards reads its log: every
// request with its arrival time, connection, headers and answer, and the most connections that
// were open at once. Built on adwatch::http::Server: the faults (a late status line, trickled
// pieces, a cut body, a reset, a close without answer) are BodySources played through the
// core's streaming extension point, so it runs on its own thread and never lets one slow answer
// hold up another connection.
//
// Thread safety: every method may be called from any thread, also while requests are being
// answered; a route change applies to requests read after the call returns.
//
// Usage:
//   auto server = adwatch::testing::TestServer::Start({.address = "127.0.0.2"});
//   REQUIRE(server);
//   TestServer& s = **server;
//   s.Set("/robots.txt", Route::Text("User-agent: *\nDisallow: /private/\n"));
//   s.Set("/", Route::Html("<a href='/slow'>x</a>"));
//   s.Set("/slow", Route::Html("late").WithDelay(500));
//   s.Set("/busy", Route::Html("ok").FailingFirst(2, 429, /*retry_after_seconds=*/3));
//   Crawl(s.Url("/"));
//   CHECK(s.max_connections_open() <= 1);
//   for (const LoggedRequest& r : s.LogFor("/busy")) ... r.arrival_ms, r.status ...
#ifndef ADWATCH_TESTS_SUPPORT_TEST_SERVER_H_
#define ADWATCH_TESTS_SUPPORT_TEST_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adwatch/common/status.h"
#include "adwatch/http/message.h"

namespace adwatch::testing {

// How a route breaks, before (or instead of) its answer.
enum class Failure {
  kNone,
  kStatus,  // Answer `failure_status` (429, 500, 503, ...) with a one-line text body.
  kReset,   // Reset the connection (TCP RST) after reading the request; nothing is sent.
  kClose,   // Close the connection (FIN) after reading the request; nothing is sent.
};

// What one path answers. Build it with a factory (Html, Text, Bytes, Error, Redirect, Large,
// GzipBomb) and adjust it with the With... / FailingFirst calls, or set the fields directly.
struct Route {
  // ---- The answer ----
  int status = 200;
  // Sent as given (Content-Type among them); Content-Length / Transfer-Encoding are added.
  std::vector<http::Header> headers;
  std::string body;
  // When > 0, `body` is ignored and this many bytes of HTML-looking filler are streamed,
  // generated piece by piece so the server holds one piece (64 KiB) at a time.
  uint64_t generated_body_bytes = 0;
  // When true, `body` is ignored and a gzip stream that inflates to
  // TestServerOptions::gzip_bomb_bytes zero bytes (1 GiB: about 1 MB on the wire) is sent
  // with Content-Encoding: gzip, whatever the request's Accept-Encoding says.
  bool gzip_bomb = false;
  // Send the body with chunked transfer encoding (no Content-Length announced).
  bool chunked = false;
  // Announce the whole body, send only this many bytes of it, then close the connection.
  std::optional<uint64_t> close_after_body_bytes;

  // ---- Validators ----
  // When set, sent as ETag / Last-Modified, and a request whose If-None-Match matches the ETag
  // (or, without If-None-Match, whose If-Modified-Since is not older than last_modified) is
  // answered 304 with no body.
  std::string etag;
  std::optional<int64_t> last_modified_unix_seconds;

  // ---- Failures ----
  Failure failure = Failure::kNone;
  int failure_status = 503;
  // When >= 0, failures of kind kStatus carry "Retry-After: <seconds>".
  int retry_after_seconds = -1;
  // -1: every request fails. K >= 0: the first K requests to this path fail, later ones get
  // the answer. Counted from the last Set() of the path.
  int failure_count = -1;

  // ---- Timing (applies to failures and answers alike) ----
  // Wait before the status line (or before the reset / close).
  int delay_ms = 0;
  // Write the body in pieces of `trickle_bytes`, `trickle_delay_ms` apart.
  size_t trickle_bytes = 0;
  int trickle_delay_ms = 0;

  // ---- Factories ----
  // 200 with `body` as text/html; charset=utf-8.
  static Route Html(std::string body);
  // 200 with `body` as text/plain; charset=utf-8 (robots.txt, sitemaps in text form).
  static Route Text(std::string body);
  // 200 with raw bytes and the given Content-Type, sent verbatim: "text/html" (no charset),
  // "text/html; charset=utf-8" over windows-1252 bytes (a lie), "" (no Content-Type at all).
  static Route Bytes(std::string body, std::string content_type);
  // `status` with a short text body (for 404, 410, 500, ...).
  static Route Error(int status);
  // `status` (301, 302, 303, 307, 308) with Location: `location`, which is sent as given
  // (relative or absolute; TestServer::Url makes absolute ones).
  static Route Redirect(std::string location, int status = 302);
  // 200 text/html of `bytes` generated bytes: "<!DOCTYPE html><html><body>" then filler
  // paragraphs. Content-Length announced unless `chunked`.
  static Route Large(uint64_t bytes, bool chunked = false);
  // 200 text/html with the gzip bomb (see `gzip_bomb`).
  static Route GzipBomb();

  // ---- Adjusters (each returns a modified copy) ----
  Route WithHeader(std::string name, std::string value) const;
  Route WithDelay(int delay_ms) const;
  Route WithTrickle(size_t bytes, int delay_ms) const;
  // The first `count` requests (-1: all) answer status `code`, with Retry-After when
  // retry_after_seconds >= 0; later requests get this route's answer.
  Route FailingFirst(int count, int code, int retry_after_seconds = -1) const;
  // The first `count` requests (-1: all) reset the connection / close it without an answer.
  Route ResettingFirst(int count) const;
  Route ClosingFirst(int count) const;
  Route WithValidators(std::string etag, std::optional<int64_t> last_modified_unix_seconds) const;
  Route Truncated(uint64_t after_body_bytes) const;
};

// One request as the server saw it, and what it did about it.
struct LoggedRequest {
  std::string method;
  std::string target;  // as sent: path and query
  std::string path;    // target without the query
  // Arrival on the steady clock: absolute (comparable between servers of one process) and in
  // milliseconds since this server started.
  std::chrono::steady_clock::time_point arrival;
  int64_t arrival_ms = 0;
  uint64_t connection_id = 0;          // 1, 2, ... in accept order, per server
  uint64_t request_on_connection = 0;  // 1 for a fresh connection, 2+ when kept alive
  int connections_open = 0;            // open at arrival, this one included
  int requests_in_flight = 0;          // being answered at arrival, this one included
  std::string host;
  std::string user_agent;
  std::string if_none_match;
  std::string if_modified_since;
  std::string accept_encoding;
  std::vector<http::Header> headers;  // all of them
  // The status answered; 0 when the connection was reset or closed instead.
  int status = 0;
  // Filled in when the answer is finished or abandoned: body bytes actually written, and
  // whether all of the answer was (false for client aborts, resets, truncation, Stop).
  uint64_t body_bytes_sent = 0;
  bool finished = false;
  // When the answer was finished or abandoned, on the steady clock (with `finished`): politeness
  // checks count a host's delay from here to the next request's arrival.
  std::chrono::steady_clock::time_point finished_at;
  bool complete = false;
};

struct TestServerOptions {
  // Any 127.x.y.z address (or ::1): several servers on different addresses act as different
  // hosts. Port 0 picks a free port.
  std::string address = "127.0.0.1";
  uint16_t port = 0;
  // What a path with no route answers.
  int not_found_status = 404;
  // Decompressed size of the gzip bomb (a multiple of 1 MiB is exact; others round up to one).
  uint64_t gzip_bomb_bytes = uint64_t{1} << 30;
  // Idle keep-alive connections are closed after this long.
  int idle_timeout_ms = 30'000;
};

class TestServer {
 public:
  // Starts the server. Returns it, or InvalidArgument for a non-loopback address, or the
  // IOError of a failed bind.
  static Result<std::unique_ptr<TestServer>> Start(const TestServerOptions& options = {});

  ~TestServer();  // Stop()s.
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  uint16_t port() const;
  // "127.0.0.2:41234"
  std::string host_port() const;
  // "http://127.0.0.2:41234"
  std::string base_url() const;
  // base_url() + path; REQUIRES: path starts with '/'.
  std::string Url(std::string_view path) const;

  // Stops accepting and closes every connection, abandoning answers in progress. Idempotent.
  void Stop();

  // ---- Routes ----
  // Routes match the request target exactly ("/a?x=1"), else its path ("/a"); a request that
  // matches neither goes to the fallback, else answers options.not_found_status.
  // Set replaces the route of `path` and restarts its failure and hit counters.
  void Set(std::string path, Route route);
  void Remove(const std::string& path);
  // A function consulted for paths without a route (a generated site of many pages): returns
  // the route, or nullopt for not found. Runs on the server thread; must not block or throw.
  void SetFallback(std::function<std::optional<Route>(std::string_view target)> fallback);

  // Shorthands for the routes above.
  void Serve(std::string path, std::string html) {
    Set(std::move(path), Route::Html(std::move(html)));
  }
  // /robots.txt with `text`.
  void SetRobots(std::string text);
  // /robots.txt saying "User-agent: *" and one "Disallow: <path>" per entry.
  void DisallowInRobots(const std::vector<std::string>& paths);
  // `a` redirects to `b` and `b` to `a` (status 302, root-relative Locations).
  void SetRedirectLoop(const std::string& a, const std::string& b);

  // Requests that reached `path` (matched by target or path) since its last Set.
  int Hits(const std::string& path) const;

  // ---- The log ----
  // Every request so far, in arrival order (a copy).
  std::vector<LoggedRequest> Log() const;
  // Those whose path (without query) is `path`.
  std::vector<LoggedRequest> LogFor(std::string_view path) const;
  // Empties the log and resets the maxima below to the current counts.
  void ClearLog();
  // The most connections open at once, and the most requests being answered at once, since
  // Start or the last ClearLog.
  int max_connections_open() const;
  int max_requests_in_flight() const;
  // Connections open now.
  int connections_open() const;

  // The gzip bomb as sent: a gzip stream inflating to `decompressed_bytes` zeros (rounded up
  // to a whole MiB). Exposed for tests of the bomb itself.
  static std::string MakeGzipBomb(uint64_t decompressed_bytes);

 private:
  struct Impl;
  explicit TestServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace adwatch::testing

#endif  // ADWATCH_TESTS_SUPPORT_TEST_SERVER_H_
