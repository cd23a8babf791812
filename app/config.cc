#include "config.h"

#include <filesystem>

#include "adwatch/common/names.h"
#include "adwatch/common/time.h"
#include "adwatch/common/yaml.h"

namespace adwatch::app {
namespace fs = std::filesystem;

std::string DefaultRulesDir() {
  if (fs::is_directory("rules") && fs::exists("rules/categories.yaml")) return "rules";
  return ADWATCH_DEFAULT_RULES_DIR;
}

namespace {

Status ParseRules(const std::string& file, YamlMap& top, const std::string& base, Config& c) {
  YAML::Node n = top.Child("rules");
  YamlMap m(file, n, "rules");
  ADWATCH_RETURN_IF_ERROR(m.CheckIsMap());
  std::string dir;
  ADWATCH_RETURN_IF_ERROR(m.Read("dir", dir));
  if (!dir.empty()) c.rules.rules_dir = ResolvePath(base, dir);
  int64_t mem_mb = c.rules.set_max_mem_bytes >> 20;
  ADWATCH_RETURN_IF_ERROR(m.Read("set_max_mem_mb", mem_mb));
  if (mem_mb < 1 || mem_mb > 4096) return m.Error("set_max_mem_mb", "must be between 1 and 4096");
  c.rules.set_max_mem_bytes = mem_mb << 20;
  ADWATCH_RETURN_IF_ERROR(m.Read("include_testing", c.rules.include_testing));
  return m.Finish();
}

Status ParseScoring(const std::string& file, YamlMap& top, Config& c) {
  YAML::Node n = top.Child("scoring");
  YamlMap m(file, n, "scoring");
  ADWATCH_RETURN_IF_ERROR(m.CheckIsMap());
  auto& s = c.scoring;
  ADWATCH_RETURN_IF_ERROR(m.Read("low", s.low));
  ADWATCH_RETURN_IF_ERROR(m.Read("medium", s.medium));
  ADWATCH_RETURN_IF_ERROR(m.Read("high", s.high));
  ADWATCH_RETURN_IF_ERROR(m.Read("non_ad_factor", s.non_ad_factor));
  ADWATCH_RETURN_IF_ERROR(m.Read("kind_threshold", s.kind_threshold));
  ADWATCH_RETURN_IF_ERROR(m.Read("negated_factor", s.negated_factor));
  ADWATCH_RETURN_IF_ERROR(m.Read("pattern_min_evidence", s.pattern_min_evidence));
  ADWATCH_RETURN_IF_ERROR(m.Read("pattern_dominance", s.pattern_dominance));
  ADWATCH_RETURN_IF_ERROR(m.Read("default_phone_region", s.default_phone_region));
  ADWATCH_RETURN_IF_ERROR(m.Finish());
  Status v = classifier::Validate(s);
  if (!v.ok()) return Status::InvalidArgument(m.Where() + ": scoring", v.message());
  return Status::OK();
}

Status ParseStorage(const std::string& file, YamlMap& top, const std::string& base, Config& c) {
  YAML::Node n = top.Child("storage");
  YamlMap m(file, n, "storage");
  ADWATCH_RETURN_IF_ERROR(m.CheckIsMap());
  auto& s = c.storage;
  std::string path;
  ADWATCH_RETURN_IF_ERROR(m.Read("path", path));
  if (!path.empty()) s.path = ResolvePath(base, path);
  std::string sync = s.sync == storage::SyncPolicy::kInterval ? "interval" : "batch";
  ADWATCH_RETURN_IF_ERROR(m.ReadEnum("sync", sync, {"batch", "interval"}));
  s.sync = sync == "interval" ? storage::SyncPolicy::kInterval : storage::SyncPolicy::kEveryBatch;
  ADWATCH_RETURN_IF_ERROR(m.Read("sync_interval_ms", s.sync_interval_ms));
  ADWATCH_RETURN_IF_ERROR(m.Read("retention_days", s.retention_days));
  std::string keep = "low";
  ADWATCH_RETURN_IF_ERROR(m.ReadEnum("keep_evidence_min_level", keep, {"low", "medium", "high"}));
  s.keep_evidence_min_level = *ParseLevel(keep);
  ADWATCH_RETURN_IF_ERROR(m.Read("repost_min_chars", s.repost_min_chars));
  // RocksDB's memory is one budget now (docs/storage.md, "Memory"); the two keys that sized its
  // parts apart would let the parts outgrow it, so they are refused with the way forward.
  for (std::string_view old : {"block_cache_mb", "write_buffer_mb"}) {
    if (m.Has(old)) {
      return m.Error(old,
                     "replaced by storage.memory_budget_mb, which sizes the block cache and "
                     "the write buffers together (docs/storage.md, \"Memory\")");
    }
  }
  int64_t budget_mb = s.memory_budget_bytes >> 20;
  ADWATCH_RETURN_IF_ERROR(m.Read("memory_budget_mb", budget_mb));
  if (budget_mb < 8 || budget_mb > 65536) {
    return m.Error("memory_budget_mb", "must be between 8 and 65536 (MiB)");
  }
  s.memory_budget_bytes = budget_mb << 20;
  ADWATCH_RETURN_IF_ERROR(m.Read("zstd_level", s.zstd_level));
  ADWATCH_RETURN_IF_ERROR(m.Finish());
  s.timezone = c.timezone;
  Status v = storage::Validate(s);
  if (!v.ok()) return Status::InvalidArgument(m.Where(), v.message());
  return Status::OK();
}

}  // namespace

Result<Config> LoadConfig(const std::string& path) {
  Config c;
  c.rules.rules_dir = DefaultRulesDir();
  std::string file = path;
  if (file.empty()) {
    if (!fs::exists("adwatch.yaml")) return c;
    file = "adwatch.yaml";
  }
  auto root = LoadYamlFile(file);
  if (!root) return root.error();
  c.path = file;
  const std::string base = fs::path(file).parent_path().string();
  YamlMap top(file, *root, "");
  ADWATCH_RETURN_IF_ERROR(top.CheckIsMap());

  ADWATCH_RETURN_IF_ERROR(top.Read("timezone", c.timezone));
  if (auto tz = LocalDays::Create(c.timezone); !tz) {
    return top.Error("timezone", tz.error().message());
  }
  std::string lang = "id";
  ADWATCH_RETURN_IF_ERROR(top.ReadEnum("lang", lang, {"id", "en"}));
  c.lang = lang == "en" ? classifier::Lang::kEn : classifier::Lang::kId;
  ADWATCH_RETURN_IF_ERROR(ParseRules(file, top, base, c));
  ADWATCH_RETURN_IF_ERROR(ParseScoring(file, top, c));
  ADWATCH_RETURN_IF_ERROR(ParseStorage(file, top, base, c));
  ADWATCH_RETURN_IF_ERROR(ParseCrawl(file, top, base, c.crawl));
  ADWATCH_RETURN_IF_ERROR(ParseDigest(
      file, top, base,
      c.lang == classifier::Lang::kEn ? exporter::DigestLang::kEn : exporter::DigestLang::kId,
      c.digest));
  ADWATCH_RETURN_IF_ERROR(ParseApi(file, top, base, c.api));
  ADWATCH_RETURN_IF_ERROR(ParseImages(file, top, base, c.crawl.images));
  ADWATCH_RETURN_IF_ERROR(ParseWatch(file, top, c.watch));
  ADWATCH_RETURN_IF_ERROR(ParseAlerts(file, top, c.digest, c.timezone, c.alerts));
  // Sections of other modules are parsed here as those modules arrive.
  ADWATCH_RETURN_IF_ERROR(top.Finish());
  return c;
}

}  // namespace adwatch::app
