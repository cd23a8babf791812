#include "crawl_config.h"

#include <charconv>
#include <filesystem>

#include "adwatch/common/names.h"

namespace adwatch::app {
namespace fs = std::filesystem;

Result<int64_t> ParseDurationMs(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  if (i == 0) return Status::InvalidArgument("duration", "expected e.g. 90s, 30m, 6h, 2d: '" + std::string(text) + "'");
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + i, v);
  if (ec != std::errc() || p != text.data() + i) {
    return Status::InvalidArgument("duration", "not a number: '" + std::string(text) + "'");
  }
  const std::string_view unit = text.substr(i);
  double ms = 0;
  if (unit == "ms") {
    ms = v;
  } else if (unit.empty() || unit == "s") {
    ms = v * 1000;
  } else if (unit == "m" || unit == "min") {
    ms = v * 60'000;
  } else if (unit == "h") {
    ms = v * 3'600'000;
  } else if (unit == "d") {
    ms = v * 86'400'000;
  } else {
    return Status::InvalidArgument("duration", "unknown unit '" + std::string(unit) + "' (use ms, s, m, h, d)");
  }
  return static_cast<int64_t>(ms);
}

namespace {

Status ReadDuration(YamlMap& m, std::string_view key, int64_t& ms) {
  std::string text;
  ADWATCH_RETURN_IF_ERROR(m.Read(key, text));
  if (!m.Has(key)) return Status::OK();
  auto d = ParseDurationMs(text);
  if (!d) return m.Error(key, d.error().message());
  ms = *d;
  return Status::OK();
}

}  // namespace

Status ParseCrawl(const std::string& file, YamlMap& top, const std::string& base, CrawlConfig& c) {
  YAML::Node n = top.Child("crawl");
  YamlMap m(file, n, "crawl");
  ADWATCH_RETURN_IF_ERROR(m.CheckIsMap());
  auto& cr = c.crawler;
  auto& f = c.fetcher;
  ADWATCH_RETURN_IF_ERROR(m.Read("user_agent", cr.user_agent));
  std::string seeds;
  ADWATCH_RETURN_IF_ERROR(m.Read("seeds", seeds));
  if (!seeds.empty()) c.seeds = ResolvePath(base, seeds);
  ADWATCH_RETURN_IF_ERROR(m.Read("host_connections", cr.default_host_connections));
  ADWATCH_RETURN_IF_ERROR(m.Read("host_delay_ms", cr.default_host_delay_ms));
  ADWATCH_RETURN_IF_ERROR(m.Read("max_in_flight", cr.max_in_flight));
  ADWATCH_RETURN_IF_ERROR(m.Read("max_retries", cr.max_retries));
  ADWATCH_RETURN_IF_ERROR(m.Read("retry_base_ms", cr.retry_base_ms));
  ADWATCH_RETURN_IF_ERROR(m.Read("max_host_backoff_ms", cr.max_host_backoff_ms));
  ADWATCH_RETURN_IF_ERROR(m.Read("max_retry_after_s", cr.max_retry_after_s));
  ADWATCH_RETURN_IF_ERROR(m.Read("robots_ttl_s", cr.robots_ttl_s));
  ADWATCH_RETURN_IF_ERROR(m.Read("max_redirects", cr.max_redirects));
  ADWATCH_RETURN_IF_ERROR(m.Read("use_sitemaps", cr.use_sitemaps));
  ADWATCH_RETURN_IF_ERROR(m.Read("connect_timeout_ms", f.connect_timeout_ms));
  ADWATCH_RETURN_IF_ERROR(m.Read("total_timeout_ms", f.total_timeout_ms));
  ADWATCH_RETURN_IF_ERROR(m.Read("max_body_bytes", f.max_body_bytes));
  ADWATCH_RETURN_IF_ERROR(m.Read("verify_tls", f.verify_tls));
  ADWATCH_RETURN_IF_ERROR(m.Read("allowed_private_ranges", f.allowed_private_ranges));
  ADWATCH_RETURN_IF_ERROR(m.Read("workers", c.workers));
  int64_t queue = static_cast<int64_t>(c.queue_capacity);
  ADWATCH_RETURN_IF_ERROR(m.Read("queue_capacity", queue));
  if (queue < 1) return m.Error("queue_capacity", "must be at least 1");
  c.queue_capacity = static_cast<size_t>(queue);
  if (c.workers < 1 || c.workers > 64) return m.Error("workers", "must be between 1 and 64");
  std::string every;
  ADWATCH_RETURN_IF_ERROR(m.Read("maintenance_every", every));
  if (!every.empty()) {
    auto ms = ParseDurationMs(every);
    if (!ms) return m.Error("maintenance_every", ms.error().message());
    c.maintenance_every_ms = *ms;
  }
  std::string backup_dir;
  ADWATCH_RETURN_IF_ERROR(m.Read("backup_dir", backup_dir));
  if (!backup_dir.empty()) c.backup_dir = ResolvePath(base, backup_dir);
  ADWATCH_RETURN_IF_ERROR(m.Read("backup_keep", c.backup_keep));
  if (c.backup_keep < 0) return m.Error("backup_keep", "must not be negative (0 keeps every backup)");
  ADWATCH_RETURN_IF_ERROR(m.Finish());
  // The fetcher's user agent and connection caps follow from these when the crawl starts
  // (RunCrawlWithSignals), after the command line has had its say.
  if (Status s = crawler::Validate(cr); !s.ok()) return Status::InvalidArgument(m.Where() + ": crawl", s.message());
  if (Status s = crawler::Validate(f); !s.ok()) return Status::InvalidArgument(m.Where() + ": crawl", s.message());
  return Status::OK();
}

