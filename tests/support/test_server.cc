#include "support/test_server.h"

#include <zlib.h>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "adwatch/http/server.h"

namespace adwatch::testing {
namespace {

using http::AbortMode;
using http::BodySink;

constexpr uint64_t kMiB = uint64_t{1} << 20;

// A gzip stream of `blocks` MiB of zeros, laid out so that it is generated, not stored: the
// gzip header, one raw-deflate block sequence (1 MiB of zeros compressed, ended by a full
// flush so it needs no history) repeated `blocks` times, a final empty block and the trailer.
struct GzipBomb {
  std::string head;
  std::string block;
  uint64_t blocks = 0;
  std::string tail;

  uint64_t size() const { return head.size() + block.size() * blocks + tail.size(); }

  // Copies bytes [offset, offset + size) of the stream to `out`.
  void Read(uint64_t offset, char* out, size_t size) const {
    while (size > 0) {
      size_t n;
      if (offset < head.size()) {
        n = std::min<uint64_t>(size, head.size() - offset);
        std::memcpy(out, head.data() + offset, n);
      } else if (offset < head.size() + block.size() * blocks) {
        const uint64_t in_block = (offset - head.size()) % block.size();
        n = std::min<uint64_t>(size, block.size() - in_block);
        std::memcpy(out, block.data() + in_block, n);
      } else {
        const uint64_t in_tail = offset - head.size() - block.size() * blocks;
        n = std::min<uint64_t>(size, tail.size() - in_tail);
        std::memcpy(out, tail.data() + in_tail, n);
      }
      out += n;
      offset += n;
      size -= n;
    }
  }
};

void AppendLittleEndian32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}

GzipBomb BuildGzipBomb(uint64_t decompressed_bytes) {
  GzipBomb bomb;
  bomb.blocks = std::max<uint64_t>(1, (decompressed_bytes + kMiB - 1) / kMiB);
  // Magic, deflate, no flags, no mtime, no extra flags, OS unix.
  bomb.head = std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);

