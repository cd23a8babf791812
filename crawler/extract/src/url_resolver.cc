#include "url_resolver.h"

#include "tag_lexer.h"

namespace adwatch::extract {
namespace {

// Bytes a browser percent-encodes in a URL (besides space and controls).
inline bool NeedsEncoding(unsigned char c) {
  return c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' ||
         c == '}' || c == '|' || c == '\\' || c == '^';
}

// Trims ASCII whitespace and controls, drops tabs and line feeds inside (as the URL standard
// does), turns '\' into '/', and percent-encodes what needs it. Returns `href` itself (as a
// string) when nothing changes.
std::string Clean(std::string_view href) {
  while (!href.empty() && static_cast<unsigned char>(href.front()) <= 0x20) href.remove_prefix(1);
  while (!href.empty() && static_cast<unsigned char>(href.back()) <= 0x20) href.remove_suffix(1);
  bool plain = true;
  for (char c : href) {
    if (NeedsEncoding(static_cast<unsigned char>(c))) {
      plain = false;
      break;
    }
  }
  if (plain) return std::string(href);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(href.size() + 16);
  for (char ch : href) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\t' || c == '\n' || c == '\r') continue;
    if (c == '\\') {
      out.push_back('/');
    } else if (NeedsEncoding(c)) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

// Length of the scheme of `s` ("https" → 5), or 0 when `s` does not start with "scheme:".
size_t SchemeLength(std::string_view s) {
  if (s.empty() || !IsAsciiAlpha(static_cast<unsigned char>(s[0]))) return 0;
  for (size_t i = 1; i < s.size() && i < 32; ++i) {
    const char c = s[i];
    if (c == ':') return i;
    if (!(IsAsciiAlpha(static_cast<unsigned char>(c)) || (c >= '0' && c <= '9') || c == '+' ||
          c == '-' || c == '.')) {
      return 0;
    }
  }
  return 0;
}

// True when the path of `s` (the part before '?' or '#') has no "/." — no dot segments for curl
// to remove.
bool NoDotSegments(std::string_view s, size_t path_begin) {
  const size_t end = s.find_first_of("?#", path_begin);
  const std::string_view path = s.substr(path_begin, end == std::string_view::npos ? std::string_view::npos : end - path_begin);
  return path.find("/.") == std::string_view::npos;
}

// True when the authority [begin, end) is plain host[:port] (with optional userinfo) that curl
// prints as written.
bool PlainAuthority(std::string_view s, size_t begin, size_t end) {
  if (end <= begin || s[end - 1] == ':') return false;
  for (size_t i = begin; i < end; ++i) {
    const char c = s[i];
    if (!(IsAsciiAlpha(static_cast<unsigned char>(c)) || (c >= '0' && c <= '9') || c == '.' ||
          c == '-' || c == '_' || c == '~' || c == ':' || c == '@' || c == '[' || c == ']')) {
      return false;
    }
  }
  return true;
}

std::string CurlGet(CURLU* h) {
  char* out = nullptr;
  if (curl_url_get(h, CURLUPART_URL, &out, 0) != CURLUE_OK || out == nullptr) return {};
  std::string s(out);
  curl_free(out);
  return s;
}

}  // namespace

UrlResolver::UrlResolver(std::string_view page_url) {
  const std::string url = Clean(page_url);
  if (url.empty()) return;
  base_ = curl_url();
  if (base_ == nullptr) return;
  if (curl_url_set(base_, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    curl_url_cleanup(base_);
    base_ = nullptr;
    return;
  }
  SetOrigin();
}

UrlResolver::~UrlResolver() {
  if (base_ != nullptr) curl_url_cleanup(base_);
}

void UrlResolver::SetOrigin() {
  origin_.clear();
  char* scheme = nullptr;
  if (curl_url_get(base_, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) return;
  const std::string_view sv(scheme);
  const bool http = sv == "http" || sv == "https";
  curl_free(scheme);
  if (!http) return;
  CURLU* root = curl_url_dup(base_);
  if (root == nullptr) return;
  if (curl_url_set(root, CURLUPART_URL, "/", 0) == CURLUE_OK) {
    std::string s = CurlGet(root);
    if (!s.empty() && s.back() == '/') {
      s.pop_back();
      origin_ = std::move(s);
    }
  }
  curl_url_cleanup(root);
}

bool UrlResolver::SetBase(std::string_view href) {
  const std::string url = Resolve(href);
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) return false;
  CURLU* h = curl_url();
  if (h == nullptr) return false;
  if (curl_url_set(h, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    curl_url_cleanup(h);
    return false;
  }
  if (base_ != nullptr) curl_url_cleanup(base_);
  base_ = h;
  SetOrigin();
  return true;
}

std::string UrlResolver::Resolve(std::string_view raw) const {
  std::string href = Clean(raw);
  if (href.empty() || href[0] == '#') return {};
  const size_t scheme_len = SchemeLength(href);
  if (scheme_len > 0) {
    std::string scheme = href.substr(0, scheme_len);
    for (char& c : scheme) c = AsciiLower(c);
    if (scheme == "javascript" || scheme == "data" || scheme == "vbscript" || scheme == "about" ||
        scheme == "blob") {
      return {};
    }
    if (scheme != "http" && scheme != "https") return href;
    // Shortcut: an absolute http(s) URL with a path that curl would print unchanged.
    const size_t slashes = scheme_len + 1;
    if (href.compare(0, scheme_len, scheme) == 0 && href.compare(slashes, 2, "//") == 0) {
      const size_t path = href.find('/', slashes + 2);
      const size_t query = href.find_first_of("?#", slashes + 2);
      if (path != std::string::npos && (query == std::string::npos || path < query) &&
          PlainAuthority(href, slashes + 2, path) && NoDotSegments(href, path)) {
        return href;
      }
    }
  } else if (!origin_.empty() && href.size() >= 1 && href[0] == '/' && (href.size() == 1 || href[1] != '/') &&
             NoDotSegments(href, 0)) {
    return origin_ + href;  // root-relative path against an http(s) base
  }
  CURLU* h = base_ != nullptr ? curl_url_dup(base_) : curl_url();
  if (h == nullptr) return {};
  std::string out;
  if (curl_url_set(h, CURLUPART_URL, href.c_str(), 0) == CURLUE_OK) out = CurlGet(h);
  curl_url_cleanup(h);
  return out;
}

}  // namespace adwatch::extract
