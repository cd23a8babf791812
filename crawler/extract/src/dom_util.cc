#include "dom_util.h"

#include <algorithm>
#include <array>
#include <cstdlib>

namespace adwatch::extract {
namespace {

using RoleTable = std::array<TextRole, GUMBO_TAG_LAST + 1>;

RoleTable BuildRoles() {
  RoleTable t{};
  auto set = [&t](std::initializer_list<GumboTag> tags, TextRole role) {
    for (GumboTag g : tags) t[g] = role;
  };
  set({GUMBO_TAG_HEAD, GUMBO_TAG_TITLE, GUMBO_TAG_SCRIPT, GUMBO_TAG_STYLE, GUMBO_TAG_TEMPLATE,
       GUMBO_TAG_NOSCRIPT, GUMBO_TAG_IFRAME, GUMBO_TAG_OBJECT, GUMBO_TAG_EMBED, GUMBO_TAG_CANVAS,
       GUMBO_TAG_SVG, GUMBO_TAG_MATH, GUMBO_TAG_SELECT, GUMBO_TAG_TEXTAREA, GUMBO_TAG_DATALIST,
       GUMBO_TAG_AUDIO, GUMBO_TAG_VIDEO, GUMBO_TAG_NOFRAMES, GUMBO_TAG_NOEMBED, GUMBO_TAG_APPLET,
       GUMBO_TAG_FRAMESET, GUMBO_TAG_INPUT, GUMBO_TAG_BUTTON},
      TextRole::kSkip);
  set({GUMBO_TAG_ADDRESS, GUMBO_TAG_ARTICLE, GUMBO_TAG_ASIDE, GUMBO_TAG_BODY, GUMBO_TAG_CENTER,
       GUMBO_TAG_DD, GUMBO_TAG_DETAILS, GUMBO_TAG_DIR, GUMBO_TAG_DIV, GUMBO_TAG_DT,
       GUMBO_TAG_FIELDSET, GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE, GUMBO_TAG_FOOTER,
       GUMBO_TAG_FORM, GUMBO_TAG_HEADER, GUMBO_TAG_HGROUP, GUMBO_TAG_HR, GUMBO_TAG_LI,
       GUMBO_TAG_LISTING, GUMBO_TAG_MAIN, GUMBO_TAG_MENU, GUMBO_TAG_NAV, GUMBO_TAG_SECTION,
       GUMBO_TAG_SUMMARY, GUMBO_TAG_TR, GUMBO_TAG_CAPTION, GUMBO_TAG_LEGEND, GUMBO_TAG_XMP,
       GUMBO_TAG_PLAINTEXT, GUMBO_TAG_OPTION, GUMBO_TAG_TBODY, GUMBO_TAG_THEAD, GUMBO_TAG_TFOOT},
      TextRole::kBlock);
  set({GUMBO_TAG_P, GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4, GUMBO_TAG_H5,
       GUMBO_TAG_H6, GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_PRE, GUMBO_TAG_UL, GUMBO_TAG_OL, GUMBO_TAG_DL,
       GUMBO_TAG_TABLE},
      TextRole::kParagraph);
  set({GUMBO_TAG_TD, GUMBO_TAG_TH}, TextRole::kCell);
  t[GUMBO_TAG_BR] = TextRole::kLineBreak;
  return t;
}

}  // namespace

TextRole RoleOf(GumboTag tag) {
  static const RoleTable table = BuildRoles();
  return static_cast<size_t>(tag) < table.size() ? table[tag] : TextRole::kInline;
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUseArena = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kUseArena = false;
#else
constexpr bool kUseArena = true;
#endif
#else
constexpr bool kUseArena = true;
#endif

ParsedHtml::ParsedHtml(std::string_view html) : options_(kGumboDefaultOptions) {
  options_.max_errors = 0;
  // Gumbo allocates several times the input; a small fragment gets a small first block.
  block_size_ = std::clamp(html.size() * 4, size_t{4} << 10, size_t{4} << 20);
  if (kUseArena) {
    options_.allocator = &ParsedHtml::Allocate;
    options_.deallocator = &ParsedHtml::Deallocate;
    options_.userdata = this;
  }
  output_ = gumbo_parse_with_options(&options_, html.data(), html.size());
}

ParsedHtml::~ParsedHtml() {
  if (!kUseArena && output_ != nullptr) gumbo_destroy_output(&options_, output_);
  for (char* b : blocks_) std::free(b);
}

void* ParsedHtml::Allocate(void* self, size_t size) {
  auto* p = static_cast<ParsedHtml*>(self);
  size = (size + 15) & ~size_t{15};
  if (size > p->left_) {
    // Blocks double up to 4 MiB, so that a large page needs few of them.
    const size_t block = std::max(size, p->block_size_);
    p->block_size_ = std::min(p->block_size_ * 2, size_t{4} << 20);
    char* b = static_cast<char*>(std::malloc(block));
    if (b == nullptr) std::abort();  // Gumbo does not check for allocation failure
    p->blocks_.push_back(b);
    p->next_ = b;
    p->left_ = block;
  }
  void* out = p->next_;
  p->next_ += size;
  p->left_ -= size;
  return out;
}

// Gumbo frees its temporary buffers as it goes; in the arena they stay until the parse is done.
void ParsedHtml::Deallocate(void*, void*) {}

}  // namespace adwatch::extract
