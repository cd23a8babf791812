#include "i18n.h"

#include <cmath>
#include <cstdarg>
#include <cstdio>

#include "adwatch/common/time.h"

namespace adwatch::exporter {
namespace {

const Words kId = {
    .lang = "id",
    .kicker = "adwatch · Digest harian iklan lowongan berisiko",
    .national = "Nasional",
    .regions = "Wilayah",
    .all_regions = "Seluruh Indonesia, termasuk iklan tanpa wilayah",
    .generated = "Dibuat",
    .min_level_note = "Iklan yang ditandai: tingkat risiko %s ke atas.",
    .confidential =
        "Memuat nomor dan akun perekrut serta tautan iklan. Untuk pencegahan TPPO; "
        "jangan diunggah ke media sosial.",

    .summary_h = "Ringkasan hari ini",
    .lead_up =
        "%s iklan ditandai hari ini — lebih banyak dari rata-rata %s per hari dalam "
        "%d hari sebelumnya (naik %s).",
    .lead_down =
        "%s iklan ditandai hari ini — lebih sedikit dari rata-rata %s per hari dalam "
        "%d hari sebelumnya (turun %s).",
    .lead_same =
        "%s iklan ditandai hari ini — sama dengan rata-rata %s per hari dalam %d hari "
        "sebelumnya.",
    .lead_new =
        "%s iklan ditandai hari ini. Belum ada data hari-hari sebelumnya untuk "
        "dibandingkan.",
    .today = "Hari ini",
    .average = "Rata-rata %d hari sebelumnya",
    .average_none = "Rata-rata hari sebelumnya",
    .change = "Perubahan",
    .row_scanned = "Iklan baru yang dipindai",
    .row_high = "Risiko tinggi",
    .row_medium = "Risiko sedang",
    .row_low = "Risiko rendah",
    .row_flagged = "Ditandai (%s ke atas)",
    .row_reposts = "Unggahan ulang (teks sama)",
    .row_news = "Berita dan kampanye kesadaran",
    .row_distress = "Unggahan minta tolong",
    .chart_today_vs_avg = "Iklan berisiko hari ini dibanding rata-rata",

    .trend_h = "Tren %d hari",
    .trend_desc = "Iklan yang ditandai per hari menurut tingkat risiko; hari ini paling kanan.",
    .trend_scanned = "Iklan baru per hari: paling banyak %s.",
    .trend_week = "Ditandai per hari, 7 hari terakhir:",

    .flagged_h = "Iklan yang ditandai",
    .flagged_none = "Tidak ada iklan yang ditandai hari ini.",
    .language_filtered = "%s iklan dalam bahasa lain tidak ditampilkan (pengaturan langganan).",
    .more_in_csv = "%s iklan lain dengan skor lebih rendah ada di lampiran CSV.",
    .reasons = "Alasan",
    .contacts = "Kontak",
    .destinations = "Tujuan",
    .pattern = "Pola TPPO",
    .pickup = "Titik jemput/transit",
    .region_route = "Masuk digest ini karena",
    .source = "Sumber",
    .open_ad = "buka iklan",
    .first_seen = "Pertama terlihat",
    .network = "Jaringan",
    .same_text = "Teks yang sama juga di %d iklan lain",
    .same_text_h = "Teks sama",
    .label = "Label peninjau",
    .unsafe_link = "(tautan tidak aman, tidak ditautkan)",

    .networks_h = "Jaringan perekrut",
    .networks_intro =
        "Iklan yang dihubungkan oleh kontak yang sama atau teks yang hampir sama, "
        "di semua hari dan wilayah. Satu nomor di balik banyak iklan di banyak "
        "kabupaten/kota adalah temuan terpenting.",
    .networks_none =
        "Tidak ada jaringan: iklan hari ini tidak berbagi kontak atau teks dengan "
        "iklan lain.",
    .networks_more = "%s jaringan lain yang lebih kecil ada di file JSON.",
    .network_title = "Jaringan %d",
    .network_ads = "%s iklan, %s di antaranya hari ini",
    .network_places = "%s wilayah, %s di antaranya kabupaten/kota",
    .linked_by = "Dihubungkan oleh",
    .by_contact = "kontak yang sama",
    .by_text = "teks yang hampir sama",
    .by_image = "gambar/poster yang sama",
    .seen_between = "Terlihat",
    .sites = "Situs",
    .example_titles = "Contoh judul",
    .truncated = "Jaringan ini mungkin lebih besar: batas pembacaan tercapai.",

    .top_h = "Yang paling sering muncul",
    .top_categories = "Jenis tanda bahaya",
    .top_patterns = "Pola TPPO",
    .top_destinations = "Negara dan lokasi tujuan",
    .top_pickup = "Titik jemput dan transit",
    .top_sites = "Situs sumber",
    .top_none = "Tidak ada.",

    .notices_h = "Berita, kampanye dan unggahan minta tolong",
    .news_h = "Berita dan kampanye kesadaran (bukan iklan, tidak ditandai)",
    .news_none = "Tidak ada berita atau kampanye hari ini.",
    .distress_h = "Unggahan minta tolong dari calon korban",
    .distress_note =
        "Hanya dikirim ke digest wilayah ini. Segera tindak lanjuti bersama "
        "kepolisian; jangan diteruskan ke pihak lain.",
    .distress_none = "Tidak ada unggahan minta tolong hari ini.",
    .distress_national =
        "%s unggahan minta tolong hari ini hanya dikirim ke digest wilayahnya; "
        "%s tanpa wilayah ada di antrean tinjauan kepolisian. Digest nasional "
        "tidak memuatnya.",
    .notices_more = "dan %s lainnya.",

    .about_h = "Cara membaca digest ini",
    .about_levels =
        "Skor 0–100 menunjukkan seberapa kuat iklan cocok dengan pola perekrutan "
        "penipuan dan perdagangan orang (tinggi, sedang, rendah). Alasan ditulis "
        "dari aturan adwatch; kata yang cocok ditandai di kalimat bukti.",
    .about_routing =
        "Iklan masuk ke digest sebuah wilayah bila menyebut tempat di wilayah itu "
        "(termasuk titik jemput seperti Batam, Tanjungpinang, Entikong), bila situs "
        "sumbernya tercatat untuk wilayah itu, atau bila nomor telepon kantornya "
        "berkode area wilayah itu. Iklan tanpa wilayah masuk digest nasional.",
    .about_networks =
        "Jaringan dibentuk dari iklan yang memakai nomor atau akun yang sama, atau "
        "yang teksnya hampir sama (templat yang sama dengan nomor lain).",
    .about_csv =
        "Tabel lengkap ada di lampiran CSV (dibuka di Excel atau LibreOffice). Sel yang "
        "diawali = + - @ diberi tanda ' agar tidak dijalankan sebagai rumus.",

    .route_mentions = "menyebut %s",
    .route_in_province = "menyebut %s (di %s)",
    .route_hint = "situs sumbernya tercatat untuk %s",
    .route_landline = "nomor telepon kantor %s berkode area %s",
    .route_none = "tidak menyebut wilayah Indonesia; masuk digest nasional",
    .route_stale = "diarahkan saat dipindai (aturan wilayah sudah berubah)",

    .level_none = "tidak ada",
    .level_low = "rendah",
    .level_medium = "sedang",
    .level_high = "tinggi",
    .kind_news = "berita/kampanye",
    .kind_distress = "minta tolong",
    .kind_ad = "iklan lowongan",
    .kind_other = "lainnya",
    .kind_gambling = "promosi judi",
    .contact_phone = "Telepon",
    .contact_whatsapp = "WhatsApp",
    .contact_telegram = "Telegram",
    .contact_line = "LINE",
    .contact_email = "E-mail",
    .contact_wechat = "WeChat",

    .subject = "[adwatch] %s %s: %s iklan ditandai (%s risiko tinggi)",
    .text_intro = "Digest lengkap ada di badan surel (HTML) dan di lampiran CSV.",

    .csv_header = {"Hari",
                   "Skor",
                   "Tingkat risiko",
                   "Judul",
                   "Alasan",
                   "Kalimat bukti",
                   "Kata yang cocok",
                   "Kontak",
                   "Tujuan",
                   "Titik jemput/transit",
                   "Wilayah",
                   "Masuk digest karena",
                   "Situs",
                   "Tautan",
                   "Pertama terlihat",
                   "Terakhir terlihat",
                   "Jaringan",
                   "Teks sama di iklan lain",
                   "Label peninjau",
                   "Jenis",
                   "ID iklan",
                   "Pola TPPO"},
};

const Words kEn = {
    .lang = "en",
    .kicker = "adwatch · Daily digest of risky job ads",
    .national = "National",
    .regions = "Regions",
    .all_regions = "All of Indonesia, including ads with no region",
    .generated = "Generated",
    .min_level_note = "Flagged ads: risk level %s and above.",
    .confidential =
        "Holds recruiters' numbers and accounts and links to the ads. For "
        "anti-trafficking work; do not post it on social media.",

    .summary_h = "Today at a glance",
    .lead_up =
        "%s ads flagged today — more than the average of %s a day over the previous %d "
        "days (up %s).",
    .lead_down =
        "%s ads flagged today — fewer than the average of %s a day over the previous "
        "%d days (down %s).",
    .lead_same =
        "%s ads flagged today — the same as the average of %s a day over the previous "
        "%d days.",
    .lead_new = "%s ads flagged today. There is no data of earlier days to compare with yet.",
    .today = "Today",
    .average = "Average of the previous %d days",
    .average_none = "Average of the previous days",
    .change = "Change",
    .row_scanned = "New ads scanned",
    .row_high = "High risk",
    .row_medium = "Medium risk",
    .row_low = "Low risk",
    .row_flagged = "Flagged (%s and above)",
    .row_reposts = "Reposts (same text)",
    .row_news = "News and awareness posts",
    .row_distress = "Distress posts",
    .chart_today_vs_avg = "Risky ads today against the average",

    .trend_h = "%d-day trend",
    .trend_desc = "Flagged ads per day by risk level; today is on the right.",
    .trend_scanned = "New ads per day: at most %s.",
    .trend_week = "Flagged per day, last 7 days:",

    .flagged_h = "Flagged ads",
    .flagged_none = "No ads were flagged today.",
    .language_filtered = "%s ads in other languages are not shown (subscription setting).",
    .more_in_csv = "%s more ads with lower scores are in the attached CSV.",
    .reasons = "Reasons",
    .contacts = "Contacts",
    .destinations = "Destinations",
    .pattern = "TPPO pattern",
    .pickup = "Pickup/transit points",
    .region_route = "In this digest because",
    .source = "Source",
    .open_ad = "open the ad",
    .first_seen = "First seen",
    .network = "Network",
    .same_text = "The same text is in %d other ads",
    .same_text_h = "Same text",
    .label = "Reviewer label",
    .unsafe_link = "(unsafe link, not linked)",

    .networks_h = "Recruiter networks",
    .networks_intro =
        "Ads linked by the same contact or near-identical text, across all days "
        "and regions. One number behind many ads in many regencies is the most "
        "important finding.",
    .networks_none = "No networks: today's ads share no contact or text with other ads.",
    .networks_more = "%s more, smaller networks are in the JSON file.",
    .network_title = "Network %d",
    .network_ads = "%s ads, %s of them today",
    .network_places = "%s regions, %s of them regencies/cities",
    .linked_by = "Linked by",
    .by_contact = "the same contact",
    .by_text = "near-identical text",
    .by_image = "the same poster image",
    .seen_between = "Seen",
    .sites = "Sites",
    .example_titles = "Example titles",
    .truncated = "This network may be larger: the reading limit was reached.",

    .top_h = "Most frequent",
    .top_categories = "Warning signs",
    .top_patterns = "TPPO patterns",
    .top_destinations = "Destination countries and places",
    .top_pickup = "Pickup and transit points",
    .top_sites = "Source sites",
    .top_none = "None.",

    .notices_h = "News, awareness and distress posts",
    .news_h = "News and awareness posts (not ads, not flagged)",
    .news_none = "No news or awareness posts today.",
    .distress_h = "Distress posts from possible victims",
    .distress_note =
        "Sent to this region's digest only. Follow up with the police at once; do "
        "not forward.",
    .distress_none = "No distress posts today.",
    .distress_national =
        "%s distress posts of today went only to their regions' digests; %s "
        "with no region are in the police review queue. The national digest "
        "does not hold them.",
    .notices_more = "and %s more.",

    .about_h = "How to read this digest",
    .about_levels =
        "The 0–100 score says how strongly an ad matches the patterns of scam and "
        "trafficking recruitment (high, medium, low). Reasons come from adwatch's "
        "rules; the matched words are highlighted in the evidence sentence.",
    .about_routing =
        "An ad reaches a region's digest when it names a place in that region "
        "(including pickup points such as Batam, Tanjungpinang, Entikong), when its "
        "source site is registered for that region, or when its landline has that "
        "region's area code. Ads with no region go to the national digest.",
    .about_networks =
        "Networks join ads that use the same number or account, or whose text is "
        "nearly the same (one template with another number).",
    .about_csv =
        "The full table is in the attached CSV (opens in Excel or LibreOffice). Cells "
        "starting with = + - @ get a leading ' so they are not run as formulas.",

    .route_mentions = "names %s",
    .route_in_province = "names %s (in %s)",
    .route_hint = "its source site is registered for %s",
    .route_landline = "landline %s has an area code of %s",
    .route_none = "names no Indonesian region; national digest",
    .route_stale = "routed when crawled (the region rules have changed since)",

    .level_none = "none",
    .level_low = "low",
    .level_medium = "medium",
    .level_high = "high",
    .kind_news = "news/awareness",
    .kind_distress = "distress",
    .kind_ad = "job ad",
    .kind_other = "other",
    .kind_gambling = "gambling promotion",
    .contact_phone = "Phone",
    .contact_whatsapp = "WhatsApp",
    .contact_telegram = "Telegram",
    .contact_line = "LINE",
    .contact_email = "E-mail",
    .contact_wechat = "WeChat",

    .subject = "[adwatch] %s %s: %s ads flagged (%s high risk)",
    .text_intro = "The full digest is in the HTML body of this mail and in the attached CSV.",

    .csv_header = {"Day",
                   "Score",
                   "Risk level",
                   "Title",
                   "Reasons",
                   "Evidence",
                   "Matched words",
                   "Contacts",
                   "Destinations",
                   "Pickup/transit points",
                   "Regions",
                   "In this digest because",
                   "Site",
                   "Link",
                   "First seen",
                   "Last seen",
                   "Network",
                   "Same text in other ads",
                   "Reviewer label",
                   "Kind",
                   "Ad id",
                   "TPPO pattern"},
};

const char* const kMonthsId[] = {"Januari",   "Februari", "Maret",    "April",
                                 "Mei",       "Juni",     "Juli",     "Agustus",
                                 "September", "Oktober",  "November", "Desember"};
const char* const kMonthsEn[] = {"January",   "February", "March",    "April",
                                 "May",       "June",     "July",     "August",
                                 "September", "October",  "November", "December"};
const char* const kDaysId[] = {"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"};
const char* const kDaysEn[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                               "Thursday", "Friday", "Saturday"};

bool SplitDay(std::string_view day, int& y, int& m, int& d) {
  if (!LocalDays::IsValidDay(day)) return false;
  y = std::stoi(std::string(day.substr(0, 4)));
  m = std::stoi(std::string(day.substr(5, 2)));
  d = std::stoi(std::string(day.substr(8, 2)));
  return true;
}

// 0 = Sunday (Sakamoto's method).
int Weekday(int y, int m, int d) {
  static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  if (m < 3) y -= 1;
  return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

}  // namespace

const Words& WordsFor(DigestLang lang) { return lang == DigestLang::kEn ? kEn : kId; }

const char* LevelWord(Level level, DigestLang lang) {
  const Words& w = WordsFor(lang);
  switch (level) {
    case Level::kHigh:
      return w.level_high;
    case Level::kMedium:
      return w.level_medium;
    case Level::kLow:
      return w.level_low;
    case Level::kNone:
      break;
  }
  return w.level_none;
}

const char* KindWord(DocKind kind, DigestLang lang) {
  const Words& w = WordsFor(lang);
  switch (kind) {
    case DocKind::kRecruitmentAd:
      return w.kind_ad;
    case DocKind::kNews:
      return w.kind_news;
    case DocKind::kDistress:
      return w.kind_distress;
    case DocKind::kGamblingPromo:
      return w.kind_gambling;
    case DocKind::kOther:
      break;
  }
  return w.kind_other;
}

std::string ReviewLabelWord(const std::string& name, DigestLang lang) {
  struct Row {
    const char* name;
    const char* id;
    const char* en;
  };
  static constexpr Row kRows[] = {
      {"confirmed", "dikonfirmasi perekrutan berisiko", "confirmed risky recruitment"},
      {"legit", "iklan sah", "legitimate ad"},
      {"news", "berita / sosialisasi", "news / awareness"},
      {"unsure", "belum pasti", "unsure"},
      {"released", "dilepas (bukti tidak perlu disimpan)", "released (evidence need not be kept)"},
  };
  for (const Row& r : kRows) {
    if (name == r.name) return lang == DigestLang::kEn ? r.en : r.id;
  }
  return name;
}

std::string Format(const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  const int n = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::string out(n > 0 ? static_cast<size_t>(n) : 0, '\0');
  if (n > 0) std::vsnprintf(out.data(), out.size() + 1, format, args);
  va_end(args);
  return out;
}

std::string FormatCount(int64_t n, DigestLang lang) {
  const char sep = lang == DigestLang::kEn ? ',' : '.';
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string FormatDecimal(double v, DigestLang lang) {
  const double rounded = std::round(v * 10) / 10;
  const auto whole = static_cast<int64_t>(std::floor(std::fabs(rounded)));
  const int tenth =
      static_cast<int>(std::lround((std::fabs(rounded) - static_cast<double>(whole)) * 10));
  std::string out = (rounded < 0 ? "-" : "") + FormatCount(whole, lang);
  if (tenth != 0) out += (lang == DigestLang::kEn ? "." : ",") + std::to_string(tenth);
  return out;
}

std::string LeadSentence(const Digest& d) {
  const Words& w = WordsFor(d.lang);
  const std::string today = FormatCount(d.today.flagged, d.lang);
  if (d.baseline_days == 0) return Format(w.lead_new, today.c_str());
  const std::string avg = FormatDecimal(d.avg_flagged, d.lang);
  const double diff = static_cast<double>(d.today.flagged) - d.avg_flagged;
  if (std::fabs(diff) < 0.05)
    return Format(w.lead_same, today.c_str(), avg.c_str(), d.baseline_days);
  const std::string pct = d.avg_flagged > 0
                              ? FormatDecimal(std::fabs(diff) / d.avg_flagged * 100.0, d.lang) + "%"
                              : FormatDecimal(std::fabs(diff), d.lang);
  return Format(diff > 0 ? w.lead_up : w.lead_down, today.c_str(), avg.c_str(), d.baseline_days,
                pct.c_str());
}

std::string LongDay(std::string_view day, DigestLang lang) {
  int y = 0, m = 0, d = 0;
  if (!SplitDay(day, y, m, d)) return std::string(day);
  const bool en = lang == DigestLang::kEn;
  return Format("%s, %d %s %d", (en ? kDaysEn : kDaysId)[Weekday(y, m, d)], d,
                (en ? kMonthsEn : kMonthsId)[m - 1], y);
}

std::string ShortDay(std::string_view day, DigestLang lang) {
  int y = 0, m = 0, d = 0;
  if (!SplitDay(day, y, m, d)) return std::string(day);
  const char* month = (lang == DigestLang::kEn ? kMonthsEn : kMonthsId)[m - 1];
  return Format("%d %.3s", d, month);
}

}  // namespace adwatch::exporter
