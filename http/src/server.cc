// The Beast side of Server: one io_context on one thread, an acceptor, and a Session per
// connection that reads a request with Beast's parser under the limits and deadlines of
// ServerOptions, hands it to the handler on the worker pool, and writes the answer itself
// (status line and header as text, then the body, or a BodySource's pieces), which is what lets
// a source pause, stream without a length, fall short or abort.
//
// Every Session member is touched on the io thread only, except `closed_`, which a worker reads
// to skip the handler of a connection that has gone. A Session is destroyed on the io thread:
// workers hand their reference back through net::post, and sinks hold only weak references.
#include "adwatch/http/server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/buffer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cassert>
#include <cstdio>
#include <exception>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "ascii.h"
#include "body_sink.h"
#include "worker_pool.h"

namespace adwatch::http {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The read buffer's maximum: a request header must fit, and it bounds what an endless chunk
// extension or trailer can make a connection hold.
constexpr size_t kReadBufferBytes = 16 << 10;
// Room for the method, the spaces and the version beside the target in the parser's header
// limit; the target and the fields are checked against their own limits after the header.
constexpr size_t kStartLineSlack = 1024;
constexpr milliseconds kAcceptRetryDelay{100};
// How long a closing connection reads and discards what the client still sends, so the close
// does not turn into a reset that destroys the answer before the client reads it.
constexpr milliseconds kCloseLinger{1000};
// The whole life of a connection refused over a cap: TLS handshake, canned 503, close.
constexpr milliseconds kRefusalTimeout{1000};

void RaiseMax(std::atomic<int>& max, int value) {
  int current = max.load();
  while (value > current && !max.compare_exchange_weak(current, value)) {
  }
}

std::string AddressText(const net::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

class SessionBase;

// State shared by the server object, its sessions and the sinks they hand out. Sinks may
// outlive the server; holding this keeps the io_context they post to alive.
struct Shared {
  Shared(const ServerOptions& o, Handler h) : options(o), handler(std::move(h)) {}

  const ServerOptions options;
  const Handler handler;
  std::unique_ptr<internal::WorkerPool> pool;  // null with handlers_on_io_thread
  std::unique_ptr<ssl::context> tls;           // null without TLS

  std::atomic<uint64_t> connections_accepted{0};
  std::atomic<int> connections_open{0};
  std::atomic<int> max_connections_open{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<int> requests_in_flight{0};
  std::atomic<int> max_requests_in_flight{0};
  std::atomic<uint64_t> rejected_connection_cap{0};
  std::atomic<uint64_t> rejected_ip_cap{0};
  std::atomic<uint64_t> rejected_body_too_large{0};
  std::atomic<uint64_t> rejected_target_too_long{0};
  std::atomic<uint64_t> rejected_header_too_large{0};
  std::atomic<uint64_t> rejected_bad_request{0};
  std::atomic<uint64_t> rejected_queue_full{0};
  std::atomic<uint64_t> rejected_stopping{0};
  std::atomic<uint64_t> rejected_deadline{0};
  std::atomic<uint64_t> idle_closes{0};
  std::atomic<uint64_t> accept_errors{0};
  std::atomic<uint64_t> tls_handshake_failures{0};

  // io thread only.
  bool stopping = false;
  std::unordered_map<uint64_t, std::weak_ptr<SessionBase>> sessions;
  std::unordered_map<std::string, int> connections_per_ip;
  // Set while a graceful stop waits for the last session to go.
  std::function<void()> on_sessions_gone;

  // Last, so it is destroyed first, while what its leftover handlers reach is still alive.
  net::io_context ioc{1};
};

// What a Session offers the server and its sinks, whatever its stream type.
class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  virtual void Start() = 0;
  // Stop has begun: an idle connection closes now, others finish their request.
  virtual void OnServerStopping() = 0;
  // Abandons whatever the session is doing; its pending operations finish with errors.
  virtual void Close() = 0;
  // A sink of piece `generation` was used.
  virtual void OnSinkAction(uint64_t generation, SinkAction action) = 0;
};

// The sink behind one BodySource::Next call: posts its action to the connection's io thread.
class SinkRep final : public BodySinkAccess::Rep {
 public:
  SinkRep(std::shared_ptr<Shared> shared, std::weak_ptr<SessionBase> session, uint64_t generation)
      : shared_(std::move(shared)), session_(std::move(session)), generation_(generation) {}

  void Deliver(SinkAction action) override {
    net::post(shared_->ioc,
              [session = session_, generation = generation_, action = std::move(action)]() mutable {
                if (auto s = session.lock()) s->OnSinkAction(generation, std::move(action));
              });
  }

 private:
  std::shared_ptr<Shared> shared_;
  std::weak_ptr<SessionBase> session_;
  uint64_t generation_;
};

Response TextResponse(int status, std::string body) {
  Response response;
  response.status = status;
  response.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
  response.body = std::move(body);
  return response;
}

Response CallHandler(const Handler& handler, const Request& request) {
  try {
    return handler(request);
  } catch (...) {
    // Handlers return errors as responses; one that throws anyway gets a 500 that does not
    // echo the exception (it may hold internals).
    return TextResponse(500, "Internal Server Error\n");
  }
}

enum class Refusal { kNone, kConnectionCap, kIpCap };

template <bool kTls>
class Session final : public SessionBase {
 public:
  using Stream = std::conditional_t<kTls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

  Session(tcp::socket socket, std::shared_ptr<Shared> shared, uint64_t id, std::string peer,
          uint16_t peer_port, Refusal refusal)
      : stream_(MakeStream(std::move(socket), *shared)),
        timer_(shared->ioc),
        shared_(std::move(shared)),
        id_(id),
        peer_(std::move(peer)),
        peer_port_(peer_port),
        refusal_(refusal) {
    if (refusal_ == Refusal::kNone) {
      const int open = ++shared_->connections_open;
      RaiseMax(shared_->max_connections_open, open);
      ++shared_->connections_per_ip[peer_];
    }
  }

  ~Session() override {
    Complete(/*complete=*/false);
    if (refusal_ == Refusal::kNone) {
      --shared_->connections_open;
      auto it = shared_->connections_per_ip.find(peer_);
      if (it != shared_->connections_per_ip.end() && --it->second <= 0) {
        shared_->connections_per_ip.erase(it);
      }
    }
    shared_->sessions.erase(id_);
    if (shared_->stopping && shared_->sessions.empty() && shared_->on_sessions_gone) {
      shared_->on_sessions_gone();
    }
  }

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Start() override {
    if constexpr (kTls) {
      Lowest().expires_after(refusal_ == Refusal::kNone ? RequestTimeout() : kRefusalTimeout);
      stream_.async_handshake(ssl::stream_base::server, [self = Self()](error_code ec) {
        if (self->closed_) return;
        if (ec) {
          ++self->shared_->tls_handshake_failures;
          return self->Close();
        }
        self->OnReady();
      });
    } else {
      OnReady();
    }
  }

  void OnServerStopping() override {
    if (idle_) Close();
  }

  void Close() override {
    // Dropped last: it may hold the last reference to this session.
    std::shared_ptr<SessionBase> waiting = std::move(waiting_for_sink_);
    if (closed_.exchange(true)) return;
    timer_.cancel();
    Lowest().close();
  }

  void OnSinkAction(uint64_t generation, SinkAction action) override {
    if (closed_ || generation != generation_ || !response_.body_source) return;
    ++generation_;              // this piece's sink is spent
    waiting_for_sink_.reset();  // the caller holds a reference
    switch (action.verb) {
      case SinkAction::Verb::kWrite:
        return WritePiece(std::move(action.data));
      case SinkAction::Verb::kPause:
        timer_.expires_after(std::max(action.delay, milliseconds(0)));
        timer_.async_wait([self = Self()](error_code ec) {
          if (ec || self->closed_) return;
          self->AskSource();
        });
        return;
      case SinkAction::Verb::kFinish:
        return FinishStream();
      case SinkAction::Verb::kAbort:
        if (action.mode == AbortMode::kReset) {
          error_code ec;
          Lowest().socket().set_option(net::socket_base::linger(true, 0), ec);
          Complete(/*complete=*/false);
          return Close();
        }
        Complete(/*complete=*/false);
        return CloseGracefully();
    }
  }

 private:
  static Stream MakeStream(tcp::socket&& socket, Shared& shared) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *shared.tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  beast::tcp_stream& Lowest() {
    if constexpr (kTls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }

  std::shared_ptr<Session> Self() { return std::static_pointer_cast<Session>(shared_from_this()); }

  const ServerOptions& options() const { return shared_->options; }
  milliseconds RequestTimeout() const { return milliseconds(options().request_timeout_ms); }
  milliseconds WriteTimeout() const { return milliseconds(options().write_timeout_ms); }

  void OnReady() {
    if (refusal_ != Refusal::kNone) return SendRefusal();
    WaitForRequest();
  }

  // Over a connection cap: a canned 503 without reading the request, then close.
  void SendRefusal() {
    static constexpr std::string_view kBody = "Too many connections; retry later.\n";
    refusal_text_ =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n";
    refusal_text_ += "Content-Length: " + std::to_string(kBody.size()) + "\r\n";
    refusal_text_ += "Retry-After: " + std::to_string(options().retry_after_seconds) + "\r\n";
    refusal_text_ += "Connection: close\r\n\r\n";
    refusal_text_ += kBody;
    Lowest().expires_after(std::min(WriteTimeout(), kRefusalTimeout));
    net::async_write(stream_, net::buffer(refusal_text_), [self = Self()](error_code ec, size_t) {
      if (self->closed_) return;
      if (ec) return self->Close();
      self->CloseGracefully();
    });
  }

  // Between requests: the idle deadline runs until the first byte of the next request.
  void WaitForRequest() {
    if (closed_) return;
    if (shared_->stopping) return CloseGracefully();
    if (buffer_.size() > 0) return ReadHeader();  // pipelined: the next request is here
    idle_ = true;
    Lowest().expires_after(milliseconds(options().idle_timeout_ms));
    stream_.async_read_some(buffer_.prepare(kReadBufferBytes),
                            [self = Self()](error_code ec, size_t n) {
                              self->idle_ = false;
                              if (self->closed_) return;
                              if (ec) {
                                if (ec == beast::error::timeout) ++self->shared_->idle_closes;
                                return self->Close();
                              }
                              self->buffer_.commit(n);
                              self->ReadHeader();
                            });
  }

  // A request has begun: one deadline for all of it, set here and never extended.
  void ReadHeader() {
    ++requests_on_connection_;
    request_deadline_ = SteadyClock::now() + RequestTimeout();
    Lowest().expires_at(request_deadline_);
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(options().max_header_bytes +
                                                options().max_target_bytes + kStartLineSlack));
    parser_->body_limit(options().max_body_bytes);
    bhttp::async_read_header(stream_, buffer_, *parser_, [self = Self()](error_code ec, size_t) {
      if (self->closed_) return;
      if (ec) return self->OnReadError(ec, /*in_header=*/true);
      self->OnHeader();
    });
  }

  void OnHeader() {
    auto& message = parser_->get();
    if (message.target().size() > options().max_target_bytes) return Refuse(414);
    size_t field_bytes = 2;  // the blank line
    for (const auto& field : message) {
      field_bytes += field.name_string().size() + field.value().size() + 4;
    }
    if (field_bytes > options().max_header_bytes) return Refuse(431);

    // Smuggling: Beast 1.74 takes "Transfer-Encoding: gzip" as a body-less request and would
    // read what follows as the next one. Only a lone "chunked" on HTTP/1.1 is accepted.
    const size_t te_count = message.count(bhttp::field::transfer_encoding);
    if (te_count > 0) {
      const auto te = message[bhttp::field::transfer_encoding];
      if (message.version() < 11 || te_count > 1 ||
          message.count(bhttp::field::content_length) > 0 ||
          !internal::EqualsIgnoreCase(internal::TrimOws(std::string_view(te.data(), te.size())),
                                      "chunked")) {
        return Refuse(400);
      }
    }

    FillHead();
    uint64_t limit = options().max_body_bytes;
    if (options().body_limit) limit = std::min(limit, options().body_limit(head_));
    // Beast checks Content-Length against the limit set before the header only; a lower
    // limit set now would not be enforced, so compare here.
    const auto content_length = parser_->content_length();
    if (content_length && *content_length > limit) return Refuse(413);
    if (parser_->chunked()) parser_->body_limit(limit);  // enforced per chunk
    if (parser_->is_done()) return OnRequest();

    // A client that sent "Expect: 100-continue" waits for a go-ahead before its body (curl
    // for larger POSTs); it gets one now that the limits have passed.
    const auto expect = message[bhttp::field::expect];
    if (!internal::EqualsIgnoreCase(std::string_view(expect.data(), expect.size()),
                                    "100-continue")) {
      return ReadBody();
    }
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    Lowest().expires_after(WriteTimeout());
    net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                     [self = Self()](error_code ec, size_t) {
                       if (self->closed_) return;
                       if (ec) return self->OnWriteError(ec);
                       self->ReadBody();
                     });
  }

  void ReadBody() {
    Lowest().expires_at(request_deadline_);  // the request's deadline, not a fresh one
    bhttp::async_read(stream_, buffer_, *parser_, [self = Self()](error_code ec, size_t) {
      if (self->closed_) return;
      if (ec) return self->OnReadError(ec, /*in_header=*/false);
      self->OnRequest();
    });
  }

  void OnReadError(error_code ec, bool in_header) {
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      return Refuse(in_header && TargetTooLong() ? 414 : 431);
    }
    if (ec == bhttp::error::body_limit) return Refuse(413);
    if (ec == beast::error::timeout) {
      ++shared_->rejected_deadline;
      return Close();
    }
    if (ec == bhttp::error::partial_message || ec == bhttp::error::end_of_stream) return Close();
    // Anything else from the parser is a request that does not parse; the connection can no
    // longer be trusted to frame the next one. Socket and TLS errors just end the connection.
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) {
      return Refuse(400);
    }
    Close();
  }

  // Whether the request being read has a target over the limit, judged from what arrived.
  bool TargetTooLong() {
    const auto parsed = parser_->get().target();
    if (!parsed.empty()) return parsed.size() > options().max_target_bytes;
    // The start line is not parsed yet, so it is still in the buffer, complete or not.
    const auto data = buffer_.data();
    const std::string_view text(static_cast<const char*>(data.data()), data.size());
    const size_t eol = text.find("\r\n");
    const std::string_view line = text.substr(0, eol);
    const size_t first_space = line.find(' ');
    if (first_space == std::string_view::npos) return line.size() > options().max_target_bytes;
    std::string_view target = line.substr(first_space + 1);
    if (eol != std::string_view::npos) target = target.substr(0, target.rfind(' '));
    return target.size() > options().max_target_bytes;
  }

  void FillHead() {
    auto& message = parser_->get();
    head_ = RequestHead{};
    head_.method = std::string(message.method_string());
    head_.target = std::string(message.target());
    const size_t question = head_.target.find('?');
    head_.path = head_.target.substr(0, question);
    if (question != std::string::npos) head_.query = head_.target.substr(question + 1);
    head_.version = static_cast<int>(message.version());
    for (const auto& field : message) {
      head_.headers.push_back(
          http::Header{std::string(field.name_string()), std::string(field.value())});
    }
    head_.peer_address = peer_;
    head_.peer_port = peer_port_;
    head_.tls = kTls;
    head_.connection_id = id_;
    head_.request_on_connection = requests_on_connection_;
  }

  // Counts a request that will be answered, whether by the handler or by the server.
  int BeginAnswer() {
    in_flight_ = true;
    ++shared_->requests;
    const int in_flight = ++shared_->requests_in_flight;
    RaiseMax(shared_->max_requests_in_flight, in_flight);
    Lowest().expires_never();
    return in_flight;
  }

  // Answers a request the server will not hand to the handler, and closes the connection.
  void Refuse(int status) {
    switch (status) {
      case 400:
        ++shared_->rejected_bad_request;
        break;
      case 413:
        ++shared_->rejected_body_too_large;
        break;
      case 414:
        ++shared_->rejected_target_too_long;
        break;
      case 431:
        ++shared_->rejected_header_too_large;
        break;
      default:
        break;
    }
    idle_ = false;
    head_method_ = false;
    client_keep_alive_ = false;
    client_version_ = 11;
    BeginAnswer();
    Response response = TextResponse(status, std::string(ReasonPhrase(status)) + "\n");
    response.keep_alive = false;
    Begin(std::move(response));
  }

  void OnRequest() {
    Request request;
    static_cast<RequestHead&>(request) = std::move(head_);
    request.body = std::move(parser_->get().body());
    request.arrival = SteadyClock::now();
    request.connections_open = shared_->connections_open.load();
    request.requests_in_flight = BeginAnswer();
    head_method_ = request.method == "HEAD";
    client_keep_alive_ = parser_->get().keep_alive();
    client_version_ = request.version;

    if (shared_->stopping) {
      ++shared_->rejected_stopping;
      Response response = TextResponse(503, "The server is shutting down.\n");
      response.keep_alive = false;
      return Begin(std::move(response));
    }
    if (options().handlers_on_io_thread) return Begin(CallHandler(shared_->handler, request));

    std::function<void()> task = [self = Self(), request = std::move(request)]() mutable {
      std::optional<Response> response;
      if (!self->closed_) response = CallHandler(self->shared_->handler, request);
      net::io_context& ioc = self->shared_->ioc;
      // The reference goes back to the io thread, where the session must be destroyed.
      net::post(ioc, [self = std::move(self), response = std::move(response)]() mutable {
        if (response) self->Begin(std::move(*response));
      });
    };
    if (!shared_->pool->TryPost(task)) {
      ++shared_->rejected_queue_full;
      Response response = TextResponse(503, "Busy; retry later.\n");
      response.headers.push_back({"Retry-After", std::to_string(options().retry_after_seconds)});
      Begin(std::move(response));
    }
  }

  // Starts writing `response`, the answer to the request in flight.
  void Begin(Response response) {
    response_ = std::move(response);
    if (closed_) return Complete(/*complete=*/false);
    keep_alive_ = client_keep_alive_ && response_.keep_alive && !shared_->stopping;
    const int status = response_.status;
    bodiless_status_ = (status >= 100 && status < 200) || status == 204 || status == 304;
    no_body_ = head_method_ || bodiless_status_;
    sent_ = 0;
    if (response_.body_source) {
      chunked_ = !response_.body_length && !bodiless_status_ && client_version_ >= 11;
      // HTTP/1.0 without a length: the body ends when the connection does.
      if (!response_.body_length && !chunked_ && !no_body_) keep_alive_ = false;
      header_pending_ = true;
      return AskSource();
    }
    chunked_ = false;
    BuildHeader(response_.body.size());
    std::array<net::const_buffer, 2> buffers = {
        net::buffer(header_), no_body_ ? net::const_buffer() : net::buffer(response_.body)};
    Lowest().expires_after(WriteTimeout());
    net::async_write(stream_, buffers, [self = Self()](error_code ec, size_t) {
      if (self->closed_) return;
      if (ec) return self->OnWriteError(ec);
      self->sent_ = self->no_body_ ? 0 : self->response_.body.size();
      self->AfterResponse();
    });
  }

  void BuildHeader(std::optional<uint64_t> length) {
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
    if (!options().server_name.empty()) add("Server", options().server_name);
    for (const http::Header& h : response_.headers) {
      if (h.name.empty() || h.name.find_first_of("\r\n: \t") != std::string::npos ||
          h.value.find_first_of("\r\n") != std::string::npos) {
        continue;
      }
      if (internal::EqualsIgnoreCase(h.name, "Content-Length") ||
          internal::EqualsIgnoreCase(h.name, "Transfer-Encoding") ||
          internal::EqualsIgnoreCase(h.name, "Connection")) {
        continue;
      }
      add(h.name, h.value);
    }
    if (!bodiless_status_) {
      if (chunked_) {
        add("Transfer-Encoding", "chunked");
      } else if (length) {
        add("Content-Length", std::to_string(*length));
      }
    }
    if (!keep_alive_) {
      add("Connection", "close");
    } else if (client_version_ == 10) {
      add("Connection", "keep-alive");
    }
    header_ += "\r\n";
  }

  // ---- Streamed bodies ----

  void AskSource() {
    if (closed_) return;
    // No operation is pending while the source works, so the session keeps itself alive;
    // the sink holds only a weak reference, so a sink kept after the connection is gone
    // keeps nothing alive.
    waiting_for_sink_ = shared_from_this();
    auto rep = std::make_shared<SinkRep>(shared_, weak_from_this(), generation_);
    try {
      response_.body_source->Next(options().write_chunk_bytes,
                                  BodySinkAccess::Make(std::move(rep)));
    } catch (...) {
      // The sink went with the exception, and its destructor asked for an abort.
    }
  }

  void WritePiece(std::string data) {
    bool overflow = false;
    if (no_body_) {
      data.clear();
    } else if (response_.body_length && data.size() > *response_.body_length - sent_) {
      data.resize(static_cast<size_t>(*response_.body_length - sent_));
      overflow = true;
    }
    if (data.empty() && !header_pending_) return overflow ? EndShort() : AskSource();
    piece_ = std::move(data);
    std::array<net::const_buffer, 4> buffers{};  // unused entries write nothing
    size_t count = 0;
    if (header_pending_) {
      BuildHeader(response_.body_length);
      header_pending_ = false;
      buffers[count++] = net::buffer(header_);
    }
    if (!piece_.empty()) {
      if (chunked_) {
        char size_line[24];
        const int len = std::snprintf(size_line, sizeof(size_line), "%zx\r\n", piece_.size());
        chunk_prefix_.assign(size_line, static_cast<size_t>(len));
        buffers[count++] = net::buffer(chunk_prefix_);
        buffers[count++] = net::buffer(piece_);
        buffers[count++] = net::buffer("\r\n", 2);
      } else {
        buffers[count++] = net::buffer(piece_);
      }
    }
    Lowest().expires_after(WriteTimeout());
    net::async_write(stream_, buffers, [self = Self(), overflow](error_code ec, size_t) {
      if (self->closed_) return;
      if (ec) return self->OnWriteError(ec);
      self->sent_ += self->piece_.size();
      self->piece_.clear();
      if (overflow) return self->EndShort();
      self->AskSource();
    });
  }

  void FinishStream() {
    const bool short_body = !no_body_ && response_.body_length && sent_ < *response_.body_length;
    std::array<net::const_buffer, 2> buffers{};
    if (header_pending_) {
      BuildHeader(response_.body_length);
      header_pending_ = false;
      buffers[0] = net::buffer(header_);
    }
    if (chunked_ && !no_body_) buffers[1] = net::buffer("0\r\n\r\n", 5);
    if (buffers[0].size() + buffers[1].size() == 0) {
      return short_body ? EndShort() : AfterResponse();
    }
    Lowest().expires_after(WriteTimeout());
    net::async_write(stream_, buffers, [self = Self(), short_body](error_code ec, size_t) {
      if (self->closed_) return;
      if (ec) return self->OnWriteError(ec);
      if (short_body) return self->EndShort();
      self->AfterResponse();
    });
  }

  // The body announced more than the source gave (or less than it tried to): the client can
  // only tell by the connection closing.
  void EndShort() {
    Complete(/*complete=*/false);
    CloseGracefully();
  }

  // ---- After the answer ----

  void OnWriteError(error_code ec) {
    if (ec == beast::error::timeout) ++shared_->rejected_deadline;
    Complete(/*complete=*/false);
    Close();
  }

  void AfterResponse() {
    Complete(/*complete=*/true);
    if (keep_alive_ && !shared_->stopping) return WaitForRequest();
    CloseGracefully();
  }

  // Sends FIN (TLS: close_notify), then reads and discards until the peer closes too or
  // kCloseLinger passes, then closes.
  void CloseGracefully() {
    if (closed_ || closing_) return;
    closing_ = true;
    if constexpr (kTls) {
      Lowest().expires_after(kCloseLinger);
      stream_.async_shutdown([self = Self()](error_code) { self->Close(); });
    } else {
      error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      if (ec) return Close();
      stream_.expires_after(kCloseLinger);
      Drain();
    }
  }

  void Drain() {
    Lowest().async_read_some(net::buffer(drain_), [self = Self()](error_code ec, size_t) {
      if (self->closed_) return;
      if (ec) return self->Close();
      self->Drain();
    });
  }

  // Ends the request in flight once: counters, then the response's on_complete.
  void Complete(bool complete) {
    if (!in_flight_) return;
    in_flight_ = false;
    --shared_->requests_in_flight;
    auto callback = std::move(response_.on_complete);
    response_ = Response{};  // frees the body and the source now, not at the next request
    if (callback) callback(Completion{id_, requests_on_connection_, sent_, complete});
  }

  Stream stream_;
  net::steady_timer timer_;  // BodySink::Pause
  beast::flat_buffer buffer_{kReadBufferBytes};
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  const std::shared_ptr<Shared> shared_;
  const uint64_t id_;
  const std::string peer_;
  const uint16_t peer_port_;
  const Refusal refusal_;
  std::string refusal_text_;

  std::atomic<bool> closed_{false};
  bool closing_ = false;
  bool idle_ = false;  // waiting for the first byte of a request
  uint64_t requests_on_connection_ = 0;
  SteadyClock::time_point request_deadline_;
  RequestHead head_;

  // The answer in flight.
  bool in_flight_ = false;
  bool head_method_ = false;
  bool client_keep_alive_ = true;
  int client_version_ = 11;
  Response response_;
  bool keep_alive_ = true;
  bool bodiless_status_ = false;
  bool no_body_ = false;
  bool chunked_ = false;
  bool header_pending_ = false;
  uint64_t sent_ = 0;
  uint64_t generation_ = 0;                        // of the one sink that may act now
  std::shared_ptr<SessionBase> waiting_for_sink_;  // set while a sink is out
  std::string header_;
  std::string chunk_prefix_;
  std::string piece_;
  std::array<char, 4096> drain_;
};

}  // namespace

