#include "text_builder.h"

#include <array>
#include <cstdint>

namespace adwatch::extract {
namespace {

// 1: ASCII whitespace; 2: 0xC2, the first byte of U+00A0 (no-break space); 0: anything else.
constexpr auto kClass = [] {
  std::array<uint8_t, 256> t{};
  for (unsigned char c : {' ', '\n', '\t', '\r', '\f', '\v'}) t[c] = 1;
  t[0xC2] = 2;
  return t;
}();

// Length of the whitespace at p (0 if none).
inline size_t SpaceLen(const unsigned char* p, const unsigned char* end) {
  const uint8_t k = kClass[*p];
  if (k == 1) return 1;
  if (k == 2 && p + 1 < end && p[1] == 0xA0) return 2;
  return 0;
}

}  // namespace

bool CutUtf8(std::string& s, size_t max_bytes) {
  if (s.size() <= max_bytes) return false;
  size_t n = max_bytes;
  // Back off over continuation bytes so that a multi-byte character is not split.
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
  return true;
}

std::string CollapseWhitespace(std::string_view s) {
  TextBuilder b(s.size() + 1, /*single_line=*/true);
  b.Append(s);
  return b.Take();
}

void TextBuilder::Put(const char* p, size_t n) {
  if (truncated_) return;
  const size_t room = max_bytes_ - out_.size();
  if (n <= room) {
    out_.append(p, n);
    return;
  }
  // Cut before the character that does not fit whole.
  size_t k = room;
  while (k > 0 && (static_cast<unsigned char>(p[k]) & 0xC0) == 0x80) --k;
  out_.append(p, k);
  truncated_ = true;
}

void TextBuilder::Flush() {
  if (!out_.empty()) {
    if (pending_lines_ > 0) {
      if (single_line_) {
        Put(" ", 1);
      } else {
        Put("\n\n", static_cast<size_t>(pending_lines_ > 1 ? 2 : 1));
      }
    } else if (pending_space_ && out_.back() != '\n') {
      Put(" ", 1);
    }
  }
  pending_lines_ = 0;
  pending_space_ = false;
}

void TextBuilder::Append(std::string_view text) {
  if (truncated_) return;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    if (const size_t sp = SpaceLen(p, end); sp != 0) {
      pending_space_ = true;
      p += sp;
      continue;
    }
    const auto* run = p;
    while (p < end) {
      const uint8_t k = kClass[*p];
      if (k == 0) {
        ++p;
      } else if (k == 1 || (p + 1 < end && p[1] == 0xA0)) {
        break;
      } else {
        ++p;
      }
    }
    Flush();
    Put(reinterpret_cast<const char*>(run), static_cast<size_t>(p - run));
    if (truncated_) return;
  }
}

void TextBuilder::AppendPreformatted(std::string_view text) {
  size_t start = 0;
  while (start <= text.size()) {
    const size_t nl = text.find('\n', start);
    Append(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (nl == std::string_view::npos) break;
    LineBreak();
    start = nl + 1;
  }
}

void TextBuilder::Block(int lines) {
  if (lines > pending_lines_) pending_lines_ = lines;
}

void TextBuilder::LineBreak() {
  if (out_.empty()) return;
  if (pending_lines_ < 2) ++pending_lines_;
}

}  // namespace adwatch::extract
