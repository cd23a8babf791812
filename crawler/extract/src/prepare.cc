#include "prepare.h"

#include <gumbo.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "tag_lexer.h"

namespace adwatch::extract {
namespace {

// ---------------------------------------------------------------------------------------------
// Tag properties, from the HTML tree construction rules.

enum TagFlag : uint32_t {
  kSpecial = 1u << 0,      // the "special" category
  kScope = 1u << 1,        // ends "has an element in scope"
  kClosesP = 1u << 2,      // start tag closes an open <p> in button scope
  kVoid = 1u << 3,         // never pushed
  kRawDrop = 1u << 4,      // raw text whose content Extract never reads (script, style)
  kRawKeep = 1u << 5,      // raw text or RCDATA, content kept (xmp, iframe, textarea, title...)
  kFormatting = 1u << 6,   // b, big, code, em, font, i, s, small, strike, strong, tt, u
  kMarker = 1u << 7,       // pushes a marker on the list of active formatting elements
  kBreakout = 1u << 8,     // leaves foreign (SVG/MathML) content
  kHeading = 1u << 9,
  kBlockEnd = 1u << 10,    // end tag closes the element when in scope
  kTableEnd = 1u << 11,    // end tag closes the element when in table scope
  kIntegration = 1u << 12, // SVG/MathML element whose content is parsed as HTML
};

using TagTable = std::array<uint32_t, GUMBO_TAG_LAST + 1>;

TagTable BuildTagTable() {
  TagTable t{};
  auto set = [&t](std::initializer_list<GumboTag> tags, uint32_t flag) {
    for (GumboTag g : tags) t[g] |= flag;
  };
  set({GUMBO_TAG_ADDRESS, GUMBO_TAG_APPLET, GUMBO_TAG_AREA, GUMBO_TAG_ARTICLE, GUMBO_TAG_ASIDE,
       GUMBO_TAG_BASE, GUMBO_TAG_BASEFONT, GUMBO_TAG_BGSOUND, GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_BODY,
       GUMBO_TAG_BR, GUMBO_TAG_BUTTON, GUMBO_TAG_CAPTION, GUMBO_TAG_CENTER, GUMBO_TAG_COL,
       GUMBO_TAG_COLGROUP, GUMBO_TAG_DD, GUMBO_TAG_DETAILS, GUMBO_TAG_DIR, GUMBO_TAG_DIV,
       GUMBO_TAG_DL, GUMBO_TAG_DT, GUMBO_TAG_EMBED, GUMBO_TAG_FIELDSET, GUMBO_TAG_FIGCAPTION,
       GUMBO_TAG_FIGURE, GUMBO_TAG_FOOTER, GUMBO_TAG_FORM, GUMBO_TAG_FRAME, GUMBO_TAG_FRAMESET,
       GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4, GUMBO_TAG_H5, GUMBO_TAG_H6,
       GUMBO_TAG_HEAD, GUMBO_TAG_HEADER, GUMBO_TAG_HGROUP, GUMBO_TAG_HR, GUMBO_TAG_HTML,
       GUMBO_TAG_IFRAME, GUMBO_TAG_IMG, GUMBO_TAG_INPUT, GUMBO_TAG_ISINDEX, GUMBO_TAG_KEYGEN,
       GUMBO_TAG_LI, GUMBO_TAG_LINK, GUMBO_TAG_LISTING, GUMBO_TAG_MAIN, GUMBO_TAG_MARQUEE,
       GUMBO_TAG_MENU, GUMBO_TAG_MENUITEM, GUMBO_TAG_META, GUMBO_TAG_NAV, GUMBO_TAG_NOEMBED,
       GUMBO_TAG_NOFRAMES, GUMBO_TAG_NOSCRIPT, GUMBO_TAG_OBJECT, GUMBO_TAG_OL, GUMBO_TAG_P,
       GUMBO_TAG_PARAM, GUMBO_TAG_PLAINTEXT, GUMBO_TAG_PRE, GUMBO_TAG_SCRIPT, GUMBO_TAG_SECTION,
       GUMBO_TAG_SELECT, GUMBO_TAG_SOURCE, GUMBO_TAG_STYLE, GUMBO_TAG_SUMMARY, GUMBO_TAG_TABLE,
       GUMBO_TAG_TBODY, GUMBO_TAG_TD, GUMBO_TAG_TEMPLATE, GUMBO_TAG_TEXTAREA, GUMBO_TAG_TFOOT,
       GUMBO_TAG_TH, GUMBO_TAG_THEAD, GUMBO_TAG_TITLE, GUMBO_TAG_TR, GUMBO_TAG_TRACK, GUMBO_TAG_UL,
       GUMBO_TAG_WBR, GUMBO_TAG_XMP, GUMBO_TAG_MI, GUMBO_TAG_MO, GUMBO_TAG_MN, GUMBO_TAG_MS,
       GUMBO_TAG_MTEXT, GUMBO_TAG_ANNOTATION_XML, GUMBO_TAG_FOREIGNOBJECT, GUMBO_TAG_DESC},
      kSpecial);
  set({GUMBO_TAG_APPLET, GUMBO_TAG_CAPTION, GUMBO_TAG_HTML, GUMBO_TAG_TABLE, GUMBO_TAG_TD,
       GUMBO_TAG_TH, GUMBO_TAG_MARQUEE, GUMBO_TAG_OBJECT, GUMBO_TAG_TEMPLATE, GUMBO_TAG_MI,
       GUMBO_TAG_MO, GUMBO_TAG_MN, GUMBO_TAG_MS, GUMBO_TAG_MTEXT, GUMBO_TAG_ANNOTATION_XML,
       GUMBO_TAG_FOREIGNOBJECT, GUMBO_TAG_DESC},
      kScope);
  set({GUMBO_TAG_ADDRESS, GUMBO_TAG_ARTICLE, GUMBO_TAG_ASIDE, GUMBO_TAG_BLOCKQUOTE,
       GUMBO_TAG_CENTER, GUMBO_TAG_DETAILS, GUMBO_TAG_DIR, GUMBO_TAG_DIV, GUMBO_TAG_DL,
       GUMBO_TAG_FIELDSET, GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE, GUMBO_TAG_FOOTER,
       GUMBO_TAG_HEADER, GUMBO_TAG_HGROUP, GUMBO_TAG_MAIN, GUMBO_TAG_MENU, GUMBO_TAG_NAV,
       GUMBO_TAG_OL, GUMBO_TAG_P, GUMBO_TAG_SECTION, GUMBO_TAG_SUMMARY, GUMBO_TAG_UL,
       GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4, GUMBO_TAG_H5, GUMBO_TAG_H6,
       GUMBO_TAG_PRE, GUMBO_TAG_LISTING, GUMBO_TAG_FORM, GUMBO_TAG_PLAINTEXT, GUMBO_TAG_TABLE,
       GUMBO_TAG_HR, GUMBO_TAG_XMP, GUMBO_TAG_LI, GUMBO_TAG_DD, GUMBO_TAG_DT},
      kClosesP);
  set({GUMBO_TAG_AREA, GUMBO_TAG_BASE, GUMBO_TAG_BASEFONT, GUMBO_TAG_BGSOUND, GUMBO_TAG_BR,
       GUMBO_TAG_COL, GUMBO_TAG_EMBED, GUMBO_TAG_FRAME, GUMBO_TAG_HR, GUMBO_TAG_IMAGE,
       GUMBO_TAG_IMG, GUMBO_TAG_INPUT, GUMBO_TAG_ISINDEX, GUMBO_TAG_KEYGEN, GUMBO_TAG_LINK,
       GUMBO_TAG_META, GUMBO_TAG_PARAM, GUMBO_TAG_SOURCE, GUMBO_TAG_TRACK, GUMBO_TAG_WBR,
       GUMBO_TAG_HTML, GUMBO_TAG_HEAD, GUMBO_TAG_BODY, GUMBO_TAG_FRAMESET},
      kVoid);
  set({GUMBO_TAG_SCRIPT, GUMBO_TAG_STYLE}, kRawDrop);
  set({GUMBO_TAG_XMP, GUMBO_TAG_IFRAME, GUMBO_TAG_NOEMBED, GUMBO_TAG_NOFRAMES,
       GUMBO_TAG_TEXTAREA, GUMBO_TAG_TITLE},
      kRawKeep);
  set({GUMBO_TAG_B, GUMBO_TAG_BIG, GUMBO_TAG_CODE, GUMBO_TAG_EM, GUMBO_TAG_FONT, GUMBO_TAG_I,
       GUMBO_TAG_S, GUMBO_TAG_SMALL, GUMBO_TAG_STRIKE, GUMBO_TAG_STRONG, GUMBO_TAG_TT,
       GUMBO_TAG_U},
      kFormatting);
  set({GUMBO_TAG_APPLET, GUMBO_TAG_MARQUEE, GUMBO_TAG_OBJECT, GUMBO_TAG_TD, GUMBO_TAG_TH,
       GUMBO_TAG_CAPTION, GUMBO_TAG_TEMPLATE},
      kMarker);
  set({GUMBO_TAG_B, GUMBO_TAG_BIG, GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_BODY, GUMBO_TAG_BR,
       GUMBO_TAG_CENTER, GUMBO_TAG_CODE, GUMBO_TAG_DD, GUMBO_TAG_DIV, GUMBO_TAG_DL, GUMBO_TAG_DT,
       GUMBO_TAG_EM, GUMBO_TAG_EMBED, GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4,
       GUMBO_TAG_H5, GUMBO_TAG_H6, GUMBO_TAG_HEAD, GUMBO_TAG_HR, GUMBO_TAG_I, GUMBO_TAG_IMG,
       GUMBO_TAG_LI, GUMBO_TAG_LISTING, GUMBO_TAG_MENU, GUMBO_TAG_META, GUMBO_TAG_NOBR,
       GUMBO_TAG_OL, GUMBO_TAG_P, GUMBO_TAG_PRE, GUMBO_TAG_RUBY, GUMBO_TAG_S, GUMBO_TAG_SMALL,
       GUMBO_TAG_SPAN, GUMBO_TAG_STRONG, GUMBO_TAG_STRIKE, GUMBO_TAG_SUB, GUMBO_TAG_SUP,
       GUMBO_TAG_TABLE, GUMBO_TAG_TT, GUMBO_TAG_U, GUMBO_TAG_UL, GUMBO_TAG_VAR},
      kBreakout);
  set({GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4, GUMBO_TAG_H5, GUMBO_TAG_H6},
      kHeading);
  set({GUMBO_TAG_ADDRESS, GUMBO_TAG_ARTICLE, GUMBO_TAG_ASIDE, GUMBO_TAG_BLOCKQUOTE,
       GUMBO_TAG_BUTTON, GUMBO_TAG_CENTER, GUMBO_TAG_DETAILS, GUMBO_TAG_DIR, GUMBO_TAG_DIV,
       GUMBO_TAG_DL, GUMBO_TAG_FIELDSET, GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE,
       GUMBO_TAG_FOOTER, GUMBO_TAG_HEADER, GUMBO_TAG_HGROUP, GUMBO_TAG_LISTING, GUMBO_TAG_MAIN,
       GUMBO_TAG_MENU, GUMBO_TAG_NAV, GUMBO_TAG_OL, GUMBO_TAG_PRE, GUMBO_TAG_SECTION,
       GUMBO_TAG_SUMMARY, GUMBO_TAG_UL, GUMBO_TAG_APPLET, GUMBO_TAG_MARQUEE, GUMBO_TAG_OBJECT,
       GUMBO_TAG_DD, GUMBO_TAG_DT, GUMBO_TAG_SELECT, GUMBO_TAG_TEMPLATE},
      kBlockEnd);
  set({GUMBO_TAG_TD, GUMBO_TAG_TH, GUMBO_TAG_TR, GUMBO_TAG_TBODY, GUMBO_TAG_THEAD,
       GUMBO_TAG_TFOOT, GUMBO_TAG_TABLE, GUMBO_TAG_CAPTION, GUMBO_TAG_COLGROUP},
      kTableEnd);
  set({GUMBO_TAG_FOREIGNOBJECT, GUMBO_TAG_DESC, GUMBO_TAG_TITLE, GUMBO_TAG_MI, GUMBO_TAG_MO,
       GUMBO_TAG_MN, GUMBO_TAG_MS, GUMBO_TAG_MTEXT},
      kIntegration);
  return t;
}

const TagTable& Tags() {
  static const TagTable table = BuildTagTable();
  return table;
}

inline bool Has(GumboTag tag, uint32_t flag) { return (Tags()[tag] & flag) != 0; }

enum Ns : uint8_t { kHtml = 0, kSvg, kMath };

// Identity of an element for end-tag matching: the Gumbo tag, or a hash of an unknown name.
constexpr uint32_t kUnknownBit = 0x80000000u;
constexpr uint32_t kGhost = 0xFFFFFFFFu;  // model-only element Gumbo does not have

struct TagName {
  GumboTag tag = GUMBO_TAG_UNKNOWN;
  uint32_t id = 0;
};

TagName Identify(std::string_view raw) {
  char buf[32];
  TagName out;
  uint32_t h = 2166136261u;
  for (char c : raw) {
    h = (h ^ static_cast<unsigned char>(AsciiLower(c))) * 16777619u;
  }
  if (raw.size() <= sizeof(buf)) {
    for (size_t i = 0; i < raw.size(); ++i) buf[i] = AsciiLower(raw[i]);
    out.tag = gumbo_tagn_enum(buf, static_cast<unsigned>(raw.size()));
  }
  out.id = out.tag == GUMBO_TAG_UNKNOWN ? (h | kUnknownBit) : static_cast<uint32_t>(out.tag);
  if (out.id == kGhost) out.id = kGhost - 1;
  return out;
}

// ---------------------------------------------------------------------------------------------
// The tree-builder model.

enum class Content { kNormal, kRawDrop, kRawKeep, kPlaintext };

struct StartResult {
  bool blank = false;
  Content content = Content::kNormal;
};

class TreeModel {
 public:
  TreeModel(const PrepareLimits& limits, PrepareStats* stats, std::string* out)
      : limits_(limits), stats_(stats), out_(out) {}

