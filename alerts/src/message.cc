#include "adwatch/alerts/message.h"

#include <nlohmann/json.hpp>

#include "adwatch/common/escape.h"

namespace adwatch::alerts {
namespace {

using watch::Alert;
using watch::AlertCause;

// One line of ad data in a message: whitespace (CR and LF among it) collapsed, so a hostile value
// cannot start a line of its own, and cut so one value cannot drown the rest.
std::string Line(std::string_view v, size_t max_bytes = 300) { return Collapse(v, max_bytes); }

bool Id(Lang lang) { return lang == Lang::kId; }

std::string LevelName(std::string_view level, Lang lang) {
  if (!Id(lang)) return std::string(level.empty() ? "unknown" : level);
  if (level == "low") return "rendah";
  if (level == "medium") return "sedang";
  if (level == "high") return "tinggi";
  if (level == "critical") return "kritis";
  return level.empty() ? "tidak diketahui" : std::string(level);
}

std::string ZoneLabel(const LocalDays& local) {
  return local.zone() == "Asia/Jakarta" ? "WIB" : local.zone();
}

std::string When(int64_t ms, const LocalDays& local) {
  return FormatUtc(ms) + " (" + local.MinuteOf(ms) + " " + ZoneLabel(local) + ")";
}

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += Line(s, 100);
  }
  return out;
}

const std::vector<std::string>& Reasons(const Alert& a, Lang lang) {
  const auto& first = Id(lang) ? a.reasons_id : a.reasons_en;
  return first.empty() ? (Id(lang) ? a.reasons_en : a.reasons_id) : first;
}

bool IsBurst(const Alert& a) { return a.cause != AlertCause::kWatch; }

// What happened, in one phrase: the subject's and the summary's line for one alert.
std::string Headline(const Alert& a, Lang lang) {
  const std::string m = Line(a.matched, 120);
  const bool id = Id(lang);
  switch (a.cause) {
    case AlertCause::kWatch:
      return id ? "Daftar pantau: " + m + " muncul di iklan baru"
                : "Watch list: " + m + " appeared in a new ad";
    case AlertCause::kBurstRegions:
      return id ? "Lonjakan: " + m + " di iklan untuk " + std::to_string(a.regions.size()) +
                      " wilayah"
                : "Burst: " + m + " in ads for " + std::to_string(a.regions.size()) + " regions";
    case AlertCause::kBurstSources:
      return id ? "Lonjakan: " + m + " di iklan dari banyak sumber (" +
                      std::to_string(a.related_ads.size()) + " iklan)"
                : "Burst: " + m + " in ads from many sources (" +
                      std::to_string(a.related_ads.size()) + " ads)";
    case AlertCause::kNetworkGrowth:
      return id ? "Jaringan perekrut tumbuh: " + m + " (" + std::to_string(a.related_ads.size()) +
                      " iklan)"
                : "Recruiter network grew: " + m + " (" + std::to_string(a.related_ads.size()) +
                      " ads)";
  }
  return m;
}

// Label/value rows of one alert, shared by the text and the HTML form. A value flagged as a
// link is written as one in HTML when it is http(s).
struct Row {
  std::string label;
  std::string value;
  bool link = false;
};

std::vector<Row> Rows(const Alert& a, Lang lang, std::string_view base_url,
                      const LocalDays& local) {
  const bool id = Id(lang);
  std::vector<Row> rows;
  if (IsBurst(a)) {
    rows.push_back({id ? "Aturan lonjakan" : "Burst rule", Line(a.entry_id)});
    if (!a.note.empty()) rows.push_back({id ? "Keterangan" : "Description", Line(a.note)});
  } else {
    rows.push_back({id ? "Catatan entri" : "Entry note", a.note.empty() ? "-" : Line(a.note)});
  }
  rows.push_back({id ? "Nilai yang cocok" : "Matched value", Line(a.matched)});
  std::string level = LevelName(a.level, lang);
  if (!a.pattern.empty()) level += (id ? " (pola: " : " (pattern: ") + Line(a.pattern, 60) + ")";
  rows.push_back({id ? "Tingkat iklan" : "Ad level", level});
  if (!a.regions.empty()) rows.push_back({id ? "Wilayah" : "Regions", Join(a.regions, ", ")});
  if (!a.source.empty()) rows.push_back({id ? "Sumber" : "Source", Line(a.source, 100)});
  if (!a.ad_url.empty()) rows.push_back({id ? "URL iklan" : "Ad URL", Line(a.ad_url, 500), true});
  rows.push_back({id ? "Terlihat" : "Seen", When(a.seen_ms, local)});
  const std::string page = AdPageLink(base_url, a.ad_id);
  if (!page.empty()) {
    rows.push_back({id ? "Halaman iklan" : "Ad page", page, true});
  } else {
    rows.push_back({id ? "ID iklan" : "Ad id", Line(a.ad_id, 100)});
  }
  return rows;
}

std::string TextOf(const std::vector<Row>& rows) {
  std::string out;
  for (const Row& r : rows) out += r.label + ": " + r.value + "\n";
  return out;
}

