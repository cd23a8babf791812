// Stable identifiers of what the store keeps: ad ids, page ids, repost text keys and contact
// index terms. Pure functions of their input, so the crawler, `adwatch import`, the API and the
// store all derive the same id for the same ad. Thread-safe.
#ifndef ADWATCH_STORAGE_IDS_H_
#define ADWATCH_STORAGE_IDS_H_

#include <string>
#include <string_view>

#include "adwatch/common/records.h"

namespace adwatch::storage {

// Length of an ad id: 16 lower-case hex characters (64 bits of SHA-256).
inline constexpr size_t kAdIdLength = 16;
// Length of a page id: 32 lower-case hex characters (128 bits of SHA-256).
inline constexpr size_t kPageIdLength = 32;

// The stable id of an ad. With a URL: SHA-256 of the URL (as given: callers pass the crawler's
// canonical URL) and the post id, so the same post seen again keeps its id. Without a URL (pasted
// or imported text): SHA-256 of the normalised text (NormalizeText of `text`, or of `title` when
// the text is empty), so the same text imported twice is one ad. Without URL, title or text (an
// uploaded image): SHA-256 of its first image's bytes' SHA-256, so the same file uploaded twice
// is one ad.
std::string AdIdFor(const AdCandidate& ad);

// The id of a stored page: SHA-256 of its final URL (the requested URL when there is none) and
// the SHA-256 of its body. A refetch that returns the same bytes is the same page.
std::string PageIdFor(std::string_view url, std::string_view body_sha256);

// The text as the repost and text-id comparisons see it: ASCII letters lower-cased, runs of
// whitespace, ASCII punctuation and symbols turned into one space, trimmed. Bytes outside ASCII
// are kept as they are.
std::string NormalizeText(std::string_view text);

// The repost key of an ad's text: 32 hex characters of SHA-256 of NormalizeText(text), or ""
// when the normalised text is shorter than `min_chars` (too short to link ads by).
std::string TextKeyOf(std::string_view text, int min_chars);

// The contacts index term of a contact: "tel:+62812..." for phones and WhatsApp numbers (the
// same E.164 number either way), else "<kind>:<value>" with the kind's name, e.g.
// "telegram:rekrut_kh", "email:hr@x.com". A '|' inside the value is written as "%7C".
std::string ContactTerm(const Contact& contact);

// Turns what a user typed into a contacts index term: "+62 812-3456-7890" and "6281234567890"
// → "tel:+6281234567890" (digits only; a national number such as "0812..." is not turned into
// E.164 here: pass it through the classifier's entity extraction first),
// "@Rekrut_KH" → "telegram:rekrut_kh", an address with '@' inside → "email:...", and an
// already-prefixed term ("line:abc") is lower-cased and kept.
std::string ContactTermFromQuery(std::string_view query);

// The id of an alert: 12 hex digits of `created_ms` and 8 of SHA-256(`dedupe_key`), so ids sort by
// time and one dedupe key always gets the same id.
std::string AlertIdFor(int64_t created_ms, std::string_view dedupe_key);

}  // namespace adwatch::storage

#endif  // ADWATCH_STORAGE_IDS_H_
