// Stable names of the enums in records.h, as they appear in JSON, CSV, config files and on the
// command line. Parse* functions return std::nullopt for an unknown name. Thread-safe.
#ifndef ADWATCH_COMMON_NAMES_H_
#define ADWATCH_COMMON_NAMES_H_

#include <optional>
#include <string_view>
#include <vector>

#include "adwatch/common/records.h"

namespace adwatch {

std::string_view Name(Level v);    // "none" "low" "medium" "high"
std::string_view Name(DocKind v);  // "other" "recruitment_ad" "news" "distress" "gambling_promo"
std::string_view Name(ContactKind v);  // "phone" "whatsapp" "telegram" "line" "email" "wechat"
std::string_view Name(PlaceKind v);    // "country" "hotspot" "transit" "province" "regency" "city"
std::string_view Name(ReviewLabel v);  // "confirmed" "legit" "news" "unsure" "released"
std::string_view Name(FetchError v);   // "none" "dns" "connect" "timeout" "tls" "too_large" ...
std::string_view Name(
    SourceKind v);  // "generic" "job_board" "channel_preview" "classifieds" "social_post"
std::string_view Name(
    CandidateOrigin v);  // "main_text" "json_ld" "microdata" "channel_post" "open_graph" "import"
std::string_view Name(FetchPriority v);     // "submission" "revisit" "discovered"
std::string_view Name(Pattern v);           // "other" "compound_scam" "irregular_migration" ...
std::string_view Name(Role v);              // "ngo" "police" "taskforce"
std::string_view Name(SubmissionStatus v);  // "queued" "fetching" "done" "failed"
std::string_view Name(WatchKind v);         // "phone" "whatsapp" "telegram" "email" "domain" ...
std::string_view Name(ImageOrigin v);       // "img" "open_graph" "background" "json_ld" "upload"
std::string_view Name(Outcome v);           // "queued" "fetched" "not_modified" ... "blocked"

std::optional<Level> ParseLevel(std::string_view s);
std::optional<DocKind> ParseDocKind(std::string_view s);
std::optional<ImageOrigin> ParseImageOrigin(std::string_view s);
std::optional<ContactKind> ParseContactKind(std::string_view s);
std::optional<PlaceKind> ParsePlaceKind(std::string_view s);
std::optional<ReviewLabel> ParseReviewLabel(std::string_view s);
std::optional<FetchError> ParseFetchError(std::string_view s);
std::optional<SourceKind> ParseSourceKind(std::string_view s);
std::optional<CandidateOrigin> ParseCandidateOrigin(std::string_view s);
std::optional<Pattern> ParsePattern(std::string_view s);
std::optional<Role> ParseRole(std::string_view s);
std::optional<SubmissionStatus> ParseSubmissionStatus(std::string_view s);
std::optional<WatchKind> ParseWatchKind(std::string_view s);
std::optional<Outcome> ParseOutcome(std::string_view s);

// Every pattern, kOther first, in enumerator order.
const std::vector<Pattern>& AllPatterns();

// What a reader sees for a pattern, in Indonesian (`english` false) or English:
// "migrasi nonprosedural ke Malaysia/Brunei", "irregular migration to Malaysia/Brunei".
std::string_view PatternTitle(Pattern v, bool english);

}  // namespace adwatch

#endif  // ADWATCH_COMMON_NAMES_H_
