#include "entities.h"

#include <phonenumbers/phonenumbermatch.h>
#include <phonenumbers/phonenumbermatcher.h>
#include <phonenumbers/phonenumberutil.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>

#include "adwatch/classifier/normalize.h"

namespace adwatch::classifier {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberMatch;
using i18n::phonenumbers::PhoneNumberMatcher;
using i18n::phonenumbers::PhoneNumberUtil;

RE2::Options CaseInsensitive() {
  RE2::Options o;
  o.set_case_sensitive(false);
  o.set_log_errors(false);
  return o;
}

bool Overlaps(Span a, Span b) { return a.begin < b.end && b.begin < a.end; }

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Phones

// Digits spelled as words (Indonesian, Malay, English), as recruiters write them to dodge filters.
int DigitWord(std::string_view w) {
  static constexpr std::array<std::pair<std::string_view, int>, 25> kWords{{
      {"nol", 0},   {"kosong", 0},   {"sifar", 0}, {"zero", 0},    {"satu", 1},
      {"one", 1},   {"dua", 2},      {"two", 2},   {"tiga", 3},    {"three", 3},
      {"empat", 4}, {"four", 4},     {"lima", 5},  {"five", 5},    {"enam", 6},
      {"six", 6},   {"tujuh", 7},    {"seven", 7}, {"delapan", 8}, {"lapan", 8},
      {"eight", 8}, {"sembilan", 9}, {"nine", 9},  {"oh", 0},      {"kosng", 0},
  }};
  // Every text's every word comes here: most start with a letter no digit word starts with.
  static constexpr std::array<bool, 256> kFirstLetters = [] {
    std::array<bool, 256> first{};
    for (const auto& entry : kWords) first[static_cast<unsigned char>(entry.first.front())] = true;
    return first;
  }();
  if (!kFirstLetters[static_cast<unsigned char>(w.front())]) return -1;
  for (const auto& [word, digit] : kWords) {
    if (w.size() == word.size() && w == word) return digit;
  }
  return -1;
}

// The folded view with runs of four or more spelled digits ("nol delapan satu dua ...")
// rewritten as digits, each digit keeping its word's origin; nullopt when the text has no such
// run (nearly always), so that nothing is copied.
std::optional<TextView> SpelledDigitsToDigits(const TextView& folded) {
  const std::string& t = folded.text;
  struct Token {
    size_t b, e;
    int digit;  // -1: not a digit word
  };
  // Two passes: the first only looks for a run (nearly always in vain), the second, rare one
  // keeps the tokens.
  std::vector<Token> tokens;
  for (bool keep : {false, true}) {
    size_t i = 0, run_len = 0;
    bool any_run = false;
    while (i < t.size()) {
      if (t[i] == ' ' || t[i] == '-' || t[i] == ',') {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < t.size() && t[j] != ' ' && t[j] != '-' && t[j] != ',') ++j;
      // Digit words are 2–8 letters: most tokens fail that before any comparison.
      const size_t len = j - i;
      const int digit = len >= 2 && len <= 8 ? DigitWord(std::string_view(t).substr(i, len)) : -1;
      run_len = digit >= 0 ? run_len + 1 : 0;
      any_run |= run_len >= 4;
      if (keep) tokens.push_back({i, j, digit});
      i = j;
    }
    if (!any_run) return std::nullopt;
  }
  TextView out;
  out.text.reserve(t.size());
  out.origin.reserve(t.size());
  size_t copied = 0;
  for (size_t k = 0; k < tokens.size();) {
    size_t run = k;
    while (run < tokens.size() && tokens[run].digit >= 0) ++run;
    if (run - k >= 4) {
      out.text.append(t, copied, tokens[k].b - copied);
      out.origin.insert(out.origin.end(), folded.origin.begin() + static_cast<long>(copied),
                        folded.origin.begin() + static_cast<long>(tokens[k].b));
      for (size_t d = k; d < run; ++d) {
        out.text.push_back(static_cast<char>('0' + tokens[d].digit));
        out.origin.push_back(ToOriginal(folded, tokens[d].b, tokens[d].e));
      }
      copied = tokens[run - 1].e;
      k = run;
    } else {
      k = run == k ? k + 1 : run;
    }
  }
  out.text.append(t, copied, std::string::npos);
  out.origin.insert(out.origin.end(), folded.origin.begin() + static_cast<long>(copied),
                    folded.origin.end());
  return out;
}

bool MentionsWhatsAppBefore(const std::string& t, size_t pos) {
  // The word must come right before the number ("WA: 0812…", "whatsapp 0812…"), so that in
  // "WA 0812… / 0813…" only the first number reads as WhatsApp.
  static const RE2 re(
      "(?:^|[^a-z])(?:wa|w\\.a|whatsapp|whats app|wasap|watsap|whatsap|wsp)[^a-z0-9]{0,4}$",
      CaseInsensitive());
  const size_t from = pos > 24 ? pos - 24 : 0;
  return RE2::PartialMatch(re2::StringPiece(t.data() + from, pos - from), re);
}

// Stretches of text that may hold a phone number: at least seven digits with only spaces,
// dashes, dots, brackets or a leading '+' between them. libphonenumber's matcher is thorough but
// slow over long texts, so it only sees these stretches (with a little context on each side).
std::vector<std::pair<size_t, size_t>> PhoneCandidates(const std::string& t) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t i = 0;
  while (i < t.size()) {
    if (!IsAsciiDigit(t[i])) {
      ++i;
      continue;
    }
    size_t j = i, digits = 0, last_digit = i;
    while (j < t.size()) {
      const char c = t[j];
      if (IsAsciiDigit(c)) {
        ++digits;
        last_digit = j;
      } else if (!(c == ' ' || c == '-' || c == '.' || c == '(' || c == ')')) {
        break;
      }
      // Two separators in a row end the run ("0812 - 3456" still joins; "12 . . 34" does not).
      if (!IsAsciiDigit(c) && j + 1 < t.size() && !IsAsciiDigit(t[j + 1]) && t[j + 1] != '(' &&
          t[j + 1] != ' ' && t[j + 1] != '-') {
        break;
      }
      ++j;
    }
    if (digits >= 7) {
      size_t b = i;
      // Take a "+", "(" or country prefix just before the digits along.
      while (b > 0 && (t[b - 1] == '+' || t[b - 1] == '(' || t[b - 1] == ' ') && i - b < 3) --b;
      // A phone number is written with '+', a trunk '0', an area code in brackets or the
      // country code 62; anything else short ("2024-03-23", "100 000 000") is a date or figure.
      const bool plausible_start = t[b] == '+' || t[b] == '(' || t[i] == '0' ||
                                   (i + 1 < t.size() && t[i] == '6' && t[i + 1] == '2');
      if (plausible_start || digits >= 10) out.emplace_back(b, last_digit + 1);
    }
    i = std::max(j, i + 1);
  }
  return out;
}

