// Recruiter networks: groups of ads that one recruiter (or one syndicate) is behind, found by
// linking ads that share a contact (the same WhatsApp number or Telegram handle) or whose texts
// are near-duplicates (the same template with a new number or a different town). Pure functions
// of their input; thread-safe.
//
// Near-duplicates are found with SimHash (Charikar 2002; Manku, Jain & Das Sarma 2007):
//   1. the text is normalised (storage::NormalizeText: ASCII lower-cased, punctuation and runs of
//      whitespace turned into one space) and cut into words;
//   2. every run of 3 consecutive words (a shingle) is hashed to 64 bits (FNV-1a, then the
//      SplitMix64 finaliser so that all bits are well mixed);
//   3. for each of the 64 bit positions, the shingles whose hash has that bit set vote +1 and the
//      others -1; the fingerprint has the bit set where the vote is positive.
// Texts that share most shingles get fingerprints a few bits apart. Two ads are near-duplicates
// when their fingerprints differ in at most GroupOptions::max_distance bits (3 by default, the
// value Manku et al. found right for 64-bit fingerprints of web pages). Candidate pairs are found
// without comparing every pair: the 64 bits are cut into 4 bands of 16 and only fingerprints
// equal in at least one band are compared — by the pigeonhole principle, two fingerprints at most
// 3 bits apart agree on some band.
#ifndef ADWATCH_EXPORT_NETWORKS_H_
#define ADWATCH_EXPORT_NETWORKS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/common/records.h"

namespace adwatch::exporter {

// Words per shingle, and the fewest words a text needs to get a fingerprint: shorter texts
// ("Hubungi WA 0812…") are too alike by chance to link ads.
inline constexpr size_t kShingleWords = 3;
inline constexpr size_t kMinFingerprintWords = 8;

// The 64-bit SimHash fingerprint of `text` (see above), or std::nullopt when the text has fewer
// than kMinFingerprintWords words.
std::optional<uint64_t> SimHash(std::string_view text);

// Number of bits in which `a` and `b` differ (0–64).
int HammingDistance(uint64_t a, uint64_t b);

// What grouping needs to know about one ad; the digest fills it from the stored AdRecord.
struct LinkedAd {
  std::string ad_id;
  std::string day;  // first seen, YYYY-MM-DD in the configured zone
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;
  int score = 0;
  Level level = Level::kNone;
  DocKind kind = DocKind::kOther;
  std::vector<std::string> regions;  // region ids the ad was routed to
  std::string site;                  // where it was found (see SiteOf)
  std::string title;
  std::vector<std::string> contact_terms;  // storage::ContactTerm of each contact, deduplicated
  std::optional<uint64_t> simhash;         // SimHash of title + text
  std::string repost_of;                   // the store's exact-text link, or ""
};

// Builds the LinkedAd of a stored ad. `day` is the ad's first-seen day.
LinkedAd ToLinkedAd(const AdRecord& record, std::string_view day);

// The site an ad was found on, for tallies: the URL's host without "www." (for t.me also the
// channel: "t.me/lokerasia"), else the ad's source name, else "".
std::string SiteOf(const AdCandidate& ad);

struct GroupOptions {
  // Fingerprints at most this many bits apart are near-duplicates (0–3: the band search finds
  // every pair up to 3; larger values would miss pairs and are refused by Validate).
  int max_distance = 3;
  // A contact term shared by more ads than this is not used to link them: a job portal's own
  // hotline or a public agency's number printed under thousands of ads links nobody.
  size_t max_ads_per_contact = 500;
};

// One group of linked ads (two or more).
struct AdGroup {
  std::vector<size_t> members;  // indexes into the input, ascending
  bool by_contact = false;      // some link is a shared contact
  bool by_text = false;         // some link is a near-duplicate or identical text
  // Contact terms held by two or more members, most shared first (ties in term order).
  std::vector<std::string> shared_contacts;
};

// Groups `ads` with union-find: ads sharing a contact term, ads whose repost_of names another
// ad of the input, and ads whose fingerprints are near-duplicates are joined. Returns every
// group of two or more ads, largest first (ties by first member). O(n log n) for typical input.
// REQUIRES: options.max_distance in [0, 3].
std::vector<AdGroup> GroupAds(const std::vector<LinkedAd>& ads, const GroupOptions& options);

}  // namespace adwatch::exporter

#endif  // ADWATCH_EXPORT_NETWORKS_H_
