// The plain data of adwatch's HTTP server core (server.h): a request as a handler sees it, the
// response it describes, and the one extension point for bodies that are produced over time
// (BodySource). Also the small HTTP helpers every user of the core needs: reason phrases, HTTP
// dates and conditional GETs. Plain values and pure functions; thread-safe, except BodySink
// whose rules are stated below.
#ifndef ADWATCH_HTTP_MESSAGE_H_
#define ADWATCH_HTTP_MESSAGE_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adwatch::http {

// One header line, as received or as to be sent. Names compare case-insensitively.
struct Header {
  std::string name;
  std::string value;
};

// Everything known about a request once its header has been read, before its body: what
// ServerOptions::body_limit decides on. All strings are owned copies.
struct RequestHead {
  // "GET", "HEAD", "POST", ... as sent.
  std::string method;
  // The request-target exactly as sent, e.g. "/a/b%20c?x=1". Not decoded.
  std::string target;
  // `target` up to the first '?' ("/a/b%20c"), and what follows it ("x=1", or "").
  std::string path;
  std::string query;
  // 11 for HTTP/1.1, 10 for HTTP/1.0.
  int version = 11;
  // Every header line in arrival order. (Qualified: Header() below is a member.)
  std::vector<http::Header> headers;

  // The client's address ("127.0.0.1", "::1") and port, as the socket reports them.
  std::string peer_address;
  uint16_t peer_port = 0;
  // True when the request came over TLS.
  bool tls = false;
  // The connection this request came on: ids count up from 1 per server in accept order.
  uint64_t connection_id = 0;
  // 1 for the first request on its connection, 2 for the second (keep-alive), ...
  uint64_t request_on_connection = 0;

  // Returns the value of the first header named `name` (ASCII case-insensitive), or an empty
  // view when there is none. The view points into this object.
  std::string_view Header(std::string_view name) const;
};

// A whole request as the handler sees it.
struct Request : RequestHead {
  // The request body, at most the body limit chosen for it (ServerOptions::body_limit).
  std::string body;
  // When the server finished reading the request (steady clock).
  std::chrono::steady_clock::time_point arrival;
  // Connections open when the request was read, this one included.
  int connections_open = 0;
  // Requests being answered when the request was read, this one included. Unlike
  // connections_open this does not count idle keep-alive connections.
  int requests_in_flight = 0;
};

// How a BodySink ends a connection early.
enum class AbortMode {
  kClose,  // FIN: an orderly close. Before the header, the client sees a close without answer.
  kReset,  // TCP reset (RST): the client sees "connection reset".
};

// The server's side of one streamed response, handed to BodySource::Next for one piece.
// Exactly one of Write, Pause, Finish or Abort must be called, once, now or later, from any
// thread; the server then acts on the io thread. A sink destroyed without a call acts as
// Abort(AbortMode::kClose), so a forgotten sink never leaves a connection hanging. Calls after
// the first, and calls after the connection has gone (client away, Server::Stop), are ignored.
// Move-only.
class BodySink {
 public:
  BodySink(BodySink&& other) noexcept;
  BodySink& operator=(BodySink&& other) noexcept;
  BodySink(const BodySink&) = delete;
  BodySink& operator=(const BodySink&) = delete;
  ~BodySink();

  // Sends `data` as the next piece of the body (the status line and header go out in front of
  // the first piece), then asks the source for the next piece once it is written. An empty
  // `data` sends only the status line and header, if they are still to go, and asks again.
  // Data beyond an announced Response::body_length is not sent; the connection closes after
  // the announced bytes instead.
  void Write(std::string data);
  // Sends nothing now and asks the source again after `delay`. Before the first piece this
  // holds back the status line: a late answer.
  void Pause(std::chrono::milliseconds delay);
  // The body is complete. When Response::body_length announced more than was written, the
  // connection closes (the client sees a truncated body) and the response counts as incomplete.
  void Finish();
  // Ends the response and the connection now (see AbortMode); the response is incomplete.
  void Abort(AbortMode mode);

