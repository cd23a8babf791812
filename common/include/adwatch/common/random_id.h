#ifndef ADWATCH_COMMON_RANDOM_ID_H_
#define ADWATCH_COMMON_RANDOM_ID_H_

#include <cstddef>
#include <string>

#include "adwatch/common/status.h"

namespace adwatch {

// Random URL-safe identifiers (submission, token, watch and session ids): `bytes` random bytes
// from OpenSSL in base64url, never starting with '-' or '_', so that a command line ("adwatch
// token revoke ID", "adwatch watch remove ID") does not read the id as an option.
Result<std::string> RandomId(size_t bytes);

}  // namespace adwatch

#endif  // ADWATCH_COMMON_RANDOM_ID_H_
