// The decisions on URLs from outside, without any fetch: the address policy of API.md range by
// range, and CheckOutsideUrl's refusals with the words each one gives.
#include "adwatch/crawler/outside_url.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "adwatch/common/locale.h"
#include "adwatch/crawler/fetcher.h"

using namespace adwatch;
using namespace adwatch::crawler;

namespace {

struct AddressCase {
  const char* address;
  bool blocked;
};

void CheckAddresses(const std::vector<AddressCase>& cases) {
  for (const AddressCase& c : cases) {
    INFO(c.address);
    CHECK(IsBlockedAddress(c.address, {}) == c.blocked);
  }
}

// CheckOutsideUrl's message, or "OK".
std::string UrlVerdict(std::string_view url, const OutsideUrlPolicy& policy = {}) {
  Status s = CheckOutsideUrl(url, policy);
  return s.ok() ? "OK" : s.message();
}

}  // namespace

TEST_CASE("The address policy refuses every IPv4 range of API.md, at both ends, and nothing else",
          "[crawler][ssrf]") {
  CheckAddresses({
      {"0.0.0.0", true},          {"0.255.255.255", true},    {"1.0.0.0", false},
      {"9.255.255.255", false},   {"10.0.0.0", true},         {"10.255.255.255", true},
      {"11.0.0.0", false},        {"100.63.255.255", false},  {"100.64.0.0", true},
      {"100.127.255.255", true},  {"100.128.0.0", false},     {"126.255.255.255", false},
      {"127.0.0.0", true},        {"127.255.255.255", true},  {"128.0.0.0", false},
      {"169.253.255.255", false}, {"169.254.0.0", true},      {"169.254.169.254", true},
      {"169.254.255.255", true},  {"169.255.0.0", false},     {"172.15.255.255", false},
      {"172.16.0.0", true},       {"172.31.255.255", true},   {"172.32.0.0", false},
      {"192.0.0.0", true},        {"192.0.0.255", true},      {"192.0.1.0", false},
      {"192.0.2.0", true},        {"192.0.2.255", true},      {"192.0.3.0", false},
      {"192.88.98.255", false},   {"192.88.99.0", true},      {"192.88.99.255", true},
      {"192.88.100.0", false},    {"192.167.255.255", false}, {"192.168.0.0", true},
      {"192.168.255.255", true},  {"192.169.0.0", false},     {"198.17.255.255", false},
      {"198.18.0.0", true},       {"198.19.255.255", true},   {"198.20.0.0", false},
      {"198.51.99.255", false},   {"198.51.100.0", true},     {"198.51.100.255", true},
      {"198.51.101.0", false},    {"203.0.112.255", false},   {"203.0.113.0", true},
      {"203.0.113.255", true},    {"203.0.114.0", false},     {"223.255.255.255", false},
      {"224.0.0.0", true},        {"239.255.255.255", true},  {"240.0.0.0", true},
      {"255.255.255.255", true},  {"8.8.8.8", false},         {"93.184.215.14", false},
  });
}

TEST_CASE("The address policy judges IPv6 that carries IPv4 by the IPv4 address it carries",
          "[crawler][ssrf]") {
  CheckAddresses({
      // ::ffff:0:0/96, IPv4-mapped: the socket reaches the IPv4 address itself.
      {"::ffff:127.0.0.1", true},
      {"::ffff:7f00:1", true},
      {"::ffff:a9fe:a9fe", true},  // 169.254.169.254
      {"::ffff:10.1.2.3", true},
      {"::ffff:93.184.215.14", false},
      // 64:ff9b::/96, NAT64: the translator reaches the last four bytes.
      {"64:ff9b::7f00:1", true},
      {"64:ff9b::a9fe:a9fe", true},
      {"64:ff9b::5db8:d70e", false},  // 93.184.215.14
      // 2002::/16, 6to4: bytes 2-5.
      {"2002:7f00:1::1", true},
      {"2002:c0a8:101::1", true},  // 192.168.1.1
      {"2002:5db8:d70e::1", false},
  });
}

