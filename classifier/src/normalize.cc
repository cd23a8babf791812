#include "adwatch/classifier/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "text_units.h"

namespace adwatch::classifier {
namespace {

// ---------------------------------------------------------------------------------------------
// Folding

const icu::Normalizer2* NfkcCasefold() {
  static const icu::Normalizer2* n = [] {
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* p = icu::Normalizer2::getNFKCCasefoldInstance(err);
    return U_SUCCESS(err) ? p : nullptr;
  }();
  return n;
}

const icu::Normalizer2* Nfd() {
  static const icu::Normalizer2* n = [] {
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* p = icu::Normalizer2::getNFDInstance(err);
    return U_SUCCESS(err) ? p : nullptr;
  }();
  return n;
}

bool IsCombiningDiacritic(UChar32 c) { return c >= 0x0300 && c <= 0x036F; }

// Traditional Chinese characters folded to their simplified form (給 → 给, 親 → 亲, 團 → 团), so
// rules written in simplified Chinese read Taiwanese and Hong Kong posts too. Each ideograph is
// looked up once, on first sight, with ICU's Traditional-Simplified transliteration of it alone,
// and remembered; words whose conversion depends on their neighbours keep the per-character
// form, which is what the rules are written in anyway.
constexpr UChar32 kHanFirst = 0x3400;
constexpr UChar32 kHanLast = 0x9FFF;

UChar32 Simplified(UChar32 c) {
  if (c < kHanFirst || c > kHanLast) return c;
  // 0: not looked up yet. Lookups race harmlessly (the same answer is stored); the
  // transliterator itself is used under the mutex.
  static std::array<std::atomic<UChar32>, kHanLast - kHanFirst + 1> seen{};
  std::atomic<UChar32>& slot = seen[static_cast<size_t>(c - kHanFirst)];
  if (const UChar32 known = slot.load(std::memory_order_relaxed); known != 0) return known;
  static std::mutex mu;
  static std::unique_ptr<icu::Transliterator> hans = [] {
    UErrorCode err = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(
        icu::Transliterator::createInstance("Traditional-Simplified", UTRANS_FORWARD, err));
    return U_SUCCESS(err) ? std::move(t) : nullptr;
  }();
  UChar32 simple = c;
  if (hans != nullptr) {
    std::lock_guard<std::mutex> lock(mu);
    icu::UnicodeString one(c);
    hans->transliterate(one);
    if (one.countChar32() == 1) simple = one.char32At(0);
  }
  slot.store(simple, std::memory_order_relaxed);
  return simple;
}

// Latin letters whose diacritic is not a combining mark after NFD.
UChar32 StripStroke(UChar32 c) {
  switch (c) {
    case 0x0111:
      return 'd';  // đ (Vietnamese)
    case 0x0127:
      return 'h';  // ħ
    case 0x0142:
      return 'l';  // ł
    case 0x00F8:
      return 'o';  // ø
    case 0x0131:
      return 'i';  // dotless ı
    case 0x0167:
      return 't';  // ŧ
    default:
      return c;
  }
}

// Letters that only decorate: math alphanumerics, fullwidth, enclosed (circled) letters.
// Fullwidth punctuation (U+FF01 '！', U+FF0C '，') is how CJK text is written, not decoration:
// only fullwidth digits and letters count.
bool IsStyledLetter(UChar32 c) {
  return (c >= 0x1D400 && c <= 0x1D7FF) || (c >= 0xFF10 && c <= 0xFF19) ||
         (c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A) ||
         (c >= 0x2460 && c <= 0x24FF) || (c >= 0x1F130 && c <= 0x1F189);
}

bool IsAsciiLetter(UChar32 c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

class Folder {
 public:
  explicit Folder(std::string_view text) : text_(text) {}

  // Writes the folded view of the whole text into `out`: UTF-8 with one origin per byte, runs of
  // spaces collapsed and both ends trimmed.
  void Run(TextView& out, std::vector<Span>& obfuscations) {
    out_ = &out;
    out.text.reserve(text_.size());
    out.origin.reserve(text_.size());
    const auto* s = reinterpret_cast<const uint8_t*>(text_.data());
    const auto n = static_cast<int32_t>(text_.size());
    int32_t i = 0;
    bool pending_zero_width = false;  // a dropped format char after a letter
    uint32_t zero_width_at = 0;
    while (i < n) {
      const int32_t start = i;
      UChar32 c;
      if (s[i] < 0x80) {
        c = s[i++];
        if (c < 0x20 || c == 0x7F) {
          if (c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            Emit(' ', start, i);
          }
          continue;
        }
        if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
        // WhatsApp *bold* and _italic_ marks at a word's edge are formatting, read as a space
        // ("sebesar *Rp3.750.000*"); inside a word ("k*mboja") they may mask a letter and stay
        // for the skeleton.
        if ((c == '*' || c == '_') &&
            !(start > 0 && std::isalnum(s[start - 1]) != 0 && i < n && std::isalnum(s[i]) != 0)) {
          pending_zero_width = false;
          Emit(' ', start, i);
          continue;
        }
        if (pending_zero_width && IsAsciiLetter(c)) {
          obfuscations.push_back({zero_width_at, static_cast<uint32_t>(start)});
        }
        pending_zero_width = false;
        Emit(c, start, i);
        continue;
      }
      U8_NEXT(s, i, n, c);
      if (c < 0) continue;  // invalid UTF-8: dropped from the views
      // Gather the combining marks that follow, so a base letter and its marks fold together.
      int32_t end = i;
      while (end < n) {
        int32_t j = end;
        UChar32 next;
        U8_NEXT(s, j, n, next);
        if (next < 0 || u_getCombiningClass(next) == 0) break;
        end = j;
      }
      i = end;
      const int8_t type = u_charType(c);
      if (type == U_CONTROL_CHAR) {
        Emit(' ', start, end);
        continue;
      }
      if (type == U_FORMAT_CHAR || u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) {
        // Zero-width joiners, soft hyphens and the like: dropped; between letters they hide words.
        if (u_isalpha(last_)) {
          pending_zero_width = true;
          zero_width_at = static_cast<uint32_t>(start);
        }
        continue;
      }
      if (u_isUWhiteSpace(c)) {
        Emit(' ', start, end);
        pending_zero_width = false;
        continue;
      }
      if (pending_zero_width && u_isalpha(c)) {
        obfuscations.push_back({zero_width_at, static_cast<uint32_t>(start)});
      }
      pending_zero_width = false;
      if (IsStyledLetter(c))
        obfuscations.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(end)});
      FoldSegment(start, end, c);
    }
    while (!out.text.empty() && out.text.back() == ' ') {
      out.text.pop_back();
      out.origin.pop_back();
    }
  }

