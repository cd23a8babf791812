#include "digest_config.h"

#include <filesystem>
#include <set>

#include "adwatch/common/names.h"

namespace adwatch::app {
namespace {

namespace fs = std::filesystem;

Status ReadSize(YamlMap& m, std::string_view key, size_t& out, int64_t min, int64_t max) {
  int64_t v = static_cast<int64_t>(out);
  ADWATCH_RETURN_IF_ERROR(m.Read(key, v));
  if (v < min || v > max) {
    return m.Error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  out = static_cast<size_t>(v);
  return Status::OK();
}

Status ParseSmtp(const std::string& file, YamlMap& parent, DigestConfig& c) {
  YAML::Node n = parent.Child("smtp");
  if (!n.IsDefined() || n.IsNull()) return Status::OK();
  YamlMap m(file, n, "digest.smtp");
  ADWATCH_RETURN_IF_ERROR(m.CheckIsMap());
  exporter::SmtpOptions& s = c.smtp;
  ADWATCH_RETURN_IF_ERROR(m.Read("url", s.url, /*required=*/true));
  std::string tls = "required";
  ADWATCH_RETURN_IF_ERROR(m.ReadEnum("tls", tls, {"required", "try", "none"}));
  s.tls = tls == "none"  ? exporter::SmtpTls::kNone
          : tls == "try" ? exporter::SmtpTls::kTry
                         : exporter::SmtpTls::kRequired;
  ADWATCH_RETURN_IF_ERROR(m.Read("verify_tls", s.verify_tls));
  ADWATCH_RETURN_IF_ERROR(m.Read("from", s.from, /*required=*/true));
  ADWATCH_RETURN_IF_ERROR(m.Read("username", s.username));
  ADWATCH_RETURN_IF_ERROR(m.Read("password_env", c.smtp_password_env));
  ADWATCH_RETURN_IF_ERROR(m.Read("timeout_ms", s.timeout_ms));
  ADWATCH_RETURN_IF_ERROR(m.Finish());
  if (Status v = exporter::Validate(s); !v.ok())
    return Status::InvalidArgument(m.Where() + ": digest", v.message());
  if (!s.username.empty() && c.smtp_password_env.empty()) {
    return m.Error(
        "password_env",
        "a username needs password_env: the name of the environment variable holding the password");
  }
  return Status::OK();
}

Status ParseSubscription(const std::string& file, const YAML::Node& node, size_t index,
                         exporter::DigestLang default_lang, exporter::Subscription& s) {
  YamlMap m(file, node, "digest.subscriptions[" + std::to_string(index) + "]");
  ADWATCH_RETURN_IF_ERROR(m.CheckIsMap());
  s.where = YamlWhere(file, node);
  ADWATCH_RETURN_IF_ERROR(m.Read("name", s.name, /*required=*/true));
  ADWATCH_RETURN_IF_ERROR(m.Read("title", s.title));
  ADWATCH_RETURN_IF_ERROR(m.Read("regions", s.regions));
  std::string level = "medium";
  ADWATCH_RETURN_IF_ERROR(m.ReadEnum("min_level", level, {"low", "medium", "high"}));
  s.min_level = *ParseLevel(level);
  ADWATCH_RETURN_IF_ERROR(m.Read("languages", s.languages));
  std::string lang = default_lang == exporter::DigestLang::kEn ? "en" : "id";
  ADWATCH_RETURN_IF_ERROR(m.ReadEnum("lang", lang, {"id", "en"}));
  s.lang = lang == "en" ? exporter::DigestLang::kEn : exporter::DigestLang::kId;
  s.distress = !s.regions.empty();
  ADWATCH_RETURN_IF_ERROR(m.Read("distress", s.distress));
  if (s.regions.empty() && s.distress) {
    return m.Error("distress",
                   "a national subscription (no regions) never receives distress posts: they go to "
                   "the region's task force only");
  }
  std::string sep = s.lang == exporter::DigestLang::kEn ? "," : ";";
  ADWATCH_RETURN_IF_ERROR(m.ReadEnum("csv_separator", sep, {",", ";"}));
  s.csv_separator = sep[0];
  ADWATCH_RETURN_IF_ERROR(m.Read("recipients", s.recipients));
  ADWATCH_RETURN_IF_ERROR(m.Read("send_at", s.send_at));
  if (!s.send_at.empty() && !ParseTimeOfDay(s.send_at)) {
    return m.Error("send_at", "'" + s.send_at + "' is not a time of day HH:MM (00:00-23:59)");
  }
  return m.Finish();
}

}  // namespace

std::optional<int> ParseTimeOfDay(std::string_view t) {
  if (t.size() != 5 || t[2] != ':') return std::nullopt;
  for (size_t i : {0u, 1u, 3u, 4u}) {
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
  }
  const int h = (t[0] - '0') * 10 + (t[1] - '0'), m = (t[3] - '0') * 10 + (t[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

Status ParseDigest(const std::string& file, YamlMap& top, const std::string& base,
                   exporter::DigestLang default_lang, DigestConfig& c) {
  YAML::Node n = top.Child("digest");
  YamlMap m(file, n, "digest");
  ADWATCH_RETURN_IF_ERROR(m.CheckIsMap());
  std::string out;
  ADWATCH_RETURN_IF_ERROR(m.Read("out_dir", out));
  if (!out.empty()) {
    c.out_dir = ResolvePath(base, out);
  }
  exporter::DigestOptions& o = c.options;
  ADWATCH_RETURN_IF_ERROR(m.Read("trend_days", o.trend_days));
  ADWATCH_RETURN_IF_ERROR(m.Read("baseline_days", o.baseline_days));
  ADWATCH_RETURN_IF_ERROR(m.Read("lookback_days", o.lookback_days));
  ADWATCH_RETURN_IF_ERROR(m.Read("near_duplicate_similarity", o.grouping.min_similarity));
  ADWATCH_RETURN_IF_ERROR(
      ReadSize(m, "max_ads_per_contact", o.grouping.max_ads_per_contact, 2, 1000000));
  ADWATCH_RETURN_IF_ERROR(ReadSize(m, "max_network_ads", o.max_network_ads, 0, 10000000));
  ADWATCH_RETURN_IF_ERROR(ReadSize(m, "html_max_ads", o.html_max_ads, 1, 100000));
  ADWATCH_RETURN_IF_ERROR(ReadSize(m, "html_max_networks", o.max_networks, 1, 10000));
  ADWATCH_RETURN_IF_ERROR(ReadSize(m, "max_notices", o.max_notices, 0, 10000));
  if (Status v = exporter::Validate(o); !v.ok())
    return Status::InvalidArgument(m.Where(), v.message());
  ADWATCH_RETURN_IF_ERROR(ParseSmtp(file, m, c));

  YAML::Node list = m.Child("subscriptions");
  if (list.IsDefined() && !list.IsNull()) {
    if (!list.IsSequence()) return m.Error("subscriptions", "expected a list of subscriptions");
    std::set<std::string> names;
    for (const auto& item : list) {
      exporter::Subscription s;
      ADWATCH_RETURN_IF_ERROR(
          ParseSubscription(file, item, c.subscriptions.size(), default_lang, s));
      if (!names.insert(s.name).second) {
        return Status::InvalidArgument(s.where + ": digest.subscriptions",
                                       "two subscriptions are named '" + s.name + "'");
      }
      if (!s.recipients.empty() && c.smtp.url.empty()) {
        return Status::InvalidArgument(
            s.where + ": digest.subscriptions",
            "subscription '" + s.name + "' has recipients but digest.smtp is not configured");
      }
      c.subscriptions.push_back(std::move(s));
    }
  }
  return m.Finish();
}

}  // namespace adwatch::app
