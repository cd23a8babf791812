#include "text.h"

#include <algorithm>
#include <cstdio>

#include "adwatch/common/escape.h"
#include "adwatch/common/names.h"
#include "i18n.h"

namespace adwatch::exporter {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v';
}

const std::string& FieldText(const AdRecord& r, std::string_view field) {
  if (field == "title") return r.ad.title;
  if (field == "image") return r.ad.image_text;  // read from the ad's images
  return r.ad.text;
}

// "title", "image", or "body" for every other field name.
std::string_view FieldKind(std::string_view field) {
  return field == "title" || field == "image" ? field : "body";
}

bool SentenceEndAt(std::string_view t, size_t i) {  // t[i] ends a sentence
  const char c = t[i];
  if (c == '\n') return true;
  if (c != '.' && c != '!' && c != '?') return false;
  return i + 1 >= t.size() || IsSpace(t[i + 1]);
}

std::string AsciiLower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

bool Counted(const Hit& h, const Categories* categories) {
  if (h.weight <= 0 || h.negated) return false;
  if (categories == nullptr) return true;
  auto it = categories->find(h.category);
  return it == categories->end() || it->second.kind.empty();
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

Snippet EvidenceSnippet(const AdRecord& record, const Categories* categories, size_t max_bytes) {
  const Evidence* lead = nullptr;
  // The body first, then what was read from the images, then the title.
  for (const std::string_view want : {"body", "image", "title"}) {
    for (const Hit& h : record.verdict.hits) {
      if (!Counted(h, categories)) continue;
      for (const Evidence& e : h.evidence) {
        if (FieldKind(e.field) == want) {
          lead = &e;
          break;
        }
      }
      if (lead != nullptr) break;
    }
    if (lead != nullptr) break;
  }
  Snippet out;
  if (lead == nullptr) {
    out.text = Collapse(record.ad.text.empty() ? record.ad.title : record.ad.text, max_bytes);
    return out;
  }
  const std::string field = lead->field;
  const std::string_view t = FieldText(record, field);
  const Span first = lead->span;
  if (first.begin >= first.end || first.end > t.size()) {
    out.text = Collapse(t, max_bytes);
    return out;
  }
  // The sentence around the span, at most about max_bytes long.
  size_t begin = first.begin;
  while (begin > 0 && !SentenceEndAt(t, begin - 1)) --begin;
  size_t end = first.end;
  while (end < t.size() && !SentenceEndAt(t, end - 1)) ++end;
  bool cut_front = false, cut_back = false;
  const size_t half = max_bytes / 2;
  if (first.begin - begin > half) {
    begin = first.begin - half;
    while (begin < first.begin && !IsSpace(t[begin])) ++begin;  // start at a word
    cut_front = true;
  }
  if (end - begin > max_bytes) {
    end = std::max<size_t>(first.end, begin + max_bytes);
    while (end > first.end && !IsSpace(t[end - 1])) --end;  // end at a word
    cut_back = end < t.size();
  }
  while (begin > 0 && begin < t.size() && (static_cast<unsigned char>(t[begin]) & 0xC0) == 0x80)
    --begin;
  while (end < t.size() && (static_cast<unsigned char>(t[end]) & 0xC0) == 0x80) ++end;

  // Copy with whitespace collapsed, remembering where each input byte went.
  std::vector<uint32_t> before(end - begin + 1, 0), after(end - begin + 1, 0);
  std::string& s = out.text;
  if (cut_front) s += "… ";
  bool space = false;
  for (size_t i = begin; i < end;) {
    if (IsSpace(t[i])) {
      space = s.size() > (cut_front ? 4 : 0);
      before[i - begin] = after[i - begin] = static_cast<uint32_t>(s.size());
      ++i;
      continue;
    }
    if (space) s += ' ';
    space = false;
    const size_t n = Utf8CharLen(t, i);
    const auto at = static_cast<uint32_t>(s.size());
    if (n == 0) {
      s += "\xEF\xBF\xBD";
    } else {
      s.append(t.substr(i, n));
    }
    const size_t len = n == 0 ? 1 : n;
    for (size_t k = 0; k < len && i + k < end; ++k) {
      before[i + k - begin] = at;
      after[i + k - begin] = static_cast<uint32_t>(s.size());
    }
    i += len;
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  if (cut_back) s += " …";

  // Highlights: every counted evidence span of this field inside the sentence.
  std::vector<Span> spans;
  for (const Hit& h : record.verdict.hits) {
    if (!Counted(h, categories)) continue;
    for (const Evidence& e : h.evidence) {
      if (e.field != field) continue;
      const size_t b = std::max<size_t>(e.span.begin, begin);
      const size_t en = std::min<size_t>(e.span.end, end);
      if (b >= en) continue;
      spans.push_back({before[b - begin], after[en - 1 - begin]});
    }
  }
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.begin < b.begin; });
  for (const Span& sp : spans) {
    if (sp.begin >= sp.end || sp.end > s.size()) continue;
    if (!out.highlights.empty() && sp.begin <= out.highlights.back().end) {
      out.highlights.back().end = std::max(out.highlights.back().end, sp.end);
    } else {
      out.highlights.push_back(sp);
    }
  }
  return out;
}