TEST_CASE("The address policy allows IPv6 global unicast only", "[crawler][ssrf]") {
  CheckAddresses({
      {"::", true},
      {"::1", true},
      {"::127.0.0.1", true},  // ::/96, IPv4-compatible: refused whatever it carries
      {"::8.8.8.8", true},
      {"100::1", true},             // 100::/64, discard-only
      {"64:ff9b:1::7f00:1", true},  // 64:ff9b:1::/48, local-use NAT64
      {"fc00::1", true},
      {"fd00:ec2::254", true},  // AWS metadata over IPv6
      {"fe80::1", true},
      {"febf:ffff::1", true},
      {"fec0::1", true},  // site-local
      {"ff02::1", true},
      {"1fff:ffff::1", true},      // just below 2000::/3
      {"4000::1", true},           // just above it
      {"2001::1", true},           // Teredo, 2001::/32
      {"2001:1ff:ffff::1", true},  // the end of 2001::/23
      {"2001:200::1", false},      // just after it
      {"2001:db8::1", true},       // documentation
      {"2001:db9::1", false},
      {"2001:4860:4860::8888", false},
      {"2606:2800:21f:cb07:6820:80da:af6b:8b2c", false},
      {"3fff:ffff::1", false},
  });
}

TEST_CASE("Anything that is not an IP literal is refused by the address policy",
          "[crawler][ssrf]") {
  CheckAddresses(
      {{"", true}, {"localhost", true}, {"127.1", true}, {"10.0.0.0/8", true}, {"[::1]", true}});
}

TEST_CASE("A refused address says which range it is in", "[crawler][ssrf]") {
  CHECK(CheckOutsideAddress("127.0.0.1", {}).message() ==
        "private address 127.0.0.1 (loopback, 127.0.0.0/8)");
  CHECK_THAT(CheckOutsideAddress("169.254.169.254", {}).message(),
             Catch::Contains("cloud metadata"));
  CHECK_THAT(CheckOutsideAddress("2002:7f00:1::1", {}).message(),
             Catch::Contains("6to4 127.0.0.1: loopback, 127.0.0.0/8"));
  CHECK_THAT(CheckOutsideAddress("2001::1", {}).message(), Catch::Contains("Teredo"));
  CHECK_THAT(CheckOutsideAddress("fec0::1", {}).message(), Catch::Contains("site-local"));
  CHECK(CheckOutsideAddress("93.184.215.14", {}).ok());
}

TEST_CASE("Allowed private ranges open exactly what they name", "[crawler][ssrf]") {
  const std::vector<std::string> allowed = {"127.0.0.2/32", "fd00:1::/32"};
  CHECK_FALSE(IsBlockedAddress("127.0.0.2", allowed));
  CHECK(IsBlockedAddress("127.0.0.1", allowed));
  CHECK(IsBlockedAddress("127.0.0.3", allowed));
  CHECK_FALSE(IsBlockedAddress("::ffff:127.0.0.2", allowed));  // the same address, mapped
  CHECK(IsBlockedAddress("::ffff:127.0.0.1", allowed));
  CHECK_FALSE(IsBlockedAddress("fd00:1::5", allowed));
  CHECK(IsBlockedAddress("fd00:2::5", allowed));
  // A malformed range opens nothing.
  CHECK(IsBlockedAddress("127.0.0.1", {"127.0.0.1/33", "nonsense"}));
}

TEST_CASE("CheckOutsideUrl accepts plain http and https URLs on the web ports", "[crawler][ssrf]") {
  CHECK(UrlVerdict("http://example.com/lowongan/123?page=2#top") == "OK");
  CHECK(UrlVerdict("https://example.com:443/") == "OK");
  CHECK(UrlVerdict("HTTPS://EXAMPLE.COM/") == "OK");
  CHECK(UrlVerdict("http://93.184.215.14/") == "OK");
  CHECK(UrlVerdict("http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/") == "OK");
  // Names are not resolved here: what "localhost" reaches is judged when it is dialled.
  CHECK(UrlVerdict("http://localhost/") == "OK");
}

TEST_CASE("CheckOutsideUrl refuses a URL over 8 KB as too long, before parsing it",
          "[crawler][ssrf]") {
  const std::string base = "http://example.com/";
  const std::string at_limit = base + std::string(8192 - base.size(), 'x');
  CHECK(UrlVerdict(at_limit) == "OK");
  const std::string over = at_limit + "x";
  const std::string v = UrlVerdict(over);
  CHECK_THAT(v, Catch::Contains("too long (8193 bytes; at most 8192)"));
  CHECK(v.size() < 400);  // the URL is quoted by its start only
  // Even when it could not be parsed at all.
  CHECK_THAT(UrlVerdict(std::string(9000, '%')), Catch::Contains("too long"));
  OutsideUrlPolicy small;
  small.max_url_bytes = 20;
  CHECK_THAT(UrlVerdict(base + "abc", small), Catch::Contains("too long (22 bytes; at most 20)"));
}

