#include "charset.h"

#include <unicode/ucnv.h>
#include <uchardet/uchardet.h>

#include <cstdint>
#include <cstring>
#include <memory>

#include "tag_lexer.h"
#include "text_builder.h"

namespace adwatch::extract {
namespace {

enum class Kind { kUtf8, kUtf16Le, kUtf16Be, kOther };

struct Encoding {
  Kind kind = Kind::kOther;
  std::string icu_name;  // name ICU's ucnv_open accepts
  std::string name;      // name reported in Page::charset
  bool ascii_compatible = false;  // ASCII bytes mean ASCII characters (every table entry but UTF-16)
};

struct LabelMapping {
  const char* label;
  Kind kind;
  const char* icu_name;
  const char* name;
};

// WHATWG Encoding Standard labels for the charsets seen on Southeast Asian and Western pages.
// As there, ISO-8859-1 and ASCII are read as windows-1252, TIS-620 as windows-874 and GB2312 as
// GB18030. Labels not listed are passed to ICU as they are.
constexpr LabelMapping kLabels[] = {
    {"utf-8", Kind::kUtf8, "UTF-8", "utf-8"},
    {"utf8", Kind::kUtf8, "UTF-8", "utf-8"},
    {"unicode-1-1-utf-8", Kind::kUtf8, "UTF-8", "utf-8"},
    {"utf-16", Kind::kUtf16Le, "UTF-16LE", "utf-16le"},
    {"utf-16le", Kind::kUtf16Le, "UTF-16LE", "utf-16le"},
    {"unicode", Kind::kUtf16Le, "UTF-16LE", "utf-16le"},
    {"utf-16be", Kind::kUtf16Be, "UTF-16BE", "utf-16be"},
    {"windows-1252", Kind::kOther, "windows-1252", "windows-1252"},
    {"cp1252", Kind::kOther, "windows-1252", "windows-1252"},
    {"x-cp1252", Kind::kOther, "windows-1252", "windows-1252"},
    {"iso-8859-1", Kind::kOther, "windows-1252", "windows-1252"},
    {"iso8859-1", Kind::kOther, "windows-1252", "windows-1252"},
    {"iso_8859-1", Kind::kOther, "windows-1252", "windows-1252"},
    {"latin1", Kind::kOther, "windows-1252", "windows-1252"},
    {"l1", Kind::kOther, "windows-1252", "windows-1252"},
    {"us-ascii", Kind::kOther, "windows-1252", "windows-1252"},
    {"ascii", Kind::kOther, "windows-1252", "windows-1252"},
    {"ansi_x3.4-1968", Kind::kOther, "windows-1252", "windows-1252"},
    {"iso-8859-15", Kind::kOther, "ISO-8859-15", "iso-8859-15"},
    {"latin9", Kind::kOther, "ISO-8859-15", "iso-8859-15"},
    {"iso-8859-9", Kind::kOther, "windows-1254", "windows-1254"},
    {"latin5", Kind::kOther, "windows-1254", "windows-1254"},
    {"windows-874", Kind::kOther, "windows-874", "windows-874"},
    {"tis-620", Kind::kOther, "windows-874", "windows-874"},
    {"iso-8859-11", Kind::kOther, "windows-874", "windows-874"},
    {"gbk", Kind::kOther, "GB18030", "gbk"},
    {"gb2312", Kind::kOther, "GB18030", "gbk"},
    {"gb18030", Kind::kOther, "GB18030", "gb18030"},
    {"big5", Kind::kOther, "Big5-HKSCS", "big5"},
    {"shift_jis", Kind::kOther, "windows-31j", "shift_jis"},
    {"sjis", Kind::kOther, "windows-31j", "shift_jis"},
    {"windows-31j", Kind::kOther, "windows-31j", "shift_jis"},
    {"euc-jp", Kind::kOther, "EUC-JP", "euc-jp"},
    {"euc-kr", Kind::kOther, "windows-949", "euc-kr"},
    {"windows-1258", Kind::kOther, "windows-1258", "windows-1258"},
};

std::string TrimLower(std::string_view s) {
  while (!s.empty() && (IsHtmlSpace(static_cast<unsigned char>(s.front())) || s.front() == '"' ||
                        s.front() == '\'')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (IsHtmlSpace(static_cast<unsigned char>(s.back())) || s.back() == '"' ||
                        s.back() == '\'')) {
    s.remove_suffix(1);
  }
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

// Resolves a charset label, or nullopt when neither the table nor ICU knows it.
std::optional<Encoding> ResolveLabel(std::string_view raw) {
  const std::string label = TrimLower(raw);
  if (label.empty() || label.size() > 64) return std::nullopt;
  for (char c : label) {
    // ICU matches names loosely, skipping characters it does not expect; labels are plain ASCII.
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
          c == ':' || c == '+')) {
      return std::nullopt;
    }
  }
  for (const auto& m : kLabels) {
    if (label == m.label) {
      return Encoding{m.kind, m.icu_name, m.name,
                      m.kind != Kind::kUtf16Le && m.kind != Kind::kUtf16Be};
    }
  }
  // ICU knows many more aliases; accept a label only if it opens a converter.
  UErrorCode ec = U_ZERO_ERROR;
  UConverter* cnv = ucnv_open(label.c_str(), &ec);
  if (U_FAILURE(ec) || cnv == nullptr) return std::nullopt;
  ucnv_close(cnv);
  return Encoding{Kind::kOther, label, label};
}

// Length of the valid UTF-8 sequence at s[i], or 0; `*prefix` gets the length of the longest
// valid prefix (at least 1) for replacement.
inline size_t Utf8SeqLen(const unsigned char* s, size_t i, size_t n, size_t* prefix) {
  const unsigned char c = s[i];
  *prefix = 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  for (size_t k = 1; k < len; ++k) {
    if (i + k >= n) return 0;
    const unsigned char b = s[i + k];
    if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return 0;
    *prefix = k + 1;
  }
  return len;
}

inline bool AllAscii8(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return (v & 0x8080808080808080ULL) == 0;
}

std::optional<Encoding> SniffUtf16(std::string_view body) {
  const size_t n = std::min<size_t>(body.size(), 1024) & ~size_t{1};
  if (n < 8) return std::nullopt;
  size_t zero_even = 0, zero_odd = 0;
  for (size_t i = 0; i < n; i += 2) {
    if (body[i] == 0) ++zero_even;
    if (body[i + 1] == 0) ++zero_odd;
  }
  const size_t pairs = n / 2;
  // Markup is mostly ASCII, so one byte of nearly every UTF-16 code unit is zero.
  if (zero_odd * 10 >= pairs * 6 && zero_even * 10 < pairs) {
    return Encoding{Kind::kUtf16Le, "UTF-16LE", "utf-16le"};
  }
  if (zero_even * 10 >= pairs * 6 && zero_odd * 10 < pairs) {
    return Encoding{Kind::kUtf16Be, "UTF-16BE", "utf-16be"};
  }
  return std::nullopt;
}

// uchardet's guess for a body that is not UTF-8, mapped through the label table; windows-1252
// when it has none.
Encoding Detect(std::string_view body) {
  struct Deleter {
    void operator()(uchardet_t u) const { uchardet_delete(u); }
  };
  std::unique_ptr<std::remove_pointer_t<uchardet_t>, Deleter> ud(uchardet_new());
  std::optional<Encoding> enc;
  if (ud != nullptr) {
    const size_t n = std::min<size_t>(body.size(), 256 << 10);
    if (uchardet_handle_data(ud.get(), body.data(), n) == 0) {
      uchardet_data_end(ud.get());
      const char* name = uchardet_get_charset(ud.get());
      if (name != nullptr && *name != '\0') enc = ResolveLabel(name);
    }
  }
  // A guess of UTF-8 for bytes that are not valid UTF-8, or of ASCII, tells nothing. Guesses of
  // the other single-byte Latin charsets are what uchardet makes of short Western samples; for
  // the Indonesian, Malay and English pages adwatch reads, windows-1252 is the better answer.
  constexpr std::string_view kOtherLatin[] = {
      "windows-1250", "windows-1254", "windows-1257", "iso-8859-2",  "iso-8859-3",
      "iso-8859-4",   "iso-8859-9",   "iso-8859-13",  "iso-8859-16", "mac-centraleurope",
      "ibm852",       "iso-8859-10",  "iso-8859-14"};
  bool other_latin = false;
  if (enc) {
    for (std::string_view l : kOtherLatin) other_latin = other_latin || enc->name == l;
  }
  if (!enc || enc->kind == Kind::kUtf8 || other_latin) {
    return Encoding{Kind::kOther, "windows-1252", "windows-1252", true};
  }
  return *enc;
}

// Converts with ICU; substitutes U+FFFD for bytes the charset does not define.
std::optional<std::string> IcuToUtf8(std::string_view in, const std::string& icu_name) {
  UErrorCode ec = U_ZERO_ERROR;
  UConverter* cnv = ucnv_open(icu_name.c_str(), &ec);
  if (U_FAILURE(ec) || cnv == nullptr) return std::nullopt;
  std::string out(in.size() * 3 + 16, '\0');
  int32_t len = ucnv_toAlgorithmic(UCNV_UTF8, cnv, out.data(), static_cast<int32_t>(out.size()),
                                   in.data(), static_cast<int32_t>(in.size()), &ec);
  if (ec == U_BUFFER_OVERFLOW_ERROR) {
    ec = U_ZERO_ERROR;
    ucnv_resetToUnicode(cnv);
    out.assign(static_cast<size_t>(len), '\0');
    len = ucnv_toAlgorithmic(UCNV_UTF8, cnv, out.data(), static_cast<int32_t>(out.size()),
                             in.data(), static_cast<int32_t>(in.size()), &ec);
  }
  ucnv_close(cnv);
  if (U_FAILURE(ec) && ec != U_TRUNCATED_CHAR_FOUND) return std::nullopt;
  out.resize(static_cast<size_t>(len));
  return out;
}

std::string StripUtf8Bom(std::string s) {
  if (s.size() >= 3 && s.compare(0, 3, "\xEF\xBB\xBF") == 0) s.erase(0, 3);
  return s;
}

std::string Plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// The result for UTF-8 bytes whose scan `st` is already known: repaired when not valid.
void ConvertUtf8(std::string_view body, const Utf8Stats& st, Decoded* out) {
  out->charset = "utf-8";
  if (st.invalid > 0) {
    out->converted = RepairUtf8(body);
    out->problems.push_back("charset: " + Plural(st.invalid, "invalid UTF-8 sequence", "invalid UTF-8 sequences") +
                            " replaced with U+FFFD");
  }
}

// Produces the result for a chosen encoding.
void Convert(std::string_view body, const Encoding& enc, Decoded* out) {
  if (enc.kind == Kind::kUtf8) {
    ConvertUtf8(body, ScanUtf8(body), out);
    out->charset = enc.name;
    return;
  }
  out->charset = enc.name;
  std::string_view in = body;
  if ((enc.kind == Kind::kUtf16Le || enc.kind == Kind::kUtf16Be) && in.size() % 2 != 0) {
    in.remove_suffix(1);  // half a code unit at the end (a body cut at the size cap)
  }
  std::optional<std::string> text = IcuToUtf8(in, enc.icu_name);
  if (!text) {
    out->problems.push_back("charset: ICU could not convert from " + enc.name +
                            "; invalid bytes replaced");
    out->charset = "utf-8";
    out->converted = RepairUtf8(body);
    return;
  }
  out->converted = StripUtf8Bom(std::move(*text));
}

}  // namespace

