// Sitemaps: what a sitemap lists, and which sitemaps of a host are fetched.
#include "adwatch/crawler/sitemaps.h"

#include <catch2/catch.hpp>

using namespace adwatch::crawler;

TEST_CASE("A sitemap's <loc> entries come back unescaped, trimmed, resolved and canonical",
          "[crawler][sitemaps]") {
  const std::string xml = R"(<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc> https://loker.example.id/lowongan/1?a=1&amp;b=2 </loc></url>
  <url><loc>
    /lowongan/2#top
  </loc></url>
  <url><loc>https://loker.example.id/q?x=&amp;lt;</loc></url>
  <url><loc>ftp://loker.example.id/file</loc></url>
  <url><loc>   </loc></url>
</urlset>)";
  SitemapContent c = ParseSitemap(xml, "https://loker.example.id/sitemap.xml", 100);
  CHECK_FALSE(c.index);
  CHECK(c.urls == std::vector<std::string>{"https://loker.example.id/lowongan/1?a=1&b=2",
                                           "https://loker.example.id/lowongan/2",
                                           "https://loker.example.id/q?x=&lt;"});
}

TEST_CASE("A sitemap is read up to its limit, and junk yields nothing", "[crawler][sitemaps]") {
  std::string xml = "<urlset>";
  for (int i = 0; i < 10; ++i) xml += "<url><loc>/p" + std::to_string(i) + "</loc></url>";
  xml += "</urlset>";
  CHECK(ParseSitemap(xml, "https://a.test/s.xml", 4).urls.size() == 4);
  CHECK(ParseSitemap("<html>not a sitemap</html>", "https://a.test/s.xml", 100).urls.empty());
  CHECK(ParseSitemap("<urlset><url><loc>/never-closed", "https://a.test/s.xml", 100).urls.empty());
}

TEST_CASE("A sitemap index is recognised", "[crawler][sitemaps]") {
  SitemapContent c = ParseSitemap(
      "<sitemapindex><sitemap><loc>/s1.xml</loc></sitemap><sitemap><loc>/s2.xml</loc></sitemap>"
      "</sitemapindex>",
      "https://a.test/index.xml", 100);
  CHECK(c.index);
  CHECK(c.urls == std::vector<std::string>{"https://a.test/s1.xml", "https://a.test/s2.xml"});
}

TEST_CASE("Only a host's own sitemaps are queued, each once, up to the cap",
          "[crawler][sitemaps]") {
  Sitemaps sitemaps(SitemapOptions{.max_per_host = 3, .max_urls_per_sitemap = 100});
  const std::string host = "a.test:443";
  CHECK(sitemaps.AddFromRobots(host, "https://a.test",
                               {"/s1.xml", "https://a.test/s1.xml", "https://other.test/s.xml",
                                "http://a.test/s.xml", "https://a.test/s2.xml"},
                               "board") == 2);
  CHECK(sitemaps.HasPending(host));
  CHECK_FALSE(sitemaps.HasPending("other.test:443"));
  CHECK(sitemaps.AddFromIndex(host, {"https://a.test/s3.xml", "https://a.test/s4.xml"}, "board") ==
        1);
  std::vector<std::string> order;
  while (auto f = sitemaps.Next(host)) {
    CHECK(f->source == "board");
    order.push_back(f->url);
  }
  CHECK(order == std::vector<std::string>{"https://a.test/s1.xml", "https://a.test/s2.xml",
                                          "https://a.test/s3.xml"});
  // Fetched ones count towards the cap too, and are not queued again.
  CHECK(sitemaps.AddFromRobots(host, "https://a.test", {"/s1.xml", "/s9.xml"}, "board") == 0);
  CHECK_FALSE(sitemaps.Next(host).has_value());
}
