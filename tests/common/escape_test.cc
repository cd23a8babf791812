#include "adwatch/common/escape.h"

#include <catch2/catch.hpp>

namespace adwatch {
namespace {

TEST_CASE("HtmlEscape turns markup into text", "[common][escape]") {
  CHECK(HtmlEscape("<script>alert('x')</script>") ==
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  CHECK(HtmlEscape("a & b \"c\"") == "a &amp; b &quot;c&quot;");
  CHECK(HtmlEscape("Gaji 15jt — Kamboja 🇰🇭") == "Gaji 15jt — Kamboja 🇰🇭");
  CHECK(HtmlEscape("line\nnext\ttab") == "line\nnext\ttab");
}

TEST_CASE("HtmlEscape drops control characters and repairs bad UTF-8", "[common][escape]") {
  CHECK(HtmlEscape(std::string("a\0b\x01" "c\x7f", 6)) == "abc");
  CHECK(HtmlEscape("\xC2\x85x") == "x");                     // U+0085, a C1 control
  CHECK(HtmlEscape("\xFF<") == "\xEF\xBF\xBD&lt;");          // stray byte
  CHECK(HtmlEscape("\xC0\xBC") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '<'
  CHECK(HtmlEscape("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST_CASE("SafeHttpUrl keeps only http and https links", "[common][escape]") {
  CHECK(SafeHttpUrl("https://loker.example/a?b=1&c=2") == "https://loker.example/a?b=1&c=2");
  CHECK(SafeHttpUrl("HTTP://X.example/") == "HTTP://X.example/");
  CHECK(SafeHttpUrl("javascript:alert(1)").empty());
  CHECK(SafeHttpUrl("data:text/html,<script>").empty());
  CHECK(SafeHttpUrl("https://x.example/a b").empty());
  CHECK(SafeHttpUrl("https://").empty());
  CHECK(SafeHttpUrl("//x.example/").empty());
}

TEST_CASE("CsvField quotes, doubles quotes and defuses formulas", "[common][escape]") {
  CHECK(CsvField("plain") == "plain");
  CHECK(CsvField("a,b") == "\"a,b\"");
  CHECK(CsvField("a;b") == "\"a;b\"");
  CHECK(CsvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(CsvField("two\nlines") == "\"two\nlines\"");
  CHECK(CsvField("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"");
  CHECK(CsvField("+6281234567890") == "'+6281234567890");
  CHECK(CsvField("-1") == "'-1");
  CHECK(CsvField("@rekrut") == "'@rekrut");
  CHECK(CsvField(" padded") == "\" padded\"");
  CHECK(CsvField("\xFF") == "\xEF\xBF\xBD");
  CHECK(CsvRecord({"a", "b,c", ""}) == "a,\"b,c\",\r\n");
  CHECK(CsvRecord({"a", "b,c"}, ';') == "a;\"b,c\"\r\n");
}

}  // namespace
TEST_CASE("EscapeControl writes control characters as hex escapes and keeps other text",
          "[common][escape]") {
  // CR LF (header injection), ESC and an OSC sequence (terminal tricks), DEL, NUL, TAB.
  CHECK(EscapeControl("http://a.test/x\r\nSet-Cookie: y") ==
        "http://a.test/x\\x0d\\x0aSet-Cookie: y");
  CHECK(EscapeControl("\x1b[31mred\x1b]0;title\x07") == "\\x1b[31mred\\x1b]0;title\\x07");
  CHECK(EscapeControl(std::string("a\0b\tc\x7f", 6)) == "a\\x00b\\x09c\\x7f");
  // C1 controls (U+0080-U+009F) are written byte by byte; other UTF-8 stays readable.
  CHECK(EscapeControl("\xC2\x85x\xC2\x9B") == "\\xc2\\x85x\\xc2\\x9b");
  CHECK(EscapeControl("http://bücher.test/Kamboja 🇰🇭 \xC2\xA0") ==
        "http://bücher.test/Kamboja 🇰🇭 \xC2\xA0");
  // Bytes that are not valid UTF-8 are escaped too, never passed through.
  CHECK(EscapeControl("\xFF\xC0\xBCok\xE2\x82") == "\\xff\\xc0\\xbcok\\xe2\\x82");
  CHECK(EscapeControl("back\\slash") == "back\\slash");
  CHECK(EscapeControl("") == "");
  // No raw control byte survives, whatever the input.
  std::string every;
  for (int b = 0; b < 256; ++b) every += static_cast<char>(b);
  const std::string escaped = EscapeControl(every);
  for (char c : escaped) {
    const auto u = static_cast<unsigned char>(c);
    CHECK((u >= 0x20 && u != 0x7F && u < 0x80));
  }
}

TEST_CASE("EscapeControl cuts long text at a character and marks the cut", "[common][escape]") {
  CHECK(EscapeControl("abcdef", 4) == "abcd…");
  CHECK(EscapeControl("abcd", 4) == "abcd");
  // An escape or a multi-byte character is never split.
  CHECK(EscapeControl("ab\r", 4) == "ab…");
  CHECK(EscapeControl("abcü", 4) == "abc…");
  const std::string long_url = "http://a.test/" + std::string(9000, 'x');
  CHECK(EscapeControl(long_url, 200).size() == 200 + std::string_view("…").size());
}

}  // namespace adwatch