// "15.000.000" or "1,200,000": an amount with thousands separators, not a phone number.
bool LooksLikeAmount(const std::string& w) {
  size_t i = 0;
  while (i < w.size() && !IsAsciiDigit(w[i])) ++i;
  size_t head = 0;
  while (i < w.size() && IsAsciiDigit(w[i])) ++head, ++i;
  if (head == 0 || head > 3 || i >= w.size() || (w[i] != '.' && w[i] != ',')) return false;
  const char sep = w[i];
  int groups = 0;
  while (i < w.size() && w[i] == sep) {
    size_t g = 0;
    ++i;
    while (i < w.size() && IsAsciiDigit(w[i])) ++g, ++i;
    if (g != 3) return false;
    ++groups;
  }
  return groups >= 2 && i == w.size();
}

// What libphonenumber makes of one candidate stretch (PhoneCandidates) read in a region.
struct ParsedPhone {
  bool valid = false;  // parsed and a valid number
  std::string e164;
  std::string region;  // the region code the number belongs to
  bool landline = false;
};

// Parses `window` in `region`, remembering the answer: parsing is the costliest step of entity
// extraction, and the same stretches come back ad after ad (a recruiter's number, "08.00-17.00"
// working hours). The memory is per thread, so Classify stays lock-free, and is dropped whole when
// it grows past a few thousand entries.
const ParsedPhone& ParsePhone(const std::string& window, const std::string& region) {
  thread_local std::unordered_map<std::string, ParsedPhone> memo;
  std::string key;
  key.reserve(region.size() + 1 + window.size());
  key.append(region).push_back('\0');
  key.append(window);
  if (auto it = memo.find(key); it != memo.end()) return it->second;
  if (memo.size() >= 4096) memo.clear();
  ParsedPhone parsed;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(window, region, &number) == PhoneNumberUtil::NO_PARSING_ERROR &&
      util.IsValidNumber(number)) {
    parsed.valid = true;
    util.Format(number, PhoneNumberUtil::E164, &parsed.e164);
    util.GetRegionCodeForNumber(number, &parsed.region);
    parsed.landline = util.GetNumberType(number) == PhoneNumberUtil::FIXED_LINE;
  }
  return memo.emplace(std::move(key), std::move(parsed)).first->second;
}