std::vector<std::string> MatchedWords(const AdRecord& record, const Categories* categories,
                                      size_t max) {
  std::vector<std::string> out, seen;
  for (const Hit& h : record.verdict.hits) {
    if (!Counted(h, categories)) continue;
    for (const Evidence& e : h.evidence) {
      const std::string& t = FieldText(record, e.field);
      if (e.span.begin >= e.span.end || e.span.end > t.size()) continue;
      std::string w =
          Collapse(std::string_view(t).substr(e.span.begin, e.span.end - e.span.begin), 80);
      std::string key = AsciiLower(w);
      if (w.empty() || std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
      seen.push_back(std::move(key));
      out.push_back(std::move(w));
      if (out.size() >= max) return out;
    }
  }
  return out;
}

std::vector<std::string> Reasons(const Verdict& verdict, const Categories* categories,
                                 DigestLang lang, size_t max) {
  std::vector<std::string> out;
  for (const Hit& h : verdict.hits) {
    if (out.size() >= max) break;
    if (!Counted(h, categories)) continue;
    std::string d = lang == DigestLang::kEn ? h.describe_en : h.describe_id;
    if (d.empty()) d = lang == DigestLang::kEn ? h.describe_id : h.describe_en;
    if (d.empty()) d = h.rule_id;
    d = Collapse(d, 300);
    if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(std::move(d));
  }
  return out;
}

std::string LocalTime(const LocalDays& days, int64_t unix_ms) {
  return unix_ms <= 0 ? "" : days.MinuteOf(unix_ms);
}

std::string ContactKey(const Contact& contact) {
  return std::string(Name(contact.kind)) + ":" + contact.value;
}

std::string ContactDisplay(std::string_view key, DigestLang lang) {
  const Words& w = WordsFor(lang);
  const size_t colon = key.find(':');
  if (colon == std::string_view::npos) return std::string(key);
  const std::string_view kind = key.substr(0, colon);
  const std::string value(key.substr(colon + 1));
  // A contacts index term does not say whether the number was given for calls or WhatsApp.
  if (kind == "tel") return std::string(w.contact_phone) + "/" + w.contact_whatsapp + " " + value;
  if (kind == "phone") return std::string(w.contact_phone) + " " + value;
  if (kind == "whatsapp") return std::string(w.contact_whatsapp) + " " + value;
  if (kind == "telegram") return std::string(w.contact_telegram) + " @" + value;
  if (kind == "line") return std::string(w.contact_line) + " " + value;
  if (kind == "email") return std::string(w.contact_email) + " " + value;
  if (kind == "wechat") return std::string(w.contact_wechat) + " " + value;
  return std::string(key);
}

}  // namespace adwatch::exporter
