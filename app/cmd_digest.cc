// adwatch digest and adwatch export: the daily digests task forces receive (HTML, CSV, JSON,
// optionally by mail) and the streaming export analysts load into their own tools. Both only read
// the store, so they run while `adwatch crawl` writes.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "adwatch/classifier/rule_set.h"
#include "adwatch/common/clock.h"
#include "adwatch/common/names.h"
#include "adwatch/common/time.h"
#include "adwatch/export/digest.h"
#include "adwatch/export/export.h"
#include "adwatch/export/mail.h"
#include "adwatch/export/writers.h"
#include "adwatch/storage/store.h"
#include "cli.h"

namespace adwatch::app {
namespace {

int Fail(const char* command, const Status& s) {
  std::fprintf(stderr, "adwatch %s: %s\n", command, s.ToString().c_str());
  return s.IsInvalidArgument() ? kExitUsage : kExitFailure;
}

// "today", "yesterday" or a YYYY-MM-DD date, in the configured zone.
Result<std::string> ResolveDay(const std::string& text, const LocalDays& days, int64_t now_ms) {
  const std::string today = days.DayOf(now_ms);
  if (text == "today") return today;
  if (text == "yesterday") return LocalDays::AddDays(today, -1);
  if (!LocalDays::IsValidDay(text)) {
    return Status::InvalidArgument("day",
                                   "expected YYYY-MM-DD, today or yesterday: '" + text + "'");
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// digest

struct DigestArgs {
  std::string db;
  std::string day = "yesterday";
  std::string subscription;
  bool all = false;
  std::string out;
  bool mail = false;
};

}  // namespace

int WriteDigests(AppContext& ctx, const storage::Store& store, const std::string& day_text,
                 const std::string& only, const std::string& out_dir, bool mail) {
  const char* cmd = "digest";
  const Config* config = ctx.config();
  if (!config) return kExitFailure;
  auto days = LocalDays::Create(config->timezone);
  if (!days) return Fail(cmd, days.error());
  SystemClock clock;
  auto day = ResolveDay(day_text, *days, clock.NowMs());
  if (!day) return Fail(cmd, day.error());
  std::string out = out_dir.empty() ? config->digest.out_dir : out_dir;
  if (out.empty()) {
    std::fprintf(stderr, "adwatch digest: give --out DIR (or set digest.out_dir in the config)\n");
    return kExitUsage;
  }

  std::vector<exporter::Subscription> subs = config->digest.subscriptions;
  if (subs.empty()) {
    exporter::Subscription national;
    national.lang = config->lang == classifier::Lang::kEn ? exporter::DigestLang::kEn
                                                          : exporter::DigestLang::kId;
    national.name = national.lang == exporter::DigestLang::kEn ? "national" : "nasional";
    national.distress = false;
    national.csv_separator = national.lang == exporter::DigestLang::kEn ? ',' : ';';
    subs.push_back(national);
  }
  if (only.empty() && std::none_of(subs.begin(), subs.end(), exporter::IsNational)) {
    // Ads that name no Indonesian region are routed to the national digest; without one they
    // reach nobody. Say so every morning rather than drop them silently.
    std::fprintf(
        stderr,
        "adwatch digest: warning: no national subscription (one without regions) is configured, "
        "so ads routed to no region appear in no digest\n");
  }
  if (!only.empty()) {
    std::vector<exporter::Subscription> chosen;
    for (const auto& s : subs) {
      if (s.name == only) chosen.push_back(s);
    }
    if (chosen.empty()) {
      std::string names;
      for (const auto& s : subs) names += (names.empty() ? "" : ", ") + s.name;
      std::fprintf(stderr, "adwatch digest: no subscription named '%s' (configured: %s)\n",
                   only.c_str(), names.c_str());
      return kExitUsage;
    }
    subs = std::move(chosen);
  }

  // The ruleset gives the gazetteer (region names, routing) and the category descriptions.
  auto rules = classifier::RuleSet::Load(config->rules);
  if (!rules) return Fail(cmd, rules.error());
  const classifier::Gazetteer& gazetteer = (*rules)->gazetteer();
  for (const auto& s : subs) {
    if (Status v = exporter::Validate(s, gazetteer); !v.ok()) {
      std::fprintf(stderr, "adwatch digest: %s\n", v.message().c_str());
      return kExitFailure;
    }
  }
  std::unique_ptr<exporter::MailSender> sender;
  if (mail) {
    if (config->digest.smtp.url.empty()) {
      std::fprintf(stderr, "adwatch digest: --mail needs digest.smtp in the config\n");
      return kExitUsage;
    }
    exporter::SmtpOptions smtp = config->digest.smtp;
    if (!config->digest.smtp_password_env.empty()) {
      const char* pw = std::getenv(config->digest.smtp_password_env.c_str());
      if (pw == nullptr) {
        std::fprintf(
            stderr,
            "adwatch digest: the environment variable %s (digest.smtp.password_env) is not set\n",
            config->digest.smtp_password_env.c_str());
        return kExitFailure;
      }
      smtp.password = pw;
    }
    auto made = exporter::NewSmtpSender(smtp);
    if (!made) return Fail(cmd, made.error());
    sender = std::move(*made);
  }

  const exporter::DigestContext context{&gazetteer, &(*rules)->categories()};
  int failures = 0;
  for (const auto& s : subs) {
    auto digest =
        exporter::MakeDigest(store, s, *day, clock.NowMs(), context, config->digest.options);
    if (!digest) {
      std::fprintf(stderr, "adwatch digest: %s: %s\n", s.name.c_str(),
                   digest.error().ToString().c_str());
      ++failures;
      continue;
    }
    auto files = exporter::WriteDigestFiles(*digest, out);
    if (!files) {
      std::fprintf(stderr, "adwatch digest: %s: %s\n", s.name.c_str(),
                   files.error().ToString().c_str());
      ++failures;
      continue;
    }
    std::printf("%s %s: %lld flagged (%lld high), %zu recruiter network%s\n", s.name.c_str(),
                digest->day.c_str(), static_cast<long long>(digest->today.flagged),
                static_cast<long long>(digest->today.by_level[3]), digest->networks.size(),
                digest->networks.size() == 1 ? "" : "s");
    std::printf("  %s\n  %s\n  %s\n", files->html.c_str(), files->csv.c_str(), files->json.c_str());
    if (sender && !s.recipients.empty()) {
      const auto message = exporter::DigestMail(*digest, config->digest.smtp.from, s.recipients);
      if (Status sent = sender->Send(message); !sent.ok()) {
        std::fprintf(stderr, "adwatch digest: %s: mail: %s\n", s.name.c_str(),
                     sent.ToString().c_str());
        ++failures;
      } else {
        std::printf("  mailed to %zu recipient(s)\n", s.recipients.size());
      }
    }
  }
  return failures == 0 ? kExitOk : kExitFailure;
}

namespace {

// ---------------------------------------------------------------------------------------------
// export

struct ExportArgs {
  std::string db;
  std::string format = "csv";
  std::string since;
  std::string until;
  std::string min_level = "none";
  std::string region;
  std::string label;
  std::string pattern;
  std::string out;
};

int RunExport(const ExportArgs& args, AppContext& ctx) {
  const char* cmd = "export";
  const Config* config = ctx.config();
  if (!config) return kExitFailure;
  auto days = LocalDays::Create(config->timezone);
  if (!days) return Fail(cmd, days.error());
  const int64_t now = SystemClock().NowMs();
  exporter::ExportQuery q;
  q.format = args.format == "jsonl" ? exporter::ExportFormat::kJsonl : exporter::ExportFormat::kCsv;
  for (auto [text, field] : {std::pair{&args.since, &q.since}, std::pair{&args.until, &q.until}}) {
    if (text->empty()) continue;
    auto d = ResolveDay(*text, *days, now);
    if (!d) return Fail(cmd, d.error());
    *field = *d;
  }
  q.min_level = *ParseLevel(args.min_level);
  q.region = args.region;
  q.label = args.label;
  if (!args.pattern.empty()) q.pattern = ParsePattern(args.pattern);
  if (Status v = exporter::Validate(q); !v.ok()) return Fail(cmd, v);

  auto store = OpenStore(ctx, args.db, storage::AccessMode::kReadOnly, cmd);
  if (!store) return kExitFailure;
  std::ofstream file;
  if (!args.out.empty() && args.out != "-") {
    file.open(args.out, std::ios::binary | std::ios::trunc);
    if (!file) return Fail(cmd, Status::IOError(args.out, "cannot create file"));
  }
  std::ostream& out = file.is_open() ? static_cast<std::ostream&>(file) : std::cout;
  auto stats = exporter::ExportAds(*store, q, out);
  if (!stats) return Fail(cmd, stats.error());
  std::fprintf(stderr, "adwatch export: %lld of %lld ads written\n",
               static_cast<long long>(stats->written), static_cast<long long>(stats->scanned));
  return kExitOk;
}

}  // namespace

void AddDigestCommands(CLI::App& app, AppContext& ctx) {
  auto d = std::make_shared<DigestArgs>();
  CLI::App* digest = app.add_subcommand(
      "digest",
      "Write the daily digest of each subscription (digest.subscriptions in the config; a "
      "national\n"
      "one when there are none) for one day: HTML with charts, CSV and JSON in --out, and with\n"
      "--mail send it to the subscription's recipients. See docs/digest.md.");
  digest->add_option("--day", d->day,
                     "YYYY-MM-DD, today or yesterday (default), in the configured time zone");
  auto* one = digest->add_option("--subscription", d->subscription, "Only this subscription");
  digest->add_flag("--all", d->all, "Every subscription (the default)")->excludes(one);
  digest->add_option("--out", d->out, "Folder for the files (default: digest.out_dir)");
  digest->add_flag("--mail", d->mail, "Also e-mail each digest to its subscription's recipients");
  AddDbOption(*digest, d->db);
  digest->callback([d, &ctx] {
    ctx.action = [d, &ctx] {
      auto store = OpenStore(ctx, d->db, storage::AccessMode::kReadOnly, "digest");
      if (!store) return kExitFailure;
      return WriteDigests(ctx, *store, d->day, d->subscription, d->out, d->mail);
    };
  });

  auto e = std::make_shared<ExportArgs>();
  CLI::App* exp = app.add_subcommand(
      "export",
      "Stream stored ads with their verdicts, contacts and review labels as CSV or JSONL, for\n"
      "analysts' own tools. Constant memory; distress posts come without text or contacts.");
  exp->add_option("--format", e->format, "csv (default) or jsonl")
      ->check(CLI::IsMember({"csv", "jsonl"}));
  exp->add_option("--since", e->since,
                  "First seen on or after this day (YYYY-MM-DD, today, yesterday)");
  exp->add_option("--until", e->until, "First seen on or before this day");
  exp->add_option("--min-level", e->min_level, "none (default), low, medium or high")
      ->check(CLI::IsMember({"none", "low", "medium", "high"}));
  exp->add_option("--region", e->region, "Only ads routed to this region id (e.g. id.kepri)");
  exp->add_option("--label", e->label, "Only ads whose current review label is this (or none)")
      ->check(CLI::IsMember({"confirmed", "legit", "news", "unsure", "released", "none"}));
  exp->add_option("--pattern", e->pattern,
                  "Only ads of this TPPO pattern (docs/verdict.md), e.g. organ")
      ->check(PatternValidator());
  exp->add_option("--out", e->out, "File to write (default: standard output)");
  AddDbOption(*exp, e->db);
  exp->callback([e, &ctx] { ctx.action = [e, &ctx] { return RunExport(*e, ctx); }; });
}

}  // namespace adwatch::app
