#include "denial.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <string>

namespace adwatch::classifier {
namespace {

// Denial words, lower case. Deliberately not "nol"/"zero" ("0 biaya" is itself a lure's
// promise) nor "belum" ("belum punya KTP" is a child-recruitment marker matched whole).
constexpr std::array<std::string_view, 46> kDenialWords{
    "tidak",    "tdk",     "tak",   "gak",   "ga",      "gk",     "nggak",  "ngga",
    "enggak",   "engga",   "ndak",  "nda",   "ndk",     "sonde",  "tra",    "trada",
    "tiada",    "takde",   "bukan", "bkn",   "tanpa",   "tnp",    "jangan", "jgn",
    "dilarang", "no",      "not",   "never", "without", "nor",    "dont",   "don't",
    "doesnt",   "doesn't", "won't", "isn't", "aren't",  "cannot", "can't",  "hindi",
    "wala",     "walang",  "huwag", "khong", "không",   "neither"};

// After a denial word, these make it a claim of legitimacy, not a denial of what follows:
// "bukan penipuan, kerja admin di Kamboja" still offers the job.
constexpr std::array<std::string_view, 15> kLegitimacyClaims{
    "penipuan", "scam",   "hoax",    "hoaks", "tipu",  "tipuan",  "abal", "abal-abal",
    "bodong",   "ilegal", "illegal", "fake",  "palsu", "scammer", "prank"};

// Chinese negators that deny the phrase right after them: 不收押金, 无需押金, 没有押金, 免押金.
constexpr std::array<UChar32, 6> kCjkNegators{0x4E0D /*不*/, 0x65E0 /*无*/, 0x6CA1 /*没*/,
                                              0x975E /*非*/, 0x514D /*免*/, 0x7981 /*禁*/};

bool IsCrossMark(UChar32 c) {
  return c == 0x274C /*❌*/ || c == 0x1F6AB /*🚫*/ || c == 0x26D4 /*⛔*/ || c == 0x2716 /*✖*/ ||
         c == 0x274E /*❎*/ || c == 0x2717 /*✗*/ || c == 0x2718 /*✘*/;
}

// Characters that end a clause when reading backwards.
bool EndsClause(UChar32 c) {
  switch (c) {
    case '.':
    case ',':
    case ';':
    case ':':
    case '!':
    case '?':
    case '|':
    case '\n':
    case '\r':
    case '(':
    case ')':
    case '[':
    case ']':
    case 0x2022 /*•*/:
    case 0x3002 /*。*/:
    case 0xFF0C /*，*/:
    case 0xFF1B /*；*/:
    case 0xFF01 /*！*/:
    case 0xFF1F /*？*/:
    case 0x3001 /*、*/:
      return true;
    default:
      break;
  }
  // Emoji and other symbols used as bullets (✅ 🔹 📌 ➡️) start a new item.
  const int8_t type = static_cast<int8_t>(u_charType(c));
  return type == U_OTHER_SYMBOL || type == U_MATH_SYMBOL;
}

bool IsWordChar(UChar32 c) { return u_isalnum(c) || c == '\'' || c == '-' || c == 0x2019; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  // "KHÔNG" → "khÔng" keeps its capital Ô; the lower-case spelling is what posts use.
  return out;
}

// The code point ending before byte `i` of `s`, moving `i` to its first byte; negative for an
// invalid sequence (U8_PREV, written out: its macro form casts in the C style).
UChar32 PrevChar(const uint8_t* s, int32_t& i) {
  UChar32 c = s[--i];
  if (c >= 0x80) c = utf8_prevCharSafeBody(s, 0, &i, c, -1);
  return c;
}

bool Covered(size_t b, size_t e, const std::vector<Span>& covered) {
  return std::any_of(covered.begin(), covered.end(),
                     [&](const Span& s) { return b >= s.begin && e <= s.end; });
}

}  // namespace

bool DeniedBefore(std::string_view text, size_t begin, const std::vector<Span>& covered,
                  int window_words) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  auto i = static_cast<int32_t>(std::min(begin, text.size()));
  // A Chinese negator or a cross mark directly before the phrase (spaces skipped).
  int32_t j = i;
  while (j > 0) {
    int32_t k = j;
    const UChar32 c = PrevChar(s, k);
    if (c == ' ' || c == 0x3000) {
      j = k;
      continue;
    }
    if (std::find(kCjkNegators.begin(), kCjkNegators.end(), c) != kCjkNegators.end() &&
        !Covered(static_cast<size_t>(k), static_cast<size_t>(j), covered)) {
      return true;
    }
    break;
  }
  // Words of the same clause, nearest first.
  std::string_view next_word;  // the word after the one being looked at (towards the phrase)
  int words = 0;
  while (i > 0 && words < window_words) {
    int32_t k = i;
    const UChar32 c = PrevChar(s, k);
    if (c < 0) {  // invalid byte: read it as a separator
      i = k;
      continue;
    }
    if (IsCrossMark(c)) return !Covered(static_cast<size_t>(k), static_cast<size_t>(i), covered);
    if (IsWordChar(c)) {
      int32_t word_end = i, word_begin = k;
      i = k;
      while (i > 0) {
        int32_t m = i;
        const UChar32 d = PrevChar(s, m);
        if (d < 0 || !IsWordChar(d)) break;
        i = m;
        word_begin = m;
      }
      const std::string_view word =
          text.substr(static_cast<size_t>(word_begin), static_cast<size_t>(word_end - word_begin));
      const std::string lower = Lower(word);
      if (std::find(kDenialWords.begin(), kDenialWords.end(), lower) != kDenialWords.end() &&
          !Covered(static_cast<size_t>(word_begin), static_cast<size_t>(word_end), covered) &&
          std::find(kLegitimacyClaims.begin(), kLegitimacyClaims.end(), Lower(next_word)) ==
              kLegitimacyClaims.end()) {
        return true;
      }
      next_word = word;
      ++words;
      continue;
    }
    if (EndsClause(c)) return false;
    i = k;  // spaces, quotes, brackets and the like separate words
  }
  return false;
}

}  // namespace adwatch::classifier
