// Where a span of AdCandidate::image_text was read: the image's URL and the box around the
// words the span covers. Shared by Classify (Evidence::image_url, box) and the explanations.
#ifndef ADWATCH_CLASSIFIER_SRC_IMAGE_SPANS_H_
#define ADWATCH_CLASSIFIER_SRC_IMAGE_SPANS_H_

#include <algorithm>
#include <string>

#include "adwatch/common/records.h"

namespace adwatch::classifier {

struct ImagePlace {
  const ImageRef* image = nullptr;  // null when no word of the span is known
  Box box;                          // union of the boxes of the span's words in that image
};

// The image of the first word `span` overlaps, and the union of the boxes of the span's words
// in that image.
inline ImagePlace LocateImageSpan(const AdCandidate& ad, Span span) {
  ImagePlace place;
  int32_t x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  uint32_t image = 0;
  for (const ImageWord& w : ad.image_words) {
    if (!(w.span.begin < span.end && span.begin < w.span.end)) continue;
    if (w.image >= ad.images.size()) continue;
    if (place.image == nullptr) {
      image = w.image;
      place.image = &ad.images[w.image];
      x0 = w.box.x, y0 = w.box.y, x1 = w.box.x + w.box.w, y1 = w.box.y + w.box.h;
    } else if (w.image == image) {
      x0 = std::min(x0, w.box.x), y0 = std::min(y0, w.box.y);
      x1 = std::max(x1, w.box.x + w.box.w), y1 = std::max(y1, w.box.y + w.box.h);
    }
  }
  if (place.image != nullptr) place.box = Box{x0, y0, x1 - x0, y1 - y0};
  return place;
}

}  // namespace adwatch::classifier

#endif  // ADWATCH_CLASSIFIER_SRC_IMAGE_SPANS_H_
