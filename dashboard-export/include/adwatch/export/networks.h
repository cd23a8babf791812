// Recruiter networks: groups of ads that one recruiter (or one syndicate) is behind, found by
// linking ads that share a contact (the same WhatsApp number or Telegram handle), whose texts
// are near-duplicates (the same template with a new number or a different town), or that carry
// the same poster (images whose perceptual hashes differ in at most a few bits: the poster
// resized, recompressed or re-bordered by each account that reposts it). Pure functions of
// their input; thread-safe.
//
// Near-duplicates are found with MinHash (Broder 1997) and locality-sensitive hashing:
//   1. the text (title and body) is normalised (storage::NormalizeText: ASCII lower-cased,
//      punctuation and runs of whitespace turned into one space) and cut into words;
//   2. every run of kShingleWords consecutive words is a shingle, hashed to 64 bits (FNV-1a);
//   3. the signature is, for each of kMinHashes hash functions (the shingle hash mixed with a
//      per-function seed through the SplitMix64 finaliser), the smallest value over all shingles.
// The share of positions where two signatures agree estimates the Jaccard similarity of the two
// shingle sets: 0.74 for two 35-word ads that differ only in the contact handle, about 0.1 for
// two unrelated ads on the same topic. Two ads are near-duplicates when that estimate reaches
// GroupOptions::min_similarity (0.6). Candidate pairs are found without comparing every pair:
// the signature is cut into kBands bands of kRowsPerBand values and only ads equal in a whole
// band are compared, which finds a pair of similarity 0.6 with probability 0.89, of 0.7 with
// 0.98 and of 0.8 with 0.9999 (1 - (1 - s^4)^16); ads linked through a third ad are joined
// anyway. Identical texts always have identical signatures.
#ifndef ADWATCH_EXPORT_NETWORKS_H_
#define ADWATCH_EXPORT_NETWORKS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/common/hash.h"
#include "adwatch/common/records.h"
#include "adwatch/common/status.h"
#include "adwatch/storage/store.h"

namespace adwatch::exporter {

// Words per shingle, and the fewest words a text needs to get a signature: shorter texts
// ("Hubungi WA 0812…") are too alike by chance to link ads.
inline constexpr size_t kShingleWords = 3;
inline constexpr size_t kMinSignatureWords = 8;
// Signature length, and its cut into bands for the candidate search (kBands * kRowsPerBand).
inline constexpr size_t kMinHashes = 64;
inline constexpr size_t kBands = 16;
inline constexpr size_t kRowsPerBand = 4;

// The MinHash signature of `text` (see above): kMinHashes values, or an empty vector when the
// text has fewer than kMinSignatureWords words.
std::vector<uint32_t> MinHashSignature(std::string_view text);

// The share (0–1) of positions where two signatures agree, an estimate of the Jaccard
// similarity of the two texts' shingle sets. 0 when either is empty or their sizes differ.
double EstimatedSimilarity(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);

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
  std::vector<uint32_t> signature;         // MinHashSignature of title + text (may be empty)
  std::string repost_of;                   // the store's exact-text link, or ""
  std::vector<uint64_t> image_hashes;      // perceptual hashes of the ad's read images
};

// Builds the LinkedAd of a stored ad. `day` is the ad's first-seen day.
LinkedAd ToLinkedAd(const AdRecord& record, std::string_view day);

// The site an ad was found on, for tallies: the URL's host without "www." (for t.me also the
// channel: "t.me/lokerasia"), else the ad's source name, else "".
std::string SiteOf(const AdCandidate& ad);

struct GroupOptions {
  // Two ads whose estimated similarity reaches this are near-duplicates (0.3–1.0). Lower links
  // more loosely related texts (and, below 0.5, ads that merely share stock phrases); 1.0 links
  // identical texts only.
  double min_similarity = 0.6;
  // A contact term shared by more ads than this is not used to link them: a job portal's own
  // hotline or a public agency's number printed under thousands of ads links nobody.
  size_t max_ads_per_contact = 500;
  // Two images whose perceptual hashes differ in at most this many bits are the same poster
  // (0–10; see common/hash.h). -1 links no ads by image.
  int max_image_distance = kSameImageMaxDistance;
};

// One group of linked ads (two or more).
struct AdGroup {
  std::vector<size_t> members;  // indexes into the input, ascending
  bool by_contact = false;      // some link is a shared contact
  bool by_text = false;         // some link is a near-duplicate or identical text
  bool by_image = false;        // some link is the same poster (close perceptual hashes)
  // Contact terms held by two or more members, most shared first (ties in term order).
  std::vector<std::string> shared_contacts;
};

// Groups `ads` with union-find: ads sharing a contact term, ads whose repost_of names another
// ad of the input, ads whose signatures are near-duplicates, and ads with images within
// max_image_distance bits are joined (an image hash held by more than max_ads_per_contact ads,
// or a blank picture's 0 hash, links nobody). Returns every group
// of two or more ads, largest first (ties by first member). About linear in the input: each
// band bucket is compared pairwise only up to a fixed number of neighbours.
std::vector<AdGroup> GroupAds(const std::vector<LinkedAd>& ads, const GroupOptions& options);

// The stored ads that carry one of `ad`'s posters: for each read image of `ad` (each distinct
// phash, in image order), its hash and the ids of the ads whose images lie within
// `max_distance` bits of it (Store::AdsWithSimilarImage), leaving out the ids in `exclude`.
// Reads the store (unlike the rest of this header); errors are the store's.
Result<std::vector<std::pair<std::string, std::vector<std::string>>>> LinkedByImage(
    const storage::Store& store, const AdCandidate& ad, const std::vector<std::string>& exclude,
    int max_distance = kSameImageMaxDistance);

}  // namespace adwatch::exporter

#endif  // ADWATCH_EXPORT_NETWORKS_H_
