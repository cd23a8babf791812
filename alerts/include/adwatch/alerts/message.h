// What an alert says, in the recipient's language (Indonesian or English): the mail's subject,
// plain text and HTML alternative, and the webhook's JSON body — for one alert, or for a summary
// that folds several alerts for one recipient into one message (rate limit). Every value from an
// ad is hostile input: single-line fields are collapsed, HTML is escaped, links are written only
// when http(s). Pure functions; thread-safe.
//
//   auto local = LocalDays::Create("Asia/Jakarta");
//   Rendered m = RenderAlert(alert, Lang::kId, "https://adwatch.example.org", *local);
//   std::string body = AlertJson(alert, Lang::kId, base_url, *local);
#ifndef ADWATCH_ALERTS_MESSAGE_H_
#define ADWATCH_ALERTS_MESSAGE_H_

#include <string>
#include <string_view>
#include <vector>

#include "adwatch/alerts/options.h"
#include "adwatch/common/time.h"
#include "adwatch/watch/outbox.h"

namespace adwatch::alerts {

// The version of the webhook JSON body; raised when a field changes meaning or disappears
// (new fields may appear without it).
inline constexpr int kWebhookVersion = 1;

struct Rendered {
  std::string subject;  // one line, UTF-8
  std::string text;     // plain text, LF line ends
  std::string html;     // a small self-contained HTML document
};

// The link to the ad's web page, "{base_url}/review/ads/{ad_id}" (the id percent-encoded), or ""
// when base_url or ad_id is empty.
std::string AdPageLink(std::string_view base_url, std::string_view ad_id);

// The message of one alert: why it was raised (the entry's note or the burst rule, the matched
// value in its stored form — E.164 for phones), the ad's level, pattern and reasons, where it was
// seen (regions, source, URL) and when (UTC and the local time of `local`, "WIB" for
// Asia/Jakarta), the link to its web page, and for bursts the related ads.
Rendered RenderAlert(const watch::Alert& alert, Lang lang, std::string_view base_url,
                     const LocalDays& local);

// One message listing `alerts` (count, then each one's matched value, note, level, when and
// link), sent instead of one message each when a recipient's rate limit is reached.
// `summary_id` is named in it. REQUIRES: !alerts.empty().
Rendered RenderSummary(std::string_view summary_id, const std::vector<watch::Alert>& alerts,
                       Lang lang, std::string_view base_url, const LocalDays& local);

// The webhook body of one alert (docs/alerts.md lists the fields):
//   {"version":1,"type":"alert","lang":"id","alert":{id, org, cause, entry_id, matched, note,
//    ad_id, ad_url, ad_page, source, regions, level, pattern, reasons, seen_at, created_at,
//    related_ads}, "subject": ..., "text": ...}
// `reasons` are in the recipient's language; times are ISO-8601 UTC.
std::string AlertJson(const watch::Alert& alert, Lang lang, std::string_view base_url,
                      const LocalDays& local);

// The webhook body of a summary: {"version":1,"type":"summary","id":..., "count":N,
// "alerts":[...as in AlertJson...], "subject":..., "text":...}. REQUIRES: !alerts.empty().
std::string SummaryJson(std::string_view summary_id, const std::vector<watch::Alert>& alerts,
                        Lang lang, std::string_view base_url, const LocalDays& local);

}  // namespace adwatch::alerts

#endif  // ADWATCH_ALERTS_MESSAGE_H_