TEST_CASE("CheckOutsideUrl refuses control characters and echoes them escaped", "[crawler][ssrf]") {
  for (const std::string& url :
       {std::string("http://example.com/a\r\nSet-Cookie: x=1"),
        std::string("http://example.com/\x1b]0;pwned\x07"),
        std::string("http://example.com/\x1b[2J"), std::string("http://exa\tmple.com/"),
        std::string("http://example.com/\x7f"),
        std::string("http://example.com/\xC2\x9B"
                    "31m"),
        std::string("http://example.com/a\0b", 22)}) {
    const std::string v = UrlVerdict(url);
    INFO(v);
    CHECK_THAT(v, Catch::Contains("control character"));
    for (char c : v) {
      const auto u = static_cast<unsigned char>(c);
      CHECK((u >= 0x20 && u != 0x7F));
      CHECK_FALSE((u == 0xC2));  // no C1 control either (the message is otherwise ASCII)
    }
  }
  CHECK(UrlVerdict("http://example.com/a\r\nb") ==
        "refused http://example.com/a\\x0d\\x0ab: holds a control character (\\x0d)");
  // Other UTF-8 is no control character.
  CHECK(UrlVerdict("http://example.com/lowongan-kerja-\xC2\xA0-Kamboja") == "OK");
}

TEST_CASE("CheckOutsideUrl refuses what curl cannot parse without guessing a scheme",
          "[crawler][ssrf]") {
  CHECK_THAT(UrlVerdict("127.0.0.1:18181/v7"), Catch::Contains("not an absolute URL"));
  CHECK_THAT(UrlVerdict("example.com/x"), Catch::Contains("not an absolute URL"));
  CHECK_THAT(UrlVerdict("//127.0.0.1/v8"), Catch::Contains("not an absolute URL"));
  CHECK_THAT(UrlVerdict("http://example.com/a b"), Catch::Contains("not an absolute URL"));
  CHECK_THAT(UrlVerdict("http://example.com:65536/"), Catch::Contains("not an absolute URL"));
  CHECK_THAT(UrlVerdict(""), Catch::Contains("not an absolute URL"));
}

TEST_CASE("CheckOutsideUrl allows the http and https schemes only", "[crawler][ssrf]") {
  for (const char* url :
       {"file:///etc/passwd", "gopher://127.0.0.1:70/_x", "dict://127.0.0.1:11211/stat",
        "ftp://example.com/", "ldap://example.com/", "tftp://example.com/x", "javascript:alert(1)",
        "data:text/html,x"}) {
    INFO(url);
    const std::string v = UrlVerdict(url);
    CHECK(((v.find("is not allowed (only http and https)") != std::string::npos) ||
           (v.find("not an absolute URL") != std::string::npos)));
  }
  CHECK(UrlVerdict("file:///etc/passwd") ==
        "refused file:///etc/passwd: scheme \"file\" is not allowed (only http and https)");
}

TEST_CASE("CheckOutsideUrl refuses userinfo, also where a parser differential hides it",
          "[crawler][ssrf]") {
  for (const char* url :
       {"http://evil@127.0.0.1/", "http://example.com@127.0.0.1/", "http://u:p@example.com/",
        "http://:@example.com/", "http://127.0.0.1:80\\@example.com/v32",
        "http://u;auth=x@example.com/"}) {
    INFO(url);
    CHECK_THAT(UrlVerdict(url), Catch::Contains("user name or password"));
  }
}

TEST_CASE("CheckOutsideUrl judges an address literal in any spelling", "[crawler][ssrf]") {
  for (const char* url :
       {"http://127.0.0.1/", "http://127.1/", "http://2130706433/", "http://0x7f000001/",
        "http://0x7f.1/", "http://0177.0.0.1/", "http://017700000001/", "http://127.000.000.001/",
        "http://%31%32%37.0.0.1/"}) {
    INFO(url);
    CHECK_THAT(UrlVerdict(url),
               Catch::Contains("private address 127.0.0.1 (loopback, 127.0.0.0/8)"));
  }
  CHECK_THAT(UrlVerdict("http://0/"), Catch::Contains("private address 0.0.0.0"));
  CHECK_THAT(UrlVerdict("http://[::]/"), Catch::Contains("private address ::"));
  CHECK_THAT(UrlVerdict("http://[::ffff:127.0.0.1]/"), Catch::Contains("IPv4-mapped 127.0.0.1"));
  CHECK_THAT(UrlVerdict("http://[0:0:0:0:0:ffff:7f00:1]/"),
             Catch::Contains("IPv4-mapped 127.0.0.1"));
  CHECK_THAT(UrlVerdict("http://[::127.0.0.1]/"), Catch::Contains("IPv4-compatible"));
  CHECK_THAT(UrlVerdict("http://[fe80::1%25lo]/"), Catch::Contains("link-local"));
  CHECK_THAT(UrlVerdict("http://[64:ff9b::7f00:1]/"), Catch::Contains("NAT64 127.0.0.1"));
}

