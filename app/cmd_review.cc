// adwatch review list | show | label, and adwatch evidence: what an analyst reads every morning
// and the bundle they attach to a case file. These commands only read the store (except
// `review label`), so they work while `adwatch crawl` runs.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "admin.h"
#include "adwatch/classifier/classify.h"
#include "adwatch/common/escape.h"
#include "adwatch/common/hash.h"
#include "adwatch/common/json.h"
#include "adwatch/common/names.h"
#include "adwatch/common/time.h"
#include "adwatch/export/evidence.h"
#include "adwatch/export/networks.h"
#include "adwatch/storage/ids.h"
#include "adwatch/storage/store.h"
#include "cli.h"
#include "services.h"

namespace adwatch::app {
namespace {

namespace fs = std::filesystem;

std::string AdSnippet(const AdCandidate& ad, size_t max_bytes) {
  if (ad.title.empty()) return Collapse(ad.text, max_bytes);
  return Collapse(ad.title + " — " + ad.text, max_bytes);
}

std::string Label(const AdRecord& rec) {
  return rec.reviews.empty() ? "" : std::string(Name(rec.reviews.back().label));
}

int Fail(const char* command, const Status& s) {
  std::fprintf(stderr, "adwatch %s: %s\n", command, s.ToString().c_str());
  return s.IsInvalidArgument() ? kExitUsage : kExitFailure;
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
                days->MinuteOf(rec->first_seen_ms).c_str(), Collapse(rec->ad.source, 14).c_str(),
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
  auto bundle = exporter::LoadAdBundle(*store, args.id, /*with_body=*/false);
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
  // Every other ad that carries the same poster, per image.
  auto by_image = exporter::LinkedByImage(*store, rec->ad, {*id});
  if (!by_image) return Fail("review show", by_image.error());
  const classifier::Lang lang = LangOf(args.lang, *config);

  if (args.json) {
    nlohmann::json j = *rec;
    j["verdict_explained"] = exporter::ExplainedJson(*bundle, lang);
    if (page) j["page"] = exporter::PageJson(*page);
    j["same_text"] = *same;
    nlohmann::json links = nlohmann::json::array();
    for (const auto& [term, ads] : linked) links.push_back({{"contact", term}, {"ads", ads}});
    j["linked_by_contact"] = links;
    nlohmann::json image_links = nlohmann::json::array();
    for (const auto& [hash, ads] : *by_image)
      image_links.push_back({{"phash", hash}, {"ads", ads}});
    j["linked_by_image"] = image_links;
    j["verdict_history"] = exporter::HistoryJson(history);
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
  for (const auto& [hash, ads] : *by_image) {
    if (ads.empty()) continue;
    std::printf("%s %s: %zu\n", T(lang, "Poster yang sama (phash)", "Same poster (phash)"),
                hash.c_str(), ads.size());
    for (size_t i = 0; i < ads.size() && i < 20; ++i) {
      auto other = store->GetAd(ads[i]);
      if (!other) return Fail("review show", other.error());
      std::printf("    %s %3d %-6s %s  %s\n", ads[i].c_str(), other->verdict.score,
                  std::string(Name(other->verdict.level)).c_str(),
                  days->DayOf(other->first_seen_ms).c_str(), other->ad.url.c_str());
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

int LabelCommand(WriteContext& w, const nlohmann::json& args) {
  const std::string label_text = args.value("label", "");
  const auto label = ParseReviewLabel(label_text);
  if (!label) {
    w.out.Err("adwatch review label: LABEL must be confirmed, legit, news, unsure or released");
    return kExitUsage;
  }
  auto id = w.store.ResolveAdId(args.value("id", ""));
  if (!id) {
    w.out.Err("adwatch review label: " + id.error().ToString());
    return id.error().IsInvalidArgument() ? kExitUsage : kExitFailure;
  }
  auto before = w.store.GetAd(*id);
  Review r;
  r.reviewer = args.value("reviewer", "");
  r.label = *label;
  r.note = args.value("note", "");
  Status s = w.store.AddReview(*id, r);
  if (!s.ok()) {
    w.out.Err("adwatch review label: " + s.ToString());
    return s.IsInvalidArgument() ? kExitUsage : kExitFailure;
  }
  AuditEvent e;
  e.actor = w.user;
  e.action = "review.add";
  e.object = *id;
  e.outcome = "ok";
  e.detail = std::string(before && !before->reviews.empty() ? Name(before->reviews.back().label)
                                                            : "none") +
             " -> " + label_text + " by " + r.reviewer;
  (void)w.store.AppendAudit(e);
  w.out.Out("ad " + *id + " labelled " + label_text + " by " + r.reviewer);
  return kExitOk;
}

int RunLabel(const LabelArgs& args, AppContext& ctx) {
  if (!ParseReviewLabel(args.label)) {
    std::fprintf(stderr,
                 "adwatch review label: LABEL must be confirmed, legit, news, unsure or "
                 "released\n");
    return kExitUsage;
  }
  return RunWriting(
      ctx, args.db, "review label", "review.label",
      {{"id", args.id}, {"label", args.label}, {"note", args.note}, {"reviewer", args.reviewer}});
}

// ---------------------------------------------------------------------------------------------
// evidence

struct EvidenceArgs {
  std::string db;
  std::string id;
  std::string out;
  std::string lang;
};

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
  auto bundle =
      exporter::BuildEvidence(*store, args.id, LangOf(args.lang, *config), SystemClock().NowMs(),
                              std::string("adwatch ") + ADWATCH_VERSION);
  if (!bundle) return Fail("evidence", bundle.error());
  fs::create_directories(args.out, ec);
  if (ec) return Fail("evidence", Status::IOError(args.out, ec.message()));
  std::string sums;
  for (const exporter::EvidenceFile& file : bundle->files) {
    const fs::path path = fs::path(args.out) / file.name;
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(file.bytes.data(), static_cast<std::streamsize>(file.bytes.size()));
    f.close();
    if (!f) return Fail("evidence", Status::IOError(path.string(), "write failed (disk full?)"));
    if (file.name != "SHA256SUMS") sums += file.sha256 + "  " + file.name + "\n";
  }
  std::printf("evidence of ad %s written to %s:\n", bundle->ad_id.c_str(), args.out.c_str());
  std::fputs(sums.c_str(), stdout);
  std::printf("verify with: (cd %s && sha256sum -c SHA256SUMS)\n", args.out.c_str());
  if (bundle->body_dropped_at_ms != 0) {
    std::printf(
        "note: the raw body was dropped by retention on %s; its SHA-256 is in "
        "manifest.json\n",
        FormatUtc(bundle->body_dropped_at_ms).c_str());
  }
  return kExitOk;
}

}  // namespace

void AddReviewCommands(CLI::App& app, AppContext& ctx) {
  WritingCommands()["review.label"] = LabelCommand;
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