  // `out_begin` is where the tag is (about to be) written in the output, `out_len` its length.
  StartResult StartTag(const TagName& name, bool self_closing, bool font_breakout,
                       bool html_annotation, size_t out_begin, size_t out_len);
  void EndTag(const TagName& name);
  // Character tokens reconstruct the active formatting elements, except in SVG/MathML.
  void Text() {
    if (!InForeign()) Reconstruct();
  }
  bool InForeign() const { return !stack_.empty() && stack_.back().ns != kHtml && !stack_.back().integration; }

 private:
  struct Node {
    uint32_t id;
    GumboTag tag;
    Ns ns;
    bool integration;
    int32_t fmt;  // id of the active formatting entry this node stands for, or -1
  };
  struct Fmt {
    int32_t id;          // -1 for a marker
    uint32_t name;
    GumboTag tag;
    bool on_stack;
    int clones;
    size_t out_begin, out_len;
  };

  bool Special(const Node& n) const { return n.id != kGhost && n.tag != GUMBO_TAG_UNKNOWN && Has(n.tag, kSpecial); }
  bool Boundary(const Node& n, uint32_t extra_a, uint32_t extra_b) const {
    if (n.id == kGhost) return false;
    if (n.tag != GUMBO_TAG_UNKNOWN && Has(n.tag, kScope)) return true;
    return n.id == extra_a || n.id == extra_b;
  }
  // Index of the nearest HTML element `id` in scope, or -1. `extra_*` add scope boundaries
  // (list item scope: ol, ul; button scope: button).
  int InScope(uint32_t id, uint32_t extra_a = 0, uint32_t extra_b = 0) const;
  int InTableScope(uint32_t id) const;
  void PopTo(int index);  // pops stack_[index] and everything above it
  bool Push(const TagName& name, Ns ns, bool integration, int32_t fmt);
  void ClearToMarker();
  int LastMarker() const;
  int FindFmt(uint32_t name) const;  // after the last marker, or -1
  void RemoveFmt(int index);
  void Adopt(int fmt_index);
  void Reconstruct();
  void AnyOtherEndTag(uint32_t id);
  bool HtmlEndTag(const TagName& name);

