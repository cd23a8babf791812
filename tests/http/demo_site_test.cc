// The demo site (examples/site) served by StaticSiteServer: everything reachable from "/", no
// broken links, the disallowed folder never linked-to in vain, the structures the crawler and
// extractor rely on present. Keeps the site honest as it is edited.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "adwatch/http/static_site_server.h"
#include "support/curl_client.h"

namespace adwatch::http {
namespace {

using adwatch::testing::CurlClient;
using adwatch::testing::CurlRequest;
using adwatch::testing::CurlResult;

namespace fs = std::filesystem;

const fs::path kSite = fs::path(ADWATCH_SOURCE_DIR) / "examples" / "site";

// The text between every `open` and the following `close` in `text`, in order.
std::vector<std::string> Between(const std::string& text, const std::string& open,
                                 const std::string& close) {
  std::vector<std::string> out;
  for (size_t p = text.find(open); p != std::string::npos; p = text.find(open, p + 1)) {
    const size_t start = p + open.size();
    const size_t end = text.find(close, start);
    if (end == std::string::npos) break;
    out.push_back(text.substr(start, end - start));
  }
  return out;
}

// Root-relative links of an HTML page (href="/..."), with HTML's &amp; undone.
std::vector<std::string> Links(const std::string& html) {
  std::vector<std::string> out;
  for (std::string link : Between(html, "href=\"/", "\"")) {
    link.insert(0, "/");
    for (size_t p; (p = link.find("&amp;")) != std::string::npos;) link.replace(p, 5, "&");
    out.push_back(link);
  }
  return out;
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1))
    ++n;
  return n;
}

struct Crawl {
  std::map<std::string, CurlResult> pages;  // by path, every page fetched
  std::set<std::string> disallowed_links;   // links into /internal/, not followed
};

// Breadth-first over root-relative links from "/", never entering /internal/.
Crawl CrawlSite(const std::string& base) {
  Crawl crawl;
  CurlClient client;
  std::vector<std::string> queue = {"/"};
  std::set<std::string> seen = {"/"};
  while (!queue.empty()) {
    const std::string path = queue.front();
    queue.erase(queue.begin());
    CurlRequest request;
    request.url = base + path;
    CurlResult r = client.Fetch(request);
    const bool html = r.Header("Content-Type").value_or("").rfind("text/html", 0) == 0;
    if (html) {
      for (const std::string& link : Links(r.body)) {
        if (link.rfind("/internal/", 0) == 0) {
          crawl.disallowed_links.insert(link);
          continue;
        }
        if (seen.insert(link).second) queue.push_back(link);
      }
    }
    crawl.pages.emplace(path, std::move(r));
  }
  return crawl;
}

TEST_CASE("Demo site: every page is reachable from / and every link works", "[http][demo]") {
  StaticSiteOptions options;
  options.root = kSite.string();
  auto server = StaticSiteServer::Start(options);
  REQUIRE(server.has_value());
  const Crawl crawl = CrawlSite((*server)->base_url());

  for (const auto& [path, r] : crawl.pages) {
    INFO(path);
    CHECK(r.status == 200);
  }
  // Every HTML file outside /internal/ was reached (the channel's older page by its query).
  for (const auto& entry : fs::recursive_directory_iterator(kSite)) {
    if (entry.path().extension() != ".html") continue;
    std::string rel = "/" + fs::relative(entry.path(), kSite).generic_string();
    if (rel.rfind("/internal/", 0) == 0) continue;
    INFO(rel);
    std::string url = rel;
    if (const size_t at = url.find("index@"); at != std::string::npos) {
      url = url.substr(0, at - 1) + "?" + url.substr(at + 6, url.size() - at - 6 - 5);
    } else if (url.size() >= 11 && url.ends_with("/index.html")) {
      url = url.substr(0, url.size() - 10);
    }
    if (url == "/s/lokerasia_demo/") url = "/s/lokerasia_demo";
    CHECK(crawl.pages.count(url) == 1);
  }
  // The disallowed folder is linked to (so robots.txt matters) and was never requested here.
  CHECK(crawl.disallowed_links.count("/internal/") == 1);
  for (const auto& record : (*server)->requests()) CHECK(record.target.rfind("/internal", 0) != 0);
}

