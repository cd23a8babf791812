// adwatch extract: runs the extraction stage on a saved page and prints the Page as JSON — the
// tool for checking by hand what adwatch takes out of a new source.
#include <cstdio>
#include <memory>

#include "adwatch/common/json.h"
#include "adwatch/common/names.h"
#include "adwatch/extract/extract.h"
#include "cli.h"
#include "crawl_config.h"
#include "services.h"

namespace adwatch::app {
namespace {

struct ExtractArgs {
  std::string file;
  std::string url;
  std::string source_kind;
  std::string source;
  std::string content_type;
  bool compact = false;
};

int Run(const ExtractArgs& args, AppContext& ctx) {
  const Config* config = ctx.config();
  if (!config) return kExitFailure;
  extract::ExtractOptions options = config->crawl.extract;

  FetchResult fetch = SavedPage("", args.url);
  fetch.content_type = args.content_type;
  if (!args.source.empty()) fetch.source = args.source;
  if (!args.source.empty()) {
    // The source's URL patterns and kind come from the seeds file, as in a crawl.
    if (config->crawl.seeds.empty()) {
      std::fprintf(stderr, "adwatch extract: --source needs a seeds file (crawl.seeds in the config)\n");
      return kExitFailure;
    }
    auto sources = LoadSeeds(config->crawl.seeds);
    if (!sources) {
      std::fprintf(stderr, "adwatch extract: %s\n", sources.error().message().c_str());
      return kExitFailure;
    }
    bool found = false;
    for (const auto& s : *sources) {
      if (s.name == args.source) {
        fetch.source_kind = s.kind;
        found = true;
      }
    }
    if (!found) {
      std::fprintf(stderr, "adwatch extract: no source \"%s\" in %s\n", args.source.c_str(),
                   config->crawl.seeds.c_str());
      return kExitFailure;
    }
    AddSourcePatterns(*sources, options);
  }
  if (!args.source_kind.empty()) fetch.source_kind = *ParseSourceKind(args.source_kind);

  auto extractor = extract::Extractor::Create(std::move(options));
  if (!extractor) {
    std::fprintf(stderr, "adwatch extract: %s\n", extractor.error().message().c_str());
    return kExitFailure;
  }
  auto body = ReadInput(args.file);
  if (!body) {
    std::fprintf(stderr, "adwatch extract: %s\n", body.error().message().c_str());
    return kExitFailure;
  }
  fetch.body = std::move(body.value());
  auto page = extractor->Extract(fetch);
  if (!page) {
    std::fprintf(stderr, "adwatch extract: %s\n", page.error().ToString().c_str());
    return kExitFailure;
  }
  const std::string json =
      args.compact ? ToJsonText(*page)
                   : nlohmann::json(*page).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fputs(json.c_str(), stdout);
  std::fputs("\n", stdout);
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace

void AddExtractCommand(CLI::App& app, AppContext& ctx) {
  auto args = std::make_shared<ExtractArgs>();
  CLI::App* cmd = app.add_subcommand(
      "extract",
      "Extract a saved page as the crawler would and print the Page as JSON: title, text, links,\n"
      "OpenGraph fields, the ad candidates with their fields, and any problems met\n"
      "(docs/extraction.md). Use it to check a new source by hand.");
  cmd->add_option("file", args->file, "Saved HTML page, or - for standard input")->required();
  cmd->add_option("--url", args->url, "URL the page was fetched from (links resolve against it)")->required();
  cmd->add_option("--source-kind", args->source_kind, "How to read the page")
      ->check(CLI::IsMember({"generic", "job_board", "channel_preview", "classifieds", "social_post"}));
  cmd->add_option("--source", args->source,
                  "Source name in the seeds file: applies its ad/listing URL patterns and kind");
  cmd->add_option("--content-type", args->content_type,
                  "Content-Type header to assume, e.g. \"text/html; charset=windows-1252\"");
  cmd->add_flag("--compact", args->compact, "Print the JSON on one line");
  cmd->callback([args, &ctx] { ctx.action = [args, &ctx] { return Run(*args, ctx); }; });
}

}  // namespace adwatch::app
