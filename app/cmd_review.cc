// adwatch review list | show | label, and adwatch evidence: what an analyst reads every morning
// and the bundle they attach to a case file. These commands only read the store (except
// `review label`), so they work while `adwatch crawl` runs.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "adwatch/classifier/classify.h"
#include "adwatch/common/hash.h"
#include "adwatch/common/json.h"
#include "adwatch/common/names.h"
#include "adwatch/common/time.h"
#include "adwatch/storage/ids.h"
#include "adwatch/storage/store.h"
#include "cli.h"
#include "services.h"

namespace adwatch::app {
namespace {

namespace fs = std::filesystem;

// Collapses whitespace and cuts `text` to at most `max_bytes` without splitting a UTF-8
// character, marking a cut with "…".
std::string Snippet(std::string_view text, size_t max_bytes) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  if (out.size() <= max_bytes) return out;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xc0) == 0x80) --cut;
  out.resize(cut);
  return out + "…";
}

std::string AdSnippet(const AdCandidate& ad, size_t max_bytes) {
  if (ad.title.empty()) return Snippet(ad.text, max_bytes);
  return Snippet(ad.title + " — " + ad.text, max_bytes);
}

std::string Label(const AdRecord& rec) {
  return rec.reviews.empty() ? "" : std::string(Name(rec.reviews.back().label));
}

// What an analyst needs of a stored page; the body itself is written as a file.
nlohmann::json PageJson(const storage::StoredPage& page) {
  const FetchResult& f = page.fetch;
  nlohmann::json j = {{"page_id", page.page_id},
                      {"requested_url", f.requested_url},
                      {"final_url", f.final_url},
                      {"http_status", f.http_status},
                      {"content_type", f.content_type},
                      {"fetched_at", FormatUtc(f.fetched_at_ms)},
                      {"fetched_at_ms", f.fetched_at_ms},
                      {"body_sha256_at_fetch", page.body_sha256},
                      {"body_bytes", page.body_bytes},
                      {"truncated", f.truncated},
                      {"crawler_version", page.crawler_version}};
  if (page.body_dropped_at_ms != 0) j["body_dropped_at"] = FormatUtc(page.body_dropped_at_ms);
  return j;
}

int Fail(const char* command, const Status& s) {
  std::fprintf(stderr, "adwatch %s: %s\n", command, s.ToString().c_str());
  return s.IsInvalidArgument() ? kExitUsage : kExitFailure;
}

// What `review show` and `evidence` both read of one ad: the record (with reviews), every verdict
// revision and, unless it was imported, the page it came from.
struct AdBundle {
  std::string id;
  AdRecord rec;
  std::vector<storage::VerdictRevision> history;
  std::optional<storage::StoredPage> page;
};

// `prefix` is any unique prefix of the id. With `with_body` the page's body is read too, which
// fails with Corruption when it no longer matches the SHA-256 taken at fetch.
Result<AdBundle> LoadBundle(const storage::Store& store, const std::string& prefix,
                            bool with_body) {
  AdBundle b;
  auto id = store.ResolveAdId(prefix);
  if (!id) return id.error();
  b.id = std::move(*id);
  auto rec = store.GetAd(b.id);
  if (!rec) return rec.error();
  b.rec = std::move(*rec);
  auto history = store.VerdictHistory(b.id);
  if (!history) return history.error();
  b.history = std::move(*history);
  if (!b.rec.page_id.empty()) {
    auto p = store.GetPage(b.rec.page_id, with_body);
    if (!p) return p.error();
    b.page = std::move(*p);
  }
  return b;
}

// The verdict revisions as `review show --json` and the evidence manifest list them.
nlohmann::json HistoryJson(const std::vector<storage::VerdictRevision>& history) {
  nlohmann::json revs = nlohmann::json::array();
  for (const auto& h : history) {
    revs.push_back({{"rev", h.rev},
                    {"at", FormatUtc(h.at_ms)},
                    {"cause", h.cause},
                    {"ruleset_version", h.verdict.ruleset_version},
                    {"score", h.verdict.score},
                    {"level", Name(h.verdict.level)}});
  }
  return revs;
}

// The verdict in the documented schema (docs/verdict.md), as a JSON value.
nlohmann::json ExplainedJson(const AdBundle& b, classifier::Lang lang) {
  return nlohmann::json::parse(classifier::VerdictJson(b.rec.verdict, b.rec.ad, b.id, lang),
                               nullptr,
                               /*allow_exceptions=*/false);
}