 private:
  struct Rep;  // the server's connection behind the sink (src/body_sink.h)
  friend struct BodySinkAccess;
  explicit BodySink(std::shared_ptr<Rep> rep);
  std::shared_ptr<Rep> rep_;
};

// A response body produced over time rather than held in memory: a 50 MB export streamed from
// disk, an evidence archive read from the store piece by piece, a body paced on purpose, an
// answer that may be abandoned part-way. The server asks for one piece, writes it, and only
// then asks for the next, so a streamed response holds one piece in memory whatever its size.
//
// Next runs on the server's io thread and must not block or throw: a source that has to wait
// (disk, database) hands `sink` to a thread of its own and calls it from there. While a sink is
// out no deadline runs, so a source that never answers holds its connection until
// Server::Stop. The source object is used by one response only and destroyed after the
// response ends.
class BodySource {
 public:
  virtual ~BodySource() = default;
  // Asks for the next piece, which should be at most `max_bytes` bytes
  // (ServerOptions::write_chunk_bytes). Answer through `sink` (see BodySink).
  virtual void Next(size_t max_bytes, BodySink sink) = 0;
};

// What happened to a response; handed to Response::on_complete.
struct Completion {
  // The connection and request it belongs to (as in RequestHead).
  uint64_t connection_id = 0;
  uint64_t request_on_connection = 0;
  // Body bytes written to the socket (excluding chunk framing).
  uint64_t body_bytes_sent = 0;
  // True when the whole response was written; false when the client went away, a deadline
  // passed, the server stopped, or a BodySource aborted or fell short.
  bool complete = false;
};

// A response description. The defaults give a 200 with an empty body on a kept-alive
// connection. The server adds Content-Length (or Transfer-Encoding: chunked) and, when the
// connection is to close, Connection: close; those names in `headers` are dropped.
struct Response {
  // Any value 100-999; the reason phrase is the standard one when there is one.
  int status = 200;
  // Sent in this order. Lines with CR or LF in them are dropped.
  std::vector<Header> headers;

  // The body, when `body_source` is empty. Not sent for HEAD requests, 1xx, 204 and 304
  // answers (Content-Length still announces its size for HEAD).
  std::string body;

  // A body produced in pieces (see BodySource); when set, `body` is ignored. The server asks
  // it for pieces until it finishes or aborts, also for HEAD and bodiless statuses (where the
  // data is discarded), so its pauses and aborts apply to every answer.
  std::shared_ptr<BodySource> body_source;
  // The length announced for `body_source` as Content-Length. nullopt sends the body chunked
  // (HTTP/1.1) or until the connection closes (HTTP/1.0).
  std::optional<uint64_t> body_length;

  // False closes the connection after this response (and sends Connection: close). The
  // connection also closes when the client asked for it or the server is stopping.
  bool keep_alive = true;

  // Called once on the io thread when the response is finished or abandoned. Must not throw
  // or block.
  std::function<void(const Completion&)> on_complete;
};

// The standard reason phrase for `status` ("Not Found"), or "" for a code without one.
std::string_view ReasonPhrase(int status);

// Formats `unix_seconds` as an HTTP date (IMF-fixdate): "Sun, 06 Nov 1994 08:49:37 GMT".
std::string FormatHttpDate(int64_t unix_seconds);

// Parses an HTTP date in IMF-fixdate form. Returns the Unix seconds, or nullopt when `text` is
// not such a date.
std::optional<int64_t> ParseHttpDate(std::string_view text);

// Evaluates a conditional GET: true when `request` has an If-None-Match listing `etag` (weak
// comparison) or "*"; or, when it has no If-None-Match, an If-Modified-Since (IMF-fixdate) not
// older than `last_modified_unix_seconds`. False otherwise, also when the validator the
// request names is absent (empty `etag`, nullopt time).
bool IsNotModified(const RequestHead& request, std::string_view etag,
                   std::optional<int64_t> last_modified_unix_seconds);

}  // namespace adwatch::http

#endif  // ADWATCH_HTTP_MESSAGE_H_
