#include "watch_config.h"

#include <set>

namespace adwatch::app {

namespace {

Status ParseBurst(const std::string& file, const YAML::Node& node, size_t index,
                  watch::BurstRule& r) {
  YamlMap m(file, node, "alerts.bursts[" + std::to_string(index) + "]");
  ADWATCH_RETURN_IF_ERROR(m.CheckIsMap());
  ADWATCH_RETURN_IF_ERROR(m.Read("name", r.name, /*required=*/true));
  ADWATCH_RETURN_IF_ERROR(m.Read("description", r.description));
  // Exactly one of the three thresholds says what the rule counts.
  int found = 0;
  for (auto [key, kind] : {std::pair{"regions", watch::BurstKind::kRegions},
                           std::pair{"sources", watch::BurstKind::kSources},
                           std::pair{"network", watch::BurstKind::kNetwork}}) {
    if (!m.Has(key)) continue;
    ++found;
    r.kind = kind;
    ADWATCH_RETURN_IF_ERROR(m.Read(key, r.min));
  }
  if (found != 1) {
    return m.Error("regions", "give exactly one of regions: N, sources: M or network: K");
  }
  ADWATCH_RETURN_IF_ERROR(m.Read("days", r.days));
  ADWATCH_RETURN_IF_ERROR(m.Read("orgs", r.orgs, /*required=*/true));
  for (const auto& org : r.orgs) {
    bool ok = !org.empty() && org.size() <= 64;
    for (char ch : org)
      ok = ok && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-');
    if (!ok) return m.Error("orgs", "'" + org + "' is not an organisation name [a-z0-9-]{1,64}");
  }
  ADWATCH_RETURN_IF_ERROR(m.Finish());
  if (Status v = watch::Validate(r); !v.ok()) {
    return Status::InvalidArgument(m.Where(), v.message());
  }
  return Status::OK();
}

}  // namespace

Status ParseWatch(const std::string& file, YamlMap& top, WatchConfig& c) {
  YAML::Node n = top.Child("alerts");
  YamlMap m(file, n, "alerts");
  ADWATCH_RETURN_IF_ERROR(m.CheckIsMap());
  YAML::Node list = m.Child("bursts");
  if (list.IsDefined() && !list.IsNull()) {
    if (!list.IsSequence()) return m.Error("bursts", "expected a list of burst rules");
    std::set<std::string> names;
    for (const auto& item : list) {
      watch::BurstRule r;
      ADWATCH_RETURN_IF_ERROR(ParseBurst(file, item, c.bursts.size(), r));
      if (!names.insert(r.name).second) {
        return m.Error("bursts", "two burst rules are named '" + r.name + "'");
      }
      c.bursts.push_back(std::move(r));
    }
  }
  // The rest of `alerts:` (recipients, retries, webhook policy) is delivery's: ParseAlerts reads
  // it and reports unknown keys for the whole section.
  return Status::OK();
}

}  // namespace adwatch::app
