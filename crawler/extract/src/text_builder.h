// TextBuilder: plain text out of HTML text nodes, with whitespace collapsed and block structure
// kept as line breaks, capped at a byte limit (cut on a UTF-8 character boundary).
#ifndef ADWATCH_EXTRACT_TEXT_BUILDER_H_
#define ADWATCH_EXTRACT_TEXT_BUILDER_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace adwatch::extract {

class TextBuilder {
 public:
  // `single_line`: breaks become spaces (anchor text, titles).
  explicit TextBuilder(size_t max_bytes, bool single_line = false)
      : max_bytes_(max_bytes), single_line_(single_line) {}

  // Appends text whose whitespace (ASCII and U+00A0) collapses to one space.
  void Append(std::string_view text);
  // Appends text whose line feeds are kept as line breaks (<pre>, plain-text descriptions).
  void AppendPreformatted(std::string_view text);
  // Ends the current block: the next text starts on a new line (`lines` = 2 leaves a blank
  // line). Breaks do not add up; at most `lines` are kept.
  void Block(int lines = 1);
  // A <br>: adds one line break (at most two in a row).
  void LineBreak();
  // A word boundary without a line break (between table cells).
  void Space() { pending_space_ = true; }

  size_t size() const { return out_.size(); }
  bool truncated() const { return truncated_; }
  const std::string& text() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Flush();
  void Put(const char* p, size_t n);

  std::string out_;
  size_t max_bytes_;
  bool single_line_;
  bool truncated_ = false;
  bool pending_space_ = false;
  int pending_lines_ = 0;
};

// Cuts `s` to at most `max_bytes`, backing off to a UTF-8 character boundary. Returns true when
// something was cut.
bool CutUtf8(std::string& s, size_t max_bytes);

// The longest prefix of `s` of at most `max_bytes` that does not end inside a UTF-8 character.
inline std::string_view Utf8Prefix(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// Collapses whitespace runs to one space and trims both ends.
std::string CollapseWhitespace(std::string_view s);

}  // namespace adwatch::extract

#endif  // ADWATCH_EXTRACT_TEXT_BUILDER_H_
