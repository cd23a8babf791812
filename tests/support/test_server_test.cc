// The crawler's loopback test server, each behaviour observed with a plain libcurl client.
#include "support/test_server.h"

#include <zlib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "support/curl_client.h"

namespace adwatch::testing {
namespace {

std::unique_ptr<TestServer> StartOrDie(TestServerOptions options = {}) {
  auto server = TestServer::Start(options);
  REQUIRE(server.has_value());
  return std::move(server.value());
}

CurlResult Fetch(const std::string& url, std::vector<std::string> headers = {}) {
  CurlClient client;
  CurlRequest request;
  request.url = url;
  request.headers = std::move(headers);
  return client.Fetch(request);
}

// Waits until the server has finished (or abandoned) the answer to its request number `index`.
LoggedRequest WaitFinished(const TestServer& server, size_t index) {
  for (int i = 0; i < 500; ++i) {
    const auto log = server.Log();
    if (log.size() > index && log[index].finished) return log[index];
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL("request " << index << " never finished");
  return {};
}

TEST_CASE("TestServer serves fixed content with status and headers", "[test_server]") {
  auto server = StartOrDie();
  server->Set("/page", Route::Html("<p>hai</p>").WithHeader("X-Extra", "1"));
  server->Set("/gone", Route::Error(410));
  server->Set("/created", Route::Text("made").WithHeader("Location", "/x"));
  const CurlResult r = Fetch(server->Url("/page"));
  CHECK(r.status == 200);
  CHECK(r.body == "<p>hai</p>");
  CHECK(r.Header("Content-Type") == "text/html; charset=utf-8");
  CHECK(r.Header("X-Extra") == "1");
  CHECK(Fetch(server->Url("/gone")).status == 410);
  CHECK(Fetch(server->Url("/unknown")).status == 404);
  CHECK(server->Hits("/page") == 1);
  CHECK(server->Hits("/unknown") == 0);
}

TEST_CASE("TestServer matches the full target before the path", "[test_server]") {
  auto server = StartOrDie();
  server->Serve("/list", "page 1");
  server->Serve("/list?page=2", "page 2");
  CHECK(Fetch(server->Url("/list")).body == "page 1");
  CHECK(Fetch(server->Url("/list?page=2")).body == "page 2");
  CHECK(Fetch(server->Url("/list?page=3")).body == "page 1");
}

TEST_CASE("TestServer fallback generates pages for unrouted paths", "[test_server]") {
  auto server = StartOrDie();
  server->SetFallback([](std::string_view target) -> std::optional<Route> {
    if (target.rfind("/gen/", 0) != 0) return std::nullopt;
    return Route::Html("generated " + std::string(target));
  });
  CHECK(Fetch(server->Url("/gen/42")).body == "generated /gen/42");
  CHECK(Fetch(server->Url("/other")).status == 404);
}

TEST_CASE("TestServer delays headers without stalling other connections", "[test_server]") {
  auto server = StartOrDie();
  server->Set("/slow", Route::Html("late").WithDelay(1500));
  server->Serve("/fast", "quick");
  auto slow = std::async(std::launch::async, [&] { return Fetch(server->Url("/slow")); });
  while (server->Log().empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const CurlResult fast = Fetch(server->Url("/fast"));
  CHECK(fast.seconds < 1.0);  // had it waited behind /slow it would take over 1.4 s
  const CurlResult s = slow.get();
  CHECK(s.body == "late");
  CHECK(s.seconds >= 1.45);
  CHECK(server->max_connections_open() == 2);
  CHECK(server->max_requests_in_flight() == 2);
  const auto log = server->Log();
  REQUIRE(log.size() == 2);
  CHECK(log[0].path == "/slow");
  CHECK(log[1].requests_in_flight == 2);
  CHECK(log[1].connections_open == 2);
  CHECK(log[0].connection_id != log[1].connection_id);
}

TEST_CASE("TestServer trickles a body", "[test_server]") {
  auto server = StartOrDie();
  server->Set("/trickle", Route::Html(std::string(40, 'a')).WithTrickle(10, 150));
  const CurlResult r = Fetch(server->Url("/trickle"));
  CHECK(r.body == std::string(40, 'a'));
  CHECK(r.seconds >= 0.43);
}

TEST_CASE("TestServer answers 429 with Retry-After the first K times, then succeeds",
          "[test_server]") {
  auto server = StartOrDie();
  server->Set("/busy", Route::Html("finally").FailingFirst(2, 429, /*retry_after_seconds=*/3));
  CurlClient client;
  CurlRequest request;
  request.url = server->Url("/busy");
  const CurlResult first = client.Fetch(request);
  CHECK(first.status == 429);
  CHECK(first.Header("Retry-After") == "3");
  CHECK(first.retry_after == 3);
  CHECK(client.Fetch(request).status == 429);
  const CurlResult third = client.Fetch(request);
  CHECK(third.status == 200);
  CHECK(third.body == "finally");
  CHECK_FALSE(third.Header("Retry-After"));
  CHECK(server->Hits("/busy") == 3);
  const auto log = server->LogFor("/busy");
  REQUIRE(log.size() == 3);
  CHECK(log[0].status == 429);
  CHECK(log[2].status == 200);
  CHECK(log[1].arrival_ms >= log[0].arrival_ms);
  // Set restarts the count.
  server->Set("/busy", Route::Html("again").FailingFirst(1, 503, 7));
  const CurlResult again = client.Fetch(request);
  CHECK(again.status == 503);
  CHECK(again.retry_after == 7);
}

TEST_CASE("TestServer answers 500 and 503 for good", "[test_server]") {
  auto server = StartOrDie();
  server->Set("/down", Route::Html("never").FailingFirst(-1, 503));
  server->Set("/broken", Route::Error(500));
  for (int i = 0; i < 3; ++i) CHECK(Fetch(server->Url("/down")).status == 503);
  CHECK_FALSE(Fetch(server->Url("/down")).Header("Retry-After"));
  CHECK(Fetch(server->Url("/broken")).status == 500);
}

TEST_CASE("TestServer resets or closes connections, optionally only at first", "[test_server]") {
  auto server = StartOrDie();
  server->Set("/reset", Route::Html("ok").ResettingFirst(-1));
  server->Set("/flaky", Route::Html("recovered").ResettingFirst(1));
  server->Set("/hangup", Route::Html("ok").ClosingFirst(-1));
  const CurlResult reset = Fetch(server->Url("/reset"));
  CHECK((reset.code == CURLE_RECV_ERROR || reset.code == CURLE_GOT_NOTHING));
  CHECK(Fetch(server->Url("/flaky")).code != CURLE_OK);
  CHECK(Fetch(server->Url("/flaky")).body == "recovered");
  CHECK(Fetch(server->Url("/hangup")).code == CURLE_GOT_NOTHING);
  const auto log = server->LogFor("/reset");
  REQUIRE(log.size() == 1);
  CHECK(log[0].status == 0);
}

TEST_CASE("TestServer redirects, also in a loop", "[test_server]") {
  auto server = StartOrDie();
  server->Set("/old", Route::Redirect("/new", 301));
  server->Serve("/new", "here");
  server->Set("/abs", Route::Redirect(server->Url("/new")));
  server->SetRedirectLoop("/a", "/b");

  const CurlResult moved = Fetch(server->Url("/old"));
  CHECK(moved.status == 301);
  CHECK(moved.Header("Location") == "/new");

  CurlClient client;
  CurlRequest follow;
  follow.url = server->Url("/abs");
  follow.follow_redirects = true;
  CHECK(client.Fetch(follow).body == "here");

  follow.url = server->Url("/a");
  follow.max_redirects = 6;
  const CurlResult loop = client.Fetch(follow);
  CHECK(loop.code == CURLE_TOO_MANY_REDIRECTS);
  CHECK(server->Hits("/a") + server->Hits("/b") == 7);
}

TEST_CASE("TestServer streams 50 MB without holding it, and notices a client that quits",
          "[test_server]") {
  constexpr uint64_t k50MB = 50ull * 1000 * 1000;
  auto server = StartOrDie();
  server->Set("/big", Route::Large(k50MB));
  server->Set("/big-chunked", Route::Large(k50MB, /*chunked=*/true));

  CurlClient client;
  CurlRequest request;
  request.url = server->Url("/big");
  request.keep_body_bytes = 4096;
  const CurlResult whole = client.Fetch(request);
  REQUIRE(whole.code == CURLE_OK);
  CHECK(whole.body_bytes == k50MB);
  CHECK(whole.content_length == static_cast<curl_off_t>(k50MB));
  CHECK(whole.body.rfind("<!DOCTYPE html>", 0) == 0);
  const LoggedRequest first = WaitFinished(*server, 0);
  CHECK(first.complete);
  CHECK(first.body_bytes_sent == k50MB);

  request.url = server->Url("/big-chunked");
  request.abort_after_bytes = 1 << 20;
  request.fresh_connection = true;
  const CurlResult aborted = client.Fetch(request);
  CHECK(aborted.code == CURLE_WRITE_ERROR);
  CHECK(aborted.content_length == -1);
  const LoggedRequest second = WaitFinished(*server, 1);
  CHECK_FALSE(second.complete);
  CHECK(second.body_bytes_sent < k50MB);
}

// Inflates a gzip stream, counting the bytes and giving up after `limit`.
uint64_t InflatedSize(const std::string& gz, uint64_t limit, bool* stream_end) {
  z_stream z{};
  REQUIRE(inflateInit2(&z, 16 + MAX_WBITS) == Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::string out(1 << 20, '\0');
  uint64_t total = 0;
  int rc = Z_OK;
  while (rc == Z_OK && total < limit) {
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    rc = inflate(&z, Z_NO_FLUSH);
    total += out.size() - z.avail_out;
  }
  *stream_end = rc == Z_STREAM_END;
  inflateEnd(&z);
  return total;
}

TEST_CASE("TestServer's gzip bomb is small on the wire and huge inflated", "[test_server]") {
  bool end = false;
  const std::string small = TestServer::MakeGzipBomb(8ull << 20);
  CHECK(InflatedSize(small, 1ull << 40, &end) == (8ull << 20));
  CHECK(end);  // CRC and length in the trailer check out

  const std::string bomb = TestServer::MakeGzipBomb(1ull << 30);
  CHECK(bomb.size() < 1'200'000);
  CHECK(InflatedSize(bomb, 1ull << 40, &end) == (1ull << 30));
  CHECK(end);

  auto server = StartOrDie();
  server->Set("/bomb", Route::GzipBomb());
  CurlClient client;
  CurlRequest raw;
  raw.url = server->Url("/bomb");
  raw.keep_body_bytes = 2 << 20;
  const CurlResult r = client.Fetch(raw);
  REQUIRE(r.code == CURLE_OK);
  CHECK(r.Header("Content-Encoding") == "gzip");
  CHECK(r.body == bomb);

  // A decoding client sees the flood and has to stop it itself.
  CurlRequest decoding = raw;
  decoding.accept_encoding = "";
  decoding.abort_after_bytes = 64 << 20;
  decoding.keep_body_bytes = 0;
  const CurlResult d = client.Fetch(decoding);
  CHECK(d.code == CURLE_WRITE_ERROR);
  CHECK(d.body_bytes >= (64u << 20));
  const auto log = server->LogFor("/bomb");
  REQUIRE(log.size() == 2);
  CHECK(log[0].accept_encoding.empty());
  CHECK(log[1].accept_encoding.find("gzip") != std::string::npos);
}

TEST_CASE("TestServer sends bytes under a lying or missing charset", "[test_server]") {
  auto server = StartOrDie();
  const std::string latin1 = "<p>Gaji \xb1 5 juta, caf\xe9</p>";  // windows-1252 bytes
  server->Set("/lie", Route::Bytes(latin1, "text/html; charset=utf-8"));
  server->Set("/bare", Route::Bytes(latin1, "text/html"));
  server->Set("/none", Route::Bytes(latin1, ""));
  const CurlResult lie = Fetch(server->Url("/lie"));
  CHECK(lie.body == latin1);
  CHECK(lie.Header("Content-Type") == "text/html; charset=utf-8");
  CHECK(Fetch(server->Url("/bare")).Header("Content-Type") == "text/html");
  const CurlResult none = Fetch(server->Url("/none"));
  CHECK(none.body == latin1);
  CHECK_FALSE(none.Header("Content-Type"));
}

TEST_CASE("TestServer serves a robots.txt that disallows paths", "[test_server]") {
  auto server = StartOrDie();
  server->DisallowInRobots({"/private/", "/tmp"});
  const CurlResult r = Fetch(server->Url("/robots.txt"));
  CHECK(r.Header("Content-Type") == "text/plain; charset=utf-8");
  CHECK(r.body == "User-agent: *\nDisallow: /private/\nDisallow: /tmp\n");
}

TEST_CASE("TestServer honours If-None-Match and If-Modified-Since with 304", "[test_server]") {
  auto server = StartOrDie();
  const int64_t modified = 1'780'000'000;
  server->Set("/ad", Route::Html("<p>iklan</p>").WithValidators("\"v1\"", modified));
  const CurlResult first = Fetch(server->Url("/ad"));
  CHECK(first.status == 200);
  CHECK(first.Header("ETag") == "\"v1\"");
  const std::string last_modified = *first.Header("Last-Modified");
  CHECK(last_modified == http::FormatHttpDate(modified));

  const CurlResult by_tag = Fetch(server->Url("/ad"), {"If-None-Match: \"v1\""});
  CHECK(by_tag.status == 304);
  CHECK(by_tag.body.empty());
  CHECK(Fetch(server->Url("/ad"), {"If-None-Match: \"v0\""}).status == 200);
  CHECK(Fetch(server->Url("/ad"), {"If-Modified-Since: " + last_modified}).status == 304);
  CHECK(Fetch(server->Url("/ad"), {"If-Modified-Since: " + http::FormatHttpDate(modified - 60)})
            .status == 200);

  // libcurl's own time condition produces a date the server understands.
  CurlClient client;
  CurlRequest request;
  request.url = server->Url("/ad");
  request.if_modified_since_unix = modified;
  const CurlResult by_curl = client.Fetch(request);
  CHECK(by_curl.status == 304);

  const auto log = server->LogFor("/ad");
  REQUIRE(log.size() == 6);
  CHECK(log[1].if_none_match == "\"v1\"");
  CHECK(log[1].status == 304);
  CHECK(log[3].if_modified_since == last_modified);
  CHECK(log[5].if_modified_since == last_modified);
}

TEST_CASE("TestServer logs headers, connections and arrival times", "[test_server]") {
  auto server = StartOrDie();
  server->Serve("/", "home");
  CurlClient client;
  CurlRequest request;
  request.url = server->Url("/");
  request.accept_encoding = "gzip";
  (void)client.Fetch(request);  // only the log matters here
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  (void)client.Fetch(request);
  const auto log = server->Log();
  REQUIRE(log.size() == 2);
  CHECK(log[0].user_agent == "adwatch-test-client/1.0");
  CHECK(log[0].accept_encoding == "gzip");
  CHECK(log[0].host == server->host_port());
  CHECK(log[0].method == "GET");
  CHECK(log[0].connection_id == log[1].connection_id);
  CHECK(log[0].request_on_connection == 1);
  CHECK(log[1].request_on_connection == 2);
  CHECK(log[1].arrival_ms - log[0].arrival_ms >= 30);
  CHECK(log[1].arrival - log[0].arrival >= std::chrono::milliseconds(30));
  CHECK(log[0].connections_open == 1);

  server->ClearLog();
  CHECK(server->Log().empty());
  CHECK(server->max_connections_open() == 1);  // the kept-alive connection is still open
}

TEST_CASE("TestServer counts simultaneous connections", "[test_server]") {
  auto server = StartOrDie();
  server->Set("/hold", Route::Html("x").WithDelay(1000));
  std::vector<std::future<CurlResult>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::async(std::launch::async, [&] { return Fetch(server->Url("/hold")); }));
  }
  for (auto& c : clients) CHECK(c.get().status == 200);
  CHECK(server->max_connections_open() == 4);
  CHECK(server->max_requests_in_flight() == 4);
  int most = 0;
  for (const auto& r : server->Log()) most = std::max(most, r.connections_open);
  CHECK(most == 4);
}

TEST_CASE("TestServers on several loopback addresses act as separate hosts", "[test_server]") {
  TestServerOptions a_options, b_options;
  a_options.address = "127.0.0.2";
  b_options.address = "127.0.0.3";
  auto a = StartOrDie(a_options);
  auto b = StartOrDie(b_options);
  a->Serve("/", "host a");
  b->Serve("/", "host b");
  CHECK(a->base_url().rfind("http://127.0.0.2:", 0) == 0);
  CHECK(Fetch(a->Url("/")).body == "host a");
  CHECK(Fetch(b->Url("/")).body == "host b");
  CHECK(a->Log().size() == 1);
  CHECK(b->Log().size() == 1);

  TestServerOptions outside;
  outside.address = "0.0.0.0";
  auto refused = TestServer::Start(outside);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().IsInvalidArgument());
}

TEST_CASE("TestServer takes route changes while it answers", "[test_server]") {
  auto server = StartOrDie();
  server->Serve("/x", "v0");
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      server->Serve("/x", "v" + std::to_string(i % 10));
      server->Set("/y" + std::to_string(i % 50), Route::Error(500 + i % 4));
    }
  });
  CurlClient client;
  int ok = 0;
  for (int i = 0; i < 100; ++i) {
    CurlRequest request;
    request.url = server->Url("/x");
    const CurlResult r = client.Fetch(request);
    ok += r.status == 200 && r.body.size() == 2 && r.body[0] == 'v';
  }
  stop = true;
  writer.join();
  CHECK(ok == 100);
}

