// URL canonicalisation: the one URL normaliser of adwatch, built on curl's URL API. Every URL the
// frontier stores, dedups or schedules is canonical. Pure functions; thread-safe.
#ifndef ADWATCH_CRAWLER_URL_H_
#define ADWATCH_CRAWLER_URL_H_

#include <string>
#include <string_view>

#include "adwatch/common/status.h"

namespace adwatch::crawler {

// Returns the canonical form of an absolute http(s) URL: scheme and host lower-cased, the default
// port dropped, the fragment dropped, dot segments resolved, an empty path made "/", tracking
// parameters removed (utm_*, fbclid, gclid, dclid, msclkid, mc_eid, igshid, _ga, yclid), every
// other query parameter kept in its order. Returns InvalidArgument for a URL over 8 KB ("too
// long"), a URL curl cannot parse, a relative URL, or a scheme other than http and https; the
// message quotes the URL with control characters escaped (EscapeControl). For a URL from
// outside, call CheckOutsideUrl (outside_url.h) first.
Result<std::string> CanonicalUrl(std::string_view url);

// Resolves `ref` (absolute, or relative such as "../a?b", "//host/x") against the absolute URL
// `base` and returns the canonical result. Errors as CanonicalUrl.
Result<std::string> ResolveUrl(std::string_view base, std::string_view ref);

// The politeness key of a canonical URL: "host:port" with the scheme's default port written out
// ("example.com:443"). Returns "" for a URL that does not parse.
std::string HostKey(std::string_view url);

// The host name alone ("example.com"), lower-case; "" for a URL that does not parse.
std::string HostName(std::string_view url);

// The path and query ("/jobs/1?page=2"), what robots.txt rules match against; "/" at least.
std::string PathAndQuery(std::string_view url);

}  // namespace adwatch::crawler

#endif  // ADWATCH_CRAWLER_URL_H_
