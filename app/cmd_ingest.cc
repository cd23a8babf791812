// The Redis mode's commands besides `crawl --frontier` (docs/distributed.md):
//   adwatch ingest --frontier redis://… --db DB       the one process that writes the store
//   adwatch frontier export --db DB > frontier.jsonl  an embedded crawl's seen-set and queue…
//   adwatch frontier import --frontier redis://… < frontier.jsonl   …moved into Redis
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "adwatch/common/clock.h"
#include "adwatch/common/json.h"
#include "adwatch/crawler/local_frontier.h"
#include "adwatch/crawler/url.h"
#include "adwatch/frontier_redis/redis_address.h"
#include "adwatch/frontier_redis/redis_frontier.h"
#include "cli.h"
#include "ingest.h"

namespace adwatch::app {
namespace {

struct IngestArgs {
  std::string frontier;
  std::string db;
  std::string consumer = "ingest";
  bool until_done = false;
  bool json = false;
};

int RunIngest(const IngestArgs& args, AppContext& ctx) {
  auto address = frontier_redis::ParseRedisUrl(args.frontier);
  if (!address) {
    std::fprintf(stderr, "adwatch ingest: --frontier: %s\n", address.error().message().c_str());
    return kExitUsage;
  }
  // SIGINT/SIGTERM end the loop after the batch in hand (it is stored and acknowledged first).
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, &old);
  const Config* config = ctx.config();
  if (!config) return kExitFailure;
  storage::StoreOptions options = config->storage;
  if (!args.db.empty()) options.path = args.db;
  // The WAL is synced once per batch before the batch is acknowledged (Ingest::Step), so a write
  // lost with the machine is read again from Redis: no fsync per page needed.
  options.sync = storage::SyncPolicy::kInterval;
  static SystemClock store_clock;
  auto opened = storage::Store::Open(options, store_clock);
  if (!opened) {
    std::fprintf(stderr, "adwatch ingest: %s\n", opened.error().ToString().c_str());
    return kExitFailure;
  }
  std::unique_ptr<storage::Store> store = std::move(*opened);
  if (Status w = WatchStoreWrites(*config, *store, store_clock); !w.ok()) {
    std::fprintf(stderr, "adwatch ingest: %s\n", w.ToString().c_str());
    return kExitFailure;
  }
  auto ingest = Ingest::Create(*address, *store, args.consumer);
  if (!ingest) {
    std::fprintf(stderr, "adwatch ingest: %s\n", ingest.error().ToString().c_str());
    return kExitFailure;
  }
  std::atomic<bool> stop{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&set, &sig);
    stop.store(true);
  });
  const bool terminal = isatty(STDERR_FILENO) != 0 && !args.json;
  SystemClock clock;
  const int64_t started = clock.NowMs();
  Status s = (*ingest)->Run(stop, args.until_done, [&](const IngestStats& st) {
    if (terminal) {
      std::fprintf(stderr, "\r\x1b[2K%6.0fs  entries %lld  pages %lld  ads %lld  dead %lld",
                   (clock.NowMs() - started) / 1000.0, static_cast<long long>(st.entries),
                   static_cast<long long>(st.pages), static_cast<long long>(st.ads),
                   static_cast<long long>(st.dead));
    }
  });
  if (terminal) std::fputs("\n", stderr);
  // Wake the signal thread if no signal came.
  if (!stop.exchange(true)) pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  const IngestStats& st = (*ingest)->stats();
  if (!s.ok()) {
    std::fprintf(stderr, "adwatch ingest: %s\n", s.ToString().c_str());
    return kExitFailure;
  }
  if (args.json) {
    std::printf(
        "%s\n",
        nlohmann::json{
            {"entries", st.entries}, {"pages", st.pages}, {"ads", st.ads}, {"dead", st.dead}}
            .dump()
            .c_str());
  } else {
    std::printf("adwatch ingest: %lld results stored: %lld pages, %lld ads; %lld did not decode\n",
                static_cast<long long>(st.entries), static_cast<long long>(st.pages),
                static_cast<long long>(st.ads), static_cast<long long>(st.dead));
  }
  return kExitOk;
}

int RunExport(const std::string& db, AppContext& ctx) {
  auto store = OpenStore(ctx, db, storage::AccessMode::kReadOnly, "frontier export");
  if (!store) return kExitFailure;
  SystemClock clock;
  crawler::LocalFrontier frontier(*store, clock);
  int64_t seen = 0, queued = 0;
  Status s = frontier.Export(
      [&](const std::string& url) {
        std::cout << nlohmann::json{{"seen", url}}.dump() << '\n';
        ++seen;
        return Status::OK();
      },
      [&](const FetchTask& task) {
        std::cout << nlohmann::json{{"task", task}}.dump(-1, ' ', false,
                                                         nlohmann::json::error_handler_t::replace)
                  << '\n';
        ++queued;
        return Status::OK();
      });
  std::cout.flush();
  if (!s.ok()) {
    std::fprintf(stderr, "adwatch frontier export: %s\n", s.ToString().c_str());
    return kExitFailure;
  }
  std::fprintf(stderr, "adwatch frontier export: %lld seen URLs, %lld queued tasks\n",
               static_cast<long long>(seen), static_cast<long long>(queued));
  return kExitOk;
}

