// The plain helpers of message.h (and IsLoopbackAddress from server.h), without sockets.
#include "adwatch/http/message.h"

#include <catch2/catch.hpp>

#include "adwatch/http/server.h"

namespace adwatch::http {
namespace {

TEST_CASE("RequestHead::Header finds the first header case-insensitively", "[http]") {
  RequestHead head;
  head.headers = {{"Content-Type", "a"}, {"X-Two", "first"}, {"x-two", "second"}};
  CHECK(head.Header("content-type") == "a");
  CHECK(head.Header("X-TWO") == "first");
  CHECK(head.Header("Missing").empty());
}

TEST_CASE("HTTP dates format and parse as IMF-fixdate", "[http]") {
  CHECK(FormatHttpDate(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777);
  CHECK(FormatHttpDate(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
  CHECK(ParseHttpDate(FormatHttpDate(1'790'000'000)) == 1'790'000'000);
  CHECK_FALSE(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"));
  CHECK_FALSE(ParseHttpDate("Sun, 31 Feb 1994 08:49:37 GMT"));
  CHECK_FALSE(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 UTC"));
  CHECK_FALSE(ParseHttpDate(""));
}

TEST_CASE("IsNotModified follows If-None-Match before If-Modified-Since", "[http]") {
  RequestHead request;
  CHECK_FALSE(IsNotModified(request, "\"a\"", 1000));
  request.headers = {{"If-None-Match", "\"x\", W/\"a\""}};
  CHECK(IsNotModified(request, "\"a\"", std::nullopt));
  CHECK_FALSE(IsNotModified(request, "\"b\"", std::nullopt));
  request.headers = {{"If-None-Match", "*"}};
  CHECK(IsNotModified(request, "\"b\"", std::nullopt));
  // If-None-Match wins even when the date would match.
  request.headers = {{"If-None-Match", "\"old\""},
                     {"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}};
  CHECK_FALSE(IsNotModified(request, "\"new\"", 784111777));
  request.headers = {{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}};
  CHECK(IsNotModified(request, "", 784111777));
  CHECK(IsNotModified(request, "", 784111000));
  CHECK_FALSE(IsNotModified(request, "", 784111778));
  CHECK_FALSE(IsNotModified(request, "", std::nullopt));
}

TEST_CASE("IsLoopbackAddress accepts 127/8 and ::1 only", "[http]") {
  CHECK(IsLoopbackAddress("127.0.0.1"));
  CHECK(IsLoopbackAddress("127.3.4.5"));
  CHECK(IsLoopbackAddress("::1"));
  CHECK(IsLoopbackAddress("::ffff:127.0.0.1"));
  CHECK_FALSE(IsLoopbackAddress("0.0.0.0"));
  CHECK_FALSE(IsLoopbackAddress("10.0.0.1"));
  CHECK_FALSE(IsLoopbackAddress("localhost"));
  CHECK_FALSE(IsLoopbackAddress(""));
}

TEST_CASE("ReasonPhrase knows the standard codes", "[http]") {
  CHECK(ReasonPhrase(404) == "Not Found");
  CHECK(ReasonPhrase(429) == "Too Many Requests");
  CHECK(ReasonPhrase(431) == "Request Header Fields Too Large");
  CHECK(ReasonPhrase(414) == "URI Too Long");
  CHECK(ReasonPhrase(799).empty());
  CHECK(ReasonPhrase(-1).empty());
}

}  // namespace
}  // namespace adwatch::http
