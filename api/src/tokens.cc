#include "adwatch/api/tokens.h"

#include <algorithm>

#include "adwatch/common/hash.h"
#include "adwatch/common/random_id.h"

namespace adwatch::api {
namespace {

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

bool ValidOrg(std::string_view org) {
  if (org.empty() || org.size() > 64) return false;
  if (org[0] == '-') return false;
  return std::all_of(org.begin(), org.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

}  // namespace

std::string_view Name(TokenProblem problem) {
  switch (problem) {
    case TokenProblem::kNone:
      return "none";
    case TokenProblem::kMissing:
      return "missing";
    case TokenProblem::kMalformed:
      return "malformed";
    case TokenProblem::kUnknown:
      return "unknown";
    case TokenProblem::kExpired:
      return "expired";
    case TokenProblem::kRevoked:
      return "revoked";
  }
  return "none";
}

Status Validate(const TokenSpec& spec) {
  if (!ValidOrg(spec.org)) {
    return Status::InvalidArgument(
        "org", "'" + spec.org + "' must be 1-64 lower-case letters, digits and '-'");
  }
  if (spec.label.empty() || spec.label.size() > 200) {
    return Status::InvalidArgument("label", "must be 1-200 characters: who holds the token");
  }
  for (unsigned char c : spec.label) {
    if (c < 0x20 || c == 0x7f) return Status::InvalidArgument("label", "has control characters");
  }
  if (spec.ttl_ms < 0) return Status::InvalidArgument("expires", "must not be negative");
  if (spec.role == Role::kTaskforce && spec.regions.empty()) {
    return Status::InvalidArgument("regions", "a taskforce token needs its regions (--region)");
  }
  if (spec.role != Role::kTaskforce && !spec.regions.empty()) {
    return Status::InvalidArgument("regions", "only taskforce tokens have regions");
  }
  for (const std::string& r : spec.regions) {
    if (r.empty() || r.size() > 64 || r.find('|') != std::string::npos) {
      return Status::InvalidArgument("regions", "'" + r + "' is not a region id");
    }
  }
  return Status::OK();
}

std::string TokenDigest(std::string_view token_text) { return Sha256Hex(token_text); }

Result<NewToken> CreateToken(storage::Store& store, const TokenSpec& spec, const Clock& clock) {
  ADWATCH_RETURN_IF_ERROR(Validate(spec));
  auto random = RandomId(32);
  if (!random) return random.error();
  NewToken out;
  out.text = std::string(kTokenPrefix) + *random;
  ApiToken& t = out.token;
  t.id = random->substr(0, 8);
  t.sha256_hex = TokenDigest(out.text);
  t.org = spec.org;
  t.role = spec.role;
  t.regions = spec.regions;
  t.label = spec.label;
  t.created_ms = clock.NowMs();
  t.expires_ms = spec.ttl_ms > 0 ? t.created_ms + spec.ttl_ms : 0;
  ADWATCH_RETURN_IF_ERROR(store.PutToken(t));
  return out;
}

Authenticated Authenticate(const storage::Store& store, std::string_view authorization,
                           int64_t now_ms, Status* error) {
  Authenticated a;
  if (authorization.empty()) {
    a.problem = TokenProblem::kMissing;
    return a;
  }
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() > 200 || authorization.substr(0, kBearer.size()) != kBearer) {
    a.problem = TokenProblem::kMalformed;
    return a;
  }
  const std::string_view text = authorization.substr(kBearer.size());
  if (text.size() != kTokenChars || text.substr(0, kTokenPrefix.size()) != kTokenPrefix ||
      !std::all_of(text.begin() + kTokenPrefix.size(), text.end(), IsBase64UrlChar)) {
    a.problem = TokenProblem::kMalformed;
    return a;
  }
  a.token_id = std::string(text.substr(kTokenPrefix.size(), 8));
  auto t = store.FindToken(TokenDigest(text));
  if (!t) {
    if (error && !t.error().IsNotFound()) *error = t.error();
    a.problem = TokenProblem::kUnknown;
    return a;
  }
  if (t->revoked) {
    a.problem = TokenProblem::kRevoked;
  } else if (t->expires_ms != 0 && now_ms >= t->expires_ms) {
    a.problem = TokenProblem::kExpired;
  } else {
    a.token = std::move(*t);
  }
  return a;
}

}  // namespace adwatch::api
