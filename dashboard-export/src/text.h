// Text helpers of the digest builder and writers: the evidence sentence with its highlights,
// the matched words, local times, and contacts as readers know them.
#ifndef ADWATCH_EXPORT_SRC_TEXT_H_
#define ADWATCH_EXPORT_SRC_TEXT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/classifier/rule_set.h"
#include "adwatch/common/escape.h"
#include "adwatch/common/records.h"
#include "adwatch/common/time.h"
#include "adwatch/export/digest.h"

namespace adwatch::exporter {

// The parts joined with `sep` between them (none after an empty first part).
std::string Join(const std::vector<std::string>& parts, std::string_view sep);

// News/awareness and distress posts: listed as notices, never as flagged ads.
inline bool IsNotice(DocKind k) { return k == DocKind::kNews || k == DocKind::kDistress; }

// The category descriptions of the ruleset, or null. With them, hits of categories that are
// evidence of what a text is (a `kind` in categories.yaml: "reads as a job ad", "has a JobPosting")
// are not reasons for risk and are left out below.
using Categories = std::map<std::string, classifier::Category>;

// True for a hit that counts as a reason: positive weight, not negated, a risk category.
bool Counted(const Hit& hit, const Categories* categories);

struct Snippet {
  std::string text;
  std::vector<Span> highlights;  // byte ranges of `text`, ascending, not overlapping
};

// The evidence sentence of a verdict: the sentence (or line) of the body holding the first
// evidence span of the strongest counted hit with evidence there (else the title), whitespace
// collapsed and cut to about `max_bytes`, with every evidence span of a counted hit inside it
// highlighted. Falls back to the start of the text when no hit has evidence.
Snippet EvidenceSnippet(const AdRecord& record, const Categories* categories, size_t max_bytes);

// The words the counted hits matched, as written in the ad (collapsed), strongest hit first,
// without repeats (ignoring ASCII case), at most `max` of them.
std::vector<std::string> MatchedWords(const AdRecord& record, const Categories* categories,
                                      size_t max);

// Rule descriptions of the counted hits in `lang`, strongest first, deduplicated, at most `max`.
std::vector<std::string> Reasons(const Verdict& verdict, const Categories* categories,
                                 DigestLang lang, size_t max);

// "2026-11-22 12:05" in the zone of `days`.
std::string LocalTime(const LocalDays& days, int64_t unix_ms);

// "whatsapp:+6281234567890" (DigestRow::contacts form) for a contact.
std::string ContactKey(const Contact& contact);
// "WhatsApp +6281234567890", "Telegram @rekrut_kh" from a ContactKey or a storage::ContactTerm
// ("tel:+62…" reads as a phone number).
std::string ContactDisplay(std::string_view key, DigestLang lang);

}  // namespace adwatch::exporter

#endif  // ADWATCH_EXPORT_SRC_TEXT_H_
