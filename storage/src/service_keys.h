// Keys of the service tables (tokens, submissions, audit) and the checks on the names that go
// into them. docs/storage.md is the readable form; change the two together. Private to storage/.
#ifndef ADWATCH_STORAGE_SRC_SERVICE_KEYS_H_
#define ADWATCH_STORAGE_SRC_SERVICE_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "adwatch/common/records.h"
#include "adwatch/storage/keys.h"

namespace adwatch::storage::internal {

// --- Names --------------------------------------------------------------------------------------

inline bool IsUrlSafe(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}
inline bool AllUrlSafe(std::string_view s) {
  for (char c : s) {
    if (!IsUrlSafe(c)) return false;
  }
  return true;
}

// [a-z0-9-]{1,64}
inline bool IsValidOrg(std::string_view org) {
  if (org.empty() || org.size() > 64) return false;
  for (char c : org) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// [A-Za-z0-9_-]{16,128}
inline constexpr size_t kMinSubmissionIdChars = 16;
inline constexpr size_t kMaxSubmissionIdChars = 128;
inline bool IsValidSubmissionId(std::string_view id) {
  return id.size() >= kMinSubmissionIdChars && id.size() <= kMaxSubmissionIdChars && AllUrlSafe(id);
}

// [A-Za-z0-9_-]{8}: the 8 characters after "adw_".
inline constexpr size_t kTokenIdChars = 8;
inline bool IsValidTokenId(std::string_view id) {
  return id.size() == kTokenIdChars && AllUrlSafe(id);
}

// [0-9a-f]{64}
inline bool IsValidSha256Hex(std::string_view hex) {
  if (hex.size() != 64) return false;
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// --- submissions ------------------------------------------------------------------------------
// s|org|id                    → Submission record
// t|org|BE64(~created_ms)|id  → ""   (listing, newest first; quota counts)
// p|BE64(created_ms)|org|id   → ""   (queued or fetching; oldest first)

inline constexpr std::string_view kSubPrefix = "s|";
inline constexpr std::string_view kSubTimePrefix = "t|";
inline constexpr std::string_view kSubPendingPrefix = "p|";
inline constexpr std::string_view kSubImagePrefix = "i|";

inline uint64_t InvertedMs(int64_t ms) { return ~static_cast<uint64_t>(ms); }

inline std::string SubmissionKey(std::string_view org, std::string_view id) {
  std::string k(kSubPrefix);
  k += org;
  k += kSep;
  k += id;
  return k;
}

// i| org | id → the bytes of an uploaded image, beside its submission and private like it.
inline std::string SubmissionImageKey(std::string_view org, std::string_view id) {
  std::string k(kSubImagePrefix);
  k += org;
  k += kSep;
  k += id;
  return k;
}

inline std::string SubmissionTimeOrgPrefix(std::string_view org) {
  std::string k(kSubTimePrefix);
  k += org;
  k += kSep;
  return k;
}

// What follows the org prefix of a t| key: BE64(~created_ms) | id. Also the cursor's content.
inline std::string SubmissionTimeTail(int64_t created_ms, std::string_view id) {
  std::string k = EncodeU64(InvertedMs(created_ms));
  k += kSep;
  k += id;
  return k;
}

inline std::string SubmissionTimeKey(std::string_view org, int64_t created_ms,
                                     std::string_view id) {
  return SubmissionTimeOrgPrefix(org) + SubmissionTimeTail(created_ms, id);
}

inline std::string SubmissionPendingKey(int64_t created_ms, std::string_view org,
                                        std::string_view id) {
  std::string k(kSubPendingPrefix);
  k += EncodeU64(static_cast<uint64_t>(created_ms));
  k += kSep;
  k += org;
  k += kSep;
  k += id;
  return k;
}

inline bool IsPending(SubmissionStatus s) {
  return s == SubmissionStatus::kQueued || s == SubmissionStatus::kFetching;
}

// A parsed key of the submissions table. `created_ms` is set for t| and p| keys.
struct SubmissionKeyParts {
  char kind = 0;  // 's', 't', 'p' or 'i'
  std::string org;
  std::string id;
  int64_t created_ms = 0;
};

inline std::optional<SubmissionKeyParts> ParseSubmissionKey(std::string_view key) {
  if (key.size() < 2 || key[1] != kSep) return std::nullopt;
  SubmissionKeyParts p;
  p.kind = key[0];
  std::string_view rest = key.substr(2);
  auto take_org = [&]() -> bool {
    const size_t bar = rest.find(kSep);
    if (bar == std::string_view::npos) return false;
    p.org = std::string(rest.substr(0, bar));
    rest.remove_prefix(bar + 1);
    return true;
  };
  auto take_time = [&](bool inverted) -> bool {
    if (rest.size() < 9 || rest[8] != kSep) return false;
    const uint64_t v = *DecodeU64(rest);
    p.created_ms = static_cast<int64_t>(inverted ? ~v : v);
    rest.remove_prefix(9);
    return true;
  };
  switch (p.kind) {
    case 's':
    case 'i':
      if (!take_org()) return std::nullopt;
      break;
    case 't':
      if (!take_org() || !take_time(/*inverted=*/true)) return std::nullopt;
      break;
    case 'p':
      if (!take_time(/*inverted=*/false) || !take_org()) return std::nullopt;
      break;
    default:
      return std::nullopt;
  }
  p.id = std::string(rest);
  if (!IsValidOrg(p.org) || !IsValidSubmissionId(p.id)) return std::nullopt;
  return p;
}

// --- tokens -------------------------------------------------------------------------------------
// h|sha256_hex → ApiToken record
// i|id         → sha256_hex

inline constexpr std::string_view kTokenHashPrefix = "h|";
inline constexpr std::string_view kTokenIdPrefix = "i|";

inline std::string TokenHashKey(std::string_view sha256_hex) {
  return std::string(kTokenHashPrefix) + std::string(sha256_hex);
}
inline std::string TokenIdKey(std::string_view id) {
  return std::string(kTokenIdPrefix) + std::string(id);
}

// --- audit --------------------------------------------------------------------------------------
// BE64(at_ms) BE64(seq) → AuditEvent record. Both parts never decrease in append order.

inline constexpr size_t kAuditKeyBytes = 16;

inline std::string AuditKey(int64_t at_ms, uint64_t seq) {
  return EncodeU64(static_cast<uint64_t>(at_ms)) + EncodeU64(seq);
}

}  // namespace adwatch::storage::internal

#endif  // ADWATCH_STORAGE_SRC_SERVICE_KEYS_H_
