// Content hashes (OpenSSL SHA-256) for evidence and stable ids. Thread-safe.
#ifndef ADWATCH_COMMON_HASH_H_
#define ADWATCH_COMMON_HASH_H_

#include <string>
#include <string_view>

namespace adwatch {

// Lower-case hex SHA-256 of `data`, 64 characters: what `sha256sum` prints.
std::string Sha256Hex(std::string_view data);

}  // namespace adwatch

#endif  // ADWATCH_COMMON_HASH_H_
