// adwatch serve: one long-running process over one database — the crawl (as `crawl --follow`),
// the HTTP API for NGOs, police and task forces, the submission worker, the digest schedule, and
// the admin socket through which the operator's writing commands reach it. SIGTERM or SIGINT
// stops it cleanly: the API stops accepting and lets requests in flight finish (later ones get
// 503), the crawl saves its state, queued submissions stay queued; started again, it resumes.
// docs/operations.md.
#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include "admin.h"
#include "adwatch/api/api.h"
#include "adwatch/api/metrics.h"
#include "adwatch/api/rate_limit.h"
#include "adwatch/common/names.h"
#include "adwatch/crawler/outside_url.h"
#include "adwatch/crawler/url.h"
#include "adwatch/frontier_redis/redis_address.h"
#include "adwatch/http/server.h"
#include "adwatch/storage/store.h"
#include "adwatch/web/web.h"
#include "alerts_delivery.h"
#include "cli.h"
#include "crawl_run.h"
#include "digest_schedule.h"
#include "ingest.h"
#include "services.h"
#include "submissions.h"

namespace adwatch::app {
namespace {

constexpr std::chrono::seconds kStopGrace{10};

api::ApiRequest ToApi(const http::Request& r) {
  api::ApiRequest a;
  a.method = r.method;
  a.target = r.target;
  a.authorization = std::string(r.Header("Authorization"));
  a.accept_language = std::string(r.Header("Accept-Language"));
  a.content_type = std::string(r.Header("Content-Type"));
  a.body = r.body;
  a.peer_address = r.peer_address;
  return a;
}

http::Response ToHttp(api::ApiResponse a) {
  http::Response r;
  r.status = a.status;
  r.headers.push_back({"Content-Type", a.content_type});
  r.headers.push_back({"Cache-Control", "no-store"});
  r.headers.push_back({"X-Content-Type-Options", "nosniff"});
  for (auto& [k, v] : a.headers) r.headers.push_back({std::move(k), std::move(v)});
  r.body = std::move(a.body);
  return r;
}

web::WebRequest ToWeb(const http::Request& r) {
  web::WebRequest w;
  w.method = r.method;
  w.target = r.target;
  w.cookie = std::string(r.Header("Cookie"));
  w.origin = std::string(r.Header("Origin"));
  w.host = std::string(r.Header("Host"));
  w.content_type = std::string(r.Header("Content-Type"));
  w.accept_language = std::string(r.Header("Accept-Language"));
  w.body = r.body;
  w.peer_address = r.peer_address;
  w.tls = r.tls;
  return w;
}

http::Response ToHttp(web::WebResponse w) {
  http::Response r;
  r.status = w.status;
  r.headers.push_back({"Content-Type", w.content_type});
  for (auto& [k, v] : w.headers) r.headers.push_back({std::move(k), std::move(v)});
  r.body = std::move(w.body);
  return r;
}

void RecordCrawl(api::Metrics& m, const crawler::CrawlStats& s) {
  for (const auto& [outcome, n] : s.outcomes) {
    m.CountTo("adwatch_crawl_urls_total", "URLs the crawl finished, by outcome",
              {{"outcome", outcome}}, static_cast<double>(n));
  }
  m.CountTo("adwatch_crawl_pages_total", "Pages fetched and processed", {},
            static_cast<double>(s.pages));
  m.CountTo("adwatch_crawl_requests_total", "HTTP requests the crawl sent", {},
            static_cast<double>(s.requests));
  m.Set("adwatch_fetch_queue", "URLs waiting in the crawl frontier", {},
        static_cast<double>(s.queued));
  m.Set("adwatch_fetch_in_flight", "Fetches in flight", {}, static_cast<double>(s.in_flight));
}

}  // namespace

int RunServe(const ServeArgs& args, AppContext& ctx) {
  const Config* config = ctx.config();
  if (!config) return kExitFailure;
  // A service's log is read while it runs (journald, a file): write each line out at once.
  spdlog::flush_on(spdlog::level::info);
  ApiConfig api_cfg = config->api;
  if (!args.listen.empty()) api_cfg.listen = args.listen;
  std::string host;
  uint16_t port = 0;
  if (Status s = SplitListen(api_cfg.listen, host, port); !s.ok()) {
    std::fprintf(stderr, "adwatch serve: --listen: %s\n", s.message().c_str());
    return kExitUsage;
  }
  const bool tls = !api_cfg.tls_cert.empty();
  if (!http::IsLoopbackAddress(host) && !tls && !api_cfg.allow_plain_http) {
    std::fprintf(
        stderr,
        "adwatch serve: refusing to listen on %s without TLS: tokens would cross the "
        "network in clear text. Set api.tls_cert and api.tls_key, or api.allow_plain_http: "
        "true when a reverse proxy in front terminates TLS.\n",
        api_cfg.listen.c_str());
    return kExitUsage;
  }
  for (const auto& s : config->digest.subscriptions) {
    if (!s.send_at.empty() && config->digest.out_dir.empty()) {
      std::fprintf(stderr,
                   "adwatch serve: subscription '%s' has send_at but digest.out_dir is not set\n",
                   s.name.c_str());
      return kExitUsage;
    }
  }

  // The stop signals go to the main thread's sigwait only: block them before any thread starts.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto store = OpenStore(ctx, args.db, storage::AccessMode::kReadWrite, "serve");
  if (!store) return kExitFailure;
  auto classifier = LoadClassifier(*config);
  if (!classifier) {
    std::fprintf(stderr, "adwatch serve: %s\n", classifier.error().message().c_str());
    return kExitFailure;
  }
  CrawlConfig crawl_cfg = config->crawl;
  if (!crawl_cfg.seeds.empty() && !args.no_crawl) {
    auto sources = LoadSeeds(crawl_cfg.seeds);
    if (!sources) {
      std::fprintf(stderr, "adwatch serve: %s\n", sources.error().message().c_str());
      return kExitFailure;
    }
    crawl_cfg.crawler.sources = std::move(*sources);
  }
  crawl_cfg.crawler.follow = true;
  const bool crawl_enabled =
      !args.no_crawl && args.frontier.empty() && !crawl_cfg.crawler.sources.empty();
  std::optional<frontier_redis::RedisAddress> frontier_address;
  if (!args.frontier.empty()) {
    auto a = frontier_redis::ParseRedisUrl(args.frontier);
    if (!a) {
      std::fprintf(stderr, "adwatch serve: --frontier: %s\n", a.error().message().c_str());
      return kExitUsage;
    }
    frontier_address = *a;
  }
  AddSourcePatterns(crawl_cfg.crawler.sources, crawl_cfg.extract);
  auto extractor = extract::Extractor::Create(crawl_cfg.extract);
  if (!extractor) {
    std::fprintf(stderr, "adwatch serve: %s\n", extractor.error().ToString().c_str());
    return kExitFailure;
  }

  // One fetcher for the crawl and the submitted links.
  crawler::FetcherOptions fetch_opts = FetcherOptionsFor(crawl_cfg);
  for (const auto& r : api_cfg.submission_allow_ranges)
    fetch_opts.allowed_private_ranges.push_back(r);
  for (int p : api_cfg.submission_allow_ports) fetch_opts.allowed_outside_ports.push_back(p);
  for (const auto& r : api_cfg.submission_resolve) fetch_opts.resolve.push_back(r);
  auto fetcher = crawler::NewCurlFetcher(fetch_opts);
  if (!fetcher) {
    std::fprintf(stderr, "adwatch serve: %s\n", fetcher.error().ToString().c_str());
    return kExitFailure;
  }
  // The same policy the fetcher applies to guarded requests, to refuse early in words.
  const crawler::OutsideUrlPolicy url_policy = crawler::OutsidePolicy(fetch_opts);
  auto check_url = [url_policy](std::string_view url) {
    return crawler::CheckOutsideUrl(url, url_policy);
  };

  SystemClock clock;
  // Alerts raised by whatever stores ads are delivered while the service runs. Started before
  // anything else runs, so a missing webhook secret stops the service at once, in words.
  auto alert_delivery = DispatcherService::Start(*config, *store, clock);
  if (!alert_delivery) {
    std::fprintf(stderr, "adwatch serve: %s\n", alert_delivery.error().message().c_str());
    return kExitFailure;
  }
  api::Metrics metrics;
  api::Limits limits;
  SubmissionOptions sub_opts;
  sub_opts.fetches_in_flight = api_cfg.submission_fetches;
  sub_opts.queue_capacity = static_cast<size_t>(api_cfg.submission_queue);
  sub_opts.user_agent = crawl_cfg.crawler.user_agent;
  sub_opts.check_url = check_url;
  sub_opts.crawler_version = std::string("adwatch ") + ADWATCH_VERSION;
  // Submitted pages' ad images and uploaded images are read like the crawl's, with their own
  // OCR engine so an NGO's upload never waits behind the crawl's posters.
  ImageReader sub_images;
  if (crawl_cfg.images.enabled) {
    auto reader = MakeImageReader(crawl_cfg.images, **fetcher,
                                  crawl_cfg.crawler.default_host_delay_ms, *store);
    if (!reader) {
      std::fprintf(stderr, "adwatch serve: %s\n", reader.error().ToString().c_str());
      return kExitFailure;
    }
    sub_images = std::move(*reader);
    if (crawl_cfg.images.max_per_ad > 0) sub_opts.images = sub_images.stage.get();
    sub_opts.ocr = sub_images.ocr.get();
    sub_opts.decode = crawl_cfg.images.decode;
    api_cfg.options.max_image_bytes = crawl_cfg.images.decode.max_bytes;
    api_cfg.options.max_image_pixels = crawl_cfg.images.decode.max_pixels;
    api_cfg.options.max_image_side = crawl_cfg.images.decode.max_side;
  }
  SubmissionWorker submissions(sub_opts, **fetcher, *extractor, **classifier, *store, clock,
                               metrics);
  if (auto resumed = submissions.Resume(); !resumed) {
    spdlog::warn("could not resume pending submissions: {}", resumed.error().ToString());
  } else if (*resumed > 0) {
    spdlog::info("resumed {} submissions left pending by the last run", *resumed);
  }

  // The crawl, on its own thread.
  std::atomic<bool> crawl_alive{false};
  std::unique_ptr<CrawlRun> crawl;
  std::thread crawl_thread;
  Status crawl_error;
  std::atomic<bool> ingest_stop{false};  // the Redis mode's ingest loop (--frontier)
  if (crawl_enabled) {
    CrawlSetup setup;
    setup.crawl = crawl_cfg;
    setup.on_page = [&metrics](const ProcessedPage& page) {
      for (const auto& [id, verdict] : page.ads) {
        metrics.Count("adwatch_ads_stored_total", "Ads stored by this process, by level",
                      {{"level", std::string(Name(verdict.level))}});
      }
    };
    auto run = CrawlRun::Create(setup, **classifier, *store, "crawl", fetcher->get());
    if (!run) {
      std::fprintf(stderr, "adwatch serve: crawl: %s\n", run.error().ToString().c_str());
      return kExitFailure;
    }
    crawl = std::move(*run);
    crawl_alive.store(true);
    crawl_thread = std::thread([&] {
      auto stats =
          crawl->Run([&metrics](const crawler::CrawlStats& s) { RecordCrawl(metrics, s); });
      if (!stats) {
        crawl_error = stats.error();
        spdlog::error("the crawl stopped: {}", stats.error().ToString());
      } else {
        RecordCrawl(metrics, *stats);
      }
      crawl_alive.store(false);
    });
  } else if (frontier_address) {
    // The Redis mode: the workers crawl; this process is their one store writer.
    crawl_alive.store(true);
    crawl_thread = std::thread([&] {
      while (!ingest_stop.load()) {
        auto ingest = Ingest::Create(*frontier_address, *store);
        Status s = ingest ? (*ingest)->Run(ingest_stop, false) : ingest.error();
        if (s.ok()) break;
        spdlog::error("ingest from {}: {} (trying again in 5 s)",
                      frontier_redis::ToString(*frontier_address), s.ToString());
        for (int i = 0; i < 50 && !ingest_stop.load(); ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
      }
      crawl_alive.store(false);
    });
  } else {
    spdlog::info("no crawl: {}", args.no_crawl ? "--no-crawl" : "no sources (crawl.seeds)");
  }

  // The API.
  api::AuditBuffer audit(*store);
  api::Services services{*store, clock, submissions, limits, metrics, audit, api_cfg.options};
  services.check_url = check_url;
  services.health = [&] {
    api::Health h;
    h.store_ok = true;
    h.crawl_enabled = crawl_enabled || frontier_address.has_value();
    h.crawl_alive = crawl_alive.load();
    h.submissions_queued = submissions.pending();
    return h;
  };
  // The pages for people, beside the API (docs/web.md).
  web::WebOptions web_opts;
  // Secure cookies under our own TLS, and behind the TLS proxy that allow_plain_http stands for.
  web_opts.secure_cookies = tls || (api_cfg.allow_plain_http && !http::IsLoopbackAddress(host));
  web_opts.digest_dir = args.digest_dir.empty() ? config->digest.out_dir : args.digest_dir;
  for (const auto& sub : config->digest.subscriptions) {
    web_opts.feeds.push_back({sub.name, sub.title, sub.regions});
  }
  if (config->digest.subscriptions.empty()) web_opts.feeds.push_back({"nasional", "", {}});
  web::Sessions sessions(web_opts);
  web::WebServices web_services{services, sessions, web_opts};
  http::ServerOptions http_opts;
  http_opts.address = host;
  http_opts.port = port;
  http_opts.tls.certificate_file = api_cfg.tls_cert;
  http_opts.tls.private_key_file = api_cfg.tls_key;
  http_opts.worker_threads = api_cfg.handler_threads;
  http_opts.max_queued_requests = api_cfg.max_queued_requests;
  http_opts.max_connections = api_cfg.max_connections;
  http_opts.max_connections_per_ip = api_cfg.max_connections_per_ip;
  http_opts.request_timeout_ms = api_cfg.request_timeout_ms;
  http_opts.idle_timeout_ms = api_cfg.idle_timeout_ms;
  http_opts.max_target_bytes = api_cfg.options.max_url_bytes + 1024;
  http_opts.max_body_bytes = std::max(
      {api_cfg.options.max_text_body_bytes, api_cfg.options.max_json_body_bytes,
       api_cfg.options.max_image_bytes, web::PageBodyLimit(api_cfg.options, "POST", "/check")});
  http_opts.body_limit = [&api_cfg](const http::RequestHead& head) -> uint64_t {
    if (web::IsPagePath(head.target)) {
      return web::PageBodyLimit(api_cfg.options, head.method, head.target);
    }
    return api::BodyLimit(api_cfg.options, head.method, head.target);
  };
  auto server = http::Server::Start(http_opts, [&services, &web_services](const http::Request& r) {
    if (web::IsPagePath(r.target)) return ToHttp(web::HandlePage(ToWeb(r), web_services));
    return ToHttp(api::HandleRequest(ToApi(r), services));
  });
  if (!server) {
    std::fprintf(stderr, "adwatch serve: cannot listen on %s: %s\n", api_cfg.listen.c_str(),
                 server.error().ToString().c_str());
    if (crawl) crawl->Stop();
    ingest_stop.store(true);
    if (crawl_thread.joinable()) crawl_thread.join();
    return kExitFailure;
  }

  // The operator's writing commands, through the admin socket.
  std::map<std::string, AdminCommand> commands;
  for (const auto& [name, fn] : WritingCommands()) {
    commands[name] = [&, fn = fn](const nlohmann::json& a, const std::string& user,
                                  CommandOutput& out) {
      WriteContext w{ctx, *store, out, user, classifier->get()};
      return fn(w, a);
    };
  }
  const std::string socket_path = AdminSocketFor(ctx, store->options().path);
  auto admin = AdminServer::Start(socket_path, std::move(commands));
  if (!admin) {
    std::fprintf(stderr, "adwatch serve: admin socket: %s\n", admin.error().ToString().c_str());
    (*server)->Stop();
    if (crawl) crawl->Stop();
    ingest_stop.store(true);
    if (crawl_thread.joinable()) crawl_thread.join();
    return kExitFailure;
  }
  DigestSchedule schedule(ctx, *store, clock);

  spdlog::info("adwatch serve: API on {} ({}), admin socket {}, crawl {}, {} digest(s) scheduled",
               (*server)->base_url(), tls ? "TLS" : "plain HTTP", socket_path,
               crawl_enabled      ? "running"
               : frontier_address ? "in Redis (ingesting its results)"
                                  : "off",
               schedule.scheduled());
  std::printf("adwatch serve: listening on %s\n", (*server)->base_url().c_str());
  std::fflush(stdout);
  if (args.on_listening) args.on_listening((*server)->base_url());

  // Wait for SIGTERM/SIGINT, refreshing the server's own counters meanwhile.
  while (true) {
    timespec tick{1, 0};
    const int sig = sigtimedwait(&stop_signals, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) {
      spdlog::info("{}: stopping (requests in flight get {} s)",
                   sig == SIGINT ? "SIGINT" : "SIGTERM", kStopGrace.count());
      break;
    }
    const http::ServerStats st = (*server)->stats();
    metrics.Set("adwatch_http_connections_open", "HTTP connections open", {}, st.connections_open);
    metrics.CountTo("adwatch_http_rejected_total",
                    "Requests or connections refused by the HTTP layer",
                    {{"reason", "connection_cap"}},
                    static_cast<double>(st.rejected_connection_cap + st.rejected_ip_cap));
    metrics.CountTo("adwatch_http_rejected_total",
                    "Requests or connections refused by the HTTP layer", {{"reason", "limits"}},
                    static_cast<double>(st.rejected_body_too_large + st.rejected_target_too_long +
                                        st.rejected_header_too_large + st.rejected_bad_request));
    metrics.CountTo("adwatch_http_rejected_total",
                    "Requests or connections refused by the HTTP layer", {{"reason", "deadline"}},
                    static_cast<double>(st.rejected_deadline));
    metrics.CountTo("adwatch_http_rejected_total",
                    "Requests or connections refused by the HTTP layer", {{"reason", "busy"}},
                    static_cast<double>(st.rejected_queue_full));
    metrics.Set("adwatch_submissions_pending", "Submissions waiting or being worked on", {},
                static_cast<double>(submissions.pending()));
  }
  // Stop in order: no new requests (those in flight finish), then the crawl saves its state,
  // then submissions in progress finish, then the schedule and the admin socket.
  (*server)->Stop(kStopGrace);
  if (crawl) crawl->Stop();
  ingest_stop.store(true);
  if (crawl_thread.joinable()) crawl_thread.join();
  submissions.Stop();
  admin->reset();
  crawl.reset();
  spdlog::info("adwatch serve: stopped cleanly");
  return crawl_error.ok() ? kExitOk : kExitFailure;
}

void AddServeCommand(CLI::App& app, AppContext& ctx) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Run adwatch as a service: the crawl (crawl.seeds), the HTTP API (docs/api.md), the\n"
      "submission worker, the digest schedule (send_at of each subscription) and the admin\n"
      "socket through which `adwatch token`, `review label`, `rescore`, `import` and `backup`\n"
      "reach it while it runs. SIGTERM stops it cleanly; started again it resumes.\n"
      "A non-loopback --listen needs TLS (api.tls_cert, api.tls_key) or api.allow_plain_http.");
  AddDbOption(*cmd, args->db);
  cmd->add_option("--listen", args->listen,
                  "host:port to listen on (default: api.listen, 127.0.0.1:8080)");
  cmd->add_flag("--no-crawl", args->no_crawl, "Serve the API and submissions only; do not crawl");
  cmd->add_option("--frontier", args->frontier,
                  "Redis mode: do not crawl here; store what the workers sharing this Redis\n"
                  "frontier send (as `adwatch ingest`), redis://HOST:PORT/DB");
  cmd->callback([args, &ctx] { ctx.action = [args, &ctx] { return RunServe(*args, ctx); }; });
}

}  // namespace adwatch::app
