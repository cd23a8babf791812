// adwatch import | rescore | backup | restore | prune: the commands that load, re-score and look
// after the database. They only parse arguments, call storage/ and classifier/, and print.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "admin.h"
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
  if (access == storage::AccessMode::kReadWrite) {
    if (Status w = WatchStoreWrites(*config, **store, CommandClock()); !w.ok()) {
      std::fprintf(stderr, "adwatch %s: %s\n", command, w.ToString().c_str());
      return nullptr;
    }
  }
  return std::move(*store);
}

std::map<std::string, WritingCommand>& WritingCommands() {
  static std::map<std::string, WritingCommand> commands;
  return commands;
}

std::string AdminSocketFor(AppContext& ctx, const std::string& db) {
  const Config* config = ctx.config();
  if (config && !config->api.admin_socket.empty()) return config->api.admin_socket;
  return DefaultAdminSocket(db.empty() && config ? config->storage.path : db);
}

int RunWriting(AppContext& ctx, const std::string& db, const char* command, const std::string& name,
               const nlohmann::json& args) {
  auto it = WritingCommands().find(name);
  if (it == WritingCommands().end()) {
    std::fprintf(stderr, "adwatch %s: no such command\n", command);
    return kExitFailure;
  }
  TerminalOutput out;
  const std::string socket = AdminSocketFor(ctx, db);
  auto remote = CallAdmin(socket, name, args, out);
  if (remote) return *remote;
  if (!remote.error().IsNotFound()) {
    std::fprintf(stderr, "adwatch %s: %s\n", command, remote.error().ToString().c_str());
    return kExitFailure;
  }
  // No service holds the database: open it here.
  auto store = OpenStore(ctx, db, storage::AccessMode::kReadWrite, command);
  if (!store) return kExitFailure;
  const char* login = std::getenv("USER");
  WriteContext wctx{ctx, *store, out, std::string("cli:") + (login ? login : "?"), nullptr};
  return it->second(wctx, args);
}

namespace {

std::string AbsolutePath(const std::string& path) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

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
  std::string format = "jsonl";           // jsonl | telegram-export | whatsapp-export
  std::string reviewer;                   // who imports a chat export (default: the Unix user)
  std::vector<std::string> public_chats;  // Telegram usernames of public chats: NAME or ID=NAME
  std::string timezone;                   // of the export's local times (default: storage's)
  std::string date_order = "auto";        // WhatsApp: auto | dmy | mdy
};

// The classifier a writing command uses: the service's, or one loaded here (also when the
// command names another rules folder).
Result<std::unique_ptr<classifier::Classifier>> CommandClassifier(
    WriteContext& w, const std::string& rules_dir, const classifier::Classifier*& use) {
  if (w.classifier != nullptr && rules_dir.empty()) {
    use = w.classifier;
    return std::unique_ptr<classifier::Classifier>();
  }
  const Config* config = w.app.config();
  if (!config) return Status::InvalidArgument("config", "the config does not load");
  auto loaded = LoadClassifier(*config, rules_dir);
  if (loaded) use = loaded->get();
  return loaded;
}