TEST_CASE("CheckOutsideUrl allows ports 80 and 443 unless the policy names more",
          "[crawler][ssrf]") {
  CHECK(UrlVerdict("http://93.184.215.14:22/") ==
        "refused http://93.184.215.14:22/: port 22 is not allowed (allowed: 80, 443)");
  CHECK_THAT(UrlVerdict("http://example.com:8080/"), Catch::Contains("port 8080 is not allowed"));
  CHECK_THAT(UrlVerdict("https://example.com:80/"), Catch::Contains("OK"));
  CHECK_THAT(UrlVerdict("http://example.com:0/"), Catch::Contains("port 0 is not allowed"));
  CHECK(UrlVerdict("http://example.com:080/") == "OK");  // 80, however written
  OutsideUrlPolicy p;
  p.allowed_ports = {80, 443, 8080};
  CHECK(UrlVerdict("http://example.com:8080/", p) == "OK");
  CHECK_THAT(UrlVerdict("http://example.com:22/", p), Catch::Contains("(allowed: 80, 443, 8080)"));
}

TEST_CASE("An address literal inside an allowed range may use any port, a name may not",
          "[crawler][ssrf]") {
  OutsideUrlPolicy p;
  p.allowed_private_ranges = {"127.0.0.2/32"};
  CHECK(UrlVerdict("http://127.0.0.2:41234/", p) == "OK");
  CHECK_THAT(UrlVerdict("http://127.0.0.1:41234/", p),
             Catch::Contains("private address 127.0.0.1"));
  CHECK_THAT(UrlVerdict("http://site.test:41234/", p),
             Catch::Contains("port 41234 is not allowed"));
  CHECK_THAT(UrlVerdict("http://93.184.215.14:22/", p), Catch::Contains("port 22 is not allowed"));
}

TEST_CASE("CheckOutsideUrl accepts a Unicode host name once the locale is UTF-8",
          "[crawler][ssrf]") {
  REQUIRE(InitLocale());
  CHECK(UrlVerdict("http://bücher.test/") == "OK");
  CHECK(UrlVerdict("https://lowongan-kerja.xn--3e0b707e/") == "OK");
}

TEST_CASE("Policies and fetcher options with bad ranges, ports or pins are refused",
          "[crawler][ssrf]") {
  OutsideUrlPolicy p;
  CHECK(Validate(p).ok());
  p.allowed_ports = {80, 0};
  CHECK_THAT(Validate(p).message(), Catch::Contains("port 0"));
  p.allowed_ports = {80};
  p.allowed_private_ranges = {"127.0.0.0/33"};
  CHECK_THAT(Validate(p).message(), Catch::Contains("not a CIDR range"));
  p.allowed_private_ranges = {};
  p.max_url_bytes = 0;
  CHECK_FALSE(Validate(p).ok());

  FetcherOptions f;
  CHECK(Validate(f).ok());
  f.resolve = {"a.test:80:127.0.0.1", "v6.test:8080:::1", "b.test:443:[::1],127.0.0.2"};
  CHECK(Validate(f).ok());
  for (const char* bad :
       {"a.test:80", "a.test::127.0.0.1", "a.test:http:127.0.0.1", ":80:127.0.0.1",
        "a.test:80:localhost", "a.test:80:127.0.0.1,", "a.test:80:10.0.0.0/8"}) {
    INFO(bad);
    f.resolve = {bad};
    CHECK_THAT(Validate(f).message(), Catch::Contains("resolve"));
  }
  f.resolve = {};
  f.allowed_outside_ports = {70000};
  CHECK_THAT(Validate(f).message(), Catch::Contains("allowed_outside_ports"));
  f.allowed_outside_ports = {80};
  f.allowed_private_ranges = {"10.0.0.0/8", "fe80::/10", "10.0.0.1/x"};
  CHECK_THAT(Validate(f).message(), Catch::Contains("10.0.0.1/x"));

  FetcherOptions o;
  o.allowed_private_ranges = {"127.0.0.2/32"};
  o.allowed_outside_ports = {80, 8080};
  const OutsideUrlPolicy from = OutsidePolicy(o);
  CHECK(from.allowed_ports == std::vector<int>{80, 8080});
  CHECK(from.allowed_private_ranges == std::vector<std::string>{"127.0.0.2/32"});
  CHECK(from.max_url_bytes == 8192);
}
