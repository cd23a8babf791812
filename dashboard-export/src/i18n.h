// The words of a digest in Indonesian and English: headings, labels, CSV headers and the phrases
// the digest builder writes. Indonesian is what task forces read; every string a reader sees is
// here, so a translation is one table. Strings with %s / %d are snprintf formats.
#ifndef ADWATCH_EXPORT_SRC_I18N_H_
#define ADWATCH_EXPORT_SRC_I18N_H_

#include <string>
#include <string_view>

#include "adwatch/common/records.h"
#include "adwatch/export/digest.h"

namespace adwatch::exporter {

struct Words {
  const char* lang;  // BCP-47 of the page
  const char* kicker;
  const char* national;
  const char* regions;
  const char* all_regions;
  const char* generated;
  const char* min_level_note;  // %s level
  const char* confidential;

  const char* summary_h;
  const char* lead_up;    // %s flagged today, %s average, %d baseline days, %s percent
  const char* lead_down;  // same arguments
  const char* lead_same;  // %s flagged today, %s average, %d baseline days
  const char* lead_new;   // %s flagged today (no baseline)
  const char* today;
  const char* average;  // %d days
  const char* average_none;
  const char* change;
  const char* row_scanned;
  const char* row_high;
  const char* row_medium;
  const char* row_low;
  const char* row_flagged;  // %s level
  const char* row_reposts;
  const char* row_news;
  const char* row_distress;
  const char* chart_today_vs_avg;

  const char* trend_h;  // %d days
  const char* trend_desc;
  const char* trend_scanned;  // %s max scanned
  const char* trend_week;

  const char* flagged_h;
  const char* flagged_none;
  const char* language_filtered;  // %s count
  const char* more_in_csv;        // %s count
  const char* reasons;
  const char* contacts;
  const char* destinations;
  const char* pattern;
  const char* pickup;
  const char* region_route;
  const char* source;
  const char* open_ad;
  const char* first_seen;
  const char* network;
  const char* same_text;  // %d other ads
  const char* same_text_h;
  const char* label;
  const char* unsafe_link;

  const char* networks_h;
  const char* networks_intro;
  const char* networks_none;
  const char* networks_more;   // %s count not shown
  const char* network_title;   // %d number
  const char* network_ads;     // %s ads, %s today
  const char* network_places;  // %s regions, %s of which regencies
  const char* linked_by;
  const char* by_contact;
  const char* by_text;
  const char* by_image;
  const char* seen_between;
  const char* sites;
  const char* example_titles;
  const char* truncated;

  const char* top_h;
  const char* top_categories;
  const char* top_patterns;
  const char* top_destinations;
  const char* top_pickup;
  const char* top_sites;
  const char* top_none;

  const char* notices_h;
  const char* news_h;
  const char* news_none;
  const char* distress_h;
  const char* distress_note;
  const char* distress_none;
  const char* distress_national;  // %s routed, %s unrouted
  const char* notices_more;       // %s more

  const char* about_h;
  const char* about_levels;
  const char* about_routing;
  const char* about_networks;
  const char* about_csv;

  // Routing phrases.
  const char* route_mentions;     // %s place
  const char* route_in_province;  // %s regency, %s province
  const char* route_hint;         // %s place
  const char* route_landline;     // %s number, %s province
  const char* route_none;
  const char* route_stale;

  const char* level_none;
  const char* level_low;
  const char* level_medium;
  const char* level_high;
  const char* kind_news;
  const char* kind_distress;
  const char* kind_ad;
  const char* kind_other;
  const char* kind_gambling;
  const char* contact_phone;
  const char* contact_whatsapp;
  const char* contact_telegram;
  const char* contact_line;
  const char* contact_email;
  const char* contact_wechat;

  const char* subject;  // %s title, %s day, %s flagged, %s high
  const char* text_intro;

  // CSV header of the digest (one row per flagged ad).
  const char* csv_header[22];
};

const Words& WordsFor(DigestLang lang);

// Level and kind in the reader's words.
const char* LevelWord(Level level, DigestLang lang);
const char* KindWord(DocKind kind, DigestLang lang);
// A reviewer's label ("confirmed", "legit", "news", "unsure", "released", as records.h names them)
// in the digest's language; an unknown name is returned as it is.
std::string ReviewLabelWord(const std::string& name, DigestLang lang);

// The summary's first sentence: flagged today against the baseline average.
std::string LeadSentence(const Digest& digest);

// snprintf into a std::string.
std::string Format(const char* format, ...) __attribute__((format(printf, 1, 2)));

// 1234567 → "1.234.567" (id) or "1,234,567" (en).
std::string FormatCount(int64_t n, DigestLang lang);
// 8.25 → "8,3" (id) or "8.3" (en): one decimal, none when whole.
std::string FormatDecimal(double v, DigestLang lang);
// "Minggu, 22 November 2026" / "Sunday, 22 November 2026" for a valid YYYY-MM-DD.
std::string LongDay(std::string_view day, DigestLang lang);
// "22 Nov" / "22 Nov" for chart axes.
std::string ShortDay(std::string_view day, DigestLang lang);

}  // namespace adwatch::exporter

#endif  // ADWATCH_EXPORT_SRC_I18N_H_
