#include "adwatch/crawler/url.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <memory>

#include "adwatch/common/escape.h"

namespace adwatch::crawler {
namespace {

constexpr size_t kMaxUrlBytes = 8192;  // as OutsideUrlPolicy::max_url_bytes

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

std::string GetPart(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* out = nullptr;
  if (curl_url_get(u, part, &out, flags) != CURLUE_OK || out == nullptr) return "";
  std::string s(out);
  curl_free(out);
  return s;
}

bool IsTrackingParam(std::string_view key) {
  static constexpr std::array<std::string_view, 9> kExact{"fbclid", "gclid", "dclid", "msclkid", "mc_eid",
                                                          "igshid", "_ga", "yclid", "gbraid"};
  if (key.size() > 4 && key.substr(0, 4) == "utm_") return true;
  return std::find(kExact.begin(), kExact.end(), key) != kExact.end();
}

// Drops tracking parameters and keeps the rest in order.
std::string CleanQuery(std::string_view query) {
  std::string out;
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view param = query.substr(pos, amp - pos);
    const std::string_view key = param.substr(0, param.find('='));
    std::string lower(key);
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (!param.empty() && !IsTrackingParam(lower)) {
      if (!out.empty()) out += '&';
      out += param;
    }
    pos = amp + 1;
  }
  return out;
}

Result<std::string> Canonicalize(CURLU* u, std::string_view shown) {
  const std::string scheme = GetPart(u, CURLUPART_SCHEME);
  if (scheme != "http" && scheme != "https") {
    return Status::InvalidArgument("url", "not an http(s) URL: " + EscapeControl(shown, 200));
  }
  std::string host = GetPart(u, CURLUPART_HOST);
  if (host.empty()) return Status::InvalidArgument("url", "no host: " + EscapeControl(shown, 200));
  std::transform(host.begin(), host.end(), host.begin(), ::tolower);
  curl_url_set(u, CURLUPART_HOST, host.c_str(), 0);
  curl_url_set(u, CURLUPART_FRAGMENT, nullptr, 0);
  curl_url_set(u, CURLUPART_USER, nullptr, 0);
  curl_url_set(u, CURLUPART_PASSWORD, nullptr, 0);
  const std::string query = GetPart(u, CURLUPART_QUERY);
  if (!query.empty()) {
    const std::string cleaned = CleanQuery(query);
    curl_url_set(u, CURLUPART_QUERY, cleaned.empty() ? nullptr : cleaned.c_str(), 0);
  }
  std::string out = GetPart(u, CURLUPART_URL, CURLU_NO_DEFAULT_PORT);
  if (out.empty())
    return Status::InvalidArgument("url", "cannot rebuild: " + EscapeControl(shown, 200));
  return out;
}

UrlHandle Parse(std::string_view url) {
  if (url.size() > kMaxUrlBytes || url.find('\0') != std::string_view::npos) return nullptr;
  UrlHandle u(curl_url());
  const std::string s(url);
  if (!u || curl_url_set(u.get(), CURLUPART_URL, s.c_str(), 0) != CURLUE_OK) return nullptr;
  return u;
}

}  // namespace

Result<std::string> CanonicalUrl(std::string_view url) {
  if (url.size() > kMaxUrlBytes) {
    return Status::InvalidArgument("url", "too long (" + std::to_string(url.size()) +
                                              " bytes; at most " + std::to_string(kMaxUrlBytes) +
                                              "): " + EscapeControl(url, 200));
  }
  UrlHandle u = Parse(url);
  if (!u) return Status::InvalidArgument("url", "cannot parse: " + EscapeControl(url, 200));
  return Canonicalize(u.get(), url);
}

Result<std::string> ResolveUrl(std::string_view base, std::string_view ref) {
  UrlHandle u = Parse(base);
  if (!u) return Status::InvalidArgument("url", "cannot parse base: " + EscapeControl(base, 200));
  if (ref.size() > kMaxUrlBytes || ref.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("url", "reference too long or holds NUL");
  }
  // Leading and trailing blanks are common in hrefs and never meant.
  size_t b = ref.find_first_not_of(" \t\r\n");
  size_t e = ref.find_last_not_of(" \t\r\n");
  const std::string r = b == std::string_view::npos ? "" : std::string(ref.substr(b, e - b + 1));
  if (curl_url_set(u.get(), CURLUPART_URL, r.c_str(), 0) != CURLUE_OK) {
    return Status::InvalidArgument("url", "cannot resolve '" + EscapeControl(r, 200) + "'");
  }
  return Canonicalize(u.get(), r);
}

namespace {

// The parts of a plain http(s) URL without userinfo — every canonical URL — found with string
// operations; the crawler asks for them several times per link, and a curl parse costs
// microseconds. Returns false for anything else, which then goes through curl.
struct Authority {
  std::string_view scheme, host, port, rest;  // rest: from the first '/', '?' or '#'
};

bool SplitSimple(std::string_view url, Authority& a) {
  if (url.substr(0, 7) == "http://") {
    a.scheme = "http";
    url.remove_prefix(7);
  } else if (url.substr(0, 8) == "https://") {
    a.scheme = "https";
    url.remove_prefix(8);
  } else {
    return false;
  }
  const size_t end = url.find_first_of("/?#");
  std::string_view authority = url.substr(0, end);
  a.rest = end == std::string_view::npos ? std::string_view() : url.substr(end);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return false;
  if (authority.front() == '[') {  // IPv6 literal
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return false;
    a.host = authority.substr(0, close + 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return false;
    a.port = after.empty() ? std::string_view() : after.substr(1);
  } else {
    const size_t colon = authority.find(':');
    a.host = authority.substr(0, colon);
    a.port = colon == std::string_view::npos ? std::string_view() : authority.substr(colon + 1);
  }
  for (char c : a.host) {
    if (c >= 'A' && c <= 'Z') return false;  // not canonical: let curl lower-case it
  }
  for (char c : a.port) {
    if (c < '0' || c > '9') return false;
  }
  return !a.host.empty();
}

}  // namespace

std::string HostKey(std::string_view url) {
  if (Authority a; SplitSimple(url, a)) {
    return std::string(a.host) + ":" + (a.port.empty() ? (a.scheme == "https" ? "443" : "80") : std::string(a.port));
  }
  UrlHandle u = Parse(url);
  if (!u) return "";
  std::string host = GetPart(u.get(), CURLUPART_HOST);
  std::transform(host.begin(), host.end(), host.begin(), ::tolower);
  const std::string port = GetPart(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  return host.empty() ? "" : host + ":" + port;
}

std::string HostName(std::string_view url) {
  if (Authority a; SplitSimple(url, a)) {
    std::string_view h = a.host;
    if (h.size() > 1 && h.front() == '[') h = h.substr(1, h.size() - 2);
    return std::string(h);
  }
  UrlHandle u = Parse(url);
  if (!u) return "";
  std::string host = GetPart(u.get(), CURLUPART_HOST);
  std::transform(host.begin(), host.end(), host.begin(), ::tolower);
  return host;
}

std::string PathAndQuery(std::string_view url) {
  if (Authority a; SplitSimple(url, a)) {
    std::string_view rest = a.rest.substr(0, a.rest.find('#'));
    if (rest.empty() || rest.front() == '?') return "/" + std::string(rest);
    return std::string(rest);
  }
  UrlHandle u = Parse(url);
  if (!u) return "/";
  std::string path = GetPart(u.get(), CURLUPART_PATH);
  if (path.empty()) path = "/";
  const std::string query = GetPart(u.get(), CURLUPART_QUERY);
  return query.empty() ? path : path + "?" + query;
}

}  // namespace adwatch::crawler
