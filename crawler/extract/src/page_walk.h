// WalkPage: the one walk over Gumbo's tree that takes out everything Extract reads from the
// HTML — head metadata, visible text, links, JSON-LD blocks, microdata items and channel posts.
#ifndef ADWATCH_EXTRACT_PAGE_WALK_H_
#define ADWATCH_EXTRACT_PAGE_WALK_H_

#include <gumbo.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adwatch/common/records.h"
#include "adwatch/extract/extract.h"
#include "url_resolver.h"

namespace adwatch::extract {

// What a class token means inside a channel post.
enum class ChannelRole : uint8_t {
  kNone = 0,
  kPost,
  kText,
  kOwnerName,
  kSignature,
  kForwardedFrom,
  kViews,
  kReply,
  kLinkPreview,
  kPreviewPart,
  kMore,
};

// Options prepared once per Extractor.
struct WalkConfig {
  const ExtractOptions* options = nullptr;
  // Class token → role, from ExtractOptions::channel.
  std::vector<std::pair<std::string, ChannelRole>> channel_classes;
};

// Flags of a link in WalkResult::link_flags.
enum LinkFlag : uint8_t {
  kLinkInBoilerplate = 1,
  kLinkInMain = 2,  // inside <main> / role=main
  kLinkInFirstArticle = 4,
};

struct WalkResult {
  Page page;  // title, text, lang, canonical, meta_description, open_graph, links, next_page
  std::vector<uint8_t> link_flags;  // one per page.links
  // Byte ranges of Page::text written inside the first <main> and the first <article>.
  bool has_main = false;
  size_t main_begin = 0, main_end = 0;
  int article_count = 0;
  size_t article_begin = 0, article_end = 0;
  std::string first_h1;
  std::vector<std::string> json_ld;       // application/ld+json blocks, as written
  std::vector<nlohmann::json> microdata;  // top-level items in JSON-LD form
  std::vector<AdCandidate> posts;         // channel posts
  // <img>s outside channel posts and boilerplate, each URL once, with LinkFlags (main, first
  // article) in image_flags.
  std::vector<ImageRef> images;
  std::vector<uint8_t> image_flags;
  bool page_text_truncated = false;
  size_t links_dropped = 0;
  size_t posts_text_truncated = 0;
};

// Walks the tree under `root` (iteratively). `resolver` follows <base href>. `source` and the
// page language go into the posts.
void WalkPage(const GumboNode* root, const WalkConfig& config, std::string_view source,
              UrlResolver* resolver, WalkResult* out);

// "987" → 987, "1.2K" → 1200, "3.4M" → 3400000, "1,234" → 1234; -1 when there is no number.
int64_t ParseViewCount(std::string_view text);

}  // namespace adwatch::extract

#endif  // ADWATCH_EXTRACT_PAGE_WALK_H_
