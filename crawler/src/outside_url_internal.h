// Internals of outside_url.cc shared with the fetcher: CIDR ranges, the address policy on raw
// address bytes (for CURLOPT_OPENSOCKETFUNCTION), and the checked URL as a curl handle (for
// CURLOPT_CURLU, so libcurl fetches exactly what was checked).
#ifndef ADWATCH_CRAWLER_OUTSIDE_URL_INTERNAL_H_
#define ADWATCH_CRAWLER_OUTSIDE_URL_INTERNAL_H_

#include <curl/curl.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/common/status.h"
#include "adwatch/crawler/outside_url.h"

namespace adwatch::crawler::internal {

struct Cidr {
  int family = 0;  // AF_INET or AF_INET6
  unsigned char bytes[16] = {};
  int prefix = 0;
};

// Parses "10.0.0.0/8", "fd00::/8" or a bare address (a /32 or /128). False when malformed.
bool ParseCidr(std::string_view text, Cidr& out);

// Every range of `texts` that parses (malformed ones are skipped; Validate reports them).
std::vector<Cidr> ParseCidrs(const std::vector<std::string>& texts);

// The address policy on raw bytes (4 for AF_INET, 16 for AF_INET6). Returns "" when the address
// may be reached, else why not ("loopback, 127.0.0.0/8"). Allocates only to say why.
std::string BlockedReason(int family, const unsigned char* bytes, const std::vector<Cidr>& allowed);

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

// CheckOutsideUrl, returning the parsed handle on success.
Result<UrlHandle> ParseOutsideUrl(std::string_view url, const OutsideUrlPolicy& policy,
                                  const std::vector<Cidr>& allowed);

}  // namespace adwatch::crawler::internal

#endif  // ADWATCH_CRAWLER_OUTSIDE_URL_INTERNAL_H_
