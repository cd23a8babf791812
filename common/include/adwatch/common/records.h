// The plain structs that pass between adwatch's stages, in flow order:
//   FetchTask → FetchResult → Page (with AdCandidates) → NormalizedText + Entities → Verdict
//   → AdRecord → DigestRow
// and, beside the flow, the records the HTTP service keeps (tokens, submissions, the audit log).
// Plain aggregates of standard types with no behaviour and no pointers into another stage's
// buffers; safe to copy and to move between threads. Times are Unix epoch milliseconds, UTC.
// Text is UTF-8. Spans are byte offsets into the original text of the field they name.
#ifndef ADWATCH_COMMON_RECORDS_H_
#define ADWATCH_COMMON_RECORDS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adwatch {

// ---------------------------------------------------------------------------------------------
// 1. Frontier → Fetcher

// Why a URL is in the frontier; lower values are fetched first.
enum class FetchPriority : uint8_t {
  kSubmission = 0,  // An NGO submitted it: answer first.
  kRevisit = 1,     // A known page whose revisit interval has passed.
  kDiscovered = 2,  // A link found while crawling.
};

// What kind of site a source is; decides how the extractor reads its pages.
enum class SourceKind : uint8_t {
  kGeneric = 0,
  kJobBoard,
  kChannelPreview,  // e.g. Telegram's public preview t.me/s/<channel>
  kClassifieds,
  kSocialPost,  // a single Facebook/Instagram/TikTok/X post page
};

struct FetchTask {
  std::string url;     // canonical URL
  std::string source;  // name of the seeds.yaml source, or "submission"/"start"
  int depth = 0;       // links followed from a start URL
  FetchPriority priority = FetchPriority::kDiscovered;
  int attempt = 0;            // 0 for the first try
  int64_t not_before_ms = 0;  // do not fetch before this time
  bool external = false;      // came from outside (NGO submission): SSRF rules apply
  std::string etag;           // for If-None-Match on revisits
  std::string last_modified;  // for If-Modified-Since on revisits
  int redirects = 0;          // redirects followed to reach this URL
};

// How a URL ended, as the frontier's seen-set records it.
enum class Outcome : uint8_t {
  kQueued = 0,    // not ended yet
  kFetched,       // fetched and processed
  kNotModified,   // a revisit answered 304
  kRobotsDenied,  // robots.txt disallows it
  kOutOfScope,    // outside every source's scope
  kTooLarge,      // the body exceeded the size cap
  kFailed,        // a permanent HTTP status, or a transient error after the last retry
  kRedirected,    // answered with a redirect; the target went through scope, robots and dedup
  kBlocked,       // the SSRF guard refused its address
};

// What the seen-set holds for one canonical URL.
struct UrlRecord {
  Outcome outcome = Outcome::kQueued;
  std::string reason;  // e.g. "HTTP 404", "timeout after 3 attempts", "robots.txt"
  int http_status = 0;
  int attempts = 0;
  int64_t at_ms = 0;  // when it was queued or ended
  std::string source;
  int depth = 0;
  std::string etag;                 // from the last 2xx, for If-None-Match on revisits
  std::string last_modified;        // from the last 2xx, for If-Modified-Since
  int64_t next_revisit_ms = 0;      // 0: never
  std::vector<std::string> ad_ids;  // ads the last 2xx produced; a 304 marks them seen again
  std::string remote_ip;            // the address that answered, "" when none did
  std::string redirect_to;  // kRedirected: the target (canonical), the next hop of the chain
};

// A host's robots.txt as cached between runs.
struct RobotsRecord {
  std::string text;        // the body, at most CrawlerOptions::max_robots_bytes; "" for a 4xx
  int64_t fetched_ms = 0;  // when it was fetched
  int http_status = 0;     // the answer's status (2xx, or the 4xx that allowed everything)
};

// ---------------------------------------------------------------------------------------------
// 2. Fetcher → Extractor

