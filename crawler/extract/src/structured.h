// Structured data on a page: schema.org objects from application/ld+json blocks and microdata,
// the page types they declare, and JobPosting → AdCandidate.
#ifndef ADWATCH_EXTRACT_STRUCTURED_H_
#define ADWATCH_EXTRACT_STRUCTURED_H_

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "adwatch/common/records.h"
#include "url_resolver.h"

namespace adwatch::extract {

// What a JobPosting candidate takes from its page.
struct CandidateContext {
  const UrlResolver* resolver = nullptr;
  std::string page_url;
  std::string source;
  std::string lang;
  size_t max_text_bytes = 0;
  size_t max_candidates = 0;  // postings converted: at most one more than this
};

// Headline, date and author of a news or blog article described on the page.
struct ArticleInfo {
  std::string type;  // "NewsArticle", "Article", ...
  std::string headline;
  std::string date_published;
  std::string author;
};

class StructuredData {
 public:
  // Parses one application/ld+json block (the `index`-th on the page, from 1). Blocks over
  // `max_bytes`, nested deeper than 64, or not JSON even after the usual repairs (HTML comment
  // and CDATA wrappers, raw line breaks inside strings) add one line to `problems`.
  void AddJsonLd(std::string_view block, size_t index, size_t max_bytes,
                 std::vector<std::string>* problems);

  // Adds one top-level microdata item, already in JSON-LD form ({"@type": ..., prop: value}).
  void AddMicrodata(nlohmann::json item);

  // schema.org types declared on the page, in order, without duplicates: the types of top-level
  // objects (and of @graph members) and of document-like objects anywhere (JobPosting,
  // NewsArticle, ...).
  const std::vector<std::string>& types() const { return types_; }

  // Number of JobPosting objects found.
  size_t posting_count() const { return postings_.size(); }

  // One candidate per JobPosting, JSON-LD ones first; a microdata posting whose title a JSON-LD
  // posting already has is left out. Each candidate's text is cut at ctx.max_text_bytes (noted in
  // `problems`). Stops after ctx.max_candidates + 1 candidates.
  std::vector<AdCandidate> JobPostings(const CandidateContext& ctx, std::vector<std::string>* problems) const;

  // The first article-like object (NewsArticle, Article, BlogPosting, ...), if any.
  const ArticleInfo* article() const { return article_.type.empty() ? nullptr : &article_; }

 private:
  struct Posting {
    const nlohmann::json* object;
    bool microdata;
  };
  void Index(const nlohmann::json& root, bool microdata);
  void AddType(const std::string& type);

  std::deque<nlohmann::json> docs_;  // deque: the pointers below stay valid as it grows
  std::vector<Posting> postings_;
  std::unordered_map<std::string, const nlohmann::json*> ids_;
  std::vector<std::string> types_;
  ArticleInfo article_;
};

// Parses an amount written as a number or as text: "15000000", "Rp 8.500.000", "12,000",
// "1.5", "5,2 juta", "300rb". Returns 0 when there is no number.
double ParseAmount(std::string_view text);

}  // namespace adwatch::extract

#endif  // ADWATCH_EXTRACT_STRUCTURED_H_