void FindPhones(std::string_view field, const NormalizedText& views, const Gazetteer& gazetteer,
                const std::string& region, Entities& out) {
  if (views.folded.text.empty()) return;
  const std::optional<TextView> rewritten = SpelledDigitsToDigits(views.folded);
  const TextView& digits = rewritten ? *rewritten : views.folded;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::set<std::pair<std::string, uint32_t>> seen;
  auto add_parsed = [&](const ParsedPhone& parsed, size_t b, size_t e) {
    Contact c;
    c.kind = MentionsWhatsAppBefore(digits.text, b) ? ContactKind::kWhatsApp : ContactKind::kPhone;
    c.value = parsed.e164;
    c.field = std::string(field);
    c.span = {digits.origin[b].begin, digits.origin[e - 1].end};
    c.region = parsed.region;
    c.landline = parsed.landline;
    if (c.landline) c.area = gazetteer.ProvinceOfLandline(parsed.e164);
    if (seen.emplace(c.value, c.span.begin).second) out.contacts.push_back(std::move(c));
  };
  auto add = [&](const PhoneNumber& number, size_t b, size_t e) {
    ParsedPhone parsed;
    util.Format(number, PhoneNumberUtil::E164, &parsed.e164);
    util.GetRegionCodeForNumber(number, &parsed.region);
    parsed.landline = util.GetNumberType(number) == PhoneNumberUtil::FIXED_LINE;
    add_parsed(parsed, b, e);
  };
  for (const auto& [cb, ce] : PhoneCandidates(digits.text)) {
    const std::string window = digits.text.substr(cb, ce - cb);
    if (LooksLikeAmount(window)) continue;
    const size_t n = static_cast<size_t>(std::count_if(window.begin(), window.end(), IsAsciiDigit));
    if (n <= 15) {
      // One number: parsing it directly is far cheaper than running the matcher.
      if (const ParsedPhone& parsed = ParsePhone(window, region); parsed.valid) {
        size_t b = cb;
        while (b < ce && !IsAsciiDigit(digits.text[b]) && digits.text[b] != '+' &&
               digits.text[b] != '(')
          ++b;
        add_parsed(parsed, b, ce);
      }
      continue;
    }
    // Several numbers in one run: let the matcher split them.
    PhoneNumberMatcher matcher(util, window, region, PhoneNumberMatcher::VALID, 50);
    while (matcher.HasNext()) {
      PhoneNumberMatch m;
      if (!matcher.Next(&m)) break;
      const size_t b = cb + static_cast<size_t>(m.start());
      const size_t e = cb + static_cast<size_t>(m.end());
      if (e > b && e <= ce) add(m.number(), b, e);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Links, handles and e-mail addresses, read from the original text.

struct HandlePattern {
  const char* re;
  ContactKind kind;
};

std::string E164FromDigits(const std::string& digits) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber n;
  if (util.Parse("+" + digits, "ZZ", &n) != PhoneNumberUtil::NO_PARSING_ERROR) return "";
  std::string e164;
  util.Format(n, PhoneNumberUtil::E164, &e164);
  return e164;
}

void AddContact(Entities& out, ContactKind kind, std::string value, std::string_view field,
                Span span) {
  for (const Contact& c : out.contacts) {
    if (c.field == field && Overlaps(c.span, span)) return;  // a phone already read there
  }
  Contact c;
  c.kind = kind;
  c.value = std::move(value);
  c.field = std::string(field);
  c.span = span;
  out.contacts.push_back(std::move(c));
}

void FindLinksAndHandles(std::string_view field, std::string_view text, Entities& out) {
  const re2::StringPiece input(text.data(), text.size());
  auto span_of = [&](const re2::StringPiece& whole) {
    const auto b = static_cast<uint32_t>(whole.data() - text.data());
    return Span{b, b + static_cast<uint32_t>(whole.size())};
  };
  // Most texts hold no link or handle at all: one pass of a Set over every pattern below says
  // which can match, and only those run (each run is a full scan of the text).
  static const char* const kAll[] = {"(?:wa\\.me/|whatsapp\\.com/send)",
                                     "chat\\.whatsapp\\.com/",
                                     "(?:t|telegram)\\.(?:me|dog)/",
                                     "line\\.me/",
                                     "\\bline",
                                     "(?:wechat|weixin|微信|\\bvx|\\bwx)",
                                     "(?:telegram|\\btele|\\btg|飞机)",
                                     "@"};
  static const RE2::Set* prefilter = [] {
    auto* set = new RE2::Set(CaseInsensitive(), RE2::UNANCHORED);  // lives as long as the process
    for (const char* p : kAll) set->Add(p, nullptr);
    set->Compile();
    return set;
  }();
  std::vector<int> which;
  if (!prefilter->Match(re2::StringPiece(text.data(), text.size()), &which)) return;
  bool has[8] = {};
  for (int w : which) has[w] = true;
  const bool has_at = has[7];

  // WhatsApp links first: their number also reads as a phone, and the link says more.
  if (has[0]) {
    static const RE2 re(
        "((?:https?://)?(?:wa\\.me/|(?:api\\.)?whatsapp\\.com/send/?\\?phone=)\\+?(\\d{7,15}))",
        CaseInsensitive());
    re2::StringPiece in = input, whole, num;
    while (RE2::FindAndConsume(&in, re, &whole, &num)) {
      std::string e164 = E164FromDigits(std::string(num));
      if (e164.empty()) continue;
      const Span s = span_of(whole);
      // Replace a plain phone read inside the link.
      out.contacts.erase(
          std::remove_if(out.contacts.begin(), out.contacts.end(),
                         [&](const Contact& c) { return c.field == field && Overlaps(c.span, s); }),
          out.contacts.end());
      AddContact(out, ContactKind::kWhatsApp, e164, field, s);
    }
  }
  static const std::array<HandlePattern, 8> kPatterns{{
      {"((?:https?://)?chat\\.whatsapp\\.com/([A-Za-z0-9]{10,40}))", ContactKind::kWhatsApp},
      {"((?:https?://)?(?:t|telegram)\\.(?:me|dog)/(?:s/)?((?:joinchat/)?\\+?[A-Za-z0-9_-]{4,64}))",
       ContactKind::kTelegram},
      {"((?:https?://)?line\\.me/(?:ti/p/|R/ti/p/)?~?@?([A-Za-z0-9._-]{3,40}))",
       ContactKind::kLine},
      {"((?:\\bid\\s*line|\\bline\\s*id|\\bline)\\s*[:：=]\\s*@?([A-Za-z0-9._-]{3,20}))",
       ContactKind::kLine},
      {"((?:\\bwechat|\\bweixin|微信|\\bvx|\\bwx)\\s*(?:id)?\\s*[:：=]?\\s*([A-Za-z][A-Za-z0-9_-]{"
       "5,19}))",
       ContactKind::kWeChat},
      {"((?:\\btelegram|\\btele|\\btg|飞机)\\s*(?:id)?\\s*[:：=]?\\s*@([A-Za-z][A-Za-z0-9_]{3,31})"
       ")",
       ContactKind::kTelegram},
      {"((?:\\btelegram|\\btele|\\btg|飞机)\\s*(?:id)?\\s*[:：=]\\s*([A-Za-z][A-Za-z0-9_]{3,31}))",
       ContactKind::kTelegram},
      {"(\\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})",
       ContactKind::kEmail},
  }};
  static const auto* compiled = [] {
    auto* v = new std::vector<std::unique_ptr<RE2>>;  // never freed: lives as long as the process
    for (const HandlePattern& p : kPatterns)
      v->push_back(std::make_unique<RE2>(p.re, CaseInsensitive()));
    return v;
  }();
  for (size_t i = 0; i < kPatterns.size(); ++i) {
    const HandlePattern& p = kPatterns[i];
    // Each pattern runs only when its marker is in the text.
    static constexpr int kNeeds[] = {1, 2, 3, 4, 5, 6, 6, 7};
    if (!has[kNeeds[i]]) continue;
    const RE2& re = *(*compiled)[i];
    re2::StringPiece in = input, whole, value;
    const bool has_value = re.NumberOfCapturingGroups() >= 2;
    while (has_value ? RE2::FindAndConsume(&in, re, &whole, &value)
                     : RE2::FindAndConsume(&in, re, &whole)) {
      std::string v = has_value ? std::string(value) : std::string(whole);
      if (p.kind != ContactKind::kWhatsApp) v = Lower(v);
      if (p.kind == ContactKind::kTelegram && (v == "s" || v == "share" || v == "joinchat"))
        continue;
      if (p.kind == ContactKind::kWhatsApp) v = "group/" + v;
      // A Telegram post link names its channel: t.me/channel/123 → channel.
      AddContact(out, p.kind, v, field, span_of(whole));
    }
  }
  // Bare @handles: Telegram unless the words before name another network.
  if (has_at) {
    static const RE2 re("(?:^|[^A-Za-z0-9_@.])(@([A-Za-z][A-Za-z0-9_]{3,31}))", CaseInsensitive());
    static const RE2 other("(?:instagram|\\big\\b|tiktok|twitter|facebook|\\bfb\\b)",
                           CaseInsensitive());
    re2::StringPiece in = input, whole, handle;
    while (RE2::FindAndConsume(&in, re, &whole, &handle)) {
      const Span s = span_of(whole);
      const size_t from = s.begin > 20 ? s.begin - 20 : 0;
      if (RE2::PartialMatch(re2::StringPiece(text.data() + from, s.begin - from), other)) continue;
      AddContact(out, ContactKind::kTelegram, Lower(std::string(handle)), field, s);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Salaries, read from the folded view.

// Parses "15.000.000", "1,200", "1.5", "1,5" and "800". A '.' or ',' followed by exactly three
// digits groups thousands (Indonesian "1.500" and English "1,500" both mean 1500); any other is
// a decimal mark ("1,5 juta", "1.2k").
std::optional<double> ParseAmount(std::string_view s) {
  std::vector<std::string_view> groups;
  std::vector<char> seps;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.' || s[i] == ',') {
      groups.push_back(s.substr(start, i - start));
      seps.push_back(s[i]);
      start = i + 1;
    }
  }
  groups.push_back(s.substr(start));
  for (auto g : groups) {
    if (g.empty() || g.size() > 12) return std::nullopt;
  }
  auto to_num = [](std::string_view g) {
    double v = 0;
    for (char c : g) v = v * 10 + (c - '0');
    return v;
  };
  double int_part = to_num(groups[0]);
  size_t k = 1;
  for (; k < groups.size(); ++k) {
    const bool last = k + 1 == groups.size();
    const bool thousands = groups[k].size() == 3 && groups[0].size() <= 3 &&
                           !(last && k > 1 && seps[k - 1] != seps[0]);
    if (!thousands) break;
    int_part = int_part * 1000 + to_num(groups[k]);
  }
  if (k == groups.size()) return int_part;
  if (k + 1 != groups.size()) return std::nullopt;  // "1.2.3"
  return int_part + to_num(groups[k]) / std::pow(10.0, static_cast<double>(groups[k].size()));
}

struct Word {
  std::string_view text;
  const char* value;
};

// Returns the entry of `words` that `t` starts with at `pos` as a whole word, or nullptr.
const Word* StartsWithWord(const std::string& t, size_t pos, const std::vector<Word>& words,
                           bool need_boundary = true) {
  for (const Word& w : words) {
    if (t.compare(pos, w.text.size(), w.text) != 0) continue;
    const size_t e = pos + w.text.size();
    const bool ascii_word = IsAsciiLetter(w.text.back());
    if (need_boundary && ascii_word && e < t.size() && IsAsciiLetter(t[e])) continue;
    return &w;
  }
  return nullptr;
}

size_t SkipSpaces(const std::string& t, size_t pos) {
  while (pos < t.size() && t[pos] == ' ') ++pos;
  return pos;
}

// "¥" writes both the yen and the yuan: FindSalaries reads it as yen in a text about Japan
// ("magang Jepang, gaji ¥150.000/bulan") and as yuan elsewhere.
constexpr const char* kYenOrYuan = "¥";

// Whether the folded text speaks of Japan, so that its "¥" amounts are yen.
bool MentionsJapan(const std::string& t) {
  static constexpr std::string_view kWords[] = {"jepang", "japan", "japanese", "nihon", "yen"};
  for (std::string_view w : kWords) {
    for (size_t at = t.find(w); at != std::string::npos; at = t.find(w, at + 1)) {
      const bool starts = at == 0 || !IsAsciiLetter(t[at - 1]);
      const bool ends = at + w.size() >= t.size() || !IsAsciiLetter(t[at + w.size()]);
      if (starts && ends) return true;
    }
  }
  return t.find("日本") != std::string::npos || t.find("円") != std::string::npos;
}

const std::vector<Word>& CurrencyPrefixes() {
  // Longer prefixes that end in '$' come before "$" itself: "NT$ 27,470" is Taiwan dollars.
  static const std::vector<Word> k{
      {"rp.", "IDR"},    {"rp", "IDR"},  {"idr", "IDR"}, {"usdt", "USDT"}, {"usd", "USD"},
      {"us$", "USD"},    {"nt$", "TWD"}, {"s$", "SGD"},  {"hk$", "HKD"},   {"$", "USD"},
      {"rm", "MYR"},     {"myr", "MYR"}, {"sgd", "SGD"}, {"thb", "THB"},   {"฿", "THB"},
      {"php", "PHP"},    {"₱", "PHP"},   {"€", "EUR"},   {"eur", "EUR"},   {"aed", "AED"},
      {"¥", kYenOrYuan}, {"cny", "CNY"}, {"rmb", "CNY"}, {"vnd", "VND"},   {"hkd", "HKD"},
      {"krw", "KRW"},    {"₩", "KRW"},   {"jpy", "JPY"}, {"sar", "SAR"},   {"qar", "QAR"},
      {"kwd", "KWD"},    {"omr", "OMR"}};
  return k;
}

const std::vector<Word>& CurrencySuffixes() {
  // "real" is how Indonesian posts write the Saudi riyal ("gaji 2rb real").
  static const std::vector<Word> k{
      {"usdt", "USDT"},  {"usd", "USD"},   {"u", "USDT"},      {"$", "USD"},     {"dollars", "USD"},
      {"dollar", "USD"}, {"dolar", "USD"}, {"ringgit", "MYR"}, {"rm", "MYR"},    {"baht", "THB"},
      {"pesos", "PHP"},  {"peso", "PHP"},  {"rupiah", "IDR"},  {"yuan", "CNY"},  {"元", "CNY"},
      {"vnd", "VND"},    {"dong", "VND"},  {"đ", "VND"},       {"sgd", "SGD"},   {"myr", "MYR"},
      {"won", "KRW"},    {"yen", "JPY"},   {"aed", "AED"},     {"php", "PHP"},   {"thb", "THB"},
      {"hkd", "HKD"},    {"eur", "EUR"},   {"印尼盾", "IDR"},  {"新元", "SGD"},  {"令吉", "MYR"},
      {"美元", "USD"},   {"riyal", "SAR"}, {"rial", "SAR"},    {"reyal", "SAR"}, {"sar", "SAR"},
      {"dirham", "AED"}, {"dhs", "AED"},   {"qar", "QAR"},     {"kwd", "KWD"},   {"dinar", "KWD"},
      {"omr", "OMR"},    {"bhd", "BHD"},   {"lira", "TRY"},    {"円", "JPY"},    {"real", "SAR"}};
  return k;
}

// Multipliers; the value names the currency they imply when none is written.
const std::vector<Word>& Multipliers() {
  static const std::vector<Word> k{{"jutaan", "IDR"}, {"juta", "IDR"},  {"jt", "IDR"},
                                   {"ribu", "IDR"},   {"rb", "IDR"},    {"million", ""},
                                   {"mil", ""},       {"trieu", "VND"}, {"万", "CNY"},
                                   {"千", "CNY"},     {"k", ""}};
  return k;
}

// What a price is counted in ("rp 38 jt / pasangan", "usd 1,200 per pax"): an amount per one of
// these is what something costs, not what a job pays.
const std::vector<Word>& PriceUnits() {
  static const std::vector<Word> k{{"pasangan", ""}, {"pasang", ""}, {"pax", ""},
                                   {"paket", ""},    {"couple", ""}, {"person", ""},
                                   {"orang", ""},    {"org", ""},    {"peserta", ""}};
  return k;
}

double MultiplierValue(std::string_view m) {
  if (m == "jutaan" || m == "juta" || m == "jt" || m == "million" || m == "mil" || m == "trieu") {
    return 1e6;
  }
  if (m == "万") return 1e4;
  return 1e3;  // ribu, rb, k, 千
}

const std::vector<Word>& PeriodWords() {
  static const std::vector<Word> k{
      {"bulan", "month"}, {"bln", "month"},   {"month", "month"}, {"mth", "month"},
      {"mo", "month"},    {"thang", "month"}, {"月", "month"},    {"minggu", "week"},
      {"mgg", "week"},    {"week", "week"},   {"wk", "week"},     {"hari", "day"},
      {"hr", "day"},      {"day", "day"},     {"ngay", "day"},    {"天", "day"},
      {"jam", "hour"},    {"hour", "hour"},   {"gio", "hour"},    {"tahun", "year"},
      {"thn", "year"},    {"year", "year"},   {"yr", "year"},     {"annum", "year"},
      {"年", "year"}};
  return k;
}

const std::vector<Word>& PeriodAdverbs() {
  static const std::vector<Word> k{{"monthly", "month"}, {"bulanan", "month"}, {"sebulan", "month"},
                                   {"weekly", "week"},   {"mingguan", "week"}, {"seminggu", "week"},
                                   {"daily", "day"},     {"harian", "day"},    {"sehari", "day"},
                                   {"hourly", "hour"},   {"annually", "year"}, {"tahunan", "year"},
                                   {"setahun", "year"}};
  return k;
}

double MonthlyFactor(std::string_view period) {
  if (period == "hour") return 8 * 26;
  if (period == "day") return 26;
  if (period == "week") return 4.33;
  if (period == "year") return 1.0 / 12;
  return 1;
}

struct Amount {
  size_t begin = 0, end = 0;  // in the folded text, currency prefix to suffix
  double value = 0;
  std::string currency;
  double multiplier = 1;
  bool has_multiplier = false;
  // "mil" is also a mile ("SKK 60 mil", a skipper's 60-mile licence): money only beside a
  // currency or a pay word.
  bool miles_or_millions = false;
  std::string implied_currency;  // from the multiplier ("jt" → IDR)
};

// Reads [currency] number [multiplier] [currency] at `pos` (the number's first digit is at
// `num_begin`, ending at `num_end`).
std::optional<Amount> ReadAmount(const std::string& t, size_t num_begin, size_t num_end) {
  Amount a;
  auto v = ParseAmount(std::string_view(t).substr(num_begin, num_end - num_begin));
  if (!v) return std::nullopt;
  a.value = *v;
  a.begin = num_begin;
  // Currency written before the number ("rp 15.000.000", "$1,200", "rm8000").
  size_t before = num_begin;
  if (before > 0 && t[before - 1] == ' ') --before;
  for (const Word& w : CurrencyPrefixes()) {
    if (before < w.text.size()) continue;
    const size_t at = before - w.text.size();
    if (t.compare(at, w.text.size(), w.text) != 0) continue;
    if (IsAsciiLetter(w.text[0]) && at > 0 && IsAsciiLetter(t[at - 1])) continue;
    a.currency = w.value;
    a.begin = at;
    break;
  }
  size_t pos = num_end;
  // "1k2" means 1.2k.
  if (pos + 1 < t.size() && t[pos] == 'k' && IsAsciiDigit(t[pos + 1])) {
    size_t d = pos + 1;
    double frac = 0, scale = 0.1;
    while (d < t.size() && IsAsciiDigit(t[d])) {
      frac += (t[d] - '0') * scale;
      scale /= 10;
      ++d;
    }
    a.value += frac;
    a.multiplier = 1e3;
    a.has_multiplier = true;
    pos = d;
  } else {
    const size_t p = SkipSpaces(t, pos);
    if (const Word* m = StartsWithWord(t, p, Multipliers())) {
      a.multiplier = MultiplierValue(m->text);
      a.has_multiplier = true;
      a.miles_or_millions = m->text == "mil";
      a.implied_currency = m->value;
      pos = p + m->text.size();
    }
  }
  if (a.currency.empty()) {
    const size_t p = SkipSpaces(t, pos);
    if (const Word* c = StartsWithWord(t, p, CurrencySuffixes())) {
      a.currency = c->value;
      pos = p + c->text.size();
    }
  }
  a.end = pos;
  return a;
}

// Money that is not pay: fees, deposits, fines, ransom, loans, what a stay or a package costs, what
// a fraud took or made, exchange rates, a price "from"; nor is a race ("lari 5K"). An amount after
// one of these words, with no pay word in between, is not read as a salary ("denda putus kontrak 30
// juta").
bool NonSalaryMoneyBefore(const std::string& t, size_t pos) {
  static const RE2 money(
      "(?:denda|tebusan|biaya|fee|deposit|depo|jaminan|modal|harga|hutang|utang|rugi|ransom|"
      "penalty|bayar|setor|dp|uang|potongan|cicilan|pinjaman|talangan|"  // fees, debts, loans
      "minta|meminta|dimintai|pungut|memungut|dipungut|pungutan|"        // money asked for
      "akomodasi|accommodation|airfare|tuition|asrama|pelatihan|kursus|costs?|price|"  // a stay
      "tipu|raup|untung|laba|omzet|omset|"  // what a fraud took or made
      "\\blari\\b|\\brun\\b|mara?thon|"     // a race ("lari 5K")
      "chuoc|赎金|押金|赔偿|违约金)[^0-9]{0,25}$|"
      // A package's price, after its name: "Paket \"Barodak – Akad – Resepsi\" mulai 28 jt". Not
      // English "package": a "compensation package" is pay.
      "\\bpaket[^0-9\\n]{0,60}$|"
      // A money changer's board: every rate up to 70 bytes after "kurs" ("Kurs beli hari ini: SAR
      // 4.150 | AED 4.250 | QAR 4.280") is a price, not a wage. (The folded text has no line
      // breaks, so [^\\n] here is any byte.)
      "\\b(?:kurs|nilai tukar|exchange rates?)\\b[^\\n]{0,70}$",
      CaseInsensitive());
  static const RE2 pay("(?:gaji|salary|upah|income|penghasilan|pendapatan|luong|sahod|月薪|工资)",
                       CaseInsensitive());
  const size_t from = pos > 72 ? pos - 72 : 0;  // a package's name may be long
  re2::StringPiece window(t.data() + from, pos - from), m;
  // "Umrah plus Turki, mulai Rp29,9 jt" (from) prices a trip, a ticket or a package, unless pay is
  // named before it or the amount is a month's: "gaji mulai 5 jt", "umroh sambil kerja, mulai
  // 7jt/bulan". Only after what is sold so (a trip and its days and nights, "10H8M", a return or
  // one-way fare, "CGK–MED PP", a room, a wedding's photos), or before what the price includes
  // ("mulai Rp 17,9 jt (tiket PP, hotel"), or per traveller ("/pax"): "dana kasih sayang mulai
  // 11jt" offers money.
  // "mulai" (from) and what may stand between it and the figure ("mulai dari Rp").
  static constexpr char kFrom[] =
      "\\b(?:mulai|start(?:ing)?\\s+(?:from|at))\\s+(?:dari\\s+)?[^0-9\\n]{0,6}$";
  static const RE2 starting(
      std::string("\\b(?:umroh|umrah|haji|tiket|ticket|paket|tour|tur|trip|wisata|visa|hotel|"
                  "kamar|sewa|tarif|ongkos|foto|video|dekor|dekorasi|katering|catering|gedung|"
                  "rias|makeup|pp|one\\s+way|pulang\\s+pergi|round\\s+trip|"
                  "\\d{1,2}\\s?[hd]\\s?\\d{1,2}\\s?[mn])\\b"
                  "[^\\n]{0,60}") +
          kFrom,
      CaseInsensitive());
  static const RE2 from_price(kFrom, CaseInsensitive());
  static const RE2 monthly(
      "^[^\\n]{0,24}?(?:(?:/|per\\s*|se)\\s*(?:bulan|bln|bl|month|mo)\\b|bulanan)",
      CaseInsensitive());
  static const RE2 includes(
      "^[^\\n]{0,24}?"
      "(?:/\\s*pax|per\\s+pax|"
      "\\(\\s*(?:sudah\\s+)?(?:termasuk\\s+|incl\\w*\\s+|include\\w*\\s+)?"
      "(?:tiket|ticket|visa|hotel|pesawat|tour))",
      CaseInsensitive());
  // What a course, a meal, a box, a shared room or a party for so many guests costs, by what it
  // includes or per unit: "Rp 750.000 (modul + sertifikat)", "35rb/porsi", "Rp 150.000 per sesi",
  // "Rp 31.900.000 (sekamar ber-4)", "Rp18 juta (50 undangan)".
  static const RE2 unit_price(
      "^[^\\n]{0,16}?"
      "(?:\\(\\s*(?:modul|sertifikat|materi|buku|sekamar|quad|triple|double|twin|"
      "\\d+\\s*(?:undangan|tamu|pax|porsi))|"
      "(?:/\\s*|per\\s+)(?:sesi|pertemuan|kelas|porsi|pcs|box|kg|paket)\\b)",
      CaseInsensitive());
  const bool pay_named = RE2::PartialMatch(window, pay);
  if (!pay_named) {
    const re2::StringPiece ahead(t.data() + pos, std::min<size_t>(t.size() - pos, 40));
    if (RE2::PartialMatch(ahead, unit_price)) return true;
    if (!RE2::PartialMatch(ahead, monthly) &&
        (RE2::PartialMatch(window, starting) ||
         (RE2::PartialMatch(window, from_price) && RE2::PartialMatch(ahead, includes)))) {
      return true;
    }
  }
  if (!money.Match(window, 0, window.size(), RE2::UNANCHORED, &m, 1)) return false;
  // A pay word after the money word wins: "biaya ditanggung, gaji 15 juta". The window holds
  // none when pay_named is false, and then neither does its tail.
  if (!pay_named) return true;
  const re2::StringPiece after(m.data(), static_cast<size_t>(window.end() - m.data()));
  return !RE2::PartialMatch(after, pay);
}

// Where pay is named in a text ("gaji", "salary", "月薪"…): the end offset of each mention, found
// in one pass so that each figure's context is a lookup, not another regex scan.
std::vector<size_t> PayWordEnds(const std::string& t) {
  static const RE2 re(
      "(gaji|salary|salaries|upah|income|penghasilan|pendapatan|luong|sahod|take home pay|\\bthp|"
      "月薪|工资|薪资|收入|\\bpay|komisi|bonus)",
      CaseInsensitive());
  std::vector<size_t> ends;
  re2::StringPiece in(t), m;
  while (RE2::FindAndConsume(&in, re, &m))
    ends.push_back(static_cast<size_t>(m.data() - t.data()) + m.size());
  return ends;
}

// True when a pay word ends within 40 bytes before `pos`.
bool SalaryContextBefore(const std::vector<size_t>& pay_ends, size_t pos) {
  auto it = std::upper_bound(pay_ends.begin(), pay_ends.end(), pos);
  return it != pay_ends.begin() && pos - *std::prev(it) <= 40;
}

void FindSalaries(std::string_view field, const TextView& folded, const Gazetteer& gazetteer,
                  Entities& out) {
  const std::string& t = folded.text;
  std::vector<Span> phone_spans;
  for (const Contact& c : out.contacts) {
    if (c.field == field) phone_spans.push_back(c.span);
  }
  std::optional<std::vector<size_t>> pay_ends;  // computed at the first figure that needs it
  std::optional<bool> japan;  // whether "¥" means yen here; asked at the first "¥"
  size_t pos = 0;
  while (pos < t.size()) {
    // The next figure: digits, with '.' or ',' between digit groups.
    while (pos < t.size() && !IsAsciiDigit(t[pos])) ++pos;
    if (pos >= t.size()) break;
    const size_t nb = pos;
    size_t ne = nb;
    while (ne < t.size() &&
           (IsAsciiDigit(t[ne]) ||
            ((t[ne] == '.' || t[ne] == ',') && ne + 1 < t.size() && IsAsciiDigit(t[ne + 1])))) {
      ++ne;
    }
    pos = ne;
    if (nb > 0 && IsAsciiLetter(t[nb - 1]) &&
        !(nb >= 2 && (t.compare(nb - 2, 2, "rp") == 0 || t.compare(nb - 2, 2, "rm") == 0))) {
      continue;  // part of a word ("covid19", "slot88")
    }
    const Span orig = ToOriginal(folded, nb, ne);
    if (std::any_of(phone_spans.begin(), phone_spans.end(),
                    [&](Span s) { return Overlaps(s, orig); })) {
      continue;
    }
    auto first = ReadAmount(t, nb, ne);
    if (!first) continue;
    const bool money_like =
        !first->currency.empty() || (first->has_multiplier && !first->miles_or_millions);
    if (!pay_ends) pay_ends = PayWordEnds(t);
    const bool has_context = SalaryContextBefore(*pay_ends, first->begin);
    // A range of money that is not pay ("dana talangan 30-40 juta") is skipped whole, or its
    // second figure would be read alone as a salary.
    const size_t after = SkipSpaces(t, first->end);
    const bool range_follows =
        after < t.size() && (t[after] == '-' || t.compare(after, 3, "\xE2\x80\x93") == 0);
    if (!money_like && !has_context && !range_follows) continue;  // a date, a count, an age
    if (NonSalaryMoneyBefore(t, first->begin)) {
      pos = std::max(pos, first->end);
      if (range_follows) {  // past the second figure and its multiplier
        size_t p = SkipSpaces(t, t[after] == '-' ? after + 1 : after + 3);
        while (p < t.size() && (IsAsciiDigit(t[p]) || t[p] == '.' || t[p] == ',')) ++p;
        if (const Word* m = StartsWithWord(t, SkipSpaces(t, p), Multipliers())) {
          p = SkipSpaces(t, p) + m->text.size();
        }
        pos = std::max(pos, p);
      }
      continue;
    }
    if (!money_like && !has_context) continue;
    Amount lo = *first, hi = *first;
    size_t end = first->end;
    // A range: "7-16 jt", "usd 800–1.500", "rp 5 s/d 8 juta".
    {
      size_t p = SkipSpaces(t, end);
      static const std::vector<Word> kDashes{
          {"-", ""},  {"–", ""},      {"—", ""},      {"~", ""},  {"s/d", ""},
          {"sd", ""}, {"sampai", ""}, {"hingga", ""}, {"to", ""}, {"until", ""}};
      if (const Word* d = StartsWithWord(t, p, kDashes)) {
        size_t q = SkipSpaces(t, p + d->text.size());
        // An optional currency before the second figure.
        for (const Word& w : CurrencyPrefixes()) {
          if (t.compare(q, w.text.size(), w.text) == 0) {
            q = SkipSpaces(t, q + w.text.size());
            break;
          }
        }
        size_t qe = q;
        while (qe < t.size() && (IsAsciiDigit(t[qe]) || t[qe] == '.' || t[qe] == ',')) ++qe;
        while (qe > q && !IsAsciiDigit(t[qe - 1])) --qe;
        if (qe > q) {
          if (auto second = ReadAmount(t, q, qe)) {
            hi = *second;
            end = second->end;
            pos = std::max(pos, end);
            if (!lo.has_multiplier && hi.has_multiplier) {
              lo.multiplier = hi.multiplier;
              lo.has_multiplier = true;
              lo.implied_currency = hi.implied_currency;
            }
            if (lo.currency.empty()) lo.currency = hi.currency;
          }
        }
      }
    }
    Salary s;
    s.currency = !lo.currency.empty() ? lo.currency : hi.currency;
    if (s.currency.empty()) s.currency = lo.implied_currency;
    if (s.currency == kYenOrYuan) {
      if (!japan) japan = MentionsJapan(t);
      s.currency = *japan ? "JPY" : "CNY";
    }
    double vlo = lo.value * lo.multiplier, vhi = hi.value * hi.multiplier;
    if (s.currency.empty()) {
      if (lo.has_multiplier) {
        // "500k" alone: thousands of rupiah; "1.2k": dollars.
        s.currency = vlo >= 50'000 ? "IDR" : "USD";
      } else if (vlo >= 100'000) {  // has_context: a bare figure got this far only with it
        s.currency = "IDR";
      } else {
        continue;
      }
    }
    if (vlo <= 0) continue;
    // Open-ended: "10jt++", "15jt+".
    size_t p = end;
    if (p < t.size() && t[p] == '+') {
      s.open_ended = true;
      while (p < t.size() && t[p] == '+') ++p;
      end = p;
    }
    // Period: "/bulan", "per month", "sebulan", "a month".
    p = SkipSpaces(t, end);
    if (const Word* adv = StartsWithWord(t, p, PeriodAdverbs())) {
      s.period = adv->value;
      end = p + adv->text.size();
    } else {
      size_t q = p;
      bool linked = false;
      if (q < t.size() && t[q] == '/') {
        q = SkipSpaces(t, q + 1);
        linked = true;
      } else if (t.compare(q, 4, "per ") == 0) {
        q = SkipSpaces(t, q + 4);
        linked = true;
      } else if (t.compare(q, 2, "a ") == 0) {
        q += 2;
        linked = true;
      } else if (t.compare(q, 2, "se") == 0) {
        q += 2;
        linked = true;
      }
      if (linked) {
        if (const Word* w = StartsWithWord(t, q, PeriodWords())) {
          s.period = w->value;
          end = q + w->text.size();
        } else if (StartsWithWord(t, q, PriceUnits()) != nullptr) {
          continue;  // a price per couple, person or package ("rp 38 jt / pasangan"), not pay
        }
      }
    }
    // Chinese: 月薪3万 names the month before the figure.
    if (s.period.empty() && first->begin >= 6 &&
        (t.compare(first->begin - 6, 6, "月薪") == 0 ||
         t.compare(first->begin - 6, 6, "月入") == 0)) {
      s.period = "month";
    }
    if (s.period.empty()) s.period = "month";
    s.min = vlo;
    s.max = std::max(vhi, vlo);
    SalaryMention sm;
    sm.salary = s;
    const double rate = gazetteer.IdrRate(s.currency == "USDT" ? "USD" : s.currency);
    if (rate > 0) {
      const double f = MonthlyFactor(s.period);
      sm.monthly_idr_min = s.min * rate * f;
      sm.monthly_idr_max = s.max * rate * f;
    }
    sm.field = std::string(field);
    sm.span = ToOriginal(folded, first->begin, end);
    out.salaries.push_back(std::move(sm));
    pos = std::max(pos, end);
  }
}

}  // namespace

void ExtractFieldEntities(std::string_view field, std::string_view original,
                          const NormalizedText& views, const Gazetteer& gazetteer,
                          const std::string& default_phone_region, Entities& out) {
  FindPhones(field, views, gazetteer, default_phone_region, out);
  FindLinksAndHandles(field, original, out);
  FindSalaries(field, views.folded, gazetteer, out);
  auto places = gazetteer.FindPlaces(views.skeleton, field);
  out.places.insert(out.places.end(), std::make_move_iterator(places.begin()),
                    std::make_move_iterator(places.end()));
}

}  // namespace adwatch::classifier
