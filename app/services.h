// Builders the commands share: each turns the config into a ready stage object, printing nothing.
#ifndef ADWATCH_APP_SERVICES_H_
#define ADWATCH_APP_SERVICES_H_

#include <functional>
#include <istream>
#include <memory>
#include <string>

#include "adwatch/classifier/classify.h"
#include "config.h"

namespace adwatch::app {

// Loads the ruleset named by the config (or `rules_dir_override` when not empty) and returns a
// classifier over it. Errors name the rule file and line.
Result<std::unique_ptr<classifier::Classifier>> LoadClassifier(
    const Config& config, const std::string& rules_dir_override = "");

// Larger texts are refused rather than classified slowly: no ad is this long.
inline constexpr size_t kMaxTextBytes = 4 << 20;

// One ad as JSONL gives it: the input of `classify --input jsonl`, `import` and `rules stats`.
struct JsonAd {
  std::string id;      // "id", or "" when absent (a number is taken as its text)
  std::string label;   // "label" of a labeled corpus, or ""
  std::string family;  // "family" of a labeled corpus (the TPPO family it was written for), or ""
  std::string writer;  // "writer" of a labeled corpus, or ""
  AdCandidate ad;      // text, title, url, lang, page_types, posted_at, source, author
};

// Parses one JSONL line: an object with a string "text" and optional string fields "id", "title",
// "url", "lang", "posted_at", "source", "author", "label", "family", "writer" and a "page_types"
// list. Returns
// InvalidArgument saying what is wrong (not JSON, not an object, no text, a field of the wrong
// type, text over kMaxTextBytes).
Result<JsonAd> ParseJsonAd(const std::string& line);

// Calls `fn(line_no, parsed)` with each non-blank line of JSONL `data` (lines count from 1)
// parsed by ParseJsonAd, until `fn` returns false.
void ForEachJsonAd(const std::string& data, const std::function<bool(int, Result<JsonAd>)>& fn);
// The same over a stream read line by line: memory stays that of one line whatever the input's
// size (`adwatch import` of a large file). Returns IOError naming `name` when reading fails.
Status ForEachJsonAdIn(std::istream& in, const std::string& name,
                       const std::function<bool(int, Result<JsonAd>)>& fn);

// Reads a whole file, or standard input for "-". NotFound/IOError name the path.
Result<std::string> ReadInput(const std::string& path);

// A page saved to disk as the crawler would have fetched it from `url` (HTTP 200, source "cli"):
// the input of `adwatch extract` and `adwatch classify --input html`.
FetchResult SavedPage(std::string body, const std::string& url);

// True when standard output is a terminal (for colour and progress lines).
bool StdoutIsTerminal();

}  // namespace adwatch::app

#endif  // ADWATCH_APP_SERVICES_H_
