// Reading generated posters with Tesseract (ind+eng+msa, as Debian 12 ships the models).
#include "adwatch/ocr/ocr.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/posters.h"

namespace {

using adwatch::AdCandidate;
using adwatch::ImageRef;
using adwatch::ocr::DecodeImage;
using adwatch::ocr::DecodeOptions;
using adwatch::ocr::ImageReading;
using adwatch::ocr::OcrEngine;
using adwatch::ocr::OcrOptions;
using adwatch::ocr::ReadImageBytes;
using adwatch::testing::Poster;
using Catch::Contains;

// Shared by the test cases and never destroyed: an engine destroyed after static destruction
// began would outlive Tesseract's own caches (ocr.h says why).
const OcrEngine& Engine() {
  static const OcrEngine* engine = [] {
    OcrOptions options;
    options.max_concurrent = 2;
    auto e = OcrEngine::Create(options);
    REQUIRE(e.has_value());
    return e.value().release();
  }();
  return *engine;
}

TEST_CASE("OcrOptions are validated and a missing language model is Unavailable", "[ocr]") {
  OcrOptions bad;
  bad.languages = "ind++eng";
  CHECK_FALSE(Validate(bad).ok());
  bad.languages = "../etc/passwd";
  CHECK_FALSE(Validate(bad).ok());
  OcrOptions missing;
  missing.languages = "tgl";  // no Tagalog model in Debian 12
  auto engine = OcrEngine::Create(missing);
  REQUIRE_FALSE(engine.has_value());
  CHECK(engine.error().code() == adwatch::Status::Code::kUnavailable);
}

TEST_CASE("The lure poster's words and phone number are read, with boxes", "[ocr]") {
  auto read = ReadImageBytes(Poster("lure_id.png"), DecodeOptions{}, &Engine());
  REQUIRE(read.has_value());
  const std::string& text = read->ocr.text;
  INFO(text);
  CHECK_THAT(text, Contains("KAMBOJA"));
  CHECK_THAT(text, Contains("Gaji 15 juta"));
  CHECK_THAT(text, Contains("0812-3456-7890"));
  CHECK(text.find('\n') != std::string::npos);
  CHECK_FALSE(read->ocr.timed_out);
  CHECK(read->sha256_hex.size() == 64);
  bool boxed = false;
  for (const auto& w : read->ocr.words) {
    CHECK(text.substr(w.span.begin, w.span.end - w.span.begin) == w.text);
    if (w.text == "KAMBOJA") boxed = w.box.y < 120 && w.box.w > 50 && w.box.h > 10;
  }
  CHECK(boxed);
}

TEST_CASE("Rotated and low-resolution reposts are still read", "[ocr]") {
  for (const char* name : {"lure_id_rotated.jpg", "lure_id_lowres.jpg"}) {
    auto read = ReadImageBytes(Poster(name), DecodeOptions{}, &Engine());
    REQUIRE(read.has_value());
    INFO(name << ": " << read->ocr.text);
    CHECK_THAT(read->ocr.text, Contains("3456"));
    CHECK_THAT(read->ocr.text, Contains("juta"));
  }
}

TEST_CASE("Reads from several threads share the bounded pool", "[ocr]") {
  const std::string bytes = Poster("lure_en.png");
  std::vector<std::string> texts(3);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < texts.size(); ++i) {
    threads.emplace_back([&, i] {
      auto read = ReadImageBytes(bytes, DecodeOptions{}, &Engine());
      if (read) texts[i] = read->ocr.text;
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& t : texts) CHECK_THAT(t, Contains("CAMBODIA"));
}

TEST_CASE("AttachReadings joins images' text into image_text with words pointing at their image",
          "[ocr]") {
  AdCandidate ad;
  ad.images.resize(3);
  ad.images[0].url = "https://cdn.example/a.png";
  ad.images[1].url = "https://cdn.example/bomb.png";
  ad.images[2].url = "https://cdn.example/c.png";
  auto a = ReadImageBytes(Poster("lure_id.png"), DecodeOptions{}, &Engine());
  auto c = ReadImageBytes(Poster("unrelated_id.png"), DecodeOptions{}, &Engine());
  REQUIRE(a.has_value());
  REQUIRE(c.has_value());
  adwatch::ocr::AttachReadings(ad, {&*a, nullptr, &*c},
                               {"", "image of 30000x30000 pixels is over max_pixels", ""});
  CHECK_THAT(ad.image_text, Contains("KAMBOJA") && Contains("NASI GORENG") && Contains("\n\n"));
  CHECK(ad.images[0].phash.size() == 16);
  CHECK(ad.images[1].phash.empty());
  CHECK_THAT(ad.images[1].problem, Contains("max_pixels"));
  REQUIRE_FALSE(ad.image_words.empty());
  CHECK(ad.image_words.front().image == 0);
  CHECK(ad.image_words.back().image == 2);
  const auto& last = ad.image_words.back();
  CHECK(last.span.end <= ad.image_text.size());
}

}  // namespace