  const std::string zeros(kMiB, '\0');
  z_stream z{};
  int rc = deflateInit2(&z, 9, Z_DEFLATED, /*windowBits=*/-15, 9, Z_DEFAULT_STRATEGY);
  if (rc != Z_OK) std::abort();
  std::string out(deflateBound(&z, kMiB) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
  z.avail_in = static_cast<uInt>(zeros.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  rc = deflate(&z, Z_FULL_FLUSH);
  if (rc != Z_OK || z.avail_in != 0) std::abort();
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  bomb.block = std::move(out);

  // A final fixed-Huffman block holding only end-of-block: bits 1 (final), 01 (fixed), 0000000.
  bomb.tail = std::string("\x03\x00", 2);
  const uLong one =
      crc32(0L, reinterpret_cast<const Bytef*>(zeros.data()), static_cast<uInt>(zeros.size()));
  uLong crc = one;
  for (uint64_t i = 1; i < bomb.blocks; ++i)
    crc = crc32_combine(crc, one, static_cast<z_off_t>(kMiB));
  AppendLittleEndian32(bomb.tail, static_cast<uint32_t>(crc));
  AppendLittleEndian32(bomb.tail, static_cast<uint32_t>((bomb.blocks * kMiB) & 0xffffffffu));
  return bomb;
}

// Filler for Route::Large: a document start, then paragraphs repeated forever.
constexpr std::string_view kLargeHead =
    "<!DOCTYPE html><html><head><title>large</title></head><body>\n";
constexpr std::string_view kLargeParagraph =
    "<p>Lowongan kerja contoh untuk uji halaman besar. Lorem ipsum dolor sit amet.</p>\n";

void LargeFiller(uint64_t offset, char* out, size_t size) {
  while (size > 0) {
    size_t n;
    if (offset < kLargeHead.size()) {
      n = std::min<uint64_t>(size, kLargeHead.size() - offset);
      std::memcpy(out, kLargeHead.data() + offset, n);
    } else {
      const uint64_t at = (offset - kLargeHead.size()) % kLargeParagraph.size();
      n = std::min<uint64_t>(size, kLargeParagraph.size() - at);
      std::memcpy(out, kLargeParagraph.data() + at, n);
    }
    out += n;
    offset += n;
    size -= n;
  }
}

// Writes `size` bytes of a generated body, starting at byte `offset`, to `out`.
using Generator = std::function<void(uint64_t offset, char* out, size_t size)>;

// One route's answer played through the server's streaming extension point: a pause before
// the status line, then the body (held or generated) in pieces with pauses between them, cut
// short with a close, or a reset or close instead of any answer.
class ScriptedBody final : public http::BodySource {
 public:
  struct Script {
    int delay_ms = 0;
    std::optional<AbortMode> abort;  // instead of an answer
    std::string body;                // the body, unless `generator` is set
    Generator generator;
    uint64_t send_bytes = 0;  // what to send before finishing (or closing, when `cut`)
    bool cut = false;         // close after send_bytes instead of finishing
    size_t piece_bytes = 0;   // 0: as much as the server asks for
    int piece_delay_ms = 0;
  };

  explicit ScriptedBody(Script script) : script_(std::move(script)) {}

  void Next(size_t max_bytes, BodySink sink) override {
    if (!delayed_) {
      delayed_ = true;
      if (script_.delay_ms > 0) return sink.Pause(std::chrono::milliseconds(script_.delay_ms));
    }
    if (script_.abort) return sink.Abort(*script_.abort);
    if (sent_ >= script_.send_bytes) {
      if (script_.cut) return sink.Abort(AbortMode::kClose);
      return sink.Finish();
    }
    if (sent_ > 0 && script_.piece_delay_ms > 0 && !paused_) {
      paused_ = true;
      return sink.Pause(std::chrono::milliseconds(script_.piece_delay_ms));
    }
    paused_ = false;
    size_t n = script_.piece_bytes > 0 ? script_.piece_bytes : max_bytes;
    n = static_cast<size_t>(std::min<uint64_t>(n, script_.send_bytes - sent_));
    std::string piece;
    if (script_.generator) {
      piece.resize(n);
      script_.generator(sent_, piece.data(), n);
    } else {
      piece = script_.body.substr(static_cast<size_t>(sent_), n);
    }
    sent_ += n;
    sink.Write(std::move(piece));
  }

 private:
  Script script_;
  bool delayed_ = false;
  bool paused_ = false;
  uint64_t sent_ = 0;
};

struct RouteState {
  Route route;
  int hits = 0;
};

}  // namespace

// ---- Route ----

Route Route::Html(std::string body) {
  Route r;
  r.headers.push_back({"Content-Type", "text/html; charset=utf-8"});
  r.body = std::move(body);
  return r;
}

Route Route::Text(std::string body) {
  Route r;
  r.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
  r.body = std::move(body);
  return r;
}

Route Route::Bytes(std::string body, std::string content_type) {
  Route r;
  if (!content_type.empty()) r.headers.push_back({"Content-Type", std::move(content_type)});
  r.body = std::move(body);
  return r;
}

Route Route::Error(int status) {
  Route r;
  r.status = status;
  r.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
  r.body = std::to_string(status) + " " + std::string(http::ReasonPhrase(status)) + "\n";
  return r;
}

Route Route::Redirect(std::string location, int status) {
  Route r;
  r.status = status;
  r.headers.push_back({"Location", std::move(location)});
  r.headers.push_back({"Content-Type", "text/html; charset=utf-8"});
  r.body = "<a href=\"" + r.headers.front().value + "\">moved</a>\n";
  return r;
}

Route Route::Large(uint64_t bytes, bool chunked) {
  Route r;
  r.headers.push_back({"Content-Type", "text/html; charset=utf-8"});
  r.generated_body_bytes = bytes;
  r.chunked = chunked;
  return r;
}

Route Route::GzipBomb() {
  Route r;
  r.headers.push_back({"Content-Type", "text/html; charset=utf-8"});
  r.gzip_bomb = true;
  return r;
}

Route Route::WithHeader(std::string name, std::string value) const {
  Route r = *this;
  r.headers.push_back({std::move(name), std::move(value)});
  return r;
}

Route Route::WithDelay(int ms) const {
  Route r = *this;
  r.delay_ms = ms;
  return r;
}

Route Route::WithTrickle(size_t bytes, int ms) const {
  Route r = *this;
  r.trickle_bytes = bytes;
  r.trickle_delay_ms = ms;
  return r;
}

Route Route::FailingFirst(int count, int code, int retry_after) const {
  Route r = *this;
  r.failure = Failure::kStatus;
  r.failure_count = count;
  r.failure_status = code;
  r.retry_after_seconds = retry_after;
  return r;
}

Route Route::ResettingFirst(int count) const {
  Route r = *this;
  r.failure = Failure::kReset;
  r.failure_count = count;
  return r;
}

Route Route::ClosingFirst(int count) const {
  Route r = *this;
  r.failure = Failure::kClose;
  r.failure_count = count;
  return r;
}

Route Route::WithValidators(std::string tag, std::optional<int64_t> last_modified) const {
  Route r = *this;
  r.etag = std::move(tag);
  r.last_modified_unix_seconds = last_modified;
  return r;
}

Route Route::Truncated(uint64_t after_body_bytes) const {
  Route r = *this;
  r.close_after_body_bytes = after_body_bytes;
  return r;
}

// ---- TestServer ----

struct TestServer::Impl {
  TestServerOptions options;
  std::chrono::steady_clock::time_point started;

