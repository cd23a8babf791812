// Sitemaps: the sitemaps a host's robots.txt names, waiting to be fetched, and what a fetched
// sitemap holds. Only a host's own sitemaps are read (a sitemap on another host could name any
// URL as the host's), at most max_per_host per host and run, each at most once; the URLs they list
// go through scope and dedup like any link. A sitemap index adds its own-host sitemaps to the
// host's list under the same cap.
// Not thread-safe: the crawler uses it from its scheduling thread. ParseSitemap is pure.
#ifndef ADWATCH_CRAWLER_SITEMAPS_H_
#define ADWATCH_CRAWLER_SITEMAPS_H_

#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace adwatch::crawler {

struct SitemapOptions {
  // Sitemaps fetched per host and run, index sitemaps included. Some sites list hundreds; the
  // first ones normally hold the recent pages.
  int max_per_host = 20;
  // <loc> entries read from one sitemap; the protocol's own limit is 50,000.
  size_t max_urls_per_sitemap = 50'000;
};

// What one sitemap holds.
struct SitemapContent {
  bool index = false;             // a <sitemapindex>: `urls` are further sitemaps
  std::vector<std::string> urls;  // canonical absolute URLs, in document order
};

// Reads the <loc> entries of the sitemap (or sitemap index) `xml`, fetched from `sitemap_url`:
// XML entities unescaped, surrounding blanks trimmed, each resolved against `sitemap_url` and
// canonicalised; entries that do not resolve to an http(s) URL are skipped. Stops after
// `max_urls` entries. Never fails: a body that is no sitemap yields no URLs.
SitemapContent ParseSitemap(std::string_view xml, std::string_view sitemap_url, size_t max_urls);

// One sitemap to fetch.
struct SitemapFetch {
  std::string url;     // canonical
  std::string source;  // the source whose robots.txt (or index) named it
};

class Sitemaps {
 public:
  explicit Sitemaps(SitemapOptions options = {}) : options_(options) {}

  // Queues the sitemaps `robots_sitemaps` (as written in the robots.txt of the host `host_key`,
  // served at `origin`, e.g. "https://example.com:443") that lie on that host, until the host's
  // cap is reached. Returns how many were queued.
  int AddFromRobots(const std::string& host_key, const std::string& origin,
                    const std::vector<std::string>& robots_sitemaps, const std::string& source);

  // Queues the sitemaps a sitemap index of `host_key` listed (canonical URLs) that lie on that
  // host, until the cap. Returns how many were queued.
  int AddFromIndex(const std::string& host_key, const std::vector<std::string>& urls,
                   const std::string& source);

  // Takes the next sitemap of `host_key` to fetch, or nullopt when none waits.
  std::optional<SitemapFetch> Next(const std::string& host_key);

  // True when a sitemap of `host_key` waits to be fetched.
  bool HasPending(const std::string& host_key) const;

 private:
  struct Host {
    std::deque<SitemapFetch> pending;
    std::set<std::string> seen;  // queued this run, fetched or not
  };
  bool Queue(Host& h, const std::string& host_key, std::string url, const std::string& source);

  SitemapOptions options_;
  std::map<std::string, Host> hosts_;
};

}  // namespace adwatch::crawler

#endif  // ADWATCH_CRAWLER_SITEMAPS_H_
