// Key building blocks for every table of the store, shared with the modules that keep their own
// state in it (the crawler's frontier, seen-set and host state; the API's submissions). Keys are
// byte strings compared bytewise: integers are big-endian so that they sort numerically, and
// key parts are joined with '|' (kSep). docs/storage.md lists every table's layout. Thread-safe.
#ifndef ADWATCH_STORAGE_KEYS_H_
#define ADWATCH_STORAGE_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace adwatch::storage {

// The separator between key parts.
inline constexpr char kSep = '|';

// 8 bytes, big-endian: sorts in numeric order for unsigned values.
std::string EncodeU64(uint64_t v);
// 4 bytes, big-endian.
std::string EncodeU32(uint32_t v);

// Decodes the first 8 (4) bytes of `bytes`; std::nullopt when there are fewer.
std::optional<uint64_t> DecodeU64(std::string_view bytes);
std::optional<uint32_t> DecodeU32(std::string_view bytes);

// The smallest key greater than every key that starts with `prefix` (for an upper bound of a
// prefix scan), or "" when there is none (the prefix is all 0xff bytes).
std::string PrefixSuccessor(std::string_view prefix);

}  // namespace adwatch::storage

#endif  // ADWATCH_STORAGE_KEYS_H_