Status Validate(const ServerOptions& options) {
  auto invalid = [](std::string_view field, std::string_view detail) {
    return Status::InvalidArgument("ServerOptions." + std::string(field), detail);
  };
  error_code ec;
  net::ip::make_address(options.address, ec);
  if (ec) return invalid("address", "not an IP address: " + options.address);
  if (options.tls.certificate_file.empty() != options.tls.private_key_file.empty()) {
    return invalid("tls", "name both certificate_file and private_key_file, or neither");
  }
  if (!options.handlers_on_io_thread && options.worker_threads <= 0) {
    return invalid("worker_threads", "must be > 0");
  }
  if (options.max_queued_requests <= 0) return invalid("max_queued_requests", "must be > 0");
  if (options.retry_after_seconds < 0) return invalid("retry_after_seconds", "must be >= 0");
  if (options.max_header_bytes == 0 || options.max_header_bytes > kReadBufferBytes) {
    return invalid("max_header_bytes", "must be 1..16384");
  }
  if (options.max_target_bytes == 0 || options.max_target_bytes > kReadBufferBytes) {
    return invalid("max_target_bytes", "must be 1..16384");
  }
  if (options.max_body_bytes == 0) return invalid("max_body_bytes", "must be > 0");
  if (options.request_timeout_ms <= 0) return invalid("request_timeout_ms", "must be > 0");
  if (options.idle_timeout_ms <= 0) return invalid("idle_timeout_ms", "must be > 0");
  if (options.write_timeout_ms <= 0) return invalid("write_timeout_ms", "must be > 0");
  if (options.max_connections <= 0) return invalid("max_connections", "must be > 0");
  if (options.max_connections_per_ip <= 0) {
    return invalid("max_connections_per_ip", "must be > 0");
  }
  if (options.write_chunk_bytes == 0) return invalid("write_chunk_bytes", "must be > 0");
  return Status::OK();
}

