// Server: adwatch's one HTTP/1.1 server core, under the API, the demo's static site and the
// crawler tests' fault-injecting server. It owns the listener, the connections, TLS, the limits
// and deadlines that keep hostile clients from exhausting it, and a graceful stop. What to
// answer is a plain function, Handler, from a Request to a Response; it runs on a fixed worker
// pool (or, when asked, on the io thread), never inside the network code. Handlers stay
// testable without sockets.
//
// Thread safety: Start, Stop, port(), address(), base_url() and stats() may be called from any
// thread. The handler runs on the worker threads, several requests at once, so it must be
// thread-safe; with ServerOptions::handlers_on_io_thread it runs on the io thread instead, one
// request at a time, and must not block.
//
// Usage:
//   auto server = adwatch::http::Server::Start({.port = 0},
//       [](const adwatch::http::Request& request) {
//         adwatch::http::Response response;
//         response.headers.push_back({"Content-Type", "text/plain"});
//         response.body = "hello " + request.path;
//         return response;
//       });
//   if (!server) return server.error();        // bad options, port taken, unreadable key
//   Fetch((*server)->base_url() + "/x");        // "http://127.0.0.1:<port>/x"
//   (*server)->Stop(std::chrono::seconds(5));   // finish what is in flight, at most 5 s
//
// docs/http.md describes the limits, deadlines and caps, and how a BodySource streams.
#ifndef ADWATCH_HTTP_SERVER_H_
#define ADWATCH_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "adwatch/common/status.h"
#include "adwatch/http/message.h"

namespace adwatch::http {

// Turns a request into a response description. An exception escaping it is caught and
// answered with a 500 that does not echo it; handlers report errors as responses.
using Handler = std::function<Response(const Request&)>;

// Chooses the body limit of one request from its header (a per-route table, a per-role
// limit): the largest body in bytes that request may carry. Runs on the io thread; must be
// fast and must not throw. The result is capped at ServerOptions::max_body_bytes.
using BodyLimit = std::function<uint64_t(const RequestHead&)>;

// Native TLS. Both files empty: plain HTTP. Both set: HTTPS only (TLS 1.2 and later).
struct TlsOptions {
  // PEM certificate chain: the server's certificate first, then intermediates.
  std::string certificate_file;
  // PEM private key of that certificate, unencrypted.
  std::string private_key_file;
};

struct ServerOptions {
  // IPv4 or IPv6 address to listen on, e.g. "127.0.0.1", "127.0.0.2", "::1", "0.0.0.0". Any
  // 127.x.y.z works on Linux loopback without configuration, which lets tests run several
  // "hosts".
  std::string address = "127.0.0.1";
  // 0 picks a free port; port() tells which.
  uint16_t port = 0;
  TlsOptions tls;

  // ---- Where handlers run ----
  // Threads that run the handler. Handlers may block (RocksDB reads) without holding up the
  // network: the io thread only reads and writes.
  int worker_threads = 4;
  // Requests read but not yet picked up by a worker. When this many wait, a new request is
  // answered at once with 503 and Retry-After: retry_after_seconds, and the handler never sees
  // it: back-pressure instead of unbounded memory and latency.
  int max_queued_requests = 256;
  int retry_after_seconds = 1;
  // Run the handler on the io thread instead of the pool (worker_threads is then unused). For
  // handlers that never block: the static site, the test server.
  bool handlers_on_io_thread = false;

  // ---- Request limits ----
  // The request header block (start line excluded): larger gets 431 and the connection closes.
  // At most 16 KiB, the read buffer's size, which also bounds what a hostile chunk extension
  // or trailer can make the server hold.
  size_t max_header_bytes = 8 << 10;
  // The request-target: longer gets 414. At most 16 KiB.
  size_t max_target_bytes = 8 << 10;
  // The largest body any request may carry; a larger one gets 413 before its body is read (or,
  // chunked, as soon as it passes the limit).
  uint64_t max_body_bytes = 1 << 20;
  // When set, the limit of each request, chosen from its header (capped at max_body_bytes).
  BodyLimit body_limit;

