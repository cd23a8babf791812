// The daily digest of one subscription (a task force's region, or the national view): what was
// first seen on one day that concerns it, why each ad was flagged and routed there, the
// recruiter networks behind the ads, and whether it is growing. Built in two steps so that the
// logic is testable without a database:
//
//   auto input = ReadDigestInput(store, subscription, "2026-11-22", clock.NowMs(), options);
//   Digest digest = BuildDigest(*input, subscription, {&gazetteer, &categories}, options);
//   WriteDigestFiles(digest, "/var/lib/adwatch/digests");   // writers.h
//
// ReadDigestInput only reads the store (a read-only store works while a crawl writes);
// BuildDigest is a pure function. docs/digest.md describes every section. Thread-safe: all
// functions may run concurrently on different digests.
#ifndef ADWATCH_EXPORT_DIGEST_H_
#define ADWATCH_EXPORT_DIGEST_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/classifier/gazetteer.h"
#include "adwatch/classifier/rule_set.h"
#include "adwatch/common/records.h"
#include "adwatch/common/status.h"
#include "adwatch/export/networks.h"

namespace adwatch::storage {
class Store;
}  // namespace adwatch::storage

namespace adwatch::exporter {

// Language of a digest's headings, labels and rule descriptions.
enum class DigestLang : uint8_t { kId = 0, kEn };

// Who gets a digest and what it holds; one entry of `digest.subscriptions` in adwatch.yaml.
struct Subscription {
  // Names the output files ("adwatch-digest-2026-11-22-kepri.html"): letters, digits, '-', '_'.
  std::string name = "nasional";
  // Heading of the digest ("Gugus Tugas TPPO Provinsi Kepulauan Riau"); "" derives one from the
  // region names.
  std::string title;
  // Gazetteer ids of Indonesian provinces and regencies/cities ("id.kepri", "id.kepri.batam").
  // Empty means national: every ad, including the ones routed to no region. A province also
  // receives the ads routed to its regencies (routing adds the province of every regency).
  std::vector<std::string> regions;
  // Ads at or above this level are listed as flagged.
  Level min_level = Level::kMedium;
  // Languages of the ads listed ("id", "en", "ms": primary BCP-47 subtags of the page language);
  // empty lists all. Ads whose language is unknown are always listed.
  std::vector<std::string> languages;
  DigestLang lang = DigestLang::kId;
  // Regional subscriptions only: list the distress posts (victims asking for help) routed to
  // these regions, for the police and the task force of the region. National digests never list
  // them, whatever this says; set it false for an NGO's regional subscription.
  bool distress = true;
  // Separator of the CSV file: ';' opens directly in spreadsheets set to Indonesian (and most
  // European) regional settings, ',' in English ones.
  char csv_separator = ';';
  // E-mail addresses the digest is sent to (`adwatch digest --mail`); empty: folder only.
  std::vector<std::string> recipients;
  // Local time of day, "HH:MM", at which `adwatch serve` writes the previous day's digest (and
  // mails it when there are recipients); "" leaves the subscription to `adwatch digest`.
  std::string send_at;
  // Where it was configured ("adwatch.yaml:57"), for messages; "" when built in.
  std::string where;
};

// True for a subscription without regions.
inline bool IsNational(const Subscription& s) { return s.regions.empty(); }

// Returns OK, or InvalidArgument (prefixed with `where`) for a bad name, a region id the
// gazetteer does not know or that is not an Indonesian province or regency, a separator other
// than ',' or ';', or a recipient that is not a plain address.
Status Validate(const Subscription& subscription, const classifier::Gazetteer& gazetteer);

struct DigestOptions {
  // Days of the trend chart, ending with the digest's day.
  int trend_days = 30;
  // Days before the digest's day whose average today's counts are compared with.
  int baseline_days = 7;
  // Flagged ads of this many previous days are candidates for recruiter networks, so that a
  // template reposted all week with a new number each day still forms one group.
  int lookback_days = 7;
  // Linking (see networks.h).
  GroupOptions grouping;
  // At most this many ads (besides the day's flagged ones) are read to build networks; the
  // digest says when the limit cut a network short.
  size_t max_network_ads = 20000;
  // At most this many networks are shown in the HTML, largest first (the JSON has all).
  size_t max_networks = 25;
  // Flagged ads shown in the HTML (highest scores); the CSV and JSON always hold every one.
  size_t html_max_ads = 200;
  // News/awareness items and distress posts listed per section (all are counted).
  size_t max_notices = 50;
  // Entries of each "top" table (categories, destinations, pickup points, sites).
  size_t top_n = 10;
};

// Returns OK, or InvalidArgument naming the first bad field.
Status Validate(const DigestOptions& options);

// What one day holds for a subscription, counted from the store's day index.
struct DayTotals {
  std::string day;      // YYYY-MM-DD
  int64_t scanned = 0;  // ads first seen that day (reposts included)
  int64_t reposts = 0;  // of which repeat the text of an earlier ad; not counted below
  // Recruitment-risk ads by level (Level as index); news and distress posts are not in here.
  std::array<int64_t, 4> by_level{};
  int64_t flagged = 0;   // recruitment-risk ads at or above the subscription's min_level
  int64_t news = 0;      // news reports and awareness posts
  int64_t distress = 0;  // distress posts
};

// Everything BuildDigest needs, read from the store by ReadDigestInput (or made by a test).
struct DigestInput {
  std::string day;       // the digest's day, YYYY-MM-DD
  std::string timezone;  // the zone days are counted in ("Asia/Jakarta")
  int64_t generated_at_ms = 0;
  // The days ending with `day`, oldest first: as many as the trend, the baseline (plus the day)
  // and the lookback (plus the day) need, whichever is most.
  std::vector<DayTotals> days;
  // The day's recruitment-risk ads at or above min_level in scope (not reposts; languages
  // applied), with their reviews.
  std::vector<AdRecord> flagged;
  int64_t language_filtered = 0;   // flagged ads left out by Subscription::languages
  std::vector<AdRecord> news;      // the day's news/awareness items (at most max_notices)
  std::vector<AdRecord> distress;  // the day's distress posts (regional digests only)
  // National digests: distress posts of the day that were routed to a region (they went to that
  // region's digest only) and those routed nowhere (they are only in the review queue).
  int64_t distress_routed = 0;
  int64_t distress_unrouted = 0;
  // Network candidates other than `flagged`: ads sharing a contact with one of them, ads with the
  // same text, and flagged ads of the lookback days.
  std::vector<LinkedAd> linked;
  bool linked_truncated = false;  // max_network_ads was reached
  // Ad id → number of other stored ads with exactly the same text, for the flagged ads.
  std::map<std::string, int> same_text;
};

// Reads what the digest of `subscription` for `day` needs. `now_ms` is the generation time shown.
// Returns InvalidArgument for a malformed day or bad options, and the store's errors (IOError,
// Corruption) as they come.
Result<DigestInput> ReadDigestInput(const storage::Store& store, const Subscription& subscription,
                                    std::string_view day, int64_t now_ms,
                                    const DigestOptions& options);

// Where BuildDigest looks names up. Both must outlive the call.
struct DigestContext {
  const classifier::Gazetteer* gazetteer = nullptr;  // required: region and place names
  // Category descriptions (rules/categories.yaml); may be null, then category keys are shown.
  const std::map<std::string, classifier::Category>* categories = nullptr;
};

// One line of a "top" table.
struct Tally {
  std::string key;    // category key, place id, or site
  std::string label;  // what the reader sees, in the digest's language
  int64_t count = 0;  // flagged ads naming it
};

// A recruiter network as the digest shows it.
struct Network {
  int number = 0;                   // 1, 2, ... in the order shown; DigestRow::network refers to it
  std::vector<std::string> ad_ids;  // the day's flagged ads first (by score), then the others
  int ads_today = 0;                // of which are flagged ads of the digest's day
  int max_score = 0;
  bool by_contact = false;
  bool by_text = false;
  bool by_image = false;                   // some ads carry the same poster
  std::vector<std::string> contacts;       // shared contacts, display form ("WhatsApp +62812…")
  std::vector<std::string> contact_terms;  // the same as storage::ContactTerm
  std::vector<std::string> region_ids;     // every region its ads were routed to
  std::vector<std::string> region_names;
  int regencies = 0;  // of which regencies/cities
  std::vector<std::string> sites;
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;
  std::vector<std::string> titles;  // up to 3 distinct titles, as examples
  bool truncated = false;           // max_network_ads cut the reading short
};

// A news/awareness item or a distress post of the day.
struct Notice {
  std::string ad_id;
  DocKind kind = DocKind::kOther;
  std::string title;
  std::string snippet;
  std::string url;
  std::string site;
  int64_t first_seen_ms = 0;
  std::vector<std::string> region_names;
  std::string routed_because;
};

struct Digest {
  std::string subscription;  // Subscription::name
  std::string title;         // heading
  DigestLang lang = DigestLang::kId;
  std::string day;
  std::string timezone;
  int64_t generated_at_ms = 0;
  bool national = true;
  std::vector<std::string> region_ids;
  std::vector<std::string> region_names;
  Level min_level = Level::kMedium;
  char csv_separator = ';';

