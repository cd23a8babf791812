#include "adwatch/extract/extract.h"

#include <re2/re2.h>

#include <algorithm>
#include <exception>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

#include "charset.h"
#include "dom_util.h"
#include "page_walk.h"
#include "prepare.h"
#include "structured.h"
#include "tag_lexer.h"
#include "text_builder.h"
#include "url_resolver.h"

namespace adwatch::extract {
namespace {

constexpr size_t kMaxInputLimit = size_t{1} << 30;

enum class PageRole { kAuto, kAd, kListing };

struct CompiledSource {
  std::vector<std::unique_ptr<RE2>> listing;
  std::vector<std::unique_ptr<RE2>> ad;
};

Status CheckPositive(size_t v, const char* name) {
  if (v == 0)
    return Status::InvalidArgument("extract options", std::string(name) + " must be positive");
  return Status::OK();
}

Result<std::unique_ptr<RE2>> Compile(const std::string& pattern, const std::string& where) {
  RE2::Options o;
  o.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, o);
  if (!re->ok()) {
    return Status::InvalidArgument("extract options: " + where,
                                   "bad pattern \"" + pattern + "\": " + re->error());
  }
  return re;
}

bool IsLowerAscii(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80 || (c >= 'A' && c <= 'Z') ||
        IsHtmlSpace(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

// Lower-case host of an absolute URL, or "".
std::string HostOf(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  size_t begin = scheme + 3;
  const size_t end = url.find_first_of("/?#", begin);
  std::string_view authority =
      url.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  const size_t colon = authority.find(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos)
    authority = authority.substr(0, colon);
  std::string host(authority);
  for (char& c : host) c = AsciiLower(c);
  return host;
}

bool HostIn(const std::string& host, const std::vector<std::string>& domains) {
  for (const std::string& d : domains) {
    if (host == d) return true;
    if (host.size() > d.size() && host.compare(host.size() - d.size(), d.size(), d) == 0 &&
        host[host.size() - d.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

std::string TrimLines(std::string_view s) {
  while (!s.empty() && (s.front() == '\n' || s.front() == ' ')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
  return std::string(s);
}

// True for a Content-Type Extract reads: none given, HTML, XML, or any text/*.
bool LooksLikeMarkup(std::string_view content_type) {
  if (content_type.empty()) return true;
  return FindIgnoreCase(content_type, "html") != std::string_view::npos ||
         FindIgnoreCase(content_type, "xml") != std::string_view::npos ||
         StartsWithIgnoreCase(content_type, "text/");
}

const std::string* Og(const Page& page, const char* key) {
  const auto it = page.open_graph.find(key);
  return it == page.open_graph.end() || it->second.empty() ? nullptr : &it->second;
}

}  // namespace

struct Extractor::Rep {
  ExtractOptions options;
  WalkConfig walk;
  std::unordered_map<std::string, CompiledSource> sources;

  PageRole RoleOf(const std::string& source, const std::string& url) const;
  Result<Page> Run(const FetchResult& fetch) const;
  AdCandidate MainText(const Page& page, const WalkResult& w, const StructuredData& sd,
                       const std::string& source, std::vector<std::string>* problems) const;
};

namespace {

// The per-source URL patterns, compiled; errors name the source and the pattern's place.
Result<std::unordered_map<std::string, CompiledSource>> CompileSources(const ExtractOptions& o) {
  std::unordered_map<std::string, CompiledSource> out;
  for (const SourcePatterns& s : o.sources) {
    if (s.source.empty())
      return Status::InvalidArgument("extract options", "a sources entry has no source name");
    if (out.count(s.source) > 0) {
      return Status::InvalidArgument("extract options",
                                     "source \"" + s.source + "\" is listed twice");
    }
    CompiledSource& compiled = out[s.source];
    for (size_t i = 0; i < s.listing_urls.size(); ++i) {
      auto re = Compile(s.listing_urls[i],
                        "source \"" + s.source + "\" listing_urls[" + std::to_string(i) + "]");
      if (!re) return re.error();
      compiled.listing.push_back(std::move(re.value()));
    }
    for (size_t i = 0; i < s.ad_urls.size(); ++i) {
      auto re =
          Compile(s.ad_urls[i], "source \"" + s.source + "\" ad_urls[" + std::to_string(i) + "]");
      if (!re) return re.error();
      compiled.ad.push_back(std::move(re.value()));
    }
  }
  return out;
}

}  // namespace

// Every option but the source patterns.
static Status ValidateSettings(const ExtractOptions& o) {
  if (o.max_input_bytes == 0 || o.max_input_bytes > kMaxInputLimit) {
    return Status::InvalidArgument("extract options",
                                   "max_input_bytes must be between 1 and 1 GiB");
  }
  ADWATCH_RETURN_IF_ERROR(CheckPositive(o.max_page_text_bytes, "max_page_text_bytes"));
  ADWATCH_RETURN_IF_ERROR(CheckPositive(o.max_text_bytes, "max_text_bytes"));
  ADWATCH_RETURN_IF_ERROR(CheckPositive(o.max_candidates, "max_candidates"));
  ADWATCH_RETURN_IF_ERROR(CheckPositive(o.max_links, "max_links"));
  ADWATCH_RETURN_IF_ERROR(CheckPositive(o.max_images_per_candidate, "max_images_per_candidate"));
  ADWATCH_RETURN_IF_ERROR(CheckPositive(o.max_json_ld_bytes, "max_json_ld_bytes"));
  ADWATCH_RETURN_IF_ERROR(CheckPositive(o.max_elements, "max_elements"));
  if (o.max_nesting_depth < 16 || o.max_nesting_depth > 4096) {
    return Status::InvalidArgument("extract options",
                                   "max_nesting_depth must be between 16 and 4096");
  }
  if (o.charset_prescan_bytes > (size_t{1} << 20)) {
    return Status::InvalidArgument("extract options",
                                   "charset_prescan_bytes must be at most 1 MiB");
  }
  for (const std::string& w : o.boilerplate_words) {
    if (!IsLowerAscii(w)) {
      return Status::InvalidArgument(
          "extract options", "boilerplate word \"" + w + "\" must be non-empty lower-case ASCII");
    }
  }
  const ChannelSelectors& c = o.channel;
  const std::pair<const std::string*, const char*> classes[] = {
      {&c.post_class, "channel.post_class"},
      {&c.post_id_attribute, "channel.post_id_attribute"},
      {&c.text_class, "channel.text_class"},
      {&c.owner_name_class, "channel.owner_name_class"},
      {&c.signature_class, "channel.signature_class"},
      {&c.forwarded_from_class, "channel.forwarded_from_class"},
      {&c.views_class, "channel.views_class"},
      {&c.reply_class, "channel.reply_class"},
      {&c.link_preview_class, "channel.link_preview_class"},
      {&c.more_class, "channel.more_class"},
      {&c.more_before_attribute, "channel.more_before_attribute"}};
  for (const auto& [value, name] : classes) {
    if (value->empty() || value->find_first_of(" \t\n\r\f") != std::string::npos) {
      return Status::InvalidArgument("extract options",
                                     std::string(name) + " must be one non-empty token");
    }
  }
  // Gumbo lower-cases attribute names.
  if (!IsLowerAscii(c.post_id_attribute) || !IsLowerAscii(c.more_before_attribute)) {
    return Status::InvalidArgument("extract options", "channel attribute names must be lower case");
  }
  return Status::OK();
}

Status Validate(const ExtractOptions& o) {
  ADWATCH_RETURN_IF_ERROR(ValidateSettings(o));
  return CompileSources(o).status();
}

Extractor::Extractor(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
Extractor::Extractor(Extractor&&) noexcept = default;
Extractor& Extractor::operator=(Extractor&&) noexcept = default;
Extractor::~Extractor() = default;

const ExtractOptions& Extractor::options() const { return rep_->options; }

Result<Extractor> Extractor::Create(ExtractOptions options) {
  ADWATCH_RETURN_IF_ERROR(ValidateSettings(options));
  auto rep = std::make_unique<Rep>();
  rep->options = std::move(options);
  const ExtractOptions& o = rep->options;
  auto sources = CompileSources(o);
  if (!sources) return sources.error();
  rep->sources = std::move(sources.value());
  rep->walk.options = &rep->options;
  const ChannelSelectors& c = o.channel;
  auto& classes = rep->walk.channel_classes;
  classes.emplace_back(c.post_class, ChannelRole::kPost);
  classes.emplace_back(c.text_class, ChannelRole::kText);
  classes.emplace_back(c.owner_name_class, ChannelRole::kOwnerName);
  classes.emplace_back(c.signature_class, ChannelRole::kSignature);
  classes.emplace_back(c.forwarded_from_class, ChannelRole::kForwardedFrom);
  classes.emplace_back(c.views_class, ChannelRole::kViews);
  classes.emplace_back(c.reply_class, ChannelRole::kReply);
  classes.emplace_back(c.link_preview_class, ChannelRole::kLinkPreview);
  for (const std::string& part : c.link_preview_part_classes)
    classes.emplace_back(part, ChannelRole::kPreviewPart);
  classes.emplace_back(c.more_class, ChannelRole::kMore);
  return Extractor(std::move(rep));
}

PageRole Extractor::Rep::RoleOf(const std::string& source, const std::string& url) const {
  const auto it = sources.find(source);
  if (it == sources.end()) return PageRole::kAuto;
  for (const auto& re : it->second.listing) {
    if (RE2::PartialMatch(url, *re)) return PageRole::kListing;
  }
  if (it->second.ad.empty()) return PageRole::kAuto;
  for (const auto& re : it->second.ad) {
    if (RE2::PartialMatch(url, *re)) return PageRole::kAd;
  }
  return PageRole::kListing;
}

AdCandidate Extractor::Rep::MainText(const Page& page, const WalkResult& w,
                                     const StructuredData& sd, const std::string& source,
                                     std::vector<std::string>* problems) const {
  AdCandidate c;
  c.origin = CandidateOrigin::kMainText;
  c.source = source;
  c.url = page.url;
  c.lang = page.lang;
  const ArticleInfo* article = sd.article();
  if (article != nullptr && !article->headline.empty()) {
    c.title = article->headline;
  } else if (const std::string* og = Og(page, "og:title")) {
    c.title = *og;
  } else if (!w.first_h1.empty()) {
    c.title = w.first_h1;
  } else {
    c.title = page.title;
  }
  // The main region: <main>, else a single <article>, else the whole page text.
  size_t begin = 0, end = page.text.size();
  uint8_t region = 0;
  if (w.has_main && w.main_end > w.main_begin) {
    begin = w.main_begin;
    end = w.main_end;
    region = kLinkInMain;
  } else if (w.article_count == 1 && w.article_end > w.article_begin) {
    begin = w.article_begin;
    end = w.article_end;
    region = kLinkInFirstArticle;
  }
  begin = std::min(begin, page.text.size());
  end = std::min(end, page.text.size());
  c.text = TrimLines(std::string_view(page.text).substr(begin, end - begin));
  if (CutUtf8(c.text, options.max_text_bytes)) {
    problems->push_back("candidate text cut at max_text_bytes (" +
                        std::to_string(options.max_text_bytes) + ")");
  }
  if (article != nullptr) {
    c.posted_at = article->date_published;
    c.author = article->author;
  }
  if (c.posted_at.empty()) {
    if (const std::string* t = Og(page, "article:published_time")) c.posted_at = *t;
  }
  for (size_t i = 0; i < page.links.size() && c.links.size() < 256; ++i) {
    const uint8_t f = w.link_flags[i];
    if (region != 0 ? (f & region) != 0 : (f & kLinkInBoilerplate) == 0)
      c.links.push_back(page.links[i]);
  }
  // The walk kept no image from boilerplate; of the rest, those inside the main region.
  for (size_t i = 0; i < w.images.size(); ++i) {
    if (region == 0 || (w.image_flags[i] & region) != 0) c.images.push_back(w.images[i]);
  }
  return c;
}

Result<Page> Extractor::Rep::Run(const FetchResult& fetch) const {
  const ExtractOptions& o = options;
  WalkResult w;
  Page& page = w.page;
  page.url = fetch.final_url.empty() ? fetch.requested_url : fetch.final_url;
  std::vector<std::string>& problems = page.problems;

  std::string_view body = fetch.body;
  if (body.size() > o.max_input_bytes) {
    problems.push_back("input cut at max_input_bytes: kept " + std::to_string(o.max_input_bytes) +
                       " of " + std::to_string(body.size()) + " bytes");
    body = body.substr(0, o.max_input_bytes);
  }
  if (fetch.truncated) problems.push_back("body was cut by the fetcher's size cap");
  std::string_view content_type = fetch.content_type;
  if (content_type.empty()) content_type = HeaderValue(fetch, "content-type");

  if (!LooksLikeMarkup(content_type)) {
    problems.push_back("not HTML (" + std::string(Utf8Prefix(content_type, 100)) + "): not read");
    return std::move(w.page);
  }

  // 1. Bytes → UTF-8 → the HTML Gumbo reads.
  std::string prepared;
  {
    Decoded decoded = DecodeToUtf8(body, content_type, o.charset_prescan_bytes);
    page.charset = std::move(decoded.charset);
    for (std::string& p : decoded.problems) problems.push_back(std::move(p));
    const std::string_view html = decoded.converted ? std::string_view(*decoded.converted) : body;
    PrepareLimits limits;
    limits.max_depth = o.max_nesting_depth;
    limits.max_elements = o.max_elements;
    PrepareStats stats;
    prepared = PrepareHtml(html, limits, &stats);
    if (stats.flattened_tags > 0) {
      problems.push_back("markup: " + std::to_string(stats.flattened_tags) +
                         " start tags nested deeper than max_nesting_depth (" +
                         std::to_string(o.max_nesting_depth) + ") removed");
    }
    if (stats.dropped_formatting > 0) {
      problems.push_back("markup: " + std::to_string(stats.dropped_formatting) +
                         " formatting tags removed (too many left open)");
    }
    if (stats.cut_at > 0) {
      problems.push_back("markup: more than max_elements (" + std::to_string(o.max_elements) +
                         ") start tags; the page is cut at byte " + std::to_string(stats.cut_at));
    }
    if (stats.dropped_attributes > 0) {
      problems.push_back("markup: " + std::to_string(stats.dropped_attributes) +
                         " attributes past 256 on one tag removed");
    }
  }

  // 2. One parse, one walk.
  UrlResolver resolver(page.url);
  {
    const ParsedHtml tree(prepared);
    if (tree.root() == nullptr) return Status::Internal("gumbo", "no tree");
    WalkPage(tree.root(), walk, fetch.source, &resolver, &w);
  }
  prepared = std::string();
  if (w.page_text_truncated) {
    problems.push_back("page text cut at max_page_text_bytes (" +
                       std::to_string(o.max_page_text_bytes) + ")");
  }
  if (w.links_dropped > 0) {
    problems.push_back(std::to_string(w.links_dropped) + " links over max_links (" +
                       std::to_string(o.max_links) + ") dropped");
  }
  if (w.posts_text_truncated > 0) {
    problems.push_back(std::to_string(w.posts_text_truncated) +
                       " post texts cut at max_text_bytes (" + std::to_string(o.max_text_bytes) +
                       ")");
  }

  // 3. Structured data.
  StructuredData sd;
  for (size_t i = 0; i < w.json_ld.size(); ++i)
    sd.AddJsonLd(w.json_ld[i], i + 1, o.max_json_ld_bytes, &problems);
  for (nlohmann::json& item : w.microdata) sd.AddMicrodata(std::move(item));
  std::vector<std::string> page_types = sd.types();
  if (const std::string* og_type = Og(page, "og:type")) {
    bool seen = false;
    for (const std::string& t : page_types) seen = seen || t == *og_type;
    if (!seen) page_types.push_back(*og_type);
  }

  // 4. Candidates.
  const PageRole role = RoleOf(fetch.source, page.url);
  std::vector<AdCandidate> candidates;
  size_t found = 0;  // candidates on the page, before max_candidates
  if (role != PageRole::kListing) {
    CandidateContext ctx;
    ctx.resolver = &resolver;
    ctx.page_url = page.url;
    ctx.source = fetch.source;
    ctx.lang = page.lang;
    ctx.max_text_bytes = o.max_text_bytes;
    ctx.max_candidates = o.max_candidates;
    candidates = sd.JobPostings(ctx, &problems);
    found = std::max(candidates.size(), sd.posting_count());
    if (candidates.empty()) {
      candidates = std::move(w.posts);
      found = candidates.size();
    }
    const bool social =
        fetch.source_kind == SourceKind::kSocialPost || HostIn(HostOf(page.url), o.social_hosts);
    if (!candidates.empty()) {
      // Structured data or channel posts.
    } else if (fetch.source_kind == SourceKind::kChannelPreview) {
      problems.push_back("channel page without posts");
    } else if (social && Og(page, "og:description") != nullptr) {
      AdCandidate c;
      c.origin = CandidateOrigin::kOpenGraph;
      c.source = fetch.source;
      c.title = Og(page, "og:title") != nullptr ? *Og(page, "og:title") : page.title;
      c.text = *Og(page, "og:description");
      const std::string* og_url = Og(page, "og:url");
      c.url = og_url != nullptr ? resolver.Resolve(*og_url) : std::string();
      if (c.url.empty()) c.url = page.url;
      if (const std::string* t = Og(page, "article:published_time")) c.posted_at = *t;
      c.lang = page.lang;
      candidates.push_back(std::move(c));
    } else if (!page.text.empty() || !page.title.empty()) {
      candidates.push_back(MainText(page, w, sd, fetch.source, &problems));
    }
  }
  found = std::max(found, candidates.size());
  if (candidates.size() > o.max_candidates) {
    problems.push_back(std::to_string(found - o.max_candidates) +
                       " candidates over max_candidates (" + std::to_string(o.max_candidates) +
                       ") dropped");
    candidates.resize(o.max_candidates);
  }
  // Candidates that share a URL and an id (several JSON-LD postings without url or identifier)
  // get their position appended to the id, so that (url, post_id) tells them apart downstream.
  std::unordered_map<std::string, int> keys;
  for (const AdCandidate& c : candidates) ++keys[c.url + '\n' + c.post_id];
  for (size_t i = 0; i < candidates.size(); ++i) {
    AdCandidate& c = candidates[i];
    if (keys[c.url + '\n' + c.post_id] > 1) c.post_id += "#" + std::to_string(i + 1);
    c.page_types = page_types;
  }
  // A detail page's og:image is the ad's picture (often its poster).
  const std::string* og_image = Og(page, "og:image");
  if (og_image == nullptr) og_image = Og(page, "og:image:url");
  if (og_image != nullptr && candidates.size() == 1 &&
      candidates[0].origin != CandidateOrigin::kChannelPost) {
    std::string url = resolver.Resolve(*og_image);
    auto& images = candidates[0].images;
    const bool http = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
    if (http && std::none_of(images.begin(), images.end(),
                             [&](const ImageRef& im) { return im.url == url; })) {
      ImageRef ref;
      ref.url = std::move(url);
      ref.origin = ImageOrigin::kOpenGraph;
      images.push_back(std::move(ref));
    }
  }
  size_t images_dropped = 0;
  for (AdCandidate& c : candidates) {
    if (c.images.size() > o.max_images_per_candidate) {
      images_dropped += c.images.size() - o.max_images_per_candidate;
      c.images.resize(o.max_images_per_candidate);
    }
  }
  if (images_dropped > 0) {
    problems.push_back(std::to_string(images_dropped) + " images over max_images_per_candidate (" +
                       std::to_string(o.max_images_per_candidate) + ") dropped");
  }
  page.candidates = std::move(candidates);
  // Problem lines quote input (nlohmann's "last read: ..."), possibly cut inside a character.
  for (std::string& p : problems) {
    if (ScanUtf8(p).invalid > 0) p = RepairUtf8(p);
  }
  return std::move(w.page);
}

Result<Page> Extractor::Extract(const FetchResult& fetch) const {
  try {
    return rep_->Run(fetch);
  } catch (const std::exception& e) {
    return Status::Internal(
        "extract " + (fetch.final_url.empty() ? fetch.requested_url : fetch.final_url), e.what());
  }
}

Result<Page> Extract(const FetchResult& fetch, const ExtractOptions& options) {
  Result<Extractor> extractor = Extractor::Create(options);
  if (!extractor) return extractor.error();
  return extractor->Extract(fetch);
}

}  // namespace adwatch::extract
