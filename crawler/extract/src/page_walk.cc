#include "page_walk.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <utility>

#include "dom_util.h"
#include "tag_lexer.h"
#include "text_builder.h"

namespace adwatch::extract {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxLinkText = 256;
constexpr size_t kMaxShort = 1024;
constexpr size_t kMaxOpenGraph = 64;
constexpr size_t kMaxItems = 1000;
constexpr size_t kMaxProps = 200;
constexpr int kMaxItemDepth = 16;
constexpr int kContentScanBudget = 2000;
constexpr size_t kMaxOpenCaptures = 8;  // text is copied into every open capture
constexpr size_t kMaxImages = 256;      // images kept per page and per post

enum FrameFlag : uint32_t {
  kSuppress = 1u << 0,  // hidden or boilerplate: no page text
  kBoilerplate = 1u << 1,
  kPre = 1u << 2,
  kMain = 1u << 3,
  kFirstArticle = 1u << 4,
  kContent = 1u << 5,  // <main> or <article>: header/footer inside are not boilerplate
  kPost = 1u << 6,
  kReply = 1u << 7,
  kPreview = 1u << 8,
  kItemScope = 1u << 9,
  kBlockOne = 1u << 10,
  kBlockTwo = 1u << 11,
  kCell = 1u << 12,
};

struct Frame {
  const GumboNode* node;
  unsigned next;
  uint32_t flags;
  uint8_t captures;  // captures this element opened
};

enum class CaptureKind : uint8_t {
  kLinkText,
  kItemProp,
  kPostText,
  kOwner,
  kSignature,
  kForwarded,
  kViews,
  kPreviewPart,
  kH1,
};

struct Capture {
  TextBuilder text;
  CaptureKind kind;
  size_t target;  // link index, or microdata item index
  size_t first;   // microdata: first property the text is the value of
  size_t count;   // microdata: number of properties (an itemprop may name several)
};

// The attributes the walk reads, from one pass over an element's attributes.
struct Attrs {
  const char* cls = nullptr;
  const char* id = nullptr;
  const char* style = nullptr;
  const char* role = nullptr;
  const char* itemprop = nullptr;
  const char* itemtype = nullptr;
  const char* href = nullptr;
  const char* rel = nullptr;
  const char* content = nullptr;
  const char* datetime = nullptr;
  const char* src = nullptr;
  const char* type = nullptr;
  const char* name = nullptr;
  const char* property = nullptr;
  const char* lang = nullptr;
  const char* value = nullptr;
  const char* data = nullptr;
  const char* post_id = nullptr;
  const char* more_before = nullptr;
  const char* alt = nullptr;
  const char* width = nullptr;
  const char* height = nullptr;
  bool hidden = false;
  bool aria_hidden = false;
  bool itemscope = false;
};

struct MicroValue {
  std::string text;
  int item = -1;
};

struct MicroItem {
  std::string type;
  std::vector<std::pair<std::string, MicroValue>> props;
};

struct PostState {
  AdCandidate ad;
  std::string text;
  std::string owner;
  std::string signature;
  std::vector<std::string> preview_parts;
  bool text_opened = false;
  bool text_open = false;
  bool text_truncated = false;
  int reply_depth = 0;
  int preview_depth = 0;
};

bool HasToken(const char* list, std::string_view token) {
  if (list == nullptr || token.empty()) return false;
  bool found = false;
  ForEachToken(list, [&](std::string_view t) { found = found || t == token; });
  return found;
}

bool HiddenStyle(const char* style) {
  if (style == nullptr) return false;
  char buf[512];
  size_t n = 0;
  for (const char* p = style; *p != '\0' && n < sizeof(buf); ++p) {
    if (!IsHtmlSpace(static_cast<unsigned char>(*p))) buf[n++] = AsciiLower(*p);
  }
  const std::string_view s(buf, n);
  return s.find("display:none") != std::string_view::npos ||
         s.find("visibility:hidden") != std::string_view::npos;
}

std::string ChildrenText(const GumboElement& el) {
  std::string s;
  for (unsigned i = 0; i < el.children.length; ++i) {
    const auto* c = static_cast<const GumboNode*>(el.children.data[i]);
    if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_WHITESPACE ||
        c->type == GUMBO_NODE_CDATA) {
      s += c->v.text.text;
    }
  }
  return s;
}

std::string Short(const char* s, size_t max = kMaxShort) {
  TextBuilder b(max, /*single_line=*/true);
  b.Append(s);
  return b.Take();
}

std::string_view ItemTypeName(const char* itemtype) {
  if (itemtype == nullptr) return {};
  std::string_view first;
  ForEachToken(itemtype, [&](std::string_view t) {
    if (first.empty()) first = t;
  });
  const size_t cut = first.find_last_of("/#");
  return cut == std::string_view::npos ? first : first.substr(cut + 1);
}

class Walker {
 public:
  Walker(const WalkConfig& config, std::string_view source, UrlResolver* resolver, WalkResult* out)
      : config_(config),
        options_(*config.options),
        source_(source),
        resolver_(resolver),
        out_(out),
        page_text_(config.options->max_page_text_bytes) {}