 private:
  // Appends one code point of the view, from original bytes [begin, end). A space after a space
  // (or at the start) is dropped.
  void Emit(UChar32 c, int32_t begin, int32_t end) {
    const Span origin{static_cast<uint32_t>(begin), static_cast<uint32_t>(end)};
    if (c == ' ' && (out_->text.empty() || out_->text.back() == ' ')) return;
    last_ = c;
    if (c < 0x80) {
      out_->text.push_back(static_cast<char>(c));
      out_->origin.push_back(origin);
      return;
    }
    char buf[4];
    int32_t len = 0;
    UBool error = false;
    U8_APPEND(reinterpret_cast<uint8_t*>(buf), len, 4, c, error);
    if (error) return;
    out_->text.append(buf, static_cast<size_t>(len));
    out_->origin.insert(out_->origin.end(), static_cast<size_t>(len), origin);
  }

  // Folds the code point `c` written at [begin, end), with the combining marks after it.
  void FoldSegment(int32_t begin, int32_t end, UChar32 c) {
    const icu::Normalizer2* nfkc = NfkcCasefold();
    const icu::Normalizer2* nfd = Nfd();
    // Most characters outside ASCII (CJK, Thai, emoji) are left as they are by both forms:
    // then the result is `c` itself, without building ICU strings for it.
    if (end - begin == U8_LENGTH(c) && nfkc != nullptr && nfd != nullptr && nfkc->isInert(c) &&
        nfd->isInert(c)) {
      EmitFolded(c, begin, end);
      return;
    }
    icu::UnicodeString seg =
        icu::UnicodeString::fromUTF8(icu::StringPiece(text_.data() + begin, end - begin));
    UErrorCode err = U_ZERO_ERROR;
    icu::UnicodeString folded = nfkc ? nfkc->normalize(seg, err) : seg;
    if (U_FAILURE(err)) folded = seg;
    err = U_ZERO_ERROR;
    icu::UnicodeString decomposed = nfd ? nfd->normalize(folded, err) : folded;
    if (U_FAILURE(err)) decomposed = folded;
    for (int32_t k = 0; k < decomposed.length();) {
      const UChar32 d = decomposed.char32At(k);
      k += U16_LENGTH(d);
      EmitFolded(d, begin, end);
    }
  }

