// The `images:` section of adwatch.yaml: whether the crawl fetches and reads ad images, and the
// caps and OCR settings used for them and for `adwatch classify --input image`. See
// docs/posters.md.
#ifndef ADWATCH_APP_IMAGES_CONFIG_H_
#define ADWATCH_APP_IMAGES_CONFIG_H_

#include <string>

#include "adwatch/common/status.h"
#include "adwatch/common/yaml.h"
#include "adwatch/ocr/image.h"
#include "adwatch/ocr/ocr.h"

namespace adwatch::app {

struct ImagesConfig {
  // The crawl fetches the images of ad candidates (never of listing pages) and reads them.
  bool enabled = true;
  // Images fetched and read per ad, in page order; the rest keep their URL only.
  int max_per_ad = 4;
  ocr::DecodeOptions decode;  // max_bytes (5 MB), max_pixels, max_side
  ocr::OcrOptions ocr;        // languages, tessdata_dir, time_budget_ms, max_concurrent, ...
};

// Reads the `images:` mapping of adwatch.yaml into `c`. Paths are taken relative to `base`.
// Keys: enabled, max_per_ad, max_bytes, max_pixels, max_side, languages, tessdata_dir,
// time_budget_ms, max_concurrent, upscale_below_px, min_word_confidence.
Status ParseImages(const std::string& file, YamlMap& top, const std::string& base, ImagesConfig& c);

}  // namespace adwatch::app

#endif  // ADWATCH_APP_IMAGES_CONFIG_H_
