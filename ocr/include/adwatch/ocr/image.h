// Images of ads: reading an image's header without decoding it, decoding it within byte and pixel
// caps (PNG, JPEG, WebP, GIF first frame, with Leptonica), and its 64-bit perceptual hash. Every
// function here is thread-safe; an Image is immutable once made and may be shared between
// threads for reading.
//
// Usage:
//   Result<DecodedImage> image = DecodeImage(bytes, options);   // refused: a Status saying why
//   uint64_t hash = PerceptualHash(*image);                      // HashHex(hash): 16 hex digits
//   bool same = HammingDistance(hash, other) <= kSameImageMaxDistance;   // common/hash.h
#ifndef ADWATCH_OCR_IMAGE_H_
#define ADWATCH_OCR_IMAGE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "adwatch/common/hash.h"
#include "adwatch/common/status.h"

namespace adwatch::ocr {

enum class ImageFormat : uint8_t { kUnknown = 0, kPng, kJpeg, kWebp, kGif };

// "png", "jpeg", "webp", "gif", "unknown".
std::string_view Name(ImageFormat format);

// What an image's header says, read without decoding any pixel data.
struct ImageInfo {
  ImageFormat format = ImageFormat::kUnknown;
  uint32_t width = 0;  // pixels; for a GIF the larger of the screen and the first frame
  uint32_t height = 0;
  bool animated = false;  // a GIF with more than one frame, an animated WebP
  // For a GIF: the bytes up to the end of the first frame plus a trailer, so that decoding
  // never touches the other frames. Empty for other formats.
  size_t first_frame_bytes = 0;
};

// Reads the header of a PNG, JPEG, WebP or GIF. Returns InvalidArgument naming the problem for
// an unknown format ("not a PNG, JPEG, WebP or GIF image") or a header that is cut short or
// malformed ("truncated PNG header", "JPEG without a frame header", ...). Touches at most the
// bytes it needs (a JPEG's markers before its frame header; a GIF's blocks up to the first
// frame's end).
//
// The headers are read here rather than with Leptonica's pixReadHeaderMem because that function
// decodes a whole GIF (every frame) to learn its size, which is what the caps must prevent.
Result<ImageInfo> ProbeImage(std::string_view bytes);

// Caps applied before anything is decoded.
struct DecodeOptions {
  // Bytes of an encoded image accepted. Larger input is refused, not cut.
  size_t max_bytes = size_t{5} << 20;
  // Pixels (width × height from the header) accepted. Decoding holds about 4 bytes per pixel,
  // and OCR several times that: 16 MP bounds one image to a few hundred MB at worst. A poster is
  // about 1 MP; a 30,000 × 30,000 "decompression bomb" is 900 MP and is refused unread.
  uint64_t max_pixels = 16'000'000;
  // Longest side accepted, in pixels.
  uint32_t max_side = 16384;
};

// Returns InvalidArgument unless every cap is positive, max_bytes ≤ 256 MiB and
// max_pixels ≤ 400 MP.
Status Validate(const DecodeOptions& options);

// A decoded image. Holds the pixels (Leptonica's Pix) privately.
class DecodedImage {
 public:
  DecodedImage(DecodedImage&&) noexcept;
  DecodedImage& operator=(DecodedImage&&) noexcept;
  ~DecodedImage();

  const ImageInfo& info() const;
  uint32_t width() const;  // of the decoded pixels
  uint32_t height() const;

  struct Rep;
  // For ocr/ itself: the pixels.
  const Rep& rep() const { return *rep_; }
  explicit DecodedImage(std::unique_ptr<Rep> rep);

 private:
  std::unique_ptr<Rep> rep_;
};

// Decodes `bytes` within `options`' caps. Refusals are InvalidArgument with the reason in the
// message: "image of N bytes is over max_bytes (M)", "image of WxH pixels is over max_pixels
// (M)", "animated WebP is not read", the header problems of ProbeImage, and "cannot decode …"
// for data the decoder rejects (a truncated body). Never decodes more than the first frame of a
// GIF. REQUIRES: Validate(options).ok().
Result<DecodedImage> DecodeImage(std::string_view bytes, const DecodeOptions& options);

// A 64-bit difference hash (dHash) of the image: greyscale, near-uniform margins trimmed (so a
// changed border or frame does not move the hash), scaled by area averaging to 9×8, one bit per
// pair of horizontal neighbours (bit set when the left one is brighter). Resizing, recompression
// and a new border change few bits; an unrelated picture differs in about half of them.
uint64_t PerceptualHash(const DecodedImage& image);

// HashHex, ParseHashHex, HammingDistance and kSameImageMaxDistance are in
// adwatch/common/hash.h, shared with storage and export.

}  // namespace adwatch::ocr

#endif  // ADWATCH_OCR_IMAGE_H_
