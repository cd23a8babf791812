#include "adwatch/http/static_site_server.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <deque>
#include <fstream>
#include <mutex>
#include <optional>
#include <system_error>
#include <utility>

#include "ascii.h"

namespace adwatch::http {
namespace {

namespace fs = std::filesystem;

using internal::LowerAscii;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = LowerAscii(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Percent-decodes `s`; nullopt for a malformed escape.
std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = HexValue(s[i + 1]);
    const int lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

Response ErrorPage(int status) {
  Response response;
  response.status = status;
  response.headers.push_back({"Content-Type", "text/html; charset=utf-8"});
  const std::string line = std::to_string(status) + " " + std::string(ReasonPhrase(status));
  response.body = "<!DOCTYPE html>\n<html><head><title>" + line + "</title></head><body><h1>" +
                  line + "</h1></body></html>\n";
  return response;
}

// True when `path` is `root` or lies below it; both canonical.
bool IsWithin(const fs::path& root, const fs::path& path) {
  auto [root_end, path_it] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  (void)path_it;
  return root_end == root.end();
}

// A regular file at `path` whose canonical form stays under `root`, or nullopt.
std::optional<fs::path> RegularFileWithin(const fs::path& root, const fs::path& path) {
  std::error_code ec;
  const fs::path canonical = fs::canonical(path, ec);
  if (ec || !IsWithin(root, canonical)) return std::nullopt;
  if (!fs::is_regular_file(canonical, ec) || ec) return std::nullopt;
  return canonical;
}

bool IsVariantQuery(std::string_view query) {
  if (query.empty()) return false;
  return std::all_of(query.begin(), query.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '=' ||
           c == '&' || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace

std::string_view ContentTypeForPath(std::string_view file_name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 24> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".xml", "application/xml"},
      {".txt", "text/plain; charset=utf-8"},
      {".json", "application/json"},
      {".jsonld", "application/ld+json"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".csv", "text/csv; charset=utf-8"},
      {".md", "text/markdown; charset=utf-8"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".svg", "image/svg+xml"},
      {".ico", "image/x-icon"},
      {".pdf", "application/pdf"},
      {".woff2", "font/woff2"},
      {".rss", "application/rss+xml"},
      {".atom", "application/atom+xml"},
      {".gz", "application/gzip"},
      {".zip", "application/zip"},
      {".wasm", "application/wasm"},
  }};
  const size_t slash = file_name.find_last_of('/');
  const std::string_view base =
      slash == std::string_view::npos ? file_name : file_name.substr(slash + 1);
  const size_t dot = base.find_last_of('.');
  if (dot == std::string_view::npos || dot == 0) return "application/octet-stream";
  const std::string extension = LowerAscii(base.substr(dot));
  for (const auto& [ext, type] : kTypes) {
    if (ext == extension) return type;
  }
  return "application/octet-stream";
}

Status Validate(const StaticSiteOptions& options) {
  if (options.root.empty()) return Status::InvalidArgument("StaticSiteOptions.root", "empty");
  std::error_code ec;
  if (!fs::is_directory(options.root, ec)) {
    return Status::InvalidArgument("StaticSiteOptions.root", "not a folder: " + options.root);
  }
  if (options.index_file.empty() || options.index_file.find('/') != std::string::npos ||
      options.index_file == "." || options.index_file == "..") {
    return Status::InvalidArgument("StaticSiteOptions.index_file", options.index_file);
  }
  if (!IsLoopbackAddress(options.address)) {
    return Status::InvalidArgument("StaticSiteOptions.address",
                                   "not a loopback address: " + options.address);
  }
  if (options.max_file_bytes == 0) {
    return Status::InvalidArgument("StaticSiteOptions.max_file_bytes", "must be > 0");
  }
  if (options.max_log_entries == 0) {
    return Status::InvalidArgument("StaticSiteOptions.max_log_entries", "must be > 0");
  }
  if (options.idle_timeout_ms <= 0) {
    return Status::InvalidArgument("StaticSiteOptions.idle_timeout_ms", "must be > 0");
  }
  if (options.max_connections_per_ip <= 0) {
    return Status::InvalidArgument("StaticSiteOptions.max_connections_per_ip", "must be > 0");
  }
  return Status::OK();
}

Response HandleStaticRequest(const fs::path& root, const Request& request,
                             const StaticSiteOptions& options) {
  if (request.method != "GET" && request.method != "HEAD") {
    Response response = ErrorPage(405);
    response.headers.push_back({"Allow", "GET, HEAD"});
    return response;
  }
  // Only origin-form targets ("/a/b"); absolute-form, "*" and the like are refused.
  if (request.path.empty() || request.path[0] != '/') return ErrorPage(400);

  // Walk the path one decoded segment at a time. A segment can never be "." or "..", or carry a
  // slash, backslash or NUL once decoded, so the joined path cannot leave `root` lexically;
  // symbolic links are caught by the canonical check below.
  fs::path file = root;
  std::string_view rest = std::string_view(request.path).substr(1);
  while (true) {
    const size_t slash = rest.find('/');
    const std::string_view raw = rest.substr(0, slash);
    if (!raw.empty()) {
      const std::optional<std::string> segment = PercentDecode(raw);
      if (!segment || *segment == "." || *segment == ".." ||
          segment->find_first_of(std::string_view("/\\\0", 3)) != std::string::npos) {
        return ErrorPage(400);
      }
      file /= *segment;
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }

  std::error_code ec;
  if (fs::is_directory(file, ec)) file /= options.index_file;
  std::optional<fs::path> found = RegularFileWithin(root, file);
  if (!found) return ErrorPage(404);

  if (options.query_variants && !request.query.empty()) {
    const std::optional<std::string> query = PercentDecode(request.query);
    if (query && IsVariantQuery(*query)) {
      const fs::path variant = found->parent_path() / (found->stem().string() + "@" + *query +
                                                       found->extension().string());
      if (std::optional<fs::path> v = RegularFileWithin(root, variant)) found = std::move(v);
    }
  }

  const uintmax_t size = fs::file_size(*found, ec);
  if (ec) return ErrorPage(500);
  if (size > options.max_file_bytes) return ErrorPage(500);
  const fs::file_time_type mtime = fs::last_write_time(*found, ec);
  if (ec) return ErrorPage(500);
  const auto mtime_sys = std::chrono::file_clock::to_sys(mtime);
  const int64_t mtime_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(mtime_sys.time_since_epoch()).count();
  const int64_t mtime_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(mtime_sys.time_since_epoch()).count();
  char etag[64];
  std::snprintf(etag, sizeof(etag), "\"%jx-%llx\"", size,
                static_cast<unsigned long long>(mtime_ns));

  Response response;
  response.headers.push_back({"Content-Type", std::string(ContentTypeForPath(found->string()))});
  response.headers.push_back({"Last-Modified", FormatHttpDate(mtime_seconds)});
  response.headers.push_back({"ETag", etag});

  const bool not_modified = IsNotModified(request, etag, mtime_seconds);
  if (not_modified) {
    response.status = 304;
    return response;
  }

  std::ifstream in(*found, std::ios::binary);
  std::string body(static_cast<size_t>(size), '\0');
  if (!in.read(body.data(), static_cast<std::streamsize>(size))) return ErrorPage(500);
  response.body = std::move(body);
  return response;
}

struct StaticSiteServer::Impl {
  StaticSiteOptions options;
  fs::path root;

  mutable std::mutex mu;
  uint64_t request_count = 0;           // guarded by mu
  std::deque<StaticRequestRecord> log;  // guarded by mu
  // Last, so it stops before the state its handler uses goes away.
  std::unique_ptr<Server> server;
};

StaticSiteServer::StaticSiteServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

StaticSiteServer::~StaticSiteServer() { Stop(); }

Result<std::unique_ptr<StaticSiteServer>> StaticSiteServer::Start(
    const StaticSiteOptions& options) {
  ADWATCH_RETURN_IF_ERROR(Validate(options));
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  std::error_code ec;
  impl->root = fs::canonical(options.root, ec);
  if (ec) return Status::InvalidArgument("StaticSiteOptions.root", ec.message());

  ServerOptions server_options;
  server_options.address = options.address;
  server_options.port = options.port;
  server_options.idle_timeout_ms = options.idle_timeout_ms;
  server_options.max_connections_per_ip = options.max_connections_per_ip;
  server_options.server_name = "adwatch-static";
  // Small local files: read on the io thread rather than hopping to a worker.
  server_options.handlers_on_io_thread = true;
  Impl* raw = impl.get();
  auto server = Server::Start(server_options, [raw](const Request& request) {
    Response response = HandleStaticRequest(raw->root, request, raw->options);
    StaticRequestRecord record;
    record.method = request.method;
    record.target = request.target;
    record.status = response.status;
    record.body_bytes = (request.method == "HEAD") ? 0 : response.body.size();
    record.connection_id = request.connection_id;
    record.user_agent = std::string(request.Header("User-Agent"));
    record.arrival = request.arrival;
    std::lock_guard<std::mutex> lock(raw->mu);
    ++raw->request_count;
    raw->log.push_back(std::move(record));
    while (raw->log.size() > raw->options.max_log_entries) raw->log.pop_front();
    return response;
  });
  if (!server) return server.error();
  impl->server = std::move(server.value());
  return std::unique_ptr<StaticSiteServer>(new StaticSiteServer(std::move(impl)));
}

uint16_t StaticSiteServer::port() const { return impl_->server->port(); }

std::string StaticSiteServer::base_url() const { return impl_->server->base_url(); }

void StaticSiteServer::Stop() { impl_->server->Stop(); }

uint64_t StaticSiteServer::request_count() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->request_count;
}

std::vector<StaticRequestRecord> StaticSiteServer::requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return {impl_->log.begin(), impl_->log.end()};
}

ServerStats StaticSiteServer::stats() const { return impl_->server->stats(); }

}  // namespace adwatch::http
