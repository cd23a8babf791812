// Charset detection and conversion of a page body to valid UTF-8 (ICU), before Gumbo sees it.
#ifndef ADWATCH_EXTRACT_CHARSET_H_
#define ADWATCH_EXTRACT_CHARSET_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adwatch::extract {

struct Decoded {
  // The body converted to UTF-8, or nullopt when the body already was valid UTF-8 without a
  // BOM and is to be used as it is.
  std::optional<std::string> converted;
  // What the body was decoded from: "utf-8", "windows-1252", "utf-16le", ...
  std::string charset;
  // Declarations overruled, invalid bytes replaced; one line each.
  std::vector<std::string> problems;
};

// Decides the body's charset — BOM, then the charset parameter of `content_type`, then a <meta>
// declaration within the first `prescan_bytes`, else detection (UTF-16 without BOM, valid UTF-8,
// uchardet, windows-1252) — and converts the body to valid UTF-8. A declaration the bytes
// contradict (declared UTF-8 but not, or declared a legacy charset but valid multi-byte UTF-8)
// is overruled. Invalid sequences become U+FFFD. Never fails.
Decoded DecodeToUtf8(std::string_view body, std::string_view content_type, size_t prescan_bytes);

// The charset parameter of a Content-Type value ("text/html; charset=ISO-8859-1"), or "".
std::string_view CharsetParameter(std::string_view content_type);

// The label declared by <meta charset> or <meta http-equiv=content-type> in `head`, or "".
std::string MetaCharset(std::string_view head);

// Counts of a UTF-8 scan.
struct Utf8Stats {
  size_t invalid = 0;    // invalid sequences (each would become one U+FFFD)
  size_t multibyte = 0;  // valid sequences of two or more bytes
};
Utf8Stats ScanUtf8(std::string_view s);

// `s` with every invalid UTF-8 sequence replaced by U+FFFD.
std::string RepairUtf8(std::string_view s);

}  // namespace adwatch::extract

#endif  // ADWATCH_EXTRACT_CHARSET_H_