  mutable std::mutex mu;
  std::unordered_map<std::string, RouteState> routes;              // guarded by mu
  std::function<std::optional<Route>(std::string_view)> fallback;  // guarded by mu
  std::vector<LoggedRequest> log;                                  // guarded by mu
  uint64_t log_first_seq = 0;  // sequence number of log[0]                       // guarded by mu
  std::shared_ptr<const GzipBomb> bomb;  // guarded by mu
  // Last, so it stops before the state its handler uses goes away.
  std::unique_ptr<http::Server> server;

  std::shared_ptr<const GzipBomb> Bomb() {
    std::lock_guard<std::mutex> lock(mu);
    if (!bomb) bomb = std::make_shared<const GzipBomb>(BuildGzipBomb(options.gzip_bomb_bytes));
    return bomb;
  }

  http::Response Handle(const http::Request& request);
};

http::Response TestServer::Impl::Handle(const http::Request& request) {
  std::optional<Route> route;
  int hit_index = 0;
  std::function<std::optional<Route>(std::string_view)> fallback_copy;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = routes.find(request.target);
    if (it == routes.end()) it = routes.find(request.path);
    if (it != routes.end()) {
      route = it->second.route;
      hit_index = it->second.hits++;
    } else {
      fallback_copy = fallback;
    }
  }
  if (!route && fallback_copy) route = fallback_copy(request.target);
  if (!route) route = Route::Error(options.not_found_status);

  http::Response response;
  ScriptedBody::Script script;
  script.delay_ms = route->delay_ms;
  script.piece_bytes = route->trickle_bytes;
  script.piece_delay_ms = route->trickle_delay_ms;
  uint64_t body_bytes = 0;  // the whole body, announced unless chunked
  bool chunked = false;

