// DecodedImage's private parts: the Leptonica Pix, shared by image.cc and ocr.cc.
#ifndef ADWATCH_OCR_SRC_IMAGE_REP_H_
#define ADWATCH_OCR_SRC_IMAGE_REP_H_

#include <leptonica/allheaders.h>

#include "adwatch/ocr/image.h"

namespace adwatch::ocr {

struct PixDeleter {
  void operator()(Pix* p) const { pixDestroy(&p); }
};
using PixPtr = std::unique_ptr<Pix, PixDeleter>;

struct DecodedImage::Rep {
  ImageInfo info;
  PixPtr pix;
};

// Silences Leptonica's messages to stderr (its message threshold is process-wide): refusals are
// reported as Status values instead. Idempotent and thread-safe.
void QuietLeptonica();

}  // namespace adwatch::ocr

#endif  // ADWATCH_OCR_SRC_IMAGE_REP_H_
