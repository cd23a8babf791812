// A lexer for one HTML start or end tag, following the HTML tokenizer's tag-name,
// attribute-name and attribute-value states, so that it ends a tag where Gumbo does. Used by the
// charset prescan and by the markup guard that runs before Gumbo.
#ifndef ADWATCH_EXTRACT_TAG_LEXER_H_
#define ADWATCH_EXTRACT_TAG_LEXER_H_

#include <cstddef>
#include <string_view>

namespace adwatch::extract {

inline bool IsAsciiAlpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
inline bool IsHtmlSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}
inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// True when `s` equals the lower-case ASCII `lower` ignoring ASCII case.
inline bool EqualsIgnoreCase(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (AsciiLower(s[i]) != lower[i]) return false;
  }
  return true;
}

// True when `s` starts with the lower-case ASCII `lower` ignoring ASCII case.
inline bool StartsWithIgnoreCase(std::string_view s, std::string_view lower) {
  return s.size() >= lower.size() && EqualsIgnoreCase(s.substr(0, lower.size()), lower);
}

// Position of the first occurrence of lower-case ASCII `lower` in `s` at or after `from`,
// ignoring ASCII case, or npos.
size_t FindIgnoreCase(std::string_view s, std::string_view lower, size_t from = 0);

struct TagToken {
  size_t begin = 0;         // offset of '<'
  size_t end = 0;           // offset just past '>', or the input size when the tag is unfinished
  bool complete = false;    // false: the input ended inside the tag (Gumbo drops such a tag)
  bool end_tag = false;     // "</name ...>"
  bool self_closing = false;
  std::string_view name;    // as written (any case)
  size_t attr_count = 0;
  // Attributes past `max_attrs` span [cut_begin, cut_end); empty when there are none.
  size_t cut_begin = 0;
  size_t cut_end = 0;
};

// Lexes the tag starting at s[pos].
// REQUIRES: s[pos] == '<' and s[pos + 1] is an ASCII letter, or s[pos + 1] == '/' and s[pos + 2]
// is an ASCII letter.
// Calls on_attr(name, value) for each of the first `max_attrs` attributes; `value` is without its
// quotes and character references are not decoded.
template <typename OnAttr>
TagToken LexTag(std::string_view s, size_t pos, size_t max_attrs, OnAttr&& on_attr) {
  TagToken t;
  t.begin = pos;
  const size_t n = s.size();
  size_t i = pos + 1;
  if (s[i] == '/') {
    t.end_tag = true;
    ++i;
  }
  const size_t name_start = i;
  while (i < n && !IsHtmlSpace(static_cast<unsigned char>(s[i])) && s[i] != '/' && s[i] != '>') ++i;
  t.name = s.substr(name_start, i - name_start);
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (IsHtmlSpace(c)) {
      ++i;
      continue;
    }
    if (c == '>') {
      t.end = i + 1;
      t.complete = true;
      return t;
    }
    if (c == '/') {
      ++i;
      if (i < n && s[i] == '>') {
        t.self_closing = true;
        t.end = i + 1;
        t.complete = true;
        return t;
      }
      continue;
    }
    // Attribute name; its first character may be '='.
    const size_t name_begin = i++;
    while (i < n && !IsHtmlSpace(static_cast<unsigned char>(s[i])) && s[i] != '/' && s[i] != '>' &&
           s[i] != '=') {
      ++i;
    }
    const std::string_view attr_name = s.substr(name_begin, i - name_begin);
    std::string_view value;
    size_t j = i;
    while (j < n && IsHtmlSpace(static_cast<unsigned char>(s[j]))) ++j;
    if (j < n && s[j] == '=') {
      ++j;
      while (j < n && IsHtmlSpace(static_cast<unsigned char>(s[j]))) ++j;
      if (j < n && (s[j] == '"' || s[j] == '\'')) {
        const size_t close = s.find(s[j], j + 1);
        if (close == std::string_view::npos) {
          t.end = n;
          return t;
        }
        value = s.substr(j + 1, close - j - 1);
        j = close + 1;
      } else {
        const size_t value_begin = j;
        while (j < n && !IsHtmlSpace(static_cast<unsigned char>(s[j])) && s[j] != '>') ++j;
        value = s.substr(value_begin, j - value_begin);
      }
    }
    i = j;
    ++t.attr_count;
    if (t.attr_count <= max_attrs) {
      on_attr(attr_name, value);
    } else {
      if (t.cut_end == 0) t.cut_begin = name_begin;
      t.cut_end = i;
    }
  }
  t.end = n;
  return t;
}

}  // namespace adwatch::extract

#endif  // ADWATCH_EXTRACT_TAG_LEXER_H_
