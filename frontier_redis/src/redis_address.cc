#include "adwatch/frontier_redis/redis_address.h"

#include <charconv>

#include "adwatch/common/escape.h"

namespace adwatch::frontier_redis {
namespace {

// The decimal in `s` when it is all digits and within [lo, hi].
bool ParseInt(std::string_view s, int lo, int hi, int& out) {
  if (s.empty() || s.size() > 6) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  if (v < lo || v > hi) return false;
  out = v;
  return true;
}

}  // namespace

Result<RedisAddress> ParseRedisUrl(std::string_view url) {
  const std::string shown = EscapeControl(url, 200);
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("frontier URL \"" + shown + "\"", why);
  };
  constexpr std::string_view kScheme = "redis://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    if (url.substr(0, 9) == "rediss://") return bad("TLS (rediss://) is not supported");
    return bad("expected redis://HOST:PORT/DB");
  }
  std::string_view rest = url.substr(kScheme.size());
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  if (authority.find('@') != std::string_view::npos) {
    return bad("user info is not accepted in the URL");
  }
  RedisAddress a;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unclosed '[' in the host");
    a.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("expected ':' after the IPv6 address");
      port = after.substr(1);
      if (port.empty()) return bad("empty port");
    }
  } else {
    const size_t colon = authority.find(':');
    a.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return bad("empty port");
    }
  }
  if (a.host.empty()) return bad("no host");
  for (char c : a.host) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '/' || c == '?' || c == '#') {
      return bad("the host holds a character that is not allowed");
    }
  }
  if (!port.empty() && !ParseInt(port, 1, 65535, a.port)) return bad("port must be 1-65535");
  if (!path.empty() && !ParseInt(path, 0, 15, a.db)) return bad("db must be a number 0-15");
  return a;
}

std::string ToString(const RedisAddress& a) {
  const bool v6 = a.host.find(':') != std::string::npos;
  return "redis://" + (v6 ? "[" + a.host + "]" : a.host) + ":" + std::to_string(a.port) + "/" +
         std::to_string(a.db);
}

}  // namespace adwatch::frontier_redis
