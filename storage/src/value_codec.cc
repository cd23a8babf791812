#include "adwatch/storage/value_codec.h"

#include <climits>
#include <cstring>

namespace adwatch::storage {

void ValueWriter::U64(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void ValueWriter::I64(int64_t v) {
  U64((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void ValueWriter::F64(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>((bits >> (8 * i)) & 0xff);
  out_.append(b, 8);
}

void ValueWriter::Str(std::string_view s) {
  U64(s.size());
  out_.append(s);
}

uint64_t ValueReader::U64() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in_.empty()) break;
    const auto b = static_cast<unsigned char>(in_.front());
    in_.remove_prefix(1);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  Fail();  // ran out of bytes, or more than ten of them
  return 0;
}

int64_t ValueReader::I64() {
  const uint64_t u = U64();
  return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
}

int ValueReader::I32() {
  const int64_t v = I64();
  if (v < INT_MIN || v > INT_MAX) {
    Fail();
    return 0;
  }
  return static_cast<int>(v);
}

double ValueReader::F64() {
  if (in_.size() < 8) {
    Fail();
    return 0;
  }
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) {
    bits |= static_cast<uint64_t>(static_cast<unsigned char>(in_[static_cast<size_t>(i)]))
            << (8 * i);
  }
  in_.remove_prefix(8);
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

bool ValueReader::Bool() {
  const uint64_t v = U64();
  if (v > 1) Fail();
  return v == 1;
}

std::string_view ValueReader::StrView() {
  const uint64_t n = U64();
  if (n > in_.size()) {
    Fail();
    return {};
  }
  std::string_view s = in_.substr(0, n);
  in_.remove_prefix(n);
  return s;
}

size_t ValueReader::Count() {
  const uint64_t n = U64();
  if (n > in_.size()) {
    Fail();
    return 0;
  }
  return n;
}

Status ValueReader::Finish(std::string_view what) const {
  if (!ok_) return Status::Corruption(what, "truncated or malformed binary value");
  if (!in_.empty()) {
    return Status::Corruption(what, std::to_string(in_.size()) +
                                        " bytes past the last field (written by a newer adwatch?)");
  }
  return Status::OK();
}

}  // namespace adwatch::storage
