// The digest section of adwatch.yaml: subscriptions (who gets which region's digest, in which
// language, by mail to whom), the digest's limits, and the SMTP server. See docs/digest.md and
// docs/configuration.md.
#ifndef ADWATCH_APP_DIGEST_CONFIG_H_
#define ADWATCH_APP_DIGEST_CONFIG_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/common/status.h"
#include "adwatch/common/yaml.h"
#include "adwatch/export/digest.h"
#include "adwatch/export/mail.h"

namespace adwatch::app {

struct DigestConfig {
  // Where `adwatch digest` writes when --out is not given; "" makes --out required.
  std::string out_dir;
  exporter::DigestOptions options;
  // Empty: `adwatch digest` writes one national digest in the configured language.
  std::vector<exporter::Subscription> subscriptions;
  // SMTP server for `adwatch digest --mail`; smtp.url empty when not configured.
  exporter::SmtpOptions smtp;
  // Name of the environment variable holding the SMTP password (never the password itself).
  std::string smtp_password_env;
};

// Reads the `digest:` mapping of adwatch.yaml into `c`. Relative paths are taken relative to
// `base`. `default_lang` is the top-level `lang`, the default of each subscription. Errors name
// the file, line and key. Region ids are checked against the gazetteer later, when the rules are
// loaded (exporter::Validate), with the subscription's file:line.
Status ParseDigest(const std::string& file, YamlMap& top, const std::string& base,
                   exporter::DigestLang default_lang, DigestConfig& c);

// Minutes after midnight of a time of day "HH:MM" (00:00–23:59), or nullopt.
std::optional<int> ParseTimeOfDay(std::string_view text);

}  // namespace adwatch::app

#endif  // ADWATCH_APP_DIGEST_CONFIG_H_
