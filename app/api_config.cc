#include "api_config.h"

namespace adwatch::app {

Status SplitListen(const std::string& listen, std::string& host, uint16_t& port) {
  std::string h, p;
  if (!listen.empty() && listen[0] == '[') {
    const size_t close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      return Status::InvalidArgument("listen", "'" + listen + "' is not [IPv6]:port");
    }
    h = listen.substr(1, close - 1);
    p = listen.substr(close + 2);
  } else {
    const size_t colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return Status::InvalidArgument("listen", "'" + listen + "' is not host:port");
    }
    h = listen.substr(0, colon);
    p = listen.substr(colon + 1);
  }
  if (p.empty() || p.size() > 5)
    return Status::InvalidArgument("listen", "bad port in '" + listen + "'");
  int n = 0;
  for (char c : p) {
    if (c < '0' || c > '9')
      return Status::InvalidArgument("listen", "bad port in '" + listen + "'");
    n = n * 10 + (c - '0');
  }
  if (n > 65535) return Status::InvalidArgument("listen", "bad port in '" + listen + "'");
  host = h;
  port = static_cast<uint16_t>(n);
  return Status::OK();
}

Status ParseApi(const std::string& file, YamlMap& top, const std::string& base, ApiConfig& c) {
  YAML::Node n = top.Child("api");
  YamlMap m(file, n, "api");
  ADWATCH_RETURN_IF_ERROR(m.CheckIsMap());
  ADWATCH_RETURN_IF_ERROR(m.Read("listen", c.listen));
  std::string host;
  uint16_t port = 0;
  if (Status s = SplitListen(c.listen, host, port); !s.ok()) return m.Error("listen", s.message());
  std::string cert, key, sock;
  ADWATCH_RETURN_IF_ERROR(m.Read("tls_cert", cert));
  ADWATCH_RETURN_IF_ERROR(m.Read("tls_key", key));
  if (!cert.empty()) c.tls_cert = ResolvePath(base, cert);
  if (!key.empty()) c.tls_key = ResolvePath(base, key);
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return m.Error(c.tls_cert.empty() ? "tls_cert" : "tls_key",
                   "set both tls_cert and tls_key, or neither");
  }
  ADWATCH_RETURN_IF_ERROR(m.Read("allow_plain_http", c.allow_plain_http));
  ADWATCH_RETURN_IF_ERROR(m.Read("admin_socket", sock));
  if (!sock.empty()) c.admin_socket = ResolvePath(base, sock);
  api::ApiOptions& o = c.options;
  ADWATCH_RETURN_IF_ERROR(m.Read("metrics_need_token", o.metrics_need_token));
  ADWATCH_RETURN_IF_ERROR(m.Read("token_rate_per_s", o.token_rate_per_s));
  ADWATCH_RETURN_IF_ERROR(m.Read("token_burst", o.token_burst));
  ADWATCH_RETURN_IF_ERROR(m.Read("submission_rate_per_s", o.submission_rate_per_s));
  ADWATCH_RETURN_IF_ERROR(m.Read("submission_burst", o.submission_burst));
  ADWATCH_RETURN_IF_ERROR(m.Read("submissions_per_day", o.submissions_per_day));
  ADWATCH_RETURN_IF_ERROR(m.Read("max_connections", c.max_connections));
  ADWATCH_RETURN_IF_ERROR(m.Read("max_connections_per_ip", c.max_connections_per_ip));
  ADWATCH_RETURN_IF_ERROR(m.Read("request_timeout_ms", c.request_timeout_ms));
  ADWATCH_RETURN_IF_ERROR(m.Read("idle_timeout_ms", c.idle_timeout_ms));
  ADWATCH_RETURN_IF_ERROR(m.Read("handler_threads", c.handler_threads));
  ADWATCH_RETURN_IF_ERROR(m.Read("submission_fetches", c.submission_fetches));
  ADWATCH_RETURN_IF_ERROR(m.Read("submission_queue", c.submission_queue));
  ADWATCH_RETURN_IF_ERROR(m.Read("submission_allow_ranges", c.submission_allow_ranges));
  ADWATCH_RETURN_IF_ERROR(m.Read("submission_resolve", c.submission_resolve));
  std::vector<std::string> ports;
  ADWATCH_RETURN_IF_ERROR(m.Read("submission_allow_ports", ports));
  for (const std::string& p : ports) {
    int v = 0;
    bool ok = !p.empty() && p.size() <= 5;
    for (char ch : p) {
      ok = ok && ch >= '0' && ch <= '9';
      v = v * 10 + (ch - '0');
    }
    if (!ok || v < 1 || v > 65535)
      return m.Error("submission_allow_ports", "'" + p + "' is not a port");
    c.submission_allow_ports.push_back(v);
  }
  ADWATCH_RETURN_IF_ERROR(m.Finish());
  if (c.max_connections < 1 || c.max_connections_per_ip < 1 || c.request_timeout_ms < 100 ||
      c.idle_timeout_ms < 100 || c.handler_threads < 1 || c.submission_fetches < 1 ||
      c.submission_queue < 1) {
    return Status::InvalidArgument(m.Where() + ": api",
                                   "connection caps, timeouts (>= 100 ms), threads and queues "
                                   "must be positive");
  }
  if (Status v = api::Validate(o); !v.ok()) {
    return Status::InvalidArgument(m.Where() + ": api", v.message());
  }
  return Status::OK();
}

}  // namespace adwatch::app
