// The Beast side of HttpServer: one io_context on one thread, an acceptor, and a Session per
// connection that reads a request with Beast's parser, asks the handler what to do, and writes
// the answer itself (status line and header as text, then the body in pieces), which is what
// lets a description delay, trickle, truncate or reset.
#include "adwatch/api/http_server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cstdio>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

namespace adwatch::api {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

void RaiseMax(std::atomic<int>& max, int value) {
  int current = max.load();
  while (value > current && !max.compare_exchange_weak(current, value)) {
  }
}

class Session;

// State shared by the server object and its sessions, so that a session that outlives
// HttpServer::Impl's members (inside io_context's destructor) still has valid counters.
struct Shared {
  HttpServerOptions options;
  HttpHandler handler;

  std::atomic<uint64_t> connections_accepted{0};
  std::atomic<int> connections_open{0};
  std::atomic<int> max_connections_open{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<int> requests_in_flight{0};
  std::atomic<int> max_requests_in_flight{0};

  // Server thread only.
  bool stopping = false;
  std::unordered_map<uint64_t, std::weak_ptr<Session>> sessions;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Shared> shared, uint64_t id)
      : stream_(std::move(socket)),
        timer_(stream_.get_executor()),
        shared_(std::move(shared)),
        id_(id) {
    const int open = ++shared_->connections_open;
    RaiseMax(shared_->max_connections_open, open);
  }

  ~Session() {
    Complete(/*complete=*/false);
    --shared_->connections_open;
    shared_->sessions.erase(id_);
  }

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Start() { DoRead(); }

  // For Stop: sends FIN first so the peer sees an orderly end where it can, then Close().
  void Shutdown() {
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    Close();
  }

  // Abandons whatever the session is doing; its pending operations finish with errors.
  void Close() {
    closed_ = true;
    timer_.cancel();
    stream_.close();
  }

