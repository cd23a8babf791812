// The adwatch command line: shared state of one invocation and the registration function of each
// command family. Commands live one family per file (cmd_*.cc); each Add* function adds its
// subcommand(s) to the CLI11 app and, when one is chosen, sets ctx.action.
#ifndef ADWATCH_APP_CLI_H_
#define ADWATCH_APP_CLI_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "adwatch/common/clock.h"
#include "adwatch/common/names.h"
#include "config.h"

namespace adwatch::storage {
class Store;
}  // namespace adwatch::storage
namespace adwatch::classifier {
class Classifier;
}  // namespace adwatch::classifier

namespace adwatch::app {

// Exit codes of every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct AppContext {
  std::string config_path;  // --config
  std::string log_level = "info";
  std::function<int()> action;  // set by the chosen subcommand's callback

  // Loads the config on first use; prints the error and returns nullptr when it is bad.
  const Config* config();

 private:
  bool loaded_ = false;
  Result<Config> config_ = Status::Internal("config not loaded");
};

// Adds `--db PATH` to a command that touches storage.
CLI::Option* AddDbOption(CLI::App& cmd, std::string& db);

void AddClassifyCommand(CLI::App& app, AppContext& ctx);  // cmd_classify.cc
void AddRulesCommands(CLI::App& app, AppContext& ctx);    // cmd_rules.cc
void AddDemoCommand(CLI::App& app, AppContext& ctx);      // cmd_demo.cc
void AddCrawlCommands(CLI::App& app, AppContext& ctx);    // crawl, check: cmd_crawl.cc
void AddExtractCommand(CLI::App& app, AppContext& ctx);   // cmd_extract.cc
// import, rescore, backup, restore, prune: cmd_storage.cc
void AddStorageCommands(CLI::App& app, AppContext& ctx);
// review list|show|label, evidence: cmd_review.cc
void AddReviewCommands(CLI::App& app, AppContext& ctx);
// digest, export: cmd_digest.cc
void AddDigestCommands(CLI::App& app, AppContext& ctx);

// Writes the digest of `day` ("YYYY-MM-DD", "today", "yesterday") of the subscription `only`
// (every configured one when empty; a national one when none is configured) from `store` into
// `out_dir` (digest.out_dir when empty), prints the files, and with `mail` sends each to its
// recipients. Returns an exit code. cmd_digest.cc; also run by the demo.
int WriteDigests(AppContext& ctx, const storage::Store& store, const std::string& day,
                 const std::string& only, const std::string& out_dir, bool mail);

// Opens the store at `db` (storage.path from the config when empty) for `command`. Prints
// "adwatch COMMAND: error" and returns nullptr when the config or the database cannot be opened.
// cmd_storage.cc.
std::unique_ptr<storage::Store> OpenStore(AppContext& ctx, const std::string& db,
                                          storage::AccessMode access, const char* command);

// Makes every ad `store` writes from now on match the watch list and config.watch's burst rules,
// raising alerts in the same batch as the ad (docs/watch.md). OpenStore does it for every store
// opened for writing; a command that opens its store otherwise calls it itself. Errors: a stored
// keyword that no longer compiles, or a store read failing.
Status WatchStoreWrites(const Config& config, storage::Store& store, const Clock& clock);

// watch add|list|remove, alerts list: cmd_watch.cc
void AddWatchCommands(CLI::App& app, AppContext& ctx);

class CommandOutput;  // admin.h

// What a command that writes runs with: here, on the database this process opened, or inside
// `adwatch serve`, on the service's database, for a client of the admin socket.
struct WriteContext {
  AppContext& app;
  storage::Store& store;
  CommandOutput& out;
  std::string user;  // who asked: "cli:<unix user>"
  // The service's classifier; null when the command runs here (it loads one if it needs it).
  const classifier::Classifier* classifier = nullptr;
};

// `import --format telegram-export|whatsapp-export`, run by the import command with its
// classifier: a chat export read, validated whole, then classified and stored with the file as
// evidence (docs/import.md). Returns the exit code. cmd_import_chats.cc.
int ImportChatExport(WriteContext& w, const classifier::Classifier& classifier,
                     const nlohmann::json& args);

// A command that writes, with its arguments as JSON (what the CLI parsed from its flags).
using WritingCommand = std::function<int(WriteContext& ctx, const nlohmann::json& args)>;

// Every writing command by name ("token.create", "review.label", ...): what the admin socket
// offers. Each cmd_*.cc registers its own from its Add*Commands function.
std::map<std::string, WritingCommand>& WritingCommands();

// Runs the writing command `name`: through the admin socket of `adwatch serve` when one holds the
// database, else on the database opened here for writing. Returns the exit code. cmd_storage.cc.
int RunWriting(AppContext& ctx, const std::string& db, const char* command, const std::string& name,
               const nlohmann::json& args);

// The admin socket of the database `db` (storage.path when empty): api.admin_socket, else
// "<db>.admin.sock".
std::string AdminSocketFor(AppContext& ctx, const std::string& db);

// token create|list|revoke: cmd_token.cc
void AddTokenCommands(CLI::App& app, AppContext& ctx);
// serve: cmd_serve.cc
void AddServeCommand(CLI::App& app, AppContext& ctx);
// ingest, frontier export|import: cmd_ingest.cc (the Redis mode, docs/distributed.md)
void AddIngestCommands(CLI::App& app, AppContext& ctx);

// What `adwatch serve` runs over; `adwatch demo --serve` fills it for the demo database.
struct ServeArgs {
  std::string db;
  std::string listen;
  bool no_crawl = false;
  std::string frontier;  // redis://…: ingest the workers' results instead of crawling here
  // Folder of the digest files the task-force page lists; "" means digest.out_dir.
  std::string digest_dir;
  // Called once the server listens, with its base URL ("http://127.0.0.1:8080").
  std::function<void(const std::string& base_url)> on_listening;
};
// Runs the service until SIGINT or SIGTERM; returns the exit code.
int RunServe(const ServeArgs& args, AppContext& ctx);

// A CLI validator for --pattern options: a pattern name of names.h ("organ", "child", ...).
inline CLI::Validator PatternValidator() {
  return CLI::Validator(
      [](std::string& v) -> std::string {
        return ParsePattern(v) ? std::string()
                               : "unknown pattern '" + v + "' (docs/verdict.md lists them)";
      },
      "PATTERN");
}

}  // namespace adwatch::app

#endif  // ADWATCH_APP_CLI_H_
