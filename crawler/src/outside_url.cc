#include "adwatch/crawler/outside_url.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "adwatch/common/escape.h"
#include "outside_url_internal.h"

namespace adwatch::crawler {
namespace internal {
namespace {

struct NamedRange {
  Cidr cidr;
  std::string text;
  const char* name;
};

std::vector<NamedRange> MakeTable(std::initializer_list<std::pair<const char*, const char*>> rows) {
  std::vector<NamedRange> out;
  for (const auto& [text, name] : rows) {
    NamedRange r{{}, text, name};
    ParseCidr(text, r.cidr);
    out.push_back(std::move(r));
  }
  return out;
}

// API.md, "Address policy": everything here is refused.
const std::vector<NamedRange>& Ipv4Refused() {
  static const std::vector<NamedRange> table = MakeTable({
      {"0.0.0.0/8", "this network; 0.0.0.0 reaches the local host"},
      {"10.0.0.0/8", "private"},
      {"100.64.0.0/10", "carrier-grade NAT"},
      {"127.0.0.0/8", "loopback"},
      {"169.254.0.0/16", "link-local, cloud metadata"},
      {"172.16.0.0/12", "private"},
      {"192.0.0.0/24", "IETF protocol assignments"},
      {"192.0.2.0/24", "documentation"},
      {"192.88.99.0/24", "6to4 relay anycast"},
      {"192.168.0.0/16", "private"},
      {"198.18.0.0/15", "benchmarking"},
      {"198.51.100.0/24", "documentation"},
      {"203.0.113.0/24", "documentation"},
      {"224.0.0.0/4", "multicast"},
      {"240.0.0.0/4", "reserved, broadcast"},
  });
  return table;
}

// IPv6 outside global unicast, named for the message. Everything outside 2000::/3 is refused
// whether named here or not; inside it only the last two rows are.
const std::vector<NamedRange>& Ipv6Refused() {
  static const std::vector<NamedRange> table = MakeTable({
      {"::/128", "unspecified"},
      {"::1/128", "loopback"},
      {"::/96", "IPv4-compatible, deprecated"},
      {"100::/64", "discard-only"},
      {"64:ff9b:1::/48", "local-use NAT64"},
      {"fc00::/7", "unique local"},
      {"fe80::/10", "link-local"},
      {"fec0::/10", "site-local, deprecated"},
      {"ff00::/8", "multicast"},
      {"2001::/23", "IETF protocol assignments, Teredo among them"},
      {"2001:db8::/32", "documentation"},
  });
  return table;
}

// The ranges the policy treats specially, parsed once.
struct FixedRanges {
  Cidr global;       // 2000::/3: global unicast IPv6
  Cidr mapped;       // ::ffff:0:0/96
  Cidr nat64;        // 64:ff9b::/96
  Cidr six_to_four;  // 2002::/16
};

const FixedRanges& Fixed() {
  static const FixedRanges ranges = [] {
    FixedRanges f;
    ParseCidr("2000::/3", f.global);
    ParseCidr("::ffff:0:0/96", f.mapped);
    ParseCidr("64:ff9b::/96", f.nat64);
    ParseCidr("2002::/16", f.six_to_four);
    return f;
  }();
  return ranges;
}

bool InCidr(int family, const unsigned char* bytes, const Cidr& c) {
  if (family != c.family) return false;
  int bits = c.prefix;
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    const auto mask = static_cast<unsigned char>(bits >= 8 ? 0xFF : 0xFF << (8 - bits));
    if ((bytes[i] & mask) != (c.bytes[i] & mask)) return false;
  }
  return true;
}

// The IPv4 address an IPv6 address carries, judged in its place: IPv4-mapped and NAT64 (the last
// four bytes), 6to4 (bytes 2-5). Returns the form's name, or nullptr when there is none.
const char* EmbeddedIpv4(const unsigned char* v6, unsigned char v4[4]) {
  if (InCidr(AF_INET6, v6, Fixed().mapped)) {
    std::memcpy(v4, v6 + 12, 4);
    return "IPv4-mapped";
  }
  if (InCidr(AF_INET6, v6, Fixed().nat64)) {
    std::memcpy(v4, v6 + 12, 4);
    return "NAT64";
  }
  if (InCidr(AF_INET6, v6, Fixed().six_to_four)) {
    std::memcpy(v4, v6 + 2, 4);
    return "6to4";
  }
  return nullptr;
}

bool Allowed(int family, const unsigned char* bytes, const std::vector<Cidr>& allowed) {
  unsigned char v4[4];
  const bool embedded = family == AF_INET6 && EmbeddedIpv4(bytes, v4) != nullptr;
  for (const Cidr& c : allowed) {
    if (InCidr(family, bytes, c) || (embedded && InCidr(AF_INET, v4, c))) return true;
  }
  return false;
}

std::string Ipv4Reason(const unsigned char* v4) {
  for (const NamedRange& r : Ipv4Refused()) {
    if (InCidr(AF_INET, v4, r.cidr)) return std::string(r.name) + ", " + r.text;
  }
  return "";
}

std::string Ports(const std::vector<int>& ports) {
  std::string out;
  for (int p : ports) out += (out.empty() ? "" : ", ") + std::to_string(p);
  return out.empty() ? "none" : out;
}

std::string GetPart(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* out = nullptr;
  if (curl_url_get(u, part, &out, flags) != CURLUE_OK || out == nullptr) return "";
  std::string s(out);
  curl_free(out);
  return s;
}

bool HasPart(CURLU* u, CURLUPart part) {
  char* out = nullptr;
  const CURLUcode rc = curl_url_get(u, part, &out, 0);
  curl_free(out);
  return rc == CURLUE_OK;
}

}  // namespace

bool ParseCidr(std::string_view text, Cidr& out) {
  const size_t slash = text.find('/');
  const std::string addr(text.substr(0, slash));
  Cidr c;
  if (inet_pton(AF_INET, addr.c_str(), c.bytes) == 1) {
    c.family = AF_INET;
    c.prefix = 32;
  } else if (inet_pton(AF_INET6, addr.c_str(), c.bytes) == 1) {
    c.family = AF_INET6;
    c.prefix = 128;
  } else {
    return false;
  }
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return false;
    int p = 0;
    for (char ch : digits) {
      if (ch < '0' || ch > '9') return false;
      p = p * 10 + (ch - '0');
    }
    if (p > c.prefix) return false;
    c.prefix = p;
  }
  out = c;
  return true;
}

