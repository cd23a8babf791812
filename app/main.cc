// adwatch: watches online job ads for scam and trafficking markers. This file only parses the
// command line and runs the chosen command; see cli.h and the cmd_*.cc files.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <exception>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "adwatch/common/locale.h"
#include "alerts_delivery.h"
#include "cli.h"

namespace adwatch::app {

const Config* AppContext::config() {
  if (!loaded_) {
    config_ = LoadConfig(config_path);
    loaded_ = true;
    if (!config_) std::fprintf(stderr, "adwatch: config: %s\n", config_.error().message().c_str());
  }
  return config_ ? &config_.value() : nullptr;
}

CLI::Option* AddDbOption(CLI::App& cmd, std::string& db) {
  return cmd.add_option("--db", db, "Database folder (default: storage.path from the config)");
}

namespace {

int Main(int argc, char** argv) {
  CLI::App app{
      "adwatch — watches online job and recruitment ads for scam and human-trafficking markers.\n"
      "Every command takes --config FILE (default ./adwatch.yaml, else built-in defaults).",
      "adwatch"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand
  AppContext ctx;
  app.add_option("--config", ctx.config_path, "Config file (adwatch.yaml)");
  app.add_option("--log-level", ctx.log_level, "Log level: trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.set_version_flag("--version", std::string("adwatch ") + ADWATCH_VERSION);

  AddClassifyCommand(app, ctx);
  AddRulesCommands(app, ctx);
  AddDemoCommand(app, ctx);
  AddCrawlCommands(app, ctx);
  AddIngestCommands(app, ctx);
  AddExtractCommand(app, ctx);
  AddStorageCommands(app, ctx);
  AddReviewCommands(app, ctx);
  AddDigestCommands(app, ctx);
  AddTokenCommands(app, ctx);
  AddWatchCommands(app, ctx);
  AddServeCommand(app, ctx);
  AddAlertsDeliverCommand(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  auto logger = spdlog::stderr_color_mt("adwatch");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(ctx.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  if (!ctx.action) {
    std::fputs(app.help().c_str(), stderr);
    return kExitUsage;
  }
  return ctx.action();
}

}  // namespace
}  // namespace adwatch::app

int main(int argc, char** argv) {
#ifdef __GLIBC__
  // Two malloc arenas, not glibc's eight per core: every thread that allocates (the crawl's
  // workers, RocksDB's flush and compaction threads, curl's) otherwise gets an arena of its own,
  // and the free space stranded in each made a 5,000-page crawl's resident memory about 10 MB
  // larger with no measurable gain in speed on this workload (docs/crawling.md, "Memory").
  mallopt(M_ARENA_MAX, 2);
#endif
  // Before any thread starts: a UTF-8 LC_CTYPE, which libcurl needs for Unicode host names.
  if (!adwatch::InitLocale()) {
    std::fputs(
        "adwatch: no UTF-8 locale (C.UTF-8) is installed: Unicode host names cannot be fetched\n",
        stderr);
  }
  try {
    return adwatch::app::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "adwatch: %s\n", e.what());
    return adwatch::app::kExitFailure;
  }
}