  void Run(const GumboNode* root);

 private:
  Attrs ReadAttrs(const GumboElement& el) const;
  bool Enter(const GumboNode* node, Frame* f);
  void Leave(const Frame& f);
  void EmitText(std::string_view t);
  void Break(int lines);
  void LineBreak();
  void Space();
  void OpenCapture(Frame* f, CaptureKind kind, size_t max, bool single_line, size_t target = 0,
                   size_t first = 0, size_t count = 0);
  void CloseCapture();
  void HandleMeta(const Attrs& a);
  void HandleLink(const Attrs& a);
  void HandleAnchor(const Attrs& a, Frame* f);
  void HandleChannel(GumboTag tag, const Attrs& a, Frame* f);
  void HandleImage(GumboTag tag, const Attrs& a);
  void AddImage(std::string_view src, ImageOrigin origin, const char* alt);
  void HandleMicrodata(GumboTag tag, const Attrs& a, Frame* f);
  void AddProps(const char* names, MicroValue value, size_t* first, size_t* count);
  bool IsBoilerplate(const GumboNode* node, GumboTag tag, const Attrs& a) const;
  bool ContainsContent(const GumboNode* node) const;
  bool ContainsWord(const char* s) const;
  size_t AddLink(std::string url, const char* rel);
  void AddPostLink(const std::string& url);
  void StartPost(const char* post_id);
  void FinishPost();
  // `budget` counts item expansions left: an item named by several properties (itemprop="a b")
  // is copied under each, which nesting would otherwise multiply without bound.
  json ItemToJson(size_t index, int depth, size_t* budget) const;

  const WalkConfig& config_;
  const ExtractOptions& options_;
  std::string_view source_;
  UrlResolver* resolver_;
  WalkResult* out_;

  TextBuilder page_text_;
  std::vector<Capture> captures_;
  int suppress_ = 0;
  int boilerplate_ = 0;
  int pre_depth_ = 0;
  int main_depth_ = 0;
  int first_article_depth_ = 0;
  int content_depth_ = 0;
  bool title_seen_ = false;
  bool base_seen_ = false;
  bool main_seen_ = false;
  bool h1_seen_ = false;
  std::string rel_next_;
  std::string more_before_;
  std::unordered_map<std::string, size_t> link_index_;
  // href as written → resolved URL, for hrefs under the current base. The keys point into
  // Gumbo's tree, which outlives the walk.
  std::unordered_map<std::string_view, std::string> resolved_;
  std::unique_ptr<PostState> post_;
  std::vector<MicroItem> items_;
  std::vector<int> item_stack_;
  std::vector<int> top_items_;
};

Attrs Walker::ReadAttrs(const GumboElement& el) const {
  Attrs a;
  const ChannelSelectors& ch = options_.channel;
  for (unsigned i = 0; i < el.attributes.length; ++i) {
    const auto* at = static_cast<const GumboAttribute*>(el.attributes.data[i]);
    const char* n = at->name;
    const char* v = at->value;
    // The channel attributes are configurable; Validate makes them non-empty.
    if (n[0] == ch.post_id_attribute[0] && ch.post_id_attribute == n) {
      a.post_id = v;
      continue;
    }
    if (n[0] == ch.more_before_attribute[0] && ch.more_before_attribute == n) {
      a.more_before = v;
      continue;
    }
    switch (n[0]) {
      case 'a':
        if (std::strcmp(n, "aria-hidden") == 0) {
          a.aria_hidden = EqualsIgnoreCase(v, "true");
        } else if (std::strcmp(n, "alt") == 0) {
          a.alt = v;
        }
        break;
      case 'c':
        if (std::strcmp(n, "class") == 0) {
          a.cls = v;
        } else if (std::strcmp(n, "content") == 0) {
          a.content = v;
        }
        break;
      case 'd':
        if (std::strcmp(n, "datetime") == 0) {
          a.datetime = v;
        } else if (std::strcmp(n, "data") == 0) {
          a.data = v;
        }
        break;
      case 'h':
        if (std::strcmp(n, "href") == 0) {
          a.href = v;
        } else if (std::strcmp(n, "hidden") == 0) {
          a.hidden = true;
        } else if (std::strcmp(n, "height") == 0) {
          a.height = v;
        }
        break;
      case 'i':
        if (std::strcmp(n, "id") == 0) {
          a.id = v;
        } else if (std::strcmp(n, "itemprop") == 0) {
          a.itemprop = v;
        } else if (std::strcmp(n, "itemscope") == 0) {
          a.itemscope = true;
        } else if (std::strcmp(n, "itemtype") == 0) {
          a.itemtype = v;
        }
        break;
      case 'l':
        if (std::strcmp(n, "lang") == 0) a.lang = v;
        break;
      case 'n':
        if (std::strcmp(n, "name") == 0) a.name = v;
        break;
      case 'p':
        if (std::strcmp(n, "property") == 0) a.property = v;
        break;
      case 'r':
        if (std::strcmp(n, "rel") == 0) {
          a.rel = v;
        } else if (std::strcmp(n, "role") == 0) {
          a.role = v;
        }
        break;
      case 's':
        if (std::strcmp(n, "style") == 0) {
          a.style = v;
        } else if (std::strcmp(n, "src") == 0) {
          a.src = v;
        }
        break;
      case 't':
        if (std::strcmp(n, "type") == 0) a.type = v;
        break;
      case 'v':
        if (std::strcmp(n, "value") == 0) a.value = v;
        break;
      case 'w':
        if (std::strcmp(n, "width") == 0) a.width = v;
        break;
      default:
        break;
    }
  }
  return a;
}