int ImportCommand(WriteContext& w, const nlohmann::json& args) {
  const std::string rules_dir = args.value("rules", "");
  const std::string source = args.value("source", "import");
  const std::string region_hint = args.value("region_hint", "");
  const std::string name = args.value("name", "<stdin>");
  const std::string data = args.value("data", "");
  const classifier::Classifier* classifier = nullptr;
  auto owned = CommandClassifier(w, rules_dir, classifier);
  if (!owned) {
    w.out.Err("adwatch import: " + owned.error().message());
    return kExitFailure;
  }
  if (args.value("format", "jsonl") != "jsonl") return ImportChatExport(w, *classifier, args);
  const auto start = std::chrono::steady_clock::now();

  // Ads go to the store in groups: one atomic batch per group, so a failure loses no more than
  // the group it happened in, and it is reported.
  constexpr size_t kGroup = 256;
  storage::PageWrite group;
  group.cause = "import";
  int skipped = 0, stored = 0, created = 0, reposts = 0, flagged = 0;
  auto flush = [&]() -> bool {
    if (group.ads.empty()) return true;
    auto written = w.store.Write(group);
    if (!written) {
      w.out.Err("adwatch import: " + written.error().ToString());
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
  auto each_line = [&](int line_no, Result<JsonAd> in) {
    if (in && in->ad.text.find_first_not_of(" \t\r\n") == std::string::npos) {
      in = Status::InvalidArgument("field \"text\" is empty");
    }
    if (!in) {
      w.out.Err(Sprintf("adwatch import: %s:%d: %s; line skipped", name.c_str(), line_no,
                        in.error().message().c_str()));
      ++skipped;
      return true;
    }
    AdCandidate ad = std::move(in->ad);
    ad.origin = CandidateOrigin::kImport;
    ad.post_id = in->id;
    if (ad.source.empty()) ad.source = source;
    auto cw = ClassifyAd(*classifier, std::move(ad), region_hint);
    if (!cw) {
      w.out.Err(Sprintf("adwatch import: %s:%d: %s; line skipped", name.c_str(), line_no,
                        cw.error().ToString().c_str()));
      ++skipped;
      return true;
    }
    flagged += cw->verdict.level >= Level::kMedium ? 1 : 0;
    group.ads.push_back(std::move(cw.value()));
    write_failed = group.ads.size() >= kGroup && !flush();
    return !write_failed;
  };
  // A file is read where the database is, line by line, so memory stays flat however many ads
  // it holds (docs/storage.md, "Import"); standard input arrives whole in `data`.
  const std::string path = args.value("path", "");
  if (path.empty()) {
    ForEachJsonAd(data, each_line);
  } else {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      w.out.Err("adwatch import: " + name + ": cannot open file");
      return kExitFailure;
    }
    Status read = ForEachJsonAdIn(file, name, each_line);
    if (!read.ok()) {
      w.out.Err("adwatch import: " + read.ToString());
      return kExitFailure;
    }
  }
  if (write_failed) return kExitFailure;
  if (!flush()) return kExitFailure;
  w.out.Out(
      Sprintf("imported %d ads from %s in %.1f s: %d new, %d already stored, %d linked as "
              "reposts, %d medium or high; %d lines skipped",
              stored, name.c_str(), SecondsSince(start), created, stored - created, reposts,
              flagged, skipped));
  return skipped > 0 ? kExitFailure : kExitOk;
}

int RunImport(const ImportArgs& args, AppContext& ctx) {
  if (args.format != "jsonl") {
    if (args.file == "-") {
      std::fprintf(stderr, "adwatch import: --format %s reads a file, not standard input\n",
                   args.format.c_str());
      return kExitUsage;
    }
    // The export is read where the database is (here, or by the service from this path): it is
    // kept whole as evidence and read twice, so it is not sent over the admin socket.
    const Config* config = ctx.config();
    if (!config) return kExitFailure;
    const char* login = std::getenv("USER");
    return RunWriting(
        ctx, args.db, "import", "import",
        {{"format", args.format},
         {"path", AbsolutePath(args.file)},
         {"name", args.file},
         {"reviewer",
          args.reviewer.empty() ? std::string("cli:") + (login ? login : "?") : args.reviewer},
         {"public", args.public_chats},
         {"timezone", args.timezone.empty() ? config->storage.timezone : args.timezone},
         {"date_order", args.date_order},
         {"source", args.source},
         {"region_hint", args.region_hint},
         {"rules", args.rules_dir.empty() ? "" : AbsolutePath(args.rules_dir)}});
  }
  if (args.file != "-") {
    // Streamed from the file by whoever holds the database (here, or the service), never sent
    // whole: 250,000 ads are hundreds of megabytes.
    if (!std::ifstream(args.file, std::ios::binary)) {
      std::fprintf(stderr, "adwatch import: %s: cannot open file\n", args.file.c_str());
      return kExitFailure;
    }
    return RunWriting(ctx, args.db, "import", "import",
                      {{"path", AbsolutePath(args.file)},
                       {"name", args.file},
                       {"source", args.source},
                       {"region_hint", args.region_hint},
                       {"rules", args.rules_dir.empty() ? "" : AbsolutePath(args.rules_dir)}});
  }
  auto data = ReadInput(args.file);
  if (!data) {
    std::fprintf(stderr, "adwatch import: %s\n", data.error().message().c_str());
    return kExitFailure;
  }
  return RunWriting(ctx, args.db, "import", "import",
                    {{"data", std::move(*data)},
                     {"name", args.file == "-" ? "<stdin>" : args.file},
                     {"source", args.source},
                     {"region_hint", args.region_hint},
                     {"rules", args.rules_dir.empty() ? "" : AbsolutePath(args.rules_dir)}});
}

// ---------------------------------------------------------------------------------------------
// rescore

struct RescoreArgs {
  std::string db;
  std::string since;
  std::string rules_dir;
};

int RescoreCommand(WriteContext& w, const nlohmann::json& args) {
  const std::string since = args.value("since", "");
  if (!since.empty() && !LocalDays::IsValidDay(since)) {
    w.out.Err("adwatch rescore: --since must be a YYYY-MM-DD date");
    return kExitUsage;
  }
  const classifier::Classifier* classifier = nullptr;
  auto owned = CommandClassifier(w, args.value("rules", ""), classifier);
  if (!owned) {
    w.out.Err("adwatch rescore: " + owned.error().message());
    return kExitFailure;
  }
  const auto start = std::chrono::steady_clock::now();
  int seen = 0, changed = 0, up = 0, down = 0, failed = 0;
  Status stop;
  Status s = w.store.ForEachAd(since, "", [&](const AdRecord& rec) {
    ++seen;
    auto verdict = classifier->Classify(rec.ad);
    if (!verdict) {
      w.out.Err("adwatch rescore: ad " + rec.ad_id + ": " + verdict.error().ToString());
      ++failed;
      return true;
    }
    const auto regions =
        classifier::RegionIds(verdict->entities, classifier->rules().gazetteer(), rec.region_hint);
    auto updated = w.store.UpdateVerdict(rec.ad_id, *verdict, regions, "rescore");
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
    w.out.Err("adwatch rescore: " + s.ToString());
    return kExitFailure;
  }
  w.out.Out(Sprintf(
      "rescored %d ads%s with rules %s in %.1f s: %d verdicts changed (%d to a higher "
      "level, %d to a lower), %d failed",
      seen, since.empty() ? "" : (" first seen since " + since).c_str(),
      classifier->rules().version().c_str(), SecondsSince(start), changed, up, down, failed));
  return failed > 0 ? kExitFailure : kExitOk;
}

int RunRescore(const RescoreArgs& args, AppContext& ctx) {
  if (!args.since.empty() && !LocalDays::IsValidDay(args.since)) {
    std::fprintf(stderr, "adwatch rescore: --since must be a YYYY-MM-DD date\n");
    return kExitUsage;
  }
  return RunWriting(ctx, args.db, "rescore", "rescore",
                    {{"since", args.since},
                     {"rules", args.rules_dir.empty() ? "" : AbsolutePath(args.rules_dir)}});
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

int BackupCommand(WriteContext& w, const nlohmann::json& args) {
  const std::string dir = args.value("dir", "");
  const int keep = args.value("keep", 0);
  const auto start = std::chrono::steady_clock::now();
  auto info = w.store.Backup(dir, keep);
  if (!info) {
    w.out.Err("adwatch backup: " + info.error().ToString());
    return kExitFailure;
  }
  w.out.Out(Sprintf("backup %u of %s written to %s in %.1f s: %u files, %.1f MiB", info->backup_id,
                    w.store.options().path.c_str(), dir.c_str(), SecondsSince(start), info->files,
                    static_cast<double>(info->bytes) / (1 << 20)));
  return kExitOk;
}

int RunBackup(const BackupArgs& args, AppContext& ctx) {
  // The service may run in another folder: name the backup folder absolutely.
  return RunWriting(ctx, args.db, "backup", "backup",
                    {{"dir", AbsolutePath(args.dir)}, {"keep", args.keep}});
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
  WritingCommands()["import"] = ImportCommand;
  WritingCommands()["rescore"] = RescoreCommand;
  WritingCommands()["backup"] = BackupCommand;
  {
    auto args = std::make_shared<ImportArgs>();
    CLI::App* cmd = app.add_subcommand(
        "import",
        "Classify ads from a JSONL file or a chat export and store them, as the crawler would.\n"
        "One JSON object per line: \"text\" (required) and optional \"id\", \"url\", \"title\",\n"
        "\"posted_at\", \"source\". An ad with a URL is identified by the URL and id; one without\n"
        "by its text, so importing the same text twice stores one ad. Bad lines are reported\n"
        "with their line number and skipped (the exit code is then 1; the good lines are stored).");
    cmd->add_option("file", args->file,
                    "JSONL file, or - for standard input; with --format, the export: Telegram's\n"
                    "result.json (or its folder), WhatsApp's .txt or .zip")
        ->required();
    cmd->add_option("--format", args->format,
                    "jsonl (default), telegram-export (Telegram Desktop JSON) or whatsapp-export\n"
                    "(WhatsApp .txt/.zip): every message becomes an ad, the file its evidence\n"
                    "(docs/import.md)")
        ->check(CLI::IsMember({"jsonl", "telegram-export", "whatsapp-export"}));
    cmd->add_option("--reviewer", args->reviewer,
                    "Who imports the export, recorded with its evidence (default: the Unix user)");
    cmd->add_option("--public", args->public_chats,
                    "Telegram username of a public chat, for t.me links: NAME for a single-chat\n"
                    "export, ID=NAME for a chat of an account export (repeatable)");
    cmd->add_option("--timezone", args->timezone,
                    "Zone of the export's local times (default: storage.timezone)");
    cmd->add_option("--date-order", args->date_order,
                    "WhatsApp dates: auto, dmy (31/12/23) or mdy (12/31/23)")
        ->check(CLI::IsMember({"auto", "dmy", "mdy"}));
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
        "into the same folder are incremental. While `adwatch serve` runs, the service writes\n"
        "it (DIR must be writable by the service's user); a running `adwatch crawl` backs up\n"
        "the database it holds itself when crawl.backup_dir is set in the config.");
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