TEST_CASE("TestServer truncates a body mid-way", "[test_server]") {
  auto server = StartOrDie();
  server->Set("/cut", Route::Html(std::string(5000, 'q')).Truncated(1000));
  const CurlResult r = Fetch(server->Url("/cut"));
  CHECK(r.code == CURLE_PARTIAL_FILE);
  CHECK(r.body_bytes == 1000);
  const LoggedRequest e = WaitFinished(*server, 0);
  CHECK(e.body_bytes_sent == 1000);
  CHECK_FALSE(e.complete);
}

TEST_CASE("TestServer stops with a slow answer in progress", "[test_server]") {
  auto server = StartOrDie();
  server->Set("/forever", Route::Html(std::string(100, 'z')).WithTrickle(1, 1000));
  const std::string url = server->Url("/forever");
  auto pending = std::async(std::launch::async, [&] { return Fetch(url); });
  while (server->Log().empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto start = std::chrono::steady_clock::now();
  server->Stop();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  // Cut off after the first byte, or (when Stop wins the race with it) before the header.
  const CURLcode code = pending.get().code;
  CHECK((code == CURLE_PARTIAL_FILE || code == CURLE_GOT_NOTHING));
  CHECK(server->connections_open() == 0);
  const LoggedRequest e = WaitFinished(*server, 0);
  CHECK_FALSE(e.complete);
}

}  // namespace
}  // namespace adwatch::testing