Result<std::vector<crawler::SourceConfig>> LoadSeeds(const std::string& path) {
  auto root = LoadYamlFile(path);
  if (!root) return root.error();
  YamlMap top(path, *root, "");
  ADWATCH_RETURN_IF_ERROR(top.CheckIsMap());
  YAML::Node list = top.Child("sources");
  ADWATCH_RETURN_IF_ERROR(top.Finish());
  if (!list.IsSequence()) return top.Error("sources", "expected a list of sources");
  std::vector<crawler::SourceConfig> out;
  for (const auto& node : list) {
    crawler::SourceConfig s;
    YamlMap m(path, node, "sources[" + std::to_string(out.size()) + "]");
    ADWATCH_RETURN_IF_ERROR(m.CheckIsMap());
    ADWATCH_RETURN_IF_ERROR(m.Read("name", s.name, /*required=*/true));
    std::string kind = "generic";
    ADWATCH_RETURN_IF_ERROR(
        m.ReadEnum("kind", kind, {"generic", "job_board", "channel_preview", "classifieds", "social_post"}));
    s.kind = *ParseSourceKind(kind);
    ADWATCH_RETURN_IF_ERROR(m.Read("start_urls", s.start_urls, /*required=*/true));
    ADWATCH_RETURN_IF_ERROR(m.Read("allowed_hosts", s.allowed_hosts));
    ADWATCH_RETURN_IF_ERROR(m.Read("allow", s.allow_patterns));
    ADWATCH_RETURN_IF_ERROR(m.Read("deny", s.deny_patterns));
    ADWATCH_RETURN_IF_ERROR(m.Read("ad_pages", s.ad_page_pattern));
    ADWATCH_RETURN_IF_ERROR(m.Read("listing_pages", s.listing_pattern));
    ADWATCH_RETURN_IF_ERROR(m.Read("max_depth", s.max_depth));
    ADWATCH_RETURN_IF_ERROR(m.Read("max_pages", s.max_pages));
    int64_t revisit_ms = 0;
    ADWATCH_RETURN_IF_ERROR(ReadDuration(m, "revisit", revisit_ms));
    s.revisit_interval_s = revisit_ms / 1000;
    ADWATCH_RETURN_IF_ERROR(m.Read("region", s.region_hint));
    ADWATCH_RETURN_IF_ERROR(m.Read("host_connections", s.host_connections));
    ADWATCH_RETURN_IF_ERROR(m.Read("host_delay_ms", s.host_delay_ms));
    ADWATCH_RETURN_IF_ERROR(m.Read("proxy", s.proxy));
    ADWATCH_RETURN_IF_ERROR(m.Finish());
    if (Status v = crawler::Validate(s); !v.ok()) return Status::InvalidArgument(m.Where(), v.message());
    out.push_back(std::move(s));
  }
  return out;
}

void AddSourcePatterns(const std::vector<crawler::SourceConfig>& sources, extract::ExtractOptions& extract) {
  for (const auto& s : sources) {
    if (s.ad_page_pattern.empty() && s.listing_pattern.empty()) continue;
    extract::SourcePatterns p;
    p.source = s.name;
    if (!s.ad_page_pattern.empty()) p.ad_urls.push_back(s.ad_page_pattern);
    if (!s.listing_pattern.empty()) p.listing_urls.push_back(s.listing_pattern);
    extract.sources.push_back(std::move(p));
  }
}

}  // namespace adwatch::app
