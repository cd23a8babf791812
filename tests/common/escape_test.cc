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
}  // namespace adwatch
