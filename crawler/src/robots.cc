#include "adwatch/crawler/robots.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace adwatch::crawler {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// The product token of a user agent string: "adwatch/0.1 (+url)" → "adwatch".
std::string ProductToken(std::string_view ua) {
  size_t end = 0;
  while (end < ua.size() && (std::isalnum(static_cast<unsigned char>(ua[end])) || ua[end] == '-' || ua[end] == '_')) {
    ++end;
  }
  return Lower(ua.substr(0, end));
}

}  // namespace

bool RobotsPatternMatches(std::string_view pattern, std::string_view path) {
  bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  // Iterative glob with backtracking over the last '*': linear enough for robots patterns.
  size_t p = 0, s = 0, star = std::string_view::npos, mark = 0;
  while (s < path.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = s;
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (p == pattern.size() && !anchored) {
      return true;  // a prefix match is enough without '$'
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

RobotsTxt RobotsTxt::Parse(std::string_view text, size_t max_bytes) {
  RobotsTxt r;
  if (text.size() > max_bytes) text = text.substr(0, max_bytes);
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  Group* current = nullptr;
  bool last_was_agent = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find_first_of("\r\n", pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string key = Lower(Trim(line.substr(0, colon)));
    const std::string_view value = Trim(line.substr(colon + 1));
    if (key == "user-agent" || key == "useragent" || key == "user agent") {
      if (!last_was_agent || current == nullptr) {
        r.groups_.emplace_back();
        current = &r.groups_.back();
      }
      current->agents.push_back(value == "*" ? "*" : ProductToken(value));
      last_was_agent = true;
      continue;
    }
    if (key == "sitemap") {
      if (!value.empty()) r.sitemaps_.emplace_back(value);
      continue;  // not part of any group
    }
    last_was_agent = false;
    if (current == nullptr) continue;  // rules before any user-agent line
    if (key == "allow" || key == "disallow") {
      if (value.empty()) continue;  // "Disallow:" with nothing allows everything
      current->rules.push_back({key == "allow", std::string(value)});
    } else if (key == "crawl-delay") {
      char* end = nullptr;
      const std::string v(value);
      const double d = std::strtod(v.c_str(), &end);
      if (end != v.c_str() && d >= 0 && d < 86400) current->crawl_delay = d;
    }
  }
  return r;
}

const RobotsTxt::Group* RobotsTxt::GroupFor(std::string_view user_agent) const {
  const std::string token = ProductToken(user_agent);
  const Group* best = nullptr;
  size_t best_len = 0;
  const Group* star = nullptr;
  for (const Group& g : groups_) {
    for (const std::string& a : g.agents) {
      if (a == "*") {
        if (!star) star = &g;
      } else if (!a.empty() && token.compare(0, a.size(), a) == 0 && a.size() > best_len) {
        best = &g;
        best_len = a.size();
      }
    }
  }
  return best ? best : star;
}

bool RobotsTxt::IsAllowed(std::string_view path_and_query, std::string_view user_agent) const {
  if (path_and_query == "/robots.txt") return true;
  const Group* g = GroupFor(user_agent);
  if (g == nullptr) return true;
  size_t best_len = 0;
  bool allowed = true, matched = false;
  for (const Rule& rule : g->rules) {
    if (!RobotsPatternMatches(rule.pattern, path_and_query)) continue;
    const size_t len = rule.pattern.size();
    if (!matched || len > best_len || (len == best_len && rule.allow)) {
      best_len = len;
      allowed = rule.allow;
      matched = true;
    }
  }
  return allowed;
}

std::optional<double> RobotsTxt::CrawlDelaySeconds(std::string_view user_agent) const {
  const Group* g = GroupFor(user_agent);
  return g ? g->crawl_delay : std::nullopt;
}

}  // namespace adwatch::crawler
