// adwatch crawl: the main job. adwatch check URL: one page now, through the same pipeline.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "adwatch/common/escape.h"
#include "adwatch/common/names.h"
#include "adwatch/crawler/local_frontier.h"
#include "adwatch/crawler/outside_url.h"
#include "adwatch/crawler/url.h"
#include "adwatch/frontier_redis/redis_address.h"
#include "adwatch/frontier_redis/redis_frontier.h"
#include "adwatch/storage/ids.h"
#include "cli.h"
#include "crawl_run.h"
#include "services.h"

namespace adwatch::app {
namespace {

struct CrawlArgs {
  std::string seeds;
  std::string start;
  std::string db;
  int64_t max_pages = 0;
  std::string duration;
  bool follow = false;
  bool json = false;
  int host_connections = 0;
  int64_t host_delay_ms = -1;
  std::string frontier;  // redis://… : run as a worker of the Redis mode
  std::string lease;     // its lease time ("2m")
};

std::string ErrorsText(const std::map<std::string, int64_t>& errors) {
  std::string out;
  for (const auto& [k, v] : errors) out += (out.empty() ? "" : " ") + k + "=" + std::to_string(v);
  return out.empty() ? "none" : out;
}

void PrintProgress(const crawler::CrawlStats& s) {
  const double secs = std::max<double>(s.elapsed_ms, 1) / 1000.0;
  std::fprintf(stderr,
               "\r\x1b[2K%6.0fs  pages %lld (%.1f/s)  queued %lld  in flight %lld  hosts %lld  ads "
               "%lld, flagged %lld  errors: %s",
               secs, static_cast<long long>(s.pages), s.pages / secs,
               static_cast<long long>(s.queued), static_cast<long long>(s.in_flight),
               static_cast<long long>(s.hosts_active), static_cast<long long>(s.ads),
               static_cast<long long>(s.flagged), ErrorsText(s.errors).c_str());
  std::fflush(stderr);
}

nlohmann::json StatsJson(const crawler::CrawlStats& s) {
  return {{"elapsed_ms", s.elapsed_ms},
          {"requests", s.requests},
          {"pages", s.pages},
          {"pages_per_s", s.elapsed_ms ? s.pages * 1000.0 / s.elapsed_ms : 0.0},
          {"bytes", s.bytes},
          {"outcomes", s.outcomes},
          {"errors", s.errors},
          {"retries", s.retries},
          {"links_discovered", s.links_discovered},
          {"out_of_scope_links", s.out_of_scope_links},
          {"ads", s.ads},
          {"flagged", s.flagged},
          {"queued", s.queued},
          {"done", s.done},
          {"limit_reached", s.limit_reached}};
}

void PrintSummary(const crawler::CrawlStats& stats, bool json) {
  if (json) {
    std::printf("%s\n", StatsJson(stats).dump().c_str());
    return;
  }
  const double secs = std::max<double>(stats.elapsed_ms, 1) / 1000.0;
  std::printf(
      "adwatch crawl: %s after %.1fs: %lld pages (%.1f/s), %lld requests, %.1f MB, %lld ads "
      "stored, %lld flagged\n",
      stats.done            ? "done, no work left"
      : stats.limit_reached ? "stopped at the limit"
                            : "stopped",
      secs, static_cast<long long>(stats.pages), stats.pages / secs,
      static_cast<long long>(stats.requests), stats.bytes / 1e6, static_cast<long long>(stats.ads),
      static_cast<long long>(stats.flagged));
  std::string outcomes;
  for (const auto& [k, v] : stats.outcomes) outcomes += " " + k + "=" + std::to_string(v);
  std::printf("  outcomes:%s\n  errors: %s\n  queued for the next run: %lld\n", outcomes.c_str(),
              ErrorsText(stats.errors).c_str(), static_cast<long long>(stats.queued));
}

// A worker of the Redis mode: the frontier in Redis, each processed page sent to the results
// stream for `adwatch ingest`; the store is never opened.
int RunWorker(const CrawlArgs& args, CrawlSetup& setup, const Config& config) {
  if (!args.db.empty()) {
    std::fprintf(stderr,
                 "adwatch crawl: --db and --frontier exclude each other: a worker never opens the "
                 "store (run `adwatch ingest --frontier … --db …`)\n");
    return kExitUsage;
  }
  if (args.follow) {
    std::fprintf(stderr,
                 "adwatch crawl: --follow is not supported with --frontier (the Redis frontier has "
                 "no revisits yet)\n");
    return kExitUsage;
  }
  auto address = frontier_redis::ParseRedisUrl(args.frontier);
  if (!address) {
    std::fprintf(stderr, "adwatch crawl: --frontier: %s\n", address.error().message().c_str());
    return kExitUsage;
  }
  frontier_redis::RedisFrontierOptions fo;
  fo.address = *address;
  // A lease outlasts the slowest fetch and its processing, or a slow page is fetched twice.
  fo.lease_ms = std::max<int64_t>(120'000, 2 * setup.crawl.fetcher.total_timeout_ms);
  if (!args.lease.empty()) {
    auto d = ParseDurationMs(args.lease);
    if (!d || *d < 1000) {
      std::fprintf(stderr, "adwatch crawl: --lease: %s\n",
                   d ? "must be at least 1s" : d.error().message().c_str());
      return kExitUsage;
    }
    fo.lease_ms = *d;
  }
  fo.default_delay_ms = setup.crawl.crawler.default_host_delay_ms;
  fo.robots_ttl_s = std::max<int64_t>(1, setup.crawl.crawler.robots_ttl_s);
  SystemClock clock;
  auto frontier = frontier_redis::RedisFrontier::Connect(fo, clock);
  if (!frontier) {
    std::fprintf(stderr, "adwatch crawl: frontier: %s\n", frontier.error().ToString().c_str());
    return kExitFailure;
  }
  auto classifier = LoadClassifier(config);
  if (!classifier) {
    std::fprintf(stderr, "adwatch crawl: %s\n", classifier.error().message().c_str());
    return kExitFailure;
  }
  const bool terminal = isatty(STDERR_FILENO) != 0;
  auto stats = RunWorkerWithSignals(setup, **classifier, **frontier,
                                    terminal && !args.json ? PrintProgress : nullptr);
  if (terminal && !args.json) std::fputs("\n", stderr);
  if (!stats) {
    std::fprintf(stderr, "adwatch crawl: %s\n", stats.error().ToString().c_str());
    return kExitFailure;
  }
  PrintSummary(*stats, args.json);
  return kExitOk;
}

int RunCrawl(const CrawlArgs& args, AppContext& ctx) {
  const Config* config = ctx.config();
  if (!config) return kExitFailure;
  CrawlSetup setup;
  setup.crawl = config->crawl;
  auto& opts = setup.crawl.crawler;
  const std::string seeds = !args.seeds.empty() ? args.seeds : config->crawl.seeds;
  if (!seeds.empty() && args.start.empty()) {
    auto sources = LoadSeeds(seeds);
    if (!sources) {
      std::fprintf(stderr, "adwatch crawl: %s\n", sources.error().message().c_str());
      return kExitFailure;
    }
    opts.sources = std::move(sources.value());
  }
  if (!args.start.empty()) {
    auto url = crawler::CanonicalUrl(args.start);
    if (!url) {
      std::fprintf(stderr, "adwatch crawl: --start: %s\n", url.error().message().c_str());
      return kExitUsage;
    }
    crawler::SourceConfig s;
    s.name = "start";
    s.start_urls = {*url};  // scope: its host, no depth limit
    opts.sources = {s};
  }
  if (opts.sources.empty()) {
    std::fprintf(stderr,
                 "adwatch crawl: nothing to crawl: give --seeds FILE, --start URL, or crawl.seeds "
                 "in the config\n");
    return kExitUsage;
  }
  if (args.host_connections > 0) {
    opts.default_host_connections = args.host_connections;
    for (auto& s : opts.sources) s.host_connections = 0;
  }
  if (args.host_delay_ms >= 0) {
    opts.default_host_delay_ms = args.host_delay_ms;
    for (auto& s : opts.sources) s.host_delay_ms = -1;
  }
  if (args.max_pages > 0) opts.max_pages = args.max_pages;
  if (!args.duration.empty()) {
    auto d = ParseDurationMs(args.duration);
    if (!d) {
      std::fprintf(stderr, "adwatch crawl: --for: %s\n", d.error().message().c_str());
      return kExitUsage;
    }
    opts.max_duration_ms = *d;
  }
  opts.follow = args.follow;
  if (!args.frontier.empty()) return RunWorker(args, setup, *config);
  auto store = OpenStore(ctx, args.db, storage::AccessMode::kReadWrite, "crawl");
  if (!store) return kExitFailure;
  auto classifier = LoadClassifier(*config);
  if (!classifier) {
    std::fprintf(stderr, "adwatch crawl: %s\n", classifier.error().message().c_str());
    return kExitFailure;
  }
  const bool terminal = isatty(STDERR_FILENO) != 0;
  auto stats = RunCrawlWithSignals(setup, **classifier, *store, "crawl",
                                   terminal && !args.json ? PrintProgress : nullptr);
  if (terminal && !args.json) std::fputs("\n", stderr);
  if (!stats) {
    std::fprintf(stderr, "adwatch crawl: %s\n", stats.error().ToString().c_str());
    return kExitFailure;
  }
  PrintSummary(*stats, args.json);
  return kExitOk;
}

struct CheckArgs {
  std::string url;
  std::string db;
  bool json = false;
  std::string lang;
};

// Prints why `shown` was not checked (text or JSON) and returns kExitFailure. `redirects` are the
// hops that led there, as recorded in the frontier. `why_names_url`: the reason quotes the URL
// already, so the text line does not repeat it.
int NotChecked(const std::string& shown, const std::string& why, const nlohmann::json& redirects,
               bool json, bool why_names_url = false) {
  if (json) {
    nlohmann::json out{{"url", shown}, {"fetched", false}, {"reason", why}};
    if (!redirects.empty()) out["redirects"] = redirects;
    std::printf("%s\n", out.dump().c_str());
  } else if (why_names_url) {
    std::printf("adwatch check: not checked: %s\n", why.c_str());
  } else {
    std::printf("adwatch check: %s was not checked: %s\n", shown.c_str(), why.c_str());
    for (size_t i = 0; i < redirects.size(); ++i) {
      const auto& h = redirects[i];
      std::printf("  redirect %zu: %s answered %d from %s → %s\n", i + 1,
                  h["url"].get<std::string>().c_str(), h["status"].get<int>(),
                  h["ip"].get<std::string>().c_str(), h["to"].get<std::string>().c_str());
    }
  }
  return kExitFailure;
}

int RunCheck(const CheckArgs& args, AppContext& ctx) {
  const Config* config = ctx.config();
  if (!config) return kExitFailure;
  // A URL from outside: refused in words (too long, a control character, not http(s), userinfo,
  // a private address literal, a port that is not allowed) before anything is opened or fetched.
  if (Status s = crawler::CheckOutsideUrl(args.url, crawler::OutsidePolicy(config->crawl.fetcher));
      !s.ok()) {
    return NotChecked(EscapeControl(args.url, 200), "blocked: " + s.message(),
                      nlohmann::json::array(), args.json,
                      /*why_names_url=*/true);
  }
  auto url = crawler::CanonicalUrl(args.url);
  if (!url) {
    std::fprintf(stderr, "adwatch check: %s\n", url.error().message().c_str());
    return kExitUsage;
  }
  auto store = OpenStore(ctx, args.db, storage::AccessMode::kReadWrite, "check");
  if (!store) return kExitFailure;
  auto classifier = LoadClassifier(*config);
  if (!classifier) {
    std::fprintf(stderr, "adwatch check: %s\n", classifier.error().message().c_str());
    return kExitFailure;
  }
  CrawlSetup setup;
  setup.crawl = config->crawl;
  setup.crawl.crawler.sources.clear();
  setup.crawl.crawler.max_pages = 1;
  setup.crawl.crawler.max_retries = 1;
  setup.submission = *url;
  std::vector<ProcessedPage> pages;
  setup.on_page = [&](const ProcessedPage& p) { pages.push_back(p); };
  auto stats = RunCrawlWithSignals(setup, **classifier, *store, "submission", nullptr);
  if (!stats) {
    std::fprintf(stderr, "adwatch check: %s\n", stats.error().ToString().c_str());
    return kExitFailure;
  }
  const classifier::Lang lang = args.lang.empty()   ? config->lang
                                : args.lang == "en" ? classifier::Lang::kEn
                                                    : classifier::Lang::kId;
  if (pages.empty()) {
    // Why nothing came back: the URL's own outcome, or the last hop's of its redirect chain.
    SystemClock clock;
    crawler::LocalFrontier frontier(*store, clock);
    std::string where = *url, why = "not fetched";
    nlohmann::json redirects = nlohmann::json::array();
    for (int hop = 0; hop < 7; ++hop) {
      auto rec = frontier.Lookup(where);
      if (!rec) break;
      why = std::string(crawler::Name(rec->outcome)) +
            (rec->reason.empty() ? "" : ": " + EscapeControl(rec->reason));
      if (rec->outcome != crawler::Outcome::kRedirected || rec->redirect_to.empty()) break;
      redirects.push_back({{"url", EscapeControl(where, 300)},
                           {"status", rec->http_status},
                           {"ip", rec->remote_ip},
                           {"to", EscapeControl(rec->redirect_to, 300)}});
      where = rec->redirect_to;
    }
    return NotChecked(EscapeControl(*url, 300), why, redirects, args.json);
  }
  const ProcessedPage& p = pages.front();
  if (p.ads.empty()) {
    if (args.json) {
      std::printf("%s\n", nlohmann::json{{"url", EscapeControl(*url)},
                                         {"fetched", true},
                                         {"ads", nlohmann::json::array()}}
                              .dump()
                              .c_str());
    } else {
      std::printf("adwatch check: %s: fetched, but no text to judge was found on the page\n",
                  EscapeControl(*url, 300).c_str());
    }
    return kExitOk;
  }
  for (size_t i = 0; i < p.ads.size() && i < p.page.candidates.size(); ++i) {
    const auto& [ad_id, verdict] = p.ads[i];
    const AdCandidate& ad = p.page.candidates[i];
    if (args.json) {
      std::printf("%s\n", classifier::VerdictJson(verdict, ad, ad_id, lang).c_str());
    } else {
      std::printf("== %s  (ad %s)\n", EscapeControl(ad.url, 300).c_str(), ad_id.c_str());
      std::fputs(classifier::ExplainText(verdict, ad, lang, StdoutIsTerminal()).c_str(), stdout);
      // Other ads that share this ad's contacts: the recruiter behind several ads.
      for (const Contact& c : verdict.entities.contacts) {
        auto others = store->AdsWithContact(storage::ContactTerm(c));
        if (!others || others->size() <= 1) continue;
        std::printf(lang == classifier::Lang::kEn
                        ? "  %s %s also appears in %zu other stored ad(s)\n"
                        : "  %s %s juga muncul di %zu iklan lain yang tersimpan\n",
                    std::string(Name(c.kind)).c_str(), EscapeControl(c.value, 200).c_str(),
                    others->size() - 1);
      }
      std::printf("\n");
    }
  }
  return kExitOk;
}

}  // namespace

void AddCrawlCommands(CLI::App& app, AppContext& ctx) {
  auto args = std::make_shared<CrawlArgs>();
  CLI::App* crawl = app.add_subcommand(
      "crawl",
      "Crawl the sources of seeds.yaml (or one site from --start), politely: robots.txt, one\n"
      "connection and a second between requests per host by default, Retry-After honoured.\n"
      "Every fetched page goes through extract → classify → store. SIGINT/SIGTERM stop cleanly;\n"
      "run again and it resumes where it stopped. Ends when no work is left (or, with --follow,\n"
      "waits for revisits).");
  crawl->add_option("--seeds", args->seeds, "Sources file (default: crawl.seeds from the config)");
  crawl->add_option("--start", args->start,
                    "Crawl one site from this URL (scope: its host, no depth limit)");
  AddDbOption(*crawl, args->db);
  crawl->add_option("--max-pages", args->max_pages, "Stop after this many pages");
  crawl->add_option("--for", args->duration, "Stop after this long (90s, 30m, 6h, 1d)");
  crawl->add_flag("--follow", args->follow,
                  "When no work is left, wait for revisits instead of exiting");
  crawl->add_flag("--json", args->json, "Print the summary as JSON (no progress line)");
  crawl
      ->add_option("--host-connections", args->host_connections,
                   "Connections per host (overrides config and seeds)")
      ->check(CLI::Range(1, 256));
  crawl
      ->add_option("--host-delay", args->host_delay_ms,
                   "Milliseconds between requests to a host (overrides config and seeds)")
      ->check(CLI::Range(int64_t{0}, int64_t{3'600'000}));
  crawl->add_option(
      "--frontier", args->frontier,
      "Run as a worker sharing a Redis frontier (redis://HOST:PORT/DB): pages go to\n"
      "its results stream for `adwatch ingest`; the store is not opened (docs/distributed.md)");
  crawl->add_option("--lease", args->lease,
                    "With --frontier: how long a claimed URL stays this worker's before it is\n"
                    "handed out again (default: 2m, or twice the fetch timeout)");
  crawl->callback([args, &ctx] { ctx.action = [args, &ctx] { return RunCrawl(*args, ctx); }; });

  auto check_args = std::make_shared<CheckArgs>();
  CLI::App* check = app.add_subcommand(
      "check",
      "Fetch one page now (robots.txt and the private-address guard apply, as for any URL from\n"
      "outside), run it through the pipeline, store it and print the verdict with its reasons.");
  check->add_option("url", check_args->url, "The page to check")->required();
  AddDbOption(*check, check_args->db);
  check->add_flag("--json", check_args->json, "Print JSON verdicts (docs/verdict.md)");
  check->add_option("--lang", check_args->lang, "Language of the reasons: id or en")
      ->check(CLI::IsMember({"id", "en"}));
  check->callback([check_args, &ctx] {
    ctx.action = [check_args, &ctx] { return RunCheck(*check_args, ctx); };
  });
}

}  // namespace adwatch::app
