// Where a Redis frontier lives: "redis://HOST:PORT/DB", parsed in this one place for every
// command (`crawl`, `ingest`, `serve`, `frontier import`). Pure functions; thread-safe.
#ifndef ADWATCH_FRONTIER_REDIS_REDIS_ADDRESS_H_
#define ADWATCH_FRONTIER_REDIS_REDIS_ADDRESS_H_

#include <string>
#include <string_view>

#include "adwatch/common/status.h"

namespace adwatch::frontier_redis {

struct RedisAddress {
  std::string host = "127.0.0.1";  // a name, an IPv4 address, or an IPv6 one without brackets
  int port = 6379;
  int db = 0;
};

// Parses "redis://HOST[:PORT][/DB]" (PORT 6379 and DB 0 when left out; "[::1]" for IPv6).
// InvalidArgument naming what is wrong: another scheme (rediss:// too: hiredis 0.14 has no TLS),
// user info (a password belongs in the environment, not on a command line), no host, a port
// outside 1–65535, a db outside 0–15 (Redis's default `databases`), or anything after the db.
Result<RedisAddress> ParseRedisUrl(std::string_view url);

// "redis://host:port/db", for messages.
std::string ToString(const RedisAddress& address);

}  // namespace adwatch::frontier_redis

#endif  // ADWATCH_FRONTIER_REDIS_REDIS_ADDRESS_H_