void AppendHtmlRows(const std::vector<Row>& rows, std::string& out) {
  out += "<table>";
  for (const Row& r : rows) {
    out += "<tr><th style=\"text-align:left;padding-right:1em\">";
    AppendHtmlEscaped(r.label, out);
    out += "</th><td>";
    const std::string url = r.link ? SafeHttpUrl(r.value) : "";
    if (!url.empty()) {
      out += "<a href=\"" + HtmlEscape(url) + "\">";
      AppendHtmlEscaped(r.value, out);
      out += "</a>";
    } else {
      AppendHtmlEscaped(r.value, out);
    }
    out += "</td></tr>";
  }
  out += "</table>";
}

std::string HtmlPage(std::string_view title, const std::string& inner, Lang lang) {
  std::string out = "<!DOCTYPE html><html lang=\"";
  out += Id(lang) ? "id" : "en";
  out += "\"><head><meta charset=\"utf-8\"><title>";
  AppendHtmlEscaped(title, out);
  out += "</title></head><body style=\"font-family:sans-serif\"><h1 style=\"font-size:1.2em\">";
  AppendHtmlEscaped(title, out);
  out += "</h1>" + inner + "</body></html>";
  return out;
}

std::string Intro(const Alert& a, Lang lang) {
  const bool id = Id(lang);
  switch (a.cause) {
    case AlertCause::kWatch:
      return id ? "Sebuah entri daftar pantau organisasi Anda cocok dengan iklan yang baru "
                  "disimpan."
                : "An entry of your organisation's watch list matched an ad that was just stored.";
    case AlertCause::kBurstRegions:
      return id ? "Satu kontak muncul di iklan untuk " + std::to_string(a.regions.size()) +
                      " wilayah dalam jangka waktu aturan ini."
                : "One contact appeared in ads for " + std::to_string(a.regions.size()) +
                      " regions within this rule's window.";
    case AlertCause::kBurstSources:
      return id ? "Satu kontak muncul di iklan dari banyak sumber dalam jangka waktu aturan ini."
                : "One contact appeared in ads from many sources within this rule's window.";
    case AlertCause::kNetworkGrowth:
      return id ? "Sebuah jaringan perekrut melewati batas jumlah iklan aturan ini."
                : "A recruiter network grew past this rule's number of ads.";
  }
  return "";
}

std::vector<std::string> RelatedLinks(const Alert& a, std::string_view base_url) {
  std::vector<std::string> out;
  for (const auto& ad : a.related_ads) {
    const std::string link = AdPageLink(base_url, ad);
    out.push_back(link.empty() ? Line(ad, 100) : link);
  }
  return out;
}

nlohmann::json AlertObject(const Alert& a, Lang lang, std::string_view base_url) {
  nlohmann::json related = nlohmann::json::array();
  for (const auto& ad : a.related_ads) {
    related.push_back({{"ad_id", ad}, {"ad_page", AdPageLink(base_url, ad)}});
  }
  return {{"id", a.id},
          {"org", a.org},
          {"cause", std::string(watch::AlertCauseName(a.cause))},
          {"entry_id", a.entry_id},
          {"matched", a.matched},
          {"note", a.note},
          {"ad_id", a.ad_id},
          {"ad_url", a.ad_url},
          {"ad_page", AdPageLink(base_url, a.ad_id)},
          {"source", a.source},
          {"regions", a.regions},
          {"level", a.level},
          {"pattern", a.pattern},
          {"reasons", Reasons(a, lang)},
          {"seen_at", FormatUtc(a.seen_ms)},
          {"created_at", FormatUtc(a.created_ms)},
          {"related_ads", related}};
}

std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string AdPageLink(std::string_view base_url, std::string_view ad_id) {
  if (base_url.empty() || ad_id.empty()) return "";
  while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  std::string out(base_url);
  out += "/review/ads/";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : ad_id) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Rendered RenderAlert(const Alert& a, Lang lang, std::string_view base_url, const LocalDays& local) {
  const bool id = Id(lang);
  Rendered r;
  r.subject = "[adwatch] " + Headline(a, lang);
  if (!IsBurst(a) && !a.note.empty()) r.subject += " — " + Line(a.note, 80);
  r.subject += " (" + LevelName(a.level, lang) + ")";

  const std::vector<Row> rows = Rows(a, lang, base_url, local);
  const auto& reasons = Reasons(a, lang);
  const auto related = RelatedLinks(a, base_url);
  const std::string reasons_label = id ? "Alasan tingkat iklan" : "Why the ad has this level";
  const std::string related_label = id ? "Iklan terkait" : "Related ads";

  r.text = Intro(a, lang) + "\n\n" + TextOf(rows);
  if (!reasons.empty()) {
    r.text += "\n" + reasons_label + ":\n";
    for (const auto& s : reasons) r.text += "- " + Line(s) + "\n";
  }
  if (!related.empty()) {
    r.text += "\n" + related_label + ":\n";
    for (const auto& s : related) r.text += "- " + s + "\n";
  }
  r.text += "\n" + std::string(id ? "ID peringatan: " : "Alert id: ") + a.id + "\n";

  std::string inner = "<p>";
  AppendHtmlEscaped(Intro(a, lang), inner);
  inner += "</p>";
  AppendHtmlRows(rows, inner);
  auto list = [&inner](const std::string& label, const std::vector<std::string>& items,
                       bool links) {
    if (items.empty()) return;
    inner += "<h2 style=\"font-size:1em\">";
    AppendHtmlEscaped(label, inner);
    inner += "</h2><ul>";
    for (const auto& s : items) {
      inner += "<li>";
      const std::string url = links ? SafeHttpUrl(s) : "";
      if (!url.empty()) inner += "<a href=\"" + HtmlEscape(url) + "\">";
      AppendHtmlEscaped(links ? s : Line(s), inner);
      if (!url.empty()) inner += "</a>";
      inner += "</li>";
    }
    inner += "</ul>";
  };
  list(reasons_label, reasons, false);
  list(related_label, related, true);
  inner += "<p style=\"color:#666\">";
  AppendHtmlEscaped((id ? "ID peringatan: " : "Alert id: ") + a.id, inner);
  inner += "</p>";
  r.html = HtmlPage(r.subject, inner, lang);
  return r;
}

