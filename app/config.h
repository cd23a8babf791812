// adwatch.yaml: the one config file, read only here and turned into the typed option structs of
// each module. Every error names the file, line and key. See docs/configuration.md.
#ifndef ADWATCH_APP_CONFIG_H_
#define ADWATCH_APP_CONFIG_H_

#include <string>

#include "adwatch/classifier/classify.h"
#include "adwatch/classifier/rule_set.h"
#include "adwatch/common/status.h"
#include "adwatch/storage/options.h"
#include "alerts_config.h"
#include "api_config.h"
#include "crawl_config.h"
#include "digest_config.h"
#include "watch_config.h"

namespace adwatch::app {

struct Config {
  std::string path;                       // the file read, or "" for built-in defaults
  std::string timezone = "Asia/Jakarta";  // calendar days everywhere: queue, indexes, digests
  classifier::Lang lang = classifier::Lang::kId;  // language of descriptions shown to readers
  classifier::RuleSetOptions rules;
  classifier::ClassifyOptions scoring;
  storage::StoreOptions storage;  // storage.timezone is always `timezone`
  CrawlConfig crawl;
  DigestConfig digest;  // digest: subscriptions, limits, SMTP
  ApiConfig api;        // api: what `adwatch serve` listens on, its limits, the admin socket
  AlertsConfig alerts;  // alerts: recipients of watch-list alerts, retries, webhook policy
  WatchConfig watch;    // alerts: burst rules (watch entries themselves live in the store)
};

// Reads `path`. An empty path means: ./adwatch.yaml when it exists, else built-in defaults.
// Relative paths inside the file are taken relative to the file's folder. Returns
// InvalidArgument "FILE:LINE: key: reason" for a bad value or an unknown key, NotFound for a
// missing file that was asked for by name.
Result<Config> LoadConfig(const std::string& path);

// The rules folder used when the config names none: ./rules when it exists, else the source
// tree's rules/ compiled into the binary.
std::string DefaultRulesDir();

}  // namespace adwatch::app

#endif  // ADWATCH_APP_CONFIG_H_