// How a fetch ended. kNone means an HTTP response was received (any status).
enum class FetchError : uint8_t {
  kNone = 0,
  kDns,
  kConnect,
  kTimeout,
  kTls,
  kTooLarge,        // body or decoded body over the cap; body holds what came before the cut
  kBlockedAddress,  // SSRF guard refused the URL from outside or its resolved address
  kRobotsDenied,
  kOutOfScope,
  kTooManyRedirects,
  kProtocol,
  kOther,
};

struct FetchResult {
  std::string requested_url;
  std::string final_url;  // after redirects the fetcher followed (normally none: see crawler/)
  std::string remote_ip;  // the address that answered (for a proxied fetch, the proxy's); "" when
                          // no connection was made
  std::string source;
  SourceKind source_kind = SourceKind::kGeneric;
  int http_status = 0;                                       // 0 when no response arrived
  std::vector<std::pair<std::string, std::string>> headers;  // in order received, names as sent
  std::string content_type;                                  // from the Content-Type header
  std::string body;        // bytes as received (decoded transfer/content-encoding)
  bool truncated = false;  // body cut at the size cap
  int64_t fetched_at_ms = 0;
  int64_t elapsed_ms = 0;
  int64_t retry_after_s = -1;  // from Retry-After, -1 when absent
  FetchError error = FetchError::kNone;
  std::string error_message;
};