int RunImport(const std::string& url) {
  auto address = frontier_redis::ParseRedisUrl(url);
  if (!address) {
    std::fprintf(stderr, "adwatch frontier import: --frontier: %s\n",
                 address.error().message().c_str());
    return kExitUsage;
  }
  frontier_redis::RedisFrontierOptions o;
  o.address = *address;
  SystemClock clock;
  auto frontier = frontier_redis::RedisFrontier::Connect(o, clock);
  if (!frontier) {
    std::fprintf(stderr, "adwatch frontier import: %s\n", frontier.error().ToString().c_str());
    return kExitFailure;
  }
  std::vector<std::string> seen;
  std::vector<FetchTask> tasks;
  int64_t seen_new = 0, queued = 0, lines = 0;
  auto flush = [&]() -> Status {
    auto n = (*frontier)->AddSeen(seen);
    if (!n) return n.error();
    seen_new += *n;
    seen.clear();
    auto q = (*frontier)->Add(tasks, crawler::AddMode::kIfNew);
    if (!q) return q.error();
    queued += *q;
    tasks.clear();
    return Status::OK();
  };
  std::string line;
  while (std::getline(std::cin, line)) {
    ++lines;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    auto bad = [&](const std::string& why) {
      std::fprintf(
          stderr, "adwatch frontier import: line %lld: %s (nothing after line %lld was imported)\n",
          static_cast<long long>(lines), why.c_str(), static_cast<long long>(lines - 1));
      return kExitFailure;
    };
    if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
    std::string u;
    if (auto it = j.find("seen"); it != j.end() && it->is_string()) {
      u = it->get<std::string>();
      auto canonical = crawler::CanonicalUrl(u);
      if (!canonical) return bad(canonical.error().message());
      seen.push_back(*canonical);
    } else if (auto t = j.find("task"); t != j.end() && t->is_object()) {
      FetchTask task;
      try {
        task = t->get<FetchTask>();
      } catch (const nlohmann::json::exception& e) {
        return bad(std::string("task: ") + e.what());
      }
      auto canonical = crawler::CanonicalUrl(task.url);
      if (!canonical) return bad(canonical.error().message());
      task.url = *canonical;
      tasks.push_back(std::move(task));
    } else {
      return bad("expected {\"seen\": URL} or {\"task\": {...}}");
    }
    if (seen.size() + tasks.size() >= 5000) {
      if (Status s = flush(); !s.ok()) return bad(s.ToString());
    }
  }
  if (Status s = flush(); !s.ok()) {
    std::fprintf(stderr, "adwatch frontier import: %s\n", s.ToString().c_str());
    return kExitFailure;
  }
  std::printf("adwatch frontier import: %lld URLs added to the seen-set, %lld tasks queued\n",
              static_cast<long long>(seen_new), static_cast<long long>(queued));
  return kExitOk;
}

}  // namespace

void AddIngestCommands(CLI::App& app, AppContext& ctx) {
  auto args = std::make_shared<IngestArgs>();
  CLI::App* ingest = app.add_subcommand(
      "ingest",
      "Store what crawl workers (`adwatch crawl --frontier …`) send: the one process of the\n"
      "Redis mode that writes the store. Each result is acknowledged only once it is durable; a\n"
      "killed ingest resumes from the unacknowledged ones. SIGINT/SIGTERM stop it.");
  ingest->add_option("--frontier", args->frontier, "The Redis frontier: redis://HOST:PORT/DB")
      ->required();
  AddDbOption(*ingest, args->db);
  ingest->add_option("--consumer", args->consumer, "Name in the results group (default ingest)");
  ingest->add_flag("--until-done", args->until_done,
                   "Exit once the crawl is over: nothing queued, leased or left to store");
  ingest->add_flag("--json", args->json, "Print the summary as JSON");
  ingest->callback([args, &ctx] { ctx.action = [args, &ctx] { return RunIngest(*args, ctx); }; });

  CLI::App* frontier = app.add_subcommand(
      "frontier", "Move an embedded crawl's frontier into Redis (docs/distributed.md)");
  frontier->require_subcommand(1);
  auto db = std::make_shared<std::string>();
  CLI::App* exp = frontier->add_subcommand(
      "export", "Print the seen-set and queued tasks of the store's frontier as JSON lines");
  AddDbOption(*exp, *db);
  exp->callback([db, &ctx] { ctx.action = [db, &ctx] { return RunExport(*db, ctx); }; });
  auto url = std::make_shared<std::string>();
  CLI::App* imp = frontier->add_subcommand(
      "import", "Add `frontier export` lines from standard input to a Redis frontier");
  imp->add_option("--frontier", *url, "The Redis frontier: redis://HOST:PORT/DB")->required();
  imp->callback([url, &ctx] { ctx.action = [url] { return RunImport(*url); }; });
}

}  // namespace adwatch::app