size_t FindIgnoreCase(std::string_view s, std::string_view lower, size_t from) {
  if (lower.empty()) return from <= s.size() ? from : std::string_view::npos;
  const char first_lo = lower[0];
  const char first_up = (first_lo >= 'a' && first_lo <= 'z') ? static_cast<char>(first_lo - 32) : first_lo;
  for (size_t i = from; i + lower.size() <= s.size(); ++i) {
    if ((s[i] == first_lo || s[i] == first_up) && EqualsIgnoreCase(s.substr(i, lower.size()), lower)) {
      return i;
    }
  }
  return std::string_view::npos;
}

Utf8Stats ScanUtf8(std::string_view s) {
  Utf8Stats st;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n && AllAscii8(p + i)) {
      i += 8;
      continue;
    }
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    size_t prefix;
    const size_t len = Utf8SeqLen(p, i, n, &prefix);
    if (len == 0) {
      ++st.invalid;
      i += prefix;
    } else {
      ++st.multibyte;
      i += len;
    }
  }
  return st;
}

std::string RepairUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0, run = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    size_t prefix;
    const size_t len = Utf8SeqLen(p, i, n, &prefix);
    if (len != 0) {
      i += len;
      continue;
    }
    out.append(s.data() + run, i - run);
    out.append("\xEF\xBF\xBD");
    i += prefix;
    run = i;
  }
  out.append(s.data() + run, n - run);
  return out;
}

