#include "text_builder.h"

namespace adwatch::extract {
namespace {

inline bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

// Length of the whitespace at p (0 if none): ASCII whitespace or U+00A0 (C2 A0).
inline size_t SpaceLen(const char* p, const char* end) {
  const auto c = static_cast<unsigned char>(*p);
  if (IsSpace(c)) return 1;
  if (c == 0xC2 && p + 1 < end && static_cast<unsigned char>(p[1]) == 0xA0) return 2;
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
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    size_t sp;
    if ((sp = SpaceLen(p, end)) != 0) {
      pending_space_ = true;
      p += sp;
      continue;
    }
    const char* run = p;
    while (p < end && SpaceLen(p, end) == 0) ++p;
    Flush();
    Put(run, static_cast<size_t>(p - run));
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
