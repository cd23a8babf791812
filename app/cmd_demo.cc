// adwatch demo: the whole job on one machine with no internet. Serves examples/site/ (a made-up
// job board, a Telegram-style channel, classifieds, a news report and an awareness post) on
// 127.0.0.1 from inside the process, crawls it with the real crawler, stores what it finds and
// prints the flagged ads ranked by risk with their reasons.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include "adwatch/api/tokens.h"
#include "adwatch/common/clock.h"
#include "adwatch/common/names.h"
#include "adwatch/http/static_site_server.h"
#include "adwatch/storage/store.h"
#include "cli.h"
#include "crawl_run.h"
#include "services.h"

namespace adwatch::app {
namespace {

namespace fs = std::filesystem;

struct DemoArgs {
  std::string site = std::string(ADWATCH_EXAMPLES_DIR) + "/site";
  std::string db;
  std::string lang;
  bool serve = false;
  std::string listen = "127.0.0.1:8080";
};

// Cuts `s` to at most `n` bytes on a UTF-8 boundary and flattens whitespace.
std::string Clip(std::string s, size_t n) {
  for (char& c : s) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  if (s.size() <= n) return s;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "…";
}

int Run(const DemoArgs& args, AppContext& ctx) {
  const Config* config = ctx.config();
  if (!config) return kExitFailure;
  const bool en = args.lang == "en" || (args.lang.empty() && config->lang == classifier::Lang::kEn);

  // 1. The site, served from inside this process.
  http::StaticSiteOptions site;
  site.root = args.site;
  auto server = http::StaticSiteServer::Start(site);
  if (!server) {
    std::fprintf(stderr, "adwatch demo: serving %s: %s\n", args.site.c_str(),
                 server.error().ToString().c_str());
    return kExitFailure;
  }
  const std::string base = (*server)->base_url();

  // 2. A fresh database unless one is named.
  std::string db = args.db;
  if (db.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "adwatch-demo-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::fprintf(stderr, "adwatch demo: cannot create a temporary folder\n");
      return kExitFailure;
    }
    db = tmpl + "/db";
  }
  auto store = OpenStore(ctx, db, storage::AccessMode::kReadWrite, "demo");
  if (!store) return kExitFailure;
  auto classifier = LoadClassifier(*config);
  if (!classifier) {
    std::fprintf(stderr, "adwatch demo: %s\n", classifier.error().message().c_str());
    return kExitFailure;
  }
  std::printf("adwatch demo: serving %s at %s\n", args.site.c_str(), base.c_str());

  // 3. Crawl it: robots.txt, the sitemap, listings, detail pages, the channel and its older page.
  CrawlSetup setup;
  setup.crawl = config->crawl;
  crawler::SourceConfig source;
  source.name = "loker-nusantara";
  source.kind = SourceKind::kJobBoard;
  source.start_urls = {base + "/"};
  // Which pages hold ads, as a seeds.yaml would say: detail pages and the channel; the home
  // page, section indexes and paginated listings only yield links.
  source.ad_page_pattern =
      R"(/(lowongan|iklan-baris|berita/\d+|waspada)/[^/]+\.html$|/s/[A-Za-z0-9_]+)";
  source.listing_pattern = R"(/lowongan/halaman-\d+\.html$)";
  source.host_connections = 2;  // our own server: a little faster than the polite default
  source.host_delay_ms = 50;
  setup.crawl.crawler.sources = {source};
  // Ad images are fetched through the address guard (docs/posters.md); the demo's own loopback
  // server is the one private address they may reach.
  setup.crawl.fetcher.allowed_private_ranges.push_back("127.0.0.1/32");
  auto stats = RunCrawlWithSignals(setup, **classifier, *store, "crawl", nullptr);
  if (!stats) {
    std::fprintf(stderr, "adwatch demo: %s\n", stats.error().ToString().c_str());
    return kExitFailure;
  }
  std::printf(
      "crawled %lld pages (%lld requests incl. robots.txt and sitemap) in %.1fs; %lld ads stored, "
      "%lld flagged\n",
      static_cast<long long>(stats->pages), static_cast<long long>(stats->requests),
      stats->elapsed_ms / 1000.0, static_cast<long long>(stats->ads),
      static_cast<long long>(stats->flagged));
  std::string outcomes;
  for (const auto& [k, v] : stats->outcomes) outcomes += " " + k + "=" + std::to_string(v);
  std::printf("outcomes:%s\n", outcomes.c_str());
  int denied = 0;
  for (const auto& r : (*server)->requests()) denied += r.target.rfind("/internal", 0) == 0;
  std::printf("robots.txt: /internal/ disallowed, requests made there: %d\n\n", denied);