  const bool failing = route->failure != Failure::kNone &&
                       (route->failure_count < 0 || hit_index < route->failure_count);
  if (failing) {
    switch (route->failure) {
      case Failure::kStatus:
        response.status = route->failure_status;
        response.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
        if (route->retry_after_seconds >= 0) {
          response.headers.push_back({"Retry-After", std::to_string(route->retry_after_seconds)});
        }
        script.body = std::to_string(response.status) + " " +
                      std::string(http::ReasonPhrase(response.status)) + "\n";
        break;
      case Failure::kReset:
        script.abort = AbortMode::kReset;
        break;
      case Failure::kClose:
        script.abort = AbortMode::kClose;
        break;
      case Failure::kNone:
        break;
    }
    body_bytes = script.body.size();
  } else {
    std::vector<http::Header> validators;
    if (!route->etag.empty()) validators.push_back({"ETag", route->etag});
    if (route->last_modified_unix_seconds) {
      validators.push_back(
          {"Last-Modified", http::FormatHttpDate(*route->last_modified_unix_seconds)});
    }
    if (!validators.empty() &&
        http::IsNotModified(request, route->etag, route->last_modified_unix_seconds)) {
      response.status = 304;
      response.headers = std::move(validators);
    } else {
      response.status = route->status;
      response.headers = route->headers;
      response.headers.insert(response.headers.end(), validators.begin(), validators.end());
      chunked = route->chunked;
      if (route->gzip_bomb) {
        std::shared_ptr<const GzipBomb> b = Bomb();
        response.headers.push_back({"Content-Encoding", "gzip"});
        body_bytes = b->size();
        script.generator = [b](uint64_t offset, char* out, size_t size) {
          b->Read(offset, out, size);
        };
      } else if (route->generated_body_bytes > 0) {
        body_bytes = route->generated_body_bytes;
        script.generator = LargeFiller;
      } else {
        script.body = route->body;
        body_bytes = script.body.size();
      }
    }
  }

  script.send_bytes = body_bytes;
  if (route->close_after_body_bytes && *route->close_after_body_bytes < body_bytes) {
    script.send_bytes = *route->close_after_body_bytes;
    script.cut = true;
  }
  // HEAD announces the body but sends none; its delay, reset or close still apply.
  if (request.method == "HEAD") {
    script.send_bytes = 0;
    script.cut = false;
  }
  const bool plain = !script.abort && script.delay_ms == 0 && script.piece_bytes == 0 &&
                     !script.generator && !script.cut && !chunked;
  if (plain) {
    response.body = std::move(script.body);
  } else {
    if (!chunked) response.body_length = body_bytes;
    response.body_source = std::make_shared<ScriptedBody>(std::move(script));
  }

  LoggedRequest entry;
  entry.method = request.method;
  entry.target = request.target;
  entry.path = request.path;
  entry.arrival = request.arrival;
  entry.arrival_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(request.arrival - started).count();
  entry.connection_id = request.connection_id;
  entry.request_on_connection = request.request_on_connection;
  entry.connections_open = request.connections_open;
  entry.requests_in_flight = request.requests_in_flight;
  entry.host = std::string(request.Header("Host"));
  entry.user_agent = std::string(request.Header("User-Agent"));
  entry.if_none_match = std::string(request.Header("If-None-Match"));
  entry.if_modified_since = std::string(request.Header("If-Modified-Since"));
  entry.accept_encoding = std::string(request.Header("Accept-Encoding"));
  entry.headers = request.headers;
  entry.status = failing && route->failure != Failure::kStatus ? 0 : response.status;

  uint64_t seq;
  {
    std::lock_guard<std::mutex> lock(mu);
    seq = log_first_seq + log.size();
    log.push_back(std::move(entry));
  }
  response.on_complete = [this, seq](const http::Completion& done) {
    std::lock_guard<std::mutex> lock(mu);
    if (seq < log_first_seq || seq - log_first_seq >= log.size()) return;  // cleared since
    LoggedRequest& e = log[seq - log_first_seq];
    e.body_bytes_sent = done.body_bytes_sent;
    e.finished = true;
    e.finished_at = std::chrono::steady_clock::now();
    e.complete = done.complete;
  };
  return response;
}