// ---------------------------------------------------------------------------------------------
// review list

struct ListArgs {
  std::string db;
  std::string day;
  std::string since;
  std::string min_level = "medium";
  std::string region;
  std::string pattern;
  bool unreviewed = false;
  bool reposts = false;
  size_t limit = 200;
  bool json = false;
};

int RunList(const ListArgs& args, AppContext& ctx) {
  const Config* config = ctx.config();
  if (!config) return kExitFailure;
  auto days = LocalDays::Create(config->timezone);
  if (!days) return Fail("review list", days.error());
  storage::QueueQuery q;
  const std::string today = days->DayOf(SystemClock().NowMs());
  if (!args.day.empty() && !args.since.empty()) {
    std::fprintf(stderr, "adwatch review list: give --day or --since, not both\n");
    return kExitUsage;
  }
  q.from_day = !args.day.empty() ? args.day : !args.since.empty() ? args.since : today;
  q.to_day = !args.day.empty() ? args.day : today;
  if (!args.since.empty() && args.since > today) q.to_day = args.since;
  q.min_level = *ParseLevel(args.min_level);
  q.region = args.region;
  if (!args.pattern.empty()) q.pattern = ParsePattern(args.pattern);
  q.include_reposts = args.reposts;
  q.limit = args.unreviewed ? 0 : args.limit;
  auto store = OpenStore(ctx, args.db, storage::AccessMode::kReadOnly, "review list");
  if (!store) return kExitFailure;
  auto entries = store->Queue(q);
  if (!entries) return Fail("review list", entries.error());
  size_t shown = 0;
  for (const auto& e : *entries) {
    if (args.limit > 0 && shown >= args.limit) break;
    auto rec = store->GetAd(e.ad_id);
    if (!rec) return Fail("review list", rec.error());
    if (args.unreviewed && !rec->reviews.empty()) continue;
    ++shown;
    size_t reposts = 0;
    if (!e.repost) {
      auto same = store->SameText(e.ad_id);
      if (!same) return Fail("review list", same.error());
      reposts = same->empty() ? 0 : same->size() - 1;
    }
    if (args.json) {
      nlohmann::json j = {{"id", e.ad_id},
                          {"score", e.score},
                          {"level", Name(e.level)},
                          {"kind", Name(e.kind)},
                          {"pattern", Name(e.pattern)},
                          {"day", e.day},
                          {"first_seen", FormatUtc(rec->first_seen_ms)},
                          {"source", rec->ad.source},
                          {"url", rec->ad.url},
                          {"title", rec->ad.title},
                          {"snippet", AdSnippet(rec->ad, 200)},
                          {"label", Label(*rec)},
                          {"repost_of", rec->repost_of},
                          {"reposts", reposts},
                          {"regions", rec->regions}};
      std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
      continue;
    }
    std::string extra;
    if (!Label(*rec).empty()) extra += " [" + Label(*rec) + "]";
    if (reposts > 0) extra += " (+" + std::to_string(reposts) + " reposts)";
    if (e.repost) extra += " (repost of " + rec->repost_of + ")";
    std::printf("%s %3d %-6s %-19s %s  %-14s %s%s\n", e.ad_id.c_str(), e.score,
                std::string(Name(e.level)).c_str(), std::string(Name(e.pattern)).c_str(),
                days->MinuteOf(rec->first_seen_ms).c_str(), Snippet(rec->ad.source, 14).c_str(),
                AdSnippet(rec->ad, 60).c_str(), extra.c_str());
  }
  if (!args.json) {
    std::fprintf(stderr, "%zu ads, %s%s, level %s or higher%s%s\n", shown, q.from_day.c_str(),
                 q.to_day == q.from_day ? "" : (" to " + q.to_day).c_str(), args.min_level.c_str(),
                 args.region.empty() ? "" : (", region " + args.region).c_str(),
                 args.pattern.empty() ? "" : (", pattern " + args.pattern).c_str());
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// review show

struct ShowArgs {
  std::string db;
  std::string id;
  std::string lang;
  std::string rules_dir;
  bool json = false;
  bool no_color = false;
};

classifier::Lang LangOf(const std::string& flag, const Config& config) {
  if (flag.empty()) return config.lang;
  return flag == "en" ? classifier::Lang::kEn : classifier::Lang::kId;
}

// A heading in the reader's language.
const char* T(classifier::Lang lang, const char* id, const char* en) {
  return lang == classifier::Lang::kId ? id : en;
}

int RunShow(const ShowArgs& args, AppContext& ctx) {
  const Config* config = ctx.config();
  if (!config) return kExitFailure;
  auto days = LocalDays::Create(config->timezone);
  if (!days) return Fail("review show", days.error());
  auto store = OpenStore(ctx, args.db, storage::AccessMode::kReadOnly, "review show");
  if (!store) return kExitFailure;
  auto bundle = LoadBundle(*store, args.id, /*with_body=*/false);
  if (!bundle) return Fail("review show", bundle.error());
  const std::string* id = &bundle->id;
  const AdRecord* rec = &bundle->rec;
  const auto& history = bundle->history;
  const auto& page = bundle->page;
  auto same = store->SameText(*id);
  if (!same) return Fail("review show", same.error());
  // Every other ad that shares a contact, per contact.
  std::vector<std::pair<std::string, std::vector<std::string>>> linked;
  std::set<std::string> terms;
  for (const auto& c : rec->verdict.entities.contacts) {
    const std::string term = storage::ContactTerm(c);
    if (!terms.insert(term).second) continue;
    auto ads = store->AdsWithContact(term);
    if (!ads) return Fail("review show", ads.error());
    std::vector<std::string> others;
    for (auto& a : *ads) {
      if (a != *id) others.push_back(std::move(a));
    }
    linked.emplace_back(term, std::move(others));
  }
  const classifier::Lang lang = LangOf(args.lang, *config);

  if (args.json) {
    nlohmann::json j = *rec;
    j["verdict_explained"] = ExplainedJson(*bundle, lang);
    if (page) j["page"] = PageJson(*page);
    j["same_text"] = *same;
    nlohmann::json links = nlohmann::json::array();
    for (const auto& [term, ads] : linked) links.push_back({{"contact", term}, {"ads", ads}});
    j["linked_by_contact"] = links;
    j["verdict_history"] = HistoryJson(history);
    std::puts(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return kExitOk;
  }

  const bool color = !args.no_color && StdoutIsTerminal();
  std::printf("%s %s  score %d  %s  %s\n", T(lang, "Iklan", "Ad"), id->c_str(), rec->verdict.score,
              std::string(Name(rec->verdict.level)).c_str(),
              std::string(Name(rec->verdict.kind)).c_str());
  if (rec->verdict.pattern != Pattern::kOther) {
    std::printf(
        "%-12s%s (%s)\n", T(lang, "Pola", "Pattern"),
        std::string(PatternTitle(rec->verdict.pattern, lang == classifier::Lang::kEn)).c_str(),
        std::string(Name(rec->verdict.pattern)).c_str());
  }
  if (!rec->repost_of.empty()) {
    std::printf("%-12s%s\n", T(lang, "Ulangan dari", "Repost of"), rec->repost_of.c_str());
  }
  std::printf("%-12s%s\n", "URL",
              rec->ad.url.empty() ? T(lang, "(tidak ada: teks impor)", "(none: imported text)")
                                  : rec->ad.url.c_str());
  std::printf("%-12s%s\n", T(lang, "Sumber", "Source"), rec->ad.source.c_str());
  std::printf("%-12s%s (%s) · %s %s\n", T(lang, "Pertama", "First seen"),
              days->MinuteOf(rec->first_seen_ms).c_str(), days->zone().c_str(),
              T(lang, "terakhir", "last seen"), days->MinuteOf(rec->last_seen_ms).c_str());
  if (!rec->regions.empty()) {
    std::string r;
    for (const auto& x : rec->regions) r += (r.empty() ? "" : ", ") + x;
    std::printf("%-12s%s\n", T(lang, "Wilayah", "Regions"), r.c_str());
  }
  if (page) {
    std::printf("%-12spage %s, HTTP %d, fetched %s, SHA-256 %s%s\n", T(lang, "Bukti", "Evidence"),
                page->page_id.c_str(), page->fetch.http_status,
                FormatUtc(page->fetch.fetched_at_ms).c_str(), page->body_sha256.c_str(),
                page->body_dropped_at_ms != 0
                    ? (", body dropped by retention " + FormatUtc(page->body_dropped_at_ms)).c_str()
                    : "");
  }
  std::printf("\n%s\n", classifier::ExplainText(rec->verdict, rec->ad, lang, color).c_str());

  std::printf(
      "%s\n",
      T(lang, "Kontak dan iklan lain yang memakainya:", "Contacts and other ads that share them:"));
  if (linked.empty()) std::printf("  %s\n", T(lang, "(tidak ada kontak)", "(no contacts found)"));
  for (const auto& [term, ads] : linked) {
    std::printf("  %s: %s\n", term.c_str(),
                ads.empty()
                    ? T(lang, "tidak ada iklan lain", "no other ad")
                    : (std::to_string(ads.size()) + T(lang, " iklan lain", " other ads")).c_str());
    for (size_t i = 0; i < ads.size() && i < 20; ++i) {
      auto other = store->GetAd(ads[i]);
      if (!other) return Fail("review show", other.error());
      std::printf("    %s %3d %-6s %s  %s\n", ads[i].c_str(), other->verdict.score,
                  std::string(Name(other->verdict.level)).c_str(),
                  days->DayOf(other->first_seen_ms).c_str(), AdSnippet(other->ad, 60).c_str());
    }
    if (ads.size() > 20) {
      std::printf("    … %s %zu\n", T(lang, "dan lainnya:", "and more:"), ads.size() - 20);
    }
  }
  if (same->size() > 1) {
    std::printf("%s (%zu):\n", T(lang, "Teks yang sama", "Same text"), same->size());
    for (const auto& s : *same) {
      if (s == *id) continue;
      auto other = store->GetAd(s);
      if (!other) return Fail("review show", other.error());
      std::printf("    %s %s  %s\n", s.c_str(), days->DayOf(other->first_seen_ms).c_str(),
                  other->ad.url.c_str());
    }
  }
  std::printf("%s\n", T(lang, "Tinjauan:", "Reviews:"));
  if (rec->reviews.empty()) std::printf("  %s\n", T(lang, "(belum ada)", "(none)"));
  for (const auto& r : rec->reviews) {
    std::printf("  %s  %-9s by %s%s%s\n", FormatUtc(r.at_ms).c_str(),
                std::string(Name(r.label)).c_str(), r.reviewer.c_str(), r.note.empty() ? "" : ": ",
                r.note.c_str());
  }
  std::printf("%s\n", T(lang, "Riwayat penilaian:", "Verdict history:"));
  for (const auto& h : history) {
    std::printf("  rev %u  %s  %-8s score %3d %-6s rules %s\n", h.rev, FormatUtc(h.at_ms).c_str(),
                h.cause.c_str(), h.verdict.score, std::string(Name(h.verdict.level)).c_str(),
                h.verdict.ruleset_version.c_str());
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// review label

struct LabelArgs {
  std::string db;
  std::string id;
  std::string label;
  std::string note;
  std::string reviewer;
};

int RunLabel(const LabelArgs& args, AppContext& ctx) {
  const auto label = ParseReviewLabel(args.label);
  if (!label) {
    std::fprintf(stderr,
                 "adwatch review label: LABEL must be confirmed, legit, news, unsure or "
                 "released\n");
    return kExitUsage;
  }
  auto store = OpenStore(ctx, args.db, storage::AccessMode::kReadWrite, "review label");
  if (!store) return kExitFailure;
  auto id = store->ResolveAdId(args.id);
  if (!id) return Fail("review label", id.error());
  Review r;
  r.reviewer = args.reviewer;
  r.label = *label;
  r.note = args.note;
  Status s = store->AddReview(*id, r);
  if (!s.ok()) return Fail("review label", s);
  std::printf("ad %s labelled %s by %s\n", id->c_str(), args.label.c_str(), args.reviewer.c_str());
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// evidence

struct EvidenceArgs {
  std::string db;
  std::string id;
  std::string out;
  std::string lang;
};

std::string BodyFileName(const std::string& content_type) {
  if (content_type.find("html") != std::string::npos) return "body.html";
  if (content_type.find("json") != std::string::npos) return "body.json";
  if (content_type.find("text/plain") != std::string::npos) return "body.txt";
  return "body.bin";
}

int RunEvidence(const EvidenceArgs& args, AppContext& ctx) {
  const Config* config = ctx.config();
  if (!config) return kExitFailure;
  std::error_code ec;
  if (fs::exists(args.out, ec) &&
      (!fs::is_directory(args.out, ec) || !fs::is_empty(args.out, ec))) {
    std::fprintf(stderr, "adwatch evidence: %s exists and is not empty; choose a new folder\n",
                 args.out.c_str());
    return kExitFailure;
  }
  auto store = OpenStore(ctx, args.db, storage::AccessMode::kReadOnly, "evidence");
  if (!store) return kExitFailure;
  // Fails with Corruption when the stored body no longer matches the SHA-256 taken at fetch.
  auto bundle = LoadBundle(*store, args.id, /*with_body=*/true);
  if (!bundle) return Fail("evidence", bundle.error());
  const std::string* id = &bundle->id;
  const AdRecord* rec = &bundle->rec;
  const auto& page = bundle->page;
  const classifier::Lang lang = LangOf(args.lang, *config);

  fs::create_directories(args.out, ec);
  if (ec) return Fail("evidence", Status::IOError(args.out, ec.message()));
  nlohmann::json files = nlohmann::json::array();
  std::string sums;
  auto write = [&](const std::string& name, const std::string& bytes) -> Status {
    const fs::path path = fs::path(args.out) / name;
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.close();
    if (!f) return Status::IOError(path.string(), "write failed (disk full?)");
    const std::string sha = Sha256Hex(bytes);
    files.push_back({{"name", name}, {"sha256", sha}, {"bytes", bytes.size()}});
    sums += sha + "  " + name + "\n";
    return Status::OK();
  };

  nlohmann::json manifest;
  manifest["ad_id"] = *id;
  manifest["exported_at"] = FormatUtc(SystemClock().NowMs());
  manifest["exported_by"] = std::string("adwatch ") + ADWATCH_VERSION;
  manifest["url"] = rec->ad.url;
  manifest["source"] = rec->ad.source;
  manifest["first_seen"] = FormatUtc(rec->first_seen_ms);
  manifest["last_seen"] = FormatUtc(rec->last_seen_ms);
  if (page) {
    const FetchResult& f = page->fetch;
    manifest["page"] = PageJson(*page);
    if (page->body_dropped_at_ms == 0) {
      if (Status s = write(BodyFileName(f.content_type), f.body); !s.ok())
        return Fail("evidence", s);
    }
    std::string headers = "HTTP " + std::to_string(f.http_status) + "\n";
    for (const auto& [k, v] : f.headers) headers += k + ": " + v + "\n";
    if (Status s = write("headers.txt", headers); !s.ok()) return Fail("evidence", s);
  } else {
    manifest["page"] = nullptr;  // imported or pasted text: there was no fetch
  }
  std::string text;
  if (!rec->ad.title.empty()) text = rec->ad.title + "\n\n";
  text += rec->ad.text;
  if (!text.empty() && text.back() != '\n') text += '\n';
  if (Status s = write("text.txt", text); !s.ok()) return Fail("evidence", s);
  const nlohmann::json verdict = ExplainedJson(*bundle, lang);
  if (Status s =
          write("verdict.json",
                verdict.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
      !s.ok())
    return Fail("evidence", s);
  manifest["files"] = files;
  manifest["verdict"] = verdict;
  nlohmann::json reviews = nlohmann::json::array();
  for (const auto& r : rec->reviews) {
    reviews.push_back({{"at", FormatUtc(r.at_ms)},
                       {"reviewer", r.reviewer},
                       {"label", Name(r.label)},
                       {"note", r.note}});
  }
  manifest["reviews"] = reviews;
  manifest["verdict_history"] = HistoryJson(bundle->history);
  if (Status s =
          write("manifest.json",
                manifest.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
      !s.ok())
    return Fail("evidence", s);
  {
    std::ofstream f(fs::path(args.out) / "SHA256SUMS", std::ios::binary | std::ios::trunc);
    f << sums;
    f.close();
    if (!f) return Fail("evidence", Status::IOError(args.out + "/SHA256SUMS", "write failed"));
  }
  std::printf("evidence of ad %s written to %s:\n", id->c_str(), args.out.c_str());
  std::fputs(sums.c_str(), stdout);
  std::printf("verify with: (cd %s && sha256sum -c SHA256SUMS)\n", args.out.c_str());
  if (page && page->body_dropped_at_ms != 0) {
    std::printf(
        "note: the raw body was dropped by retention on %s; its SHA-256 is in "
        "manifest.json\n",
        FormatUtc(page->body_dropped_at_ms).c_str());
  }
  return kExitOk;
}

}  // namespace

void AddReviewCommands(CLI::App& app, AppContext& ctx) {
  CLI::App* review = app.add_subcommand(
      "review", "The review queue: list flagged ads, show one with its evidence, label it.");
  review->require_subcommand(1);
  {
    auto args = std::make_shared<ListArgs>();
    CLI::App* cmd = review->add_subcommand(
        "list",
        "List ads first seen on a day (default today, in the configured time zone), highest\n"
        "score first: id, score, level, first seen, source, a snippet. Reposts of a text are\n"
        "shown once, on the first ad, with their count.");
    AddDbOption(*cmd, args->db);
    cmd->add_option("--day", args->day, "Day to list (YYYY-MM-DD)");
    cmd->add_option("--since", args->since, "List every day from this one to today (YYYY-MM-DD)");
    cmd->add_option("--min-level", args->min_level, "Lowest level shown: none, low, medium, high")
        ->check(CLI::IsMember({"none", "low", "medium", "high"}))
        ->default_val("medium");
    cmd->add_option("--region", args->region, "Only ads routed to this region id (e.g. id.kepri)");
    cmd->add_option(
           "--pattern", args->pattern,
           "Only ads of this TPPO pattern (docs/verdict.md): compound_scam,\n"
           "irregular_migration, mideast_domestic, sexual_exploitation, child, fishing_crew,\n"
           "bride, organ, fake_internship, fee_scam, baby_sale, other")
        ->check(PatternValidator());
    cmd->add_flag("--unreviewed", args->unreviewed, "Only ads nobody has labelled yet");
    cmd->add_flag("--reposts", args->reposts, "Also list every repost of a text");
    cmd->add_option("--limit", args->limit, "At most this many ads (0: all)")->default_val(200);
    cmd->add_flag("--json", args->json, "One JSON object per line instead of text");
    cmd->callback([args, &ctx] { ctx.action = [args, &ctx] { return RunList(*args, ctx); }; });
  }
  {
    auto args = std::make_shared<ShowArgs>();
    CLI::App* cmd = review->add_subcommand(
        "show",
        "Show one ad: why it was flagged with the words highlighted in the ad, its contacts and\n"
        "every other ad sharing them, ads with the same text, the evidence page, reviews and\n"
        "verdict history. AD_ID may be shortened to its first 6 or more characters.");
    cmd->add_option("id", args->id, "Ad id")->required();
    AddDbOption(*cmd, args->db);
    cmd->add_option("--lang", args->lang, "Language of rule descriptions: id or en")
        ->check(CLI::IsMember({"id", "en"}));
    cmd->add_flag("--json", args->json, "Print JSON instead of text");
    cmd->add_flag("--no-color", args->no_color, "Do not highlight with terminal colours");
    cmd->callback([args, &ctx] { ctx.action = [args, &ctx] { return RunShow(*args, ctx); }; });
  }
  {
    auto args = std::make_shared<LabelArgs>();
    CLI::App* cmd = review->add_subcommand(
        "label",
        "Record a reviewer's label on an ad. Labels are never changed or deleted: the latest\n"
        "one is shown, all are kept as the audit trail. LABEL: confirmed, legit, news, unsure,\n"
        "or released (frees the ad's evidence for retention).");
    cmd->add_option("id", args->id, "Ad id")->required();
    cmd->add_option("label", args->label, "confirmed, legit, news, unsure or released")->required();
    cmd->add_option("--note", args->note, "Why; kept with the label");
    cmd->add_option("--reviewer", args->reviewer, "Who labels (name or badge number)")->required();
    AddDbOption(*cmd, args->db);
    cmd->callback([args, &ctx] { ctx.action = [args, &ctx] { return RunLabel(*args, ctx); }; });
  }
  {
    auto args = std::make_shared<EvidenceArgs>();
    CLI::App* cmd = app.add_subcommand(
        "evidence",
        "Write the evidence bundle of an ad into a new folder: the page body exactly as fetched,\n"
        "its headers, the extracted text, the verdict, manifest.json (URL, fetch time in UTC,\n"
        "SHA-256 of each file, the verdict and reviews) and SHA256SUMS, which anyone can check\n"
        "with `sha256sum -c SHA256SUMS`.");
    cmd->add_option("id", args->id, "Ad id")->required();
    cmd->add_option("--out", args->out, "Folder to create (must be new or empty)")->required();
    cmd->add_option("--lang", args->lang, "Language of rule descriptions: id or en")
        ->check(CLI::IsMember({"id", "en"}));
    AddDbOption(*cmd, args->db);
    cmd->callback([args, &ctx] { ctx.action = [args, &ctx] { return RunEvidence(*args, ctx); }; });
  }
}

}  // namespace adwatch::app
