// redis://HOST:PORT/DB as every command takes it, and a clear error for each mistake.
#include "adwatch/frontier_redis/redis_address.h"

#include <catch2/catch.hpp>

using adwatch::frontier_redis::ParseRedisUrl;

TEST_CASE("A frontier URL names host, port and db, with defaults", "[frontier_redis]") {
  auto a = ParseRedisUrl("redis://10.0.0.5:6380/2");
  REQUIRE(a.has_value());
  CHECK(a->host == "10.0.0.5");
  CHECK(a->port == 6380);
  CHECK(a->db == 2);
  auto d = ParseRedisUrl("redis://frontier.lan");
  REQUIRE(d.has_value());
  CHECK(d->port == 6379);
  CHECK(d->db == 0);
  auto v6 = ParseRedisUrl("redis://[::1]:7000/0");
  REQUIRE(v6.has_value());
  CHECK(v6->host == "::1");
  CHECK(ToString(*v6) == "redis://[::1]:7000/0");
}

TEST_CASE("A bad frontier URL says what is wrong", "[frontier_redis]") {
  auto msg = [](const char* url) {
    auto r = ParseRedisUrl(url);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().IsInvalidArgument());
    return r.error().message();
  };
  CHECK_THAT(msg("http://x:1/0"), Catch::Contains("expected redis://"));
  CHECK_THAT(msg("rediss://x:1/0"), Catch::Contains("TLS"));
  CHECK_THAT(msg("redis://:6379/0"), Catch::Contains("no host"));
  CHECK_THAT(msg("redis://x:0/0"), Catch::Contains("port"));
  CHECK_THAT(msg("redis://x:70000/0"), Catch::Contains("port"));
  CHECK_THAT(msg("redis://x:abc/0"), Catch::Contains("port"));
  CHECK_THAT(msg("redis://x:/0"), Catch::Contains("empty port"));
  CHECK_THAT(msg("redis://x:1/16"), Catch::Contains("db"));
  CHECK_THAT(msg("redis://x:1/zero"), Catch::Contains("db"));
  CHECK_THAT(msg("redis://x:1/0/extra"), Catch::Contains("db"));
  CHECK_THAT(msg("redis://user:pw@x:1/0"), Catch::Contains("user info"));
  CHECK_THAT(msg("redis://[::1:1/0"), Catch::Contains("unclosed"));
  CHECK_THAT(msg("redis://a b:1/0"), Catch::Contains("not allowed"));
}