TEST_CASE("Demo site: robots.txt, sitemap and size", "[http][demo]") {
  StaticSiteOptions options;
  options.root = kSite.string();
  auto server = StaticSiteServer::Start(options);
  REQUIRE(server.has_value());
  CurlClient client;
  CurlRequest request;
  request.url = (*server)->base_url() + "/robots.txt";
  const CurlResult robots = client.Fetch(request);
  CHECK(robots.status == 200);
  CHECK(robots.body.find("Disallow: /internal/\n") != std::string::npos);
  CHECK(robots.body.find("Sitemap: /sitemap.xml\n") != std::string::npos);

  request.url = (*server)->base_url() + "/sitemap.xml";
  const CurlResult sitemap = client.Fetch(request);
  CHECK(sitemap.Header("Content-Type") == "application/xml");
  int locs = 0;
  for (const std::string& loc : Between(sitemap.body, "<loc>", "</loc>")) {
    ++locs;
    CurlRequest page;
    page.url = (*server)->base_url() + loc;
    INFO(page.url);
    CHECK(client.Fetch(page).status == 200);
  }
  CHECK(locs >= 20);

  uintmax_t bytes = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kSite)) {
    if (entry.is_regular_file()) bytes += entry.file_size();
  }
  CHECK(bytes < 300 * 1024);
}

TEST_CASE("Demo site: job pages, channel pages and news carry their structures", "[http][demo]") {
  StaticSiteOptions options;
  options.root = kSite.string();
  auto server = StaticSiteServer::Start(options);
  REQUIRE(server.has_value());
  const Crawl crawl = CrawlSite((*server)->base_url());

  int postings = 0;
  for (const auto& [path, r] : crawl.pages) {
    if (path.rfind("/lowongan/", 0) != 0 || path == "/lowongan/" ||
        path.find("halaman") != std::string::npos) {
      continue;
    }
    INFO(path);
    CHECK(Count(r.body, "\"@type\": \"JobPosting\"") == 1);
    CHECK(r.body.find("application/ld+json") != std::string::npos);
    ++postings;
  }
  CHECK(postings == 12);

  const std::string& listing = crawl.pages.at("/lowongan/").body;
  CHECK(listing.find("<link rel=\"next\" href=\"/lowongan/halaman-2.html\">") != std::string::npos);

  const std::string& channel = crawl.pages.at("/s/lokerasia_demo").body;
  const std::string& older = crawl.pages.at("/s/lokerasia_demo?before=95").body;
  CHECK(Count(channel, "class=\"tgme_widget_message ") == 8);
  CHECK(Count(older, "class=\"tgme_widget_message ") == 6);
  CHECK(channel.find("data-post=\"lokerasia_demo/108\"") != std::string::npos);
  CHECK(older.find("data-post=\"lokerasia_demo/95\"") != std::string::npos);
  CHECK(channel.find("class=\"tme_messages_more js-messages_more\" data-before=\"95\"") !=
        std::string::npos);
  CHECK(older.find("tme_messages_more") == std::string::npos);
  CHECK(channel.find("tgme_widget_message_forwarded_from_name") != std::string::npos);
  CHECK(channel.find("tgme_widget_message_link_preview") != std::string::npos);
  CHECK(channel.find("<span class=\"tgme_widget_message_views\">1.2K</span>") != std::string::npos);
  CHECK(Count(channel, "<time datetime=\"2026-") == 8);

  const std::string& news =
      crawl.pages.at("/berita/2026/polda-gagalkan-pengiriman-pmi-ke-kamboja.html").body;
  CHECK(news.find("\"@type\": \"NewsArticle\"") != std::string::npos);
  CHECK(news.find("<meta property=\"og:type\" content=\"article\">") != std::string::npos);
  for (const char* keyword :
       {"TPPO", "Kamboja", "Myawaddy", "admin", "customer service", "15 juta", "tiket",
        "visa turis", "paspor", "WhatsApp", "Telegram", "judi online", "tersangka"}) {
    INFO(keyword);
    CHECK(news.find(keyword) != std::string::npos);
  }
  const std::string& awareness =
      crawl.pages.at("/waspada/kenali-modus-lowongan-kerja-palsu.html").body;
  CHECK(awareness.find("<meta property=\"og:type\" content=\"article\">") != std::string::npos);
}

}  // namespace
}  // namespace adwatch::http
