// adwatch import | rescore | backup | restore | prune: the commands that load, re-score and look
// after the database. They only parse arguments, call storage/ and classifier/, and print.
#include <chrono>
#include <cstdio>

#include "adwatch/classifier/gazetteer.h"
#include "adwatch/common/names.h"
#include "adwatch/common/time.h"
#include "adwatch/storage/store.h"
#include "cli.h"
#include "pipeline.h"
#include "services.h"

namespace adwatch::app {
namespace {

// The store keeps a reference to its clock for as long as it is open.
const Clock& CommandClock() {
  static const SystemClock kClock;
  return kClock;
}

}  // namespace

std::unique_ptr<storage::Store> OpenStore(AppContext& ctx, const std::string& db,
                                          storage::AccessMode access, const char* command) {
  const Config* config = ctx.config();
  if (!config) return nullptr;
  storage::StoreOptions options = config->storage;
  if (!db.empty()) options.path = db;
  options.access = access;
  // Reading commands never create a database where there is none.
  options.create_if_missing = access == storage::AccessMode::kReadWrite;
  auto store = storage::Store::Open(options, CommandClock());
  if (!store) {
    std::fprintf(stderr, "adwatch %s: %s\n", command, store.error().ToString().c_str());
    return nullptr;
  }
  return std::move(*store);
}

namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// ---------------------------------------------------------------------------------------------
// import

struct ImportArgs {
  std::string file;
  std::string db;
  std::string source = "import";
  std::string region_hint;
  std::string rules_dir;
};

int RunImport(const ImportArgs& args, AppContext& ctx) {
  const Config* config = ctx.config();
  if (!config) return kExitFailure;
  auto classifier = LoadClassifier(*config, args.rules_dir);
  if (!classifier) {
    std::fprintf(stderr, "adwatch import: %s\n", classifier.error().message().c_str());
    return kExitFailure;
  }
  auto data = ReadInput(args.file);
  if (!data) {
    std::fprintf(stderr, "adwatch import: %s\n", data.error().message().c_str());
    return kExitFailure;
  }
  auto store = OpenStore(ctx, args.db, storage::AccessMode::kReadWrite, "import");
  if (!store) return kExitFailure;
  const std::string name = args.file == "-" ? "<stdin>" : args.file;
  const auto start = std::chrono::steady_clock::now();

  // Ads go to the store in groups: one atomic batch per group, so a failure loses no more than
  // the group it happened in, and it is reported.
  constexpr size_t kGroup = 256;
  storage::PageWrite group;
  group.cause = "import";
  int skipped = 0, stored = 0, created = 0, reposts = 0, flagged = 0;
  auto flush = [&]() -> bool {
    if (group.ads.empty()) return true;
    auto written = store->Write(group);
    if (!written) {
      std::fprintf(stderr, "adwatch import: %s\n", written.error().ToString().c_str());
      return false;
    }
    for (const auto& ad : written->ads) {
      ++stored;
      created += ad.created ? 1 : 0;
      reposts += ad.created && !ad.repost_of.empty() ? 1 : 0;
    }
    group.ads.clear();
    return true;
  };

  bool write_failed = false;
  ForEachJsonAd(*data, [&](int line_no, Result<JsonAd> in) {
    if (in && in->ad.text.find_first_not_of(" \t\r\n") == std::string::npos) {
      in = Status::InvalidArgument("field \"text\" is empty");
    }
    if (!in) {
      std::fprintf(stderr, "adwatch import: %s:%d: %s; line skipped\n", name.c_str(), line_no,
                   in.error().message().c_str());
      ++skipped;
      return true;
    }
    AdCandidate ad = std::move(in->ad);
    ad.origin = CandidateOrigin::kImport;
    ad.post_id = in->id;
    if (ad.source.empty()) ad.source = args.source;
    auto w = ClassifyAd(**classifier, std::move(ad), args.region_hint);
    if (!w) {
      std::fprintf(stderr, "adwatch import: %s:%d: %s; line skipped\n", name.c_str(), line_no,
                   w.error().ToString().c_str());
      ++skipped;
      return true;
    }
    flagged += w->verdict.level >= Level::kMedium ? 1 : 0;
    group.ads.push_back(std::move(w.value()));
    write_failed = group.ads.size() >= kGroup && !flush();
    return !write_failed;
  });
  if (write_failed) return kExitFailure;
  if (!flush()) return kExitFailure;
  std::printf(
      "imported %d ads from %s in %.1f s: %d new, %d already stored, %d linked as "
      "reposts, %d medium or high; %d lines skipped\n",
      stored, name.c_str(), SecondsSince(start), created, stored - created, reposts, flagged,
      skipped);
  return skipped > 0 ? kExitFailure : kExitOk;
}

// ---------------------------------------------------------------------------------------------
// rescore

struct RescoreArgs {
  std::string db;
  std::string since;
  std::string rules_dir;
};

int RunRescore(const RescoreArgs& args, AppContext& ctx) {
  if (!args.since.empty() && !LocalDays::IsValidDay(args.since)) {
    std::fprintf(stderr, "adwatch rescore: --since must be a YYYY-MM-DD date\n");
    return kExitUsage;
  }
  const Config* config = ctx.config();
  if (!config) return kExitFailure;
  auto classifier = LoadClassifier(*config, args.rules_dir);
  if (!classifier) {
    std::fprintf(stderr, "adwatch rescore: %s\n", classifier.error().message().c_str());
    return kExitFailure;
  }
  auto store = OpenStore(ctx, args.db, storage::AccessMode::kReadWrite, "rescore");
  if (!store) return kExitFailure;
  const auto start = std::chrono::steady_clock::now();
  int seen = 0, changed = 0, up = 0, down = 0, failed = 0;
  Status stop;
  Status s = store->ForEachAd(args.since, "", [&](const AdRecord& rec) {
    ++seen;
    auto verdict = (*classifier)->Classify(rec.ad);
    if (!verdict) {
      std::fprintf(stderr, "adwatch rescore: ad %s: %s\n", rec.ad_id.c_str(),
                   verdict.error().ToString().c_str());
      ++failed;
      return true;
    }
    const auto regions =
        classifier::RegionIds(verdict->entities, (*classifier)->rules().gazetteer(), rec.region_hint);
    auto updated = store->UpdateVerdict(rec.ad_id, *verdict, regions, "rescore");
    if (!updated) {
      stop = updated.error();
      return false;  // a write error: the store refuses further writes anyway
    }
    if (*updated) {
      ++changed;
      up += verdict->level > rec.verdict.level ? 1 : 0;
      down += verdict->level < rec.verdict.level ? 1 : 0;
    }
    return true;
  });
  if (s.ok()) s = stop;
  if (!s.ok()) {
    std::fprintf(stderr, "adwatch rescore: %s\n", s.ToString().c_str());
    return kExitFailure;
  }
  std::printf(
      "rescored %d ads%s with rules %s in %.1f s: %d verdicts changed (%d to a higher "
      "level, %d to a lower), %d failed\n",
      seen, args.since.empty() ? "" : (" first seen since " + args.since).c_str(),
      (*classifier)->rules().version().c_str(), SecondsSince(start), changed, up, down, failed);
  return failed > 0 ? kExitFailure : kExitOk;
}

// ---------------------------------------------------------------------------------------------
// backup, restore, prune

struct BackupArgs {
  std::string dir;
  std::string db;
  int keep = 0;
  bool force = false;
  bool dry_run = false;
};

int RunBackup(const BackupArgs& args, AppContext& ctx) {
  auto store = OpenStore(ctx, args.db, storage::AccessMode::kReadWrite, "backup");
  if (!store) return kExitFailure;
  const auto start = std::chrono::steady_clock::now();
  auto info = store->Backup(args.dir, args.keep);
  if (!info) {
    std::fprintf(stderr, "adwatch backup: %s\n", info.error().ToString().c_str());
    return kExitFailure;
  }
  std::printf("backup %u of %s written to %s in %.1f s: %u files, %.1f MiB\n", info->backup_id,
              store->options().path.c_str(), args.dir.c_str(), SecondsSince(start), info->files,
              static_cast<double>(info->bytes) / (1 << 20));
  return kExitOk;
}

int RunRestore(const BackupArgs& args, AppContext& ctx) {
  const Config* config = ctx.config();
  if (!config) return kExitFailure;
  storage::StoreOptions options = config->storage;
  if (!args.db.empty()) options.path = args.db;
  const auto start = std::chrono::steady_clock::now();
  auto moved = storage::Store::Restore(args.dir, options, args.force);
  if (!moved) {
    std::fprintf(stderr, "adwatch restore: %s\n", moved.error().ToString().c_str());
    return kExitFailure;
  }
  // Open the result once: checks its schema version and time zone against this adwatch.
  auto store = storage::Store::Open(options, CommandClock());
  if (!store) {
    std::fprintf(stderr, "adwatch restore: restored, but: %s\n", store.error().ToString().c_str());
    return kExitFailure;
  }
  uint64_t ads = 0, pages = 0;
  for (const auto& t : (*store)->Stats()) {
    if (t.name == "ads") ads = t.estimated_keys;
    if (t.name == "pages") pages = t.estimated_keys;
  }
  std::printf("restored the latest backup in %s to %s in %.1f s (about %llu ads, %llu pages)\n",
              args.dir.c_str(), options.path.c_str(), SecondsSince(start),
              static_cast<unsigned long long>(ads), static_cast<unsigned long long>(pages));
  if (!moved->empty()) std::printf("the database that was there is kept in %s\n", moved->c_str());
  return kExitOk;
}

int RunPrune(const BackupArgs& args, AppContext& ctx) {
  auto store = OpenStore(ctx, args.db, storage::AccessMode::kReadWrite, "prune");
  if (!store) return kExitFailure;
  if (store->options().retention_days == 0) {
    std::printf("storage.retention_days is 0: every page body is kept\n");
    return kExitOk;
  }
  auto report = store->ApplyRetention(args.dry_run);
  if (!report) {
    std::fprintf(stderr, "adwatch prune: %s\n", report.error().ToString().c_str());
    return kExitFailure;
  }
  std::printf(
      "%s %lld page bodies (%.1f MiB before compression) fetched more than %d days ago; "
      "kept %lld as evidence of flagged ads\n",
      args.dry_run ? "would drop" : "dropped", static_cast<long long>(report->bodies_dropped),
      static_cast<double>(report->bytes_dropped) / (1 << 20), store->options().retention_days,
      static_cast<long long>(report->bodies_kept_flagged));
  return kExitOk;
}

}  // namespace

