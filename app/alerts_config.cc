#include "alerts_config.h"

#include <cstdlib>

#include "adwatch/common/escape.h"

namespace adwatch::app {
namespace {

// A list of integers in [min, max] at `key` (a single number reads as a list of one).
Status ReadInts(YamlMap& m, std::string_view key, std::vector<int64_t>& out, int64_t min,
                int64_t max) {
  YAML::Node n = m.Child(key);
  if (!n.IsDefined() || n.IsNull()) return Status::OK();
  std::vector<int64_t> values;
  auto one = [&](const YAML::Node& item) -> Status {
    int64_t v = 0;
    if (!item.IsScalar() || !YAML::convert<int64_t>::decode(item, v) || v < min || v > max) {
      return m.Error(key, "expected whole numbers between " + std::to_string(min) + " and " +
                              std::to_string(max));
    }
    values.push_back(v);
    return Status::OK();
  };
  if (n.IsSequence()) {
    for (const auto& item : n) ADWATCH_RETURN_IF_ERROR(one(item));
  } else {
    ADWATCH_RETURN_IF_ERROR(one(n));
  }
  if (values.empty()) return m.Error(key, "needs at least one value");
  out = std::move(values);
  return Status::OK();
}

Status ParseWebhook(const std::string& file, const YAML::Node& node, const std::string& path,
                    const alerts::WebhookOptions& policy, alerts::Webhook& w) {
  YamlMap m(file, node, path);
  ADWATCH_RETURN_IF_ERROR(m.CheckIsMap());
  ADWATCH_RETURN_IF_ERROR(m.Read("url", w.url, /*required=*/true));
  ADWATCH_RETURN_IF_ERROR(m.Read("secret_env", w.secret_env, /*required=*/true));
  if (w.secret_env.empty()) {
    return m.Error("secret_env", "names the environment variable holding the HMAC key");
  }
  if (m.Has("secret")) {
    return m.Error("secret",
                   "the key is never written in the file: put it in an environment variable and "
                   "name that with secret_env");
  }
  ADWATCH_RETURN_IF_ERROR(m.Finish());
  // The guard's answer now, rather than a failed delivery later.
  if (Status s = alerts::CheckWebhookUrl(w.url, policy); !s.ok()) {
    return Status::InvalidArgument(m.Where("url") + ": " + m.PathOf("url"), s.message());
  }
  return Status::OK();
}

Status ParseRecipient(const std::string& file, const YAML::Node& node, size_t index,
                      const DigestConfig& digest, const alerts::WebhookOptions& policy,
                      alerts::Recipient& r) {
  const std::string path = "alerts.recipients[" + std::to_string(index) + "]";
  YamlMap m(file, node, path);
  ADWATCH_RETURN_IF_ERROR(m.CheckIsMap());
  r.where = YamlWhere(file, node);
  ADWATCH_RETURN_IF_ERROR(m.Read("org", r.org, /*required=*/true));
  if (r.org.empty()) return m.Error("org", "must not be empty");
  std::string lang = "id";
  ADWATCH_RETURN_IF_ERROR(m.ReadEnum("language", lang, {"id", "en"}));
  r.lang = lang == "en" ? alerts::Lang::kEn : alerts::Lang::kId;
  ADWATCH_RETURN_IF_ERROR(m.Read("email", r.email));
  if (!r.email.empty() && digest.smtp.url.empty()) {
    return m.Error("email",
                   "e-mail recipients need digest.smtp (the SMTP server alerts share "
                   "with the digests)");
  }
  YAML::Node hooks = m.Child("webhooks");
  if (hooks.IsDefined() && !hooks.IsNull()) {
    if (!hooks.IsSequence()) return m.Error("webhooks", "expected a list of {url, secret_env}");
    for (const auto& item : hooks) {
      alerts::Webhook w;
      ADWATCH_RETURN_IF_ERROR(ParseWebhook(
          file, item, path + ".webhooks[" + std::to_string(r.webhooks.size()) + "]", policy, w));
      r.webhooks.push_back(std::move(w));
    }
  }
  YAML::Node limit = m.Child("rate_limit");
  if (limit.IsDefined() && !limit.IsNull()) {
    YamlMap l(file, limit, path + ".rate_limit");
    ADWATCH_RETURN_IF_ERROR(l.CheckIsMap());
    ADWATCH_RETURN_IF_ERROR(l.Read("max_messages", r.rate_limit.max_messages));
    ADWATCH_RETURN_IF_ERROR(l.Read("per_minutes", r.rate_limit.per_minutes));
    if (r.rate_limit.max_messages < 1 || r.rate_limit.max_messages > 100000) {
      return l.Error("max_messages", "must be between 1 and 100000");
    }
    if (r.rate_limit.per_minutes < 1 || r.rate_limit.per_minutes > 7 * 24 * 60) {
      return l.Error("per_minutes", "must be between 1 and 10080 (a week)");
    }
    ADWATCH_RETURN_IF_ERROR(l.Finish());
  }
  if (r.email.empty() && r.webhooks.empty()) {
    return Status::InvalidArgument(m.Where() + ": " + path,
                                   "a recipient needs email addresses or webhooks");
  }
  return m.Finish();
}

}  // namespace

Status ParseAlerts(const std::string& file, YamlMap& top, const DigestConfig& digest,
                   const std::string& timezone, AlertsConfig& c) {
  if (!top.Has("alerts")) return Status::OK();
  YAML::Node n = top.Child("alerts");
  YamlMap m(file, n, "alerts");
  ADWATCH_RETURN_IF_ERROR(m.CheckIsMap());
  c.configured = true;
  alerts::DispatcherOptions& o = c.options;
  o.timezone = timezone;
  o.mail_from = digest.smtp.from;
  ADWATCH_RETURN_IF_ERROR(m.Read("base_url", o.base_url));
  if (!o.base_url.empty() && SafeHttpUrl(o.base_url).empty()) {
    return m.Error("base_url", "'" + EscapeControl(o.base_url, 200) + "' is not an http(s) URL");
  }
  ADWATCH_RETURN_IF_ERROR(m.Read("interval_s", c.interval_s));
  if (c.interval_s < 1 || c.interval_s > 3600) {
    return m.Error("interval_s", "must be between 1 and 3600");
  }

  YAML::Node retry = m.Child("retry");
  if (retry.IsDefined() && !retry.IsNull()) {
    YamlMap r(file, retry, "alerts.retry");
    ADWATCH_RETURN_IF_ERROR(r.CheckIsMap());
    std::vector<int64_t> backoff_s;
    ADWATCH_RETURN_IF_ERROR(ReadInts(r, "backoff_s", backoff_s, 1, 7 * 24 * 3600));
    if (!backoff_s.empty()) {
      o.retry.backoff_ms.clear();
      for (int64_t s : backoff_s) o.retry.backoff_ms.push_back(s * 1000);
    }
    ADWATCH_RETURN_IF_ERROR(r.Read("max_attempts", o.retry.max_attempts));
    if (o.retry.max_attempts < 1 || o.retry.max_attempts > 100) {
      return r.Error("max_attempts", "must be between 1 and 100");
    }
    ADWATCH_RETURN_IF_ERROR(r.Finish());
  }

  alerts::WebhookOptions& w = c.webhooks;
  std::vector<int64_t> ports;
  ADWATCH_RETURN_IF_ERROR(ReadInts(m, "webhook_ports", ports, 1, 65535));
  if (!ports.empty()) w.allowed_ports.assign(ports.begin(), ports.end());
  ADWATCH_RETURN_IF_ERROR(m.Read("webhook_allowed_private_ranges", w.allowed_private_ranges));
  ADWATCH_RETURN_IF_ERROR(m.Read("webhook_timeout_ms", w.total_timeout_ms));
  if (Status v = alerts::Validate(w); !v.ok()) {
    return Status::InvalidArgument(m.Where() + ": alerts", v.message());
  }

  YAML::Node list = m.Child("recipients");
  if (list.IsDefined() && !list.IsNull()) {
    if (!list.IsSequence()) return m.Error("recipients", "expected a list of recipients");
    for (const auto& item : list) {
      alerts::Recipient r;
      ADWATCH_RETURN_IF_ERROR(ParseRecipient(file, item, o.recipients.size(), digest, w, r));
      o.recipients.push_back(std::move(r));
    }
  }
  (void)m.Child("bursts");  // the burst rules: ParseWatch reads them
  ADWATCH_RETURN_IF_ERROR(m.Finish());
  // Everything but the secrets (read from the environment when delivery starts) is checked now:
  // a stand-in secret lets Validate find duplicates and bad addresses with their file:line.
  alerts::DispatcherOptions check = o;
  for (auto& r : check.recipients) {
    for (auto& hook : r.webhooks) hook.secret = hook.secret_env;
  }
  return alerts::Validate(check);
}

Result<alerts::DispatcherOptions> ResolveAlerts(const AlertsConfig& c) {
  alerts::DispatcherOptions o = c.options;
  for (auto& r : o.recipients) {
    for (auto& hook : r.webhooks) {
      const char* secret = std::getenv(hook.secret_env.c_str());
      if (secret == nullptr || *secret == '\0') {
        return Status::InvalidArgument(r.where + ": alerts.recipients (org '" + r.org + "')",
                                       "the environment variable " + hook.secret_env +
                                           " (secret_env of webhook " +
                                           EscapeControl(hook.url, 200) + ") is not set or empty");
      }
      hook.secret = secret;
    }
  }
  ADWATCH_RETURN_IF_ERROR(alerts::Validate(o));
  return o;
}

}  // namespace adwatch::app