  // Appends one code point of a folded and decomposed segment: diacritics, format and control
  // characters dropped, white space as a space, strokes stripped.
  void EmitFolded(UChar32 c, int32_t begin, int32_t end) {
    if (IsCombiningDiacritic(c)) return;
    if (u_isUWhiteSpace(c)) {
      Emit(' ', begin, end);
      return;
    }
    const int8_t type = u_charType(c);
    if (type == U_FORMAT_CHAR || type == U_CONTROL_CHAR) return;
    Emit(Simplified(StripStroke(c)), begin, end);
  }

  std::string_view text_;
  TextView* out_ = nullptr;
  UChar32 last_ = 0;  // the last code point written
};

// ---------------------------------------------------------------------------------------------
// Skeleton

// Cyrillic and Greek letters that look like Latin ones.
char32_t Homoglyph(char32_t c) {
  switch (c) {
    case 0x0430:
      return 'a';
    case 0x0435:
      return 'e';
    case 0x043E:
      return 'o';
    case 0x0440:
      return 'p';
    case 0x0441:
      return 'c';
    case 0x0443:
      return 'y';
    case 0x0445:
      return 'x';
    case 0x0456:
      return 'i';
    case 0x0458:
      return 'j';
    case 0x0455:
      return 's';
    case 0x043A:
      return 'k';
    case 0x043C:
      return 'm';
    case 0x0442:
      return 't';
    case 0x0432:
      return 'b';
    case 0x043D:
      return 'h';
    case 0x03B1:
      return 'a';
    case 0x03BF:
      return 'o';
    case 0x03B5:
      return 'e';
    case 0x03B9:
      return 'i';
    case 0x03BA:
      return 'k';
    case 0x03BD:
      return 'v';
    case 0x03C1:
      return 'p';
    case 0x03C4:
      return 't';
    case 0x03C5:
      return 'u';
    default:
      return 0;
  }
}

// The letter a leet character stands for, or 0.
char32_t LeetLetter(char32_t c) {
  switch (c) {
    case '4':
      return 'a';
    case '@':
      return 'a';
    case '0':
      return 'o';
    case '1':
      return 'i';
    case '!':
      return 'i';
    case '3':
      return 'e';
    case '5':
      return 's';
    case '$':
      return 's';
    case '7':
      return 't';
    default:
      return 0;
  }
}

// Emoji that carry meaning in recruitment ads; others become word breaks.
const char* EmojiWord(char32_t c) {
  switch (c) {
    case 0x1F3B0:
      return "slot";  // 🎰
    case 0x1F3B2:
      return "dice";  // 🎲
    case 0x1F0CF:
      return "cards";  // 🃏
    case 0x1F4B0:
    case 0x1F4B5:
    case 0x1F4B4:
    case 0x1F4B6:
    case 0x1F4B7:
    case 0x1F4B8:
    case 0x1F911:
    case 0x1F4B2:
      return "money";  // 💰💵💴💶💷💸🤑💲
    case 0x2708:
    case 0x1F6EB:
    case 0x1F6EC:
    case 0x1F6E9:
      return "flight";  // ✈🛫🛬🛩
    case 0x1F3E0:
    case 0x1F3E1:
    case 0x1F3E2:
    case 0x1F6CF:
      return "house";  // 🏠🏡🏢🛏
    case 0x1F371:
    case 0x1F35A:
    case 0x1F35B:
    case 0x1F372:
    case 0x1F37D:
      return "food";
    case 0x1F4F1:
    case 0x260E:
    case 0x1F4DE:
      return "phone";  // 📱☎📞
    default:
      return nullptr;
  }
}

bool IsRegionalIndicator(char32_t c) { return c >= 0x1F1E6 && c <= 0x1F1FF; }

bool IsEmojiLike(char32_t c) {
  return (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF) ||
         (c >= 0x2B00 && c <= 0x2BFF) || (c >= 0x2190 && c <= 0x21FF) ||
         (c >= 0x25A0 && c <= 0x25FF);
}

// The hot character tests run once or more per character of every ad: ASCII takes a table and
// is forced inline; only other code points ask ICU.
enum : uint8_t { kAsciiLetter = 1, kAsciiDigit = 2, kAsciiWordish = 4 };
constexpr std::array<uint8_t, 128> kAsciiClass = [] {
  std::array<uint8_t, 128> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kAsciiLetter | kAsciiWordish;
  for (int c = '0'; c <= '9'; ++c) t[c] = kAsciiDigit | kAsciiWordish;
  for (char c : {'@', '$', '!', '*'}) t[static_cast<size_t>(c)] = kAsciiWordish;
  return t;
}();

[[gnu::always_inline]] inline bool IsLetter(char32_t c) {
  if (c < 0x80) return kAsciiClass[c] & kAsciiLetter;
  return u_isalpha(static_cast<UChar32>(c));
}

[[gnu::always_inline]] inline bool IsDigit(char32_t c) { return c >= '0' && c <= '9'; }

// Latin letters, including those with diacritics (Latin-1 Supplement and Extended-A/B).
bool IsLatinLetter(char32_t c) { return c < 0x250 && IsLetter(c); }

// Characters that may sit inside an obfuscated word: letters, digits, leet symbols, masks.
[[gnu::always_inline]] inline bool IsWordish(char32_t c) {
  if (c < 0x80) return kAsciiClass[c] & kAsciiWordish;
  return u_isalpha(static_cast<UChar32>(c));
}

bool IsSpacedSeparator(char32_t c) {
  return c == ' ' || c == '.' || c == '-' || c == '_' || c == 0xB7;
}

Span Union(Span a, Span b) { return {std::min(a.begin, b.begin), std::max(a.end, b.end)}; }

void PushWord(std::vector<Unit>& out, const char* word, Span origin) {
  if (out.empty() || out.back().c != ' ') out.push_back({' ', origin});
  for (const char* p = word; *p; ++p) out.push_back({static_cast<char32_t>(*p), origin});
  out.push_back({' ', origin});
}

// Pass 1: homoglyphs, flags and emoji.
std::vector<Unit> MapSymbols(const std::vector<Unit>& in, std::vector<Span>& obfuscations) {
  std::vector<Unit> out;
  out.reserve(in.size() + 16);
  for (size_t i = 0; i < in.size(); ++i) {
    const Unit& u = in[i];
    if (u.c < 0x80) {
      out.push_back(u);
      continue;
    }
    if (char32_t h = Homoglyph(u.c)) {
      out.push_back({h, u.origin});
      obfuscations.push_back(u.origin);
      continue;
    }
    if (IsRegionalIndicator(u.c) && i + 1 < in.size() && IsRegionalIndicator(in[i + 1].c)) {
      char word[8] = {'f',
                      'l',
                      'a',
                      'g',
                      '_',
                      static_cast<char>('a' + (u.c - 0x1F1E6)),
                      static_cast<char>('a' + (in[i + 1].c - 0x1F1E6)),
                      0};
      PushWord(out, word, Union(u.origin, in[i + 1].origin));
      ++i;
      continue;
    }
    if (const char* w = EmojiWord(u.c)) {
      PushWord(out, w, u.origin);
      continue;
    }
    if (IsEmojiLike(u.c)) {
      if (out.empty() || out.back().c != ' ') out.push_back({' ', u.origin});
      continue;
    }
    out.push_back(u);
  }
  return out;
}

// Pass 2: leet digits and symbols inside words; masks between letters become '*'.
// A run of leet characters is read as letters only where the word around it makes that likely:
// between letters ("k4mb0ja", "sl0t"), at the end after two or more letters ("jud1"), or a single
// one at the start before three or more letters ("4dmin"). Figures such as "15jt", "rp15" and
// "1000u" are left alone, so salaries still read as numbers.
// Words that carry a leet-looking digit by name: Indonesian placement-agency acronyms and the like.
bool IsDigitAcronym(const std::vector<Unit>& units, size_t b, size_t e) {
  static constexpr std::string_view kWords[] = {"p3mi", "bp3mi", "sip3mi", "mp3",
                                                "mp4",  "ps4",   "ps5"};
  for (std::string_view w : kWords) {
    if (e - b != w.size()) continue;
    bool same = true;
    for (size_t i = 0; i < w.size() && same; ++i)
      same = units[b + i].c == static_cast<char32_t>(w[i]);
    if (same) return true;
  }
  return false;
}

// "10h8m", "6d5n": a tour's days and nights (hari/malam, days/nights), not a disguised word.
bool IsDaysAndNights(const std::vector<Unit>& units, size_t b, size_t e) {
  size_t i = b;
  auto digits = [&] {
    const size_t start = i;
    while (i < e && IsDigit(units[i].c)) ++i;
    return i > start && i - start <= 2;
  };
  if (!digits() || i == e || (units[i].c != 'h' && units[i].c != 'd')) return false;
  ++i;
  return digits() && i + 1 == e && (units[i].c == 'm' || units[i].c == 'n');
}

void Deleet(std::vector<Unit>& units, std::vector<Span>& obfuscations) {
  const size_t n = units.size();
  size_t i = 0;
  while (i < n) {
    if (!IsWordish(units[i].c)) {
      ++i;
      continue;
    }
    size_t w_end = i;
    while (w_end < n && IsWordish(units[w_end].c)) ++w_end;
    // A leading '@' is a handle, a leading '$' a price: not part of the word.
    size_t w_begin = i;
    while (w_begin < w_end && (units[w_begin].c == '@' || units[w_begin].c == '$' ||
                               units[w_begin].c == '*' || units[w_begin].c == '!')) {
      ++w_begin;
    }
    // "rp5jt", "rm5k": a currency and a figure, not a word.
    const bool money = w_end - w_begin >= 3 && units[w_begin].c == 'r' &&
                       (units[w_begin + 1].c == 'p' || units[w_begin + 1].c == 'm') &&
                       IsDigit(units[w_begin + 2].c);
    // "hr@company.co.id": an e-mail address, whose '@' is not an 'a'.
    bool email = false;
    for (size_t j = w_begin + 1; j < w_end && !email; ++j) email = units[j].c == '@';
    email = email && w_end + 1 < n && (units[w_end].c == '.' || units[w_end].c == '-') &&
            (IsLatinLetter(units[w_end + 1].c) || IsDigit(units[w_end + 1].c));
    if (money || email || IsDigitAcronym(units, w_begin, w_end) ||
        IsDaysAndNights(units, w_begin, w_end)) {
      i = w_end;
      continue;
    }
    // Latin letters before each unit of the word, counted at its first run of non-letters
    // (most words have none): a long word without spaces (Chinese text) would otherwise be
    // counted again for every run of digits in it.
    thread_local std::vector<uint32_t> latin_before;
    bool counted = false;
    size_t k = w_begin, mapped = 0;
    while (k < w_end) {
      if (IsLetter(units[k].c)) {
        ++k;
        continue;
      }
      if (!counted) {
        latin_before.resize(w_end - w_begin + 1);
        latin_before[0] = 0;
        for (size_t j = w_begin; j < w_end; ++j) {
          latin_before[j - w_begin + 1] =
              latin_before[j - w_begin] + (IsLatinLetter(units[j].c) ? 1 : 0);
        }
        counted = true;
      }
      size_t r_end = k;
      while (r_end < w_end && !IsLetter(units[r_end].c)) ++r_end;
      const size_t len = r_end - k;
      // Leet disguises Latin words; between CJK characters "!" and digits are what they are.
      const bool letter_before = k > w_begin && IsLatinLetter(units[k - 1].c);
      const bool letter_after = r_end < w_end && IsLatinLetter(units[r_end].c);
      // Runs already read as letters count as letters, as they are by now.
      const size_t letters_before = latin_before[k - w_begin] + mapped;
      const size_t letters_after = latin_before[w_end - w_begin] - latin_before[r_end - w_begin];
      bool all_leet = true, all_mask = true;
      for (size_t j = k; j < r_end; ++j) {
        all_leet = all_leet && LeetLetter(units[j].c) != 0;
        all_mask = all_mask && units[j].c == '*';
      }
      if (all_mask && letter_before && letter_after && len <= 2) {
        k = r_end;  // "j*di": the mask stays as '*'
        continue;
      }
      // A '!' or '$' ending a word is an exclamation ("Kamboja!") or a currency ("NT$"), not a
      // letter.
      const bool trailing_punct = r_end == w_end && (units[k].c == '!' || units[k].c == '$');
      const bool map = all_leet && len <= 2 && !trailing_punct &&
                       ((letter_before && letter_after) ||
                        (letter_before && r_end == w_end && letters_before >= 2 && len == 1) ||
                        (k == w_begin && len == 1 && letters_after >= 3));
      if (map) {
        Span s = units[k].origin;
        for (size_t j = k; j < r_end; ++j) {
          units[j].c = LeetLetter(units[j].c);
          s = Union(s, units[j].origin);
        }
        mapped += len;
        obfuscations.push_back(s);
      }
      k = r_end;
    }
    i = w_end;
  }
}

// Pass 3: joins three or more single letters separated by one and the same separator
// ("k a m b o j a", "j.u.d.i", "s-l-o-t"). A leet character counts as a letter here. Works in
// place: the output is never longer than the input.
void JoinSpacedLetters(std::vector<Unit>& units, std::vector<Span>& obfuscations) {
  const size_t n = units.size();
  auto single_at = [&](size_t i) {
    // units[i] is a letter (or leet char) standing alone between non-word characters.
    if (i >= n) return false;
    const char32_t c = units[i].c;
    if (!(IsLetter(c) || LeetLetter(c))) return false;
    if (i > 0 && IsWordish(units[i - 1].c)) return false;
    if (i + 1 < n && IsWordish(units[i + 1].c)) return false;
    return true;
  };
  // The separator must sit right between the two letters in the original text: where the folded
  // view collapsed a run of spaces ("L O K E R   K A M B O J A"), the wider gap is a word break.
  auto tight = [&](size_t a) {
    return units[a].origin.end == units[a + 1].origin.begin &&
           units[a + 1].origin.end == units[a + 2].origin.begin;
  };
  // Reads run ahead of writes (out <= i), and the units left of i that single_at looks at are
  // still the original ones, so compacting in place is safe.
  size_t out = 0, i = 0;
  while (i < n) {
    if (single_at(i) && i + 2 < n && IsSpacedSeparator(units[i + 1].c)) {
      const char32_t sep = units[i + 1].c;
      size_t count = 1, j = i;
      while (j + 2 < n && units[j + 1].c == sep && single_at(j + 2) && tight(j)) {
        j += 2;
        ++count;
      }
      size_t letters = 0;
      for (size_t k = i; k <= j; k += 2) letters += IsLetter(units[k].c);
      if (count >= 3 && letters >= 2) {
        Span s = units[i].origin;
        for (size_t k = i; k <= j; k += 2) {
          char32_t c = units[k].c;
          if (!IsLetter(c)) c = LeetLetter(c);
          s = Union(s, units[k].origin);
          units[out++] = {c, units[k].origin};
        }
        obfuscations.push_back(s);
        i = j + 1;
        continue;
      }
    }
    units[out++] = units[i++];
  }
  units.resize(out);
}

// Collapses runs of spaces and trims both ends, in place.
void CollapseSpaces(std::vector<Unit>& units) {
  size_t out = 0;
  for (size_t i = 0; i < units.size(); ++i) {
    if (units[i].c == ' ' && (out == 0 || units[out - 1].c == ' ')) continue;
    units[out++] = units[i];
  }
  while (out > 0 && units[out - 1].c == ' ') --out;
  units.resize(out);
}

bool AllAscii(const std::vector<Unit>& units) {
  return std::all_of(units.begin(), units.end(), [](const Unit& u) { return u.c < 0x80; });
}

}  // namespace

