// Reading the words in an ad's image with Tesseract 5 (LSTM models): text, one line per line of
// the poster, and every word's bounding box. An OcrEngine holds a bounded pool of Tesseract
// instances and is thread-safe: Read() may be called from any number of threads, and at most
// `max_concurrent` recognitions run at once (the others wait), so OCR never takes more cores
// than it was given and cannot starve the crawl's own workers.
//
// Usage:
//   auto engine = OcrEngine::Create(OcrOptions{});          // once: checks the language models
//   auto image = DecodeImage(bytes, DecodeOptions{});        // image.h: caps checked first
//   Result<OcrResult> read = engine->Read(*image);           // any thread
#ifndef ADWATCH_OCR_OCR_H_
#define ADWATCH_OCR_OCR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/common/records.h"
#include "adwatch/common/status.h"
#include "adwatch/ocr/image.h"

namespace adwatch::ocr {

struct OcrOptions {
  // Tesseract language models, '+'-joined, most likely first. Indonesian first (the ads'
  // language), English (numbers, brand and job words), Malay (close to Indonesian, the
  // Malaysian ads). vie and chi_sim are installed too but off by default: each model added
  // costs time on every image, and the Latin-script posters read worse with chi_sim loaded.
  std::string languages = "ind+eng+msa";
  // Folder of *.traineddata; "" uses Tesseract's compiled-in default
  // (/usr/share/tesseract-ocr/5/tessdata on Debian 12).
  std::string tessdata_dir;
  // Time one image may take; recognition stops at the deadline and keeps the words it read
  // (OcrResult::timed_out). A 1 MP poster takes 0.5–2 s on one core.
  int time_budget_ms = 15000;
  // Recognitions that may run at once (Tesseract instances kept). Each instance holds its
  // models (about 30 MB for ind+eng+msa).
  int max_concurrent = 1;
  // Images whose shorter side is below this are scaled up (×2 or ×3) before recognition:
  // Tesseract reads text about 30 px high best, and low-resolution reposts are common.
  int upscale_below_px = 400;
  // Words whose confidence (0–100) is below this are left out of the text (noise, speckles).
  int min_word_confidence = 30;
};

// Returns InvalidArgument for an empty or malformed language list (letters, digits and '_'
// joined by '+'), a time budget outside 100 ms – 10 min, max_concurrent outside 1–64, or
// upscale_below_px or min_word_confidence outside 0–10000 / 0–100.
Status Validate(const OcrOptions& options);

struct OcrWord {
  std::string text;  // UTF-8
  Span span;         // in OcrResult::text
  Box box;           // in the decoded image's pixels
  int32_t confidence = 0;
};

struct OcrResult {
  std::string text;  // words joined by spaces, lines by "\n", blocks by a blank line
  std::vector<OcrWord> words;
  bool timed_out = false;  // the time budget ran out; `text` holds what was read by then
  int64_t elapsed_ms = 0;
};

class OcrEngine {
 public:
  // Checks that every language's model is installed; instances (and their models, about 30 MB)
  // are made when first needed, so an engine that reads nothing costs nothing. Returns
  // InvalidArgument for bad options, Unavailable ("tesseract: cannot load …") when a language's
  // model is not installed. Destroy the engine before main returns, not in static
  // destruction: Tesseract keeps its dictionaries in statics of its own, made on the first Read
  // and so destroyed before an engine made earlier; that engine would leak its models.
  static Result<std::unique_ptr<OcrEngine>> Create(OcrOptions options);
  ~OcrEngine();
  OcrEngine(const OcrEngine&) = delete;
  OcrEngine& operator=(const OcrEngine&) = delete;

  // Recognises `image`. Blocks while max_concurrent other reads run. Returns the text (possibly
  // empty) and words; a timeout is data (OcrResult::timed_out), not an error. Internal when
  // Tesseract itself fails.
  Result<OcrResult> Read(const DecodedImage& image) const;

  const OcrOptions& options() const;

 private:
  struct Rep;
  explicit OcrEngine(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

// Everything the image stage learns from one image's bytes.
struct ImageReading {
  ImageInfo info;
  std::string sha256_hex;  // of `bytes`
  uint64_t phash = 0;      // PerceptualHash
  OcrResult ocr;
};

// Decodes `bytes` within `decode`'s caps, hashes them and, when `engine` is not null, reads
// them. Returns DecodeImage's InvalidArgument (with the reason) for a refused image, else as
// OcrEngine::Read. `engine` is borrowed for the call.
Result<ImageReading> ReadImageBytes(std::string_view bytes, const DecodeOptions& decode,
                                    const OcrEngine* engine);

// Joins the readings of an ad's images into AdCandidate::image_text and image_words (one block
// per image, blank line between) and fills each ImageRef's sha256_hex, phash, width and height;
// `readings[i]` belongs to `ad.images[i]`; a null entry leaves that image unread, with
// `problems[i]` (when non-empty) as its ImageRef::problem. REQUIRES: readings.size() ==
// ad.images.size() == problems.size().
void AttachReadings(AdCandidate& ad, const std::vector<const ImageReading*>& readings,
                    const std::vector<std::string>& problems);

}  // namespace adwatch::ocr

#endif  // ADWATCH_OCR_OCR_H_
