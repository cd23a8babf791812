// ASCII helpers for HTTP's case-insensitive tokens, shared by the files of adwatch_http.
#ifndef ADWATCH_HTTP_SRC_ASCII_H_
#define ADWATCH_HTTP_SRC_ASCII_H_

#include <string>
#include <string_view>

namespace adwatch::http::internal {

inline char LowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

// `s` without leading and trailing spaces and tabs.
inline std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace adwatch::http::internal

#endif  // ADWATCH_HTTP_SRC_ASCII_H_