void Walker::EmitText(std::string_view t) {
  if (suppress_ == 0) {
    if (pre_depth_ > 0) {
      page_text_.AppendPreformatted(t);
    } else {
      page_text_.Append(t);
    }
  }
  for (Capture& c : captures_) {
    if (pre_depth_ > 0) {
      c.text.AppendPreformatted(t);
    } else {
      c.text.Append(t);
    }
  }
}

void Walker::Break(int lines) {
  if (suppress_ == 0) page_text_.Block(lines);
  for (Capture& c : captures_) c.text.Block(lines);
}

void Walker::LineBreak() {
  if (suppress_ == 0) page_text_.LineBreak();
  for (Capture& c : captures_) c.text.LineBreak();
}

void Walker::Space() {
  if (suppress_ == 0) page_text_.Space();
  for (Capture& c : captures_) c.text.Space();
}

void Walker::OpenCapture(Frame* f, CaptureKind kind, size_t max, bool single_line, size_t target,
                         size_t first, size_t count) {
  if (captures_.size() >= kMaxOpenCaptures) return;
  captures_.push_back(Capture{TextBuilder(max, single_line), kind, target, first, count});
  ++f->captures;
}

void Walker::CloseCapture() {
  Capture c = std::move(captures_.back());
  captures_.pop_back();
  const bool truncated = c.text.truncated();
  std::string text = c.text.Take();
  switch (c.kind) {
    case CaptureKind::kLinkText:
      if (out_->page.links[c.target].text.empty())
        out_->page.links[c.target].text = std::move(text);
      break;
    case CaptureKind::kItemProp: {
      auto& props = items_[c.target].props;
      for (size_t k = c.first; k < c.first + c.count && k < props.size(); ++k)
        props[k].second.text = text;
      break;
    }
    case CaptureKind::kPostText:
      if (post_) {
        post_->text = std::move(text);
        post_->text_open = false;
        post_->text_truncated = truncated;
      }
      break;
    case CaptureKind::kOwner:
      if (post_ && post_->owner.empty()) post_->owner = std::move(text);
      break;
    case CaptureKind::kSignature:
      if (post_ && post_->signature.empty()) post_->signature = std::move(text);
      break;
    case CaptureKind::kForwarded:
      if (post_ && post_->ad.forwarded_from.empty()) post_->ad.forwarded_from = std::move(text);
      break;
    case CaptureKind::kViews:
      if (post_ && post_->ad.views < 0) post_->ad.views = ParseViewCount(text);
      break;
    case CaptureKind::kPreviewPart:
      if (post_ && !text.empty()) post_->preview_parts.push_back(std::move(text));
      break;
    case CaptureKind::kH1:
      out_->first_h1 = std::move(text);
      break;
  }
}

size_t Walker::AddLink(std::string url, const char* rel) {
  uint8_t flags = 0;
  if (boilerplate_ > 0) flags |= kLinkInBoilerplate;
  if (main_depth_ > 0) flags |= kLinkInMain;
  if (first_article_depth_ > 0) flags |= kLinkInFirstArticle;
  const auto it = link_index_.find(url);
  if (it != link_index_.end()) {
    // A link both in boilerplate and in content counts as content.
    uint8_t& f = out_->link_flags[it->second];
    const bool boilerplate = (f & kLinkInBoilerplate) && (flags & kLinkInBoilerplate);
    f = static_cast<uint8_t>(((f | flags) & ~kLinkInBoilerplate) |
                             (boilerplate ? kLinkInBoilerplate : 0));
    return it->second;
  }
  if (out_->page.links.size() >= options_.max_links) {
    ++out_->links_dropped;
    return SIZE_MAX;
  }
  Link link;
  link.url = url;
  if (rel != nullptr) link.rel = Short(rel, 128);
  out_->page.links.push_back(std::move(link));
  out_->link_flags.push_back(flags);
  link_index_.emplace(std::move(url), out_->page.links.size() - 1);
  return out_->page.links.size() - 1;
}

void Walker::AddPostLink(const std::string& url) {
  for (const Link& l : post_->ad.links) {
    if (l.url == url) return;
  }
  if (post_->ad.links.size() >= 256) return;
  Link link;
  link.url = url;
  post_->ad.links.push_back(std::move(link));
}

