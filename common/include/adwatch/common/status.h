// Status and Result<T>: how every adwatch module reports that it could not do its job.
// Plain values, safe to copy between threads. Outcomes (a 404, "no rule matched") are data in
// the stage structs of records.h, never a Status.
#ifndef ADWATCH_COMMON_STATUS_H_
#define ADWATCH_COMMON_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace adwatch {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // The input or configuration is wrong; retrying will not help.
    kNotFound,         // The thing asked for does not exist.
    kIOError,          // The operating system or a library failed to read or write.
    kCorruption,       // Stored data does not decode.
    kTimedOut,         // A deadline passed.
    kUnavailable,      // Try again later (a host, a lock, a full queue).
    kInternal,         // A bug or a broken invariant in adwatch or a dependency.
  };

  // Returns a success status.
  Status() = default;
  static Status OK() { return Status(); }

  // Each factory takes where the error happened ("rules/jobs.yaml:12", "rocksdb put") and,
  // optionally, what went wrong; ToString() joins them as "context: detail".
  static Status InvalidArgument(std::string_view context, std::string_view detail = {}) {
    return Status(Code::kInvalidArgument, context, detail);
  }
  static Status NotFound(std::string_view context, std::string_view detail = {}) {
    return Status(Code::kNotFound, context, detail);
  }
  static Status IOError(std::string_view context, std::string_view detail = {}) {
    return Status(Code::kIOError, context, detail);
  }
  static Status Corruption(std::string_view context, std::string_view detail = {}) {
    return Status(Code::kCorruption, context, detail);
  }
  static Status TimedOut(std::string_view context, std::string_view detail = {}) {
    return Status(Code::kTimedOut, context, detail);
  }
  static Status Unavailable(std::string_view context, std::string_view detail = {}) {
    return Status(Code::kUnavailable, context, detail);
  }
  static Status Internal(std::string_view context, std::string_view detail = {}) {
    return Status(Code::kInternal, context, detail);
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }

  // The message without the code name: "context: detail", or "" for OK.
  const std::string& message() const { return message_; }

  // "OK", or the code name and the message, e.g. "Invalid argument: rules/x.yaml:3: bad pattern".
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` ("loading rules: ...").
  Status WithContext(std::string_view context) const;

 private:
  Status(Code code, std::string_view context, std::string_view detail);

  Code code_ = Code::kOk;
  std::string message_;
};

// The name of a code, e.g. "Invalid argument".
std::string_view CodeName(Status::Code code);

// Result<T> holds either a T or a non-OK Status. Member names follow std::expected so a later
// move to C++23 is mechanical.
template <typename T>
class [[nodiscard]] Result {
 public:
  // REQUIRES: !error.ok().
  Result(Status error) : v_(std::move(error)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok());
  }
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design

  bool has_value() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return has_value(); }

  // REQUIRES: has_value().
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !has_value().
  const Status& error() const { return std::get<Status>(v_); }

  // The status: OK when a value is held.
  Status status() const { return has_value() ? Status::OK() : error(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace adwatch

// Returns early from the enclosing function with the status of `expr` when it is not OK.
#define ADWATCH_RETURN_IF_ERROR(expr)          \
  do {                                         \
    ::adwatch::Status _adwatch_s = (expr);     \
    if (!_adwatch_s.ok()) return _adwatch_s;   \
  } while (0)

#endif  // ADWATCH_COMMON_STATUS_H_