TextView Encode(const std::vector<Unit>& units) {
  TextView v;
  // ASCII units write one byte each straight into place; the rest is appended.
  size_t ascii = 0;
  while (ascii < units.size() && units[ascii].c < 0x80) ++ascii;
  v.text.resize(ascii);
  v.origin.resize(ascii);
  for (size_t i = 0; i < ascii; ++i) {
    v.text[i] = static_cast<char>(units[i].c);
    v.origin[i] = units[i].origin;
  }
  if (ascii == units.size()) return v;
  v.text.reserve(units.size() + 16);
  v.origin.reserve(units.size() + 16);
  for (size_t i = ascii; i < units.size(); ++i) {
    const Unit& u = units[i];
    if (u.c < 0x80) {
      v.text.push_back(static_cast<char>(u.c));
      v.origin.push_back(u.origin);
      continue;
    }
    char buf[4];
    int32_t len = 0;
    UBool error = false;
    U8_APPEND(reinterpret_cast<uint8_t*>(buf), len, 4, static_cast<UChar32>(u.c), error);
    if (error) continue;
    v.text.append(buf, static_cast<size_t>(len));
    v.origin.insert(v.origin.end(), static_cast<size_t>(len), u.origin);
  }
  return v;
}

std::vector<Unit> SkeletonUnits(const std::vector<Unit>& folded, std::vector<Span>& obfuscations) {
  // Homoglyphs, flags and emoji are all outside ASCII: most job ads need no mapping at all.
  std::vector<Unit> s = AllAscii(folded) ? folded : MapSymbols(folded, obfuscations);
  Deleet(s, obfuscations);
  JoinSpacedLetters(s, obfuscations);
  CollapseSpaces(s);
  return s;
}

