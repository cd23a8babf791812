// Explanations of a verdict for people (ExplainText) and for programs (VerdictJson).
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "adwatch/classifier/classify.h"
#include "adwatch/common/names.h"
#include "image_spans.h"

namespace adwatch::classifier {
namespace {

using ordered_json = nlohmann::ordered_json;

std::string_view FieldText(const AdCandidate& ad, const std::string& field) {
  if (field == "title") return ad.title;
  if (field == "image") return ad.image_text;
  return ad.text;
}

std::string BoxText(const Box& b) {
  return std::to_string(b.w) + "x" + std::to_string(b.h) + "+" + std::to_string(b.x) + "+" +
         std::to_string(b.y);
}

// "body", or for text read from an image "dalam gambar <url> (box WxH+X+Y)" / "in image …".
std::string FieldLabel(const AdCandidate& ad, const std::string& field, Span s, bool en) {
  if (field != "image") return field;
  std::string out = en ? "in image" : "dalam gambar";
  const ImagePlace place = LocateImageSpan(ad, s);
  if (place.image != nullptr) {
    out += " " + place.image->url + " (" + (en ? "box " : "kotak ") + BoxText(place.box) + ")";
  }
  return out;
}

// The original text of a span, or "" when the span does not fit the text (never trust input).
std::string SpanText(const AdCandidate& ad, const std::string& field, Span s) {
  const std::string_view t = FieldText(ad, field);
  if (s.begin > s.end || s.end > t.size()) return "";
  return std::string(t.substr(s.begin, s.end - s.begin));
}

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The sentence-ish context around a span, with the span marked.
std::string Highlight(std::string_view t, Span s, bool color) {
  if (s.begin > s.end || s.end > t.size()) return "";
  size_t b = s.begin > 50 ? s.begin - 50 : 0;
  size_t e = std::min(t.size(), static_cast<size_t>(s.end) + 50);
  while (b > 0 && IsContinuation(t[b])) --b;
  while (e < t.size() && IsContinuation(t[e])) ++e;
  std::string out;
  if (b > 0) out += "…";
  out += t.substr(b, s.begin - b);
  out += color ? "\x1b[1;31m" : "[";
  out += t.substr(s.begin, s.end - s.begin);
  out += color ? "\x1b[0m" : "]";
  out += t.substr(s.end, e - s.end);
  if (e < t.size()) out += "…";
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

std::string Thousands(double v) {
  char buf[64];
  const bool whole = std::fabs(v - std::round(v)) < 1e-9;
  std::snprintf(buf, sizeof buf, whole ? "%.0f" : "%.2f", v);
  std::string s = buf;
  const size_t dot = s.find('.');
  size_t int_end = dot == std::string::npos ? s.size() : dot;
  const size_t int_begin = s[0] == '-' ? 1 : 0;
  for (size_t i = int_end; i > int_begin + 3; i -= 3) s.insert(i - 3, ",");
  return s;
}

std::string SalaryText(const Salary& s, Lang lang) {
  std::string out = Thousands(s.min);
  if (s.max > s.min) out += "–" + Thousands(s.max);
  if (s.open_ended) out += "+";
  out += " " + s.currency;
  if (!s.period.empty()) {
    if (lang == Lang::kEn) {
      out += " per " + s.period;
    } else {
      static const std::map<std::string, std::string> kId{{"hour", "per jam"},
                                                          {"day", "per hari"},
                                                          {"week", "per minggu"},
                                                          {"month", "per bulan"},
                                                          {"year", "per tahun"}};
      auto it = kId.find(s.period);
      out += " " + (it == kId.end() ? s.period : it->second);
    }
  }
  return out;
}

std::string LevelText(Level l, Lang lang) {
  if (lang == Lang::kEn) {
    static const char* k[] = {"none", "low", "MEDIUM", "HIGH"};
    return k[static_cast<int>(l)];
  }
  static const char* k[] = {"tidak ada", "rendah", "SEDANG", "TINGGI"};
  return k[static_cast<int>(l)];
}

std::string KindText(DocKind k, Lang lang) {
  if (lang == Lang::kEn) {
    static const char* t[] = {"other", "recruitment ad", "news / awareness",
                              "distress / call for help", "gambling promotion"};
    return t[static_cast<int>(k)];
  }
  static const char* t[] = {"lainnya", "iklan lowongan kerja", "berita / sosialisasi",
                            "permintaan tolong", "promosi judi"};
  return t[static_cast<int>(k)];
}

std::string PlaceKindText(const PlaceMention& p, Lang lang) {
  static const char* en[] = {"destination country", "scam-compound hot spot",
                             "transit point",       "province",
                             "regency/city",        "destination town"};
  static const char* id[] = {"negara tujuan", "lokasi rawan sindikat", "titik transit",
                             "provinsi",      "kabupaten/kota",        "kota tujuan"};
  std::string out = (lang == Lang::kEn ? en : id)[static_cast<int>(p.kind)];
  if (p.transit && p.kind != PlaceKind::kTransit)
    out += lang == Lang::kEn ? ", pickup/transit point" : ", titik jemput/transit";
  if (p.nonplacement) {
    out += lang == Lang::kEn ? ", not an official placement country for Indonesian workers"
                             : ", bukan negara penempatan resmi PMI";
  }
  if (p.moratorium) {
    out += lang == Lang::kEn ? ", closed to domestic-worker placement"
                             : ", tertutup untuk penempatan PRT";
  }
  return out;
}

}  // namespace

std::string ExplainText(const Verdict& v, const AdCandidate& ad, Lang lang, bool color) {
  const bool en = lang == Lang::kEn;
  std::string out;
  char head[256];
  std::snprintf(
      head, sizeof head,
      en ? "Score %d/100 · level %s · reads as: %s\n" : "Skor %d/100 · tingkat %s · jenis: %s\n",
      v.score, LevelText(v.level, lang).c_str(), KindText(v.kind, lang).c_str());
  out += head;
  if (v.pattern != Pattern::kOther) {
    out += (en ? "Pattern: " : "Pola: ") + std::string(PatternTitle(v.pattern, en)) + "\n";
  }
  out += (en ? "Ruleset " : "Versi aturan ") + v.ruleset_version + "\n";
  for (const std::string& w : v.warnings) out += (en ? "Warning: " : "Peringatan: ") + w + "\n";
  out += en ? "\nWhy:\n" : "\nAlasan:\n";
  if (v.hits.empty()) out += en ? "  no rule fired\n" : "  tidak ada aturan yang cocok\n";
  for (const Hit& h : v.hits) {
    char line[96];
    std::snprintf(line, sizeof line, "  %+5.1f  ", h.weight);
    out += line;
    out += en ? h.describe_en : h.describe_id;
    out += "  (" + h.rule_id +
           (h.negated ? (en ? ", in a warning or quote" : ", dalam peringatan/kutipan") : "") +
           ")\n";
    for (const Evidence& e : h.evidence) {
      out += "         " + FieldLabel(ad, e.field, e.span, en) + ": " +
             Highlight(FieldText(ad, e.field), e.span, color) + "\n";
    }
  }
  const Entities& ent = v.entities;
  if (!ent.contacts.empty()) {
    out += en ? "\nContacts:\n" : "\nKontak:\n";
    for (const Contact& c : ent.contacts) {
      out += "  " + std::string(Name(c.kind)) + " " + c.value;
      if (c.landline) out += en ? " (landline)" : " (telepon rumah/kantor)";
      out += "  «" + SpanText(ad, c.field, c.span) + "»";
      if (c.field == "image") out += " (" + FieldLabel(ad, c.field, c.span, en) + ")";
      out += "\n";
    }
  }
  if (!ent.salaries.empty()) {
    out += en ? "\nSalaries:\n" : "\nGaji:\n";
    for (const SalaryMention& s : ent.salaries) {
      out += "  " + SalaryText(s.salary, lang);
      if (s.monthly_idr_min > 0 && s.salary.currency != "IDR") {
        out += en ? "  (≈ IDR " : "  (≈ Rp ";
        out += Thousands(std::round(s.monthly_idr_min)) + (en ? " a month)" : " per bulan)");
      }
      out += "  «" + SpanText(ad, s.field, s.span) + "»\n";
    }
  }
  if (!ent.places.empty()) {
    out += en ? "\nPlaces:\n" : "\nTempat:\n";
    for (const PlaceMention& p : ent.places) {
      out += "  " + p.name + " (" + PlaceKindText(p, lang) + ")  «" +
             SpanText(ad, p.field, p.span) + "»\n";
    }
  }
  if (!ad.images.empty()) {
    out += en ? "\nImages:\n" : "\nGambar:\n";
    for (const ImageRef& im : ad.images) {
      out += "  " + im.url;
      if (!im.phash.empty()) out += "  phash " + im.phash;
      if (!im.problem.empty()) out += (en ? "  not read: " : "  tidak terbaca: ") + im.problem;
      out += "\n";
    }
    if (!ad.image_text.empty()) {
      out += en ? "Text read from the images:\n" : "Teks yang terbaca dari gambar:\n";
      std::string_view t = ad.image_text;
      while (!t.empty()) {
        const size_t nl = t.find('\n');
        out += "  | " + std::string(t.substr(0, nl)) + "\n";
        if (nl == std::string_view::npos) break;
        t.remove_prefix(nl + 1);
      }
    }
  }
  return out;
}

std::string VerdictJson(const Verdict& v, const AdCandidate& ad, const std::string& id, Lang lang) {
  ordered_json j;
  if (!id.empty()) j["id"] = id;
  j["score"] = v.score;
  j["level"] = Name(v.level);
  j["kind"] = Name(v.kind);
  j["pattern"] = Name(v.pattern);
  j["raw_score"] = v.raw_score;
  j["ruleset_version"] = v.ruleset_version;
  j["category_scores"] = v.category_scores;
  j["kind_scores"] = v.kind_scores;
  auto span_json = [&](const std::string& field, Span s) {
    ordered_json e;
    e["field"] = field;
    e["begin"] = s.begin;
    e["end"] = s.end;
    e["text"] = SpanText(ad, field, s);
    if (field == "image") {
      const ImagePlace place = LocateImageSpan(ad, s);
      if (place.image != nullptr) {
        e["image_url"] = place.image->url;
        e["box"] = {{"x", place.box.x}, {"y", place.box.y}, {"w", place.box.w}, {"h", place.box.h}};
      }
    }
    return e;
  };
  ordered_json hits = ordered_json::array();
  for (const Hit& h : v.hits) {
    ordered_json jh;
    jh["rule_id"] = h.rule_id;
    jh["category"] = h.category;
    jh["weight"] = h.weight;
    jh["rule_weight"] = h.rule_weight;
    jh["view"] = h.view;
    jh["description"] = lang == Lang::kEn ? h.describe_en : h.describe_id;
    jh["negated"] = h.negated;
    ordered_json ev = ordered_json::array();
    for (const Evidence& e : h.evidence) ev.push_back(span_json(e.field, e.span));
    jh["evidence"] = std::move(ev);
    hits.push_back(std::move(jh));
  }
  j["hits"] = std::move(hits);
  ordered_json contacts = ordered_json::array(), salaries = ordered_json::array(),
               places = ordered_json::array();
  for (const Contact& c : v.entities.contacts) {
    ordered_json jc;
    jc["kind"] = Name(c.kind);
    jc["value"] = c.value;
    jc["region"] = c.region;
    jc["landline"] = c.landline;
    jc["area"] = c.area;
    jc["evidence"] = span_json(c.field, c.span);
    contacts.push_back(std::move(jc));
  }
  for (const SalaryMention& s : v.entities.salaries) {
    ordered_json js;
    js["min"] = s.salary.min;
    js["max"] = s.salary.max;
    js["currency"] = s.salary.currency;
    js["period"] = s.salary.period;
    js["open_ended"] = s.salary.open_ended;
    js["monthly_idr_min"] = s.monthly_idr_min;
    js["monthly_idr_max"] = s.monthly_idr_max;
    js["evidence"] = span_json(s.field, s.span);
    salaries.push_back(std::move(js));
  }
  for (const PlaceMention& p : v.entities.places) {
    ordered_json jp;
    jp["id"] = p.id;
    jp["name"] = p.name;
    jp["kind"] = Name(p.kind);
    jp["country"] = p.country;
    jp["province"] = p.province;
    jp["nonplacement"] = p.nonplacement;
    jp["transit"] = p.transit;
    jp["moratorium"] = p.moratorium;
    jp["evidence"] = span_json(p.field, p.span);
    places.push_back(std::move(jp));
  }
  j["entities"] = {{"contacts", std::move(contacts)},
                   {"salaries", std::move(salaries)},
                   {"places", std::move(places)}};
  j["warnings"] = v.warnings;
  if (!ad.images.empty()) {
    ordered_json images = ordered_json::array();
    for (const ImageRef& im : ad.images) {
      ordered_json ji;
      ji["url"] = im.url;
      ji["origin"] = Name(im.origin);
      ji["phash"] = im.phash;
      ji["sha256"] = im.sha256_hex;
      ji["width"] = im.width;
      ji["height"] = im.height;
      if (!im.problem.empty()) ji["problem"] = im.problem;
      images.push_back(std::move(ji));
    }
    j["images"] = std::move(images);
    j["image_text"] = ad.image_text;
  }
  return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace adwatch::classifier
