#include "adwatch/crawler/robots.h"

#include <catch2/catch.hpp>

using adwatch::crawler::RobotsPatternMatches;
using adwatch::crawler::RobotsTxt;

TEST_CASE("robots.txt groups, longest match and wildcards", "[crawler]") {
  const auto r = RobotsTxt::Parse(
      "# comment\n"
      "User-agent: *\n"
      "Disallow: /private/\n"
      "Allow: /private/open/\n"
      "Disallow: /*.pdf$\n"
      "Crawl-delay: 3\n"
      "\n"
      "User-agent: AdWatch\n"
      "User-agent: otherbot\n"
      "Disallow: /nope\n"
      "Allow: /nope/yes\n"
      "Crawl-delay: 0.5\n"
      "Sitemap: https://example.com/sitemap.xml\n");
  const char* ua = "adwatch/0.1 (+https://example.org)";
  CHECK_FALSE(r.IsAllowed("/nope/x", ua));
  CHECK(r.IsAllowed("/nope/yes/1", ua));
  CHECK(r.IsAllowed("/private/x", ua));  // our own group replaces '*'
  CHECK(*r.CrawlDelaySeconds(ua) == Approx(0.5));
  CHECK_FALSE(r.IsAllowed("/private/x", "SomeBot/1.0"));
  CHECK(r.IsAllowed("/private/open/x", "SomeBot/1.0"));
  CHECK_FALSE(r.IsAllowed("/docs/a.pdf", "SomeBot/1.0"));
  CHECK(r.IsAllowed("/docs/a.pdf?x=1", "SomeBot/1.0"));
  CHECK(*r.CrawlDelaySeconds("SomeBot") == Approx(3));
  CHECK(r.sitemaps() == std::vector<std::string>{"https://example.com/sitemap.xml"});
  CHECK(r.IsAllowed("/robots.txt", "SomeBot"));
}

TEST_CASE("An empty or missing robots.txt allows everything, junk is skipped", "[crawler]") {
  CHECK(RobotsTxt().IsAllowed("/anything", "adwatch"));
  const auto r = RobotsTxt::Parse("\xEF\xBB\xBFgarbage line\nDisallow: /before-any-agent\nUser-agent: *\nDisallow:\n");
  CHECK(r.IsAllowed("/before-any-agent", "adwatch"));
  CHECK(r.IsAllowed("/x", "adwatch"));
}

TEST_CASE("Allow wins a tie, patterns match as prefixes unless anchored", "[crawler]") {
  const auto r = RobotsTxt::Parse("User-agent: *\nDisallow: /a\nAllow: /a\nDisallow: /b$\n");
  CHECK(r.IsAllowed("/a/x", "x"));
  CHECK_FALSE(r.IsAllowed("/b", "x"));
  CHECK(r.IsAllowed("/bb", "x"));
  CHECK(RobotsPatternMatches("/*/jobs/*.html$", "/id/jobs/7.html"));
  CHECK_FALSE(RobotsPatternMatches("/*/jobs/*.html$", "/id/jobs/7.html?x"));
  CHECK(RobotsPatternMatches("*", "/anything"));
}