// The value of the first header of `fetch` named `name` (ASCII case-insensitive), or "".
inline std::string_view HeaderValue(const FetchResult& fetch, std::string_view name) {
  const auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  for (const auto& [k, v] : fetch.headers) {
    if (k.size() != name.size()) continue;
    size_t i = 0;
    while (i < k.size() && lower(k[i]) == lower(name[i])) ++i;
    if (i == k.size()) return v;
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// 3. Extractor → Normalizer/Classifier

// A byte range of a text (also used by sections 4 and 5).
struct Span {
  uint32_t begin = 0;  // byte offset into the original text, inclusive
  uint32_t end = 0;    // exclusive
  friend bool operator==(const Span&, const Span&) = default;
};

struct Link {
  std::string url;   // absolute, resolved against the page URL and <base href>
  std::string text;  // anchor text, whitespace collapsed
  std::string rel;   // rel attribute, e.g. "next", "nofollow"
};

struct Salary {
  double min = 0;  // amount in `currency` units; min == max for a single figure
  double max = 0;
  std::string currency;     // ISO 4217 ("IDR", "USD", "MYR"), "USDT" for crypto pay
  std::string period;       // "hour", "day", "week", "month", "year"; "month" when not stated,
                            // as job ads in the region quote monthly pay unless they say otherwise
  bool open_ended = false;  // "10jt++", "up to": max is a floor, not a ceiling
};

struct Location {
  std::string locality;  // city or town
  std::string region;    // province or state
  std::string country;   // as given (ISO code or name)
};

// Where on its page an ad's image was found.
enum class ImageOrigin : uint8_t {
  kImg = 0,     // an <img> inside the ad's block (the main region, the channel post)
  kOpenGraph,   // the page's og:image (detail pages)
  kBackground,  // a style="background-image:url(…)" inside a channel post (Telegram photos)
  kJsonLd,      // the `image` of a schema.org JobPosting
  kUpload,      // a file given to `adwatch classify --input image` or a submission
};

// A rectangle in an image's pixels, from the top-left corner.
struct Box {
  int32_t x = 0;
  int32_t y = 0;
  int32_t w = 0;
  int32_t h = 0;
  friend bool operator==(const Box&, const Box&) = default;
};

// One image that belongs to an ad candidate. The extractor fills url, origin and alt; the image
// stage (ocr/) fills the rest when it has fetched and read the image.
struct ImageRef {
  std::string url;  // absolute, resolved against the page URL and <base href>
  ImageOrigin origin = ImageOrigin::kImg;
  std::string alt;  // the <img> alt text, or ""
  // Set once the image was fetched and read:
  std::string sha256_hex;  // of the bytes as fetched, lower-case hex; "" when not fetched
  std::string phash;       // 64-bit perceptual hash (dHash) as 16 lower-case hex digits, or ""
  int32_t width = 0;       // pixels, from the image header
  int32_t height = 0;
  std::string problem;  // why it was not read (refused, too large, OCR timed out…), or ""
};

// One word the OCR read in an image: where it stands in AdCandidate::image_text, in which image,
// and where in that image's pixels.
struct ImageWord {
  Span span;           // in AdCandidate::image_text
  uint32_t image = 0;  // index into AdCandidate::images
  Box box;
  int32_t confidence = 0;  // 0–100, Tesseract's word confidence
};

// How an ad candidate was found on its page.
enum class CandidateOrigin : uint8_t {
  kMainText = 0,  // the page's main text, no structured data
  kJsonLd,        // a schema.org JobPosting in application/ld+json
  kMicrodata,     // a schema.org JobPosting in microdata
  kChannelPost,   // one post of a channel page (Telegram preview)
  kOpenGraph,     // a social post behind a login wall: og:description
  kImport,        // loaded with `adwatch import` or pasted text
};

// One thing on a page that may be an ad. The classifier, not the extractor, decides what it is.
struct AdCandidate {
  CandidateOrigin origin = CandidateOrigin::kMainText;
  std::string source;
  std::string url;      // the ad's own URL: the page URL, or a post permalink (t.me/<ch>/<id>)
  std::string post_id;  // id within the page ("<channel>/<id>", JSON-LD identifier), or ""
  std::string title;
  std::string text;       // plain text, block structure kept as line breaks
  std::string posted_at;  // ISO-8601 as found, or ""
  std::string author;     // author, channel or handle, or ""
  std::string forwarded_from;
  int64_t views = -1;  // view count when the page shows one, else -1
  std::vector<Link> links;
  // Structured fields, from JSON-LD or microdata when present.
  std::string employer;
  std::string employer_url;
  std::optional<Salary> salary;
  std::vector<Location> locations;
  std::string valid_through;
  std::string employment_type;
  // What the page says about itself, for telling ads from news: "NewsArticle", "article",
  // "JobPosting"… (schema.org types and og:type values found on the page).
  std::vector<std::string> page_types;
  std::string lang;  // BCP-47 from the page, or ""
  // For an ad read from an imported file (a chat export, stored as the ad's page): where in that
  // file it is, "messages 11,12" or "lines 2-4, bytes 190-420"; else "".
  std::string export_ref;
  // Images that belong to the ad, in page order, each URL once (never from boilerplate).
  std::vector<ImageRef> images;
  // The text read from `images` (OCR), one block per image in `images` order, separated by a
  // blank line; "" until the image stage has read them. Classified like `text` (field "image").
  std::string image_text;
  std::vector<ImageWord> image_words;  // the words of image_text, in text order
};

struct Page {
  std::string url;        // final URL of the fetch
  std::string canonical;  // <link rel=canonical>, resolved, or ""
  std::string title;
  std::string text;  // visible text of the whole page, boilerplate dropped
  std::string lang;  // <html lang>, or ""
  std::string meta_description;
  std::string charset;  // what the body was decoded from, e.g. "windows-1252"
  std::map<std::string, std::string> open_graph;  // "og:title" → value, also "twitter:*"
  std::vector<Link> links;
  std::string next_page;  // "older posts" / rel=next link for the crawler, or ""
  std::vector<AdCandidate> candidates;
  // Problems met while extracting that did not stop it: broken JSON-LD, limits exceeded,
  // undecodable bytes. One human-readable line each.
  std::vector<std::string> problems;
};

// ---------------------------------------------------------------------------------------------
// 4. Normalizer

// One normalised view of a text. `text[i]` came from original bytes
// [origin[i].begin, origin[i].end); every evidence span found in `text` maps back through it.
struct TextView {
  std::string text;
  std::vector<Span> origin;  // one per byte of `text`
};

// The views of one field (title or body). See classifier/normalize.h for what each view does.
struct NormalizedText {
  TextView folded;    // NFKC, case-folded, diacritics, zero-width and control characters removed
  TextView skeleton;  // folded, then leet, in-word separators, spaced letters, emoji undone
  // Places in the original text where the skeleton undid an obfuscation (leet, spacing, styled
  // Unicode letters, zero-width characters inside a word).
  std::vector<Span> obfuscations;
};

enum class ContactKind : uint8_t { kPhone = 0, kWhatsApp, kTelegram, kLine, kEmail, kWeChat };

struct Contact {
  ContactKind kind = ContactKind::kPhone;
  std::string value;   // normalised: E.164 for phones and WhatsApp, lower-case handle without '@'
                       // for Telegram/Line/WeChat, lower-case address for e-mail
  std::string field;   // "title", "body" or "image"
  Span span;           // where it was written, in that field's original text
  std::string region;  // for phones: the region code the number belongs to ("ID", "KH")
  bool landline = false;
  std::string area;  // for Indonesian landlines: the province of the area code, or ""
};

struct SalaryMention {
  Salary salary;
  double monthly_idr_min = 0;  // normalised to IDR per month with the ruleset's rates (0: unknown)
  double monthly_idr_max = 0;
  std::string field;
  Span span;
};

enum class PlaceKind : uint8_t {
  kCountry = 0,  // a foreign country named as a destination
  kHotspot,      // a known scam-compound town or zone
  kTransit,      // a pickup or transit point (Batam, Entikong, Bangkok)
  kProvince,     // an Indonesian province
  kRegency,      // an Indonesian regency (kabupaten) or city (kota)
  kCity,         // a foreign town named as a destination that is not a hot spot (Riyadh, Tawau)
};

struct PlaceMention {
  std::string id;    // gazetteer id, e.g. "kh", "kh.sihanoukville", "id.jatim.malang"
  std::string name;  // display name, e.g. "Cambodia", "Kabupaten Malang"
  PlaceKind kind = PlaceKind::kCountry;
  std::string country;        // ISO 3166 alpha-2 of the place
  std::string province;       // for Indonesian places: the province id ("id.jatim"), else ""
  bool nonplacement = false;  // not an official placement country for Indonesian workers
  bool transit = false;       // a known pickup or transit point (Batam, Entikong, Bangkok)
  // Closed to placing Indonesian domestic workers with individual employers (the Middle-East
  // moratorium, Kepmenaker 260/2015; Turkey; Brunei): "ART ke Riyadh" is non-procedural.
  bool moratorium = false;
  std::string field;
  Span span;
};

struct Entities {
  std::vector<Contact> contacts;
  std::vector<SalaryMention> salaries;
  std::vector<PlaceMention> places;
};

// ---------------------------------------------------------------------------------------------
// 5. Classifier

enum class Level : uint8_t { kNone = 0, kLow, kMedium, kHigh };

// What a text reads as. Only recruitment ads are scored as recruitment risk.
enum class DocKind : uint8_t { kOther = 0, kRecruitmentAd, kNews, kDistress, kGamblingPromo };

// The TPPO pattern a text most resembles (../shared/DOMAIN.md: the scam compounds and the ten
// families beyond them). kOther when no pattern's evidence dominates.
enum class Pattern : uint8_t {
  kOther = 0,
  kCompoundScam,        // online-scam and gambling compounds (Cambodia, Myanmar, Laos, ...)
  kIrregularMigration,  // non-procedural migration to Malaysia and Brunei ("cukup KTP")
  kMideastDomestic,     // domestic workers to Middle-East countries under the moratorium
  kSexualExploitation,  // karaoke LC, spa and hostess jobs with debts and paid travel
  kChild,               // recruiting under-18s, ages raised on new papers
  kFishingCrew,         // crews for foreign fishing vessels
  kBride,               // bride trafficking, contract marriage
  kOrgan,               // kidney sale
  kFakeInternship,      // ferienjob, fake Japan/Europe internships
  kFeeScam,             // advance-fee fakes posing as overseas jobs
  kBabySale,            // babies sold as "adoption"
};

struct Evidence {
  std::string field;  // "title", "body" or "image" (AdCandidate::image_text)
  Span span;          // in that field's original text
  // For field "image": the image the words were read from and the box around them (the union
  // of the words' boxes the span covers in that image); "" and empty otherwise.
  std::string image_url;
  Box box;
};

struct Hit {
  std::string rule_id;
  std::string category;
  double weight = 0;        // the weight applied (after negation/quote down-weighting)
  double rule_weight = 0;   // the rule's own weight
  std::string view;         // "folded", "skeleton", or "meta"
  std::string describe_id;  // Indonesian description
  std::string describe_en;  // English description
  bool negated = false;     // every span sat in a warning/negation context
  std::vector<Evidence> evidence;
};

struct Verdict {
  int score = 0;  // 0–100 recruitment risk
  Level level = Level::kNone;
  DocKind kind = DocKind::kOther;
  // The TPPO pattern the evidence points to (rules and categories name theirs), kOther when
  // none dominates. Set for every kind: a news report about kidney sales is about kOrgan.
  Pattern pattern = Pattern::kOther;
  double raw_score = 0;                           // before mapping to 0–100
  std::map<std::string, double> category_scores;  // after caps
  std::map<std::string, double> kind_scores;      // evidence for each DocKind
  std::vector<Hit> hits;                          // sorted by weight, strongest first
  Entities entities;
  std::string ruleset_version;
  // Problems the classifier met and worked around (e.g. the RE2::Set ran out of memory and the
  // rules were matched one by one). Empty normally.
  std::vector<std::string> warnings;
};

// ---------------------------------------------------------------------------------------------
// 6. Store

enum class ReviewLabel : uint8_t { kConfirmed = 0, kLegit, kNews, kUnsure, kReleased };

struct Review {
  std::string reviewer;
  ReviewLabel label = ReviewLabel::kUnsure;
  std::string note;
  int64_t at_ms = 0;
};

struct AdRecord {
  std::string ad_id;    // stable: hash of canonical URL + post id, or of the text when no URL
  std::string page_id;  // key of the page the ad was found on ("" for imported text)
  AdCandidate ad;
  Verdict verdict;
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;
  std::string repost_of;             // ad id of the first ad with the same text, or ""
  std::vector<std::string> regions;  // Indonesian region ids the ad is routed to
  std::string region_hint;           // the source's region hint used for routing (for rescore)
  std::vector<Review> reviews;       // oldest first; the last one is the current label
};

// ---------------------------------------------------------------------------------------------
// 7. Export

// One flagged ad as a digest or CSV export shows it.
struct DigestRow {
  std::string ad_id;
  std::string day;  // YYYY-MM-DD in the configured time zone
  int score = 0;
  Level level = Level::kNone;
  DocKind kind = DocKind::kOther;
  Pattern pattern = Pattern::kOther;
  std::string title;
  std::string snippet;  // the evidence sentence
  std::string url;
  std::string source;
  std::vector<std::string> reasons;   // rule descriptions in the reader's language
  std::vector<std::string> contacts;  // "kind:value", values normalised ("whatsapp:+62812...")
  std::vector<std::string> destinations;
  std::vector<std::string> regions;
  std::string routed_because;  // why this ad reached this region's digest
  int64_t first_seen_ms = 0;
  std::string label;                       // latest review label, or ""
  std::vector<Span> highlights;            // the matched words inside `snippet`
  std::vector<std::string> matched;        // the words the rules matched, as written
  std::string site;                        // host the ad was found on ("t.me/channel")
  std::vector<std::string> pickup_points;  // pickup and transit points named (Batam, Entikong)
  std::vector<std::string> region_names;   // display names of `regions`
  int64_t last_seen_ms = 0;
  int network = 0;    // the digest's recruiter network the ad belongs to, 0 for none
  int same_text = 0;  // other stored ads with exactly the same text
};

// ---------------------------------------------------------------------------------------------
// 8. Service: what `adwatch serve` keeps (../shared/API.md section 1; docs/storage.md)

// What an API token may do (names "ngo", "police", "taskforce").
enum class Role : uint8_t { kNgo = 0, kPolice, kTaskforce };

// An API bearer token as stored. The token text itself ("adw_" + 43 base64url characters) is
// shown once when it is made and never stored: only its SHA-256.
struct ApiToken {
  std::string id;          // the 8 characters after "adw_": shown in lists and logs
  std::string sha256_hex;  // SHA-256 of the whole token text, lower-case hex: the lookup key
  std::string org;         // organisation name, [a-z0-9-]{1,64}
  Role role = Role::kNgo;
  std::vector<std::string> regions;  // taskforce: gazetteer region ids it reads
  std::string label;  // who holds it ("Bu Ani, Yayasan X"); reviews are written under it
  int64_t created_ms = 0;
  int64_t expires_ms = 0;  // 0: never
  bool revoked = false;
  int64_t revoked_ms = 0;
};

// Where a submission is (names "queued", "fetching", "done", "failed").
enum class SubmissionStatus : uint8_t { kQueued = 0, kFetching, kDone, kFailed };

// A URL, a pasted text or an uploaded image (a screenshot or poster) an organisation asked the
// service to check. It belongs to its organisation: another organisation never sees it (the store
// keys it by org, the uploaded bytes too).
struct Submission {
  std::string id;  // random, 16 to 128 URL-safe characters [A-Za-z0-9_-] (the API makes it)
  std::string org;
  std::string token_id;  // the token that submitted it
  std::string url;       // exactly one of url / text / image_sha256 is set
  std::string text;
  std::string lang;    // language hint for pasted text or an image ("id", "en"), or ""
  bool share = false;  // pasted text or image shared beyond the organisation (stored as an ad)
  SubmissionStatus status = SubmissionStatus::kQueued;
  std::string reason;               // for kFailed: why, in words
  std::string ad_id;                // the stored ad (URL submissions, shared texts) when done
  std::optional<Verdict> verdict;   // the verdict when done (kept here for private pasted text)
  std::vector<std::string> ad_ids;  // every ad of the fetched page when a URL held several
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  // An uploaded image: the SHA-256 of its bytes (kept beside the record, Store::PutSubmission),
  // its type as its header says ("image/png", "image/jpeg", "image/webp", "image/gif"), and once
  // read, the text OCR found in it and its perceptual hash (16 hex digits).
  std::string image_sha256;
  std::string image_type;
  std::string image_text;
  std::string image_phash;
};

// What a watch entry watches (names "phone", "whatsapp", "telegram", "email", "domain",
// "keyword"). A WhatsApp link is stored as the phone number it carries and matched like a phone.
enum class WatchKind : uint8_t { kPhone = 0, kWhatsApp, kTelegram, kEmail, kDomain, kKeyword };

// A contact, domain or pattern an organisation watches for (docs/watch.md). It belongs to its
// organisation: another organisation never sees it, and only its own alerts come from it.
struct WatchEntry {
  std::string id;  // 12 URL-safe characters, made by the store's caller (watch::NewEntryId)
  std::string org;
  WatchKind kind = WatchKind::kPhone;
  // What is matched: E.164 for phones and WhatsApp links, "@handle" lower-cased for Telegram,
  // the lower-cased address for e-mail, the lower-cased host for domains, the RE2 pattern for
  // keywords.
  std::string value;
  std::string typed;       // the value as the user typed it
  std::string note;        // why it is watched ("kasus 12/2026, perekrut Kamboja")
  std::string created_by;  // token id, or "cli:<unix user>"
  int64_t created_ms = 0;
  int64_t expires_ms = 0;  // 0: never; from then on it matches nothing and lists as expired
};

// One entry of the append-only audit log: who did what to which object, from where, and how it
// ended. Never holds a token's text.
struct AuditEvent {
  int64_t at_ms = 0;
  std::string actor;  // token id, or "cli:<unix user>" for the admin socket
  std::string org;
  // "auth.fail", "auth.ok", "token.create", "token.revoke", "submission.create",
  // "object.denied", "evidence.view", "review.add", "export", ...
  std::string action;
  std::string object;   // what it was about (ad id, submission id, token id)
  std::string outcome;  // "ok", "denied", "not_found", "error", ...
  std::string ip;
  std::string detail;  // free text; the store escapes control characters when appending
};

}  // namespace adwatch

#endif  // ADWATCH_COMMON_RECORDS_H_