  // 4. Every stored ad, ranked by risk.
  std::vector<AdRecord> ads;
  Status s = store->ForEachAd("", "", [&](const AdRecord& r) {
    ads.push_back(r);
    return true;
  });
  if (!s.ok()) {
    std::fprintf(stderr, "adwatch demo: %s\n", s.ToString().c_str());
    return kExitFailure;
  }
  std::stable_sort(ads.begin(), ads.end(), [](const AdRecord& a, const AdRecord& b) {
    return a.verdict.score > b.verdict.score;
  });
  std::printf("%-5s %-6s %-14s %-10s %s\n", en ? "score" : "skor", "level",
              en ? "reads as" : "jenis", "ad",
              en ? "page / post — top reasons" : "halaman / posting — alasan utama");
  for (const AdRecord& r : ads) {
    std::string reasons;
    int n = 0;
    for (const Hit& h : r.verdict.hits) {
      if (h.weight <= 0 || n == 3) continue;
      reasons += (reasons.empty() ? "" : "; ") + (en ? h.describe_en : h.describe_id);
      ++n;
    }
    std::string where = r.ad.url;
    if (where.rfind(base, 0) == 0) where = where.substr(base.size());
    std::printf(
        "%5d %-6s %-14s %-10s %s\n", r.verdict.score, std::string(Name(r.verdict.level)).c_str(),
        std::string(Name(r.verdict.kind)).c_str(), r.ad_id.substr(0, 10).c_str(), where.c_str());
    if (!reasons.empty()) std::printf("%39s%s\n", "", Clip(reasons, 160).c_str());
  }
  std::printf(
      "\nThe database is %s. Look closer with:\n"
      "  adwatch review list --db %s --day %s\n"
      "  adwatch review show --db %s AD_ID\n",
      db.c_str(), db.c_str(), store->DayOf(stats->started_ms).c_str(), db.c_str());

  // 5. The day's digest for every subscription (a national one when none is configured), in a
  // folder next to the database.
  const std::string digests = (fs::path(db).parent_path() / "digest").string();
  std::printf("\nThe digest of the day (open the .html in a browser):\n");
  const int code =
      WriteDigests(ctx, *store, store->DayOf(stats->started_ms), "", digests, /*mail=*/false);

  // 6. The service over this database: what police and NGOs reach from their own desks.
  std::printf(
      "\nServe this database to police and NGOs (docs/api.md, docs/operations.md):\n"
      "  adwatch serve --db %s --no-crawl --listen 127.0.0.1:8080 &\n"
      "  TOKEN=$(adwatch token create --db %s --org polda-demo --role police)\n"
      "  curl -H \"Authorization: Bearer $TOKEN\" 'http://127.0.0.1:8080/v1/ads?day=%s'\n"
      "and open http://127.0.0.1:8080/healthz in a browser to see it answer.\n",
      db.c_str(), db.c_str(), store->DayOf(stats->started_ms).c_str());
  if (!args.serve) return code;

  // 7. --serve: the pages over this database on loopback, with a token for each role.
  SystemClock clock;
  std::string taskforce_region = "id.kepri";
  std::map<std::string, int> region_counts;
  for (const AdRecord& r : ads) {
    for (const std::string& reg : r.regions) ++region_counts[reg];
  }
  int best = 0;
  for (const auto& [reg, n] : region_counts) {
    if (n > best) best = n, taskforce_region = reg;
  }
  struct Want {
    const char* what;
    api::TokenSpec spec;
  };
  const std::vector<Want> wants = {
      {"police", {"polda-demo", Role::kPolice, {}, "Analis Polda (demo)", 0}},
      {"NGO", {"yayasan-demo", Role::kNgo, {}, "Pendamping Yayasan (demo)", 0}},
      {"task force",
       {"gugus-demo", Role::kTaskforce, {taskforce_region}, "Sekretaris Gugus Tugas (demo)", 0}},
  };
  std::vector<std::pair<std::string, std::string>> tokens;
  for (const Want& w : wants) {
    auto t = api::CreateToken(*store, w.spec, clock);
    if (!t) {
      std::fprintf(stderr, "adwatch demo: token: %s\n", t.error().ToString().c_str());
      return kExitFailure;
    }
    tokens.emplace_back(w.what, t->text);
  }
  store.reset();
  (*server).reset();  // the sample site is no longer needed
  ServeArgs serve;
  serve.db = db;
  serve.listen = args.listen;
  serve.no_crawl = true;
  serve.digest_dir = digests;
  serve.on_listening = [tokens, taskforce_region](const std::string& pages_url) {
    std::printf(
        "\nThe pages are at %s/login (Ctrl-C stops). Sign in by pasting one of these tokens:\n",
        pages_url.c_str());
    for (const auto& [what, text] : tokens) {
      std::printf("  %-11s %s%s\n", what.c_str(), text.c_str(),
                  what == "task force" ? ("  (region " + taskforce_region + ")").c_str() : "");
    }
    std::fflush(stdout);
  };
  return RunServe(serve, ctx);
}

}  // namespace

void AddDemoCommand(CLI::App& app, AppContext& ctx) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* cmd = app.add_subcommand(
      "demo",
      "Show adwatch at work with no internet: serve the bundled sample site (examples/site)\n"
      "on 127.0.0.1, crawl it with the real crawler, classify and store every ad, and print\n"
      "them ranked by risk with their reasons.");
  cmd->add_option("--site", args->site, "Folder to serve");
  AddDbOption(*cmd, args->db)->description("Database folder (default: a new temporary folder)");
  cmd->add_option("--lang", args->lang, "Language of the reasons: id or en")
      ->check(CLI::IsMember({"id", "en"}));
  cmd->add_flag(
      "--serve", args->serve,
      "Afterwards serve the demo database's pages on loopback and print a police, an NGO\n"
      "and a task-force token to sign in with; Ctrl-C stops");
  cmd->add_option("--listen", args->listen, "host:port for --serve (default 127.0.0.1:8080)");
  cmd->callback([args, &ctx] { ctx.action = [args, &ctx] { return Run(*args, ctx); }; });
}

}  // namespace adwatch::app
