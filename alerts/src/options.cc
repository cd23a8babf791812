#include "adwatch/alerts/options.h"

#include <set>
#include <utility>

#include "adwatch/common/escape.h"

namespace adwatch::alerts {
namespace {

Status Bad(const Recipient& r, std::string_view detail) {
  std::string where = r.where.empty() ? "alerts.recipients" : r.where + ": alerts.recipients";
  if (!r.org.empty()) where += " (org '" + r.org + "')";
  return Status::InvalidArgument(where, detail);
}

}  // namespace

Status Validate(const DispatcherOptions& o) {
  if (!o.base_url.empty() && SafeHttpUrl(o.base_url).empty()) {
    return Status::InvalidArgument(
        "alerts.base_url", "'" + EscapeControl(o.base_url, 200) + "' is not an http(s) URL");
  }
  if (o.retry.backoff_ms.empty()) {
    return Status::InvalidArgument("alerts.retry.backoff", "needs at least one delay");
  }
  for (int64_t ms : o.retry.backoff_ms) {
    if (ms <= 0) return Status::InvalidArgument("alerts.retry.backoff", "delays must be positive");
  }
  if (o.retry.max_attempts < 1) {
    return Status::InvalidArgument("alerts.retry.max_attempts", "must be at least 1");
  }
  if (o.batch == 0) return Status::InvalidArgument("alerts.batch", "must be at least 1");
  if (o.max_rounds_per_pass < 1) {
    return Status::InvalidArgument("alerts.max_rounds_per_pass", "must be at least 1");
  }
  // One delivery is keyed by alert id + recipient, so an address twice in one organisation
  // would be one delivery with two meanings.
  std::set<std::pair<std::string, std::string>> seen;
  for (const Recipient& r : o.recipients) {
    if (r.org.empty()) return Bad(r, "org is empty");
    if (r.email.empty() && r.webhooks.empty()) return Bad(r, "has neither email nor webhooks");
    if (r.rate_limit.max_messages < 1) return Bad(r, "rate_limit.max_messages must be at least 1");
    if (r.rate_limit.per_minutes < 1) return Bad(r, "rate_limit.per_minutes must be at least 1");
    for (const std::string& a : r.email) {
      const size_t at = a.find('@');
      if (at == std::string::npos || at == 0 || at + 1 == a.size() ||
          a.find_first_of(" \t\r\n<>,;\"") != std::string::npos) {
        return Bad(r, "'" + EscapeControl(a, 200) + "' is not an e-mail address");
      }
      if (!seen.emplace(r.org, a).second) {
        return Bad(r, "'" + a + "' is listed twice for this organisation");
      }
    }
    for (const Webhook& w : r.webhooks) {
      if (SafeHttpUrl(w.url).empty()) {
        return Bad(r, "webhook '" + EscapeControl(w.url, 200) + "' is not an http(s) URL");
      }
      if (w.secret.empty()) {
        return Bad(r, "webhook '" + EscapeControl(w.url, 200) + "' has an empty secret" +
                          (w.secret_env.empty() ? std::string()
                                                : " (environment variable " + w.secret_env + ")"));
      }
      if (!seen.emplace(r.org, w.url).second) {
        return Bad(r, "'" + EscapeControl(w.url, 200) + "' is listed twice for this organisation");
      }
    }
  }
  return Status::OK();
}

}  // namespace adwatch::alerts