void Walker::HandleMeta(const Attrs& a) {
  if (a.itemprop != nullptr && !item_stack_.empty() && a.content != nullptr) {
    size_t first, count;
    AddProps(a.itemprop, MicroValue{Short(a.content, options_.max_text_bytes), -1}, &first, &count);
  }
  const char* key = a.property != nullptr ? a.property : a.name;
  if (key == nullptr || a.content == nullptr) return;
  const std::string_view k(key);
  if (EqualsIgnoreCase(k, "description")) {
    if (out_->page.meta_description.empty())
      out_->page.meta_description = Short(a.content, options_.max_text_bytes);
    return;
  }
  if (!StartsWithIgnoreCase(k, "og:") && !StartsWithIgnoreCase(k, "twitter:") &&
      !StartsWithIgnoreCase(k, "article:")) {
    return;
  }
  auto& og = out_->page.open_graph;
  if (og.size() >= kMaxOpenGraph || k.size() > 64) return;
  std::string name(k);
  for (char& c : name) c = AsciiLower(c);
  if (og.find(name) == og.end())
    og.emplace(std::move(name), Short(a.content, options_.max_text_bytes));
}

void Walker::HandleLink(const Attrs& a) {
  if (a.href == nullptr) return;
  if (a.itemprop != nullptr && !item_stack_.empty()) {
    size_t first, count;
    AddProps(a.itemprop, MicroValue{resolver_->Resolve(a.href), -1}, &first, &count);
  }
  if (HasToken(a.rel, "canonical") && out_->page.canonical.empty()) {
    out_->page.canonical = resolver_->Resolve(a.href);
  } else if (HasToken(a.rel, "next") && rel_next_.empty()) {
    rel_next_ = resolver_->Resolve(a.href);
  }
}

void Walker::HandleAnchor(const Attrs& a, Frame* f) {
  const bool for_post =
      post_ && post_->reply_depth == 0 && (post_->text_open || post_->preview_depth > 0);
  if (out_->page.links.size() >= options_.max_links && !for_post &&
      !(rel_next_.empty() && HasToken(a.rel, "next"))) {
    ++out_->links_dropped;  // not worth resolving (a page of a million links)
    return;
  }
  // Pages repeat hrefs (every card links its ad twice, every page links "/"): resolve each once.
  std::string url;
  const auto cached = resolved_.find(std::string_view(a.href));
  if (cached != resolved_.end()) {
    url = cached->second;
  } else {
    url = resolver_->Resolve(a.href);
    if (resolved_.size() < 4 * options_.max_links) resolved_.emplace(a.href, url);
  }
  if (url.empty()) return;
  if (rel_next_.empty() && HasToken(a.rel, "next")) rel_next_ = url;
  if (for_post) AddPostLink(url);
  const size_t index = AddLink(std::move(url), a.rel);
  if (index != SIZE_MAX && out_->page.links[index].text.empty()) {
    OpenCapture(f, CaptureKind::kLinkText, kMaxLinkText, /*single_line=*/true, index);
  }
}

void Walker::StartPost(const char* post_id) {
  post_ = std::make_unique<PostState>();
  AdCandidate& ad = post_->ad;
  ad.origin = CandidateOrigin::kChannelPost;
  ad.source = std::string(source_);
  ad.post_id = Short(post_id, 256);
  ad.url = options_.channel.permalink_prefix + ad.post_id;
  ad.lang = out_->page.lang;
}

void Walker::FinishPost() {
  std::unique_ptr<PostState> post = std::move(post_);
  AdCandidate& ad = post->ad;
  TextBuilder text(options_.max_text_bytes);
  text.AppendPreformatted(post->text);
  if (!post->preview_parts.empty()) {
    text.Block(2);
    for (const std::string& part : post->preview_parts) {
      text.AppendPreformatted(part);
      text.Block(1);
    }
  }
  ad.text = text.Take();
  if (post->text_truncated || text.truncated()) ++out_->posts_text_truncated;
  for (Link& link : ad.links) {
    const auto it = link_index_.find(link.url);
    if (it != link_index_.end()) link.text = out_->page.links[it->second].text;
  }
  ad.author = !post->signature.empty() ? post->signature : post->owner;
  if (ad.author.empty()) ad.author = ad.post_id.substr(0, ad.post_id.find('/'));
  // A service message; a photo-only post stays: its text is in the photo.
  if (ad.text.empty() && ad.links.empty() && ad.images.empty()) return;
  out_->posts.push_back(std::move(ad));
}

// A tracking pixel or spacer: width or height given as at most 2 pixels.
bool TinyImage(const Attrs& a) {
  const auto tiny = [](const char* v) {
    if (v == nullptr) return false;
    const int n = std::atoi(v);
    return n >= 0 && n <= 2 && v[0] >= '0' && v[0] <= '9';
  };
  return tiny(a.width) || tiny(a.height);
}

