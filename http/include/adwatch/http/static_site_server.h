// StaticSiteServer: serves a folder of files over HTTP/1.1 on a loopback address, on its own
// thread — what `adwatch demo` crawls (examples/site/) and what tests use as a small web site.
// GET and HEAD only; keep-alive; Content-Type by file extension; ETag / Last-Modified with 304
// answers to If-None-Match / If-Modified-Since; 404 for missing files; 400 for any path that
// tries to leave the folder ("..", encoded dots or slashes, backslashes, NUL).
//
// Thread safety: every method may be called from any thread.
//
// Usage:
//   auto site = adwatch::http::StaticSiteServer::Start({.root = "examples/site"});
//   if (!site) return site.error();             // missing folder, non-loopback address
//   Crawl((*site)->base_url() + "/");            // "http://127.0.0.1:<port>/"
//   std::cout << (*site)->request_count();      // requests answered so far
//   (*site)->Stop();                            // also done by the destructor
#ifndef ADWATCH_HTTP_STATIC_SITE_SERVER_H_
#define ADWATCH_HTTP_STATIC_SITE_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/common/status.h"
#include "adwatch/http/message.h"
#include "adwatch/http/server.h"

namespace adwatch::http {

struct StaticSiteOptions {
  // The folder served; "/" maps to root/index.html. Must exist.
  std::string root;
  // A loopback address (127.x.y.z or ::1): the server is for demos and tests, never for the
  // network. Port 0 picks a free port.
  std::string address = "127.0.0.1";
  uint16_t port = 0;
  // File answered for a folder: "/lowongan/" and "/lowongan" both serve lowongan/index.html
  // (no redirect, so links in served pages should be root-relative).
  std::string index_file = "index.html";
  // Query variants: a request "/s/chan?before=20" for file s/chan/index.html is answered with
  // s/chan/index@before=20.html when that file exists (the query, verbatim after decoding, is
  // put between the file's stem and extension), else with the file itself. Lets a static site
  // hold pages that real sites tell apart by query (Telegram's "?before=" paging). Queries
  // with characters other than letters, digits and "=&-_." never select a variant.
  bool query_variants = true;
  // Files larger than this are answered with 500 rather than read into memory.
  size_t max_file_bytes = 16 << 20;
  // Requests kept in the log (the oldest are dropped first); request_count() counts them all.
  size_t max_log_entries = 10'000;
  // Idle keep-alive connections are closed after this long.
  int idle_timeout_ms = 30'000;
  // Connections open at once from one client address. Every client of a loopback server
  // shares 127.0.0.1, so this is higher than a public server's.
  int max_connections_per_ip = 256;
};

// Returns OK, or InvalidArgument naming the first bad field: an empty or missing root, a root
// that is not a folder, an empty index_file or one with a '/' in it, a non-loopback address,
// a limit or timeout that is not positive.
Status Validate(const StaticSiteOptions& options);

// One answered request, as kept in the log.
struct StaticRequestRecord {
  std::string method;
  std::string target;  // as sent, e.g. "/lowongan/?page=2"
  int status = 0;
  uint64_t body_bytes = 0;  // size of the body answered (0 for HEAD and 304)
  uint64_t connection_id = 0;
  std::string user_agent;
  std::chrono::steady_clock::time_point arrival;
};

class StaticSiteServer {
 public:
  // Starts serving options.root. Returns the running server, or Validate's InvalidArgument, or
  // Server::Start's IOError (address cannot be bound) / Internal.
  static Result<std::unique_ptr<StaticSiteServer>> Start(const StaticSiteOptions& options);

  // Stops the server (see Stop).
  ~StaticSiteServer();
  StaticSiteServer(const StaticSiteServer&) = delete;
  StaticSiteServer& operator=(const StaticSiteServer&) = delete;

  // The bound port (never 0), and "http://<address>:<port>" without a trailing slash.
  uint16_t port() const;
  std::string base_url() const;

  // Stops accepting, closes every connection, waits for the server thread. Idempotent.
  void Stop();

  // Requests answered since Start (all of them, also those dropped from the log).
  uint64_t request_count() const;
  // The last options.max_log_entries requests, oldest first (a copy).
  std::vector<StaticRequestRecord> requests() const;
  // Connection and request counters of the underlying Server.
  ServerStats stats() const;

 private:
  struct Impl;
  explicit StaticSiteServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The Content-Type for a file name by its extension, case-insensitive: "text/html;
// charset=utf-8" for .html/.htm, "application/xml" for .xml, "image/png" for .png, ...; and
// "application/octet-stream" for unknown or missing extensions.
std::string_view ContentTypeForPath(std::string_view file_name);

// The handler behind StaticSiteServer, a plain function so it is tested without sockets.
// Answers `request` from the folder `root`, which must be an absolute, canonical path (as
// std::filesystem::canonical returns): 200 with the file, 304 when the request's validators
// match, 400 for a target that is not a plain path inside the folder, 404 for a missing file,
// 405 for methods other than GET and HEAD, 500 for a file that cannot be read or is larger than
// options.max_file_bytes. Never throws. Reads the file system; thread-safe.
Response HandleStaticRequest(const std::filesystem::path& root, const Request& request,
                             const StaticSiteOptions& options);

}  // namespace adwatch::http

#endif  // ADWATCH_HTTP_STATIC_SITE_SERVER_H_