std::string_view CharsetParameter(std::string_view content_type) {
  size_t pos = 0;
  while ((pos = FindIgnoreCase(content_type, "charset", pos)) != std::string_view::npos) {
    size_t i = pos + 7;
    while (i < content_type.size() && IsHtmlSpace(static_cast<unsigned char>(content_type[i]))) ++i;
    if (i < content_type.size() && content_type[i] == '=') {
      ++i;
      while (i < content_type.size() && IsHtmlSpace(static_cast<unsigned char>(content_type[i]))) ++i;
      if (i < content_type.size() && (content_type[i] == '"' || content_type[i] == '\'')) {
        const char q = content_type[i++];
        const size_t end = content_type.find(q, i);
        return content_type.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
      }
      size_t end = i;
      while (end < content_type.size() && content_type[end] != ';' &&
             !IsHtmlSpace(static_cast<unsigned char>(content_type[end]))) {
        ++end;
      }
      return content_type.substr(i, end - i);
    }
    pos += 7;
  }
  return {};
}

std::string MetaCharset(std::string_view head) {
  size_t pos = 0;
  while ((pos = head.find('<', pos)) != std::string_view::npos) {
    const std::string_view rest = head.substr(pos);
    if (rest.substr(0, 4) == "<!--") {
      const size_t end = head.find("-->", pos + 2);
      if (end == std::string_view::npos) return {};
      pos = end + 3;
      continue;
    }
    const bool start_tag = rest.size() > 1 && IsAsciiAlpha(static_cast<unsigned char>(rest[1]));
    const bool end_tag = rest.size() > 2 && rest[1] == '/' && IsAsciiAlpha(static_cast<unsigned char>(rest[2]));
    if (!start_tag && !end_tag) {
      if (rest.size() > 1 && (rest[1] == '!' || rest[1] == '/' || rest[1] == '?')) {
        const size_t gt = head.find('>', pos);
        if (gt == std::string_view::npos) return {};
        pos = gt + 1;
      } else {
        ++pos;
      }
      continue;
    }
    std::string_view charset, http_equiv, content;
    const TagToken tag = LexTag(head, pos, 64, [&](std::string_view name, std::string_view value) {
      if (EqualsIgnoreCase(name, "charset")) {
        if (charset.empty()) charset = value;
      } else if (EqualsIgnoreCase(name, "http-equiv")) {
        http_equiv = value;
      } else if (EqualsIgnoreCase(name, "content")) {
        content = value;
      }
    });
    if (!tag.complete) return {};
    pos = tag.end;
    if (tag.end_tag || !EqualsIgnoreCase(tag.name, "meta")) continue;
    std::string label;
    if (!charset.empty()) {
      label = std::string(charset);
    } else if (EqualsIgnoreCase(http_equiv, "content-type")) {
      label = std::string(CharsetParameter(content));
    }
    if (!label.empty() && ResolveLabel(label)) return label;
  }
  return {};
}

