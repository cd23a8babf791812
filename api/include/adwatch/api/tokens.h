// API tokens (../shared/API.md, "Tokens"): "adw_" then 43 base64url characters carrying 32 random
// bytes, so a leaked token is recognisable in logs and code scanners. Only the token's SHA-256
// is stored (it is the lookup key); the text is shown once, when it is created. The token id is
// the 8 characters after the prefix: what lists and logs show.
#ifndef ADWATCH_API_TOKENS_H_
#define ADWATCH_API_TOKENS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/common/clock.h"
#include "adwatch/common/records.h"
#include "adwatch/common/status.h"
#include "adwatch/storage/store.h"

namespace adwatch::api {

inline constexpr std::string_view kTokenPrefix = "adw_";
inline constexpr size_t kTokenChars = 4 + 43;

// What a new token is for.
struct TokenSpec {
  std::string org;  // [a-z0-9][a-z0-9-]{0,63}
  Role role = Role::kNgo;
  std::vector<std::string> regions;  // taskforce only, and required for it: gazetteer region ids
  std::string label;                 // who holds it (1–200 characters, no control characters)
  int64_t ttl_ms = 0;                // 0: never expires
};

// Returns OK, or InvalidArgument saying what is wrong with the spec.
Status Validate(const TokenSpec& spec);

// A created token: `text` is shown to the operator once and never stored.
struct NewToken {
  std::string text;
  ApiToken token;
};

// Makes a token from 32 bytes of the operating system's randomness and stores its digest.
// InvalidArgument for a bad spec; Internal when no randomness is available; errors of the store.
Result<NewToken> CreateToken(storage::Store& store, const TokenSpec& spec, const Clock& clock);

// Why a presented token was refused (for the audit log; the client always sees the same 401).
enum class TokenProblem : uint8_t { kNone = 0, kMissing, kMalformed, kUnknown, kExpired, kRevoked };
std::string_view Name(TokenProblem problem);  // "none", "missing", "malformed", ...

struct Authenticated {
  std::optional<ApiToken> token;  // set when valid
  TokenProblem problem = TokenProblem::kNone;
  std::string token_id;  // the id part when the token was well-formed (for the log), else ""
};

// Checks an Authorization header value: "Bearer adw_…" (at most 200 bytes), a known digest, not
// revoked, not expired at `now_ms`. Store errors count as kUnknown and are returned in `error`.
Authenticated Authenticate(const storage::Store& store, std::string_view authorization,
                           int64_t now_ms, Status* error = nullptr);

// The SHA-256 of a token text, lower-case hex: the stored lookup key.
std::string TokenDigest(std::string_view token_text);

}  // namespace adwatch::api

#endif  // ADWATCH_API_TOKENS_H_
