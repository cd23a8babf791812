// Decoding within caps and the perceptual hash, on the generated posters (tests/data/posters).
#include "adwatch/ocr/image.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "support/posters.h"

namespace {

using adwatch::HammingDistance;
using adwatch::HashHex;
using adwatch::kSameImageMaxDistance;
using adwatch::ocr::DecodedImage;
using adwatch::ocr::DecodeImage;
using adwatch::ocr::DecodeOptions;
using adwatch::ocr::ImageFormat;
using adwatch::ocr::PerceptualHash;
using adwatch::ocr::ProbeImage;
using adwatch::testing::Poster;
using Catch::Contains;

uint64_t HashOf(const std::string& name) {
  auto image = DecodeImage(Poster(name), DecodeOptions{});
  REQUIRE(image.has_value());
  return PerceptualHash(*image);
}

TEST_CASE("PNG, JPEG, WebP and GIF posters decode to their size", "[ocr][image]") {
  for (const auto& [name, format] :
       {std::pair{"lure_id.png", ImageFormat::kPng}, std::pair{"lure_id.webp", ImageFormat::kWebp},
        std::pair{"lure_id.gif", ImageFormat::kGif},
        std::pair{"lure_id_recompressed.jpg", ImageFormat::kJpeg}}) {
    INFO(name);
    auto info = ProbeImage(Poster(name));
    REQUIRE(info.has_value());
    CHECK(info->format == format);
    CHECK(info->width == 900);
    CHECK(info->height == 500);
    auto image = DecodeImage(Poster(name), DecodeOptions{});
    REQUIRE(image.has_value());
    CHECK(image->width() == 900);
    CHECK(image->height() == 500);
  }
}

TEST_CASE("A decompression bomb is refused from its header, before decoding", "[ocr][image]") {
  const std::string bomb = Poster("bomb_30000.png");
  auto info = ProbeImage(bomb);
  REQUIRE(info.has_value());
  CHECK(info->width == 30000);
  CHECK(info->height == 30000);
  auto image = DecodeImage(bomb, DecodeOptions{});
  REQUIRE_FALSE(image.has_value());
  CHECK(image.error().IsInvalidArgument());
  CHECK_THAT(image.error().message(), Contains("30000x30000") && Contains("max_pixels"));
}

TEST_CASE("A truncated or foreign file is refused with a reason", "[ocr][image]") {
  auto truncated = DecodeImage(Poster("truncated.png"), DecodeOptions{});
  REQUIRE_FALSE(truncated.has_value());
  CHECK_THAT(truncated.error().message(), Contains("cannot decode png"));

  auto header_only = DecodeImage(Poster("lure_id.png").substr(0, 20), DecodeOptions{});
  REQUIRE_FALSE(header_only.has_value());
  CHECK_THAT(header_only.error().message(), Contains("truncated PNG header"));

  auto jpeg = DecodeImage(Poster("lure_id_small.jpg").substr(0, 100), DecodeOptions{});
  REQUIRE_FALSE(jpeg.has_value());
  CHECK_THAT(jpeg.error().message(), Contains("JPEG"));

  auto html = DecodeImage("<html><body>not an image</body></html>", DecodeOptions{});
  REQUIRE_FALSE(html.has_value());
  CHECK_THAT(html.error().message(), Contains("not a PNG, JPEG, WebP or GIF"));

  CHECK_FALSE(DecodeImage("", DecodeOptions{}).has_value());
}

TEST_CASE("The byte cap refuses a large file without reading it", "[ocr][image]") {
  DecodeOptions options;
  options.max_bytes = 1000;
  auto image = DecodeImage(Poster("lure_id.png"), options);
  REQUIRE_FALSE(image.has_value());
  CHECK_THAT(image.error().message(), Contains("max_bytes (1000)"));
}

TEST_CASE("Only the first frame of an animated GIF is decoded", "[ocr][image]") {
  // Two frames: the poster's own, then a copy of its image data as a second frame.
  const std::string gif = Poster("lure_id.gif");
  auto info = ProbeImage(gif);
  REQUIRE(info.has_value());
  REQUIRE(info->first_frame_bytes > 0);
  std::string two = gif.substr(0, info->first_frame_bytes);
  const size_t frame_start = two.find('\x2C', 13);
  REQUIRE(frame_start != std::string::npos);
  two += gif.substr(info->first_frame_bytes - (info->first_frame_bytes - frame_start),
                    info->first_frame_bytes - frame_start);
  two += '\x3B';
  auto animated = ProbeImage(two);
  REQUIRE(animated.has_value());
  CHECK(animated->animated);
  auto image = DecodeImage(two, DecodeOptions{});
  REQUIRE(image.has_value());
  CHECK(image->width() == 900);
}

TEST_CASE("Reposts of one poster hash alike, an unrelated poster does not", "[ocr][image]") {
  const uint64_t original = HashOf("lure_id.png");
  for (const char* variant : {"lure_id_small.jpg", "lure_id_recompressed.jpg", "lure_id_border.png",
                              "lure_id_lowres.jpg", "lure_id.webp", "lure_id.gif"}) {
    INFO(variant << " " << HashHex(original) << " vs " << HashHex(HashOf(variant)));
    CHECK(HammingDistance(original, HashOf(variant)) <= kSameImageMaxDistance);
  }
  for (const char* other : {"unrelated_id.png", "lure_en.png", "lure_ms.png"}) {
    INFO(other << " " << HashHex(original) << " vs " << HashHex(HashOf(other)));
    CHECK(HammingDistance(original, HashOf(other)) > kSameImageMaxDistance);
  }
}

}  // namespace
