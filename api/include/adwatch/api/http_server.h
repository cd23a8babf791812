// HttpServer: a small HTTP/1.1 server on its own thread, the plumbing under adwatch's servers
// (the static demo site, the crawler's loopback test server, the API). It owns the listener, the
// keep-alive connections and a graceful stop; what to answer is a plain function, HttpHandler,
// that turns an HttpRequest into an HttpResponse *description*. Besides an ordinary answer, a
// description can ask for a delay before the status line, a body written in timed pieces, a body
// generated piece by piece (never held in memory), a connection closed mid-body, or a connection
// reset — all without blocking other connections.
//
// Thread safety: Start, Stop, port(), address(), base_url() and stats() may be called from any
// thread. The handler runs on the server thread, one request at a time.
//
// Usage:
//   auto server = adwatch::api::HttpServer::Start({.port = 0},
//       [](const adwatch::api::HttpRequest& request) {
//         adwatch::api::HttpResponse response;
//         response.headers.push_back({"Content-Type", "text/plain"});
//         response.body = "hello " + request.path;
//         return response;
//       });
//   if (!server) return server.error();        // bad address, port taken
//   Fetch((*server)->base_url() + "/x");        // "http://127.0.0.1:<port>/x"
//   (*server)->Stop();                          // also done by the destructor
#ifndef ADWATCH_API_HTTP_SERVER_H_
#define ADWATCH_API_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/common/status.h"

namespace adwatch::api {

// One header line, as received or as to be sent. Names compare case-insensitively.
struct HttpHeader {
  std::string name;
  std::string value;
};

// One request as the handler sees it: the parsed message plus what the server knows about the
// connection it came on. All strings are owned copies.
struct HttpRequest {
  // "GET", "HEAD", "POST", ... as sent.
  std::string method;
  // The request-target exactly as sent, e.g. "/a/b%20c?x=1". Not decoded.
  std::string target;
  // `target` up to the first '?' ("/a/b%20c"), and what follows it ("x=1", or "").
  std::string path;
  std::string query;
  // 11 for HTTP/1.1, 10 for HTTP/1.0.
  int version = 11;
  // Every header line in arrival order.
  std::vector<HttpHeader> headers;
  // The request body (bounded by HttpServerOptions::max_request_body_bytes).
  std::string body;

  // The connection this request came on: ids count up from 1 per server in accept order.
  uint64_t connection_id = 0;
  // 1 for the first request on its connection, 2 for the second (keep-alive), ...
  uint64_t request_on_connection = 0;
  // Connections open when the request was read, this one included.
  int connections_open = 0;
  // Requests being answered when the request was read, this one included. Unlike
  // connections_open this does not count idle keep-alive connections.
  int requests_in_flight = 0;
  // When the server finished reading the request (steady clock).
  std::chrono::steady_clock::time_point arrival;

  // Returns the value of the first header named `name` (ASCII case-insensitive), or an empty
  // view when there is none. The view points into this request.
  std::string_view Header(std::string_view name) const;
};

// Writes `size` bytes of a generated body starting at byte `offset` of the body into `out`.
// REQUIRES: size > 0. Must write exactly `size` bytes and must not throw. Called on the server
// thread; it may be called again for later offsets until the body is complete or the
// connection is gone.
using BodyGenerator = std::function<void(uint64_t offset, char* out, size_t size)>;

// What to do with a request.
enum class HttpAction {
  kRespond,  // Send the response described by HttpResponse.
  kReset,    // After `delay_ms`, abort the connection with a TCP reset; nothing is sent.
  kClose,    // After `delay_ms`, close the connection (FIN) without sending anything.
};

// What happened to a response; handed to HttpResponse::on_complete.
struct HttpCompletion {
  // The connection and request it belongs to (as in HttpRequest).
  uint64_t connection_id = 0;
  uint64_t request_on_connection = 0;
  // Body bytes written to the socket (excluding chunk framing).
  uint64_t body_bytes_sent = 0;
  // True when everything described was written; false when the client went away, the server
  // stopped, or the description asked for a reset, a close or a truncated body.
  bool complete = false;
};

// A response description. The defaults give a 200 with an empty body on a kept-alive
// connection. The server adds Content-Length (or Transfer-Encoding: chunked) and, when the
// connection is to close, Connection: close; do not put those in `headers`.
struct HttpResponse {
  HttpAction action = HttpAction::kRespond;

  // Any value 100-999; the reason phrase is the standard one when there is one.
  int status = 200;
  // Sent in this order. Lines with CR or LF in them are dropped.
  std::vector<HttpHeader> headers;

  // The body, when `generator` is empty. Not sent for HEAD requests, 1xx, 204 and 304 answers
  // (Content-Length still announces its size for HEAD).
  std::string body;

  // A generated body: when set, `body` is ignored and the generator produces `generated_bytes`
  // bytes in pieces of at most `chunk_bytes` (or HttpServerOptions::write_chunk_bytes), so a
  // body of any size costs one piece of memory.
  BodyGenerator generator;
  uint64_t generated_bytes = 0;

