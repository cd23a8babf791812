// libFuzzer target for the image path (clang, ASan + UBSan): any bytes as a fetched ad image,
// through ProbeImage (our own PNG/JPEG/WebP/GIF header readers), DecodeImage within caps
// (Leptonica, libpng, libjpeg, libwebp, giflib: not instrumented, but their crashes and leaks
// still show) and PerceptualHash. OCR is left out: a Tesseract run takes about a second, which
// would leave the fuzzer a handful of inputs. Besides crashes and sanitizer reports it aborts
// when a promise is broken: a probed image of zero size, a decoded image over the pixel cap or of
// another size than its header said, a GIF first-frame length beyond the input.
// scripts/fuzz.sh runs it; its seeds are tests/data/posters/*.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "adwatch/ocr/image.h"

namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "image_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto info = adwatch::ocr::ProbeImage(bytes);
  if (info) {
    if (info->width == 0 || info->height == 0) Fail("probed image of zero size");
    if (info->first_frame_bytes > size) Fail("GIF first frame beyond the input");
  }
  adwatch::ocr::DecodeOptions options;
  options.max_pixels = 4'000'000;  // keeps each run fast; the cap logic is the same
  auto image = adwatch::ocr::DecodeImage(bytes, options);
  if (!image) return 0;
  if (!info) Fail("decoded an image whose header was refused");
  if (uint64_t{image->width()} * image->height() > options.max_pixels)
    Fail("decoded past max_pixels");
  (void)adwatch::ocr::PerceptualHash(*image);  // the value is not checked: any hash is fine
  return 0;
}
