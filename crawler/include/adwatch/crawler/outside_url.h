// URLs from outside — NGO submissions, `adwatch check`, and every redirect they lead to: the
// checks a URL must pass before anything fetches it, and the address policy the fetcher applies
// at connect time to every address it dials for such a URL (docs/security.md). The fetcher
// (fetcher.h, FetchRequest::guard_addresses) runs both itself; callers use these functions to
// refuse early with a clear message. Pure functions; thread-safe.
//
// Usage:
//   OutsideUrlPolicy policy;  // ports 80 and 443, global unicast addresses only
//   if (Status s = CheckOutsideUrl(submitted, policy); !s.ok()) return Refuse(s.message());
#ifndef ADWATCH_CRAWLER_OUTSIDE_URL_H_
#define ADWATCH_CRAWLER_OUTSIDE_URL_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/common/status.h"

namespace adwatch::crawler {

struct OutsideUrlPolicy {
  // Longest URL accepted, in bytes. Checked before parsing, so a huge URL costs nothing.
  size_t max_url_bytes = 8192;
  // Ports a URL may name. A URL without a port counts as its scheme's (80 for http, 443 for
  // https). Other ports reach mail, SSH, database and admin services that a web page never
  // needs; configs and tests add the ports of their own (loopback) test sites.
  std::vector<int> allowed_ports = {80, 443};
  // CIDR ranges ("127.0.0.2/32", "10.1.0.0/16") that may be reached although they are not
  // global unicast. A host written as an IP literal inside one of them may use any port too:
  // the operator vouched for that range. Empty in production.
  std::vector<std::string> allowed_private_ranges;
};

// Returns InvalidArgument for max_url_bytes 0, a port outside 1-65535, or a malformed CIDR.
Status Validate(const OutsideUrlPolicy& policy);

// Checks `url` before any fetch. Returns OK, or InvalidArgument for the first of these it finds,
// in this order:
//   1. longer than policy.max_url_bytes ("too long"), found before anything else is looked at;
//   2. a control character: a byte below 0x20 (CR, LF, TAB, ESC, NUL...), 0x7F, or U+0080-U+009F;
//   3. curl's URL API cannot parse it, with no scheme guessing: "example.com/x" (no scheme),
//      "//example.com/x" (scheme-relative) and "http://a b/" are refused;
//   4. a scheme other than http and https (file:, gopher:, dict:, ftp:, ldap:, tftp:, ...);
//   5. userinfo: a user name, password or login options ("http://example.com@10.0.0.1/", and
//      "http://127.0.0.1:80\@example.com/", which curl reads as user "127.0.0.1");
//   6. a host written as an IP address — in any spelling curl accepts ("2130706433", "0x7f.1",
//      "0177.0.0.1", "[::ffff:7f00:1]") — that CheckOutsideAddress refuses;
//   7. a port not in policy.allowed_ports (unless 6 found the host inside allowed_private_ranges).
// Host names are not resolved here: whatever a name resolves to is judged when the fetcher dials
// it, which also defeats DNS rebinding. The message says in words what is wrong and names the
// URL with control characters escaped (EscapeControl) and cut at 200 bytes, e.g.
//   "refused http://93.184.215.14:22/: port 22 is not allowed (allowed: 80, 443)".
// REQUIRES: Validate(policy).ok().
Status CheckOutsideUrl(std::string_view url, const OutsideUrlPolicy& policy);

// The address policy: allow global unicast only. Returns OK when `address` (an IPv4 or IPv6
// literal, without brackets or zone id) may be reached from outside, or when it lies inside one
// of `allowed_private_ranges` (CIDRs; malformed ones are ignored). Else InvalidArgument naming the
// range, e.g. "private address 127.0.0.1 (loopback, 127.0.0.0/8)". Refused:
//   IPv4: 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.0.2/24,
//         192.88.99/24, 192.168/16, 198.18/15, 198.51.100/24, 203.0.113/24, 224/4, 240/4;
//   IPv6 carrying an IPv4 address — ::ffff:0:0/96 (mapped), 64:ff9b::/96 (NAT64), 2002::/16
//         (6to4) — as that IPv4 address is judged;
//   other IPv6: everything outside 2000::/3 (::/96 IPv4-compatible, ::1, 100::/64,
//         64:ff9b:1::/48, fc00::/7, fe80::/10, fec0::/10, ff00::/8 among it), and inside it
//         2001::/23 (Teredo 2001::/32 among it) and 2001:db8::/32;
//   anything that is not an IP literal.
Status CheckOutsideAddress(std::string_view address,
                           const std::vector<std::string>& allowed_private_ranges);

// True when CheckOutsideAddress refuses `address`.
bool IsBlockedAddress(std::string_view address,
                      const std::vector<std::string>& allowed_private_ranges);

}  // namespace adwatch::crawler

#endif  // ADWATCH_CRAWLER_OUTSIDE_URL_H_
