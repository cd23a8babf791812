#include "adwatch/common/random_id.h"

#include <openssl/rand.h>

#include <cstdint>

namespace adwatch {
namespace {

std::string Base64Url(const unsigned char* data, size_t n) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (n - i == 1) {
    const uint32_t v = uint32_t{data[i]} << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (n - i == 2) {
    const uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

}  // namespace

Result<std::string> RandomId(size_t bytes) {
  std::string raw(bytes, '\0');
  // Drawn again while it would start with '-' or '_': one draw in 32 is redrawn.
  for (;;) {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
      return Status::Internal("RAND_bytes", "no randomness available");
    }
    std::string id = Base64Url(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
    if (id.empty() || (id[0] != '-' && id[0] != '_')) return id;
  }
}

}  // namespace adwatch
