#include "adwatch/api/http_server.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "support/curl_client.h"

namespace adwatch::api {
namespace {

using adwatch::testing::CurlClient;
using adwatch::testing::CurlRequest;
using adwatch::testing::CurlResult;
using adwatch::testing::Get;

std::unique_ptr<HttpServer> StartOrDie(HttpHandler handler, HttpServerOptions options = {}) {
  auto server = HttpServer::Start(options, std::move(handler));
  REQUIRE(server.has_value());
  return std::move(server.value());
}

HttpResponse Text(std::string body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.headers.push_back({"Content-Type", "text/plain"});
  r.body = std::move(body);
  return r;
}

TEST_CASE("HttpServer answers with what the handler describes", "[api]") {
  auto server = StartOrDie([](const HttpRequest& request) {
    HttpResponse r = Text("path=" + request.path + " query=" + request.query, 201);
    r.headers.push_back({"X-Seen-Agent", std::string(request.Header("user-agent"))});
    return r;
  });
  REQUIRE(server->port() != 0);
  CHECK(server->base_url() == "http://127.0.0.1:" + std::to_string(server->port()));

  const CurlResult r = Get(server->base_url() + "/a/b?c=1");
  REQUIRE(r.code == CURLE_OK);
  CHECK(r.status == 201);
  CHECK(r.body == "path=/a/b query=c=1");
  CHECK(r.Header("Content-Type") == "text/plain");
  CHECK(r.Header("X-Seen-Agent") == "adwatch-test-client/1.0");
  CHECK(r.Header("Content-Length") == "19");
  CHECK(r.Header("Server") == "adwatch");
}

TEST_CASE("HttpServer keeps connections alive and counts requests per connection", "[api]") {
  std::mutex mu;
  std::vector<std::pair<uint64_t, uint64_t>> seen;
  auto server = StartOrDie([&](const HttpRequest& request) {
    std::lock_guard<std::mutex> lock(mu);
    seen.emplace_back(request.connection_id, request.request_on_connection);
    return Text("ok");
  });
  CurlClient client;
  CurlRequest request;
  request.url = server->base_url() + "/1";
  CHECK(client.Fetch(request).new_connections == 1);
  request.url = server->base_url() + "/2";
  CHECK(client.Fetch(request).new_connections == 0);
  request.url = server->base_url() + "/3";
  CHECK(client.Fetch(request).new_connections == 0);
  std::lock_guard<std::mutex> lock(mu);
  REQUIRE(seen.size() == 3);
  CHECK(seen[0] == std::pair<uint64_t, uint64_t>{1, 1});
  CHECK(seen[1] == std::pair<uint64_t, uint64_t>{1, 2});
  CHECK(seen[2] == std::pair<uint64_t, uint64_t>{1, 3});
  CHECK(server->stats().connections_accepted == 1);
  CHECK(server->stats().requests == 3);
}

TEST_CASE("HttpServer closes the connection when the response says so", "[api]") {
  auto server = StartOrDie([](const HttpRequest&) {
    HttpResponse r = Text("bye");
    r.keep_alive = false;
    return r;
  });
  CurlClient client;
  CurlRequest request;
  request.url = server->base_url() + "/";
  const CurlResult first = client.Fetch(request);
  CHECK(first.Header("Connection") == "close");
  CHECK(client.Fetch(request).new_connections == 1);
}

TEST_CASE("HttpServer sends no body for HEAD, 204 and 304 but announces the HEAD length", "[api]") {
  auto server = StartOrDie([](const HttpRequest& request) {
    if (request.path == "/204") return Text("ignored", 204);
    if (request.path == "/304") return Text("ignored", 304);
    return Text("twelve bytes");
  });
  CurlClient client;
  CurlRequest head;
  head.url = server->base_url() + "/";
  head.method = "HEAD";
  const CurlResult h = client.Fetch(head);
  CHECK(h.code == CURLE_OK);
  CHECK(h.status == 200);
  CHECK(h.Header("Content-Length") == "12");
  CHECK(h.body.empty());

  CurlRequest get;
  get.url = server->base_url() + "/204";
  CurlResult r = client.Fetch(get);
  CHECK(r.status == 204);
  CHECK(r.body.empty());
  CHECK_FALSE(r.Header("Content-Length"));
  get.url = server->base_url() + "/304";
  r = client.Fetch(get);
  CHECK(r.status == 304);
  CHECK(r.body.empty());
  // The connection is still usable after bodiless answers.
  get.url = server->base_url() + "/";
  r = client.Fetch(get);
  CHECK(r.body == "twelve bytes");
  CHECK(r.new_connections == 0);
}

TEST_CASE("HttpServer delays one answer without holding up another connection", "[api]") {
  auto server = StartOrDie([](const HttpRequest& request) {
    HttpResponse r = Text("done");
    if (request.path == "/slow") r.delay_ms = 1500;
    return r;
  });
  auto slow = std::async(std::launch::async, [&] { return Get(server->base_url() + "/slow"); });
  while (server->stats().requests_in_flight == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const CurlResult fast = Get(server->base_url() + "/fast");
  CHECK(fast.code == CURLE_OK);
  CHECK(fast.seconds < 1.0);  // had it waited behind /slow it would take over 1.4 s
  const CurlResult s = slow.get();
  CHECK(s.code == CURLE_OK);
  CHECK(s.body == "done");
  CHECK(s.seconds >= 1.45);
  CHECK(server->stats().max_requests_in_flight == 2);
  CHECK(server->stats().max_connections_open == 2);
}

TEST_CASE("HttpServer trickles a body in timed pieces", "[api]") {
  auto server = StartOrDie([](const HttpRequest&) {
    HttpResponse r = Text(std::string(50, 'x'));
    r.chunk_bytes = 10;
    r.piece_delay_ms = 100;
    return r;
  });
  const CurlResult r = Get(server->base_url() + "/");
  CHECK(r.code == CURLE_OK);
  CHECK(r.body == std::string(50, 'x'));
  CHECK(r.seconds >= 0.38);  // four pauses of 100 ms
}

TEST_CASE("HttpServer streams a generated body with and without a length", "[api]") {
  constexpr uint64_t kSize = 3 * 1000 * 1000 + 17;
  auto make = [](bool chunked) {
    return [chunked](const HttpRequest&) {
      HttpResponse r;
      r.generated_bytes = kSize;
      r.chunked = chunked;
      r.generator = [](uint64_t offset, char* out, size_t size) {
        for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>('a' + (offset + i) % 26);
      };
      return r;
    };
  };
  for (const bool chunked : {false, true}) {
    auto server = StartOrDie(make(chunked));
    CurlClient client;
    CurlRequest request;
    request.url = server->base_url() + "/";
    const CurlResult r = client.Fetch(request);
    INFO("chunked " << chunked);
    REQUIRE(r.code == CURLE_OK);
    CHECK(r.body_bytes == kSize);
    CHECK(r.body[0] == 'a');
    CHECK(r.body[kSize - 1] == static_cast<char>('a' + (kSize - 1) % 26));
    if (chunked) {
      CHECK(r.Header("Transfer-Encoding") == "chunked");
      CHECK(r.content_length == -1);
    } else {
      CHECK(r.content_length == static_cast<curl_off_t>(kSize));
    }
    // Still alive for the next request after a chunked body.
    CHECK(client.Fetch(request).new_connections == 0);
  }
}

TEST_CASE("HttpServer resets, closes and truncates on request", "[api]") {
  // on_complete runs on the server thread, so it only records; the test thread checks.
  std::atomic<int> completions{0};
  std::atomic<int> complete_ones{0};
  std::atomic<uint64_t> truncated_sent{0};
  auto server = StartOrDie([&](const HttpRequest& request) {
    HttpResponse r = Text(std::string(1000, 'y'));
    if (request.path == "/reset") r.action = HttpAction::kReset;
    if (request.path == "/close") r.action = HttpAction::kClose;
    if (request.path == "/truncate") r.close_after_body_bytes = 100;
    r.on_complete = [&, path = request.path](const HttpCompletion& c) {
      if (path == "/truncate") truncated_sent = c.body_bytes_sent;
      if (c.complete) ++complete_ones;
      ++completions;
    };
    return r;
  });
  const CurlResult reset = Get(server->base_url() + "/reset");
  CHECK((reset.code == CURLE_RECV_ERROR || reset.code == CURLE_GOT_NOTHING));
  CHECK(Get(server->base_url() + "/close").code == CURLE_GOT_NOTHING);
  const CurlResult truncated = Get(server->base_url() + "/truncate");
  CHECK(truncated.code == CURLE_PARTIAL_FILE);
  CHECK(truncated.body_bytes == 100);
  CHECK(truncated_sent == 100);
  CHECK(completions == 3);
  CHECK(complete_ones == 0);
}

TEST_CASE("HttpServer reads request bodies and answers Expect: 100-continue", "[api]") {
  HttpServerOptions options;
  options.max_request_body_bytes = 4 << 20;
  auto server = StartOrDie(
      [](const HttpRequest& request) {
        return Text(request.method + " " + std::to_string(request.body.size()) + " " +
                    std::string(request.Header("Expect")));
      },
      options);
  CurlClient client;
  CurlRequest post;
  post.url = server->base_url() + "/submit";
  post.method = "POST";
  post.body = std::string(3 << 20, 'b');  // large enough for curl to ask before sending
  post.expect_100_timeout_ms = 10'000;     // without "100 Continue" this would take 10 s
  const CurlResult r = client.Fetch(post);
  CHECK(r.status == 200);
  CHECK(r.body == "POST " + std::to_string(3 << 20) + " 100-continue");
  CHECK(r.seconds < 5);

  post.body = "small=1";
  CHECK(client.Fetch(post).body == "POST 7 ");
}

TEST_CASE("HttpServer answers a handler exception with 500", "[api]") {
  auto server = StartOrDie([](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("boom");
  });
  const CurlResult r = Get(server->base_url() + "/");
  CHECK(r.status == 500);
  CHECK(r.body.find("boom") != std::string::npos);
}

TEST_CASE("HttpServer refuses oversized requests", "[api]") {
  HttpServerOptions options;
  options.max_request_header_bytes = 1024;
  options.max_request_body_bytes = 1000;
  auto server = StartOrDie([](const HttpRequest&) { return Text("ok"); }, options);
  CurlClient client;
  CurlRequest request;
  request.url = server->base_url() + "/";
  request.headers.push_back("X-Big: " + std::string(4000, 'z'));
  const CurlResult r = client.Fetch(request);
  CHECK(r.status == 431);
  CHECK(r.Header("Connection") == "close");

  CurlRequest post;
  post.url = server->base_url() + "/";
  post.method = "POST";
  post.body = std::string(5000, 'p');
  CHECK(client.Fetch(post).status == 413);
}

TEST_CASE("HttpServer listens on other loopback addresses", "[api]") {
  HttpServerOptions options;
  options.address = "127.0.0.2";
  auto server = StartOrDie([](const HttpRequest& r) { return Text(std::string(r.Header("Host"))); },
                           options);
  CHECK(server->base_url() == "http://127.0.0.2:" + std::to_string(server->port()));
  const CurlResult r = Get(server->base_url() + "/");
  CHECK(r.code == CURLE_OK);
  CHECK(r.body == "127.0.0.2:" + std::to_string(server->port()));
}

TEST_CASE("HttpServer reports bad options and a taken port as errors", "[api]") {
  auto handler = [](const HttpRequest&) { return HttpResponse{}; };
  HttpServerOptions bad;
  bad.address = "not-an-address";
  auto r1 = HttpServer::Start(bad, handler);
  REQUIRE_FALSE(r1.has_value());
  CHECK(r1.error().code() == Status::Code::kInvalidArgument);

  auto r2 = HttpServer::Start({}, nullptr);
  REQUIRE_FALSE(r2.has_value());
  CHECK(r2.error().code() == Status::Code::kInvalidArgument);

  auto first = StartOrDie(handler);
  HttpServerOptions same;
  same.port = first->port();
  auto r3 = HttpServer::Start(same, handler);
  REQUIRE_FALSE(r3.has_value());
  CHECK(r3.error().code() == Status::Code::kIOError);
  CHECK(r3.error().message().find(std::to_string(first->port())) != std::string::npos);
}

TEST_CASE("HttpServer stops promptly with idle and busy connections open", "[api]") {
  auto server = StartOrDie([](const HttpRequest& request) {
    HttpResponse r = Text("late");
    if (request.path == "/slow") r.delay_ms = 10'000;
    return r;
  });
  const std::string base = server->base_url();
  // An idle keep-alive connection...
  CurlClient idle;
  CurlRequest request;
  request.url = base + "/";
  REQUIRE(idle.Fetch(request).code == CURLE_OK);
  // ...and one waiting for a slow answer.
  auto slow = std::async(std::launch::async, [&] { return Get(base + "/slow"); });
  // Wait until /slow has been read (requests_in_flight can still count the first request for
  // a moment after its client has the answer).
  while (server->stats().requests < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto start = std::chrono::steady_clock::now();
  server->Stop();
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(took < std::chrono::seconds(1));
  CHECK(slow.get().code == CURLE_GOT_NOTHING);
  CHECK(server->stats().connections_open == 0);
  server->Stop();  // idempotent
  // Nothing listens any more.
  CHECK(Get(base + "/").code == CURLE_COULDNT_CONNECT);
}

TEST_CASE("HTTP dates format and parse as IMF-fixdate", "[api]") {
  CHECK(FormatHttpDate(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777);
  CHECK(FormatHttpDate(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
  CHECK(ParseHttpDate(FormatHttpDate(1'790'000'000)) == 1'790'000'000);
  CHECK_FALSE(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"));
  CHECK_FALSE(ParseHttpDate("Sun, 31 Feb 1994 08:49:37 GMT"));
  CHECK_FALSE(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 UTC"));
  CHECK_FALSE(ParseHttpDate(""));
}

TEST_CASE("IsNotModified follows If-None-Match before If-Modified-Since", "[api]") {
  HttpRequest request;
  CHECK_FALSE(IsNotModified(request, "\"a\"", 1000));
  request.headers = {{"If-None-Match", "\"x\", W/\"a\""}};
  CHECK(IsNotModified(request, "\"a\"", std::nullopt));
  CHECK_FALSE(IsNotModified(request, "\"b\"", std::nullopt));
  request.headers = {{"If-None-Match", "*"}};
  CHECK(IsNotModified(request, "\"b\"", std::nullopt));
  // If-None-Match wins even when the date would match.
  request.headers = {{"If-None-Match", "\"old\""},
                     {"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}};
  CHECK_FALSE(IsNotModified(request, "\"new\"", 784111777));
  request.headers = {{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}};
  CHECK(IsNotModified(request, "", 784111777));
  CHECK(IsNotModified(request, "", 784111000));
  CHECK_FALSE(IsNotModified(request, "", 784111778));
  CHECK_FALSE(IsNotModified(request, "", std::nullopt));
}

TEST_CASE("IsLoopbackAddress accepts 127/8 and ::1 only", "[api]") {
  CHECK(IsLoopbackAddress("127.0.0.1"));
  CHECK(IsLoopbackAddress("127.3.4.5"));
  CHECK(IsLoopbackAddress("::1"));
  CHECK(IsLoopbackAddress("::ffff:127.0.0.1"));
  CHECK_FALSE(IsLoopbackAddress("0.0.0.0"));
  CHECK_FALSE(IsLoopbackAddress("10.0.0.1"));
  CHECK_FALSE(IsLoopbackAddress("localhost"));
  CHECK_FALSE(IsLoopbackAddress(""));
}

TEST_CASE("ReasonPhrase knows the standard codes", "[api]") {
  CHECK(ReasonPhrase(404) == "Not Found");
  CHECK(ReasonPhrase(429) == "Too Many Requests");
  CHECK(ReasonPhrase(799).empty());
}

}  // namespace
}  // namespace adwatch::api
