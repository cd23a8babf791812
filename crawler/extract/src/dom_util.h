// Helpers over Gumbo's tree shared by the page walk and the fragment-to-text conversion.
#ifndef ADWATCH_EXTRACT_DOM_UTIL_H_
#define ADWATCH_EXTRACT_DOM_UTIL_H_

#include <gumbo.h>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace adwatch::extract {

// How an element takes part in plain text.
enum class TextRole : uint8_t {
  kInline = 0,  // its text runs on
  kSkip,        // not rendered as text: script, style, template, form controls, media, SVG
  kBlock,       // starts and ends a line
  kParagraph,   // starts and ends a line with a blank line around (p, h1–h6, lists, tables)
  kCell,        // a table cell: a space around
  kLineBreak,   // <br>
};

TextRole RoleOf(GumboTag tag);

// The value of attribute `name` (lower case) of `el`, or nullptr.
inline const char* Attr(const GumboElement& el, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&el.attributes, name);
  return a != nullptr ? a->value : nullptr;
}

// Calls f(token) for each whitespace-separated token of `list` (a class attribute).
template <typename F>
void ForEachToken(std::string_view list, F&& f) {
  size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && (list[i] == ' ' || list[i] == '\t' || list[i] == '\n' || list[i] == '\r' || list[i] == '\f')) ++i;
    const size_t start = i;
    while (i < list.size() && !(list[i] == ' ' || list[i] == '\t' || list[i] == '\n' || list[i] == '\r' || list[i] == '\f')) ++i;
    if (i > start) f(list.substr(start, i - start));
  }
}

// One Gumbo parse. Gumbo's tree points into `html`, which the caller keeps alive as long as this
// object. Gumbo allocates its nodes from an arena freed at once with this object (faster than
// malloc per node, and no recursive gumbo_destroy_output); in AddressSanitizer builds it uses
// malloc, so that ASan checks Gumbo's memory too. Gumbo keeps no error list: it would copy the
// whole stack of open elements into every error.
class ParsedHtml {
 public:
  explicit ParsedHtml(std::string_view html);
  ~ParsedHtml();
  ParsedHtml(const ParsedHtml&) = delete;
  ParsedHtml& operator=(const ParsedHtml&) = delete;

  // The <html> element, or nullptr when Gumbo returned nothing.
  const GumboNode* root() const { return output_ != nullptr ? output_->root : nullptr; }

 private:
  static void* Allocate(void* self, size_t size);
  static void Deallocate(void* self, void* ptr);

  std::vector<char*> blocks_;
  char* next_ = nullptr;
  size_t left_ = 0;
  size_t block_size_ = size_t{64} << 10;
  GumboOptions options_;
  GumboOutput* output_ = nullptr;
};

}  // namespace adwatch::extract

#endif  // ADWATCH_EXTRACT_DOM_UTIL_H_
