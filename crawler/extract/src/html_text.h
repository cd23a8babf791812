// HTML fragments (a JSON-LD description, an og:description) to plain text.
#ifndef ADWATCH_EXTRACT_HTML_TEXT_H_
#define ADWATCH_EXTRACT_HTML_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/common/records.h"
#include "url_resolver.h"

namespace adwatch::extract {

struct FragmentText {
  std::string text;
  std::vector<Link> links;  // <a href> in the fragment, resolved
  bool truncated = false;   // text was cut at max_bytes
};

// Converts `html` to text the way the page text is made (block elements as line breaks,
// character references decoded, script/style dropped). Text without '<' or '&' is taken as
// plain text whose line feeds are kept. HTML that was escaped once more ("&lt;p&gt;") is
// decoded twice. `single_line` turns line breaks into spaces (titles, names).
// REQUIRES: `html` is valid UTF-8.
FragmentText HtmlFragmentToText(std::string_view html, size_t max_bytes, bool single_line,
                                const UrlResolver* resolver);

}  // namespace adwatch::extract

#endif  // ADWATCH_EXTRACT_HTML_TEXT_H_