void AddStorageCommands(CLI::App& app, AppContext& ctx) {
  {
    auto args = std::make_shared<ImportArgs>();
    CLI::App* cmd = app.add_subcommand(
        "import",
        "Classify ads from a JSONL file and store them, as the crawler would.\n"
        "One JSON object per line: \"text\" (required) and optional \"id\", \"url\", \"title\",\n"
        "\"posted_at\", \"source\". An ad with a URL is identified by the URL and id; one without\n"
        "by its text, so importing the same text twice stores one ad. Bad lines are reported\n"
        "with their line number and skipped (the exit code is then 1; the good lines are stored).");
    cmd->add_option("file", args->file, "JSONL file, or - for standard input")->required();
    AddDbOption(*cmd, args->db);
    cmd->add_option("--source", args->source, "Source name for lines without \"source\"")
        ->default_val("import");
    cmd->add_option("--region-hint", args->region_hint,
                    "Region id the ads come from (e.g. id.kepri), for regional digests");
    cmd->add_option("--rules", args->rules_dir,
                    "Rules folder (default: rules.dir from the config)");
    cmd->callback([args, &ctx] { ctx.action = [args, &ctx] { return RunImport(*args, ctx); }; });
  }
  {
    auto args = std::make_shared<RescoreArgs>();
    CLI::App* cmd = app.add_subcommand(
        "rescore",
        "Re-run the classifier on stored ads after the rules changed. A changed verdict is\n"
        "stored as a new revision (the old ones are kept) and the review queue, regional and\n"
        "contact indexes follow it.");
    AddDbOption(*cmd, args->db);
    cmd->add_option("--since", args->since,
                    "Only ads first seen on or after this day (YYYY-MM-DD, configured time zone)");
    cmd->add_option("--rules", args->rules_dir,
                    "Rules folder (default: rules.dir from the config)");
    cmd->callback([args, &ctx] { ctx.action = [args, &ctx] { return RunRescore(*args, ctx); }; });
  }
  {
    auto args = std::make_shared<BackupArgs>();
    CLI::App* cmd = app.add_subcommand(
        "backup",
        "Write a consistent backup of the database into DIR (RocksDB BackupEngine). Backups\n"
        "into the same folder are incremental. Needs the database not to be open for writing\n"
        "by another process; a running `adwatch crawl` backs up the database it holds itself\n"
        "when crawl.backup_dir is set in the config.");
    cmd->add_option("dir", args->dir, "Backup folder (outside the database folder)")->required();
    AddDbOption(*cmd, args->db);
    cmd->add_option("--keep", args->keep, "Keep only the newest N backups in DIR (0: all)")
        ->check(CLI::NonNegativeNumber);
    cmd->callback([args, &ctx] { ctx.action = [args, &ctx] { return RunBackup(*args, ctx); }; });
  }
  {
    auto args = std::make_shared<BackupArgs>();
    CLI::App* cmd = app.add_subcommand(
        "restore",
        "Restore the latest backup in DIR to the database folder, after verifying its\n"
        "checksums. A database already there is moved aside (never deleted) with --force.");
    cmd->add_option("dir", args->dir, "Backup folder written by `adwatch backup`")->required();
    AddDbOption(*cmd, args->db);
    cmd->add_flag("--force", args->force, "Move an existing database aside and restore anyway");
    cmd->callback([args, &ctx] { ctx.action = [args, &ctx] { return RunRestore(*args, ctx); }; });
  }
  {
    auto args = std::make_shared<BackupArgs>();
    CLI::App* cmd = app.add_subcommand(
        "prune",
        "Apply retention: drop the raw bodies of pages fetched more than storage.retention_days\n"
        "ago that produced no flagged ad. Evidence of flagged ads stays until a reviewer labels\n"
        "the ad \"released\". Page metadata and SHA-256 always stay.");
    AddDbOption(*cmd, args->db);
    cmd->add_flag("--dry-run", args->dry_run, "Only count what would be dropped");
    cmd->callback([args, &ctx] { ctx.action = [args, &ctx] { return RunPrune(*args, ctx); }; });
  }
}

}  // namespace adwatch::app
