// adwatch classify: scores ads given as plain text or JSONL and explains every point.
#include <cstdio>

#include "adwatch/common/names.h"
#include "adwatch/extract/extract.h"
#include "cli.h"
#include "services.h"

namespace adwatch::app {
namespace {

struct ClassifyArgs {
  std::string file = "-";
  std::string input = "text";
  std::string url;  // --input html: the page's address, to resolve its links
  bool explain = false;
  std::string lang;
  std::string rules_dir;
};

int Run(const ClassifyArgs& args, AppContext& ctx) {
  const Config* config = ctx.config();
  if (!config) return kExitFailure;
  auto classifier = LoadClassifier(*config, args.rules_dir);
  if (!classifier) {
    std::fprintf(stderr, "adwatch classify: %s\n", classifier.error().message().c_str());
    return kExitFailure;
  }
  const classifier::Lang lang = args.lang.empty() ? config->lang
                                : args.lang == "en" ? classifier::Lang::kEn
                                                    : classifier::Lang::kId;
  auto data = ReadInput(args.file);
  if (!data) {
    std::fprintf(stderr, "adwatch classify: %s\n", data.error().message().c_str());
    return kExitFailure;
  }
  const std::string name = args.file == "-" ? "<stdin>" : args.file;
  const bool color = args.explain && StdoutIsTerminal();
  int failures = 0, done = 0;
  auto emit = [&](const JsonAd& in) {
    auto verdict = (*classifier)->Classify(in.ad);
    if (!verdict) {
      std::fprintf(stderr, "adwatch classify: %s: %s\n", in.id.c_str(), verdict.error().ToString().c_str());
      ++failures;
      return;
    }
    ++done;
    if (args.explain) {
      if (!in.id.empty()) std::printf("== %s ==\n", in.id.c_str());
      std::fputs(classifier::ExplainText(*verdict, in.ad, lang, color).c_str(), stdout);
      std::fputs("\n", stdout);
    } else {
      std::fputs((classifier::VerdictJson(*verdict, in.ad, in.id, lang) + "\n").c_str(), stdout);
    }
  };

  if (args.input == "text") {
    if (data->size() > kMaxTextBytes) {
      std::fprintf(stderr, "adwatch classify: %s: text longer than 4 MiB\n", name.c_str());
      return kExitFailure;
    }
    if (data->find_first_not_of(" \t\r\n") == std::string::npos) {
      std::fprintf(stderr, "adwatch classify: %s: no text to classify\n", name.c_str());
      return kExitFailure;
    }
    JsonAd in;
    in.ad.origin = CandidateOrigin::kImport;
    in.ad.text = std::move(data.value());
    emit(in);
  } else if (args.input == "html") {
    // A saved page goes through the crawler's own extraction stage, so what is classified here
    // is what a crawl would classify: JSON-LD job postings, channel posts, or the main text.
    auto extractor = extract::Extractor::Create(config->crawl.extract);
    if (!extractor) {
      std::fprintf(stderr, "adwatch classify: %s\n", extractor.error().message().c_str());
      return kExitFailure;
    }
    auto page = extractor->Extract(SavedPage(std::move(data.value()), args.url));
    if (!page) {
      std::fprintf(stderr, "adwatch classify: %s: %s\n", name.c_str(), page.error().ToString().c_str());
      return kExitFailure;
    }
    if (page->candidates.empty()) {
      std::fprintf(stderr, "adwatch classify: %s: no text to classify on the page\n", name.c_str());
      return kExitFailure;
    }
    for (size_t i = 0; i < page->candidates.size(); ++i) {
      JsonAd in;
      in.ad = std::move(page->candidates[i]);
      in.id = !in.ad.post_id.empty() ? in.ad.post_id
              : page->candidates.size() > 1 ? std::to_string(i + 1) : "";
      emit(in);
    }
  } else {  // jsonl
    ForEachJsonAd(data.value(), [&](int line_no, Result<JsonAd> in) {
      if (!in) {
        std::fprintf(stderr, "adwatch classify: %s:%d: %s; line skipped\n", name.c_str(), line_no,
                     in.error().message().c_str());
        ++failures;
        return true;
      }
      if (in->id.empty()) in->id = std::to_string(line_no);
      emit(*in);
      return true;
    });
  }
  std::fflush(stdout);
  if (failures > 0) {
    std::fprintf(stderr, "adwatch classify: %d classified, %d skipped\n", done, failures);
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void AddClassifyCommand(CLI::App& app, AppContext& ctx) {
  auto args = std::make_shared<ClassifyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "classify",
      "Score ads for scam and trafficking markers and explain every point.\n"
      "Input is one plain text (--input text, the default), a saved web page (--input html: the\n"
      "crawler's extraction finds its ads: JSON-LD job postings, channel posts or the main text),\n"
      "or JSONL, one object per line with \"text\" and optional \"id\", \"title\", \"url\", \"lang\"\n"
      "(--input jsonl). Prints one JSON\n"
      "verdict per ad (schema: docs/verdict.md) or, with --explain, a readable report.\n"
      "A bad JSONL line is reported with its line number and skipped; the exit code is then 1.");
  cmd->add_option("file", args->file, "Input file, or - for standard input")->default_val("-");
  cmd->add_option("--input", args->input, "Input format: text, html or jsonl")
      ->check(CLI::IsMember({"text", "html", "jsonl"}))
      ->default_val("text");
  cmd->add_option("--url", args->url, "With --input html: the page's URL (resolves its links)");
  cmd->add_flag("--explain", args->explain, "Print a readable report with the evidence highlighted");
  cmd->add_option("--lang", args->lang, "Language of descriptions: id (Indonesian) or en")
      ->check(CLI::IsMember({"id", "en"}));
  cmd->add_option("--rules", args->rules_dir, "Rules folder (default: rules.dir from the config)");
  cmd->callback([args, &ctx] { ctx.action = [args, &ctx] { return Run(*args, ctx); }; });
}

}  // namespace adwatch::app
