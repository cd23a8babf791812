// The JSON form of Alert and Delivery: what the store keeps (as storage::AlertRow/DeliveryRow
// record_json) and what the API returns. Private to watch/.
#ifndef ADWATCH_WATCH_SRC_ALERT_JSON_H_
#define ADWATCH_WATCH_SRC_ALERT_JSON_H_

#include <nlohmann/json.hpp>

#include "adwatch/watch/outbox.h"

namespace adwatch::watch {

NLOHMANN_JSON_SERIALIZE_ENUM(AlertCause, {{AlertCause::kWatch, "watch"},
                                          {AlertCause::kBurstRegions, "burst_regions"},
                                          {AlertCause::kBurstSources, "burst_sources"},
                                          {AlertCause::kNetworkGrowth, "network_growth"}})
NLOHMANN_JSON_SERIALIZE_ENUM(Channel, {{Channel::kEmail, "email"}, {Channel::kWebhook, "webhook"}})
NLOHMANN_JSON_SERIALIZE_ENUM(DeliveryState, {{DeliveryState::kPending, "pending"},
                                             {DeliveryState::kSent, "sent"},
                                             {DeliveryState::kFailed, "failed"}})
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Alert, id, org, cause, entry_id, matched, note,
                                                ad_id, ad_url, source, regions, level, pattern,
                                                reasons_id, reasons_en, seen_ms, created_ms,
                                                related_ads)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Delivery, alert_id, channel, recipient, state,
                                                attempts, next_attempt_ms, sent_ms, last_error,
                                                folded_into)

}  // namespace adwatch::watch

#endif  // ADWATCH_WATCH_SRC_ALERT_JSON_H_