// The URL inside `background-image: url(…)` (or the `background` shorthand) of a style
// attribute, unquoted; "" when there is none.
std::string_view BackgroundImageUrl(std::string_view style) {
  const size_t at = FindIgnoreCase(style, "background");
  if (at == std::string_view::npos) return {};
  const size_t open = FindIgnoreCase(style.substr(at), "url(");
  if (open == std::string_view::npos) return {};
  std::string_view rest = style.substr(at + open + 4);
  const size_t close = rest.find(')');
  if (close == std::string_view::npos) return {};
  rest = rest.substr(0, close);
  while (!rest.empty() && (IsHtmlSpace(static_cast<unsigned char>(rest.front())) ||
                           rest.front() == '\'' || rest.front() == '"')) {
    rest.remove_prefix(1);
  }
  while (!rest.empty() && (IsHtmlSpace(static_cast<unsigned char>(rest.back())) ||
                           rest.back() == '\'' || rest.back() == '"')) {
    rest.remove_suffix(1);
  }
  return rest;
}

void Walker::HandleImage(GumboTag tag, const Attrs& a) {
  if (boilerplate_ > 0) return;  // logos, avatars and banners of the site, not of an ad
  if (tag == GUMBO_TAG_IMG && a.src != nullptr && !TinyImage(a))
    AddImage(a.src, ImageOrigin::kImg, a.alt);
  if (post_ && a.style != nullptr) {
    const std::string_view url = BackgroundImageUrl(a.style);
    if (!url.empty()) AddImage(url, ImageOrigin::kBackground, nullptr);
  }
}

void Walker::AddImage(std::string_view src, ImageOrigin origin, const char* alt) {
  if (src.empty() || src.size() > 4096) return;
  std::string url = resolver_->Resolve(src);
  if (!StartsWithIgnoreCase(url, "http://") && !StartsWithIgnoreCase(url, "https://"))
    return;  // data:, blob:
  std::vector<ImageRef>* images = nullptr;
  if (post_) {
    // A quoted message's or a link preview's picture belongs to another post or page.
    if (post_->reply_depth > 0 || post_->preview_depth > 0) return;
    images = &post_->ad.images;
  } else {
    images = &out_->images;
  }
  for (const ImageRef& im : *images) {
    if (im.url == url) return;
  }
  if (images->size() >= kMaxImages) return;
  ImageRef ref;
  ref.url = std::move(url);
  ref.origin = origin;
  if (alt != nullptr) ref.alt = Short(alt, 256);
  images->push_back(std::move(ref));
  if (!post_) {
    uint8_t flags = 0;
    if (main_depth_ > 0) flags |= kLinkInMain;
    if (first_article_depth_ > 0) flags |= kLinkInFirstArticle;
    out_->image_flags.push_back(flags);
  }
}

void Walker::HandleChannel(GumboTag tag, const Attrs& a, Frame* f) {
  const auto role_of = [this](std::string_view token) {
    for (const auto& [cls, role] : config_.channel_classes) {
      if (token == cls) return role;
    }
    return ChannelRole::kNone;
  };
  const std::string_view cls = a.cls != nullptr ? a.cls : "";
  if (!post_ && a.post_id != nullptr && *a.post_id != '\0') {
    bool is_post = false;
    ForEachToken(
        cls, [&](std::string_view t) { is_post = is_post || role_of(t) == ChannelRole::kPost; });
    if (is_post) {
      StartPost(a.post_id);
      f->flags |= kPost;
      return;
    }
  }
  if (tag == GUMBO_TAG_A && a.more_before != nullptr && a.href != nullptr && more_before_.empty()) {
    bool more = false;
    ForEachToken(cls, [&](std::string_view t) { more = more || role_of(t) == ChannelRole::kMore; });
    if (more) more_before_ = resolver_->Resolve(a.href);
  }
  if (!post_) return;
  ForEachToken(cls, [&](std::string_view t) {
    switch (role_of(t)) {
      case ChannelRole::kReply:
        if (!(f->flags & kReply)) {
          ++post_->reply_depth;
          f->flags |= kReply;
        }
        break;
      case ChannelRole::kLinkPreview:
        if (!(f->flags & kPreview) && post_->reply_depth == 0) {
          ++post_->preview_depth;
          f->flags |= kPreview;
          if (a.href != nullptr) {
            const std::string url = resolver_->Resolve(a.href);
            if (!url.empty()) AddPostLink(url);
          }
        }
        break;
      case ChannelRole::kText:
        if (post_->reply_depth == 0 && post_->preview_depth == 0 && !post_->text_opened) {
          post_->text_opened = true;
          post_->text_open = true;
          OpenCapture(f, CaptureKind::kPostText, options_.max_text_bytes, /*single_line=*/false);
        }
        break;
      case ChannelRole::kOwnerName:
        if (post_->reply_depth == 0) OpenCapture(f, CaptureKind::kOwner, kMaxShort, true);
        break;
      case ChannelRole::kSignature:
        if (post_->reply_depth == 0) OpenCapture(f, CaptureKind::kSignature, kMaxShort, true);
        break;
      case ChannelRole::kForwardedFrom:
        if (post_->reply_depth == 0) OpenCapture(f, CaptureKind::kForwarded, kMaxShort, true);
        break;
      case ChannelRole::kViews:
        if (post_->reply_depth == 0) OpenCapture(f, CaptureKind::kViews, 64, true);
        break;
      case ChannelRole::kPreviewPart:
        if (post_->preview_depth > 0)
          OpenCapture(f, CaptureKind::kPreviewPart, 4 * kMaxShort, false);
        break;
      default:
        break;
    }
  });
}

