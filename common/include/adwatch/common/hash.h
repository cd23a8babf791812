// Content hashes (OpenSSL SHA-256) for evidence and stable ids, and the hex form of images'
// perceptual hashes. Thread-safe.
#ifndef ADWATCH_COMMON_HASH_H_
#define ADWATCH_COMMON_HASH_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace adwatch {

// Lower-case hex SHA-256 of `data`, 64 characters: what `sha256sum` prints.
std::string Sha256Hex(std::string_view data);

// 64-bit perceptual hashes of images (ocr::PerceptualHash makes them; storage indexes them and
// export links ads by them), written as 16 lower-case hex digits.
std::string HashHex(uint64_t hash);

// The hash of HashHex's form (16 hex digits, either case), or nullopt.
std::optional<uint64_t> ParseHashHex(std::string_view hex);

// Number of differing bits.
int HammingDistance(uint64_t a, uint64_t b);

// Perceptual hashes within this many differing bits are taken to be the same picture: a poster
// resized, recompressed or re-bordered moves its hash by at most 6 bits on the generated
// posters, unrelated posters differ by 26 or more (docs/posters.md).
inline constexpr int kSameImageMaxDistance = 10;

// Two hashes within kSameImageMaxDistance bits agree exactly on at least one of these slices
// (pigeonhole): slice i is bits [i*64/11, (i+1)*64/11). Indexes look near images up by slice.
inline constexpr int kImageHashSlices = kSameImageMaxDistance + 1;

// Slice `slice` (0 ≤ slice < kImageHashSlices) of `hash`, shifted down to bit 0.
inline uint64_t ImageHashSlice(uint64_t hash, int slice) {
  const int lo = slice * 64 / kImageHashSlices, hi = (slice + 1) * 64 / kImageHashSlices;
  return (hash >> lo) & ((uint64_t{1} << (hi - lo)) - 1);
}

}  // namespace adwatch

#endif  // ADWATCH_COMMON_HASH_H_
