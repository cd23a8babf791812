// Extraction: turns one fetched page (FetchResult) into a Page — title, visible text, links,
// OpenGraph fields — and the AdCandidates on it: schema.org JobPostings (JSON-LD and microdata),
// the posts of a channel preview page (Telegram t.me/s/), a social post's OpenGraph text, or the
// page's main text. The classifier, not this stage, decides what a candidate is.
//
// Pure: no I/O, no clock, no globals. Extract() and a const Extractor are thread-safe.
//
// Usage:
//   auto extractor = adwatch::extract::Extractor::Create(options);  // once, at start-up
//   if (!extractor) return extractor.error();                     // a bad URL pattern
//   Result<Page> page = extractor->Extract(fetch_result);          // per page, any thread
#ifndef ADWATCH_EXTRACT_EXTRACT_H_
#define ADWATCH_EXTRACT_EXTRACT_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "adwatch/common/records.h"
#include "adwatch/common/status.h"

namespace adwatch::extract {

// Which pages of one source are ad (detail) pages and which only lead to ads. Comes from the
// source's entry in seeds.yaml; the app fills it in.
struct SourcePatterns {
  // The source these patterns apply to: compared with FetchResult::source.
  std::string source;
  // RE2 patterns matched unanchored (RE2::PartialMatch) against the page URL
  // (FetchResult::final_url, or requested_url when that is empty). A page matching one of
  // `listing_urls` yields only links and next_page, never candidates. Listing wins over ad.
  std::vector<std::string> listing_urls;
  // A page matching one of `ad_urls` is an ad page. When `ad_urls` is non-empty, a page of this
  // source that matches neither list is treated as a listing; when it is empty, every page that
  // is not a listing is read for candidates.
  std::vector<std::string> ad_urls;
};

// Class names and attributes that take a channel preview page apart into posts. The defaults are
// Telegram's public preview (t.me/s/<channel>). They are presentation names, not an API, and
// change without notice, so they belong in the config. Each class is matched as one whole token
// of an element's class attribute.
struct ChannelSelectors {
  // An element with this class and a `post_id_attribute` ("<channel>/<id>") is one post.
  std::string post_class = "tgme_widget_message";
  std::string post_id_attribute = "data-post";
  // A post's URL is this prefix followed by its id: https://t.me/<channel>/<id>.
  std::string permalink_prefix = "https://t.me/";
  // The post text (the first such element in the post outside a reply quote and link preview).
  std::string text_class = "tgme_widget_message_text";
  // The channel name shown on the post, and the signature of the admin who wrote it.
  // AdCandidate::author is the signature when present, else the channel name.
  std::string owner_name_class = "tgme_widget_message_owner_name";
  std::string signature_class = "tgme_widget_message_from_author";
  // Name of the chat a forwarded post came from.
  std::string forwarded_from_class = "tgme_widget_message_forwarded_from_name";
  // View count, abbreviated ("987", "1.2K", "3.4M").
  std::string views_class = "tgme_widget_message_views";
  // A quoted message this post replies to: skipped for text, author and date.
  std::string reply_class = "tgme_widget_message_reply";
  // A link preview: its href joins the post's links, and the text of its parts is appended to
  // the post text after a blank line.
  std::string link_preview_class = "tgme_widget_message_link_preview";
  std::vector<std::string> link_preview_part_classes = {
      "link_preview_site_name", "link_preview_title", "link_preview_description"};
  // The "older posts" link: an <a> with this class and `more_before_attribute` becomes
  // Page::next_page.
  std::string more_class = "tme_messages_more";
  std::string more_before_attribute = "data-before";
};

// Limits and switches of Extract. Every limit, when exceeded, is recorded as one line in
// Page::problems and extraction goes on with what fits; none makes Extract fail.
struct ExtractOptions {
  // Bytes of FetchResult::body read; the rest is ignored. Bounds time and memory per page:
  // parsing runs at 15–20 MB/s on one core and peak memory is 15–20 times the input.
  size_t max_input_bytes = size_t{8} << 20;

  // Bytes of Page::text kept (cut at a UTF-8 character boundary).
  size_t max_page_text_bytes = size_t{1} << 20;

  // Bytes of text kept per AdCandidate (AdCandidate::text).
  size_t max_text_bytes = size_t{64} << 10;

  // AdCandidates kept per page; the rest are dropped (a channel page shows about 20 posts).
  size_t max_candidates = 200;

  // Images kept per AdCandidate (AdCandidate::images), in page order; the rest are dropped.
  size_t max_images_per_candidate = 16;

  // Distinct links kept in Page::links.
  size_t max_links = 5000;

  // Bytes of one application/ld+json block that are parsed; a longer block is skipped.
  size_t max_json_ld_bytes = size_t{1} << 20;

  // Start tags read. Gumbo needs about 200 bytes per node, so a page of a million tiny elements
  // would take gigabytes; the page is cut before the first start tag over the limit. A 5 MB
  // listing page has under 100,000.
  size_t max_elements = 200000;