void Walker::AddProps(const char* names, MicroValue value, size_t* first, size_t* count) {
  MicroItem& item = items_[static_cast<size_t>(item_stack_.back())];
  *first = item.props.size();
  *count = 0;
  ForEachToken(names, [&](std::string_view name) {
    if (item.props.size() >= kMaxProps || name.size() > 128) return;
    // A full-URL property name ("http://schema.org/title") means its last segment.
    const size_t cut = name.find_last_of("/#");
    const std::string_view local = cut == std::string_view::npos ? name : name.substr(cut + 1);
    item.props.emplace_back(std::string(local), value);
    ++*count;
  });
}

void Walker::HandleMicrodata(GumboTag tag, const Attrs& a, Frame* f) {
  if (a.itemscope) {
    if (items_.size() >= kMaxItems) return;
    const int index = static_cast<int>(items_.size());
    items_.push_back(MicroItem{std::string(Utf8Prefix(ItemTypeName(a.itemtype), 64)), {}});
    if (a.itemprop != nullptr && !item_stack_.empty()) {
      size_t first, count;
      AddProps(a.itemprop, MicroValue{std::string(), index}, &first, &count);
    } else {
      top_items_.push_back(index);
    }
    item_stack_.push_back(index);
    f->flags |= kItemScope;
    return;
  }
  if (a.itemprop == nullptr || item_stack_.empty()) return;
  const char* url = nullptr;
  const char* plain = nullptr;
  switch (tag) {
    case GUMBO_TAG_A:
    case GUMBO_TAG_AREA:
      url = a.href;
      break;
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_TRACK:
      url = a.src;
      break;
    case GUMBO_TAG_OBJECT:
      url = a.data;
      break;
    case GUMBO_TAG_TIME:
      plain = a.datetime;
      break;
    case GUMBO_TAG_DATA:
    case GUMBO_TAG_METER:
      plain = a.value;
      break;
    default:
      break;
  }
  if (plain == nullptr && url == nullptr) plain = a.content;
  size_t first, count;
  if (url != nullptr) {
    AddProps(a.itemprop, MicroValue{resolver_->Resolve(url), -1}, &first, &count);
  } else if (plain != nullptr) {
    AddProps(a.itemprop, MicroValue{Short(plain, options_.max_text_bytes), -1}, &first, &count);
  } else {
    AddProps(a.itemprop, MicroValue{}, &first, &count);
    if (count > 0) {
      OpenCapture(f, CaptureKind::kItemProp, options_.max_text_bytes, /*single_line=*/false,
                  static_cast<size_t>(item_stack_.back()), first, count);
    }
  }
}

bool Walker::ContainsWord(const char* s) const {
  if (s == nullptr || *s == '\0') return false;
  char buf[256];
  size_t n = 0;
  for (const char* p = s; *p != '\0' && n < sizeof(buf); ++p) buf[n++] = AsciiLower(*p);
  const std::string_view hay(buf, n);
  for (const std::string& w : options_.boilerplate_words) {
    if (hay.find(w) != std::string_view::npos) return true;
  }
  return false;
}

// True when the subtree holds what a page's content is made of (<main>, <h1>, structured data,
// a channel post): then an element named like boilerplate is a wrapper, not boilerplate.
bool Walker::ContainsContent(const GumboNode* node) const {
  std::vector<const GumboNode*> stack{node};
  int budget = kContentScanBudget;
  while (!stack.empty() && budget-- > 0) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type != GUMBO_NODE_ELEMENT) continue;
    const GumboElement& el = n->v.element;
    if (n != node && (el.tag == GUMBO_TAG_MAIN || el.tag == GUMBO_TAG_H1)) return true;
    if (gumbo_get_attribute(&el.attributes, "itemscope") != nullptr) return true;
    if (gumbo_get_attribute(&el.attributes, options_.channel.post_id_attribute.c_str()) != nullptr)
      return true;
    for (unsigned i = 0; i < el.children.length; ++i)
      stack.push_back(static_cast<const GumboNode*>(el.children.data[i]));
  }
  return budget <= 0;  // too big to be boilerplate
}

