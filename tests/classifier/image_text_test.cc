// Text read from an ad's images (AdCandidate::image_text) is classified like the body, and its
// evidence points at the image and the words' box.
#include <catch2/catch.hpp>
#include <string>

#include "adwatch/classifier/classify.h"
#include "test_util.h"

namespace {

using adwatch::AdCandidate;
using adwatch::Box;
using adwatch::ContactKind;
using adwatch::ImageWord;
using adwatch::Level;
using adwatch::Span;
using adwatch::testing::BundledClassifier;
using Catch::Contains;

// An ad whose text says only "see the picture", with the poster's words as OCR would give them:
// one box per word, 40 px high, one line every 70 px.
AdCandidate PosterAd() {
  AdCandidate ad;
  ad.origin = adwatch::CandidateOrigin::kChannelPost;
  ad.url = "https://t.me/lokerluar/10";
  ad.text = "Info lengkap di gambar, minat DM";
  ad.images.resize(1);
  ad.images[0].url = "https://cdn.example/poster.jpg";
  ad.images[0].phash = "6a5040186688b0a0";
  const char* lines[] = {"LOKER KAMBOJA - ADMIN ONLINE", "Gaji 15 juta per bulan",
                         "Tiket dan visa ditanggung", "WA 0812-3456-7890"};
  int y = 50;
  for (const char* line : lines) {
    if (!ad.image_text.empty()) ad.image_text += "\n";
    std::string_view rest = line;
    int x = 40;
    while (!rest.empty()) {
      const size_t sp = rest.find(' ');
      const std::string_view word = rest.substr(0, sp);
      if (!ad.image_text.empty() && ad.image_text.back() != '\n') ad.image_text += " ";
      ImageWord w;
      w.span.begin = static_cast<uint32_t>(ad.image_text.size());
      ad.image_text += word;
      w.span.end = static_cast<uint32_t>(ad.image_text.size());
      w.box = Box{x, y, static_cast<int32_t>(word.size()) * 25, 40};
      w.confidence = 90;
      ad.image_words.push_back(w);
      x += static_cast<int32_t>(word.size()) * 25 + 15;
      if (sp == std::string_view::npos) break;
      rest.remove_prefix(sp + 1);
    }
    y += 70;
  }
  return ad;
}

TEST_CASE("An image-only lure scores nothing without its poster's text and at least medium with it",
          "[classifier][image]") {
  AdCandidate bare = PosterAd();
  bare.image_text.clear();
  bare.image_words.clear();
  auto without = BundledClassifier().Classify(bare);
  REQUIRE(without.has_value());
  CHECK(without->level == Level::kNone);

  const AdCandidate ad = PosterAd();
  auto v = BundledClassifier().Classify(ad);
  REQUIRE(v.has_value());
  CHECK(v->level >= Level::kMedium);
  bool phone = false;
  for (const auto& c : v->entities.contacts) {
    if (c.value == "+6281234567890" && c.field == "image") {
      phone = true;
      CHECK(ad.image_text.substr(c.span.begin, c.span.end - c.span.begin) == "0812-3456-7890");
    }
  }
  CHECK(phone);
}

TEST_CASE("Evidence read from an image names the image and the box around its words",
          "[classifier][image]") {
  const AdCandidate ad = PosterAd();
  auto v = BundledClassifier().Classify(ad);
  REQUIRE(v.has_value());
  bool kamboja = false;
  for (const auto& h : v->hits) {
    for (const auto& e : h.evidence) {
      if (e.field != "image") continue;
      CHECK(e.image_url == "https://cdn.example/poster.jpg");
      CHECK(e.box.w > 0);
      if (ad.image_text.substr(e.span.begin, e.span.end - e.span.begin) == "KAMBOJA") {
        kamboja = true;
        CHECK(e.box.y == 50);
        CHECK(e.box.h == 40);
      }
    }
  }
  CHECK(kamboja);

  const std::string explained =
      adwatch::classifier::ExplainText(*v, ad, adwatch::classifier::Lang::kId, false);
  CHECK_THAT(explained, Contains("dalam gambar https://cdn.example/poster.jpg (kotak "));
  CHECK_THAT(explained, Contains("[KAMBOJA]"));
  CHECK_THAT(explained, Contains("6a5040186688b0a0"));
  const std::string json =
      adwatch::classifier::VerdictJson(*v, ad, "", adwatch::classifier::Lang::kEn);
  CHECK_THAT(json, Contains("\"field\":\"image\""));
  CHECK_THAT(json, Contains("\"image_url\":\"https://cdn.example/poster.jpg\""));
  CHECK_THAT(json, Contains("\"phash\":\"6a5040186688b0a0\""));
  CHECK_THAT(json, Contains("\"image_text\":\"LOKER KAMBOJA"));
}

TEST_CASE("Spans in image evidence never point outside image_text", "[classifier][image]") {
  AdCandidate ad = PosterAd();
  ad.image_words[0].span = Span{5000, 6000};  // a stored record that disagrees with its text
  ad.image_words[1].image = 7;                // an image index out of range
  auto v = BundledClassifier().Classify(ad);
  REQUIRE(v.has_value());
  const std::string explained =
      adwatch::classifier::ExplainText(*v, ad, adwatch::classifier::Lang::kEn, false);
  CHECK_THAT(explained, Contains("in image"));
}

}  // namespace