  // Element nesting the HTML parser is allowed to build. Gumbo's tree building costs time in
  // proportion to the depth of open elements for every tag, so a page of 100,000 unclosed
  // <div>s would take minutes; start tags that would nest deeper are removed before parsing
  // (their text stays). Real pages stay well under 100.
  int max_nesting_depth = 256;

  // Leading bytes searched for <meta charset> / http-equiv when neither a BOM nor the
  // Content-Type header names the charset. HTML says 1024; pages with long heads need more.
  size_t charset_prescan_bytes = 4096;

  // Leave navigation, header, footer, aside, cookie-banner and similar boilerplate out of
  // Page::text and of main-text candidates (their links are still collected).
  bool drop_boilerplate = true;
  // An element whose id or class contains one of these words (ASCII, lower case) is
  // boilerplate, as are <nav>, <aside>, <footer> and <header> outside <main> and <article>, and
  // ARIA roles navigation, banner, contentinfo, complementary and search — unless it holds the
  // page's <main>, <h1>, microdata or a channel post.
  std::vector<std::string> boilerplate_words = {"cookie",  "consent", "gdpr",    "breadcrumb",
                                                "navbar",  "topbar",  "top-bar", "menu",
                                                "sidebar", "footer"};

  // Hosts (and their subdomains) whose single-post pages hide the post behind a login wall;
  // a page from one of them, or of SourceKind::kSocialPost, yields its og:description as the
  // candidate (CandidateOrigin::kOpenGraph) when it has one.
  std::vector<std::string> social_hosts = {"facebook.com", "instagram.com", "tiktok.com",
                                           "x.com",        "twitter.com",   "threads.net"};

  ChannelSelectors channel;

  // Per-source URL patterns; sources not listed are read for candidates on every page.
  std::vector<SourcePatterns> sources;
};

// Returns OK, or InvalidArgument naming the first bad field: a zero limit, a limit out of range
// (max_input_bytes over 1 GiB, max_nesting_depth outside 16–4096), a URL pattern RE2 does not
// accept (with the source name and RE2's error), a source listed twice, an empty channel class
// or an upper-case channel attribute, or a boilerplate word that is not lower-case ASCII.
Status Validate(const ExtractOptions& options);

// Holds options with their URL patterns compiled. Create one at start-up and share it: Extract
// is const and thread-safe.
class Extractor {
 public:
  // Returns the extractor, or the InvalidArgument of Validate(options).
  static Result<Extractor> Create(ExtractOptions options);

  Extractor(Extractor&&) noexcept;
  Extractor& operator=(Extractor&&) noexcept;
  ~Extractor();

  // Reads one fetched page. Every outcome of a page — empty, not HTML, broken markup, broken
  // JSON-LD, undecodable bytes, a limit hit — is data in the returned Page (Page::problems), so
  // this returns a Page for any input; a non-OK Status means an internal failure (Internal).
  //
  // A body whose Content-Type is neither HTML, XML nor text/* (an image, a PDF) is not read.
  //
  // What it takes out, from one HTML parse (docs/extraction.md has the details):
  //  - Page::charset: the body is decoded to UTF-8 from, in order, its BOM, the Content-Type
  //    charset, a <meta> declaration, else detection (uchardet); a declaration the bytes
  //    contradict is overruled and recorded.
  //  - title, lang, canonical, meta_description, open_graph (og:*, twitter:*, article:*),
  //    text (visible text, one line per block, boilerplate dropped), links (absolute, against
  //    the page URL and <base href>; same-page #fragments and javascript: links left out),
  //    next_page (a channel's "older posts" link, else rel=next).
  //  - candidates, in this order of preference:
  //      1. every schema.org JobPosting in JSON-LD (objects, arrays, @graph, nested, @id
  //         references) and in microdata, with title, description as text, employer,
  //         locations, salary, dates and employment type;
  //      2. else every post of a channel page (see ChannelSelectors);
  //      3. else, for a social post page, its og:description;
  //      4. else one candidate from the main text (<main>, a single <article>, or the page).
  //    A page that the source's patterns call a listing has none, nor has a channel-preview
  //    page without posts.
  //  - each candidate's images (AdCandidate::images, absolute http(s) URLs, each once, never
  //    from boilerplate, tracking pixels left out): a channel post's <img>s and
  //    background-image:url(…) photos (not those of a quoted reply or a link preview); a
  //    JobPosting's `image`; for the main-text candidate the <img>s of its region (<main>, the
  //    single <article>, or the page); and, when the page yields exactly one candidate that is
  //    not a channel post, the page's og:image. A photo-only post is a candidate. Every candidate
  //    carries the page's schema.org and og:type types in AdCandidate::page_types.
  // The returned Page owns all its strings; nothing points into `fetch`.
  Result<Page> Extract(const FetchResult& fetch) const;

  const ExtractOptions& options() const;

 private:
  struct Rep;
  explicit Extractor(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

// One-off form: builds an Extractor from `options` and extracts `fetch`. Compiles the URL
// patterns on every call, so a crawl should create one Extractor instead. Returns Validate's
// InvalidArgument for bad options, else as Extractor::Extract.
Result<Page> Extract(const FetchResult& fetch, const ExtractOptions& options);

}  // namespace adwatch::extract

#endif  // ADWATCH_EXTRACT_EXTRACT_H_
