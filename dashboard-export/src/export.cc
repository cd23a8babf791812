// adwatch export: ads streamed out of the store one at a time (ForEachAd), each written as soon as
// it is read; nothing accumulates.
#include "adwatch/export/export.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "adwatch/common/escape.h"
#include "adwatch/common/names.h"
#include "adwatch/common/time.h"
#include "adwatch/export/networks.h"
#include "adwatch/storage/ids.h"
#include "adwatch/storage/store.h"
#include "text.h"

namespace adwatch::exporter {
namespace {

const char* const kCsvHeader[] = {
    "ad_id", "day",        "first_seen", "last_seen",       "score",        "level",
    "kind",  "pattern",    "label",      "label_at",        "source",       "site",
    "url",   "title",      "text",       "contacts",        "destinations", "regions",
    "rules", "categories", "repost_of",  "ruleset_version", "redacted"};

bool Redacted(const AdRecord& r) { return r.verdict.kind == DocKind::kDistress; }

std::vector<std::string> Terms(const AdRecord& r) {
  std::vector<std::string> out;
  for (const Contact& c : r.verdict.entities.contacts) {
    std::string t = storage::ContactTerm(c);
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(std::move(t));
  }
  return out;
}

std::vector<std::string> Destinations(const AdRecord& r) {
  std::vector<std::string> out;
  for (const PlaceMention& p : r.verdict.entities.places) {
    if (p.country == "ID" || p.transit) continue;
    if (std::find(out.begin(), out.end(), p.id) == out.end()) out.push_back(p.id);
  }
  return out;
}

void RulesAndCategories(const AdRecord& r, std::vector<std::string>& rules,
                        std::vector<std::string>& categories) {
  for (const Hit& h : r.verdict.hits) {
    if (h.weight <= 0 || h.negated) continue;
    rules.push_back(h.rule_id);
    if (std::find(categories.begin(), categories.end(), h.category) == categories.end()) {
      categories.push_back(h.category);
    }
  }
}

std::string LabelOf(const AdRecord& r) {
  return r.reviews.empty() ? "" : std::string(Name(r.reviews.back().label));
}

std::string Time(int64_t ms) { return ms > 0 ? FormatUtc(ms) : ""; }

}  // namespace

Status Validate(const ExportQuery& q) {
  if (!q.since.empty() && !LocalDays::IsValidDay(q.since)) {
    return Status::InvalidArgument("--since", "must be a YYYY-MM-DD date: '" + q.since + "'");
  }
  if (!q.until.empty() && !LocalDays::IsValidDay(q.until)) {
    return Status::InvalidArgument("--until", "must be a YYYY-MM-DD date: '" + q.until + "'");
  }
  if (!q.since.empty() && !q.until.empty() && q.until < q.since) {
    return Status::InvalidArgument("--until", "is before --since");
  }
  if (!q.label.empty() && q.label != "none" && !ParseReviewLabel(q.label)) {
    return Status::InvalidArgument("--label",
                                   "must be confirmed, legit, news, unsure, released or none");
  }
  return Status::OK();
}

ExportWriter::ExportWriter(ExportFormat format, std::ostream& out) : format_(format), out_(out) {}

void ExportWriter::Begin() {
  if (format_ != ExportFormat::kCsv) return;
  std::string head(kUtf8Bom);
  head += CsvRecord(std::vector<std::string>(std::begin(kCsvHeader), std::end(kCsvHeader)));
  out_.write(head.data(), static_cast<std::streamsize>(head.size()));
}

void ExportWriter::Write(const AdRecord& r, std::string_view day) {
  const bool redacted = Redacted(r);
  std::vector<std::string> rules, categories;
  RulesAndCategories(r, rules, categories);
  if (format_ == ExportFormat::kCsv) {
    buffer_ = CsvRecord({r.ad_id,
                         std::string(day),
                         Time(r.first_seen_ms),
                         Time(r.last_seen_ms),
                         std::to_string(r.verdict.score),
                         std::string(Name(r.verdict.level)),
                         std::string(Name(r.verdict.kind)),
                         std::string(Name(r.verdict.pattern)),
                         LabelOf(r),
                         r.reviews.empty() ? "" : Time(r.reviews.back().at_ms),
                         r.ad.source,
                         SiteOf(r.ad),
                         r.ad.url,
                         redacted ? "" : r.ad.title,
                         redacted ? "" : r.ad.text,
                         redacted ? "" : Join(Terms(r), " "),
                         Join(Destinations(r), " "),
                         Join(r.regions, " "),
                         Join(rules, " "),
                         Join(categories, " "),
                         r.repost_of,
                         r.verdict.ruleset_version,
                         redacted ? "distress" : ""});
  } else {
    nlohmann::json j;
    j["ad_id"] = r.ad_id;
    j["day"] = day;
    j["first_seen"] = Time(r.first_seen_ms);
    j["last_seen"] = Time(r.last_seen_ms);
    j["score"] = r.verdict.score;
    j["level"] = std::string(Name(r.verdict.level));
    j["kind"] = std::string(Name(r.verdict.kind));
    j["pattern"] = std::string(Name(r.verdict.pattern));
    j["label"] = LabelOf(r);
    nlohmann::json reviews = nlohmann::json::array();
    for (const Review& v : r.reviews) {
      reviews.push_back({{"reviewer", v.reviewer},
                         {"label", std::string(Name(v.label))},
                         {"note", v.note},
                         {"at", Time(v.at_ms)}});
    }
    j["reviews"] = reviews;
    j["source"] = r.ad.source;
    j["site"] = SiteOf(r.ad);
    j["url"] = r.ad.url;
    j["post_id"] = r.ad.post_id;
    j["lang"] = r.ad.lang;
    j["redacted"] = redacted;
    j["title"] = redacted ? "" : r.ad.title;
    j["text"] = redacted ? "" : r.ad.text;
    j["author"] = redacted ? "" : r.ad.author;
    j["posted_at"] = r.ad.posted_at;
    nlohmann::json contacts = nlohmann::json::array();
    if (!redacted) {
      for (const Contact& c : r.verdict.entities.contacts) {
        contacts.push_back({{"kind", std::string(Name(c.kind))},
                            {"value", c.value},
                            {"term", storage::ContactTerm(c)}});
      }
    }
    j["contacts"] = contacts;
    nlohmann::json hits = nlohmann::json::array();
    for (const Hit& h : r.verdict.hits) {
      hits.push_back({{"rule_id", h.rule_id},
                      {"category", h.category},
                      {"weight", h.weight},
                      {"negated", h.negated},
                      {"describe_id", h.describe_id},
                      {"describe_en", h.describe_en}});
    }
    j["hits"] = hits;
    nlohmann::json places = nlohmann::json::array();
    for (const PlaceMention& p : r.verdict.entities.places) {
      places.push_back({{"id", p.id},
                        {"name", p.name},
                        {"kind", std::string(Name(p.kind))},
                        {"country", p.country},
                        {"transit", p.transit}});
    }
    j["places"] = places;
    nlohmann::json salaries = nlohmann::json::array();
    for (const SalaryMention& s : r.verdict.entities.salaries) {
      salaries.push_back({{"min", s.salary.min},
                          {"max", s.salary.max},
                          {"currency", s.salary.currency},
                          {"period", s.salary.period},
                          {"monthly_idr_min", s.monthly_idr_min},
                          {"monthly_idr_max", s.monthly_idr_max}});
    }
    j["salaries"] = salaries;
    j["regions"] = r.regions;
    j["region_hint"] = r.region_hint;
    j["repost_of"] = r.repost_of;
    j["page_id"] = r.page_id;
    j["ruleset_version"] = r.verdict.ruleset_version;
    buffer_ = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    buffer_ += '\n';
  }
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
}

Status ExportWriter::status() const {
  if (!out_) return Status::IOError("export", "the output stream failed");
  return Status::OK();
}

Result<ExportStats> ExportAds(const storage::Store& store, const ExportQuery& q,
                              std::ostream& out) {
  ADWATCH_RETURN_IF_ERROR(Validate(q));
  std::optional<ReviewLabel> label;
  if (!q.label.empty() && q.label != "none") label = ParseReviewLabel(q.label);
  ExportWriter writer(q.format, out);
  writer.Begin();
  ExportStats stats;
  Status inner;
  Status s = store.ForEachAd(
      q.since, q.until,
      [&](const AdRecord& r) {
        ++stats.scanned;
        if (r.verdict.level < q.min_level) return true;
        if (q.pattern && r.verdict.pattern != *q.pattern) return true;
        if (!q.region.empty() &&
            std::find(r.regions.begin(), r.regions.end(), q.region) == r.regions.end()) {
          return true;
        }
        if (!q.label.empty()) {
          if (q.label == "none" ? !r.reviews.empty()
                                : r.reviews.empty() || r.reviews.back().label != *label) {
            return true;
          }
        }
        writer.Write(r, store.DayOf(r.first_seen_ms));
        ++stats.written;
        if (!writer.status().ok()) {
          inner = writer.status();
          return false;
        }
        return true;
      },
      /*with_reviews=*/true);
  ADWATCH_RETURN_IF_ERROR(s);
  ADWATCH_RETURN_IF_ERROR(inner);
  out.flush();
  ADWATCH_RETURN_IF_ERROR(writer.status());
  return stats;
}

}  // namespace adwatch::exporter
