// Who receives an organisation's alerts and how delivery behaves: plain typed options that app/
// fills from the `alerts:` section of adwatch.yaml (docs/alerts.md). Plain values; thread-safe to
// copy and read.
#ifndef ADWATCH_ALERTS_OPTIONS_H_
#define ADWATCH_ALERTS_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "adwatch/common/status.h"

namespace adwatch::alerts {

// The language a recipient reads its messages in.
enum class Lang : uint8_t { kId = 0, kEn = 1 };

// One webhook endpoint. The secret is the HMAC-SHA256 key of the signature header; app/ reads it
// from the environment variable the config names, never from the file.
struct Webhook {
  std::string url;         // http:// or https://; checked by the address guard on every request
  std::string secret;      // the key itself (never logged)
  std::string secret_env;  // the variable it came from, for messages ("ADWATCH_HOOK_KEY")
};

// At most max_messages messages to one recipient (address or URL) in any window of per_minutes;
// more due alerts are folded into one summary message.
struct RateLimit {
  int max_messages = 10;
  int per_minutes = 60;
};

// One organisation's recipients. Several entries may name the same organisation (for example one
// per language); one address or URL appears at most once per organisation.
struct Recipient {
  std::string org;
  Lang lang = Lang::kId;
  std::vector<std::string> email;  // bare addresses
  std::vector<Webhook> webhooks;
  RateLimit rate_limit;
  std::string where;  // "adwatch.yaml:40", for messages about this entry; "" when unknown
};

// When a failed attempt is tried again. Attempt n (1-based) that fails waits backoff_ms[n-1]
// (the last value repeats) before the next; after max_attempts failures the delivery is failed.
struct RetryOptions {
  std::vector<int64_t> backoff_ms = {30'000, 120'000, 600'000, 3'600'000};
  int max_attempts = 6;
};

struct DispatcherOptions {
  // Base of the links to an ad's web page: "{base_url}/review/ads/{ad_id}". "" leaves only the
  // ad's source URL in messages.
  std::string base_url;
  std::vector<Recipient> recipients;
  RetryOptions retry;
  // The From of alert mails (the digest's smtp.from).
  std::string mail_from;
  // Alerts expanded and deliveries fetched per outbox call; a pass repeats calls until done (at
  // most max_rounds_per_pass times, so one pass ends even when the outbox misbehaves).
  size_t batch = 100;
  int max_rounds_per_pass = 1000;
  // Time zone of the local time shown beside UTC ("WIB" for Asia/Jakarta).
  std::string timezone = "Asia/Jakarta";
};

// Returns OK, or InvalidArgument naming the first bad field (with the recipient's `where`): an
// empty org, a recipient with neither e-mail nor webhook, an address without '@', a webhook URL
// that is not http(s), an empty webhook secret, a non-positive rate limit, an address or URL
// twice in one organisation, no backoff, max_attempts < 1, batch 0, a base_url that is not
// http(s).
Status Validate(const DispatcherOptions& options);

}  // namespace adwatch::alerts

#endif  // ADWATCH_ALERTS_OPTIONS_H_