  const PrepareLimits& limits_;
  PrepareStats* stats_;
  std::string* out_;
  std::vector<Node> stack_;
  std::vector<Fmt> afl_;
  int off_stack_ = 0;  // formatting entries not on the stack (candidates for reconstruction)
  int next_fmt_id_ = 0;
  bool seen_html_ = false;
  bool seen_body_ = false;
};

int TreeModel::InScope(uint32_t id, uint32_t extra_a, uint32_t extra_b) const {
  for (int i = static_cast<int>(stack_.size()) - 1; i >= 0; --i) {
    const Node& n = stack_[static_cast<size_t>(i)];
    if (n.id == id && n.ns == kHtml) return i;
    if (Boundary(n, extra_a, extra_b)) return -1;
  }
  return -1;
}

int TreeModel::InTableScope(uint32_t id) const {
  for (int i = static_cast<int>(stack_.size()) - 1; i >= 0; --i) {
    const Node& n = stack_[static_cast<size_t>(i)];
    if (n.id == id && n.ns == kHtml) return i;
    if (n.ns == kHtml && (n.tag == GUMBO_TAG_TABLE || n.tag == GUMBO_TAG_TEMPLATE)) return -1;
  }
  return -1;
}

void TreeModel::PopTo(int index) {
  while (static_cast<int>(stack_.size()) > index) {
    const Node n = stack_.back();
    stack_.pop_back();
    if (n.fmt >= 0) {
      for (Fmt& f : afl_) {
        if (f.id == n.fmt && f.on_stack) {
          f.on_stack = false;
          ++off_stack_;
          break;
        }
      }
    }
    if (n.ns == kHtml && n.id != kGhost && Has(n.tag, kMarker)) ClearToMarker();
  }
}

bool TreeModel::Push(const TagName& name, Ns ns, bool integration, int32_t fmt) {
  if (static_cast<int>(stack_.size()) >= limits_.max_depth) return false;
  stack_.push_back(Node{name.id, name.tag, ns, integration, fmt});
  return true;
}

int TreeModel::LastMarker() const {
  for (int i = static_cast<int>(afl_.size()) - 1; i >= 0; --i) {
    if (afl_[static_cast<size_t>(i)].id < 0) return i;
  }
  return -1;
}

void TreeModel::ClearToMarker() {
  while (!afl_.empty()) {
    const Fmt f = afl_.back();
    afl_.pop_back();
    if (f.id < 0) return;
    if (!f.on_stack) --off_stack_;
    for (Node& n : stack_) {
      if (n.fmt == f.id) n.fmt = -1;
    }
  }
}

int TreeModel::FindFmt(uint32_t name) const {
  for (int i = static_cast<int>(afl_.size()) - 1; i >= 0; --i) {
    const Fmt& f = afl_[static_cast<size_t>(i)];
    if (f.id < 0) return -1;
    if (f.name == name) return i;
  }
  return -1;
}

void TreeModel::RemoveFmt(int index) {
  const Fmt f = afl_[static_cast<size_t>(index)];
  if (!f.on_stack) --off_stack_;
  for (Node& n : stack_) {
    if (n.fmt == f.id) n.fmt = -1;
  }
  afl_.erase(afl_.begin() + index);
}

// The adoption agency algorithm, as far as depth is concerned: with no special element above the
// formatting element, everything above it is popped; otherwise Gumbo moves the furthest block
// and re-creates the formatting element inside it, which leaves the depth as it was.
void TreeModel::Adopt(int fmt_index) {
  const Fmt f = afl_[static_cast<size_t>(fmt_index)];
  if (!f.on_stack) {
    RemoveFmt(fmt_index);
    return;
  }
  int at = -1;
  for (int i = static_cast<int>(stack_.size()) - 1; i >= 0; --i) {
    if (stack_[static_cast<size_t>(i)].fmt == f.id) {
      at = i;
      break;
    }
  }
  if (at < 0) {
    RemoveFmt(fmt_index);
    return;
  }
  for (int i = static_cast<int>(stack_.size()) - 1; i > at; --i) {
    if (Boundary(stack_[static_cast<size_t>(i)], 0, 0)) return;  // not in scope: ignored
  }
  bool furthest_block = false;
  for (size_t i = static_cast<size_t>(at) + 1; i < stack_.size(); ++i) {
    if (Special(stack_[i])) furthest_block = true;
  }
  RemoveFmt(fmt_index);
  if (!furthest_block) PopTo(at);
}

void TreeModel::Reconstruct() {
  if (off_stack_ == 0) return;
  int i = LastMarker() + 1;
  while (i < static_cast<int>(afl_.size())) {
    Fmt& f = afl_[static_cast<size_t>(i)];
    if (f.on_stack) {
      ++i;
      continue;
    }
    const bool unlimited = f.tag == GUMBO_TAG_A || f.tag == GUMBO_TAG_NOBR;
    if (!unlimited && f.clones >= limits_.max_clones) {
      // Remove the element from the page altogether; its clones in the model become ghosts.
      std::memset(out_->data() + f.out_begin, ' ', f.out_len);
      ++stats_->dropped_formatting;
      for (Node& n : stack_) {
        if (n.fmt == f.id) {
          n.fmt = -1;
          n.id = kGhost;
        }
      }
      --off_stack_;
      afl_.erase(afl_.begin() + i);
      continue;
    }
    stack_.push_back(Node{f.name, f.tag, kHtml, false, f.id});
    f.on_stack = true;
    ++f.clones;
    --off_stack_;
    ++i;
  }
}

void TreeModel::AnyOtherEndTag(uint32_t id) {
  for (int i = static_cast<int>(stack_.size()) - 1; i >= 0; --i) {
    const Node& n = stack_[static_cast<size_t>(i)];
    if (n.id == id && n.ns == kHtml) {
      PopTo(i);
      return;
    }
    if (Special(n)) return;
  }
}

StartResult TreeModel::StartTag(const TagName& name, bool self_closing, bool font_breakout,
                                bool html_annotation, size_t out_begin, size_t out_len) {
  StartResult r;
  const GumboTag tag = name.tag;
  if (InForeign()) {
    const bool breakout =
        (tag != GUMBO_TAG_UNKNOWN && Has(tag, kBreakout) && tag != GUMBO_TAG_FONT) ||
        (tag == GUMBO_TAG_FONT && font_breakout);
    if (!breakout) {
      if (self_closing) return r;
      const Ns ns = stack_.back().ns;
      const bool integration =
          (tag != GUMBO_TAG_UNKNOWN && Has(tag, kIntegration) &&
           (ns == kSvg ? (tag == GUMBO_TAG_FOREIGNOBJECT || tag == GUMBO_TAG_DESC || tag == GUMBO_TAG_TITLE)
                       : (tag != GUMBO_TAG_FOREIGNOBJECT && tag != GUMBO_TAG_DESC && tag != GUMBO_TAG_TITLE))) ||
          (tag == GUMBO_TAG_ANNOTATION_XML && html_annotation);
      if (tag == GUMBO_TAG_SVG || tag == GUMBO_TAG_MATH) {
        r.blank = !Push(name, tag == GUMBO_TAG_SVG ? kSvg : kMath, false, -1);
      } else {
        r.blank = !Push(name, ns, integration, -1);
      }
      if (r.blank) ++stats_->flattened_tags;
      return r;
    }
    while (InForeign()) stack_.pop_back();
  }

  // Root elements: a repeat only merges attributes into the first, at a cost quadratic in their
  // number, and adds nothing Extract reads.
  if (tag == GUMBO_TAG_HTML || tag == GUMBO_TAG_BODY) {
    bool& seen = tag == GUMBO_TAG_HTML ? seen_html_ : seen_body_;
    if (seen) r.blank = true;
    seen = true;
    return r;
  }
  if (tag != GUMBO_TAG_UNKNOWN && Has(tag, kRawDrop)) {
    r.content = Content::kRawDrop;
    return r;
  }
  if (tag == GUMBO_TAG_PLAINTEXT) {
    r.content = Content::kPlaintext;
    return r;
  }

  if (tag != GUMBO_TAG_UNKNOWN && Has(tag, kClosesP)) {
    if (tag == GUMBO_TAG_LI || tag == GUMBO_TAG_DD || tag == GUMBO_TAG_DT) {
      for (int i = static_cast<int>(stack_.size()) - 1; i >= 0; --i) {
        const Node& n = stack_[static_cast<size_t>(i)];
        const bool match = n.ns == kHtml &&
                           (tag == GUMBO_TAG_LI ? n.tag == GUMBO_TAG_LI
                                                : (n.tag == GUMBO_TAG_DD || n.tag == GUMBO_TAG_DT));
        if (match) {
          PopTo(i);
          break;
        }
        if (Special(n) && n.tag != GUMBO_TAG_ADDRESS && n.tag != GUMBO_TAG_DIV && n.tag != GUMBO_TAG_P) break;
      }
    }
    if (tag == GUMBO_TAG_TABLE && !stack_.empty()) {
      const GumboTag top = stack_.back().tag;
      if (top == GUMBO_TAG_TABLE || top == GUMBO_TAG_TBODY || top == GUMBO_TAG_THEAD ||
          top == GUMBO_TAG_TFOOT || top == GUMBO_TAG_TR) {
        const int t = InTableScope(GUMBO_TAG_TABLE);
        if (t >= 0) PopTo(t);
      }
    }
    const int p = InScope(GUMBO_TAG_P, GUMBO_TAG_BUTTON);
    if (p >= 0) PopTo(p);
    if (tag != GUMBO_TAG_UNKNOWN && Has(tag, kHeading) && !stack_.empty() &&
        stack_.back().ns == kHtml && stack_.back().tag != GUMBO_TAG_UNKNOWN &&
        Has(stack_.back().tag, kHeading)) {
      stack_.pop_back();
    }
  }
  if (tag == GUMBO_TAG_XMP) Reconstruct();
  if (tag != GUMBO_TAG_UNKNOWN && Has(tag, kRawKeep)) {
    r.content = Content::kRawKeep;
    return r;
  }
  if (tag != GUMBO_TAG_UNKNOWN && Has(tag, kVoid)) {
    Reconstruct();
    return r;
  }

  switch (tag) {
    case GUMBO_TAG_A: {
      const int a = FindFmt(GUMBO_TAG_A);
      if (a >= 0) Adopt(a);
      break;
    }
    case GUMBO_TAG_NOBR: {
      Reconstruct();
      if (InScope(GUMBO_TAG_NOBR) >= 0) {
        const int f = FindFmt(GUMBO_TAG_NOBR);
        if (f >= 0) Adopt(f);
      }
      break;
    }
    case GUMBO_TAG_BUTTON: {
      const int b = InScope(GUMBO_TAG_BUTTON);
      if (b >= 0) PopTo(b);
      break;
    }
    case GUMBO_TAG_OPTION:
    case GUMBO_TAG_OPTGROUP:
      if (!stack_.empty() && stack_.back().tag == GUMBO_TAG_OPTION) stack_.pop_back();
      break;
    case GUMBO_TAG_RB:
    case GUMBO_TAG_RTC:
    case GUMBO_TAG_RP:
    case GUMBO_TAG_RT:
      if (!stack_.empty()) {
        const GumboTag top = stack_.back().tag;
        if (top == GUMBO_TAG_RB || top == GUMBO_TAG_RTC || top == GUMBO_TAG_RP || top == GUMBO_TAG_RT) {
          PopTo(static_cast<int>(stack_.size()) - 1);
        }
      }
      break;
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TFOOT: {
      // A new cell closes the open cell, a new row the open row, a new section the open section.
      for (int i = static_cast<int>(stack_.size()) - 1; i >= 0; --i) {
        const GumboTag t = stack_[static_cast<size_t>(i)].tag;
        if (stack_[static_cast<size_t>(i)].ns != kHtml || stack_[static_cast<size_t>(i)].id == kGhost) continue;
        const bool cell = t == GUMBO_TAG_TD || t == GUMBO_TAG_TH;
        const bool row = t == GUMBO_TAG_TR;
        const bool section = t == GUMBO_TAG_TBODY || t == GUMBO_TAG_THEAD || t == GUMBO_TAG_TFOOT;
        if (t == GUMBO_TAG_TABLE || t == GUMBO_TAG_TEMPLATE) break;
        if ((cell && (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH)) ||
            (row && tag == GUMBO_TAG_TR) ||
            (section && (tag == GUMBO_TAG_TBODY || tag == GUMBO_TAG_THEAD || tag == GUMBO_TAG_TFOOT))) {
          PopTo(i);
          break;
        }
        if (!cell && !row && !section && Special(stack_[static_cast<size_t>(i)])) break;
      }
      break;
    }
    default:
      break;
  }

  const bool table_part = tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH || tag == GUMBO_TAG_TR ||
                          tag == GUMBO_TAG_TBODY || tag == GUMBO_TAG_THEAD || tag == GUMBO_TAG_TFOOT ||
                          tag == GUMBO_TAG_CAPTION || tag == GUMBO_TAG_COLGROUP || tag == GUMBO_TAG_TABLE;
  if (!table_part && (tag == GUMBO_TAG_UNKNOWN || !Has(tag, kClosesP))) Reconstruct();

  if (tag == GUMBO_TAG_SVG || tag == GUMBO_TAG_MATH) {
    if (self_closing) return r;
    r.blank = !Push(name, tag == GUMBO_TAG_SVG ? kSvg : kMath, false, -1);
    if (r.blank) ++stats_->flattened_tags;
    return r;
  }

  const bool formatting = tag == GUMBO_TAG_A || tag == GUMBO_TAG_NOBR ||
                          (tag != GUMBO_TAG_UNKNOWN && Has(tag, kFormatting));
  if (formatting) {
    int count = 0;
    for (int i = static_cast<int>(afl_.size()) - 1; i >= 0 && afl_[static_cast<size_t>(i)].id >= 0; --i) ++count;
    if (count >= limits_.max_formatting) {
      r.blank = true;
      ++stats_->dropped_formatting;
      return r;
    }
    const int32_t id = next_fmt_id_++;
    if (!Push(name, kHtml, false, id)) {
      r.blank = true;
      ++stats_->flattened_tags;
      return r;
    }
    afl_.push_back(Fmt{id, name.id, tag, true, 0, out_begin, out_len});
    return r;
  }

  if (!Push(name, kHtml, false, -1)) {
    r.blank = true;
    ++stats_->flattened_tags;
    return r;
  }
  if (tag != GUMBO_TAG_UNKNOWN && Has(tag, kMarker)) {
    afl_.push_back(Fmt{-1, 0, GUMBO_TAG_UNKNOWN, false, 0, 0, 0});
  }
  return r;
}

bool TreeModel::HtmlEndTag(const TagName& name) {
  const GumboTag tag = name.tag;
  if (tag == GUMBO_TAG_UNKNOWN) {
    AnyOtherEndTag(name.id);
    return true;
  }
  if (tag == GUMBO_TAG_BODY || tag == GUMBO_TAG_HTML || tag == GUMBO_TAG_FORM || tag == GUMBO_TAG_BR) {
    return true;
  }
  if (tag == GUMBO_TAG_P) {
    const int p = InScope(GUMBO_TAG_P, GUMBO_TAG_BUTTON);
    if (p >= 0) PopTo(p);
    return true;
  }
  if (tag == GUMBO_TAG_LI) {
    const int li = InScope(GUMBO_TAG_LI, GUMBO_TAG_OL, GUMBO_TAG_UL);
    if (li >= 0) PopTo(li);
    return true;
  }
  if (Has(tag, kHeading)) {
    for (int i = static_cast<int>(stack_.size()) - 1; i >= 0; --i) {
      const Node& n = stack_[static_cast<size_t>(i)];
      if (n.ns == kHtml && n.id != kGhost && Has(n.tag, kHeading)) {
        PopTo(i);
        return true;
      }
      if (Boundary(n, 0, 0)) return true;
    }
    return true;
  }
  if (tag == GUMBO_TAG_A || tag == GUMBO_TAG_NOBR || Has(tag, kFormatting)) {
    const int f = FindFmt(name.id);
    if (f < 0) {
      AnyOtherEndTag(name.id);
    } else {
      Adopt(f);
    }
    return true;
  }
  if (Has(tag, kTableEnd)) {
    const int t = InTableScope(name.id);
    if (t >= 0) PopTo(t);
    return true;
  }
  if (Has(tag, kBlockEnd)) {
    const int b = InScope(name.id);
    if (b >= 0) PopTo(b);
    return true;
  }
  AnyOtherEndTag(name.id);
  return true;
}

void TreeModel::EndTag(const TagName& name) {
  if (InForeign()) {
    for (int i = static_cast<int>(stack_.size()) - 1; i >= 0; --i) {
      const Node& n = stack_[static_cast<size_t>(i)];
      if (n.id == name.id && n.id != kGhost) {
        PopTo(i);
        return;
      }
      if (n.ns == kHtml) break;
    }
  }
  HtmlEndTag(name);
}

// ---------------------------------------------------------------------------------------------
// The scan.

// End of the comment that starts at s[pos] == "<!--": the offset just past it, or s.size().
size_t CommentEnd(std::string_view s, size_t pos) {
  size_t i = pos + 4;
  if (s.substr(i, 1) == ">") return i + 1;     // <!-->
  if (s.substr(i, 2) == "->") return i + 2;    // <!--->
  while (i < s.size()) {
    const void* dash = std::memchr(s.data() + i, '-', s.size() - i);
    if (dash == nullptr) return s.size();
    size_t k = static_cast<size_t>(static_cast<const char*>(dash) - s.data());
    if (k + 2 < s.size() && s[k + 1] == '-') {
      if (s[k + 2] == '>') return k + 3;
      if (s[k + 2] == '!' && k + 3 < s.size() && s[k + 3] == '>') return k + 4;
    }
    i = k + 1;
  }
  return s.size();
}

// Offset of the "</name" that ends a raw text element named `name` (lower case), or s.size().
size_t RawTextEnd(std::string_view s, size_t pos, std::string_view name) {
  while (pos < s.size()) {
    const size_t lt = s.find("</", pos);
    if (lt == std::string_view::npos) return s.size();
    const size_t after = lt + 2 + name.size();
    if (after <= s.size() && EqualsIgnoreCase(s.substr(lt + 2, name.size()), name) &&
        (after == s.size() || IsHtmlSpace(static_cast<unsigned char>(s[after])) || s[after] == '/' ||
         s[after] == '>')) {
      return lt;
    }
    pos = lt + 2;
  }
  return s.size();
}

}  // namespace

std::string PrepareHtml(std::string_view s, const PrepareLimits& limits, PrepareStats* stats) {
  std::string out;
  out.reserve(s.size() + 64);
  TreeModel model(limits, stats, &out);
  const size_t n = s.size();
  size_t copied = 0;  // input before this offset has been written or dropped
  auto emit_until = [&](size_t pos) {
    out.append(s.data() + copied, pos - copied);
    copied = pos;
  };
  auto emit_tag = [&](const TagToken& tok) {
    emit_until(tok.begin);
    if (tok.cut_end > tok.cut_begin) {
      out.append(s.data() + tok.begin, tok.cut_begin - tok.begin);
      out.append(s.data() + tok.cut_end, tok.end - tok.cut_end);
      stats->dropped_attributes += tok.attr_count - limits.max_attributes;
    } else {
      out.append(s.data() + tok.begin, tok.end - tok.begin);
    }
    copied = tok.end;
  };

  size_t pos = 0;
  size_t elements = 0;
  while (pos < n) {
    const void* hit = std::memchr(s.data() + pos, '<', n - pos);
    if (hit == nullptr) {
      model.Text();
      break;
    }
    const size_t lt = static_cast<size_t>(static_cast<const char*>(hit) - s.data());
    if (lt > pos) model.Text();
    if (lt + 1 >= n) break;
    const auto c1 = static_cast<unsigned char>(s[lt + 1]);

    if (IsAsciiAlpha(c1)) {
      bool ld_json = false, font_breakout = false, html_annotation = false;
      const TagToken tok = LexTag(s, lt, limits.max_attributes, [&](std::string_view k, std::string_view v) {
        if (EqualsIgnoreCase(k, "type")) {
          ld_json = FindIgnoreCase(v, "ld+json") != std::string_view::npos;
        } else if (EqualsIgnoreCase(k, "color") || EqualsIgnoreCase(k, "face") || EqualsIgnoreCase(k, "size")) {
          font_breakout = true;
        } else if (EqualsIgnoreCase(k, "encoding")) {
          html_annotation = EqualsIgnoreCase(v, "text/html") || EqualsIgnoreCase(v, "application/xhtml+xml");
        }
      });
      if (!tok.complete) break;  // Gumbo drops a tag cut by the end of input
      if (++elements > limits.max_elements) {
        emit_until(lt);
        copied = n;
        stats->cut_at = lt;
        break;
      }
      const TagName name = Identify(tok.name);
      const size_t out_begin = out.size() + (lt - copied);
      const size_t out_len = tok.cut_end > tok.cut_begin ? (tok.end - tok.begin) - (tok.cut_end - tok.cut_begin)
                                                         : tok.end - tok.begin;
      const StartResult r = model.StartTag(name, tok.self_closing, font_breakout, html_annotation, out_begin, out_len);
      if (r.blank) {
        emit_until(lt);
        out.push_back(' ');
        copied = tok.end;
      } else {
        emit_tag(tok);
      }
      pos = tok.end;
      if (r.content == Content::kPlaintext) break;
      if (r.content == Content::kRawDrop || r.content == Content::kRawKeep) {
        char lower[16];
        const size_t len = std::min(tok.name.size(), sizeof(lower));
        for (size_t i = 0; i < len; ++i) lower[i] = AsciiLower(tok.name[i]);
        const size_t end = RawTextEnd(s, pos, std::string_view(lower, len));
        if (r.content == Content::kRawDrop && !ld_json) {
          copied = end;  // the content is dropped
        } else if (end > pos) {
          model.Text();
        }
        pos = end;
        if (end < n) {
          // The end tag of the raw text element; it closes nothing in the model.
          const TagToken close = LexTag(s, end, limits.max_attributes, [](std::string_view, std::string_view) {});
          if (!close.complete) break;
          emit_tag(close);
          pos = close.end;
        }
      }
      continue;
    }
    if (c1 == '/') {
      if (lt + 2 < n && IsAsciiAlpha(static_cast<unsigned char>(s[lt + 2]))) {
        const TagToken tok = LexTag(s, lt, limits.max_attributes, [](std::string_view, std::string_view) {});
        if (!tok.complete) break;
        model.EndTag(Identify(tok.name));
        emit_tag(tok);
        pos = tok.end;
      } else if (lt + 2 < n && s[lt + 2] == '>') {
        pos = lt + 3;
      } else {
        const size_t gt = s.find('>', lt + 2);
        pos = gt == std::string_view::npos ? n : gt + 1;
      }
      continue;
    }
    if (c1 == '!') {
      if (s.substr(lt, 4) == "<!--") {
        const size_t end = CommentEnd(s, lt);
        emit_until(lt);
        copied = end;  // comments are dropped
        pos = end;
        continue;
      }
      if (model.InForeign() && s.substr(lt, 9) == "<![CDATA[") {
        const size_t close = s.find("]]>", lt + 9);
        const size_t end = close == std::string_view::npos ? n : close + 3;
        emit_until(lt);
        copied = end;  // CDATA in SVG/MathML is text Extract does not read
        pos = end;
        continue;
      }
      const size_t gt = s.find('>', lt + 2);
      pos = gt == std::string_view::npos ? n : gt + 1;
      continue;
    }
    if (c1 == '?') {
      const size_t gt = s.find('>', lt + 2);
      pos = gt == std::string_view::npos ? n : gt + 1;
      continue;
    }
    model.Text();  // a '<' that starts no tag is text
    pos = lt + 1;
  }
  emit_until(n);
  return out;
}

}  // namespace adwatch::extract
