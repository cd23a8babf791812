#include "html_text.h"

#include <utility>

#include "dom_util.h"
#include "prepare.h"
#include "text_builder.h"

namespace adwatch::extract {
namespace {

// Walks the tree iteratively (the depth is bounded by PrepareHtml, but recursion is not needed).
void Walk(const GumboNode* root, TextBuilder* out, const UrlResolver* resolver, std::vector<Link>* links) {
  struct Frame {
    const GumboNode* node;
    unsigned next;
    TextRole role;
    size_t link;  // index in *links of the <a> this frame opened, or SIZE_MAX
    size_t text_start;
  };
  std::vector<Frame> stack;
  stack.push_back({root, 0, TextRole::kBlock, SIZE_MAX, 0});
  while (!stack.empty()) {
    Frame& f = stack.back();
    const GumboVector& children = f.node->v.element.children;
    if (f.next >= children.length) {
      if (f.role == TextRole::kBlock) out->Block(1);
      if (f.role == TextRole::kParagraph) out->Block(2);
      if (f.role == TextRole::kCell) out->Space();
      if (f.link != SIZE_MAX) {
        (*links)[f.link].text = CollapseWhitespace(std::string_view(out->text()).substr(
            std::min(f.text_start, out->text().size())));
        CutUtf8((*links)[f.link].text, 256);
      }
      stack.pop_back();
      continue;
    }
    const GumboNode* child = static_cast<const GumboNode*>(children.data[f.next++]);
    switch (child->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_CDATA:
      case GUMBO_NODE_WHITESPACE:
        out->Append(child->v.text.text);
        break;
      case GUMBO_NODE_ELEMENT: {
        const GumboElement& el = child->v.element;
        const TextRole role = RoleOf(el.tag);
        if (role == TextRole::kSkip) break;
        if (role == TextRole::kLineBreak) {
          out->LineBreak();
          break;
        }
        if (role == TextRole::kBlock) out->Block(1);
        if (role == TextRole::kParagraph) out->Block(2);
        if (role == TextRole::kCell) out->Space();
        size_t link = SIZE_MAX;
        if (el.tag == GUMBO_TAG_A && resolver != nullptr && links != nullptr) {
          if (const char* href = Attr(el, "href")) {
            std::string url = resolver->Resolve(href);
            if (!url.empty()) {
              Link l;
              l.url = std::move(url);
              if (const char* rel = Attr(el, "rel")) l.rel = rel;
              links->push_back(std::move(l));
              link = links->size() - 1;
            }
          }
        }
        stack.push_back({child, 0, role, link, out->size()});
        break;
      }
      default:
        break;  // comments, templates
    }
  }
}

bool LooksLikeMarkup(std::string_view s) {
  for (size_t i = s.find('<'); i != std::string_view::npos && i + 1 < s.size(); i = s.find('<', i + 1)) {
    const char c = s[i + 1];
    if (c == '/' || (c | 0x20) == 'p' || (c | 0x20) == 'b' || (c | 0x20) == 'l' || (c | 0x20) == 'd' ||
        (c | 0x20) == 'u' || (c | 0x20) == 'o' || (c | 0x20) == 'h' || (c | 0x20) == 's') {
      if (s.find('>', i) != std::string_view::npos) return true;
    }
  }
  return false;
}

FragmentText Convert(std::string_view html, size_t max_bytes, bool single_line, const UrlResolver* resolver) {
  FragmentText r;
  TextBuilder out(max_bytes, single_line);
  if (html.find('<') == std::string_view::npos && html.find('&') == std::string_view::npos) {
    if (single_line) {
      out.Append(html);
    } else {
      out.AppendPreformatted(html);
    }
  } else {
    PrepareStats stats;
    const std::string prepared = PrepareHtml(html, PrepareLimits{}, &stats);
    const ParsedHtml parsed(prepared);
    if (parsed.root() != nullptr) Walk(parsed.root(), &out, resolver, &r.links);
  }
  r.truncated = out.truncated();
  r.text = out.Take();
  return r;
}

}  // namespace

FragmentText HtmlFragmentToText(std::string_view html, size_t max_bytes, bool single_line,
                                const UrlResolver* resolver) {
  FragmentText r = Convert(html, max_bytes, single_line, resolver);
  // "&lt;p&gt;..." decodes to markup: read it once more.
  if (LooksLikeMarkup(r.text) && html.find('<') == std::string_view::npos) {
    FragmentText again = Convert(r.text, max_bytes, single_line, resolver);
    again.truncated = again.truncated || r.truncated;
    return again;
  }
  return r;
}

}  // namespace adwatch::extract
