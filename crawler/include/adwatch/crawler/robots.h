// robots.txt (RFC 9309): groups by user agent, Allow/Disallow with '*' and '$', the longest match
// winning, Crawl-delay and Sitemap lines. Parsing never fails: lines it does not understand are
// skipped, as the RFC asks. An immutable RobotsTxt is thread-safe.
#ifndef ADWATCH_CRAWLER_ROBOTS_H_
#define ADWATCH_CRAWLER_ROBOTS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adwatch::crawler {

class RobotsTxt {
 public:
  // Everything allowed: what a missing robots.txt (4xx) means.
  RobotsTxt() = default;

  // Parses the body of a robots.txt. At most `max_bytes` are read (RFC 9309 asks for at least
  // 500 KiB to be honoured); the rest is ignored.
  static RobotsTxt Parse(std::string_view text, size_t max_bytes = 512 * 1024);

  // True when `path_and_query` ("/jobs/1?x=2") may be fetched by `user_agent` (our product token,
  // e.g. "adwatch"). The group for the longest user-agent token that `user_agent` starts with
  // (case-insensitive) applies, else the "*" group, else everything is allowed. Among that
  // group's rules the longest matching pattern wins; on a tie Allow wins. "/robots.txt" is always
  // allowed.
  bool IsAllowed(std::string_view path_and_query, std::string_view user_agent) const;

  // The Crawl-delay of the applicable group in seconds, or nullopt.
  std::optional<double> CrawlDelaySeconds(std::string_view user_agent) const;

  // Sitemap URLs named anywhere in the file, as written.
  const std::vector<std::string>& sitemaps() const { return sitemaps_; }

 private:
  struct Rule {
    bool allow;
    std::string pattern;  // may hold '*' and end with '$'
  };
  struct Group {
    std::vector<std::string> agents;  // lower-case product tokens, "*" for any
    std::vector<Rule> rules;
    std::optional<double> crawl_delay;
  };
  const Group* GroupFor(std::string_view user_agent) const;

  std::vector<Group> groups_;
  std::vector<std::string> sitemaps_;
};

// True when `path` matches a robots.txt `pattern` ('*' any run of characters, a final '$' the end).
bool RobotsPatternMatches(std::string_view pattern, std::string_view path);

}  // namespace adwatch::crawler

#endif  // ADWATCH_CRAWLER_ROBOTS_H_
