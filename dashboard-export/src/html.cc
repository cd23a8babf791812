// The HTML digest: one self-contained page. Everything from an ad goes through HtmlEscape (text)
// or SafeHttpUrl + HtmlEscape (links); the page carries a Content-Security-Policy that allows no
// scripts and no outside resources, as a second wall should a bug ever let markup through.
#include <algorithm>
#include <cmath>
#include <optional>

#include "adwatch/common/escape.h"
#include "adwatch/common/names.h"
#include "adwatch/common/time.h"
#include "adwatch/export/writers.h"
#include "i18n.h"
#include "text.h"

namespace adwatch::exporter {
namespace {

constexpr const char* kStyle = R"CSS(
:root{--ink:#1b1f24;--muted:#56606b;--line:#d5dbe1;--high:#b42318;--medium:#c4600a;--low:#9a7b00;--none:#98a2ad;--avg:#c9d1da;--mark:#ffe770;--link:#0b5cad}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#eef1f4;color:var(--ink);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;-webkit-print-color-adjust:exact;print-color-adjust:exact}
main{max-width:880px;margin:0 auto;padding:16px 20px 32px;background:#fff}
a{color:var(--link)}
h1{font-size:1.55rem;line-height:1.25;margin:.15em 0 .3em}
h2{font-size:1.2rem;margin:1.8em 0 .6em;padding-bottom:4px;border-bottom:2px solid var(--ink)}
h3{font-size:1.02rem;margin:.2em 0 .35em;overflow-wrap:anywhere}
h4{font-size:.95rem;margin:1em 0 .4em}
p{margin:.4em 0}
.kicker{margin:0;color:var(--muted);font-size:.8rem;letter-spacing:.05em;text-transform:uppercase}
.meta{color:var(--muted);font-size:.9rem}
.lead{font-size:1.1rem;font-weight:600}
.note{color:var(--muted);font-size:.9rem}
.warn{border:1px solid var(--high);border-radius:6px;padding:8px 12px;background:#fff5f4}
table{width:100%;border-collapse:collapse;font-size:.95rem}
th,td{padding:6px 8px;text-align:left;vertical-align:top;border-bottom:1px solid var(--line)}
th{font-weight:600;color:var(--muted);font-size:.85rem;white-space:normal}
.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.up{color:var(--high);font-weight:600}.down{color:#067647;font-weight:600}
svg{display:block;max-width:100%;height:auto}
.chart{width:100%;max-width:680px}
svg text{font-family:inherit}
figure{margin:.8em 0}
figcaption{color:var(--muted);font-size:.85rem}
.legend span{display:inline-block;margin-right:14px;font-size:.85rem;color:var(--muted)}
.legend i{display:inline-block;width:11px;height:11px;margin-right:5px;vertical-align:-1px;border-radius:2px}
.card{margin:12px 0;padding:10px 14px;border:1px solid var(--line);border-left:6px solid var(--low);border-radius:6px;break-inside:avoid;page-break-inside:avoid}
.card.high{border-left-color:var(--high)}.card.medium{border-left-color:var(--medium)}.card.net{border-left-color:var(--ink)}
.card.distress{border-left-color:var(--high);background:#fff8f7}
.badge{display:inline-block;padding:1px 9px;border-radius:10px;color:#fff;background:var(--low);font-size:.8rem;font-weight:700;white-space:nowrap}
.badge.high{background:var(--high)}.badge.medium{background:var(--medium)}
.ev{margin:6px 0;padding:6px 10px;border-left:3px solid var(--line);background:#f7f7f3;font-style:italic;overflow-wrap:anywhere}
mark{background:var(--mark);color:inherit;font-style:normal;font-weight:600;padding:0 2px;border-radius:2px}
dl{display:grid;grid-template-columns:minmax(7.5em,max-content) 1fr;gap:3px 14px;margin:6px 0;font-size:.93rem}
dt{color:var(--muted)}
dd{margin:0;overflow-wrap:anywhere}
ul{margin:.2em 0;padding-left:1.25em}
.contact{font-weight:600;white-space:nowrap}
.url{display:block;color:var(--muted);font-size:.82rem;overflow-wrap:anywhere}
.bar{width:100%;min-width:60px}
.tops{display:grid;grid-template-columns:1fr 1fr;gap:0 24px}
footer{margin-top:2em;padding-top:.6em;border-top:1px solid var(--line);color:var(--muted);font-size:.88rem}
@media (max-width:640px){body{font-size:15px}main{padding:10px 12px 24px}dl{grid-template-columns:1fr}dt{margin-top:5px}.tops{grid-template-columns:1fr}th,td{padding:5px 4px}table{font-size:.9rem}th{font-size:.75rem}}
@media print{body{background:#fff;font-size:10.5pt}main{max-width:none;padding:0}a{color:inherit;text-decoration:none}h2{break-after:avoid;page-break-after:avoid}figure,table{break-inside:avoid}}
)CSS";

const char* LevelClass(Level l) {
  switch (l) {
    case Level::kHigh:
      return "high";
    case Level::kMedium:
      return "medium";
    case Level::kLow:
      return "low";
    case Level::kNone:
      break;
  }
  return "none";
}

const char* LevelColor(Level l) {
  switch (l) {
    case Level::kHigh:
      return "#b42318";
    case Level::kMedium:
      return "#c4600a";
    case Level::kLow:
      return "#9a7b00";
    case Level::kNone:
      break;
  }
  return "#98a2ad";
}

class Page {
 public:
  explicit Page(const Digest& d) : d_(d), w_(WordsFor(d.lang)) {
    auto days = LocalDays::Create(d.timezone.empty() ? "Asia/Jakarta" : d.timezone);
    if (days) days_.emplace(std::move(*days));
  }

  std::string Render() {
    Head();
    out_ += "<body><main>\n";
    Header();
    Summary();
    Trend();
    Flagged();
    Networks();
    Tops();
    Notices();
    About();
    out_ += "</main></body></html>\n";
    return std::move(out_);
  }

 private:
  void T(std::string_view text) { AppendHtmlEscaped(text, out_); }
  void Raw(std::string_view s) { out_ += s; }
  std::string Time(int64_t ms) const { return days_ ? LocalTime(*days_, ms) : FormatUtc(ms); }
  std::string Count(int64_t n) const { return FormatCount(n, d_.lang); }

  void Head() {
    Raw("<!DOCTYPE html>\n<html lang=\"");
    Raw(w_.lang);
    Raw("\"><head><meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        "<meta name=\"generator\" content=\"adwatch\">\n<title>");
    T(d_.title + " — " + d_.day + " — adwatch");
    Raw("</title>\n<style>");
    Raw(kStyle);
    Raw("</style></head>\n");
  }

  void Header() {
    Raw("<header><p class=\"kicker\">");
    T(w_.kicker);
    Raw("</p><h1>");
    T(d_.title);
    Raw("</h1><p class=\"meta\"><strong>");
    T(LongDay(d_.day, d_.lang));
    Raw("</strong> · ");
    T(w_.regions);
    Raw(": ");
    if (d_.national) {
      T(w_.all_regions);
    } else {
      std::string names;
      for (const std::string& n : d_.region_names) names += (names.empty() ? "" : ", ") + n;
      T(names);
    }
    Raw("</p><p class=\"meta\">");
    T(Format(w_.min_level_note, LevelWord(d_.min_level, d_.lang)));
    Raw(" ");
    T(w_.generated);
    Raw(" ");
    T(Time(d_.generated_at_ms));
    Raw(" (");
    T(d_.timezone);
    Raw(").</p><p class=\"meta\">");
    T(w_.confidential);
    Raw("</p></header>\n");
  }

  // "▲ 45%" / "▼ 20%" / "="
  void Change(double today, double avg, bool have_avg) {
    if (!have_avg) {
      Raw("<td class=\"n\">–</td>");
      return;
    }
    const double diff = today - avg;
    if (std::fabs(diff) < 0.05) {
      Raw("<td class=\"n\">=</td>");
      return;
    }
    std::string text;
    if (avg > 0) {
      text = FormatDecimal(std::fabs(diff) / avg * 100.0, d_.lang) + "%";
    } else {
      text = "+" + FormatDecimal(diff, d_.lang);
    }
    Raw(diff > 0 ? "<td class=\"n up\">▲ " : "<td class=\"n down\">▼ ");
    T(text);
    Raw("</td>");
  }

  void CountRow(const std::string& label, int64_t today, double avg, bool with_avg) {
    const bool have = with_avg && d_.baseline_days > 0;
    Raw("<tr><td>");
    T(label);
    Raw("</td><td class=\"n\"><strong>");
    T(Count(today));
    Raw("</strong></td><td class=\"n\">");
    T(have ? FormatDecimal(avg, d_.lang) : "–");
    Raw("</td>");
    Change(static_cast<double>(today), avg, have);
    Raw("</tr>\n");
  }

  void Summary() {
    const DayTotals& t = d_.today;
    Raw("<section id=\"summary\"><h2>");
    T(w_.summary_h);
    Raw("</h2><p class=\"lead\">");
    T(LeadSentence(d_));
    Raw("</p>\n<table><thead><tr><th></th><th class=\"n\">");
    T(w_.today);
    Raw("</th><th class=\"n\">");
    T(d_.baseline_days > 0 ? Format(w_.average, d_.baseline_days) : std::string(w_.average_none));
    Raw("</th><th class=\"n\">");
    T(w_.change);
    Raw("</th></tr></thead><tbody>\n");
    const char* level = LevelWord(d_.min_level, d_.lang);
    CountRow(Format(w_.row_flagged, level), t.flagged, d_.avg_flagged, true);
    CountRow(w_.row_high, t.by_level[3], d_.avg_by_level[3], true);
    CountRow(w_.row_medium, t.by_level[2], d_.avg_by_level[2], true);
    CountRow(w_.row_low, t.by_level[1], d_.avg_by_level[1], true);
    CountRow(w_.row_scanned, t.scanned, d_.avg_scanned, true);
    CountRow(w_.row_reposts, t.reposts, 0, false);
    CountRow(w_.row_news, t.news, 0, false);
    CountRow(w_.row_distress, t.distress, 0, false);
    Raw("</tbody></table>\n");
    SummaryChart();
    Raw("</section>\n");
  }

  // Horizontal bars: each risk level today (solid) against its baseline average (grey).
  void SummaryChart() {
    const DayTotals& t = d_.today;
    double max = 1;
    for (size_t l = 1; l < 4; ++l) {
      max = std::max({max, static_cast<double>(t.by_level[l]), d_.avg_by_level[l]});
    }
    const int width = 600, label_w = 160, bar_w = width - label_w - 70, row_h = 48;
    Raw("<figure><svg class=\"chart\" role=\"img\" viewBox=\"0 0 600 ");
    Raw(std::to_string(3 * row_h + 28));
    Raw("\"><title>");
    T(w_.chart_today_vs_avg);
    Raw("</title>\n");
    const Level levels[] = {Level::kHigh, Level::kMedium, Level::kLow};
    const char* names[] = {w_.row_high, w_.row_medium, w_.row_low};
    for (int i = 0; i < 3; ++i) {
      const auto l = static_cast<size_t>(levels[i]);
      const int y = 6 + i * row_h;
      const double today_w = bar_w * static_cast<double>(t.by_level[l]) / max;
      const double avg_w = bar_w * d_.avg_by_level[l] / max;
      Raw(Format("<text x=\"0\" y=\"%d\" font-size=\"18\" fill=\"#1b1f24\">", y + 20));
      T(names[i]);
      Raw("</text>");
      Raw(Format("<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>", label_w,
                 y + 4, std::max(today_w, 1.0), LevelColor(levels[i])));
      Raw(Format("<text x=\"%.1f\" y=\"%d\" font-size=\"18\" font-weight=\"700\" fill=\"#1b1f24\">",
                 label_w + today_w + 6, y + 20));
      T(Count(t.by_level[l]));
      Raw("</text>");
      if (d_.baseline_days > 0) {
        Raw(Format("<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"9\" fill=\"#c9d1da\"/>",
                   label_w, y + 25, std::max(avg_w, 1.0)));
        Raw(Format("<text x=\"%.1f\" y=\"%d\" font-size=\"15\" fill=\"#56606b\">",
                   label_w + avg_w + 6, y + 35));
        T("⌀ " + FormatDecimal(d_.avg_by_level[l], d_.lang));
        Raw("</text>");
      }
    }
    Raw("</svg><figcaption class=\"legend\"><span><i style=\"background:#b42318\"></i>");
    T(w_.today);
    Raw("</span>");
    if (d_.baseline_days > 0) {
      Raw("<span><i style=\"background:#c9d1da\"></i>");
      T(Format(w_.average, d_.baseline_days));
      Raw("</span>");
    }
    Raw("</figcaption></figure>\n");
  }

  // Stacked columns of flagged ads per day and level, today on the right.
  void Trend() {
    const auto& days = d_.trend;
    Raw("<section id=\"trend\"><h2>");
    T(Format(w_.trend_h, static_cast<int>(days.size())));
    Raw("</h2><p class=\"note\">");
    T(w_.trend_desc);
    Raw("</p>\n");
    int64_t max = 1, max_scanned = 0;
    for (const DayTotals& t : days) {
      max = std::max<int64_t>(max, t.by_level[1] + t.by_level[2] + t.by_level[3]);
      max_scanned = std::max(max_scanned, t.scanned);
    }
    const double left = 48, right = 596, top = 12, bottom = 186;
    const double slot = days.empty() ? 0 : (right - left) / static_cast<double>(days.size());
    const double bar = std::max(1.0, slot * 0.72);
    Raw("<figure><svg class=\"chart\" role=\"img\" viewBox=\"0 0 600 230\"><title>");
    T(Format(w_.trend_h, static_cast<int>(days.size())));
    Raw("</title>\n");
    Raw(Format("<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#d5dbe1\"/>", left,
               top, right, top));
    Raw(Format("<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#56606b\"/>", left,
               bottom, right, bottom));
    Raw(Format("<text x=\"%.0f\" y=\"%.0f\" font-size=\"16\" text-anchor=\"end\" fill=\"#56606b\">",
               left - 6, top + 6));
    T(Count(max));
    Raw(
        Format("</text><text x=\"%.0f\" y=\"%.0f\" font-size=\"16\" text-anchor=\"end\" "
               "fill=\"#56606b\">0</text>\n",
               left - 6, bottom));
    for (size_t i = 0; i < days.size(); ++i) {
      const DayTotals& t = days[i];
      const double x = left + slot * static_cast<double>(i) + (slot - bar) / 2;
      double y = bottom;
      Raw("<g><title>");
      T(ShortDay(t.day, d_.lang) + ": " + Count(t.by_level[3]) + " " + w_.level_high + ", " +
        Count(t.by_level[2]) + " " + w_.level_medium + ", " + Count(t.by_level[1]) + " " +
        w_.level_low + " / " + Count(t.scanned));
      Raw("</title>");
      for (const Level l : {Level::kLow, Level::kMedium, Level::kHigh}) {
        const double h = (bottom - top) * static_cast<double>(t.by_level[static_cast<size_t>(l)]) /
                         static_cast<double>(max);
        if (h <= 0) continue;
        y -= h;
        Raw(Format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>", x, y,
                   bar, h, LevelColor(l)));
      }
      Raw("</g>");
      const bool last = i + 1 == days.size();
      if (last || (days.size() - 1 - i) % 7 == 0) {
        Raw(Format("<text x=\"%.1f\" y=\"%.0f\" font-size=\"16\" text-anchor=\"%s\" fill=\"%s\"%s>",
                   last ? x + bar : x + bar / 2, bottom + 20, last ? "end" : "middle",
                   last ? "#1b1f24" : "#56606b", last ? " font-weight=\"700\"" : ""));
        T(ShortDay(t.day, d_.lang));
        Raw("</text>");
      }
    }
    Raw("\n<g font-size=\"16\" fill=\"#56606b\">");
    double lx = left;
    for (const Level l : {Level::kHigh, Level::kMedium, Level::kLow}) {
      Raw(
          Format("<rect x=\"%.0f\" y=\"214\" width=\"13\" height=\"13\" fill=\"%s\"/><text "
                 "x=\"%.0f\" y=\"226\">",
                 lx, LevelColor(l), lx + 16));
      T(LevelWord(l, d_.lang));
      Raw("</text>");
      lx += 130;
    }
    Raw("</g></svg><figcaption>");
    T(Format(w_.trend_scanned, Count(max_scanned).c_str()));
    Raw("</figcaption></figure>\n");
    // The last week in words too: mail clients that drop SVG still show the numbers.
    Raw("<p class=\"note\">");
    T(w_.trend_week);
    Raw(" ");
    for (size_t i = days.size() > 7 ? days.size() - 7 : 0; i < days.size(); ++i) {
      T(ShortDay(days[i].day, d_.lang) + " " + Count(days[i].flagged) +
        (i + 1 < days.size() ? " · " : "."));
    }
    Raw("</p></section>\n");
  }

  void Snippet(const DigestRow& row) {
    size_t at = 0;
    for (const Span& s : row.highlights) {
      if (s.begin < at || s.end > row.snippet.size() || s.begin >= s.end) continue;
      T(std::string_view(row.snippet).substr(at, s.begin - at));
      Raw("<mark>");
      T(std::string_view(row.snippet).substr(s.begin, s.end - s.begin));
      Raw("</mark>");
      at = s.end;
    }
    T(std::string_view(row.snippet).substr(std::min(at, row.snippet.size())));
  }

  void Link(const std::string& url, const char* text) {
    const std::string safe = SafeHttpUrl(url);
    if (!safe.empty()) {
      Raw("<a href=\"");
      T(safe);
      Raw("\" rel=\"noopener noreferrer nofollow\">");
      T(text);
      Raw("</a>");
    } else if (!url.empty()) {
      T(w_.unsafe_link);
    }
    if (!url.empty()) {
      Raw("<span class=\"url\">");
      T(url);
      Raw("</span>");
    }
  }

  void Item(const char* label) {
    Raw("<dt>");
    T(label);
    Raw("</dt><dd>");
  }

  void List(const std::vector<std::string>& items) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) Raw(", ");
      T(items[i]);
    }
  }

  void Flagged() {
    Raw("<section id=\"flagged\"><h2>");
    T(std::string(w_.flagged_h) + " (" + Count(static_cast<int64_t>(d_.rows.size())) + ")");
    Raw("</h2>\n");
    if (d_.rows.empty()) {
      Raw("<p>");
      T(w_.flagged_none);
      Raw("</p>\n");
    }
    const size_t shown = std::min(d_.rows.size(), d_.html_max_ads);
    for (size_t i = 0; i < shown; ++i) {
      const DigestRow& r = d_.rows[i];
      const char* cls = LevelClass(r.level);
      Raw(Format("<article class=\"card %s\" id=\"ad-", cls));
      T(r.ad_id);
      Raw(Format("\"><p><span class=\"badge %s\">", cls));
      T(std::to_string(r.score) + " · " + LevelWord(r.level, d_.lang));
      Raw("</span> <span class=\"meta\">#");
      T(std::to_string(i + 1) + " · " + r.site);
      Raw("</span></p><h3>");
      T(r.title.empty() ? "—" : r.title);
      Raw("</h3><blockquote class=\"ev\">");
      Snippet(r);
      Raw("</blockquote><dl>");
      if (!r.reasons.empty()) {
        Item(w_.reasons);
        Raw("<ul>");
        for (const std::string& reason : r.reasons) {
          Raw("<li>");
          T(reason);
          Raw("</li>");
        }
        Raw("</ul></dd>");
      }
      if (!r.contacts.empty()) {
        Item(w_.contacts);
        for (size_t k = 0; k < r.contacts.size(); ++k) {
          if (k > 0) Raw(", ");
          Raw("<span class=\"contact\">");
          T(ContactDisplay(r.contacts[k], d_.lang));
          Raw("</span>");
        }
        Raw("</dd>");
      }
      if (r.pattern != Pattern::kOther) {
        Item(w_.pattern);
        T(PatternTitle(r.pattern, d_.lang == DigestLang::kEn));
        Raw("</dd>");
      }
      if (!r.destinations.empty()) {
        Item(w_.destinations);
        List(r.destinations);
        Raw("</dd>");
      }
      if (!r.pickup_points.empty()) {
        Item(w_.pickup);
        List(r.pickup_points);
        Raw("</dd>");
      }
      if (!r.region_names.empty()) {
        Item(w_.regions);
        List(r.region_names);
        Raw("</dd>");
      }
      Item(w_.region_route);
      T(r.routed_because);
      Raw("</dd>");
      Item(w_.source);
      T(r.site.empty() ? r.source : r.site);
      Raw(" — ");
      Link(r.url, w_.open_ad);
      Raw("</dd>");
      Item(w_.first_seen);
      T(Time(r.first_seen_ms));
      Raw("</dd>");
      if (r.network > 0) {
        Item(w_.network);
        Raw(Format("<a href=\"#net-%d\">", r.network));
        T(Format(w_.network_title, r.network));
        Raw("</a></dd>");
      }
      if (r.same_text > 0) {
        Item(w_.same_text_h);
        T(Format(w_.same_text, r.same_text));
        Raw("</dd>");
      }
      if (!r.label.empty()) {
        Item(w_.label);
        T(ReviewLabelWord(r.label, d_.lang));
        Raw("</dd>");
      }
      Raw("</dl></article>\n");
    }
    if (d_.rows.size() > shown) {
      Raw("<p class=\"note\">");
      T(Format(w_.more_in_csv, Count(static_cast<int64_t>(d_.rows.size() - shown)).c_str()));
      Raw("</p>\n");
    }
    if (d_.language_filtered > 0) {
      Raw("<p class=\"note\">");
      T(Format(w_.language_filtered, Count(d_.language_filtered).c_str()));
      Raw("</p>\n");
    }
    Raw("</section>\n");
  }

  void Networks() {
    Raw("<section id=\"networks\"><h2>");
    T(w_.networks_h);
    Raw("</h2><p class=\"note\">");
    T(w_.networks_intro);
    Raw("</p>\n");
    if (d_.networks.empty()) {
      Raw("<p>");
      T(w_.networks_none);
      Raw("</p>\n");
    }
    const size_t shown = std::min(d_.networks.size(), d_.html_max_networks);
    for (size_t i = 0; i < shown; ++i) {
      const Network& n = d_.networks[i];
      Raw(Format("<article class=\"card net\" id=\"net-%d\"><h3>", n.number));
      T(Format(w_.network_title, n.number) + " — " +
        Format(w_.network_ads, Count(static_cast<int64_t>(n.ad_ids.size())).c_str(),
               Count(n.ads_today).c_str()));
      Raw("</h3><dl>");
      if (!n.contacts.empty()) {
        Item(w_.contacts);
        for (size_t k = 0; k < n.contacts.size(); ++k) {
          if (k > 0) Raw(", ");
          Raw("<span class=\"contact\">");
          T(n.contacts[k]);
          Raw("</span>");
        }
        Raw("</dd>");
      }
      Item(w_.linked_by);
      std::vector<std::string> by;
      if (n.by_contact) by.emplace_back(w_.by_contact);
      if (n.by_text) by.emplace_back(w_.by_text);
      if (n.by_image) by.emplace_back(w_.by_image);
      List(by);
      Raw("</dd>");
      if (!n.region_names.empty()) {
        Item(w_.regions);
        T(Format(w_.network_places, Count(static_cast<int64_t>(n.region_names.size())).c_str(),
                 Count(n.regencies).c_str()) +
          ": ");
        List(n.region_names);
        Raw("</dd>");
      }
      if (!n.sites.empty()) {
        Item(w_.sites);
        List(n.sites);
        Raw("</dd>");
      }
      Item(w_.seen_between);
      T(Time(n.first_seen_ms) + " – " + Time(n.last_seen_ms));
      Raw("</dd>");
      if (!n.titles.empty()) {
        Item(w_.example_titles);
        Raw("<ul>");
        for (const std::string& t : n.titles) {
          Raw("<li>");
          T(t);
          Raw("</li>");
        }
        Raw("</ul></dd>");
      }
      Raw("</dl>");
      if (n.truncated) {
        Raw("<p class=\"note\">");
        T(w_.truncated);
        Raw("</p>");
      }
      Raw("</article>\n");
    }
    if (d_.networks.size() > shown) {
      Raw("<p class=\"note\">");
      T(Format(w_.networks_more, Count(static_cast<int64_t>(d_.networks.size() - shown)).c_str()));
      Raw("</p>\n");
    }
    Raw("</section>\n");
  }

  // A table of label, count and an inline SVG bar.
  void TopTable(const char* heading, const std::vector<Tally>& tallies) {
    Raw("<div><h4>");
    T(heading);
    Raw("</h4>");
    if (tallies.empty()) {
      Raw("<p class=\"note\">");
      T(w_.top_none);
      Raw("</p></div>\n");
      return;
    }
    int64_t max = 1;
    for (const Tally& t : tallies) max = std::max(max, t.count);
    Raw("<table><tbody>");
    for (const Tally& t : tallies) {
      Raw("<tr><td>");
      T(t.label);
      Raw("</td><td class=\"n\">");
      T(Count(t.count));
      Raw(Format(
          "</td><td class=\"bar\"><svg viewBox=\"0 0 100 10\" width=\"100\" height=\"10\" "
          "preserveAspectRatio=\"none\" aria-hidden=\"true\"><rect width=\"%.1f\" height=\"10\" "
          "fill=\"#56606b\"/></svg></td></tr>",
          std::max(1.0, 100.0 * static_cast<double>(t.count) / static_cast<double>(max))));
    }
    Raw("</tbody></table></div>\n");
  }

  void Tops() {
    Raw("<section id=\"top\"><h2>");
    T(w_.top_h);
    Raw("</h2><div class=\"tops\">\n");
    TopTable(w_.top_patterns, d_.patterns);
    TopTable(w_.top_destinations, d_.destinations);
    TopTable(w_.top_pickup, d_.pickup_points);
    TopTable(w_.top_categories, d_.categories);
    TopTable(w_.top_sites, d_.sites);
    Raw("</div></section>\n");
  }

  void NoticeCard(const Notice& n, const char* cls) {
    Raw(Format("<article class=\"card %s\"><h3>", cls));
    T(n.title.empty() ? "—" : n.title);
    Raw("</h3><p class=\"ev\">");
    T(n.snippet);
    Raw("</p><dl>");
    if (!n.region_names.empty()) {
      Item(w_.regions);
      List(n.region_names);
      Raw("</dd>");
    }
    if (!n.routed_because.empty()) {
      Item(w_.region_route);
      T(n.routed_because);
      Raw("</dd>");
    }
    Item(w_.source);
    T(n.site);
    Raw(" — ");
    Link(n.url, w_.open_ad);
    Raw("</dd>");
    Item(w_.first_seen);
    T(Time(n.first_seen_ms));
    Raw("</dd></dl></article>\n");
  }

  void Notices() {
    Raw("<section id=\"notices\"><h2>");
    T(w_.notices_h);
    Raw("</h2>\n<h4 id=\"distress\">");
    T(w_.distress_h);
    Raw("</h4>\n");
    if (d_.national) {
      Raw("<p class=\"note\">");
      T(Format(w_.distress_national, Count(d_.distress_routed).c_str(),
               Count(d_.distress_unrouted).c_str()));
      Raw("</p>\n");
    } else if (d_.distress.empty()) {
      Raw("<p class=\"note\">");
      T(w_.distress_none);
      Raw("</p>\n");
    } else {
      Raw("<p class=\"warn\">");
      T(w_.distress_note);
      Raw("</p>\n");
      for (const Notice& n : d_.distress) NoticeCard(n, "distress");
      More(d_.distress_total, d_.distress.size());
    }
    Raw("<h4 id=\"news\">");
    T(w_.news_h);
    Raw("</h4>\n");
    if (d_.news.empty()) {
      Raw("<p class=\"note\">");
      T(w_.news_none);
      Raw("</p>\n");
    }
    for (const Notice& n : d_.news) NoticeCard(n, "news");
    More(d_.news_total, d_.news.size());
    Raw("</section>\n");
  }

  void More(int64_t total, size_t shown) {
    if (total <= static_cast<int64_t>(shown)) return;
    Raw("<p class=\"note\">");
    T(Format(w_.notices_more, Count(total - static_cast<int64_t>(shown)).c_str()));
    Raw("</p>\n");
  }

  void About() {
    Raw("<footer id=\"about\"><h2>");
    T(w_.about_h);
    Raw("</h2>");
    for (const char* p : {w_.about_levels, w_.about_routing, w_.about_networks, w_.about_csv}) {
      Raw("<p>");
      T(p);
      Raw("</p>");
    }
    Raw("<p>adwatch · ");
    T(d_.subscription + " · " + d_.day + " · " + d_.timezone);
    Raw("</p></footer>\n");
  }

  const Digest& d_;
  const Words& w_;
  std::optional<LocalDays> days_;
  std::string out_;
};

}  // namespace

std::string RenderHtmlDigest(const Digest& digest) { return Page(digest).Render(); }

}  // namespace adwatch::exporter
