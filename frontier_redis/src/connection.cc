#include "connection.h"

#include <hiredis/hiredis.h>
#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <thread>

namespace adwatch::frontier_redis::internal {
namespace {

timeval Tv(int ms) {
  timeval tv{};
  tv.tv_sec = ms / 1000;
  tv.tv_usec = (ms % 1000) * 1000;
  return tv;
}

Reply Copy(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Copy(r->element[i]));
      break;
    default:
      out.type = Reply::Type::kNil;
  }
  return out;
}

// Error replies that mean "try again soon": the server is loading its AOF, runs a slow script,
// or is out of memory under noeviction (workers then pause until the ingest frees memory).
bool Transient(const Reply& r) {
  if (!r.is_error()) return false;
  for (std::string_view p : {"LOADING ", "BUSY ", "OOM ", "TRYAGAIN", "MASTERDOWN "}) {
    if (std::string_view(r.str).substr(0, p.size()) == p) return true;
  }
  return false;
}

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int64_t Reply::AsInt(int64_t dflt) const {
  if (type == Type::kInteger) return integer;
  if (type == Type::kString || type == Type::kStatus) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(str.data(), str.data() + str.size(), v);
    if (ec == std::errc() && p == str.data() + str.size()) return v;
  }
  return dflt;
}

Script::Script(const char* n, std::string t) : name(n), text(std::move(t)) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static const char* kHex = "0123456789abcdef";
  for (unsigned char c : digest) {
    sha1 += kHex[c >> 4];
    sha1 += kHex[c & 15];
  }
}

Connection::Connection(ConnectionOptions options) : options_(std::move(options)) {}

Connection::~Connection() { Drop(); }

void Connection::Drop() {
  if (ctx_) redisFree(ctx_);
  ctx_ = nullptr;
}

Status Connection::Connect() {
  Drop();
  const std::string where = ToString(options_.address);
  ctx_ = redisConnectWithTimeout(options_.address.host.c_str(), options_.address.port,
                                 Tv(options_.connect_timeout_ms));
  if (ctx_ == nullptr) return Status::IOError(where, "cannot allocate a connection");
  if (ctx_->err) {
    Status s = Status::IOError(where, ctx_->errstr);
    Drop();
    return s;
  }
  redisSetTimeout(ctx_, Tv(options_.io_timeout_ms));
  redisEnableKeepAlive(ctx_);
  if (options_.address.db != 0) {
    auto* r = static_cast<redisReply*>(redisCommand(ctx_, "SELECT %d", options_.address.db));
    if (r == nullptr) {
      Status s = Status::IOError(where, ctx_->errstr);
      Drop();
      return s;
    }
    Reply reply = Copy(r);
    freeReplyObject(r);
    if (reply.is_error()) {
      Drop();
      return Status::InvalidArgument(where, "SELECT: " + reply.str);
    }
  }
  return Status::OK();
}

Result<Reply> Connection::Once(const std::vector<std::string>& argv, bool& lost) {
  lost = false;
  if (ctx_ == nullptr) {
    if (Status s = Connect(); !s.ok()) {
      lost = true;
      return s;
    }
  }
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const std::string& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(
      redisCommandArgv(ctx_, static_cast<int>(argv.size()), args.data(), lens.data()));
  if (r == nullptr) {
    Status s = Status::IOError(ToString(options_.address), ctx_->errstr);
    Drop();
    lost = true;
    return s;
  }
  Reply reply = Copy(r);
  freeReplyObject(r);
  return reply;
}

Result<Reply> Connection::Command(const std::vector<std::string>& argv) {
  const int64_t deadline = SteadyMs() + options_.reconnect_for_ms;
  int64_t backoff = 100;
  while (true) {
    bool lost = false;
    auto r = Once(argv, lost);
    const bool again = lost || (r && Transient(*r));
    if (!again) return r;
    if (SteadyMs() + backoff > deadline) {
      if (r) return Status::Unavailable(ToString(options_.address), r->str);
      return r.error();
    }
    spdlog::warn("redis: {} (trying again in {} ms)",
                 r ? ToString(options_.address) + ": " + r->str : r.error().message(), backoff);
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff));
    backoff = std::min<int64_t>(backoff * 2, 2000);
  }
}

Result<Reply> Connection::Eval(const Script& script, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"EVALSHA", script.sha1, "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = Command(argv);
  if (r && r->is_error() && r->str.rfind("NOSCRIPT", 0) == 0) {
    argv[0] = "EVAL";
    argv[1] = script.text;
    r = Command(argv);
  }
  if (!r) return r.error().WithContext(script.name);
  if (r->is_error()) return Status::Internal(std::string("redis script ") + script.name, r->str);
  return r;
}

}  // namespace adwatch::frontier_redis::internal
