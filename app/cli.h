// The adwatch command line: shared state of one invocation and the registration function of each
// command family. Commands live one family per file (cmd_*.cc); each Add* function adds its
// subcommand(s) to the CLI11 app and, when one is chosen, sets ctx.action.
#ifndef ADWATCH_APP_CLI_H_
#define ADWATCH_APP_CLI_H_

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "config.h"

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

}  // namespace adwatch::app

#endif  // ADWATCH_APP_CLI_H_
