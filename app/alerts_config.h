// The alerts section of adwatch.yaml: who receives each organisation's alerts (e-mail addresses
// and signed webhooks, in which language, at most how many messages per window), the retry
// schedule, the address policy of webhooks, and how often `adwatch serve` delivers. Mail goes
// through the digest's SMTP server (digest.smtp). See docs/alerts.md.
#ifndef ADWATCH_APP_ALERTS_CONFIG_H_
#define ADWATCH_APP_ALERTS_CONFIG_H_

#include <string>

#include "adwatch/alerts/options.h"
#include "adwatch/alerts/webhook.h"
#include "adwatch/common/status.h"
#include "adwatch/common/yaml.h"
#include "digest_config.h"

namespace adwatch::app {

struct AlertsConfig {
  // True when adwatch.yaml has an `alerts:` section: `adwatch serve` then runs delivery.
  bool configured = false;
  // Recipients, retries and links. Webhook secrets are empty here: only their environment
  // variables (secret_env) are read from the file; ResolveAlerts fills them in.
  alerts::DispatcherOptions options;
  alerts::WebhookOptions webhooks;
  // How often `adwatch serve` looks for new alerts and due deliveries, in seconds.
  int interval_s = 5;
};

// Reads the `alerts:` mapping of adwatch.yaml into `c`. `digest` is the parsed digest section
// (its smtp.from is the alert mails' sender; e-mail recipients need digest.smtp). `timezone` is
// the top-level time zone (local times in messages). Errors name the file, line and key.
Status ParseAlerts(const std::string& file, YamlMap& top, const DigestConfig& digest,
                   const std::string& timezone, AlertsConfig& c);

// The dispatcher's options with every webhook secret read from its environment variable.
// Returns InvalidArgument naming the recipient's file:line and the variable when one is unset
// or empty.
Result<alerts::DispatcherOptions> ResolveAlerts(const AlertsConfig& c);

}  // namespace adwatch::app

#endif  // ADWATCH_APP_ALERTS_CONFIG_H_
