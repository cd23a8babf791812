#include "adwatch/crawler/url.h"

#include <catch2/catch.hpp>

using namespace adwatch::crawler;

TEST_CASE("URLs are canonicalised for dedup", "[crawler]") {
  CHECK(*CanonicalUrl("HTTP://Example.COM:80/a/./b/../c?x=1&utm_source=fb&y=2&fbclid=abc#frag") ==
        "http://example.com/a/c?x=1&y=2");
  CHECK(*CanonicalUrl("https://example.com:443") == "https://example.com/");
  CHECK(*CanonicalUrl("https://example.com:8443/x?gclid=1") == "https://example.com:8443/x");
  CHECK(*CanonicalUrl("https://user:pw@example.com/p") == "https://example.com/p");
  CHECK(*CanonicalUrl("https://example.com/p?b=2&a=1") == "https://example.com/p?b=2&a=1");
}

TEST_CASE("Hostile and unsupported URLs are refused", "[crawler]") {
  CHECK_FALSE(CanonicalUrl("javascript:alert(1)").has_value());
  CHECK_FALSE(CanonicalUrl("file:///etc/passwd").has_value());
  CHECK_FALSE(CanonicalUrl("ftp://example.com/x").has_value());
  CHECK_FALSE(CanonicalUrl("/relative/path").has_value());
  CHECK_FALSE(CanonicalUrl("http://").has_value());
  CHECK_FALSE(CanonicalUrl(std::string("http://a.com/\0x", 16)).has_value());
  CHECK_FALSE(CanonicalUrl("http://a.com/" + std::string(10000, 'a')).has_value());
}

TEST_CASE("Links resolve against their page", "[crawler]") {
  CHECK(*ResolveUrl("https://example.com/jobs/list?page=2", "../detail/7#apply") ==
        "https://example.com/detail/7");
  CHECK(*ResolveUrl("https://example.com/a/b", "//other.org/x?utm_medium=x") == "https://other.org/x");
  CHECK(*ResolveUrl("https://example.com/a/b", "  c  ") == "https://example.com/a/c");
  CHECK_FALSE(ResolveUrl("https://example.com/", "mailto:hrd@example.com").has_value());
}

TEST_CASE("Host keys carry the port for politeness", "[crawler]") {
  CHECK(HostKey("https://example.com/x") == "example.com:443");
  CHECK(HostKey("http://127.0.0.1:8080/") == "127.0.0.1:8080");
  CHECK(HostName("https://Jobs.Example.com/x") == "jobs.example.com");
  CHECK(PathAndQuery("https://example.com/a?b=1") == "/a?b=1");
  CHECK(PathAndQuery("https://example.com") == "/");
}

TEST_CASE("Host keys and paths agree between the quick split and curl's parser", "[crawler]") {
  for (const char* u : {"https://example.com/x?y=1#f", "http://127.0.0.1:8080", "http://[::1]:9000/a",
                        "https://[2001:db8::1]/p", "HTTP://Example.com/A", "http://user@host.com/x",
                        "https://example.com?q=1"}) {
    INFO(u);
    auto canonical = CanonicalUrl(u);
    REQUIRE(canonical.has_value());
    // The canonical form takes the quick path; the original may not. Both must agree.
    CHECK(HostKey(*canonical) == HostKey(u));
    CHECK(HostName(*canonical) == HostName(u));
    CHECK(PathAndQuery(*canonical) == PathAndQuery(u));
  }
  CHECK(HostKey("http://[::1]:9000/a") == "[::1]:9000");
  CHECK(HostName("http://[::1]:9000/a") == "::1");
  CHECK(PathAndQuery("https://example.com?q=1") == "/?q=1");
}
