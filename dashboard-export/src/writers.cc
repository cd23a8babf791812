// CSV and JSON of a digest, the files, and the mail subject and text.
#include "adwatch/export/writers.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "adwatch/common/escape.h"
#include "adwatch/common/json.h"
#include "adwatch/common/names.h"
#include "adwatch/common/time.h"
#include "i18n.h"
#include "text.h"

namespace adwatch::exporter {
namespace {

namespace fs = std::filesystem;

double Round2(double v) { return std::round(v * 100) / 100; }

nlohmann::json LevelsJson(const std::array<int64_t, 4>& v) {
  return {{"none", v[0]}, {"low", v[1]}, {"medium", v[2]}, {"high", v[3]}};
}

nlohmann::json DayJson(const DayTotals& t) {
  return {{"day", t.day},          {"scanned", t.scanned},
          {"reposts", t.reposts},  {"by_level", LevelsJson(t.by_level)},
          {"flagged", t.flagged},  {"news", t.news},
          {"distress", t.distress}};
}

nlohmann::json TalliesJson(const std::vector<Tally>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const Tally& t : v) a.push_back({{"key", t.key}, {"label", t.label}, {"count", t.count}});
  return a;
}

nlohmann::json NoticeJson(const Notice& n) {
  return {{"ad_id", n.ad_id},
          {"kind", std::string(Name(n.kind))},
          {"title", n.title},
          {"snippet", n.snippet},
          {"url", n.url},
          {"site", n.site},
          {"first_seen_ms", n.first_seen_ms},
          {"region_names", n.region_names},
          {"routed_because", n.routed_because}};
}

Status WriteAll(const std::string& text, std::ostream& out) {
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.flush();
  if (!out) return Status::IOError("writing digest", "the output stream failed");
  return Status::OK();
}

Status WriteFileAtomically(const std::string& path, const std::string& data) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return Status::IOError(tmp, "cannot create file");
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
    f.flush();
    if (!f) return Status::IOError(tmp, "write failed (disk full?)");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return Status::IOError(path, ec.message());
  return Status::OK();
}

}  // namespace

std::string RenderCsv(const Digest& d) {
  const Words& w = WordsFor(d.lang);
  std::optional<LocalDays> days;
  if (auto z = LocalDays::Create(d.timezone.empty() ? "Asia/Jakarta" : d.timezone))
    days.emplace(std::move(*z));
  auto time = [&](int64_t ms) { return days ? LocalTime(*days, ms) : FormatUtc(ms); };
  std::string out(kUtf8Bom);
  std::vector<std::string> header(std::begin(w.csv_header), std::end(w.csv_header));
  header[14] += " (" + d.timezone + ")";
  header[15] += " (" + d.timezone + ")";
  out += CsvRecord(header, d.csv_separator);
  for (const DigestRow& r : d.rows) {
    std::vector<std::string> contacts;
    for (const std::string& c : r.contacts) contacts.push_back(ContactDisplay(c, d.lang));
    out += CsvRecord({r.day,
                      std::to_string(r.score),
                      LevelWord(r.level, d.lang),
                      r.title,
                      Join(r.reasons, "; "),
                      r.snippet,
                      Join(r.matched, ", "),
                      Join(contacts, ", "),
                      Join(r.destinations, ", "),
                      Join(r.pickup_points, ", "),
                      Join(r.region_names, ", "),
                      r.routed_because,
                      r.site,
                      r.url,
                      time(r.first_seen_ms),
                      time(r.last_seen_ms),
                      r.network > 0 ? std::to_string(r.network) : "",
                      r.same_text > 0 ? std::to_string(r.same_text) : "",
                      r.label,
                      KindWord(r.kind, d.lang),
                      r.ad_id,
                      std::string(PatternTitle(r.pattern, d.lang == DigestLang::kEn))},
                     d.csv_separator);
  }
  return out;
}

