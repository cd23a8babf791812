#include "adwatch/crawler/sitemaps.h"

#include <cstring>
#include <utility>

#include "adwatch/crawler/url.h"

namespace adwatch::crawler {

SitemapContent ParseSitemap(std::string_view xml, std::string_view sitemap_url, size_t max_urls) {
  SitemapContent out;
  out.index = xml.find("<sitemapindex") != std::string_view::npos;
  size_t pos = 0;
  size_t read = 0;
  while (read < max_urls) {
    const size_t b = xml.find("<loc>", pos);
    if (b == std::string_view::npos) break;
    const size_t e = xml.find("</loc>", b + 5);
    if (e == std::string_view::npos) break;
    pos = e + 6;
    ++read;
    std::string loc(xml.substr(b + 5, e - b - 5));
    // Unescape the XML entities a URL may carry; "&amp;" last, so that "&amp;lt;" stays "&lt;".
    for (auto [ent, ch] :
         {std::pair{"&lt;", "<"}, std::pair{"&gt;", ">"}, std::pair{"&quot;", "\""},
          std::pair{"&apos;", "'"}, std::pair{"&amp;", "&"}}) {
      for (size_t p = loc.find(ent); p != std::string::npos; p = loc.find(ent, p + 1)) {
        loc.replace(p, std::strlen(ent), ch);
      }
    }
    const size_t first = loc.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) continue;
    const size_t last = loc.find_last_not_of(" \t\r\n");
    auto url = ResolveUrl(sitemap_url, loc.substr(first, last - first + 1));
    if (url) out.urls.push_back(std::move(*url));
  }
  return out;
}

bool Sitemaps::Queue(Host& h, const std::string& host_key, std::string url,
                     const std::string& source) {
  if (static_cast<int>(h.seen.size()) >= options_.max_per_host) return false;
  if (HostKey(url) != host_key || !h.seen.insert(url).second) return false;
  h.pending.push_back(SitemapFetch{std::move(url), source});
  return true;
}

int Sitemaps::AddFromRobots(const std::string& host_key, const std::string& origin,
                            const std::vector<std::string>& robots_sitemaps,
                            const std::string& source) {
  Host& h = hosts_[host_key];
  int queued = 0;
  for (const std::string& sm : robots_sitemaps) {
    auto url = ResolveUrl(origin + "/", sm);
    if (url && Queue(h, host_key, std::move(*url), source)) ++queued;
  }
  return queued;
}

int Sitemaps::AddFromIndex(const std::string& host_key, const std::vector<std::string>& urls,
                           const std::string& source) {
  Host& h = hosts_[host_key];
  int queued = 0;
  for (const std::string& url : urls) {
    if (Queue(h, host_key, url, source)) ++queued;
  }
  return queued;
}

std::optional<SitemapFetch> Sitemaps::Next(const std::string& host_key) {
  auto it = hosts_.find(host_key);
  if (it == hosts_.end() || it->second.pending.empty()) return std::nullopt;
  SitemapFetch f = std::move(it->second.pending.front());
  it->second.pending.pop_front();
  return f;
}

bool Sitemaps::HasPending(const std::string& host_key) const {
  auto it = hosts_.find(host_key);
  return it != hosts_.end() && !it->second.pending.empty();
}

}  // namespace adwatch::crawler