TestServer::TestServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

TestServer::~TestServer() { Stop(); }

Result<std::unique_ptr<TestServer>> TestServer::Start(const TestServerOptions& options) {
  if (!http::IsLoopbackAddress(options.address)) {
    return adwatch::Status::InvalidArgument("TestServerOptions.address",
                                            "not a loopback address: " + options.address);
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->started = std::chrono::steady_clock::now();
  http::ServerOptions server_options;
  server_options.address = options.address;
  server_options.port = options.port;
  server_options.idle_timeout_ms = options.idle_timeout_ms;
  server_options.server_name = "adwatch-test-server";
  // Answers are scripted, never blocking: they run on the io thread. Every client of a
  // loopback server shares one address, so the per-address cap is the global one.
  server_options.handlers_on_io_thread = true;
  server_options.max_connections = 1024;
  server_options.max_connections_per_ip = 1024;
  Impl* raw = impl.get();
  auto server = http::Server::Start(
      server_options, [raw](const http::Request& request) { return raw->Handle(request); });
  if (!server) return server.error();
  impl->server = std::move(server.value());
  return std::unique_ptr<TestServer>(new TestServer(std::move(impl)));
}

uint16_t TestServer::port() const { return impl_->server->port(); }

std::string TestServer::host_port() const {
  const std::string url = impl_->server->base_url();
  return url.substr(std::strlen("http://"));
}

std::string TestServer::base_url() const { return impl_->server->base_url(); }

std::string TestServer::Url(std::string_view path) const {
  assert(!path.empty() && path.front() == '/');
  return base_url() + std::string(path);
}

void TestServer::Stop() { impl_->server->Stop(); }

void TestServer::Set(std::string path, Route route) {
  if (route.gzip_bomb) (void)impl_->Bomb();  // Build it now, not while a request waits.
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->routes[std::move(path)] = RouteState{std::move(route), 0};
}

void TestServer::Remove(const std::string& path) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->routes.erase(path);
}

void TestServer::SetFallback(std::function<std::optional<Route>(std::string_view)> fallback) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->fallback = std::move(fallback);
}

void TestServer::SetRobots(std::string text) { Set("/robots.txt", Route::Text(std::move(text))); }

void TestServer::DisallowInRobots(const std::vector<std::string>& paths) {
  std::string text = "User-agent: *\n";
  for (const std::string& p : paths) text += "Disallow: " + p + "\n";
  SetRobots(std::move(text));
}

void TestServer::SetRedirectLoop(const std::string& a, const std::string& b) {
  Set(a, Route::Redirect(b));
  Set(b, Route::Redirect(a));
}

int TestServer::Hits(const std::string& path) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->routes.find(path);
  return it == impl_->routes.end() ? 0 : it->second.hits;
}

std::vector<LoggedRequest> TestServer::Log() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->log;
}

std::vector<LoggedRequest> TestServer::LogFor(std::string_view path) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::vector<LoggedRequest> out;
  for (const LoggedRequest& r : impl_->log) {
    if (r.path == path) out.push_back(r);
  }
  return out;
}

void TestServer::ClearLog() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->log_first_seq += impl_->log.size();
  impl_->log.clear();
  impl_->server->ResetMaxima();
}

int TestServer::max_connections_open() const { return impl_->server->stats().max_connections_open; }

int TestServer::max_requests_in_flight() const {
  return impl_->server->stats().max_requests_in_flight;
}

int TestServer::connections_open() const { return impl_->server->stats().connections_open; }

std::string TestServer::MakeGzipBomb(uint64_t decompressed_bytes) {
  const GzipBomb bomb = BuildGzipBomb(decompressed_bytes);
  std::string out(bomb.size(), '\0');
  bomb.Read(0, out.data(), out.size());
  return out;
}

}  // namespace adwatch::testing
