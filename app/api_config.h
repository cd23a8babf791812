// The api section of adwatch.yaml: where `adwatch serve` listens, TLS, the admin socket, the
// API's limits and the submission worker. See docs/api.md and docs/configuration.md.
#ifndef ADWATCH_APP_API_CONFIG_H_
#define ADWATCH_APP_API_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "adwatch/api/api.h"
#include "adwatch/common/status.h"
#include "adwatch/common/yaml.h"

namespace adwatch::app {

struct ApiConfig {
  // host:port to listen on; IPv6 in brackets ("[::1]:8080").
  std::string listen = "127.0.0.1:8080";
  // PEM files; both set: native TLS. A non-loopback `listen` without TLS is refused unless
  // allow_plain_http (a reverse proxy in front terminates TLS).
  std::string tls_cert;
  std::string tls_key;
  bool allow_plain_http = false;
  // The admin socket; "" means "<storage.path>.admin.sock".
  std::string admin_socket;
  api::ApiOptions options;
  // HTTP limits (docs/http.md).
  int max_connections = 512;
  int max_connections_per_ip = 16;
  int request_timeout_ms = 10'000;
  int idle_timeout_ms = 5'000;
  int handler_threads = 4;
  int max_queued_requests = 1024;
  // The submission worker: links fetched at once, and submissions waiting beyond those.
  int submission_fetches = 4;
  int submission_queue = 256;
  // For tests and a test site on loopback only: address ranges and ports a submitted link may
  // name besides public addresses on ports 80 and 443.
  std::vector<std::string> submission_allow_ranges;
  std::vector<int> submission_allow_ports;
  // Tests only: "host:port:address" pins for the fetcher, so no real name is ever resolved.
  std::vector<std::string> submission_resolve;
};

// Reads the `api:` mapping of adwatch.yaml into `c`. Relative paths are taken relative to
// `base`. Errors name the file, line and key.
Status ParseApi(const std::string& file, YamlMap& top, const std::string& base, ApiConfig& c);

// Splits "host:port" / "[v6]:port". InvalidArgument when it does not parse.
Status SplitListen(const std::string& listen, std::string& host, uint16_t& port);

}  // namespace adwatch::app

#endif  // ADWATCH_APP_API_CONFIG_H_