namespace {

// True when a skeleton pass could change the folded text `t`: a word mixing letters with digits
// or leet symbols, a single letter followed by a separator (spaced-out letters), or a code point
// the symbol pass maps (homoglyphs, flags, emoji). Most ads contain none, and then the skeleton
// is the folded view itself.
bool SkeletonMayDiffer(const std::string& t) {
  const auto* s = reinterpret_cast<const uint8_t*>(t.data());
  const auto n = static_cast<int32_t>(t.size());
  int32_t i = 0;
  bool in_word = false, letter = false, other = false;
  int32_t word_len = 0;
  auto end_word = [&](int32_t at) {
    if (in_word && letter && other) return true;
    // A single letter, a separator and another single letter ("k a", "j.u", "高 薪"): maybe
    // spaced out. A character outside ASCII after the separator is taken as maybe a letter, so
    // that this check never says "no" where JoinSpacedLetters would join.
    if (in_word && word_len == 1 && at + 1 < n && s[at] < 0x80 &&
        IsSpacedSeparator(static_cast<char32_t>(s[at])) &&
        (s[at + 1] >= 0x80 || (kAsciiClass[s[at + 1]] & kAsciiWordish)) &&
        (at + 2 >= n || !(s[at + 2] < 0x80 && (kAsciiClass[s[at + 2]] & kAsciiWordish)))) {
      return true;
    }
    in_word = letter = other = false;
    word_len = 0;
    return false;
  };
  while (i < n) {
    const int32_t at = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) continue;
    const auto cc = static_cast<char32_t>(c);
    if (cc >= 0x80 &&
        (Homoglyph(cc) || IsRegionalIndicator(cc) || EmojiWord(cc) || IsEmojiLike(cc)))
      return true;
    if (IsWordish(cc)) {
      in_word = true;
      ++word_len;
      if (IsLetter(cc)) {
        letter = true;
      } else {
        other = true;
      }
    } else if (end_word(at)) {
      return true;
    }
  }
  return end_word(n);
}

// The code points of a view, each with its origin.
std::vector<Unit> UnitsOf(const TextView& v) {
  std::vector<Unit> units;
  units.reserve(v.text.size());
  const auto* s = reinterpret_cast<const uint8_t*>(v.text.data());
  const auto n = static_cast<int32_t>(v.text.size());
  int32_t i = 0;
  while (i < n) {
    const int32_t at = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c >= 0) units.push_back({static_cast<char32_t>(c), v.origin[static_cast<size_t>(at)]});
  }
  return units;
}

}  // namespace

NormalizedText Normalize(std::string_view text) {
  NormalizedText out;
  Folder(text).Run(out.folded, out.obfuscations);
  if (SkeletonMayDiffer(out.folded.text)) {
    out.skeleton = Encode(SkeletonUnits(UnitsOf(out.folded), out.obfuscations));
  } else {
    out.skeleton = out.folded;
  }
  std::sort(out.obfuscations.begin(), out.obfuscations.end(),
            [](const Span& a, const Span& b) { return a.begin < b.begin; });
  return out;
}

Span ToOriginal(const TextView& view, size_t begin, size_t end) {
  return {view.origin[begin].begin, view.origin[end - 1].end};
}

}  // namespace adwatch::classifier
