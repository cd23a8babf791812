#include <algorithm>
#include <cmath>
#include <mutex>
#include <vector>

#include "image_rep.h"

namespace adwatch::ocr {

void QuietLeptonica() {
  static std::once_flag once;
  std::call_once(once, [] { setMsgSeverity(L_SEVERITY_NONE); });
}

DecodedImage::DecodedImage(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
DecodedImage::DecodedImage(DecodedImage&&) noexcept = default;
DecodedImage& DecodedImage::operator=(DecodedImage&&) noexcept = default;
DecodedImage::~DecodedImage() = default;
const ImageInfo& DecodedImage::info() const { return rep_->info; }
uint32_t DecodedImage::width() const { return static_cast<uint32_t>(pixGetWidth(rep_->pix.get())); }
uint32_t DecodedImage::height() const {
  return static_cast<uint32_t>(pixGetHeight(rep_->pix.get()));
}

Status Validate(const DecodeOptions& o) {
  if (o.max_bytes == 0 || o.max_bytes > (size_t{256} << 20)) {
    return Status::InvalidArgument("decode options", "max_bytes must be between 1 and 256 MiB");
  }
  if (o.max_pixels == 0 || o.max_pixels > 400'000'000) {
    return Status::InvalidArgument("decode options",
                                   "max_pixels must be between 1 and 400,000,000");
  }
  if (o.max_side == 0)
    return Status::InvalidArgument("decode options", "max_side must be positive");
  return Status::OK();
}

Result<DecodedImage> DecodeImage(std::string_view bytes, const DecodeOptions& o) {
  if (bytes.size() > o.max_bytes) {
    return Status::InvalidArgument("image", "image of " + std::to_string(bytes.size()) +
                                                " bytes is over max_bytes (" +
                                                std::to_string(o.max_bytes) + ")");
  }
  auto info = ProbeImage(bytes);
  if (!info) return info.error();
  const uint64_t pixels = uint64_t{info->width} * info->height;
  const std::string size = std::to_string(info->width) + "x" + std::to_string(info->height);
  if (pixels > o.max_pixels) {
    return Status::InvalidArgument("image", "image of " + size + " pixels is over max_pixels (" +
                                                std::to_string(o.max_pixels) + ")");
  }
  if (info->width > o.max_side || info->height > o.max_side) {
    return Status::InvalidArgument("image", "image of " + size + " pixels is over max_side (" +
                                                std::to_string(o.max_side) + ")");
  }
  if (info->format == ImageFormat::kWebp && info->animated) {
    return Status::InvalidArgument("image", "animated WebP is not read");
  }
  QuietLeptonica();
  std::string first_frame;
  if (info->format == ImageFormat::kGif && info->animated) {
    // Only the first frame: giflib would otherwise slurp every frame into memory.
    first_frame.assign(bytes.substr(0, info->first_frame_bytes));
    first_frame.push_back('\x3B');
    bytes = first_frame;
  }
  PixPtr pix(pixReadMem(reinterpret_cast<const l_uint8*>(bytes.data()), bytes.size()));
  if (!pix) {
    return Status::InvalidArgument("image", "cannot decode " + std::string(Name(info->format)) +
                                                " image (truncated or corrupt data)");
  }
  const auto w = static_cast<uint64_t>(pixGetWidth(pix.get()));
  const auto h = static_cast<uint64_t>(pixGetHeight(pix.get()));
  if (w * h > o.max_pixels || w == 0 || h == 0) {
    return Status::InvalidArgument("image", "decoded size differs from the header's");
  }
  auto rep = std::make_unique<DecodedImage::Rep>();
  rep->info = *info;
  rep->pix = std::move(pix);
  return DecodedImage(std::move(rep));
}

namespace {

// Greyscale copy of the image as rows of bytes.
struct Gray {
  int w = 0, h = 0;
  std::vector<uint8_t> px;
  uint8_t at(int x, int y) const {
    return px[static_cast<size_t>(y) * static_cast<size_t>(w) + static_cast<size_t>(x)];
  }
};

Gray ToGray(Pix* pix) {
  Gray g;
  PixPtr eight(pixConvertTo8(pix, 0));
  if (!eight) return g;
  g.w = pixGetWidth(eight.get());
  g.h = pixGetHeight(eight.get());
  g.px.resize(static_cast<size_t>(g.w) * static_cast<size_t>(g.h));
  const l_uint32* data = pixGetData(eight.get());
  const int wpl = pixGetWpl(eight.get());
  for (int y = 0; y < g.h; ++y) {
    const l_uint32* line = data + static_cast<ptrdiff_t>(y) * wpl;
    for (int x = 0; x < g.w; ++x)
      g.px[static_cast<size_t>(y) * static_cast<size_t>(g.w) + static_cast<size_t>(x)] =
          static_cast<uint8_t>(GET_DATA_BYTE(line, x));
  }
  return g;
}

// Standard deviation of a run of pixels.
template <typename F>
double Spread(int n, F value) {
  double sum = 0, sq = 0;
  for (int i = 0; i < n; ++i) {
    const double v = value(i);
    sum += v;
    sq += v * v;
  }
  const double mean = sum / n;
  return std::sqrt(std::max(0.0, sq / n - mean * mean));
}

}  // namespace

uint64_t PerceptualHash(const DecodedImage& image) {
  const Gray g = ToGray(image.rep().pix.get());
  if (g.w == 0 || g.h == 0) return 0;
  // Trim near-uniform margins: rows and columns whose pixels barely vary are border, frame or
  // plain background, which reposts change freely.
  constexpr double kUniform = 10.0;
  int top = 0, bottom = g.h, left = 0, right = g.w;
  auto row_uniform = [&](int y) {
    return Spread(right - left, [&](int i) { return g.at(left + i, y); }) < kUniform;
  };
  auto col_uniform = [&](int x) {
    return Spread(bottom - top, [&](int i) { return g.at(x, top + i); }) < kUniform;
  };
  // Repeated until nothing changes: a frame's columns hide the uniform rows inside it.
  for (int pass = 0; pass < 4; ++pass) {
    const int before = top + bottom + left + right;
    while (bottom - top > 8 && row_uniform(top)) ++top;
    while (bottom - top > 8 && row_uniform(bottom - 1)) --bottom;
    while (right - left > 9 && col_uniform(left)) ++left;
    while (right - left > 9 && col_uniform(right - 1)) --right;
    if (top + bottom + left + right == before) break;
  }
  const int rw = right - left, rh = bottom - top;
  // Area averages on a 9×8 grid.
  double cell[8][9];
  for (int cy = 0; cy < 8; ++cy) {
    const int y0 = top + cy * rh / 8;
    const int y1 = std::max(y0 + 1, top + (cy + 1) * rh / 8);
    for (int cx = 0; cx < 9; ++cx) {
      const int x0 = left + cx * rw / 9;
      const int x1 = std::max(x0 + 1, left + (cx + 1) * rw / 9);
      double sum = 0;
      for (int y = y0; y < y1 && y < g.h; ++y) {
        for (int x = x0; x < x1 && x < g.w; ++x) sum += g.at(x, y);
      }
      cell[cy][cx] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  uint64_t hash = 0;
  for (int cy = 0; cy < 8; ++cy) {
    for (int cx = 0; cx < 8; ++cx) {
      hash = (hash << 1) | (cell[cy][cx] > cell[cy][cx + 1] ? 1u : 0u);
    }
  }
  return hash;
}

}  // namespace adwatch::ocr
