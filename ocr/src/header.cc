// ProbeImage: the size and format of an image from its header bytes, without decoding pixels.
#include <cstring>

#include "adwatch/ocr/image.h"

namespace adwatch::ocr {
namespace {

uint32_t Be16(const unsigned char* p) { return (uint32_t{p[0]} << 8) | p[1]; }
uint32_t Be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
uint32_t Le16(const unsigned char* p) { return uint32_t{p[0]} | (uint32_t{p[1]} << 8); }
uint32_t Le24(const unsigned char* p) { return Le16(p) | (uint32_t{p[2]} << 16); }

Status Bad(const std::string& what) { return Status::InvalidArgument("image", what); }

Result<ImageInfo> ProbePng(const unsigned char* p, size_t n) {
  if (n < 24) return Bad("truncated PNG header");
  if (std::memcmp(p + 12, "IHDR", 4) != 0) return Bad("PNG without IHDR");
  ImageInfo info;
  info.format = ImageFormat::kPng;
  info.width = Be32(p + 16);
  info.height = Be32(p + 20);
  return info;
}

Result<ImageInfo> ProbeJpeg(const unsigned char* p, size_t n) {
  size_t i = 2;
  while (i < n) {
    if (p[i] != 0xFF) return Bad("malformed JPEG: no marker at byte " + std::to_string(i));
    while (i < n && p[i] == 0xFF) ++i;  // fill bytes
    if (i >= n) break;
    const unsigned char m = p[i++];
    if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;  // no length
    if (m == 0xD9 || m == 0xDA) return Bad("JPEG without a frame header");
    if (i + 2 > n) break;
    const uint32_t len = Be16(p + i);
    if (len < 2) return Bad("malformed JPEG: segment length " + std::to_string(len));
    const bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof) {
      if (i + 7 > n) break;
      ImageInfo info;
      info.format = ImageFormat::kJpeg;
      info.height = Be16(p + i + 3);
      info.width = Be16(p + i + 5);
      if (info.width == 0 || info.height == 0) return Bad("JPEG with a zero or deferred size");
      return info;
    }
    i += len;
  }
  return Bad("truncated JPEG header");
}

Result<ImageInfo> ProbeWebp(const unsigned char* p, size_t n) {
  if (n < 30) return Bad("truncated WebP header");
  ImageInfo info;
  info.format = ImageFormat::kWebp;
  const unsigned char* c = p + 12;
  if (std::memcmp(c, "VP8 ", 4) == 0) {
    if (p[23] != 0x9d || p[24] != 0x01 || p[25] != 0x2a)
      return Bad("malformed WebP (VP8 start code)");
    info.width = Le16(p + 26) & 0x3FFF;
    info.height = Le16(p + 28) & 0x3FFF;
  } else if (std::memcmp(c, "VP8L", 4) == 0) {
    if (p[20] != 0x2f) return Bad("malformed WebP (VP8L signature)");
    const uint32_t bits =
        p[21] | (uint32_t{p[22]} << 8) | (uint32_t{p[23]} << 16) | (uint32_t{p[24]} << 24);
    info.width = (bits & 0x3FFF) + 1;
    info.height = ((bits >> 14) & 0x3FFF) + 1;
  } else if (std::memcmp(c, "VP8X", 4) == 0) {
    info.animated = (p[20] & 0x02) != 0;
    info.width = Le24(p + 24) + 1;
    info.height = Le24(p + 27) + 1;
  } else {
    return Bad("WebP with an unknown chunk");
  }
  return info;
}

// Walks a GIF's blocks to the end of its first frame; notes whether another frame follows.
Result<ImageInfo> ProbeGif(const unsigned char* p, size_t n) {
  if (n < 13) return Bad("truncated GIF header");
  ImageInfo info;
  info.format = ImageFormat::kGif;
  info.width = Le16(p + 6);
  info.height = Le16(p + 8);
  size_t i = 13;
  if (p[10] & 0x80) i += 3u * (1u << ((p[10] & 0x07) + 1));
  // Skips data sub-blocks starting at i; false when the data ends first.
  auto skip_sub_blocks = [&](size_t& at) {
    while (at < n) {
      const size_t len = p[at++];
      if (len == 0) return true;
      at += len;
    }
    return false;
  };
  bool frame_seen = false;
  while (i < n) {
    const unsigned char b = p[i++];
    if (b == 0x3B) break;  // trailer
    if (b == 0x21) {       // extension: label, sub-blocks
      if (i >= n) break;
      ++i;
      if (!skip_sub_blocks(i)) break;
    } else if (b == 0x2C) {
      if (frame_seen) {
        info.animated = true;
        break;
      }
      if (i + 9 > n) break;
      const uint32_t right = Le16(p + i) + Le16(p + i + 4);
      const uint32_t bottom = Le16(p + i + 2) + Le16(p + i + 6);
      if (right > info.width) info.width = right;
      if (bottom > info.height) info.height = bottom;
      const unsigned char flags = p[i + 8];
      i += 9;
      if (flags & 0x80) i += 3u * (1u << ((flags & 0x07) + 1));
      if (i >= n) break;
      ++i;  // LZW minimum code size
      if (!skip_sub_blocks(i)) break;
      frame_seen = true;
      info.first_frame_bytes = i;
    } else {
      return Bad("malformed GIF: unknown block at byte " + std::to_string(i - 1));
    }
  }
  if (!frame_seen) return Bad("truncated GIF: no complete first frame");
  return info;
}

}  // namespace

std::string_view Name(ImageFormat format) {
  switch (format) {
    case ImageFormat::kPng:
      return "png";
    case ImageFormat::kJpeg:
      return "jpeg";
    case ImageFormat::kWebp:
      return "webp";
    case ImageFormat::kGif:
      return "gif";
    default:
      return "unknown";
  }
}

Result<ImageInfo> ProbeImage(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  Result<ImageInfo> info = Bad("not a PNG, JPEG, WebP or GIF image");
  if (n >= 8 && std::memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) {
    info = ProbePng(p, n);
  } else if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) {
    info = ProbeJpeg(p, n);
  } else if (n >= 12 && std::memcmp(p, "RIFF", 4) == 0 && std::memcmp(p + 8, "WEBP", 4) == 0) {
    info = ProbeWebp(p, n);
  } else if (n >= 6 && (std::memcmp(p, "GIF87a", 6) == 0 || std::memcmp(p, "GIF89a", 6) == 0)) {
    info = ProbeGif(p, n);
  }
  if (info && (info->width == 0 || info->height == 0))
    return Bad("image with a zero width or height");
  return info;
}

}  // namespace adwatch::ocr