std::string RenderJson(const Digest& d) {
  nlohmann::json j;
  j["format"] = "adwatch-digest";
  j["version"] = 1;
  j["subscription"] = d.subscription;
  j["title"] = d.title;
  j["lang"] = d.lang == DigestLang::kEn ? "en" : "id";
  j["day"] = d.day;
  j["timezone"] = d.timezone;
  j["generated_at"] = FormatUtc(d.generated_at_ms);
  j["national"] = d.national;
  nlohmann::json regions = nlohmann::json::array();
  for (size_t i = 0; i < d.region_ids.size(); ++i) {
    regions.push_back(
        {{"id", d.region_ids[i]}, {"name", i < d.region_names.size() ? d.region_names[i] : ""}});
  }
  j["regions"] = regions;
  j["min_level"] = std::string(Name(d.min_level));
  j["today"] = DayJson(d.today);
  j["baseline"] = {{"days", d.baseline_days},
                   {"scanned", Round2(d.avg_scanned)},
                   {"flagged", Round2(d.avg_flagged)},
                   {"by_level",
                    {{"none", Round2(d.avg_by_level[0])},
                     {"low", Round2(d.avg_by_level[1])},
                     {"medium", Round2(d.avg_by_level[2])},
                     {"high", Round2(d.avg_by_level[3])}}}};
  j["ads"] = d.rows;
  j["language_filtered"] = d.language_filtered;
  j["top"] = {{"categories", TalliesJson(d.categories)},
              {"patterns", TalliesJson(d.patterns)},
              {"destinations", TalliesJson(d.destinations)},
              {"pickup_points", TalliesJson(d.pickup_points)},
              {"sites", TalliesJson(d.sites)}};
  nlohmann::json nets = nlohmann::json::array();
  for (const Network& n : d.networks) {
    nets.push_back({{"number", n.number},
                    {"size", n.ad_ids.size()},
                    {"ads_today", n.ads_today},
                    {"max_score", n.max_score},
                    {"by_contact", n.by_contact},
                    {"by_text", n.by_text},
                    {"by_image", n.by_image},
                    {"contacts", n.contact_terms},
                    {"regions", n.region_ids},
                    {"region_names", n.region_names},
                    {"regencies", n.regencies},
                    {"sites", n.sites},
                    {"first_seen_ms", n.first_seen_ms},
                    {"last_seen_ms", n.last_seen_ms},
                    {"titles", n.titles},
                    {"ad_ids", n.ad_ids},
                    {"truncated", n.truncated}});
  }
  j["networks"] = nets;
  nlohmann::json trend = nlohmann::json::array();
  for (const DayTotals& t : d.trend) trend.push_back(DayJson(t));
  j["trend"] = trend;
  nlohmann::json news = nlohmann::json::array(), distress = nlohmann::json::array();
  for (const Notice& n : d.news) news.push_back(NoticeJson(n));
  for (const Notice& n : d.distress) distress.push_back(NoticeJson(n));
  j["news"] = news;
  j["news_total"] = d.news_total;
  j["distress"] = distress;
  j["distress_total"] = d.distress_total;
  j["distress_routed_elsewhere"] = d.distress_routed;
  j["distress_unrouted"] = d.distress_unrouted;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Status WriteHtmlDigest(const Digest& digest, std::ostream& out) {
  return WriteAll(RenderHtmlDigest(digest), out);
}

std::string DigestFileStem(const Digest& d) {
  return "adwatch-digest-" + d.day + "-" + d.subscription;
}

Result<DigestFiles> WriteDigestFiles(const Digest& digest, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError(dir, "cannot create folder: " + ec.message());
  const std::string stem = (fs::path(dir) / DigestFileStem(digest)).string();
  DigestFiles files{stem + ".html", stem + ".csv", stem + ".json"};
  ADWATCH_RETURN_IF_ERROR(WriteFileAtomically(files.html, RenderHtmlDigest(digest)));
  ADWATCH_RETURN_IF_ERROR(WriteFileAtomically(files.csv, RenderCsv(digest)));
  ADWATCH_RETURN_IF_ERROR(WriteFileAtomically(files.json, RenderJson(digest)));
  return files;
}

std::string MailSubject(const Digest& d) {
  const Words& w = WordsFor(d.lang);
  return Format(w.subject, d.title.c_str(), d.day.c_str(),
                FormatCount(d.today.flagged, d.lang).c_str(),
                FormatCount(d.today.by_level[3], d.lang).c_str());
}

std::string PlainTextSummary(const Digest& d) {
  const Words& w = WordsFor(d.lang);
  std::ostringstream out;
  out << d.title << " — " << LongDay(d.day, d.lang) << "\n\n"
      << LeadSentence(d) << "\n"
      << w.row_high << ": " << FormatCount(d.today.by_level[3], d.lang) << " · " << w.row_medium
      << ": " << FormatCount(d.today.by_level[2], d.lang) << " · " << w.row_low << ": "
      << FormatCount(d.today.by_level[1], d.lang) << "\n\n";
  const size_t n = std::min<size_t>(d.rows.size(), 10);
  for (size_t i = 0; i < n; ++i) {
    const DigestRow& r = d.rows[i];
    std::vector<std::string> contacts;
    for (const std::string& c : r.contacts) contacts.push_back(ContactDisplay(c, d.lang));
    out << r.score << " " << LevelWord(r.level, d.lang) << " — " << r.title << "\n";
    if (!contacts.empty()) out << "   " << Join(contacts, ", ") << "\n";
    if (!r.url.empty()) out << "   " << r.url << "\n";
  }
  if (d.rows.size() > n) out << "…\n";
  out << "\n" << w.text_intro << "\n";
  return ValidUtf8(out.str());
}

}  // namespace adwatch::exporter
