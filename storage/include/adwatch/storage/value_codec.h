// The byte format of stored values, owned by storage/ and shared by every module that writes into
// the store's tables (the crawler's frontier, seen and hosts records go through it as storage's
// own ad and verdict records do). A value is one format byte, then its payload:
//   kFormatJson   ('\x01') + compact JSON: storage's records as first written; still read.
//   kFormatBinary ('\x02') + fields in a fixed order, each written with ValueWriter below.
// The binary form is what makes a write cheap: no JSON tree is built or parsed, numbers are
// varints and strings are length-prefixed bytes (kept as they are, so invalid UTF-8 survives).
// A record's field list belongs to its format byte: a change to it gets a new byte, and readers
// keep decoding the older ones. Appending fields at the end is the exception: ValueReader::AtEnd
// lets a reader default what an older writer did not write.
//
// Thread-safety: writers and readers are plain values; use one per thread.
#ifndef ADWATCH_STORAGE_VALUE_CODEC_H_
#define ADWATCH_STORAGE_VALUE_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "adwatch/common/status.h"

namespace adwatch::storage {

inline constexpr char kFormatJson = '\x01';
inline constexpr char kFormatBinary = '\x02';

// The format byte of a stored value, or '\0' for an empty one.
inline char FormatOf(std::string_view value) { return value.empty() ? '\0' : value.front(); }

// Appends fields to a value that starts with kFormatBinary.
class ValueWriter {
 public:
  ValueWriter() { out_.push_back(kFormatBinary); }
  // Reserves room for about `bytes` more, to spare regrowth on records of known size.
  void Reserve(size_t bytes) { out_.reserve(out_.size() + bytes); }

  void U64(uint64_t v);  // LEB128 varint: 1 byte below 128
  void I64(int64_t v);   // zigzag varint: small magnitudes are short
  void F64(double v);    // 8 bytes, the IEEE-754 bit pattern, little-endian
  void Bool(bool v) { out_.push_back(v ? '\x01' : '\x00'); }
  void Str(std::string_view s);     // varint length, then the bytes
  void Count(size_t n) { U64(n); }  // the length of a list that follows

  // The value written so far.
  const std::string& value() const { return out_; }
  std::string Release() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads fields back in the order they were written. A read past the end or a malformed varint
// puts the reader in a failed state, after which every read returns a default (0, "", false):
// decode the whole record, then check ok() once. Corrupt input never crashes or allocates more
// than its own size: Count() refuses a list longer than the bytes left.
class ValueReader {
 public:
  // REQUIRES: FormatOf(value) == kFormatBinary. `value` must outlive the reader (and every view
  // StrView returned).
  explicit ValueReader(std::string_view value) : in_(value.substr(value.empty() ? 0 : 1)) {}

  uint64_t U64();
  int64_t I64();
  // I64 checked to fit an int; outside it the reader fails.
  int I32();
  double F64();
  bool Bool();
  std::string Str() { return std::string(StrView()); }
  std::string_view StrView();
  // The length of a list; fails (returning 0) when it exceeds the bytes left, since every
  // element takes at least one.
  size_t Count();
  // An enum's value, failing when above `max` (an enum of a newer adwatch).
  template <typename E>
  E Enum(E max) {
    const uint64_t v = U64();
    if (v > static_cast<uint64_t>(max)) {
      Fail();
      return E{};
    }
    return static_cast<E>(v);
  }

  bool AtEnd() const { return in_.empty(); }
  bool ok() const { return ok_; }
  // OK, or Corruption naming `what` when a read failed or bytes are left over.
  Status Finish(std::string_view what) const;

 private:
  void Fail() {
    ok_ = false;
    in_ = {};
  }
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace adwatch::storage

#endif  // ADWATCH_STORAGE_VALUE_CODEC_H_