 private:
  void DoRead() {
    if (closed_) return;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(
        std::min<size_t>(shared_->options.max_request_header_bytes, UINT32_MAX)));
    parser_->body_limit(shared_->options.max_request_body_bytes);
    if (shared_->options.idle_timeout_ms > 0) {
      stream_.expires_after(std::chrono::milliseconds(shared_->options.idle_timeout_ms));
    } else {
      stream_.expires_never();
    }
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](error_code ec, size_t) { self->OnHeader(ec); });
  }

  // The header is in. A client that sent "Expect: 100-continue" waits for a go-ahead before
  // sending its body (curl for larger POSTs), so give it one rather than making it time out.
  void OnHeader(error_code ec) {
    if (closed_) return;
    if (ec || parser_->is_done()) return OnRead(ec);
    auto read_body = [self = shared_from_this()] {
      http::async_read(self->stream_, self->buffer_, *self->parser_,
                       [self](error_code read_ec, size_t) { self->OnRead(read_ec); });
    };
    const auto expect = parser_->get()[http::field::expect];
    if (!EqualsIgnoreCase(std::string_view(expect.data(), expect.size()), "100-continue")) {
      return read_body();
    }
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                     [self = shared_from_this(), read_body](error_code write_ec, size_t) {
                       if (self->closed_) return;
                       if (write_ec) return self->Close();
                       read_body();
                     });
  }

  void OnRead(error_code ec) {
    if (closed_) return;
    stream_.expires_never();
    if (ec == http::error::header_limit) return RespondToBadRequest(431);
    if (ec == http::error::body_limit) return RespondToBadRequest(413);
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout || ec == net::error::connection_reset ||
        ec == net::error::eof) {
      return CloseGracefully();
    }
    if (ec) {
      // A request that does not parse; the connection cannot be trusted to frame the next one.
      return RespondToBadRequest(400);
    }

    auto& message = parser_->get();
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    const size_t question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos) request.query = request.target.substr(question + 1);
    request.version = static_cast<int>(message.version());
    for (const auto& field : message) {
      request.headers.push_back(
          HttpHeader{std::string(field.name_string()), std::string(field.value())});
    }
    request.body = std::move(message.body());
    request.connection_id = id_;
    request.request_on_connection = ++requests_on_connection_;
    request.connections_open = shared_->connections_open.load();
    request.requests_in_flight = ++shared_->requests_in_flight;
    RaiseMax(shared_->max_requests_in_flight, request.requests_in_flight);
    ++shared_->requests;
    request.arrival = std::chrono::steady_clock::now();
    in_flight_ = true;

    head_ = request.method == "HEAD";
    client_keep_alive_ = message.keep_alive();
    client_version_ = request.version;

    HttpResponse response;
    try {
      response = shared_->handler(request);
    } catch (const std::exception& e) {
      response = HttpResponse{};
      response.status = 500;
      response.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
      response.body = std::string("handler failed: ") + e.what() + "\n";
    } catch (...) {
      response = HttpResponse{};
      response.status = 500;
    }
    Begin(std::move(response));
  }

  void RespondToBadRequest(int status) {
    ++shared_->requests;
    in_flight_ = true;
    ++shared_->requests_in_flight;
    head_ = false;
    client_keep_alive_ = false;
    client_version_ = 11;
    HttpResponse response;
    response.status = status;
    response.keep_alive = false;
    response.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
    response.body = std::string(ReasonPhrase(status)) + "\n";
    Begin(std::move(response));
  }

  void Begin(HttpResponse response) {
    response_ = std::move(response);
    keep_alive_ = client_keep_alive_ && response_.keep_alive;
    if (response_.delay_ms > 0) {
      timer_.expires_after(std::chrono::milliseconds(response_.delay_ms));
      timer_.async_wait([self = shared_from_this()](error_code ec) {
        if (ec || self->closed_) return;
        self->Act();
      });
      return;
    }
    Act();
  }

  void Act() {
    switch (response_.action) {
      case HttpAction::kReset: {
        error_code ec;
        stream_.socket().set_option(net::socket_base::linger(true, 0), ec);
        Complete(/*complete=*/false);
        Close();
        return;
      }
      case HttpAction::kClose:
        Complete(/*complete=*/false);
        CloseGracefully();
        return;
      case HttpAction::kRespond:
        break;
    }
    const int status = response_.status;
    no_body_ = head_ || (status >= 100 && status < 200) || status == 204 || status == 304;
    total_ = response_.generator ? response_.generated_bytes : response_.body.size();
    chunked_ = response_.chunked;
    limit_ = total_;
    truncate_ = false;
    if (response_.close_after_body_bytes && *response_.close_after_body_bytes < total_) {
      limit_ = *response_.close_after_body_bytes;
      truncate_ = true;
    }
    if (no_body_) limit_ = 0;
    sent_ = 0;
    BuildHeader();
    header_pending_ = true;
    WritePiece();
  }

  void BuildHeader() {
    const int status = response_.status;
    header_.clear();
    header_ += client_version_ == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    header_ += std::to_string(status);
    header_ += ' ';
    header_ += ReasonPhrase(status);
    header_ += "\r\n";
    auto add = [this](std::string_view name, std::string_view value) {
      header_ += name;
      header_ += ": ";
      header_ += value;
      header_ += "\r\n";
    };
    if (!shared_->options.server_name.empty()) add("Server", shared_->options.server_name);
    for (const HttpHeader& h : response_.headers) {
      if (h.name.empty() || h.name.find_first_of("\r\n:") != std::string::npos ||
          h.value.find_first_of("\r\n") != std::string::npos) {
        continue;
      }
      if (EqualsIgnoreCase(h.name, "Content-Length") ||
          EqualsIgnoreCase(h.name, "Transfer-Encoding") ||
          EqualsIgnoreCase(h.name, "Connection")) {
        continue;
      }
      add(h.name, h.value);
    }
    const bool bodiless_status = (status >= 100 && status < 200) || status == 204 || status == 304;
    if (!bodiless_status) {
      if (chunked_) {
        add("Transfer-Encoding", "chunked");
      } else {
        add("Content-Length", std::to_string(total_));
      }
    }
    if (!keep_alive_) {
      add("Connection", "close");
    } else if (client_version_ == 10) {
      add("Connection", "keep-alive");
    }
    header_ += "\r\n";
  }

  // Writes the next piece of the body (with the header in front of the first), or ends it.
  void WritePiece() {
    if (closed_) return;
    if (sent_ >= limit_) {
      if (header_pending_) return SendPiece(0);
      return FinishBody();
    }
    if (!header_pending_ && response_.piece_delay_ms > 0) {
      timer_.expires_after(std::chrono::milliseconds(response_.piece_delay_ms));
      timer_.async_wait([self = shared_from_this()](error_code ec) {
        if (ec || self->closed_) return;
        self->SendPiece(self->NextPieceSize());
      });
      return;
    }
    SendPiece(NextPieceSize());
  }

  size_t NextPieceSize() const {
    uint64_t piece = limit_ - sent_;
    if (response_.chunk_bytes > 0) {
      piece = std::min<uint64_t>(piece, response_.chunk_bytes);
    } else if (response_.generator) {
      piece = std::min<uint64_t>(piece, shared_->options.write_chunk_bytes);
    }
    return static_cast<size_t>(piece);
  }

  void SendPiece(size_t n) {
    // Unused entries stay empty buffers, which write nothing.
    std::array<net::const_buffer, 4> buffers{};
    size_t count = 0;
    if (header_pending_) buffers[count++] = net::buffer(header_);
    if (n > 0) {
      const char* data;
      if (response_.generator) {
        scratch_.resize(n);
        response_.generator(sent_, scratch_.data(), n);
        data = scratch_.data();
      } else {
        data = response_.body.data() + sent_;
      }
      if (chunked_) {
        char size_line[24];
        const int len = std::snprintf(size_line, sizeof(size_line), "%zx\r\n", n);
        chunk_prefix_.assign(size_line, static_cast<size_t>(len));
        buffers[count++] = net::buffer(chunk_prefix_);
        buffers[count++] = net::buffer(data, n);
        buffers[count++] = net::buffer("\r\n", 2);
      } else {
        buffers[count++] = net::buffer(data, n);
      }
    }
    header_pending_ = false;
    net::async_write(stream_, buffers,
                     [self = shared_from_this(), n](error_code ec, size_t) {
                       if (self->closed_) return;
                       if (ec) {
                         self->Complete(/*complete=*/false);
                         return self->Close();
                       }
                       self->sent_ += n;
                       self->WritePiece();
                     });
  }

  void FinishBody() {
    if (truncate_) {
      Complete(/*complete=*/false);
      return CloseGracefully();
    }
    if (chunked_ && !no_body_) {
      net::async_write(stream_, net::buffer("0\r\n\r\n", 5),
                       [self = shared_from_this()](error_code ec, size_t) {
                         if (self->closed_) return;
                         if (ec) {
                           self->Complete(/*complete=*/false);
                           return self->Close();
                         }
                         self->AfterResponse();
                       });
      return;
    }
    AfterResponse();
  }

  void AfterResponse() {
    Complete(/*complete=*/true);
    if (keep_alive_ && !shared_->stopping) return DoRead();
    CloseGracefully();
  }

  // Sends FIN, then reads and discards until the peer closes too (or a second passes), then
  // closes. Closing at once with unread request bytes in the socket would send a reset, and a
  // reset can destroy the answer before the peer reads it (a 413 to a client still uploading).
  void CloseGracefully() {
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    stream_.expires_after(std::chrono::seconds(1));
    Drain();
  }

  void Drain() {
    stream_.async_read_some(net::buffer(drain_), [self = shared_from_this()](error_code ec, size_t) {
      if (self->closed_) return;
      if (ec) return self->Close();
      self->Drain();
    });
  }

  // Ends the current request once: counters, then the description's on_complete.
  void Complete(bool complete) {
    if (!in_flight_) return;
    in_flight_ = false;
    --shared_->requests_in_flight;
    if (response_.on_complete) {
      auto callback = std::move(response_.on_complete);
      response_.on_complete = nullptr;
      callback(HttpCompletion{id_, requests_on_connection_, sent_, complete});
    }
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<Shared> shared_;
  const uint64_t id_;
  uint64_t requests_on_connection_ = 0;

  // The request being answered.
  bool in_flight_ = false;
  bool head_ = false;
  bool client_keep_alive_ = true;
  int client_version_ = 11;
  HttpResponse response_;
  bool keep_alive_ = true;
  bool no_body_ = false;
  bool chunked_ = false;
  bool truncate_ = false;
  bool header_pending_ = false;
  uint64_t total_ = 0;
  uint64_t limit_ = 0;
  uint64_t sent_ = 0;
  std::string header_;
  std::string chunk_prefix_;
  std::string scratch_;
  std::array<char, 4096> drain_;

  bool closed_ = false;
};

}  // namespace

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const HttpHeader& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) return h.value;
  }
  return {};
}