struct Server::Impl {
  explicit Impl(std::shared_ptr<Shared> s)
      : shared(std::move(s)),
        acceptor(shared->ioc),
        accept_retry(shared->ioc),
        drain_timer(shared->ioc) {}

  // First, so it is destroyed last: the io objects below belong to its io_context.
  std::shared_ptr<Shared> shared;
  tcp::acceptor acceptor;
  net::steady_timer accept_retry;
  net::steady_timer drain_timer;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::string address;
  uint16_t port = 0;
  std::thread thread;
  std::once_flag stop_once;
  std::promise<void> closed;  // set on the io thread once every connection is closed
  bool closed_set = false;

  void DoAccept() {
    acceptor.async_accept(
        [this](error_code ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
  }

  void OnAccept(error_code ec, tcp::socket socket) {
    if (shared->stopping || !acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors (EMFILE) and the like: the listening socket stays readable, so
      // accepting again at once would spin. Wait, then try again.
      ++shared->accept_errors;
      accept_retry.expires_after(kAcceptRetryDelay);
      accept_retry.async_wait([this](error_code wait_ec) {
        if (!wait_ec && !shared->stopping) DoAccept();
      });
      return;
    }
    error_code endpoint_ec;
    const tcp::endpoint remote = socket.remote_endpoint(endpoint_ec);
    if (endpoint_ec) return DoAccept();  // gone already; the socket closes here
    error_code option_ec;
    socket.set_option(tcp::no_delay(true), option_ec);
    std::string peer = AddressText(remote.address());
    const uint64_t id = ++shared->connections_accepted;

    Refusal refusal = Refusal::kNone;
    const auto per_ip = shared->connections_per_ip.find(peer);
    if (shared->connections_open >= shared->options.max_connections) {
      refusal = Refusal::kConnectionCap;
      ++shared->rejected_connection_cap;
    } else if (per_ip != shared->connections_per_ip.end() &&
               per_ip->second >= shared->options.max_connections_per_ip) {
      refusal = Refusal::kIpCap;
      ++shared->rejected_ip_cap;
    }
    std::shared_ptr<SessionBase> session;
    if (shared->tls) {
      session = std::make_shared<Session<true>>(std::move(socket), shared, id, std::move(peer),
                                                remote.port(), refusal);
    } else {
      session = std::make_shared<Session<false>>(std::move(socket), shared, id, std::move(peer),
                                                 remote.port(), refusal);
    }
    shared->sessions[id] = session;
    session->Start();
    DoAccept();
  }

  std::vector<std::shared_ptr<SessionBase>> LiveSessions() {
    std::vector<std::shared_ptr<SessionBase>> alive;
    for (auto& [id, weak] : shared->sessions) {
      if (auto session = weak.lock()) alive.push_back(std::move(session));
    }
    return alive;
  }

  void BeginStop(milliseconds grace) {
    shared->stopping = true;
    error_code ec;
    acceptor.close(ec);
    accept_retry.cancel();
    for (auto& session : LiveSessions()) session->OnServerStopping();
    if (grace <= milliseconds(0) || shared->sessions.empty()) return FinishStop();
    shared->on_sessions_gone = [this] { drain_timer.cancel(); };
    drain_timer.expires_after(grace);
    drain_timer.async_wait([this](error_code) { FinishStop(); });
  }

  void FinishStop() {
    if (closed_set) return;
    closed_set = true;
    shared->on_sessions_gone = nullptr;
    for (auto& session : LiveSessions()) session->Close();
    closed.set_value();
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(); }

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, Handler handler) {
  ADWATCH_RETURN_IF_ERROR(Validate(options));
  if (!handler) return Status::InvalidArgument("Server::Start", "empty handler");

  auto shared = std::make_shared<Shared>(options, std::move(handler));
  error_code ec;
  if (!options.tls.certificate_file.empty()) {
    shared->tls = std::make_unique<ssl::context>(ssl::context::tls_server);
    ssl::context& tls = *shared->tls;
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                        ssl::context::single_dh_use,
                    ec);
    if (ec) return Status::Internal("TLS options", ec.message());
    tls.use_certificate_chain_file(options.tls.certificate_file, ec);
    if (ec) return Status::IOError("TLS certificate " + options.tls.certificate_file, ec.message());
    tls.use_private_key_file(options.tls.private_key_file, ssl::context::pem, ec);
    if (ec) return Status::IOError("TLS private key " + options.tls.private_key_file, ec.message());
    if (SSL_CTX_check_private_key(tls.native_handle()) != 1) {
      return Status::InvalidArgument("TLS private key " + options.tls.private_key_file,
                                     "does not match the certificate");
    }
  }

  auto impl = std::make_unique<Impl>(shared);
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

  if (!options.handlers_on_io_thread) {
    auto pool = internal::WorkerPool::Start(options.worker_threads, options.max_queued_requests);
    if (!pool) return pool.error();
    shared->pool = std::move(pool.value());
  }
  impl->work.emplace(net::make_work_guard(shared->ioc));
  impl->DoAccept();
  try {
    Impl* raw = impl.get();
    impl->thread = std::thread([raw] { raw->shared->ioc.run(); });
  } catch (const std::system_error& e) {
    if (shared->pool) shared->pool->Stop();
    return Status::Internal("http io thread", e.what());
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

uint16_t Server::port() const { return impl_->port; }

const std::string& Server::address() const { return impl_->address; }

std::string Server::base_url() const {
  const bool v6 = impl_->address.find(':') != std::string::npos;
  return std::string(impl_->shared->tls ? "https://" : "http://") +
         (v6 ? "[" + impl_->address + "]" : impl_->address) + ":" + std::to_string(impl_->port);
}

void Server::Stop(milliseconds grace) {
  Impl* impl = impl_.get();
  std::call_once(impl->stop_once, [impl, grace] {
    assert(std::this_thread::get_id() != impl->thread.get_id());
    std::future<void> closed = impl->closed.get_future();
    net::post(impl->shared->ioc, [impl, grace] { impl->BeginStop(grace); });
    closed.wait();
    // Handlers still running finish (their answers are dropped); queued ones see their
    // connection closed and are skipped.
    if (impl->shared->pool) impl->shared->pool->Stop();
    impl->work.reset();
    if (impl->thread.joinable()) impl->thread.join();
  });
}

void Server::ResetMaxima() {
  Shared& s = *impl_->shared;
  s.max_connections_open.store(s.connections_open.load());
  s.max_requests_in_flight.store(s.requests_in_flight.load());
}

ServerStats Server::stats() const {
  const Shared& s = *impl_->shared;
  ServerStats stats;
  stats.connections_accepted = s.connections_accepted.load();
  stats.connections_open = s.connections_open.load();
  stats.max_connections_open = s.max_connections_open.load();
  stats.requests = s.requests.load();
  stats.requests_in_flight = s.requests_in_flight.load();
  stats.max_requests_in_flight = s.max_requests_in_flight.load();
  stats.queued_requests = s.pool ? s.pool->queued() : 0;
  stats.rejected_connection_cap = s.rejected_connection_cap.load();
  stats.rejected_ip_cap = s.rejected_ip_cap.load();
  stats.rejected_body_too_large = s.rejected_body_too_large.load();
  stats.rejected_target_too_long = s.rejected_target_too_long.load();
  stats.rejected_header_too_large = s.rejected_header_too_large.load();
  stats.rejected_bad_request = s.rejected_bad_request.load();
  stats.rejected_queue_full = s.rejected_queue_full.load();
  stats.rejected_stopping = s.rejected_stopping.load();
  stats.rejected_deadline = s.rejected_deadline.load();
  stats.idle_closes = s.idle_closes.load();
  stats.accept_errors = s.accept_errors.load();
  stats.tls_handshake_failures = s.tls_handshake_failures.load();
  return stats;
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

}  // namespace adwatch::http