  // Send the body with chunked transfer encoding (each piece one chunk) instead of announcing
  // its length with Content-Length.
  bool chunked = false;

  // Wait this long before sending the status line (other connections are not held up).
  int delay_ms = 0;
  // Write the body in pieces of this many bytes (0: `body` in one write, generated bodies in
  // pieces of HttpServerOptions::write_chunk_bytes), waiting `piece_delay_ms` before every
  // piece but the first: a trickling body.
  size_t chunk_bytes = 0;
  int piece_delay_ms = 0;

  // Announce the full body, send only this many bytes of it, then close the connection.
  std::optional<uint64_t> close_after_body_bytes;

  // False closes the connection after this response (and sends Connection: close). The
  // connection also closes when the client asked for it.
  bool keep_alive = true;

  // Called once on the server thread when the response is finished or abandoned (also for
  // kReset and kClose). Must not throw or block.
  std::function<void(const HttpCompletion&)> on_complete;
};

// Turns a request into a response description. Runs on the server thread, one request at a time,
// so it must not block (use HttpResponse::delay_ms to answer late). An exception escaping it is
// caught and answered with a 500.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  // IPv4 or IPv6 address to listen on, e.g. "127.0.0.1", "127.0.0.2", "::1". Any 127.x.y.z
  // works on Linux loopback without configuration, which lets tests run several "hosts".
  std::string address = "127.0.0.1";
  // 0 picks a free port; port() tells which.
  uint16_t port = 0;
  // A connection that sends no complete request for this long is closed: bounds idle
  // keep-alive connections and slow senders. 0 never closes.
  int idle_timeout_ms = 30'000;
  // Largest request header block and body accepted; a larger request gets a 431 or 413 and
  // the connection is closed.
  size_t max_request_header_bytes = 16 << 10;
  size_t max_request_body_bytes = 1 << 20;
  // Largest piece of a generated body written at once, so also the memory one streaming
  // response holds.
  size_t write_chunk_bytes = 64 << 10;
  // Value of the Server header; empty sends none.
  std::string server_name = "adwatch";
};

// Returns OK, or InvalidArgument naming the first bad field: an address that does not parse,
// a negative timeout, or a zero size limit.
Status Validate(const HttpServerOptions& options);

// Counters of one server since it started. Safe to read while it runs.
struct HttpServerStats {
  uint64_t connections_accepted = 0;
  int connections_open = 0;
  // The most connections that were open at the same time.
  int max_connections_open = 0;
  uint64_t requests = 0;
  int requests_in_flight = 0;
  // The most requests that were being answered at the same time.
  int max_requests_in_flight = 0;
};

class HttpServer {
 public:
  // Binds options.address:options.port, starts the server thread and returns the running
  // server. Returns InvalidArgument for bad options or an empty handler, IOError when the
  // address cannot be bound (port taken, address not local), Internal when the thread cannot
  // start.
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                   HttpHandler handler);

  // Stops the server (see Stop).
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port (never 0) and address, and "http://<address>:<port>" (IPv6 in brackets).
  uint16_t port() const;
  const std::string& address() const;
  std::string base_url() const;

  // Stops accepting, closes every connection (responses being written, delays and trickles
  // are abandoned; their on_complete sees complete == false), and waits for the server thread
  // to end. Idempotent. REQUIRES: not called from the handler or on_complete.
  void Stop();

  HttpServerStats stats() const;

  // Lowers max_connections_open and max_requests_in_flight to the current counts, so a test
  // can measure the maxima of one phase.
  void ResetMaxima();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Evaluates a conditional GET: true when `request` has an If-None-Match listing `etag` (weak
// comparison) or "*"; or, when it has no If-None-Match, an If-Modified-Since (IMF-fixdate) not
// older than `last_modified_unix_seconds`. False otherwise, also when the validator the
// request names is absent (empty `etag`, nullopt time).
bool IsNotModified(const HttpRequest& request, std::string_view etag,
                   std::optional<int64_t> last_modified_unix_seconds);

// Returns true when `address` parses as an IPv4 address in 127.0.0.0/8 or as the IPv6 loopback
// address ::1 (also in its IPv4-mapped form ::ffff:127.x.y.z).
bool IsLoopbackAddress(std::string_view address);

// The standard reason phrase for `status` ("Not Found"), or "" for a code without one.
std::string_view ReasonPhrase(int status);

// Formats `unix_seconds` as an HTTP date (IMF-fixdate): "Sun, 06 Nov 1994 08:49:37 GMT".
std::string FormatHttpDate(int64_t unix_seconds);

// Parses an HTTP date in IMF-fixdate form. Returns the Unix seconds, or nullopt when `text` is
// not such a date.
std::optional<int64_t> ParseHttpDate(std::string_view text);

}  // namespace adwatch::api

#endif  // ADWATCH_API_HTTP_SERVER_H_