Status Validate(const HttpServerOptions& options) {
  error_code ec;
  net::ip::make_address(options.address, ec);
  if (ec) return Status::InvalidArgument("HttpServerOptions.address", options.address);
  if (options.idle_timeout_ms < 0) {
    return Status::InvalidArgument("HttpServerOptions.idle_timeout_ms", "must be >= 0");
  }
  if (options.max_request_header_bytes == 0) {
    return Status::InvalidArgument("HttpServerOptions.max_request_header_bytes", "must be > 0");
  }
  if (options.max_request_body_bytes == 0) {
    return Status::InvalidArgument("HttpServerOptions.max_request_body_bytes", "must be > 0");
  }
  if (options.write_chunk_bytes == 0) {
    return Status::InvalidArgument("HttpServerOptions.write_chunk_bytes", "must be > 0");
  }
  return Status::OK();
}

struct HttpServer::Impl {
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  net::steady_timer accept_retry{ioc};
  std::shared_ptr<Shared> shared;
  std::string address;
  uint16_t port = 0;
  std::thread thread;
  std::once_flag stop_once;

  void DoAccept() {
    acceptor.async_accept([this](error_code ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
  }

  void OnAccept(error_code ec, tcp::socket socket) {
    if (shared->stopping || !acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors and the like: wait a little rather than spin.
      accept_retry.expires_after(std::chrono::milliseconds(10));
      accept_retry.async_wait([this](error_code wait_ec) {
        if (!wait_ec && !shared->stopping) DoAccept();
      });
      return;
    }
    error_code opt_ec;
    socket.set_option(tcp::no_delay(true), opt_ec);
    const uint64_t id = ++shared->connections_accepted;
    auto session = std::make_shared<Session>(std::move(socket), shared, id);
    shared->sessions[id] = session;
    session->Start();
    DoAccept();
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                      HttpHandler handler) {
  ADWATCH_RETURN_IF_ERROR(Validate(options));
  if (!handler) return Status::InvalidArgument("HttpServer::Start", "empty handler");

  auto impl = std::make_unique<Impl>();
  impl->shared = std::make_shared<Shared>();
  impl->shared->options = options;
  impl->shared->handler = std::move(handler);

  error_code ec;
  const net::ip::address address = net::ip::make_address(options.address, ec);
  const tcp::endpoint endpoint(address, options.port);
  const std::string where = "listen on " + options.address + ":" + std::to_string(options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (ec) return Status::IOError(where, ec.message());
  impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return Status::IOError(where, ec.message());
  impl->acceptor.bind(endpoint, ec);
  if (ec) return Status::IOError(where, ec.message());
  impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status::IOError(where, ec.message());
  const tcp::endpoint bound = impl->acceptor.local_endpoint(ec);
  if (ec) return Status::IOError(where, ec.message());
  impl->port = bound.port();
  impl->address = address.to_string();

  impl->DoAccept();
  try {
    Impl* raw = impl.get();
    impl->thread = std::thread([raw] { raw->ioc.run(); });
  } catch (const std::system_error& e) {
    return Status::Internal("HttpServer thread", e.what());
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const { return impl_->port; }

const std::string& HttpServer::address() const { return impl_->address; }

std::string HttpServer::base_url() const {
  const bool v6 = impl_->address.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + impl_->address + "]" : impl_->address) + ":" +
         std::to_string(impl_->port);
}

void HttpServer::Stop() {
  Impl* impl = impl_.get();
  std::call_once(impl->stop_once, [impl] {
    assert(std::this_thread::get_id() != impl->thread.get_id());
    net::post(impl->ioc, [impl] {
      impl->shared->stopping = true;
      error_code ec;
      impl->acceptor.close(ec);
      impl->accept_retry.cancel();
      std::vector<std::shared_ptr<Session>> alive;
      for (auto& [id, weak] : impl->shared->sessions) {
        if (auto session = weak.lock()) alive.push_back(std::move(session));
      }
      for (auto& session : alive) session->Shutdown();
    });
    if (impl->thread.joinable()) impl->thread.join();
  });
}

void HttpServer::ResetMaxima() {
  Shared& s = *impl_->shared;
  s.max_connections_open.store(s.connections_open.load());
  s.max_requests_in_flight.store(s.requests_in_flight.load());
}

HttpServerStats HttpServer::stats() const {
  const Shared& s = *impl_->shared;
  HttpServerStats stats;
  stats.connections_accepted = s.connections_accepted.load();
  stats.connections_open = s.connections_open.load();
  stats.max_connections_open = s.max_connections_open.load();
  stats.requests = s.requests.load();
  stats.requests_in_flight = s.requests_in_flight.load();
  stats.max_requests_in_flight = s.max_requests_in_flight.load();
  return stats;
}

namespace {

// Whether one of the entity tags in an If-None-Match value matches `etag` (weak comparison).
bool EtagListMatches(std::string_view header, std::string_view etag) {
  auto strip_weak = [](std::string_view t) {
    if (t.size() >= 2 && (t[0] == 'W' || t[0] == 'w') && t[1] == '/') t.remove_prefix(2);
    return t;
  };
  etag = strip_weak(etag);
  size_t pos = 0;
  while (pos <= header.size()) {
    size_t comma = header.find(',', pos);
    if (comma == std::string_view::npos) comma = header.size();
    std::string_view tag = header.substr(pos, comma - pos);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*" || (!etag.empty() && strip_weak(tag) == etag)) return true;
    pos = comma + 1;
  }
  return false;
}

}  // namespace

bool IsNotModified(const HttpRequest& request, std::string_view etag,
                   std::optional<int64_t> last_modified_unix_seconds) {
  const std::string_view if_none_match = request.Header("If-None-Match");
  if (!if_none_match.empty()) return EtagListMatches(if_none_match, etag);
  const std::string_view if_modified_since = request.Header("If-Modified-Since");
  if (if_modified_since.empty() || !last_modified_unix_seconds) return false;
  const std::optional<int64_t> since = ParseHttpDate(if_modified_since);
  return since && *last_modified_unix_seconds <= *since;
}

bool IsLoopbackAddress(std::string_view address) {
  error_code ec;
  const net::ip::address parsed = net::ip::make_address(std::string(address), ec);
  if (ec) return false;
  if (parsed.is_v6() && parsed.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, parsed.to_v6()).is_loopback();
  }
  return parsed.is_loopback();
}

std::string_view ReasonPhrase(int status) {
  if (status < 0 || status > 999) return {};
  const http::status code = http::int_to_status(static_cast<unsigned>(status));
  if (code == http::status::unknown) return {};
  const auto reason = http::obsolete_reason(code);
  return std::string_view(reason.data(), reason.size());
}

namespace {
constexpr std::array<const char*, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
}  // namespace

std::string FormatHttpDate(int64_t unix_seconds) {
  using namespace std::chrono;
  const sys_seconds t{seconds(unix_seconds)};
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const weekday wd{day};
  const hh_mm_ss<seconds> tod{t - day};
  char out[40];
  std::snprintf(out, sizeof(out), "%s, %02u %s %04d %02d:%02d:%02d GMT", kWeekdays[wd.c_encoding()],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<int>(tod.hours().count()),
                static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()));
  return out;
}

std::optional<int64_t> ParseHttpDate(std::string_view text) {
  using namespace std::chrono;
  // "Sun, 06 Nov 1994 08:49:37 GMT": fixed width, 29 characters.
  if (text.size() != 29 || text[3] != ',' || text[4] != ' ' || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  auto number = [&](size_t pos, size_t len) -> std::optional<int> {
    int value = 0;
    const char* first = text.data() + pos;
    const auto [ptr, ec] = std::from_chars(first, first + len, value);
    if (ec != std::errc() || ptr != first + len) return std::nullopt;
    return value;
  };
  const auto d = number(5, 2), y = number(12, 4), hh = number(17, 2), mm = number(20, 2),
             ss = number(23, 2);
  if (!d || !y || !hh || !mm || !ss || text[7] != ' ' || text[11] != ' ' || text[16] != ' ' ||
      text[19] != ':' || text[22] != ':') {
    return std::nullopt;
  }
  int month = 0;
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (text.substr(8, 3) == kMonths[i]) month = static_cast<int>(i) + 1;
  }
  if (month == 0 || *hh > 23 || *mm > 59 || *ss > 60) return std::nullopt;
  const year_month_day ymd{year(*y), std::chrono::month(static_cast<unsigned>(month)),
                           std::chrono::day(static_cast<unsigned>(*d))};
  if (!ymd.ok()) return std::nullopt;
  const sys_seconds t = sys_days(ymd) + hours(*hh) + minutes(*mm) + seconds(*ss);
  return t.time_since_epoch().count();
}

}  // namespace adwatch::api
