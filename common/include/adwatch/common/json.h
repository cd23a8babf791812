// JSON forms of the records.h structs, with nlohmann-json: the one codec that storage, the CLI,
// exports and the API share. Field names are the struct's field names; enums are written by
// their names.h names. Reading ignores unknown fields and fills missing ones with defaults, so
// older and newer records stay readable. Thread-safe.
//
// nlohmann-json is header-only and a plain value type, which is why this header, unlike the
// rest of the public headers, names a third-party type.
#ifndef ADWATCH_COMMON_JSON_H_
#define ADWATCH_COMMON_JSON_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "adwatch/common/names.h"
#include "adwatch/common/records.h"
#include "adwatch/common/status.h"

namespace nlohmann {
template <typename T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& j, const std::optional<T>& v) {
    if (v) {
      j = *v;
    } else {
      j = nullptr;
    }
  }
  static void from_json(const json& j, std::optional<T>& v) {
    if (j.is_null()) {
      v.reset();
    } else {
      v = j.get<T>();
    }
  }
};
}  // namespace nlohmann

namespace adwatch {

#define ADWATCH_JSON_ENUM(E, Parse)                                                 \
  inline void to_json(nlohmann::json& j, E v) { j = std::string(Name(v)); }         \
  inline void from_json(const nlohmann::json& j, E& v) {                            \
    auto parsed = Parse(j.get<std::string>());                                      \
    if (!parsed) throw nlohmann::json::other_error::create(501, "unknown " #E, &j); \
    v = *parsed;                                                                    \
  }
ADWATCH_JSON_ENUM(Level, ParseLevel)
ADWATCH_JSON_ENUM(DocKind, ParseDocKind)
ADWATCH_JSON_ENUM(ContactKind, ParseContactKind)
ADWATCH_JSON_ENUM(PlaceKind, ParsePlaceKind)
ADWATCH_JSON_ENUM(ReviewLabel, ParseReviewLabel)
ADWATCH_JSON_ENUM(FetchError, ParseFetchError)
ADWATCH_JSON_ENUM(SourceKind, ParseSourceKind)
ADWATCH_JSON_ENUM(CandidateOrigin, ParseCandidateOrigin)
ADWATCH_JSON_ENUM(ImageOrigin, ParseImageOrigin)
ADWATCH_JSON_ENUM(Pattern, ParsePattern)
ADWATCH_JSON_ENUM(Role, ParseRole)
ADWATCH_JSON_ENUM(SubmissionStatus, ParseSubmissionStatus)
ADWATCH_JSON_ENUM(WatchKind, ParseWatchKind)
#undef ADWATCH_JSON_ENUM

inline void to_json(nlohmann::json& j, FetchPriority v) { j = std::string(Name(v)); }
inline void from_json(const nlohmann::json& j, FetchPriority& v) {
  const auto s = j.get<std::string>();
  v = s == "submission" ? FetchPriority::kSubmission
      : s == "revisit"  ? FetchPriority::kRevisit
                        : FetchPriority::kDiscovered;
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Span, begin, end)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(FetchTask, url, source, depth, priority, attempt,
                                                not_before_ms, external, etag, last_modified,
                                                redirects)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(FetchResult, requested_url, final_url, remote_ip,
                                                source, source_kind, http_status, headers,
                                                content_type, body, truncated, fetched_at_ms,
                                                elapsed_ms, retry_after_s, error, error_message)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Link, url, text, rel)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Salary, min, max, currency, period, open_ended)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Location, locality, region, country)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Box, x, y, w, h)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ImageRef, url, origin, alt, sha256_hex, phash,
                                                width, height, problem)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ImageWord, span, image, box, confidence)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AdCandidate, origin, source, url, post_id, title,
                                                text, posted_at, author, forwarded_from, views,
                                                links, employer, employer_url, salary, locations,
                                                valid_through, employment_type, page_types, lang,
                                                export_ref, images, image_text, image_words)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Page, url, canonical, title, text, lang,
                                                meta_description, charset, open_graph, links,
                                                next_page, candidates, problems)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Contact, kind, value, field, span, region, landline,
                                                area)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SalaryMention, salary, monthly_idr_min,
                                                monthly_idr_max, field, span)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PlaceMention, id, name, kind, country, province,
                                                nonplacement, transit, moratorium, field, span)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Entities, contacts, salaries, places)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Evidence, field, span, image_url, box)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Hit, rule_id, category, weight, rule_weight, view,
                                                describe_id, describe_en, negated, evidence)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Verdict, score, level, kind, pattern, raw_score,
                                                category_scores, kind_scores, hits, entities,
                                                ruleset_version, warnings)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Review, reviewer, label, note, at_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AdRecord, ad_id, page_id, ad, verdict,
                                                first_seen_ms, last_seen_ms, repost_of, regions,
                                                region_hint, reviews)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DigestRow, ad_id, day, score, level, kind, pattern,
                                                title, snippet, url, source, reasons, contacts,
                                                destinations, regions, routed_because,
                                                first_seen_ms, label, highlights, matched, site,
                                                pickup_points, region_names, last_seen_ms, network,
                                                same_text)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ApiToken, id, sha256_hex, org, role, regions, label,
                                                created_ms, expires_ms, revoked, revoked_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Submission, id, org, token_id, url, text, lang,
                                                share, status, reason, ad_id, verdict, ad_ids,
                                                created_ms, updated_ms, image_sha256, image_type,
                                                image_text, image_phash)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(WatchEntry, id, org, kind, value, typed, note,
                                                created_by, created_ms, expires_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AuditEvent, at_ms, actor, org, action, object,
                                                outcome, ip, detail)

// Parses `text` as JSON and converts it to T. Returns Corruption with nlohmann's message when the
// text is not JSON or does not fit T. `what` names the thing for the message ("verdict").
template <typename T>
Result<T> FromJsonText(std::string_view text, std::string_view what) {
  try {
    return nlohmann::json::parse(text).get<T>();
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(what, e.what());
  }
}

// Serialises `v` compactly. Invalid UTF-8 in strings is replaced with U+FFFD rather than throwing.
template <typename T>
std::string ToJsonText(const T& v) {
  return nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace adwatch

#endif  // ADWATCH_COMMON_JSON_H_
