// The crawl section of adwatch.yaml and the sources file (seeds.yaml). See
// docs/configuration.md and examples/seeds.yaml.
#ifndef ADWATCH_APP_CRAWL_CONFIG_H_
#define ADWATCH_APP_CRAWL_CONFIG_H_

#include <string>
#include <vector>

#include "adwatch/common/status.h"
#include "adwatch/common/yaml.h"
#include "adwatch/crawler/crawler.h"
#include "adwatch/crawler/fetcher.h"
#include "adwatch/extract/extract.h"
#include "images_config.h"

namespace adwatch::app {

struct CrawlConfig {
  crawler::CrawlerOptions crawler;  // sources come from the seeds file
  crawler::FetcherOptions fetcher;
  extract::ExtractOptions extract;  // per-source URL patterns come from the seeds file
  int workers = 2;                  // pipeline threads
  size_t queue_capacity = 32;       // pages waiting for a worker
  std::string seeds;                // path of seeds.yaml, "" for none
  // Upkeep while a crawl runs (it holds the database, so `adwatch prune` and `adwatch backup`
  // cannot): at the start and then every maintenance_every_ms, retention (when
  // storage.retention_days > 0) and a backup into backup_dir (when set), keeping backup_keep.
  int64_t maintenance_every_ms = 24LL * 3600 * 1000;  // 0: never
  std::string backup_dir;
  int backup_keep = 7;
  // The top-level `images:` section: fetching and reading the images of ads (docs/posters.md).
  ImagesConfig images;
};

// Reads the `crawl:` mapping of adwatch.yaml into `c`. Paths are taken relative to `base`.
Status ParseCrawl(const std::string& file, YamlMap& top, const std::string& base, CrawlConfig& c);

// Reads a seeds.yaml: `sources:`, a list of sources (docs/configuration.md). Errors name the
// file, line and key.
Result<std::vector<crawler::SourceConfig>> LoadSeeds(const std::string& path);

// Puts each source's ad-page and listing patterns into `extract`.
void AddSourcePatterns(const std::vector<crawler::SourceConfig>& sources,
                       extract::ExtractOptions& extract);

// "1500ms", "90s", "30m", "6h", "2d" (or a bare number of seconds) in milliseconds.
Result<int64_t> ParseDurationMs(std::string_view text);

}  // namespace adwatch::app

#endif  // ADWATCH_APP_CRAWL_CONFIG_H_