  DayTotals today;
  // Averages per day over the baseline days (DigestOptions::baseline_days before `day`).
  int baseline_days = 0;
  double avg_scanned = 0;
  double avg_flagged = 0;
  std::array<double, 4> avg_by_level{};

  // Every flagged ad, highest score first.
  std::vector<DigestRow> rows;
  size_t html_max_ads = 200;
  int64_t language_filtered = 0;

  std::vector<Tally> categories;
  // Flagged ads per TPPO pattern (key: the pattern's name, "other" included), largest first.
  std::vector<Tally> patterns;
  std::vector<Tally> destinations;   // foreign countries and scam hot spots named
  std::vector<Tally> pickup_points;  // transit and departure points named (Batam, Entikong)
  std::vector<Tally> sites;

  std::vector<Network> networks;  // every one, largest first
  size_t html_max_networks = 25;  // how many the HTML shows (the JSON has all)

  std::vector<DayTotals> trend;  // oldest first, ending with `day`

  std::vector<Notice> news;
  int64_t news_total = 0;
  std::vector<Notice> distress;  // regional digests only
  int64_t distress_total = 0;
  int64_t distress_routed = 0;    // national: sent to regional digests only
  int64_t distress_unrouted = 0;  // national: routed nowhere, in the review queue only
};

// Builds the digest from its input: rows with reasons, highlighted evidence, contacts,
// destinations and the reason the ad reached this subscription (recomputed with
// classifier::RouteRegions); tallies; networks (GroupAds over flagged + linked ads, keeping the
// groups that hold one of the day's flagged ads); trend and baseline. Pure and deterministic:
// the same input gives the same digest. Distress posts never appear in a national digest,
// whatever the input holds. REQUIRES: context.gazetteer != nullptr.
Digest BuildDigest(const DigestInput& input, const Subscription& subscription,
                   const DigestContext& context, const DigestOptions& options);

// ReadDigestInput followed by BuildDigest.
Result<Digest> MakeDigest(const storage::Store& store, const Subscription& subscription,
                          std::string_view day, int64_t now_ms, const DigestContext& context,
                          const DigestOptions& options);

// Human-readable reason an ad reached a region (one RegionRoute), in `lang`: "menyebut Kota
// Batam", "names Kota Batam (in Kepulauan Riau)", "nomor telepon kantor +62778… berkode area
// wilayah ini". Exposed for the API and for tests.
std::string DescribeRoute(const classifier::RegionRoute& route,
                          const classifier::Gazetteer& gazetteer, DigestLang lang);

}  // namespace adwatch::exporter

#endif  // ADWATCH_EXPORT_DIGEST_H_
