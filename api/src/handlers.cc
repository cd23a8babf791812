// The route handlers: submissions (NGOs), ads, evidence and reviews (police, task forces),
// health and metrics. Each checks its object's owner inside the lookup, so another
// organisation's submission or an ad outside a task force's regions is "not found".
#include <algorithm>
#include <set>

#include "adwatch/api/tokens.h"
#include "adwatch/common/escape.h"
#include "adwatch/common/hash.h"
#include "adwatch/common/names.h"
#include "adwatch/common/random_id.h"
#include "adwatch/common/time.h"
#include "adwatch/export/evidence.h"
#include "adwatch/export/networks.h"
#include "adwatch/ocr/image.h"
#include "adwatch/storage/ids.h"
#include "api_internal.h"

namespace adwatch::api::internal {

using ::adwatch::Name;
namespace {

constexpr size_t kMaxNoteBytes = 2000;
constexpr size_t kMaxDaysPerQuery = 93;
constexpr size_t kMaxLinkedLookups = 500;

bool English(const Context& c) { return c.lang == classifier::Lang::kEn; }

nlohmann::json ParseJsonText(const std::string& text) {
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

// The sentence a caseworker can read out to a family.
std::string Summary(const Verdict& v, bool english) {
  if (v.kind == DocKind::kNews) {
    return english ? "This text reads as a news report or a warning, not as a job offer."
                   : "Teks ini terbaca sebagai berita atau peringatan, bukan tawaran kerja.";
  }
  if (v.kind == DocKind::kDistress) {
    return english ? "This text reads as a call for help from someone who may be held. Contact "
                     "the police or BP2MI now."
                   : "Teks ini terbaca sebagai permintaan tolong dari orang yang mungkin ditahan. "
                     "Segera hubungi polisi atau BP2MI.";
  }
  std::string pattern;
  if (v.pattern != Pattern::kOther) {
    pattern = std::string(english ? " (pattern: " : " (pola: ") +
              std::string(PatternTitle(v.pattern, english)) + ")";
  }
  switch (v.level) {
    case Level::kHigh:
      return english ? "HIGH risk: this offer shows many signs of illegal recruitment or human "
                       "trafficking" +
                           pattern +
                           ". Do not leave and do not send money; report it to BP2MI or the "
                           "police."
                     : "Risiko TINGGI: tawaran ini menunjukkan banyak tanda perekrutan ilegal atau "
                       "perdagangan orang" +
                           pattern +
                           ". Jangan berangkat dan jangan kirim uang; laporkan ke BP2MI atau "
                           "polisi.";
    case Level::kMedium:
      return english ? "MEDIUM risk: this offer shows several warning signs" + pattern +
                           ". Check the company and the job with BP2MI (siskop2mi) before "
                           "applying or paying anything."
                     : "Risiko SEDANG: tawaran ini menunjukkan beberapa tanda bahaya" + pattern +
                           ". Periksa perusahaan dan lowongannya di BP2MI (siskop2mi) sebelum "
                           "melamar atau membayar apa pun.";
    case Level::kLow:
      return english ? "LOW risk: a few warning signs were found. Still check the company before "
                       "applying."
                     : "Risiko RENDAH: ditemukan sedikit tanda bahaya. Tetap periksa perusahaannya "
                       "sebelum melamar.";
    case Level::kNone:
      break;
  }
  return english ? "No known warning sign was found. This is not a guarantee that the offer is "
                   "safe."
                 : "Tidak ditemukan tanda bahaya yang dikenal. Ini bukan jaminan bahwa tawaran ini "
                   "aman.";
}

bool Flagged(const AdRecord& rec) {
  return rec.verdict.kind == DocKind::kRecruitmentAd && rec.verdict.level >= Level::kMedium;
}

nlohmann::json ContactsJson(const Verdict& v) {
  nlohmann::json out = nlohmann::json::array();
  for (const Contact& k : v.entities.contacts) {
    out.push_back({{"kind", Name(k.kind)}, {"value", k.value}, {"term", storage::ContactTerm(k)}});
  }
  return out;
}

// Ids of the other ads sharing a contact with `v`, up to kMaxLinkedLookups, by contact term.
std::vector<std::pair<std::string, std::vector<std::string>>> LinkedByContact(
    const storage::Store& store, const Verdict& v, const std::set<std::string>& own) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  std::set<std::string> terms;
  for (const Contact& k : v.entities.contacts) terms.insert(storage::ContactTerm(k));
  size_t budget = kMaxLinkedLookups;
  for (const std::string& term : terms) {
    auto ids = store.AdsWithContact(term);
    if (!ids) continue;
    std::vector<std::string> others;
    for (std::string& id : *ids) {
      if (own.count(id) || budget == 0) continue;
      --budget;
      others.push_back(std::move(id));
    }
    out.emplace_back(term, std::move(others));
  }
  return out;
}

int64_t FlaggedSharingContact(const storage::Store& store, const Verdict& v,
                              const std::set<std::string>& own) {
  std::set<std::string> seen;
  int64_t n = 0;
  for (const auto& [term, ids] : LinkedByContact(store, v, own)) {
    for (const std::string& id : ids) {
      if (!seen.insert(id).second) continue;
      auto rec = store.GetAd(id);
      if (rec && Flagged(*rec)) ++n;
    }
  }
  return n;
}

std::string Site(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  const size_t start = scheme + 3;
  const size_t end = url.find_first_of("/?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

nlohmann::json AdSummary(const storage::Store& store, const AdRecord& rec) {
  nlohmann::json j = {{"id", rec.ad_id},
                      {"day", store.DayOf(rec.first_seen_ms)},
                      {"score", rec.verdict.score},
                      {"level", Name(rec.verdict.level)},
                      {"kind", Name(rec.verdict.kind)},
                      {"pattern", Name(rec.verdict.pattern)},
                      {"title", Collapse(rec.ad.title, 200)},
                      {"snippet", Collapse(rec.ad.text, 300)},
                      {"url", SafeHttpUrl(rec.ad.url)},
                      {"site", Site(SafeHttpUrl(rec.ad.url))},
                      {"source", rec.ad.source},
                      {"first_seen", FormatUtc(rec.first_seen_ms)},
                      {"last_seen", FormatUtc(rec.last_seen_ms)},
                      {"regions", rec.regions},
                      {"repost_of", rec.repost_of}};
  j["label"] = rec.reviews.empty() ? nlohmann::json(nullptr)
                                   : nlohmann::json(Name(rec.reviews.back().label));
  return j;
}

bool InRegions(const AdRecord& rec, const std::vector<std::string>& regions) {
  for (const std::string& r : rec.regions) {
    if (std::find(regions.begin(), regions.end(), r) != regions.end()) return true;
  }
  return false;
}

// The ad `id` as the caller may see it: NotFound (answered 404, and audited) when unknown or,
// for a task force, routed to none of its regions.
std::variant<AdRecord, ApiResponse> VisibleAd(const Context& c, const std::string& id) {
  auto rec = c.services.store.GetAd(id);
  if (!rec && !rec.error().IsNotFound()) {
    return Error(503, "unavailable", "the store cannot be read right now");
  }
  if (!rec || (c.token->role == Role::kTaskforce && !InRegions(*rec, c.token->regions))) {
    c.Audit("object.not_found", id, "not_found", "ad");
    return Error(404, "not_found", "no such ad");
  }
  return std::move(*rec);
}

bool ValidDay(const std::string& d) { return LocalDays::IsValidDay(d); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Health and metrics

ApiResponse Healthz(Context& c) {
  Health h;
  if (c.services.health) h = c.services.health();
  const bool ok = h.store_ok && (!h.crawl_enabled || h.crawl_alive);
  nlohmann::json j = {{"status", ok ? "ok" : "degraded"},
                      {"store", h.store_ok ? "ok" : "failing"},
                      {"crawl", !h.crawl_enabled ? "disabled"
                                : h.crawl_alive  ? "running"
                                                 : "stopped"},
                      {"submissions_queued", h.submissions_queued}};
  return Json(ok ? 200 : 503, j);
}

ApiResponse MetricsText(Context& c) {
  ApiResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = c.services.metrics.Render();
  return r;
}

// ---------------------------------------------------------------------------------------------
// Submissions

namespace {

// The checks, storing and queueing every new submission shares, whatever it carries: the
// organisation's rate and daily quota, a fresh id, the record (with `image`, the uploaded bytes)
// stored before it is queued so a crash loses none.
ApiResponse AcceptSubmission(Context& c, Submission& s, std::string_view image,
                             const std::string& audit_detail) {
  const ApiOptions& o = c.services.options;
  const std::string& org = c.token->org;
  if (const int64_t wait = c.services.limits.Take("submission|" + org, o.submission_rate_per_s,
                                                  o.submission_burst, c.now_ms)) {
    ApiResponse r = Error(429, "rate_limited", "too many submissions; try again shortly");
    r.headers.emplace_back("Retry-After", std::to_string(wait));
    return r;
  }
  auto today = c.services.store.CountSubmissionsSince(org, c.now_ms - 86'400'000);
  if (!today) return Error(503, "unavailable", "the store cannot be read right now");
  if (*today >= o.submissions_per_day) {
    ApiResponse r =
        Error(429, "quota_exceeded",
              "this organisation has used its " + std::to_string(o.submissions_per_day) +
                  " submissions of the last 24 hours");
    r.headers.emplace_back("Retry-After", "3600");
    return r;
  }
  auto id = RandomId(16);
  if (!id) return Error(500, "internal", "cannot make an id");
  s.id = std::move(*id);
  s.org = org;
  s.token_id = c.token->id;
  s.status = SubmissionStatus::kQueued;
  s.created_ms = s.updated_ms = c.now_ms;
  if (Status st = c.services.store.PutSubmission(s, image); !st.ok()) {
    return Error(503, "unavailable", "the submission could not be stored; try again");
  }
  if (!c.services.submissions.Enqueue(s)) {
    s.status = SubmissionStatus::kFailed;
    s.reason = "the service was too busy to take it; submit it again in a minute";
    (void)c.services.store.PutSubmission(s);
    c.Audit("submission.create", s.id, "busy");
    ApiResponse r = Error(429, "busy", "too many submissions waiting; try again in a minute");
    r.headers.emplace_back("Retry-After", "60");
    return r;
  }
  c.Audit("submission.create", s.id, "ok", audit_detail);
  ApiResponse r = Json(202, {{"id", s.id}, {"status", Name(s.status)}});
  r.headers.emplace_back("Location", "/v1/submissions/" + s.id);
  return r;
}

const std::set<std::string>& Langs() {
  static const std::set<std::string> kLangs{"", "id", "en", "ms", "zh", "vi", "tl"};
  return kLangs;
}

// POST /v1/submissions with an image body: a screenshot or poster, checked from its header here
// (format, pixel caps) so a bomb or a mislabelled file is refused at once; read later by the
// submission worker. `share` and `lang` come in the query.
ApiResponse CreateImageSubmission(Context& c) {
  if (auto bad = CheckQuery(c, {"share", "lang"})) return std::move(*bad);
  const ApiOptions& o = c.services.options;
  const std::string& body = c.request.body;
  if (body.empty()) return Error(400, "invalid_image", "the image is empty");
  auto info = ocr::ProbeImage(body);
  if (!info) return Error(400, "invalid_image", std::string(info.error().message()));
  const uint64_t pixels = uint64_t{info->width} * info->height;
  if (pixels > o.max_image_pixels || info->width > o.max_image_side ||
      info->height > o.max_image_side) {
    return Error(400, "invalid_image",
                 "the image is " + std::to_string(info->width) + " x " +
                     std::to_string(info->height) + " pixels; this server reads images of at " +
                     "most " + std::to_string(o.max_image_pixels / 1'000'000) + " megapixels and " +
                     std::to_string(o.max_image_side) + " pixels a side");
  }
  Submission s;
  s.image_type = "image/" + std::string(ocr::Name(info->format));
  s.image_sha256 = Sha256Hex(body);
  if (auto share = c.Query("share")) {
    if (*share != "true" && *share != "false") {
      return Error(400, "invalid_request", "\"share\" must be true or false");
    }
    s.share = *share == "true";
  }
  if (auto lang = c.Query("lang")) {
    if (!Langs().count(*lang)) {
      return Error(400, "invalid_request", "\"lang\" must be one of id, en, ms, zh, vi, tl");
    }
    s.lang = *lang;
  }
  return AcceptSubmission(c, s, body,
                          "image: " + s.image_type + " " + std::to_string(body.size()) +
                              " bytes, sha256 " + s.image_sha256);
}

}  // namespace

ApiResponse CreateSubmission(Context& c) {
  std::string_view ct = c.request.content_type;
  if (ct.starts_with("image/")) return CreateImageSubmission(c);
  auto parsed = ParseBody(c, {"url", "text", "lang", "share"});
  if (auto* e = std::get_if<ApiResponse>(&parsed)) return std::move(*e);
  const nlohmann::json& j = std::get<nlohmann::json>(parsed);
  const ApiOptions& o = c.services.options;
  Submission s;
  const bool has_url = j.contains("url"), has_text = j.contains("text");
  if (has_url == has_text) {
    return Error(400, "invalid_request", "send either \"url\" or \"text\", not both or neither");
  }
  if (has_url) {
    if (!j["url"].is_string()) return Error(400, "invalid_request", "\"url\" must be a string");
    s.url = j["url"].get<std::string>();
    if (s.url.size() > o.max_url_bytes) {
      return Error(400, "invalid_url",
                   "the URL is too long (" + std::to_string(s.url.size()) + " bytes; at most " +
                       std::to_string(o.max_url_bytes) + ")");
    }
    if (c.services.check_url) {
      if (Status st = c.services.check_url(s.url); !st.ok()) {
        return Error(400, "invalid_url", st.message());
      }
    }
    if (j.contains("share")) {
      return Error(400, "invalid_request", "\"share\" is for pasted text; a link's ad is shared");
    }
  } else {
    if (!j["text"].is_string()) return Error(400, "invalid_request", "\"text\" must be a string");
    s.text = j["text"].get<std::string>();
    if (Collapse(s.text, 16).empty()) return Error(400, "invalid_request", "\"text\" is empty");
    if (j.contains("share")) {
      if (!j["share"].is_boolean()) {
        return Error(400, "invalid_request", "\"share\" must be true or false");
      }
      s.share = j["share"].get<bool>();
    }
  }
  if (j.contains("lang")) {
    if (!j["lang"].is_string()) return Error(400, "invalid_request", "\"lang\" must be a string");
    s.lang = j["lang"].get<std::string>();
    if (!Langs().count(s.lang)) {
      return Error(400, "invalid_request", "\"lang\" must be one of id, en, ms, zh, vi, tl");
    }
  }

  return AcceptSubmission(c, s, {}, has_url ? "url: " + s.url.substr(0, 300) : "text");
}

namespace {

nlohmann::json SubmissionJson(const Context& c, const Submission& s, bool with_result) {
  nlohmann::json j = {{"id", s.id},
                      {"status", Name(s.status)},
                      {"kind", !s.url.empty()            ? "url"
                               : !s.image_sha256.empty() ? "image"
                                                         : "text"},
                      {"created_at", FormatUtc(s.created_ms)},
                      {"updated_at", FormatUtc(s.updated_ms)}};
  if (!s.url.empty()) j["url"] = s.url;
  if (!s.text.empty()) {
    j["text_preview"] = Collapse(s.text, 200);
    j["share"] = s.share;
  }
  if (!s.image_sha256.empty()) {
    j["image"] = {{"sha256", s.image_sha256}, {"type", s.image_type}};
    if (!s.image_phash.empty()) j["image"]["phash"] = s.image_phash;
    j["share"] = s.share;
  }
  if (!s.lang.empty()) j["lang"] = s.lang;
  if (s.status == SubmissionStatus::kFailed) j["reason"] = s.reason;
  if (!with_result || s.status != SubmissionStatus::kDone) return j;

  // The verdict: of the stored ad when there is one, else the one kept with the submission.
  std::optional<AdRecord> rec;
  if (!s.ad_id.empty()) {
    if (auto r = c.services.store.GetAd(s.ad_id)) rec = std::move(*r);
  }
  Verdict v;
  AdCandidate ad;
  if (rec) {
    v = rec->verdict;
    ad = rec->ad;
  } else if (s.verdict) {
    v = *s.verdict;
    ad.text = s.text;
    ad.lang = s.lang;
    if (!s.image_sha256.empty()) {
      // A private image: its reading is kept with the submission, where the evidence spans of
      // the words read ("dalam gambar: ...") point.
      ad.image_text = s.image_text;
      ImageRef ref;
      ref.url = "upload:" + s.image_sha256;
      ref.origin = ImageOrigin::kUpload;
      ref.sha256_hex = s.image_sha256;
      ref.phash = s.image_phash;
      ad.images.push_back(std::move(ref));
    }
  } else {
    j["result"] = nullptr;
    return j;
  }
  std::set<std::string> own(s.ad_ids.begin(), s.ad_ids.end());
  if (!s.ad_id.empty()) own.insert(s.ad_id);
  nlohmann::json result = {
      {"summary", Summary(v, English(c))},
      {"verdict", ParseJsonText(classifier::VerdictJson(v, ad, s.ad_id, c.lang))},
      {"contacts", ContactsJson(v)},
      {"other_flagged_ads_sharing_a_contact", FlaggedSharingContact(c.services.store, v, own)}};
  if (!s.ad_id.empty()) result["ad_id"] = s.ad_id;
  if (s.ad_ids.size() > 1) result["ad_ids"] = s.ad_ids;
  j["result"] = std::move(result);
  return j;
}

}  // namespace

ApiResponse GetSubmission(Context& c) {
  if (auto e = CheckQuery(c, {"lang"})) return std::move(*e);
  const std::string& id = c.params[0];
  auto s = c.services.store.GetSubmission(c.token->org, id);
  if (!s) {
    if (!s.error().IsNotFound()) return Error(503, "unavailable", "the store cannot be read");
    c.Audit("object.not_found", id, "not_found", "submission");
    return Error(404, "not_found", "no such submission");
  }
  return Json(200, SubmissionJson(c, *s, /*with_result=*/true));
}

ApiResponse ListSubmissions(Context& c) {
  if (auto e = CheckQuery(c, {"cursor", "limit", "lang"})) return std::move(*e);
  auto limit = ListLimit(c);
  if (auto* e = std::get_if<ApiResponse>(&limit)) return std::move(*e);
  std::string next;
  auto list = c.services.store.ListSubmissions(c.token->org, c.Query("cursor").value_or(""),
                                               std::get<size_t>(limit), &next);
  if (!list) {
    if (list.error().IsInvalidArgument()) return Error(400, "invalid_parameter", "bad cursor");
    return Error(503, "unavailable", "the store cannot be read");
  }
  nlohmann::json items = nlohmann::json::array();
  for (const Submission& s : *list) items.push_back(SubmissionJson(c, s, /*with_result=*/false));
  nlohmann::json j = {{"items", items}};
  j["next_cursor"] = next.empty() ? nlohmann::json(nullptr) : nlohmann::json(next);
  return Json(200, j);
}

// ---------------------------------------------------------------------------------------------
// Ads

ApiResponse ListAds(Context& c) {
  if (auto e = CheckQuery(c, {"day", "since", "until", "min_level", "region", "label", "source",
                              "pattern", "cursor", "limit", "lang"})) {
    return std::move(*e);
  }
  auto limit_or = ListLimit(c);
  if (auto* e = std::get_if<ApiResponse>(&limit_or)) return std::move(*e);
  const size_t limit = std::get<size_t>(limit_or);
  storage::Store& store = c.services.store;

  storage::QueueQuery q;
  const std::string today = store.DayOf(c.now_ms);
  if (auto day = c.Query("day")) {
    if (c.Query("since") || c.Query("until")) {
      return Error(400, "invalid_parameter", "use day, or since and until, not both");
    }
    q.from_day = q.to_day = *day;
  } else {
    q.from_day = c.Query("since").value_or(today);
    q.to_day = c.Query("until").value_or(today);
  }
  if (!ValidDay(q.from_day) || !ValidDay(q.to_day)) {
    return Error(400, "invalid_parameter", "days are written YYYY-MM-DD");
  }
  if (q.to_day < q.from_day) return Error(400, "invalid_parameter", "until is before since");
  if (LocalDays::AddDays(q.from_day, static_cast<int>(kMaxDaysPerQuery)) <= q.to_day) {
    return Error(400, "invalid_parameter",
                 "at most " + std::to_string(kMaxDaysPerQuery) + " days at once");
  }
  q.min_level = Level::kLow;
  if (auto l = c.Query("min_level")) {
    auto level = ParseLevel(*l);
    if (!level) return Error(400, "invalid_parameter", "min_level is none, low, medium or high");
    q.min_level = *level;
  }
  if (auto p = c.Query("pattern")) {
    auto pattern = ParsePattern(*p);
    if (!pattern) return Error(400, "invalid_parameter", "unknown pattern");
    q.pattern = *pattern;
  }
  std::optional<ReviewLabel> label;
  bool unlabeled = false;
  if (auto l = c.Query("label")) {
    if (*l == "none") {
      unlabeled = true;
    } else {
      label = ParseReviewLabel(*l);
      if (!label) {
        return Error(400, "invalid_parameter",
                     "label is confirmed, legit, news, unsure, released or none");
      }
    }
  }
  const std::optional<std::string> source = c.Query("source");
  size_t offset = 0;
  if (auto cur = c.Query("cursor")) {
    if (cur->empty() || cur->size() > 9 ||
        !std::all_of(cur->begin(), cur->end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      return Error(400, "invalid_parameter", "bad cursor");
    }
    offset = std::stoul(*cur);
  }

  // The regions to read: the one asked for; a task force only its own.
  std::vector<std::string> regions;
  const auto region = c.Query("region");
  if (c.token->role == Role::kTaskforce) {
    if (region) {
      if (std::find(c.token->regions.begin(), c.token->regions.end(), *region) ==
          c.token->regions.end()) {
        c.Audit("object.not_found", "region:" + *region, "denied", "ads");
        return Error(403, "forbidden", "this token reads only its own regions");
      }
      regions = {*region};
    } else {
      regions = c.token->regions;
    }
  } else if (region) {
    regions = {*region};
  } else {
    regions = {""};
  }
  // The common case — one region (or all), one day, no filter on the ad itself — reads only the
  // index entries of the page asked for (the index is in score order within a day) and counts
  // the rest without building them: a day of 100,000 ads costs one count, not 100,000 entries.
  const bool one_page_read =
      regions.size() == 1 && q.from_day == q.to_day && !source && !label && !unlabeled;
  std::vector<storage::QueueEntry> entries;
  size_t total = 0;
  if (one_page_read) {
    q.region = regions.front();
    q.limit = offset + limit;
    auto page = store.Queue(q);
    q.limit = 0;
    auto count = page ? store.QueueCount(q) : Result<size_t>(page.error());
    if (!count) {
      if (count.error().IsInvalidArgument())
        return Error(400, "invalid_parameter", count.error().message());
      return Error(503, "unavailable", "the store cannot be read");
    }
    entries = std::move(*page);
    total = *count;
  } else {
    std::set<std::string> seen;
    for (const std::string& r : regions) {
      q.region = r;
      auto part = store.Queue(q);
      if (!part) {
        if (part.error().IsInvalidArgument())
          return Error(400, "invalid_parameter", part.error().message());
        return Error(503, "unavailable", "the store cannot be read");
      }
      if (regions.size() == 1) {
        // One index read holds each ad once: no need to pay for a set of every id.
        entries = std::move(*part);
        break;
      }
      for (storage::QueueEntry& e : *part) {
        if (seen.insert(e.ad_id).second) entries.push_back(std::move(e));
      }
    }
    const auto by_risk = [](const auto& a, const auto& b) {
      return a.score != b.score ? a.score > b.score : a.ad_id < b.ad_id;
    };
    if (!std::is_sorted(entries.begin(), entries.end(), by_risk)) {
      std::stable_sort(entries.begin(), entries.end(), by_risk);
    }
    total = entries.size();
  }

  nlohmann::json items = nlohmann::json::array();
  size_t i = offset;
  for (; i < entries.size() && items.size() < limit; ++i) {
    // The index entry has the verdict's score, level, kind and pattern; the verdict itself
    // (hits, evidence) is not read for a list.
    auto rec = store.GetAdWithoutVerdict(entries[i].ad_id);
    if (!rec) continue;
    rec->verdict.score = entries[i].score;
    rec->verdict.level = entries[i].level;
    rec->verdict.kind = entries[i].kind;
    rec->verdict.pattern = entries[i].pattern;
    if (source && rec->ad.source != *source) continue;
    const bool has_label = !rec->reviews.empty();
    if (unlabeled && has_label) continue;
    if (label && (!has_label || rec->reviews.back().label != *label)) continue;
    items.push_back(AdSummary(store, *rec));
  }
  nlohmann::json j = {{"items", items}, {"total_in_range", total}};
  j["next_cursor"] = i < total ? nlohmann::json(std::to_string(i)) : nlohmann::json(nullptr);
  return Json(200, j);
}

ApiResponse GetAd(Context& c) {
  if (auto e = CheckQuery(c, {"lang"})) return std::move(*e);
  auto visible = VisibleAd(c, c.params[0]);
  if (auto* e = std::get_if<ApiResponse>(&visible)) return std::move(*e);
  const AdRecord& rec = std::get<AdRecord>(visible);
  storage::Store& store = c.services.store;
  const bool police = c.token->role == Role::kPolice;

  nlohmann::json j = AdSummary(store, rec);
  j["text"] = rec.ad.text;
  j["verdict"] = ParseJsonText(classifier::VerdictJson(rec.verdict, rec.ad, rec.ad_id, c.lang));
  j["contacts"] = ContactsJson(rec.verdict);
  if (!rec.page_id.empty()) {
    if (auto page = store.GetPage(rec.page_id, /*with_body=*/false)) {
      j["page"] = exporter::PageJson(*page);
    }
  }
  // Ads sharing a contact or the text; a task force sees only those in its regions.
  auto visible_id = [&](const std::string& id) {
    if (police) return true;
    auto other = store.GetAd(id);
    return other && InRegions(*other, c.token->regions);
  };
  nlohmann::json by_contact = nlohmann::json::array();
  for (auto& [term, ids] : LinkedByContact(store, rec.verdict, {rec.ad_id})) {
    nlohmann::json shown = nlohmann::json::array();
    for (const std::string& id : ids) {
      if (visible_id(id)) shown.push_back(id);
    }
    by_contact.push_back({{"term", term}, {"ads", shown}});
  }
  nlohmann::json same_text = nlohmann::json::array();
  if (auto same = store.SameText(rec.ad_id)) {
    for (const std::string& id : *same) {
      if (id != rec.ad_id && visible_id(id)) same_text.push_back(id);
    }
  }
  nlohmann::json by_image = nlohmann::json::array();
  if (auto linked = exporter::LinkedByImage(store, rec.ad, {rec.ad_id})) {
    for (auto& [hash, ids] : *linked) {
      nlohmann::json shown = nlohmann::json::array();
      for (const std::string& id : ids) {
        if (visible_id(id)) shown.push_back(id);
      }
      by_image.push_back({{"phash", hash}, {"ads", shown}});
    }
  }
  j["linked"] = {{"by_contact", by_contact}, {"same_text", same_text}, {"by_image", by_image}};
  nlohmann::json reviews = nlohmann::json::array();
  for (const Review& r : rec.reviews) {
    nlohmann::json one = {{"at", FormatUtc(r.at_ms)}, {"label", Name(r.label)}};
    if (police) {
      one["reviewer"] = r.reviewer;
      one["note"] = r.note;
    }
    reviews.push_back(std::move(one));
  }
  j["reviews"] = reviews;
  return Json(200, j);
}

ApiResponse GetEvidence(Context& c) {
  if (auto e = CheckQuery(c, {"lang"})) return std::move(*e);
  auto visible = VisibleAd(c, c.params[0]);
  if (auto* e = std::get_if<ApiResponse>(&visible)) return std::move(*e);
  const std::string& id = std::get<AdRecord>(visible).ad_id;
  auto bundle = exporter::BuildEvidence(c.services.store, id, c.lang, c.now_ms,
                                        "adwatch api, token " + c.token->id);
  if (!bundle) {
    c.Audit("evidence.view", id, "error", bundle.error().ToString());
    if (bundle.error().code() == Status::Code::kCorruption) {
      return Error(500, "evidence_corrupt",
                   "the stored page no longer matches its SHA-256; the operators must check the "
                   "store");
    }
    return Error(503, "unavailable", "the evidence cannot be read right now");
  }
  c.Audit("evidence.view", id, "ok");
  ApiResponse r;
  r.content_type = "application/x-tar";
  r.body = exporter::EvidenceTar(*bundle, "evidence-" + id, c.now_ms / 1000);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"evidence-" + id + ".tar\"");
  return r;
}

ApiResponse PostReview(Context& c) {
  auto parsed = ParseBody(c, {"label", "note"});
  if (auto* e = std::get_if<ApiResponse>(&parsed)) return std::move(*e);
  const nlohmann::json& j = std::get<nlohmann::json>(parsed);
  if (!j.contains("label") || !j["label"].is_string()) {
    return Error(400, "invalid_request", "\"label\" is required");
  }
  auto label = ParseReviewLabel(j["label"].get<std::string>());
  if (!label) {
    return Error(400, "invalid_request", "\"label\" is confirmed, legit, news, unsure or released");
  }
  std::string note;
  if (j.contains("note")) {
    if (!j["note"].is_string()) return Error(400, "invalid_request", "\"note\" must be a string");
    note = j["note"].get<std::string>();
    if (note.size() > kMaxNoteBytes) {
      return Error(400, "invalid_request", "\"note\" is longer than 2000 bytes");
    }
  }
  auto visible = VisibleAd(c, c.params[0]);
  if (auto* e = std::get_if<ApiResponse>(&visible)) return std::move(*e);
  const AdRecord& rec = std::get<AdRecord>(visible);
  const std::string old =
      rec.reviews.empty() ? "none" : std::string(Name(rec.reviews.back().label));
  Review r{c.token->label, *label, note, c.now_ms};
  if (Status s = c.services.store.AddReview(rec.ad_id, r); !s.ok()) {
    return Error(503, "unavailable", "the review could not be stored; try again");
  }
  c.Audit("review.add", rec.ad_id, "ok", old + " -> " + std::string(Name(*label)));
  return Json(201, {{"ad_id", rec.ad_id},
                    {"label", Name(*label)},
                    {"reviewer", r.reviewer},
                    {"at", FormatUtc(r.at_ms)}});
}

}  // namespace adwatch::api::internal
