// The server core's everyday behaviour: answers, keep-alive, where handlers run, streamed
// bodies through BodySource, request bodies, errors, stopping. Limits, deadlines and caps are
// in server_limits_test.cc, TLS in server_tls_test.cc. Loopback only.
#include "adwatch/http/server.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "http/raw_client.h"
#include "support/curl_client.h"

namespace adwatch::http {
namespace {

using adwatch::testing::CurlClient;
using adwatch::testing::CurlRequest;
using adwatch::testing::CurlResult;
using adwatch::testing::Get;
using adwatch::testing::RawClient;
using adwatch::testing::StatusOf;
using std::chrono::milliseconds;

std::unique_ptr<Server> StartOrDie(Handler handler, ServerOptions options = {}) {
  auto server = Server::Start(options, std::move(handler));
  REQUIRE(server.has_value());
  return std::move(server.value());
}

Response Text(std::string body, int status = 200) {
  Response r;
  r.status = status;
  r.headers.push_back({"Content-Type", "text/plain"});
  r.body = std::move(body);
  return r;
}

template <typename Predicate>
bool WaitFor(Predicate done, milliseconds timeout = milliseconds(5000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return true;
}

// A body of `size` bytes 'a'..'z' made on request, one piece per Next; records the largest
// piece it was asked for.
class AlphabetBody final : public BodySource {
 public:
  AlphabetBody(uint64_t size, std::shared_ptr<std::atomic<size_t>> largest_ask)
      : size_(size), largest_ask_(std::move(largest_ask)) {}
  void Next(size_t max_bytes, BodySink sink) override {
    if (*largest_ask_ < max_bytes) *largest_ask_ = max_bytes;
    if (offset_ == size_) return sink.Finish();
    const size_t n = static_cast<size_t>(std::min<uint64_t>(max_bytes, size_ - offset_));
    std::string piece(n, '\0');
    for (size_t i = 0; i < n; ++i) piece[i] = static_cast<char>('a' + (offset_ + i) % 26);
    offset_ += n;
    sink.Write(std::move(piece));
  }

 private:
  const uint64_t size_;
  uint64_t offset_ = 0;
  std::shared_ptr<std::atomic<size_t>> largest_ask_;
};

// Plays a fixed list of steps, one per Next: "w:<data>", "p:<ms>", "finish", "close", "reset".
class StepBody final : public BodySource {
 public:
  explicit StepBody(std::vector<std::string> steps) : steps_(std::move(steps)) {}
  void Next(size_t, BodySink sink) override {
    if (next_ == steps_.size()) return sink.Finish();
    const std::string step = steps_[next_++];
    if (step.rfind("w:", 0) == 0) return sink.Write(step.substr(2));
    if (step.rfind("p:", 0) == 0) return sink.Pause(milliseconds(std::stoi(step.substr(2))));
    if (step == "close") return sink.Abort(AbortMode::kClose);
    if (step == "reset") return sink.Abort(AbortMode::kReset);
    if (step == "drop") return;  // the sink is destroyed unused
    sink.Finish();
  }

 private:
  std::vector<std::string> steps_;
  size_t next_ = 0;
};

Response Streamed(std::vector<std::string> steps, std::optional<uint64_t> length) {
  Response r;
  r.body_source = std::make_shared<StepBody>(std::move(steps));
  r.body_length = length;
  return r;
}

TEST_CASE("Server answers with what the handler describes", "[http]") {
  auto server = StartOrDie([](const Request& request) {
    Response r = Text("path=" + request.path + " query=" + request.query, 201);
    r.headers.push_back({"X-Seen-Agent", std::string(request.Header("user-agent"))});
    r.headers.push_back({"X-Peer", request.peer_address});
    r.headers.push_back({"X-Bad\r\nInjected", "no"});
    r.headers.push_back({"X-Bad-Value", "a\r\nInjected: yes"});
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
  CHECK(r.Header("X-Peer") == "127.0.0.1");
  CHECK(r.Header("Content-Length") == "19");
  CHECK(r.Header("Server") == "adwatch");
  CHECK_FALSE(r.Header("Injected"));
  CHECK_FALSE(r.Header("X-Bad-Value"));
}

TEST_CASE("Server keeps connections alive and counts requests per connection", "[http]") {
  std::mutex mu;
  std::vector<std::pair<uint64_t, uint64_t>> seen;
  auto server = StartOrDie([&](const Request& request) {
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

TEST_CASE("Server answers pipelined requests in order", "[http]") {
  auto server = StartOrDie([](const Request& request) { return Text(request.path); });
  RawClient client;
  REQUIRE(client.Connect("127.0.0.1", server->port()));
  REQUIRE(client.Send("GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string out;
  client.ReadUntil(out, "/two", milliseconds(5000));
  const size_t one = out.find("/one");
  const size_t two = out.find("/two");
  REQUIRE(one != std::string::npos);
  REQUIRE(two != std::string::npos);
  CHECK(one < two);
}

TEST_CASE("Server closes the connection when the response says so", "[http]") {
  auto server = StartOrDie([](const Request&) {
    Response r = Text("bye");
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

TEST_CASE("Server sends no body for HEAD, 204 and 304 but announces the HEAD length", "[http]") {
  auto server = StartOrDie([](const Request& request) {
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

TEST_CASE("Server runs handlers on its workers, so a slow one holds up nobody", "[http]") {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::mutex mu;
  std::set<std::thread::id> threads;
  ServerOptions options;
  options.worker_threads = 2;
  auto server = StartOrDie(
      [&](const Request& request) {
        {
          std::lock_guard<std::mutex> lock(mu);
          threads.insert(std::this_thread::get_id());
        }
        if (request.path == "/slow") released.wait();  // a handler blocked on "the database"
        return Text("done");
      },
      options);
  auto slow = std::async(std::launch::async, [&] { return Get(server->base_url() + "/slow"); });
  REQUIRE(WaitFor([&] { return server->stats().requests_in_flight == 1; }));
  const CurlResult fast = Get(server->base_url() + "/fast");
  CHECK(fast.code == CURLE_OK);
  CHECK(fast.body == "done");
  CHECK(slow.wait_for(milliseconds(0)) == std::future_status::timeout);  // still blocked
  release.set_value();
  const CurlResult s = slow.get();
  CHECK(s.body == "done");
  CHECK(server->stats().max_requests_in_flight == 2);
  std::lock_guard<std::mutex> lock(mu);
  CHECK(threads.size() == 2);
  CHECK(threads.count(std::this_thread::get_id()) == 0);
}

TEST_CASE("Server runs handlers on its io thread when asked", "[http]") {
  std::mutex mu;
  std::set<std::thread::id> threads;
  ServerOptions options;
  options.handlers_on_io_thread = true;
  auto server = StartOrDie(
      [&](const Request&) {
        std::lock_guard<std::mutex> lock(mu);
        threads.insert(std::this_thread::get_id());
        return Text("io");
      },
      options);
  std::vector<std::future<CurlResult>> results;
  for (int i = 0; i < 6; ++i) {
    results.push_back(std::async(std::launch::async, [&] { return Get(server->base_url()); }));
  }
  for (auto& r : results) CHECK(r.get().body == "io");
  std::lock_guard<std::mutex> lock(mu);
  CHECK(threads.size() == 1);
  CHECK(server->stats().queued_requests == 0);
}

TEST_CASE("Server streams a BodySource with and without a length, one piece at a time", "[http]") {
  constexpr uint64_t kSize = 3 * 1000 * 1000 + 17;
  auto largest_ask = std::make_shared<std::atomic<size_t>>(0);
  ServerOptions options;
  options.write_chunk_bytes = 32 << 10;
  auto server = StartOrDie(
      [&](const Request& request) {
        Response r;
        r.body_source = std::make_shared<AlphabetBody>(kSize, largest_ask);
        if (request.path == "/length") r.body_length = kSize;
        return r;
      },
      options);
  for (const std::string path : {"/length", "/chunked"}) {
    CurlClient client;
    CurlRequest request;
    request.url = server->base_url() + path;
    const CurlResult r = client.Fetch(request);
    INFO(path);
    REQUIRE(r.code == CURLE_OK);
    CHECK(r.body_bytes == kSize);
    CHECK(r.body[0] == 'a');
    CHECK(r.body[kSize - 1] == static_cast<char>('a' + (kSize - 1) % 26));
    if (path == "/chunked") {
      CHECK(r.Header("Transfer-Encoding") == "chunked");
      CHECK(r.content_length == -1);
    } else {
      CHECK(r.content_length == static_cast<curl_off_t>(kSize));
    }
    // Still alive for the next request after a streamed body.
    CHECK(client.Fetch(request).new_connections == 0);
  }
  CHECK(*largest_ask == (32u << 10));
}

TEST_CASE("A BodySource that pauses first sends a late status line and holds up nobody", "[http]") {
  ServerOptions options;
  options.handlers_on_io_thread = true;  // the io thread stays free even so
  auto server = StartOrDie(
      [](const Request& request) {
        if (request.path == "/late") return Streamed({"p:1500", "w:done"}, 4);
        return Text("fast");
      },
      options);
  auto late = std::async(std::launch::async, [&] { return Get(server->base_url() + "/late"); });
  REQUIRE(WaitFor([&] { return server->stats().requests_in_flight == 1; }));
  const CurlResult fast = Get(server->base_url() + "/fast");
  CHECK(fast.body == "fast");
  CHECK(fast.seconds < 1.0);  // had it waited behind /late it would take over 1.4 s
  const CurlResult l = late.get();
  CHECK(l.body == "done");
  CHECK(l.seconds >= 1.45);
}

TEST_CASE("A BodySource trickles, falls short, closes or resets, and on_complete says so",
          "[http]") {
  std::mutex mu;
  std::map<std::string, Completion> done;
  auto server = StartOrDie([&](const Request& request) {
    Response r;
    if (request.path == "/trickle") r = Streamed({"w:ab", "p:100", "w:cd", "p:100", "w:ef"}, 6);
    if (request.path == "/short") r = Streamed({"w:0123456789"}, 100);
    if (request.path == "/long") r = Streamed({"w:0123456789"}, 4);
    if (request.path == "/close-first") r = Streamed({"close"}, 10);
    if (request.path == "/reset-first") r = Streamed({"reset"}, 10);
    if (request.path == "/reset-midway") r = Streamed({"w:0123", "reset"}, 10);
    if (request.path == "/forgotten") r = Streamed({"w:0123", "drop"}, std::nullopt);
    r.on_complete = [&, path = request.path](const Completion& c) {
      std::lock_guard<std::mutex> lock(mu);
      done[path] = c;
    };
    return r;
  });
  const std::string base = server->base_url();
  const CurlResult trickle = Get(base + "/trickle");
  CHECK(trickle.body == "abcdef");
  CHECK(trickle.seconds >= 0.19);

  const CurlResult short_body = Get(base + "/short");
  CHECK(short_body.code == CURLE_PARTIAL_FILE);
  CHECK(short_body.body == "0123456789");

  const CurlResult long_body = Get(base + "/long");  // cut at the announced length, then closed
  CHECK(long_body.code == CURLE_OK);
  CHECK(long_body.body == "0123");

  CHECK(Get(base + "/close-first").code == CURLE_GOT_NOTHING);
  const CURLcode reset = Get(base + "/reset-first").code;
  CHECK((reset == CURLE_RECV_ERROR || reset == CURLE_GOT_NOTHING));
  const CURLcode reset_midway = Get(base + "/reset-midway").code;
  CHECK((reset_midway == CURLE_RECV_ERROR || reset_midway == CURLE_PARTIAL_FILE));
  CHECK(Get(base + "/forgotten").code == CURLE_PARTIAL_FILE);  // chunked, never ended

  REQUIRE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu);
    return done.size() == 7;
  }));
  std::lock_guard<std::mutex> lock(mu);
  CHECK(done["/trickle"].complete);
  CHECK(done["/trickle"].body_bytes_sent == 6);
  CHECK_FALSE(done["/short"].complete);
  CHECK(done["/short"].body_bytes_sent == 10);
  CHECK_FALSE(done["/long"].complete);
  CHECK(done["/long"].body_bytes_sent == 4);
  CHECK_FALSE(done["/close-first"].complete);
  CHECK_FALSE(done["/reset-first"].complete);
  CHECK(done["/reset-midway"].body_bytes_sent == 4);
  CHECK_FALSE(done["/forgotten"].complete);
}

// A body produced on a thread of its own, as an evidence archive read from disk would be: the
// source hands each sink to the producer thread, which answers later.
class ThreadedBody final : public BodySource {
 public:
  explicit ThreadedBody(int pieces) : pieces_(pieces) {}
  ~ThreadedBody() override {
    if (producer_.joinable()) producer_.join();
  }
  void Next(size_t, BodySink sink) override {
    if (producer_.joinable()) producer_.join();
    const int index = next_++;
    producer_ = std::thread([index, pieces = pieces_, sink = std::move(sink)]() mutable {
      std::this_thread::sleep_for(milliseconds(2));  // "reading the store"
      if (index == pieces) return sink.Finish();
      sink.Write("piece " + std::to_string(index) + "\n");
    });
  }

 private:
  const int pieces_;
  int next_ = 0;
  std::thread producer_;
};

TEST_CASE("A BodySource may answer its sink later from another thread", "[http]") {
  auto server = StartOrDie([](const Request&) {
    Response r;
    r.body_source = std::make_shared<ThreadedBody>(20);
    return r;
  });
  const CurlResult r = Get(server->base_url() + "/archive");
  REQUIRE(r.code == CURLE_OK);
  std::string expected;
  for (int i = 0; i < 20; ++i) expected += "piece " + std::to_string(i) + "\n";
  CHECK(r.body == expected);
}

TEST_CASE("Server reads request bodies and answers Expect: 100-continue", "[http]") {
  ServerOptions options;
  options.max_body_bytes = 4 << 20;
  auto server = StartOrDie(
      [](const Request& request) {
        return Text(request.method + " " + std::to_string(request.body.size()) + " " +
                    std::string(request.Header("Expect")));
      },
      options);
  CurlClient client;
  CurlRequest post;
  post.url = server->base_url() + "/submit";
  post.method = "POST";
  post.body = std::string(3 << 20, 'b');  // large enough for curl to ask before sending
  post.expect_100_timeout_ms = 10'000;    // without "100 Continue" this would take 10 s
  const CurlResult r = client.Fetch(post);
  CHECK(r.status == 200);
  CHECK(r.body == "POST " + std::to_string(3 << 20) + " 100-continue");
  CHECK(r.seconds < 5);

  post.body = "small=1";
  CHECK(client.Fetch(post).body == "POST 7 ");
}

TEST_CASE("Server reads a chunked request body", "[http]") {
  auto server = StartOrDie([](const Request& request) { return Text(request.body); });
  RawClient client;
  REQUIRE(client.Connect("127.0.0.1", server->port()));
  REQUIRE(
      client.Send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  std::string out;
  client.ReadUntil(out, "hello world", milliseconds(5000));
  CHECK(StatusOf(out) == 200);
  CHECK(out.find("hello world") != std::string::npos);
}

TEST_CASE("Server answers a handler exception with a 500 that does not echo it", "[http]") {
  auto server =
      StartOrDie([](const Request&) -> Response { throw std::runtime_error("secret internals"); });
  const CurlResult r = Get(server->base_url() + "/");
  CHECK(r.status == 500);
  CHECK(r.body.find("secret") == std::string::npos);
}

TEST_CASE("Server listens on other loopback addresses", "[http]") {
  ServerOptions options;
  options.address = "127.0.0.2";
  auto server =
      StartOrDie([](const Request& r) { return Text(std::string(r.Header("Host"))); }, options);
  CHECK(server->base_url() == "http://127.0.0.2:" + std::to_string(server->port()));
  const CurlResult r = Get(server->base_url() + "/");
  CHECK(r.code == CURLE_OK);
  CHECK(r.body == "127.0.0.2:" + std::to_string(server->port()));
}

TEST_CASE("Server reports bad options and a taken port as errors", "[http]") {
  auto handler = [](const Request&) { return Response{}; };
  ServerOptions bad;
  bad.address = "not-an-address";
  auto r1 = Server::Start(bad, handler);
  REQUIRE_FALSE(r1.has_value());
  CHECK(r1.error().code() == Status::Code::kInvalidArgument);

  auto r2 = Server::Start({}, nullptr);
  REQUIRE_FALSE(r2.has_value());
  CHECK(r2.error().code() == Status::Code::kInvalidArgument);

  auto first = StartOrDie(handler);
  ServerOptions same;
  same.port = first->port();
  auto r3 = Server::Start(same, handler);
  REQUIRE_FALSE(r3.has_value());
  CHECK(r3.error().code() == Status::Code::kIOError);
  CHECK(r3.error().message().find(std::to_string(first->port())) != std::string::npos);
}

TEST_CASE("Validate names the bad ServerOptions field", "[http]") {
  CHECK(Validate(ServerOptions{}).ok());
  auto field_of = [](auto change) {
    ServerOptions o;
    change(o);
    const Status s = Validate(o);
    return s.ok() ? std::string("ok") : s.message();
  };
  CHECK_THAT(field_of([](ServerOptions& o) { o.worker_threads = 0; }),
             Catch::Contains("worker_threads"));
  CHECK(field_of([](ServerOptions& o) {
          o.worker_threads = 0;
          o.handlers_on_io_thread = true;
        }) == "ok");
  CHECK_THAT(field_of([](ServerOptions& o) { o.max_queued_requests = 0; }),
             Catch::Contains("max_queued_requests"));
  CHECK_THAT(field_of([](ServerOptions& o) { o.max_header_bytes = 32 << 10; }),
             Catch::Contains("max_header_bytes"));
  CHECK_THAT(field_of([](ServerOptions& o) { o.max_target_bytes = 0; }),
             Catch::Contains("max_target_bytes"));
  CHECK_THAT(field_of([](ServerOptions& o) { o.request_timeout_ms = 0; }),
             Catch::Contains("request_timeout_ms"));
  CHECK_THAT(field_of([](ServerOptions& o) { o.idle_timeout_ms = -1; }),
             Catch::Contains("idle_timeout_ms"));
  CHECK_THAT(field_of([](ServerOptions& o) { o.write_timeout_ms = 0; }),
             Catch::Contains("write_timeout_ms"));
  CHECK_THAT(field_of([](ServerOptions& o) { o.max_connections = 0; }),
             Catch::Contains("max_connections"));
  CHECK_THAT(field_of([](ServerOptions& o) { o.max_connections_per_ip = 0; }),
             Catch::Contains("max_connections_per_ip"));
  CHECK_THAT(field_of([](ServerOptions& o) { o.tls.certificate_file = "cert.pem"; }),
             Catch::Contains("tls"));
}

TEST_CASE("Server stops at once with idle and busy connections open", "[http]") {
  auto server = StartOrDie([](const Request& request) {
    if (request.path == "/slow") return Streamed({"p:10000", "w:late"}, 4);
    return Text("now");
  });
  const std::string base = server->base_url();
  // An idle keep-alive connection...
  CurlClient idle;
  CurlRequest request;
  request.url = base + "/";
  REQUIRE(idle.Fetch(request).code == CURLE_OK);
  // ...and one waiting for a slow answer.
  auto slow = std::async(std::launch::async, [&] { return Get(base + "/slow"); });
  REQUIRE(WaitFor([&] { return server->stats().requests == 2; }));
  const auto start = std::chrono::steady_clock::now();
  server->Stop();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  CHECK(slow.get().code == CURLE_GOT_NOTHING);
  CHECK(server->stats().connections_open == 0);
  server->Stop();  // idempotent
  // Nothing listens any more.
  CHECK(Get(base + "/").code == CURLE_COULDNT_CONNECT);
}

TEST_CASE("Graceful stop lets requests in flight finish and turns new ones away", "[http]") {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> entered_once{false};
  auto server = StartOrDie([&](const Request& request) {
    if (request.path == "/in-flight") {
      if (!entered_once.exchange(true)) entered.set_value();
      released.wait();
      return Text("finished");
    }
    return Text("ok");
  });
  const std::string base = server->base_url();
  // A kept-alive connection that will send a request while the server stops.
  RawClient keeper;
  REQUIRE(keeper.Connect("127.0.0.1", server->port()));
  REQUIRE(keeper.Send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"));
  REQUIRE(StatusOf(keeper.ReadHead()) == 200);
  // The rest of the body ("ok") may still be in the socket; read it away.
  std::string rest;
  keeper.ReadUntil(rest, "ok", milliseconds(1000));
  // Half a request on it, completed during the stop.
  REQUIRE(keeper.Send("GET /second HTTP/1.1\r\n"));

  auto in_flight = std::async(std::launch::async, [&] { return Get(base + "/in-flight"); });
  entered.get_future().wait();

  const auto start = std::chrono::steady_clock::now();
  auto stopped = std::async(std::launch::async, [&] { server->Stop(std::chrono::seconds(10)); });
  REQUIRE(WaitFor([&] { return Get(base + "/").code == CURLE_COULDNT_CONNECT; }));

  // The probes above may have reached the server between the start of the stop and the
  // closing of its acceptor, and been turned away too; count from here.
  const auto rejected_before = server->stats().rejected_stopping;
  // The request that arrives now is answered 503 and its connection closed.
  REQUIRE(keeper.Send("Host: x\r\n\r\n"));
  std::string answer;
  CHECK(keeper.ReadToEnd(answer) == adwatch::testing::ReadEnd::kClosed);
  CHECK(StatusOf(answer) == 503);
  CHECK(answer.find("Connection: close") != std::string::npos);

  // The one in flight finishes, with Connection: close, and then Stop returns.
  CHECK(stopped.wait_for(milliseconds(200)) == std::future_status::timeout);
  release.set_value();
  const CurlResult finished = in_flight.get();
  CHECK(finished.status == 200);
  CHECK(finished.body == "finished");
  CHECK(finished.Header("Connection") == "close");
  stopped.get();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(server->stats().rejected_stopping == rejected_before + 1);
  CHECK(server->stats().connections_open == 0);
}

TEST_CASE("Graceful stop abandons what is still going at the deadline", "[http]") {
  std::atomic<int> completions{0};
  std::atomic<int> complete_ones{0};
  auto server = StartOrDie([&](const Request&) {
    Response r = Streamed({"w:x", "p:10000", "w:y"}, 2);
    r.on_complete = [&](const Completion& c) {
      complete_ones += c.complete ? 1 : 0;
      ++completions;
    };
    return r;
  });
  auto pending = std::async(std::launch::async, [&] { return Get(server->base_url() + "/"); });
  REQUIRE(WaitFor([&] { return server->stats().requests == 1; }));
  const auto start = std::chrono::steady_clock::now();
  server->Stop(milliseconds(300));
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(took >= milliseconds(250));
  CHECK(took < milliseconds(3000));
  CHECK(pending.get().code == CURLE_PARTIAL_FILE);
  CHECK(completions == 1);
  CHECK(complete_ones == 0);
}

TEST_CASE("Server counts what it serves in its stats", "[http]") {
  auto server = StartOrDie([](const Request&) { return Text("x"); });
  CurlClient client;
  CurlRequest request;
  request.url = server->base_url() + "/";
  for (int i = 0; i < 3; ++i) REQUIRE(client.Fetch(request).status == 200);
  const ServerStats stats = server->stats();
  CHECK(stats.connections_accepted == 1);
  CHECK(stats.connections_open == 1);
  CHECK(stats.requests == 3);
  CHECK(stats.rejected_bad_request == 0);
  CHECK(stats.rejected_queue_full == 0);
}

}  // namespace
}  // namespace adwatch::http