bool Walker::IsBoilerplate(const GumboNode* node, GumboTag tag, const Attrs& a) const {
  bool hit = false;
  switch (tag) {
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_ASIDE:
      hit = true;
      break;
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
      hit = content_depth_ == 0;
      break;
    default:
      break;
  }
  if (!hit && a.role != nullptr) {
    const std::string_view r(a.role);
    hit = r == "navigation" || r == "banner" || r == "contentinfo" || r == "complementary" ||
          r == "search";
  }
  if (!hit && (a.cls != nullptr || a.id != nullptr)) {
    switch (tag) {
      case GUMBO_TAG_DIV:
      case GUMBO_TAG_SECTION:
      case GUMBO_TAG_ASIDE:
      case GUMBO_TAG_UL:
      case GUMBO_TAG_OL:
      case GUMBO_TAG_FORM:
      case GUMBO_TAG_TABLE:
      case GUMBO_TAG_P:
      case GUMBO_TAG_SPAN:
      case GUMBO_TAG_UNKNOWN:
        hit = ContainsWord(a.cls) || ContainsWord(a.id);
        break;
      default:
        break;
    }
  }
  return hit && !ContainsContent(node);
}

bool Walker::Enter(const GumboNode* node, Frame* f) {
  const GumboElement& el = node->v.element;
  if (el.tag_namespace != GUMBO_NAMESPACE_HTML) return false;  // SVG, MathML
  const GumboTag tag = el.tag;
  const Attrs a = ReadAttrs(el);
  switch (tag) {
    case GUMBO_TAG_HTML:
      if (a.lang != nullptr && out_->page.lang.empty()) out_->page.lang = Short(a.lang, 64);
      return true;
    case GUMBO_TAG_HEAD:
      f->flags |= kSuppress;
      ++suppress_;
      return true;
    case GUMBO_TAG_TITLE:
      if (!title_seen_) {
        title_seen_ = true;
        out_->page.title = Short(ChildrenText(el).c_str());
      }
      return false;
    case GUMBO_TAG_META:
      HandleMeta(a);
      return false;
    case GUMBO_TAG_LINK:
      HandleLink(a);
      return false;
    case GUMBO_TAG_BASE:
      if (!base_seen_ && a.href != nullptr) {
        base_seen_ = resolver_->SetBase(a.href);
        resolved_.clear();
      }
      return false;
    case GUMBO_TAG_SCRIPT:
      if (a.type != nullptr && FindIgnoreCase(a.type, "ld+json") != std::string_view::npos) {
        out_->json_ld.push_back(ChildrenText(el));
      }
      return false;
    default:
      break;
  }
  const TextRole role = RoleOf(tag);
  if (role == TextRole::kSkip) return false;
  if (role == TextRole::kLineBreak) {
    LineBreak();
    return false;
  }

  if (a.hidden || a.aria_hidden || HiddenStyle(a.style)) {
    f->flags |= kSuppress;
    ++suppress_;
  }
  // Inside boilerplate already: everything below is suppressed and its links flagged, so the
  // (subtree-scanning) check could change nothing.
  if (options_.drop_boilerplate && boilerplate_ == 0 && IsBoilerplate(node, tag, a)) {
    f->flags |= kSuppress | kBoilerplate;
    ++suppress_;
    ++boilerplate_;
  }
  if (boilerplate_ == 0) {
    const bool main =
        tag == GUMBO_TAG_MAIN || (a.role != nullptr && std::strcmp(a.role, "main") == 0);
    if (main && !main_seen_) {
      main_seen_ = true;
      f->flags |= kMain;
      ++main_depth_;
      out_->has_main = true;
      out_->main_begin = page_text_.size();
    }
    if (tag == GUMBO_TAG_ARTICLE && ++out_->article_count == 1) {
      f->flags |= kFirstArticle;
      ++first_article_depth_;
      out_->article_begin = page_text_.size();
    }
    if (main || tag == GUMBO_TAG_ARTICLE) {
      f->flags |= kContent;
      ++content_depth_;
    }
  }

  if (role == TextRole::kBlock) {
    Break(1);
    f->flags |= kBlockOne;
  } else if (role == TextRole::kParagraph) {
    Break(2);
    f->flags |= kBlockTwo;
  } else if (role == TextRole::kCell) {
    Space();
    f->flags |= kCell;
  }
  if (tag == GUMBO_TAG_PRE || tag == GUMBO_TAG_LISTING) {
    ++pre_depth_;
    f->flags |= kPre;
  }

  if (post_ || a.post_id != nullptr || a.more_before != nullptr) HandleChannel(tag, a, f);
  if (a.itemscope || (a.itemprop != nullptr && !item_stack_.empty())) HandleMicrodata(tag, a, f);
  if ((tag == GUMBO_TAG_A || tag == GUMBO_TAG_AREA) && a.href != nullptr) HandleAnchor(a, f);
  if ((tag == GUMBO_TAG_IMG && a.src != nullptr) || (post_ && a.style != nullptr))
    HandleImage(tag, a);
  if (tag == GUMBO_TAG_TIME && post_ && a.datetime != nullptr && post_->reply_depth == 0 &&
      post_->ad.posted_at.empty()) {
    post_->ad.posted_at = Short(a.datetime, 64);
  }
  if (tag == GUMBO_TAG_H1 && !h1_seen_ && suppress_ == 0) {
    h1_seen_ = true;
    OpenCapture(f, CaptureKind::kH1, kMaxShort, /*single_line=*/true);
  }
  return true;
}