std::vector<Cidr> ParseCidrs(const std::vector<std::string>& texts) {
  std::vector<Cidr> out;
  for (const std::string& t : texts) {
    Cidr c;
    if (ParseCidr(t, c)) out.push_back(c);
  }
  return out;
}

std::string BlockedReason(int family, const unsigned char* bytes,
                          const std::vector<Cidr>& allowed) {
  if (family != AF_INET && family != AF_INET6) return "not an IP address";
  if (Allowed(family, bytes, allowed)) return "";
  if (family == AF_INET) return Ipv4Reason(bytes);
  unsigned char v4[4];
  if (const char* form = EmbeddedIpv4(bytes, v4)) {
    const std::string why = Ipv4Reason(v4);
    if (why.empty()) return "";
    char text[INET_ADDRSTRLEN] = "";
    inet_ntop(AF_INET, v4, text, sizeof text);
    return std::string(form) + " " + text + ": " + why;
  }
  for (const NamedRange& r : Ipv6Refused()) {
    if (InCidr(AF_INET6, bytes, r.cidr)) return std::string(r.name) + ", " + r.text;
  }
  if (!InCidr(AF_INET6, bytes, Fixed().global)) return "not global unicast, outside 2000::/3";
  return "";
}

Result<UrlHandle> ParseOutsideUrl(std::string_view url, const OutsideUrlPolicy& policy,
                                  const std::vector<Cidr>& allowed) {
  const auto refuse = [&](const std::string& why) {
    return Status::InvalidArgument("refused " + EscapeControl(url, 200), why);
  };
  if (url.size() > policy.max_url_bytes) {
    return refuse("too long (" + std::to_string(url.size()) + " bytes; at most " +
                  std::to_string(policy.max_url_bytes) + ")");
  }
  for (size_t i = 0; i < url.size(); ++i) {
    const auto b = static_cast<unsigned char>(url[i]);
    // 0xC2 0x80-0x9F is U+0080-U+009F (0xC2 never continues another character).
    const bool c1 =
        b == 0xC2 && i + 1 < url.size() && (static_cast<unsigned char>(url[i + 1]) & 0xE0) == 0x80;
    if (b < 0x20 || b == 0x7F || c1) {
      return refuse("holds a control character (" + EscapeControl(url.substr(i, c1 ? 2 : 1)) + ")");
    }
  }
  UrlHandle u(curl_url());
  if (!u) return Status::Internal("curl", "curl_url failed");
  const std::string text(url);
  // No CURLU_GUESS_SCHEME, no CURLU_DEFAULT_SCHEME: "host/path" and "//host/path" are refused.
  if (const CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, text.c_str(), 0); rc != CURLUE_OK) {
    return refuse(std::string("not an absolute URL curl can parse (") + curl_url_strerror(rc) +
                  ")");
  }
  const std::string scheme = GetPart(u.get(), CURLUPART_SCHEME);
  if (scheme != "http" && scheme != "https") {
    return refuse("scheme \"" + EscapeControl(scheme, 40) +
                  "\" is not allowed (only http and https)");
  }
  if (HasPart(u.get(), CURLUPART_USER) || HasPart(u.get(), CURLUPART_PASSWORD) ||
      HasPart(u.get(), CURLUPART_OPTIONS)) {
    return refuse("holds a user name or password (user@host), which a URL from outside may not");
  }
  std::string host = GetPart(u.get(), CURLUPART_HOST);
  if (host.empty()) return refuse("has no host");
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  // curl writes every IPv4 spelling (2130706433, 0x7f.1, 0177.0.0.1, 127.1) as a dotted quad.
  unsigned char bytes[16];
  int family = 0;
  if (inet_pton(AF_INET, host.c_str(), bytes) == 1) {
    family = AF_INET;
  } else if (inet_pton(AF_INET6, host.c_str(), bytes) == 1) {
    family = AF_INET6;
  }
  bool vouched = false;
  if (family != 0) {
    if (const std::string why = BlockedReason(family, bytes, allowed); !why.empty()) {
      return refuse("private address " + host + " (" + why + ")");
    }
    vouched = Allowed(family, bytes, allowed);
  } else if (std::any_of(host.begin(), host.end(),
                         [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
    // A Unicode name: libcurl converts it (IDNA, through libidn2), which needs a UTF-8 LC_CTYPE
    // (InitLocale). Fail here, in words, rather than later as an obscure fetch error.
    if (GetPart(u.get(), CURLUPART_HOST, CURLU_PUNYCODE).empty()) {
      return refuse("host name \"" + EscapeControl(host, 100) +
                    "\" cannot be converted to ASCII (IDNA; is the locale UTF-8?)");
    }
  }
  const std::string port_text = GetPart(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  int port = port_text.empty() || port_text.size() > 5 ? -1 : 0;
  for (char c : port_text) port = port >= 0 && c >= '0' && c <= '9' ? port * 10 + (c - '0') : -1;
  const auto& ports = policy.allowed_ports;
  if (!vouched && std::find(ports.begin(), ports.end(), port) == ports.end()) {
    return refuse("port " + port_text + " is not allowed (allowed: " + Ports(ports) + ")");
  }
  return u;
}

}  // namespace internal

Status Validate(const OutsideUrlPolicy& policy) {
  if (policy.max_url_bytes == 0)
    return Status::InvalidArgument("outside URL policy", "max_url_bytes must be positive");
  for (int p : policy.allowed_ports) {
    if (p < 1 || p > 65535) {
      return Status::InvalidArgument("outside URL policy",
                                     "port " + std::to_string(p) + " is not in 1-65535");
    }
  }
  for (const std::string& r : policy.allowed_private_ranges) {
    internal::Cidr c;
    if (!internal::ParseCidr(r, c)) {
      return Status::InvalidArgument("outside URL policy",
                                     "not a CIDR range: '" + EscapeControl(r, 100) + "'");
    }
  }
  return Status::OK();
}

Status CheckOutsideUrl(std::string_view url, const OutsideUrlPolicy& policy) {
  return internal::ParseOutsideUrl(url, policy, internal::ParseCidrs(policy.allowed_private_ranges))
      .status();
}

Status CheckOutsideAddress(std::string_view address,
                           const std::vector<std::string>& allowed_private_ranges) {
  internal::Cidr a;
  if (address.find('/') != std::string_view::npos || !internal::ParseCidr(address, a)) {
    return Status::InvalidArgument("not an IP address", EscapeControl(address, 100));
  }
  const std::string why =
      internal::BlockedReason(a.family, a.bytes, internal::ParseCidrs(allowed_private_ranges));
  if (why.empty()) return Status::OK();
  return Status::InvalidArgument("private address " + std::string(address) + " (" + why + ")");
}

bool IsBlockedAddress(std::string_view address,
                      const std::vector<std::string>& allowed_private_ranges) {
  return !CheckOutsideAddress(address, allowed_private_ranges).ok();
}

}  // namespace adwatch::crawler
