// One synchronous hiredis connection with reconnection: the only place that names a hiredis type.
// Private to frontier_redis/.
#ifndef ADWATCH_FRONTIER_REDIS_SRC_CONNECTION_H_
#define ADWATCH_FRONTIER_REDIS_SRC_CONNECTION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/common/status.h"
#include "adwatch/frontier_redis/redis_address.h"

struct redisContext;

namespace adwatch::frontier_redis::internal {

// A reply, copied out of hiredis.
struct Reply {
  enum class Type : uint8_t { kNil, kInteger, kString, kStatus, kError, kArray };
  Type type = Type::kNil;
  int64_t integer = 0;
  std::string str;  // kString, kStatus, kError
  std::vector<Reply> elements;

  bool is_error() const { return type == Type::kError; }
  bool is_nil() const { return type == Type::kNil; }
  // The integer of a kInteger reply or the number a kString holds; `dflt` otherwise.
  int64_t AsInt(int64_t dflt = 0) const;
};

struct ConnectionOptions {
  RedisAddress address;
  int connect_timeout_ms = 2000;
  int io_timeout_ms = 10'000;
  // After a lost connection (or a Redis that answers LOADING, BUSY or OOM), commands are tried
  // again with backoff (100 ms doubling to 2 s) for this long before they fail with IOError.
  int64_t reconnect_for_ms = 60'000;
};

// A Lua script with its SHA-1, run with EVALSHA (EVAL when the server does not know it yet, e.g.
// after a restart).
struct Script {
  Script(const char* name, std::string text);
  const char* name;
  std::string text;
  std::string sha1;  // lower-case hex
};

class Connection {
 public:
  explicit Connection(ConnectionOptions options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects (and SELECTs the db). IOError naming the address when Redis cannot be reached.
  Status Connect();

  // Sends `argv` and returns the reply; an error reply is returned as a reply (kError), except
  // the transient ones above, which are retried. Connection loss: reconnects and sends again,
  // so use only for commands that may safely run twice (every script here is written so).
  // IOError when Redis stays unreachable for reconnect_for_ms.
  Result<Reply> Command(const std::vector<std::string>& argv);

  // Runs `script` with `args` (no KEYS: the scripts build their key names). A script error is
  // Internal naming the script.
  Result<Reply> Eval(const Script& script, const std::vector<std::string>& args);

  const RedisAddress& address() const { return options_.address; }

 private:
  Result<Reply> Once(const std::vector<std::string>& argv, bool& connection_lost);
  void Drop();

  ConnectionOptions options_;
  redisContext* ctx_ = nullptr;
};

}  // namespace adwatch::frontier_redis::internal

#endif  // ADWATCH_FRONTIER_REDIS_SRC_CONNECTION_H_
