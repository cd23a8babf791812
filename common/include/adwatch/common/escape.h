// The one HTML escaper, the one CSV escaper and the one control-character escaper of adwatch. Ad
// text and URLs from outside are hostile input: every string that reaches an HTML page (digests
// now, the API's pages later), a spreadsheet, or a terminal and a log goes through these. Pure
// functions; thread-safe.
#ifndef ADWATCH_COMMON_ESCAPE_H_
#define ADWATCH_COMMON_ESCAPE_H_

#include <string>
#include <string_view>
#include <vector>

namespace adwatch {

// Returns `text` safe to place in HTML element content and in double- or single-quoted
// attribute values: & < > " ' become character references, NUL and the C0/C1 control
// characters other than tab, line feed and carriage return are dropped, and bytes that are not
// valid UTF-8 become U+FFFD. Nothing else changes, so escaped text reads as the original.
// Not for unquoted attributes, <script>/<style> content or URLs (see SafeHttpUrl).
std::string HtmlEscape(std::string_view text);

// Appends HtmlEscape(text) to `out` (for writers that build one large page).
void AppendHtmlEscaped(std::string_view text, std::string& out);

// Returns `url` when it is an absolute http:// or https:// URL without whitespace or control
// characters, else "". A link built from ad data is written only when this is non-empty (then
// still through HtmlEscape), so "javascript:", "data:" and other schemes never become links.
std::string SafeHttpUrl(std::string_view url);

// Returns one CSV field (RFC 4180) that spreadsheet programs read back as the same text:
//  - quoted with '"' (and inner '"' doubled) when it holds a comma, semicolon, quote, CR or LF,
//    or starts or ends with a space, so it is safe with either separator;
//  - prefixed with an apostrophe when it starts with = + - @ TAB or CR, so that Excel,
//    LibreOffice and Google Sheets show it as text instead of evaluating a formula ("=HYPERLINK(…)"
//    in a hostile ad) or turning "+6281234567890" into 6.28E+12;
//  - invalid UTF-8 replaced with U+FFFD.
// Tools other than spreadsheets see that apostrophe; docs/digest.md says so.
std::string CsvField(std::string_view value);

// Joins CsvField of each value with `separator` (',' or ';') and ends the record with CRLF.
// Spreadsheets under Indonesian (and most European) regional settings split CSV on ';'.
std::string CsvRecord(const std::vector<std::string>& values, char separator = ',');

// The UTF-8 byte order mark that makes Excel read a CSV file as UTF-8.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Returns `text` safe to echo into an error message, a terminal or a log line: every C0 control
// byte (below 0x20: CR, LF, ESC, TAB and the rest), DEL (0x7F), each byte of a C1 control
// character (U+0080-U+009F, encoded C2 80-C2 9F) and each byte that is not part of valid UTF-8
// is written as \xNN (two lower-case hex digits). Everything else, other valid UTF-8 included,
// is kept as it was, so "bücher.test" stays readable. A backslash is kept as it is.
// When `max_bytes` is given and the escaped text would be longer, it is cut at a character
// boundary at or before `max_bytes` and "…" is appended (so a hostile 8 KB URL shows as its
// start).
// Example: EscapeControl("a\r\nb\x1b[31m") == "a\\x0d\\x0ab\\x1b[31m".
std::string EscapeControl(std::string_view text, size_t max_bytes = std::string_view::npos);

// Returns `text` with every byte sequence that is not valid UTF-8 replaced by U+FFFD.
std::string ValidUtf8(std::string_view text);

// Collapses runs of whitespace to one space, trims, and cuts to at most `max_bytes` on a UTF-8
// boundary, marking a cut with "…" (so the result may be 3 bytes longer). Invalid UTF-8 becomes
// U+FFFD. The one way ad text is shortened for lists, digests and snippets.
std::string Collapse(std::string_view text, size_t max_bytes);

// Length of the valid UTF-8 character starting at text[i] (REQUIRES: i < text.size()), or 0
// when the bytes there are not valid UTF-8 (overlong forms, surrogates, > U+10FFFF included).
size_t Utf8CharLen(std::string_view text, size_t i);

}  // namespace adwatch

#endif  // ADWATCH_COMMON_ESCAPE_H_