Decoded DecodeToUtf8(std::string_view body, std::string_view content_type, size_t prescan_bytes) {
  Decoded out;
  // 1. A byte order mark decides.
  if (body.size() >= 3 && body.compare(0, 3, "\xEF\xBB\xBF") == 0) {
    Convert(body.substr(3), Encoding{Kind::kUtf8, "UTF-8", "utf-8"}, &out);
    if (!out.converted) out.converted = std::string(body.substr(3));
    return out;
  }
  if (body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0xFF &&
      static_cast<unsigned char>(body[1]) == 0xFE) {
    Convert(body.substr(2), Encoding{Kind::kUtf16Le, "UTF-16LE", "utf-16le"}, &out);
    return out;
  }
  if (body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0xFE &&
      static_cast<unsigned char>(body[1]) == 0xFF) {
    Convert(body.substr(2), Encoding{Kind::kUtf16Be, "UTF-16BE", "utf-16be"}, &out);
    return out;
  }

  // 2. The Content-Type header, then 3. a <meta> declaration.
  std::optional<Encoding> declared;
  std::string declared_by;
  const std::string_view header_label = CharsetParameter(content_type);
  if (!header_label.empty()) {
    declared = ResolveLabel(header_label);
    declared_by = "Content-Type header";
    if (!declared) {
      out.problems.push_back("charset: unknown label \"" + std::string(Utf8Prefix(header_label, 64)) +
                             "\" in the Content-Type header ignored");
    }
  }
  if (!declared) {
    const std::string meta = MetaCharset(body.substr(0, prescan_bytes));
    if (!meta.empty()) {
      declared = ResolveLabel(meta);
      declared_by = "<meta>";
      // A document whose <meta> can be read as ASCII is not UTF-16 (HTML: treat it as UTF-8).
      if (declared && (declared->kind == Kind::kUtf16Le || declared->kind == Kind::kUtf16Be)) {
        declared = Encoding{Kind::kUtf8, "UTF-8", "utf-8"};
      }
    }
  }

  if (declared) {
    if (declared->kind == Kind::kUtf8) {
      const Utf8Stats st = ScanUtf8(body);
      if (st.invalid > 0 && st.multibyte == 0) {
        // Declared UTF-8 but not one valid multi-byte sequence: a legacy charset that lies.
        const Encoding guess = Detect(body);
        out.problems.push_back("charset: " + declared_by + " says utf-8 but the bytes are not; decoded as " +
                               guess.name);
        Convert(body, guess, &out);
        return out;
      }
      ConvertUtf8(body, st, &out);
      out.charset = declared->name;
      return out;
    }
    if (declared->kind == Kind::kOther) {
      const Utf8Stats st = ScanUtf8(body);
      if (st.invalid == 0 && st.multibyte > 0) {
        out.problems.push_back("charset: " + declared_by + " says " + declared->name +
                               " but the bytes are valid utf-8; decoded as utf-8");
        out.charset = "utf-8";
        return out;
      }
      if (st.invalid == 0 && declared->ascii_compatible) {
        out.charset = declared->name;  // all ASCII: the bytes are already UTF-8
        return out;
      }
    }
    Convert(body, *declared, &out);
    return out;
  }

  // 4. Nothing declared: detect.
  if (std::optional<Encoding> utf16 = SniffUtf16(body)) {
    Convert(body, *utf16, &out);
    return out;
  }
  const Utf8Stats st = ScanUtf8(body);
  if (st.invalid == 0) {
    out.charset = "utf-8";
    return out;
  }
  if (st.multibyte > st.invalid * 4) {
    // Mostly UTF-8 with a few broken sequences (a cut, a bad paste): repair rather than guess.
    ConvertUtf8(body, st, &out);
    return out;
  }
  Convert(body, Detect(body), &out);
  return out;
}

}  // namespace adwatch::extract
