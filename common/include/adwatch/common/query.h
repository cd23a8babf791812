// Query strings of request targets ("/v1/ads?day=2026-11-22&min_level=high"): split and
// percent-decoded, the one implementation for every server of adwatch. Pure; thread-safe.
#ifndef ADWATCH_COMMON_QUERY_H_
#define ADWATCH_COMMON_QUERY_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adwatch {

// Decodes %XX escapes, and '+' as a space when `plus_is_space` (form and query encoding).
// Returns nullopt for a malformed escape ("%G1", a '%' near the end) or a decoded NUL byte.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// Splits a request target into its path and its query (after the first '?', "" when none).
std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target);

// The name=value pairs of a query, decoded, in order ("a" alone gives {"a", ""}). Returns nullopt
// when any part fails to decode.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view query);

}  // namespace adwatch

#endif  // ADWATCH_COMMON_QUERY_H_
