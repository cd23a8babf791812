// The `alerts:` section of adwatch.yaml as far as matching needs it: the burst rules
// (docs/watch.md). Read only by config.cc.
#ifndef ADWATCH_APP_WATCH_CONFIG_H_
#define ADWATCH_APP_WATCH_CONFIG_H_

#include <string>
#include <vector>

#include "adwatch/common/status.h"
#include "adwatch/common/yaml.h"
#include "adwatch/watch/matcher.h"

namespace adwatch::app {

struct WatchConfig {
  std::vector<watch::BurstRule> bursts;  // alerts.bursts
};

// Parses `alerts.bursts` of `top` (absent: no burst rules); ParseAlerts reads the rest.
// InvalidArgument "FILE:LINE: key: reason".
Status ParseWatch(const std::string& file, YamlMap& top, WatchConfig& c);

}  // namespace adwatch::app

#endif  // ADWATCH_APP_WATCH_CONFIG_H_
