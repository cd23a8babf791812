// The server's side of BodySink: what a sink call turns into, and the hook through which the
// server (server.cc) makes sinks bound to one connection and one piece.
#ifndef ADWATCH_HTTP_SRC_BODY_SINK_H_
#define ADWATCH_HTTP_SRC_BODY_SINK_H_

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "adwatch/http/message.h"

namespace adwatch::http {

// One BodySink call, as data.
struct SinkAction {
  enum class Verb { kWrite, kPause, kFinish, kAbort };
  Verb verb = Verb::kFinish;
  std::string data;                    // kWrite
  std::chrono::milliseconds delay{0};  // kPause
  AbortMode mode = AbortMode::kClose;  // kAbort
};

// Receives the one action of one sink. Deliver may be called on any thread.
struct BodySink::Rep {
  virtual ~Rep() = default;
  virtual void Deliver(SinkAction action) = 0;
};

// Lets the server name BodySink::Rep and build sinks (both private to BodySink).
struct BodySinkAccess {
  using Rep = BodySink::Rep;
  static BodySink Make(std::shared_ptr<Rep> rep) { return BodySink(std::move(rep)); }
};

}  // namespace adwatch::http

#endif  // ADWATCH_HTTP_SRC_BODY_SINK_H_
