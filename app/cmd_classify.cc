// adwatch classify: scores ads given as plain text or JSONL and explains every point.
#include <cstdint>
#include <cstdio>
#include <filesystem>

#include "adwatch/common/names.h"
#include "adwatch/extract/extract.h"
#include "adwatch/ocr/ocr.h"
#include "cli.h"
#include "services.h"

namespace adwatch::app {
namespace {

struct ClassifyArgs {
  std::vector<std::string> files = {"-"};  // several only with --input image
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
  const classifier::Lang lang = args.lang.empty()   ? config->lang
                                : args.lang == "en" ? classifier::Lang::kEn
                                                    : classifier::Lang::kId;
  const bool color = args.explain && StdoutIsTerminal();
  int failures = 0, done = 0;
  auto emit = [&](const JsonAd& in) {
    auto verdict = (*classifier)->Classify(in.ad);
    if (!verdict) {
      std::fprintf(stderr, "adwatch classify: %s: %s\n", in.id.c_str(),
                   verdict.error().ToString().c_str());
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

  if (args.input == "image") {
    // A screenshot or poster: decoded within the configured caps, hashed, read with Tesseract,
    // and classified as an ad whose only text is the image's.
    auto engine = ocr::OcrEngine::Create(config->crawl.images.ocr);
    if (!engine) {
      std::fprintf(stderr, "adwatch classify: %s\n", engine.error().message().c_str());
      return kExitFailure;
    }
    for (const std::string& file : args.files) {
      const std::string name = file == "-" ? "<stdin>" : file;
      std::error_code ec;
      const auto size = file == "-" ? 0 : std::filesystem::file_size(file, ec);
      if (!ec && size > config->crawl.images.decode.max_bytes) {  // refused unread
        std::fprintf(stderr, "adwatch classify: %s: image of %ju bytes is over max_bytes (%zu)\n",
                     name.c_str(), static_cast<uintmax_t>(size),
                     config->crawl.images.decode.max_bytes);
        ++failures;
        continue;
      }
      auto bytes = ReadInput(file);
      if (!bytes) {
        std::fprintf(stderr, "adwatch classify: %s\n", bytes.error().message().c_str());
        ++failures;
        continue;
      }
      auto read = ocr::ReadImageBytes(*bytes, config->crawl.images.decode, engine->get());
      if (!read) {
        std::fprintf(stderr, "adwatch classify: %s: %s\n", name.c_str(),
                     read.error().message().c_str());
        ++failures;
        continue;
      }
      JsonAd in;
      in.id = name;
      in.ad.origin = CandidateOrigin::kImport;
      ImageRef ref;
      ref.url = name;
      ref.origin = ImageOrigin::kUpload;
      in.ad.images.push_back(std::move(ref));
      ocr::AttachReadings(in.ad, {&*read}, {""});
      emit(in);
    }
    std::fflush(stdout);
    if (failures > 0) {
      std::fprintf(stderr, "adwatch classify: %d classified, %d refused\n", done, failures);
      return kExitFailure;
    }
    return kExitOk;
  }

  if (args.files.size() != 1) {
    std::fprintf(stderr, "adwatch classify: only --input image takes several files\n");
    return kExitUsage;
  }
  auto data = ReadInput(args.files[0]);
  if (!data) {
    std::fprintf(stderr, "adwatch classify: %s\n", data.error().message().c_str());
    return kExitFailure;
  }
  const std::string name = args.files[0] == "-" ? "<stdin>" : args.files[0];
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
      std::fprintf(stderr, "adwatch classify: %s: %s\n", name.c_str(),
                   page.error().ToString().c_str());
      return kExitFailure;
    }
    if (page->candidates.empty()) {
      std::fprintf(stderr, "adwatch classify: %s: no text to classify on the page\n", name.c_str());
      return kExitFailure;
    }
    for (size_t i = 0; i < page->candidates.size(); ++i) {
      JsonAd in;
      in.ad = std::move(page->candidates[i]);
      in.id = !in.ad.post_id.empty()        ? in.ad.post_id
              : page->candidates.size() > 1 ? std::to_string(i + 1)
                                            : "";
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
      "or JSONL, one object per line with \"text\" and optional \"id\", \"title\", \"url\", "
      "\"lang\"\n"
      "(--input jsonl), or images (--input image FILE...: screenshots or posters, PNG, JPEG,\n"
      "WebP or GIF, read with OCR; the JSON then carries image_text and each image's 16-hex-digit\n"
      "perceptual hash). Prints one JSON\n"
      "verdict per ad (schema: docs/verdict.md) or, with --explain, a readable report.\n"
      "A bad JSONL line is reported with its line number and skipped; the exit code is then 1.");
  cmd->add_option("file", args->files,
                  "Input file, or - for standard input (several with --input image)");
  cmd->add_option("--input", args->input, "Input format: text, html, jsonl or image")
      ->check(CLI::IsMember({"text", "html", "jsonl", "image"}))
      ->default_val("text");
  cmd->add_option("--url", args->url, "With --input html: the page's URL (resolves its links)");
  cmd->add_flag("--explain", args->explain,
                "Print a readable report with the evidence highlighted");
  cmd->add_option("--lang", args->lang, "Language of descriptions: id (Indonesian) or en")
      ->check(CLI::IsMember({"id", "en"}));
  cmd->add_option("--rules", args->rules_dir, "Rules folder (default: rules.dir from the config)");
  cmd->callback([args, &ctx] { ctx.action = [args, &ctx] { return Run(*args, ctx); }; });
}

}  // namespace adwatch::app
