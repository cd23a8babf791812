#include "adwatch/common/status.h"

namespace adwatch {

std::string_view CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return "OK";
    case Status::Code::kInvalidArgument: return "Invalid argument";
    case Status::Code::kNotFound: return "Not found";
    case Status::Code::kIOError: return "IO error";
    case Status::Code::kCorruption: return "Corruption";
    case Status::Code::kTimedOut: return "Timed out";
    case Status::Code::kUnavailable: return "Unavailable";
    case Status::Code::kInternal: return "Internal error";
  }
  return "Unknown";
}

Status::Status(Code code, std::string_view context, std::string_view detail) : code_(code) {
  message_.assign(context);
  if (!detail.empty()) {
    if (!message_.empty()) message_ += ": ";
    message_ += detail;
  }
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeName(code_));
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(code_, context, message_);
}

}  // namespace adwatch