  // ---- Deadlines ----
  // From the first byte of a request to its last: one deadline, set once, which a client
  // dribbling bytes cannot extend (slowloris). Then the connection closes without an answer.
  int request_timeout_ms = 10'000;
  // A kept-alive (or fresh) connection on which no request starts for this long is closed.
  int idle_timeout_ms = 5'000;
  // Each write of a response must finish within this long; a client that stops reading is
  // dropped.
  int write_timeout_ms = 10'000;

  // ---- Connection caps ----
  // Connections open at once, all clients together and per client address. A connection over
  // either cap is answered with a canned 503 and closed. The per-address cap keeps a few slow
  // clients from taking every slot from real ones.
  int max_connections = 512;
  int max_connections_per_ip = 16;

  // ---- Responses ----
  // The most a BodySource is asked for at once, so also the memory one streaming response
  // holds.
  size_t write_chunk_bytes = 64 << 10;
  // Value of the Server header; empty sends none.
  std::string server_name = "adwatch";
};

// Returns OK, or InvalidArgument naming the first bad field: an address that does not parse,
// a timeout, cap, count or size that is not positive, a header or target limit over 16 KiB,
// only one of the two TLS files.
Status Validate(const ServerOptions& options);

// Counters of one server since it started. Safe to read while it runs.
struct ServerStats {
  uint64_t connections_accepted = 0;
  int connections_open = 0;
  // The most connections that were open at the same time.
  int max_connections_open = 0;
  // Requests read in full or refused after their header (every answer counts once).
  uint64_t requests = 0;
  int requests_in_flight = 0;
  // The most requests that were being answered at the same time.
  int max_requests_in_flight = 0;
  // Requests waiting for a worker now.
  int queued_requests = 0;

  // Refusals, by reason.
  uint64_t rejected_connection_cap = 0;    // over max_connections: canned 503
  uint64_t rejected_ip_cap = 0;            // over max_connections_per_ip: canned 503
  uint64_t rejected_body_too_large = 0;    // 413
  uint64_t rejected_target_too_long = 0;   // 414
  uint64_t rejected_header_too_large = 0;  // 431 (also a read buffer overflow)
  uint64_t rejected_bad_request = 0;       // 400: unparsable, bad Transfer-Encoding
  uint64_t rejected_queue_full = 0;        // 503 + Retry-After, worker queue full
  uint64_t rejected_stopping = 0;          // 503 during a graceful Stop
  uint64_t rejected_deadline = 0;          // request or write deadline passed: closed
  // Other closes and failures worth a metric.
  uint64_t idle_closes = 0;    // idle deadline passed between requests
  uint64_t accept_errors = 0;  // accept failed (EMFILE, ...); retried after 100 ms
  uint64_t tls_handshake_failures = 0;
};

class Server {
 public:
  // Binds options.address:options.port (and loads the TLS certificate and key when named),
  // starts the io thread and the workers, and returns the running server. Returns
  // InvalidArgument for bad options or an empty handler, IOError when the address cannot be
  // bound (port taken, address not local) or a TLS file cannot be loaded, Internal when a
  // thread cannot start.
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options, Handler handler);

  // Stops the server at once (Stop()).
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (never 0) and address, and "http://<address>:<port>" ("https://" with
  // TLS; IPv6 in brackets).
  uint16_t port() const;
  const std::string& address() const;
  std::string base_url() const;

  // Stops accepting at once and closes idle connections. Requests already read (queued,
  // handled or being written) may finish until `grace` has passed; a request still arriving,
  // or arriving meanwhile on an open connection, is answered 503 with Connection: close. Then
  // every connection closes (responses still going are abandoned: on_complete sees
  // complete == false) and Stop waits for the handlers that are running to return. With the
  // default grace of 0 everything is abandoned at once. Idempotent: a second call returns
  // when the first has finished, whatever its own grace.
  // REQUIRES: not called from the handler, a BodySource or on_complete.
  void Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(0));

  ServerStats stats() const;

  // Lowers max_connections_open and max_requests_in_flight to the current counts, so a test
  // can measure the maxima of one phase.
  void ResetMaxima();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Returns true when `address` parses as an IPv4 address in 127.0.0.0/8 or as the IPv6 loopback
// address ::1 (also in its IPv4-mapped form ::ffff:127.x.y.z).
bool IsLoopbackAddress(std::string_view address);

}  // namespace adwatch::http

#endif  // ADWATCH_HTTP_SERVER_H_