void Walker::Leave(const Frame& f) {
  for (uint8_t i = 0; i < f.captures; ++i) CloseCapture();
  if (f.flags & kPost) FinishPost();
  if ((f.flags & kReply) && post_) --post_->reply_depth;
  if ((f.flags & kPreview) && post_) --post_->preview_depth;
  if (f.flags & kItemScope) item_stack_.pop_back();
  if (f.flags & kBlockOne) Break(1);
  if (f.flags & kBlockTwo) Break(2);
  if (f.flags & kCell) Space();
  if (f.flags & kPre) --pre_depth_;
  if (f.flags & kMain) {
    --main_depth_;
    out_->main_end = page_text_.size();
  }
  if (f.flags & kFirstArticle) {
    --first_article_depth_;
    out_->article_end = page_text_.size();
  }
  if (f.flags & kContent) --content_depth_;
  if (f.flags & kBoilerplate) --boilerplate_;
  if (f.flags & kSuppress) --suppress_;
}

json Walker::ItemToJson(size_t index, int depth, size_t* budget) const {
  const MicroItem& item = items_[index];
  json obj = json::object();
  if (!item.type.empty()) obj["@type"] = item.type;
  for (const auto& [name, value] : item.props) {
    const bool expand = value.item >= 0 && depth<kMaxItemDepth&& * budget> 0;
    if (expand) --*budget;
    json v =
        expand ? ItemToJson(static_cast<size_t>(value.item), depth + 1, budget) : json(value.text);
    const auto it = obj.find(name);
    if (it == obj.end()) {
      obj.emplace(name, std::move(v));
    } else {
      if (!it->is_array()) *it = json::array({std::move(*it)});
      it->push_back(std::move(v));
    }
  }
  return obj;
}

void Walker::Run(const GumboNode* root) {
  std::vector<Frame> stack;
  if (root != nullptr && root->type == GUMBO_NODE_ELEMENT) {
    Frame f{root, 0, 0, 0};
    if (Enter(root, &f)) {
      stack.push_back(f);
    } else {
      Leave(f);
    }
  }
  while (!stack.empty()) {
    Frame& top = stack.back();
    const GumboVector& children = top.node->v.element.children;
    if (top.next >= children.length) {
      const Frame done = top;
      stack.pop_back();
      Leave(done);
      continue;
    }
    const auto* child = static_cast<const GumboNode*>(children.data[top.next++]);
    switch (child->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA:
        EmitText(child->v.text.text);
        break;
      case GUMBO_NODE_ELEMENT: {
        Frame f{child, 0, 0, 0};
        if (Enter(child, &f)) {
          stack.push_back(f);
        } else {
          Leave(f);
        }
        break;
      }
      default:
        break;  // comments; <template> contents are not rendered
    }
  }
  if (post_) FinishPost();

  Page& page = out_->page;
  out_->page_text_truncated = page_text_.truncated();
  page.text = page_text_.Take();
  if (out_->has_main && out_->main_end < out_->main_begin) out_->main_end = page.text.size();
  page.next_page = !more_before_.empty() ? more_before_ : rel_next_;
  size_t budget = 4 * kMaxItems;
  for (int index : top_items_)
    out_->microdata.push_back(ItemToJson(static_cast<size_t>(index), 0, &budget));
}

}  // namespace

int64_t ParseViewCount(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && !(text[i] >= '0' && text[i] <= '9')) ++i;
  if (i == text.size()) return -1;
  std::string number;
  while (i < text.size() &&
         ((text[i] >= '0' && text[i] <= '9') || text[i] == '.' || text[i] == ',') &&
         number.size() < 24) {
    number.push_back(text[i++]);
  }
  while (i < text.size() && text[i] == ' ') ++i;
  double mult = 1;
  if (i < text.size()) {
    const char s = AsciiLower(text[i]);
    if (s == 'k') mult = 1e3;
    if (s == 'm') mult = 1e6;
    if (s == 'b') mult = 1e9;
  }
  std::string plain;
  for (char c : number) {
    if (c >= '0' && c <= '9') {
      plain.push_back(c);
    } else if (mult > 1 && plain.find('.') == std::string::npos) {
      plain.push_back('.');  // "1.2K", "1,2K": a decimal separator
    }
    // Without a suffix, separators group thousands: "1,234".
  }
  if (plain.empty() || plain == ".") return -1;
  const double v = std::strtod(plain.c_str(), nullptr) * mult;
  if (!(v >= 0) || v > 9e18) return -1;
  return static_cast<int64_t>(v + 0.5);
}

void WalkPage(const GumboNode* root, const WalkConfig& config, std::string_view source,
              UrlResolver* resolver, WalkResult* out) {
  Walker walker(config, source, resolver, out);
  walker.Run(root);
}

}  // namespace adwatch::extract
