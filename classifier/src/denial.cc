#include "denial.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

namespace adwatch::classifier {
namespace {

// Denial words, lower case. Deliberately not "nol"/"zero" ("0 biaya" is itself a lure's
// promise) nor "belum" ("belum punya KTP" is a child-recruitment marker matched whole).
// Javanese "ora", "dudu", "mboten" and Sundanese "teu", "henteu", "sanes" deny as "tidak" and
// "bukan" do ("ORA TAU njaluk DP", "DUDU potong gaji").
// Betawi "kagak", "kaga", Palembang/Jambi Malay "dak", Minang "indak" and Sasak "ndek" too.
// English "nothing is deducted from salary", "none of it is deducted" deny as "no" does, and so do
// Banjar "kada", "kadada" ("kada ada uang pendaftaran") and Manado "nyanda".
constexpr std::array<std::string_view, 64> kDenialWords{
    "tidak",    "tdk",     "tak",   "gak",     "ga",      "gk",      "nggak",  "ngga",
    "enggak",   "engga",   "ndak",  "nda",     "ndk",     "sonde",   "tra",    "trada",
    "tiada",    "takde",   "bukan", "bkn",     "tanpa",   "tnp",     "jangan", "jgn",
    "dilarang", "no",      "not",   "never",   "without", "nor",     "dont",   "don't",
    "doesnt",   "doesn't", "won't", "isn't",   "aren't",  "cannot",  "can't",  "hindi",
    "wala",     "walang",  "huwag", "khong",   "không",   "neither", "ora",    "dudu",
    "mboten",   "boten",   "teu",   "henteu",  "sanes",   "kagak",   "kaga",   "dak",
    "indak",    "ndek",    "ndeq",  "nothing", "none",    "kada",    "kadada", "nyanda"};

// Inside a phrase, a denial word denies it when one of these comes next: "biaya pindah tidak
// dipotong dari gaji", "biaya ditanggung perusahaan TANPA potong gaji", "gaji tidak ditahan",
// "tiket pulang tidak ditanggung". Only deductions, withholding, demands and costs covered:
// "tanpa paspor", "tidak perlu pengalaman" and "gaji tidak dibayar" are what the phrase says, not
// a denial of it.
constexpr std::array<std::string_view, 26> kDeniedActions{
    "potong", "dipotong", "potongan", "ditahan", "tahan", "dipungut", "pungut", "pungutan",
    "dibebankan", "bebankan", "ditarik", "dikenakan", "kenakan", "diminta", "minta", "meminta",
    "njaluk", "dijaluk", "ditolak", "memotong",
    // What is not paid for: "tiket pulang tidak ditanggung" promises no paid travel.
    "ditanggung", "dibayarin", "dibayari", "dibiayai", "dibiayain", "gratis"};
// Words that may stand between the denial and the action: "tidak ada potongan", "ORA TAU njaluk".
constexpr std::array<std::string_view, 7> kDenialFillers{"ada",  "pernah", "tau",  "tahu",
                                                         "akan", "bakal",  "boleh"};

// After a denial word, these make it a claim of legitimacy, not a denial of what follows:
// "bukan penipuan, kerja admin di Kamboja" still offers the job.
constexpr std::array<std::string_view, 15> kLegitimacyClaims{
    "penipuan", "scam",   "hoax",    "hoaks", "tipu",  "tipuan",  "abal", "abal-abal",
    "bodong",   "ilegal", "illegal", "fake",  "palsu", "scammer", "prank"};

// Denials that reach back over a list's commas, when "ada" follows all but those that hold it.
constexpr std::array<std::string_view, 19> kListDenials{
    "tidak", "tdk", "tak",   "gak",  "ga",  "gk",    "nggak", "ndak",   "tiada", "takde",
    "bukan", "ora", "kagak", "kaga", "dak", "indak", "kada",  "kadada", "nyanda"};
// List denials that already mean "there is no": Malay "tiada", "takde", Banjar "kadada".
constexpr std::array<std::string_view, 3> kDenialsWithAda{"tiada", "takde", "kadada"};
// Words that open the last item of a list.
constexpr std::array<std::string_view, 9> kListConjunctions{
    "atau", "dan", "maupun", "serta", "ataupun", "or", "and", "nor", "apalagi"};

// "Don't worry about ...": after a denial and perhaps "usah"/"perlu", these turn it into a
// reassurance about what follows ("ga usah pikir biaya berangkat, semua dibiayain", "sonde usah
// pusing ongkos"), which is the lure's promise, not a denial of it. So does "arrange": "gak usah
// urus akte, nanti dibuatkan atas nama keluarga barunya" promises the papers.
constexpr std::array<std::string_view, 18> kWorryWords{
    "pikir",  "pikirin", "mikir",   "mikirin", "pusing", "khawatir",
    "kuatir", "risau",   "bingung", "takut",   "repot",  "mikirkan",
    "wedi",   "sieun",   "urus",    "urusin",  "ngurus", "ngurusin"};

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
    case 0x2013 /*–*/:
    case 0x2014 /*—*/:
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

// The code point starting at byte `i` of `s`, moving `i` past it; negative for an invalid
// sequence (U8_NEXT, written out, as PrevChar is).
UChar32 NextChar(const uint8_t* s, int32_t& i, int32_t length) {
  UChar32 c = s[i++];
  if (c >= 0x80) c = utf8_nextCharSafeBody(s, &i, length, c, -1);
  return c;
}

bool Covered(size_t b, size_t e, const std::vector<Span>& covered) {
  return std::any_of(covered.begin(), covered.end(),
                     [&](const Span& s) { return b >= s.begin && e <= s.end; });
}

template <size_t N>
bool OneOf(const std::array<std::string_view, N>& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// Conditionals: after one, a denial states a case, not that something is ruled out.
constexpr std::array<std::string_view, 12> kConditionals{
    "kalau", "kalo", "klo", "kl", "jika", "jk", "bila", "apabila", "lamun", "mun", "nek", "if"};

// The word that ends at byte `i` of `text` (past spaces), lower case, with `i` moved to its start;
// empty when punctuation or the start of the text comes first (the clause ends there).
std::string WordBefore(std::string_view text, int32_t& i) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  while (i > 0) {  // spaces before the word
    int32_t k = i;
    if (PrevChar(s, k) != ' ') break;
    i = k;
  }
  const int32_t word_end = i;
  while (i > 0) {
    int32_t k = i;
    const UChar32 c = PrevChar(s, k);
    if (c < 0 || !IsWordChar(c)) break;
    i = k;
  }
  return Lower(text.substr(static_cast<size_t>(i), static_cast<size_t>(word_end - i)));
}

// Whether a conditional stands one or two words before byte `begin`, in the same clause: "kalau
// side NDAK ada uang, tiang talangin dulu" offers the advance that "ndak" would otherwise deny.
bool ConditionalBefore(std::string_view text, size_t begin) {
  auto i = static_cast<int32_t>(std::min(begin, text.size()));
  for (int words = 0; words < 2; ++words) {
    const std::string word = WordBefore(text, i);
    if (word.empty()) return false;
    if (OneOf(kConditionals, word)) return true;
  }
  return false;
}

}  // namespace

bool DeniedWithin(std::string_view text, Span span) {
  // One pass over the phrase's words: after a denial (not the first word), skip fillers and
  // look at the next word.
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  auto i = static_cast<int32_t>(std::min<size_t>(span.begin, text.size()));
  const auto stop = static_cast<int32_t>(std::min<size_t>(span.end, text.size()));
  int32_t word_begin = -1;
  int words = 0;
  bool after_denial = false;
  auto take = [&](int32_t word_end) {
    const std::string word = Lower(
        text.substr(static_cast<size_t>(word_begin), static_cast<size_t>(word_end - word_begin)));
    word_begin = -1;
    if (after_denial) {
      if (OneOf(kDeniedActions, word)) return true;
      if (OneOf(kDenialFillers, word)) return false;
      after_denial = false;
    }
    after_denial = words++ > 0 && OneOf(kDenialWords, word);
    return false;
  };
  while (i < stop) {
    const int32_t at = i;
    const UChar32 c = NextChar(s, i, stop);
    const bool word_char = c >= 0 && IsWordChar(c);
    if (word_char && word_begin < 0) word_begin = at;
    if (!word_char && word_begin >= 0 && take(at)) return true;
  }
  return word_begin >= 0 && take(stop);
}

bool DeniedBefore(std::string_view text, size_t begin, const std::vector<Span>& covered,
                  int window_words) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  auto i = static_cast<int32_t>(std::min(begin, text.size()));
  // A Chinese negator directly before the phrase (spaces skipped), or 不 无 没 非 禁 up to three
  // ideographs before it in the same clause ("不收彩礼", "不做任何跨国婚姻介绍"), unless it reads
  // "no need" (不用 不需 无需 不必: "不需要经验" is the lure's promise, not a denial).
  int32_t j = i;
  int han_between = 0;
  UChar32 after = 0;  // the character after the one being looked at
  while (j > 0 && han_between <= 3) {
    int32_t k = j;
    const UChar32 c = PrevChar(s, k);
    if (c == ' ' || c == 0x3000) {
      j = k;
      continue;
    }
    const bool negator =
        std::find(kCjkNegators.begin(), kCjkNegators.end(), c) != kCjkNegators.end();
    const bool no_need = after == 0x7528 /*用*/ || after == 0x9700 /*需*/ ||
                         after == 0x5FC5 /*必*/ || after == 0x8981 /*要*/;
    if (negator && (han_between == 0 || (c != 0x514D /*免*/ && !no_need)) &&
        !Covered(static_cast<size_t>(k), static_cast<size_t>(j), covered)) {
      return true;
    }
    if (c < 0x3400 || c > 0x9FFF) break;  // only ideographs lie between a negator and its phrase
    ++han_between;
    after = c;
    j = k;
  }
  // Words of the same clause, nearest first. A list continues across commas ("Tidak ada "DP
  // kuota", "uang pelicin", atau transfer ke rekening orang"): from an item that is the phrase
  // itself or opens with a conjunction, the reader goes on through items of at most four words,
  // and there only "tidak ada", "tiada" and the like deny, so that "gak ribet, tiket gratis" and
  // "ga ada moratorium, aku berangkatin pake visa kunjungan" keep their promise.
  // The two words after the one being looked at (towards the phrase), lower case.
  std::string next_word, after_next_word;
  int words = 0;
  int item_words = 0;  // words of the list item being read
  bool in_list = false;
  while (i > 0 && words < (in_list ? 2 * window_words : window_words)) {
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
      std::string lower = Lower(word);
      const bool denies =
          in_list ? OneOf(kListDenials, lower) &&
                        (OneOf(kDenialsWithAda, lower) || next_word == "ada" || next_word == "ado")
                  : OneOf(kDenialWords, lower) && !OneOf(kLegitimacyClaims, next_word) &&
                        !OneOf(kWorryWords, next_word) && !OneOf(kWorryWords, after_next_word);
      if (denies &&
          !Covered(static_cast<size_t>(word_begin), static_cast<size_t>(word_end), covered) &&
          !ConditionalBefore(text, static_cast<size_t>(word_begin))) {
        return true;
      }
      after_next_word = std::move(next_word);
      next_word = std::move(lower);
      ++words;
      ++item_words;
      continue;
    }
    if (c == ',' || c == 0x3001 /*、*/ || c == 0xFF0C /*，*/) {
      // Into a list from its last item ("atau transfer ke rekening") or from an item that is
      // the phrase itself; then through items of one to four words.
      const bool enters =
          item_words == 0 || (item_words <= 2 && OneOf(kListConjunctions, next_word));
      if (in_list ? item_words == 0 || item_words > 4 : !enters) return false;
      in_list = true;
      item_words = 0;
      i = k;
      continue;
    }
    if (EndsClause(c)) return false;
    i = k;  // spaces, quotes, brackets and the like separate words
  }
  return false;
}

bool DeniedJustBefore(std::string_view text, size_t begin) {
  // "Between" words that keep a denial attached: "tidak AKAN berakhir di tahanan".
  static constexpr std::array<std::string_view, 5> kBetween{"akan", "bakal", "pernah", "sampai",
                                                            "mungkin"};
  auto i = static_cast<int32_t>(std::min(begin, text.size()));
  for (int words = 0; words < 2; ++words) {
    const std::string word = WordBefore(text, i);
    if (word.empty()) return false;
    if (OneOf(kDenialWords, word)) return true;
    if (!OneOf(kBetween, word)) return false;
  }
  return false;
}

}  // namespace adwatch::classifier
