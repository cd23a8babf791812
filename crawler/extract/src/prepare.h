// PrepareHtml: one pass over the UTF-8 page before Gumbo parses it.
//
// 1. Drops what Extract never reads and Gumbo tokenizes slowly, one code point at a time: the
//    content of <script> (except application/ld+json) and <style>, and comments.
// 2. Bounds the cost of Gumbo's tree building. Gumbo scans the stack of open elements for many
//    tags and clones open formatting elements (<b>, <font>, ...) into every new block, so
//    100,000 unclosed <div>s take minutes and a few dozen unclosed formatting elements before
//    many paragraphs take gigabytes. A light model of the HTML tree builder (implied end tags,
//    scopes, the list of active formatting elements) follows the page; start tags that would
//    nest deeper than the limit, formatting elements past the limit or cloned too often, and
//    attributes past the limit are replaced by a space before Gumbo sees them. Text is kept.
//    The model over-estimates rather than under-estimates depth, and a real page never comes
//    near the limits.
// 3. Bounds Gumbo's memory, about 200 bytes per node: a page with more start tags than the limit
//    is cut before the first one over it.
#ifndef ADWATCH_EXTRACT_PREPARE_H_
#define ADWATCH_EXTRACT_PREPARE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace adwatch::extract {

struct PrepareLimits {
  int max_depth = 256;             // open elements
  int max_formatting = 32;         // active formatting elements after the last marker
  int max_clones = 4;              // times one formatting element may be reconstructed
  size_t max_attributes = 256;     // per tag
  size_t max_elements = 200000;    // start tags; the page is cut before the next one
};

struct PrepareStats {
  size_t flattened_tags = 0;       // start tags removed for depth
  size_t dropped_formatting = 0;   // formatting start tags removed (limit or clone budget)
  size_t dropped_attributes = 0;   // attributes removed past max_attributes
  size_t cut_at = 0;               // byte offset where the page was cut for max_elements, or 0
};

// Returns the HTML to hand to Gumbo; fills `stats`.
std::string PrepareHtml(std::string_view html, const PrepareLimits& limits, PrepareStats* stats);

}  // namespace adwatch::extract

#endif  // ADWATCH_EXTRACT_PREPARE_H_
