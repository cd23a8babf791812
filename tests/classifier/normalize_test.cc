#include "adwatch/classifier/normalize.h"

#include <catch2/catch.hpp>

using adwatch::Span;
using adwatch::classifier::Normalize;
using adwatch::classifier::ToOriginal;

namespace {

// The original text behind a view substring, found through the offset map.
std::string Behind(const std::string& original, const adwatch::TextView& view,
                   const std::string& needle) {
  const size_t at = view.text.find(needle);
  REQUIRE(at != std::string::npos);
  const Span s = ToOriginal(view, at, at + needle.size());
  return original.substr(s.begin, s.end - s.begin);
}

}  // namespace

TEST_CASE("Folded view lower-cases, maps styled letters and drops zero-width characters",
          "[classifier]") {
  const std::string text = "𝗚𝗔𝗝𝗜 ｂｅｓａｒ, Kam\u200Bboja, Lương CAO";
  const auto n = Normalize(text);
  CHECK(n.folded.text == "gaji besar, kamboja, luong cao");
  CHECK(Behind(text, n.folded, "gaji") == "𝗚𝗔𝗝𝗜");
  CHECK(Behind(text, n.folded, "besar") == "ｂｅｓａｒ");
  CHECK(Behind(text, n.folded, "kamboja") == "Kam\u200Bboja");
  CHECK(Behind(text, n.folded, "luong") == "Lương");
}

TEST_CASE(
    "Folded view reads WhatsApp bold and italic marks as spaces, and traditional Chinese as "
    "simplified",
    "[classifier]") {
  const std::string text = "biaya proses sebesar *Rp3.750.000* _segera_, j*di, 聘金給父母";
  const auto n = Normalize(text);
  CHECK(n.folded.text == "biaya proses sebesar rp3.750.000 segera , j*di, 聘金给父母");
  CHECK(Behind(text, n.folded, "rp3.750.000") == "Rp3.750.000");
  CHECK(Behind(text, n.folded, "给父母") == "給父母");
}

TEST_CASE("Skeleton undoes leet, spacing, masks, homoglyphs and flags", "[classifier]") {
  const std::string text = "K4mboja, k a m b o j a, j.u.d.i, s-l-o-t, G4C0R, j*di, kаmbоjа 🇰🇭 🎰";
  const auto n = Normalize(text);
  CHECK(n.skeleton.text == "kamboja, kamboja, judi, slot, gacor, j*di, kamboja flag_kh slot");
  CHECK(Behind(text, n.skeleton, "flag_kh") == "🇰🇭");
  CHECK(Behind(text, n.skeleton, "judi") == "j.u.d.i");
  CHECK_FALSE(n.obfuscations.empty());
}

TEST_CASE("The skeleton of a passage does not depend on words elsewhere in the text",
          "[classifier]") {
  // The shortcut that skips the skeleton passes must never skip text a pass would change: spaced
  // CJK characters are joined whether or not another word is obfuscated.
  const auto plain = Normalize("高 薪 诚 聘 工 作 di kamboja");
  const auto leet = Normalize("高 薪 诚 聘 工 作 di k4mboja");
  CHECK(plain.skeleton.text.substr(0, plain.skeleton.text.find(" di ")) ==
        leet.skeleton.text.substr(0, leet.skeleton.text.find(" di ")));
  CHECK(plain.obfuscations.size() + 1 == leet.obfuscations.size());
}

TEST_CASE("Skeleton leaves figures such as salaries and years alone", "[classifier]") {
  const auto n = Normalize("gaji 15jt, 10jt++, rp15.000.000, 1000U, tahun 2024, 1 5 3");
  CHECK(n.skeleton.text == "gaji 15jt, 10jt++, rp15.000.000, 1000u, tahun 2024, 1 5 3");
  CHECK(n.obfuscations.empty());
}

TEST_CASE("Invalid UTF-8 and control bytes never break the offset map", "[classifier]") {
  std::string text =
      "ab\xff\xfe"
      "cd\x01\nef\xe2\x82";
  const auto n = Normalize(text);
  CHECK(n.folded.text == "abcd ef");
  REQUIRE(n.folded.origin.size() == n.folded.text.size());
  for (const Span& s : n.folded.origin) CHECK(s.end <= text.size());
  CHECK(Normalize("").skeleton.text.empty());
}

TEST_CASE("Exclamation marks, currency signs and agency acronyms are not leet", "[classifier]") {
  const auto n = Normalize("Kerja di Kamboja! Gaji NT$ 27.470 atau RM5k, rp8jt, lewat P3MI resmi");
  CHECK(n.skeleton.text == "kerja di kamboja! gaji nt$ 27.470 atau rm5k, rp8jt, lewat p3mi resmi");
  CHECK(n.obfuscations.empty());
  CHECK(Normalize("Kirim CV ke hrd.toko@contoh.co.id atau hr@toko-baju.com, info BP3MI")
            .obfuscations.empty());
  // Inside a word they still are.
  CHECK(Normalize("k!mboja sl0t g@ji").skeleton.text == "kimboja slot gaji");
}

TEST_CASE("A tour's days and nights are not leet", "[classifier]") {
  const auto n = Normalize("TURKI 10H8M, Dubai 6H4M, Bali 5D4N");
  CHECK(n.skeleton.text == "turki 10h8m, dubai 6h4m, bali 5d4n");
  CHECK(n.obfuscations.empty());
  CHECK_FALSE(Normalize("Kerja di D4bai, K4mboja 8jt").obfuscations.empty());
}

TEST_CASE("Fullwidth CJK punctuation is not a styled letter", "[classifier]") {
  const auto n = Normalize("高薪诚聘！东南亚大公司招客服，月薪8000元");
  CHECK(n.obfuscations.empty());
  CHECK_FALSE(Normalize("ｇａｊｉ").obfuscations.empty());
}

TEST_CASE("A wider gap between spaced letters separates words", "[classifier]") {
  const std::string text = "L O K E R   K A M B O J A";
  const auto n = Normalize(text);
  CHECK(n.skeleton.text == "loker kamboja");
  CHECK(Behind(text, n.skeleton, "kamboja") == "K A M B O J A");
}

TEST_CASE("The ASCII fast path gives the views the general path gives", "[classifier]") {
  // Appending a non-ASCII word sends a text down the general path; the views must then be the
  // ASCII views plus that word.
  const std::string alphabet = "abcdeKLMNOjudi 4013@$!*.-_\n\t  XYZ15jt,gacor";
  uint32_t seed = 12345;
  for (int round = 0; round < 500; ++round) {
    std::string s;
    const int len = 1 + static_cast<int>(seed % 60);
    for (int i = 0; i < len; ++i) {
      seed = seed * 1103515245u + 12345u;
      s += alphabet[(seed >> 16) % alphabet.size()];
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t')) s.pop_back();
    if (s.empty()) continue;
    INFO("text: " << s);
    const auto ascii = Normalize(s);
    const auto general = Normalize(s + "\n\xC3\x89\xC3\x89\xC3\x89");  // "\nÉÉÉ"
    CHECK(general.folded.text == ascii.folded.text + " eee");
    CHECK(general.skeleton.text == ascii.skeleton.text + " eee");
    REQUIRE(general.folded.origin.size() >= ascii.folded.origin.size());
    for (size_t i = 0; i < ascii.folded.origin.size(); ++i)
      CHECK(general.folded.origin[i] == ascii.folded.origin[i]);
    CHECK(general.obfuscations == ascii.obfuscations);
  }
}