Rendered RenderSummary(std::string_view summary_id, const std::vector<Alert>& alerts, Lang lang,
                       std::string_view base_url, const LocalDays& local) {
  const bool id = Id(lang);
  const std::string n = std::to_string(alerts.size());
  Rendered r;
  r.subject =
      id ? "[adwatch] Ringkasan: " + n + " peringatan" : "[adwatch] Summary: " + n + " alerts";
  const std::string intro =
      id ? n + " peringatan lagi untuk Anda, digabung dalam satu pesan karena batas jumlah "
               "pesan tercapai."
         : n + " more alerts for you, folded into one message because the message limit was "
               "reached.";
  r.text = intro + "\n";
  std::string inner = "<p>";
  AppendHtmlEscaped(intro, inner);
  inner += "</p><ol>";
  int i = 0;
  for (const Alert& a : alerts) {
    ++i;
    const std::string page = AdPageLink(base_url, a.ad_id);
    const std::string note = a.note.empty() ? "-" : Line(a.note, 120);
    r.text += "\n" + std::to_string(i) + ". " + Headline(a, lang) + "\n   " +
              (id ? "Catatan: " : "Note: ") + note + "\n   " + (id ? "Tingkat: " : "Level: ") +
              LevelName(a.level, lang) + "\n   " + (id ? "Terlihat: " : "Seen: ") +
              When(a.seen_ms, local) + "\n   " +
              (page.empty() ? "ad " + Line(a.ad_id, 100) : page) + "\n";
    inner += "<li>";
    AppendHtmlEscaped(Headline(a, lang), inner);
    inner += "<br>";
    AppendHtmlEscaped((id ? "Catatan: " : "Note: ") + note + " · " +
                          (id ? "Tingkat: " : "Level: ") + LevelName(a.level, lang) + " · " +
                          When(a.seen_ms, local),
                      inner);
    inner += "<br>";
    if (!page.empty() && !SafeHttpUrl(page).empty()) {
      inner += "<a href=\"" + HtmlEscape(page) + "\">" + HtmlEscape(page) + "</a>";
    } else {
      AppendHtmlEscaped("ad " + a.ad_id, inner);
    }
    inner += "</li>";
  }
  inner += "</ol><p style=\"color:#666\">";
  const std::string sid = (id ? "ID ringkasan: " : "Summary id: ") + std::string(summary_id);
  AppendHtmlEscaped(sid, inner);
  inner += "</p>";
  r.text += "\n" + sid + "\n";
  r.html = HtmlPage(r.subject, inner, lang);
  return r;
}

std::string AlertJson(const Alert& a, Lang lang, std::string_view base_url,
                      const LocalDays& local) {
  const Rendered r = RenderAlert(a, lang, base_url, local);
  return Dump({{"version", kWebhookVersion},
               {"type", "alert"},
               {"lang", Id(lang) ? "id" : "en"},
               {"alert", AlertObject(a, lang, base_url)},
               {"subject", r.subject},
               {"text", r.text}});
}

std::string SummaryJson(std::string_view summary_id, const std::vector<Alert>& alerts, Lang lang,
                        std::string_view base_url, const LocalDays& local) {
  const Rendered r = RenderSummary(summary_id, alerts, lang, base_url, local);
  nlohmann::json list = nlohmann::json::array();
  for (const Alert& a : alerts) list.push_back(AlertObject(a, lang, base_url));
  return Dump({{"version", kWebhookVersion},
               {"type", "summary"},
               {"lang", Id(lang) ? "id" : "en"},
               {"id", summary_id},
               {"count", alerts.size()},
               {"alerts", list},
               {"subject", r.subject},
               {"text", r.text}});
}

}  // namespace adwatch::alerts
