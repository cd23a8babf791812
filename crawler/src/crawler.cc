#include "adwatch/crawler/crawler.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <random>
#include <variant>

#include "adwatch/common/escape.h"
#include "adwatch/common/names.h"
#include "adwatch/crawler/host_table.h"
#include "adwatch/crawler/local_frontier.h"
#include "adwatch/crawler/retry_policy.h"
#include "adwatch/crawler/sitemaps.h"
#include "adwatch/crawler/url.h"

namespace adwatch::crawler {

Status Validate(const CrawlerOptions& o) {
  auto bad = [](std::string_view what) { return Status::InvalidArgument("crawl", what); };
  if (o.default_host_connections < 1) return bad("host connections must be >= 1");
  if (o.default_host_delay_ms < 0) return bad("host delay must be >= 0");
  if (o.max_in_flight < 1) return bad("max_in_flight must be >= 1");
  if (o.max_retries < 0) return bad("max_retries must be >= 0");
  if (o.retry_base_ms < 0) return bad("retry_base_ms must be >= 0");
  if (o.max_host_backoff_ms < 0) return bad("max_host_backoff_ms must be >= 0");
  if (o.max_retry_after_s < 0) return bad("max_retry_after_s must be >= 0");
  if (o.robots_ttl_s < 0) return bad("robots_ttl_s must be >= 0");
  if (o.max_redirects < 0) return bad("max_redirects must be >= 0");
  if (o.max_sitemaps_per_host < 1) return bad("max_sitemaps_per_host must be >= 1");
  if (o.max_sitemap_urls < 1) return bad("max_sitemap_urls must be >= 1");
  if (o.max_robots_bytes < 1) return bad("max_robots_bytes must be >= 1");
  if (o.user_agent.empty()) return bad("user_agent is empty");
  for (const SourceConfig& s : o.sources) ADWATCH_RETURN_IF_ERROR(Validate(s));
  return Status::OK();
}

namespace {

// Redirects followed for a URL from outside, at most (API.md: "at most 5 hops").
constexpr int kMaxOutsideRedirects = 5;

// What a lease was used to fetch.
enum class FetchKind : uint8_t { kPage, kRobots, kSitemap };

struct FetchDone {
  uint64_t run = 0;
  FetchKind kind = FetchKind::kPage;
  Lease lease;
  FetchTask request;  // what was fetched: the lease's task, its host's robots.txt or a sitemap
  FetchResult result;
};

struct PageDone {
  uint64_t run = 0;
  Lease lease;
  FetchResult meta;  // the response without its body: status and validators
  PageOutcome outcome;
  std::vector<std::string> previous_ad_ids;  // a 304's: the URL keeps naming them
};

struct SubmitRequest {
  std::vector<FetchTask> tasks;
  SourceConfig source;
  std::shared_ptr<std::promise<Status>> done;
};

using Event = std::variant<FetchDone, PageDone, SubmitRequest>;

// Completions and submissions arrive here from other threads. It outlives the crawler's internals
// (callbacks hold a weak_ptr), so a late callback after the crawler is gone is dropped instead of
// touching freed state.
struct Mailbox {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Event> events;
  bool closed = false;
  bool running = false;  // a Run() takes submissions on its thread
  uint64_t run = 0;      // the current (or last) Run()'s number; older completions are stale

  void Post(Event e) {
    {
      std::lock_guard lock(mu);
      if (closed) return;
      events.push_back(std::move(e));
    }
    cv.notify_one();
  }
};

// A fetched page waiting for room in the sink, with the lease it ends.
struct PendingPage {
  PageJob job;
  Lease lease;
};

}  // namespace

struct Crawler::Impl {
  Impl(CrawlerOptions o, Fetcher& f, Frontier& fr, PageSink& k, const Clock& c, Waiter* w)
      : options(std::move(o)),
        fetcher(f),
        frontier(fr),
        sink(k),
        clock(c),
        waiter(w),
        scope(options.sources),
        mailbox(std::make_shared<Mailbox>()),
        rng(std::random_device{}()) {
    retry.max_retries = options.max_retries;
    retry.base_ms = options.retry_base_ms;
    retry.max_retry_after_s = options.max_retry_after_s;
  }

  ~Impl() {
    std::lock_guard lock(mailbox->mu);
    mailbox->closed = true;
  }

  // What one Run() keeps; made afresh for each run.
  struct RunState {
    explicit RunState(const CrawlerOptions& o)
        : hosts(HostTableOptions{o.user_agent, o.default_host_connections, o.default_host_delay_ms,
                                 o.max_host_backoff_ms, o.max_retry_after_s, o.robots_ttl_s,
                                 o.max_retries, static_cast<size_t>(o.max_robots_bytes)}),
          sitemaps(
              SitemapOptions{o.max_sitemaps_per_host, static_cast<size_t>(o.max_sitemap_urls)}) {}
    uint64_t id = 0;
    HostTable hosts;
    Sitemaps sitemaps;
    std::map<std::string, int64_t> source_pages;       // pages fetched this run, per source
    std::map<uint64_t, Lease> leases;                  // leases out, by id
    std::map<std::string, std::vector<Lease>> parked;  // host → leases waiting for robots.txt
    size_t parked_count = 0;
    std::deque<PendingPage> pending_pages;  // fetched, waiting for room in the sink
    int fetches_in_flight = 0;
    int64_t page_fetches_in_flight = 0;
    size_t jobs_in_sink = 0;
    CrawlStats stats;
    Status fatal;
    bool stopping = false;
  };

  void Fail(const Status& s) {
    if (run->fatal.ok()) run->fatal = s;
    run->stopping = true;
  }
  void FailFrontier(const Status& s) { Fail(s.WithContext("frontier")); }

  // --- Submissions -----------------------------------------------------------------------------

  // Queues submitted tasks. Runs on Run()'s thread, or on the caller's while no Run() runs.
  Status Queue(const std::vector<FetchTask>& tasks, const SourceConfig& source) {
    scope.Add(source);
    if (!opened) {
      ADWATCH_RETURN_IF_ERROR(frontier.Open().WithContext("frontier"));
      opened = true;
    }
    auto added = frontier.Add(tasks, AddMode::kAgain);
    if (!added) return added.error().WithContext("frontier");
    return Status::OK();
  }

  // --- Leases and fetches ----------------------------------------------------------------------

  // The host state of a lease, created (with its politeness and cached robots.txt) on first use.
  Result<HostState*> HostOf(const Lease& lease, int64_t now) {
    if (HostState* h = run->hosts.Find(lease.host)) return h;
    auto politeness = scope.PolitenessSourceFor(HostName(lease.task.url));
    HostState& h = run->hosts.Add(lease.host, lease.task.url, politeness.get());
    frontier.SetHostConnections(h.key, h.max_connections);
    auto cached = frontier.GetRobots(h.key);
    if (cached) {
      run->hosts.UseCached(h, *cached, now);
    } else if (!cached.error().IsNotFound()) {
      return cached.error();
    }
    return &h;
  }

  void StartFetch(FetchKind kind, const Lease& lease, FetchTask request) {
    auto source = scope.Find(request.source);
    FetchRequest req;
    req.task = request;
    req.proxy = source ? source->proxy : "";
    // A URL from outside stays guarded whichever source it ends up counted under.
    req.guard_addresses = request.external || (source && source->external);
    ++run->fetches_in_flight;
    ++run->stats.requests;
    std::weak_ptr<Mailbox> box = mailbox;
    fetcher.Fetch(std::move(req), [box, id = run->id, kind, lease,
                                   request = std::move(request)](FetchResult r) mutable {
      if (auto b = box.lock()) {
        b->Post(FetchDone{id, kind, std::move(lease), std::move(request), std::move(r)});
      }
    });
  }

  // Ends a lease with an outcome for its URL.
  void End(const Lease& lease, Outcome outcome, std::string reason, int status,
           const FetchResult* result = nullptr, std::vector<std::string> ad_ids = {},
           std::string redirect_to = {}, const HostRelease& release = {}) {
    const FetchTask& task = lease.task;
    UrlRecord r;
    r.outcome = outcome;
    r.redirect_to = std::move(redirect_to);
    r.reason = std::move(reason);
    r.http_status = status;
    r.attempts = task.attempt + 1;
    r.source = task.source;
    r.ad_ids = std::move(ad_ids);
    if (result) {
      r.etag = HeaderValue(*result, "ETag");
      r.last_modified = HeaderValue(*result, "Last-Modified");
      r.remote_ip = result->remote_ip;
    }
    if (outcome == Outcome::kNotModified) {
      if (r.etag.empty()) r.etag = task.etag;
      if (r.last_modified.empty()) r.last_modified = task.last_modified;
    }
    if (outcome == Outcome::kFetched || outcome == Outcome::kNotModified) {
      if (auto s = scope.Find(task.source); s && s->revisit_interval_s > 0) {
        r.next_revisit_ms = clock.NowMs() + s->revisit_interval_s * 1000;
      }
    }
    ++run->stats.outcomes[std::string(Name(outcome))];
    run->leases.erase(lease.id);
    if (Status s = frontier.Finish(lease, r, release); !s.ok()) FailFrontier(s);
  }

  // Gives a lease's task back unchanged.
  void GiveBack(const Lease& lease, const HostRelease& release) {
    run->leases.erase(lease.id);
    if (Status s = frontier.Return(lease, release); !s.ok()) FailFrontier(s);
  }

  enum class Started : uint8_t { kFetching, kWaiting, kEnded };

  // Decides what a fresh lease does: fetch robots.txt, a sitemap or its page, wait for robots.txt,
  // or end at once (refused by robots.txt, a refused host, a source's page limit).
  Started StartLease(const Lease& lease, int64_t now) {
    run->leases[lease.id] = lease;
    auto host = HostOf(lease, now);
    if (!host) {
      FailFrontier(host.error());
      GiveBack(lease, {});
      return Started::kEnded;
    }
    HostState& h = **host;
    const HostStep step = run->hosts.Next(h, now);
    switch (step.kind) {
      case HostStep::Kind::kRefused:
        End(lease, h.refused_outcome, h.refused_reason, 0);
        return Started::kEnded;
      case HostStep::Kind::kDeferred:
        GiveBack(lease, HostRelease{.hold_until_ms = step.until_ms});
        return Started::kEnded;
      case HostStep::Kind::kWaitForRobots:
        run->parked[h.key].push_back(lease);
        ++run->parked_count;
        return Started::kWaiting;
      case HostStep::Kind::kFetchRobots: {
        FetchTask robots;
        robots.url = run->hosts.StartRobots(h);
        robots.source = lease.task.source;
        StartFetch(FetchKind::kRobots, lease, std::move(robots));
        return Started::kFetching;
      }
      case HostStep::Kind::kReady:
        break;
    }
    if (auto sm = run->sitemaps.Next(h.key)) {
      FetchTask t;
      t.url = std::move(sm->url);
      t.source = std::move(sm->source);
      StartFetch(FetchKind::kSitemap, lease, std::move(t));
      return Started::kFetching;
    }
    if (!run->hosts.Allows(h, lease.task.url)) {
      End(lease, Outcome::kRobotsDenied, "robots.txt disallows it", 0);
      return Started::kEnded;
    }
    if (auto src = scope.Find(lease.task.source);
        src && src->max_pages > 0 && run->source_pages[src->name] >= src->max_pages) {
      // The source had its pages for this run; the task stays queued for the next.
      GiveBack(lease, HostRelease{.hold_until_ms = kHoldForRun});
      return Started::kEnded;
    }
    ++run->page_fetches_in_flight;
    StartFetch(FetchKind::kPage, lease, lease.task);
    return Started::kFetching;
  }

  // Claims and starts whatever may start now. Returns when something else may start (0: only a
  // completion can make more work startable).
  int64_t Dispatch(int64_t now) {
    if (run->stopping || !run->pending_pages.empty()) return 0;
    int64_t next_due = 0;
    while (true) {
      int budget =
          options.max_in_flight - run->fetches_in_flight - static_cast<int>(run->parked_count);
      if (options.max_pages > 0) {
        budget = static_cast<int>(std::min<int64_t>(budget, options.max_pages - PagesCounted()));
      }
      if (budget <= 0 || run->stopping) break;
      auto claimed = frontier.Claim(budget, now);
      if (!claimed) {
        FailFrontier(claimed.error());
        break;
      }
      next_due = claimed->next_due_ms;
      if (claimed->leases.empty()) break;
      // Leases that ended at once freed their hosts: claim again.
      bool ended = false;
      for (const Lease& lease : claimed->leases) ended |= StartLease(lease, now) == Started::kEnded;
      if (!ended) break;
    }
    return next_due;
  }

  // --- Completions -----------------------------------------------------------------------------

  void OnFetch(FetchDone& d) {
    --run->fetches_in_flight;
    const FetchResult& r = d.result;
    run->stats.bytes += static_cast<int64_t>(r.body.size());
    if (r.error != FetchError::kNone) {
      ++run->stats.errors[std::string(Name(r.error))];
    } else if (r.http_status >= 400) {
      ++run->stats.errors["http_" + std::to_string(r.http_status)];
    }
    HostState* h = run->hosts.Find(d.lease.host);
    if (!h) return;  // REQUIRES of StartLease: the host was added before the fetch
    switch (d.kind) {
      case FetchKind::kRobots:
        return OnRobots(*h, d);
      case FetchKind::kSitemap:
        return OnSitemap(*h, d);
      case FetchKind::kPage:
        --run->page_fetches_in_flight;
        return OnPage(*h, d);
    }
  }

  void OnRobots(HostState& h, FetchDone& d) {
    const int64_t now = clock.NowMs();
    RobotsAnswer a = run->hosts.OnRobots(h, d.request, d.result, now);
    if (a.unreachable) ++run->stats.errors["robots_unreachable"];
    if (a.kind == RobotsAnswer::Kind::kRedirect) {
      FetchTask next = d.request;
      next.url = std::move(a.redirect_url);
      ++next.redirects;
      StartFetch(FetchKind::kRobots, d.lease, std::move(next));
      return;
    }
    if (a.to_cache) {
      if (Status s = frontier.PutRobots(h.key, *a.to_cache); !s.ok()) FailFrontier(s);
    }
    if (a.kind == RobotsAnswer::Kind::kReady && options.use_sitemaps) {
      run->sitemaps.AddFromRobots(h.key, h.origin, h.robots.sitemaps(), d.request.source);
    }
    // The lease that fetched robots.txt, and those that waited for it, go back to the frontier
    // (the host's delay counted from now), or end with the host's refusal.
    std::vector<Lease> waiting = std::move(run->parked[h.key]);
    run->parked.erase(h.key);
    run->parked_count -= waiting.size();
    const HostRelease idle{.hold_until_ms = a.release.hold_until_ms};
    if (a.kind == RobotsAnswer::Kind::kRefused) {
      End(d.lease, h.refused_outcome, h.refused_reason, 0, nullptr, {}, {}, a.release);
      for (const Lease& l : waiting) End(l, h.refused_outcome, h.refused_reason, 0);
      return;
    }
    GiveBack(d.lease, a.release);
    for (const Lease& l : waiting) GiveBack(l, idle);
  }

  void OnSitemap(HostState& h, FetchDone& d) {
    const FetchResult& r = d.result;
    if (r.error == FetchError::kNone && r.http_status >= 200 && r.http_status < 300) {
      SitemapContent content =
          ParseSitemap(r.body, d.request.url, static_cast<size_t>(options.max_sitemap_urls));
      if (content.index) {
        run->sitemaps.AddFromIndex(h.key, content.urls, d.request.source);
      } else {
        // Added a thousand at a time: a sitemap lists up to 50,000 URLs, and adding them in one
        // batch held every URL four times over (the tasks, the frontier's batch, its dedup set
        // and its new entries), 27 MB at the peak of a 52,000-page crawl.
        constexpr size_t kChunk = 1000;
        std::vector<FetchTask> tasks;
        tasks.reserve(std::min(kChunk, content.urls.size()));
        for (std::string& url : content.urls) {
          auto src = scope.SourceFor(url, d.request.source);
          if (!src) continue;
          FetchTask t;
          t.url = std::move(url);
          t.source = src->name;
          t.depth = 1;
          t.external = src->external;
          tasks.push_back(std::move(t));
          if (tasks.size() == kChunk) {
            AddLinks(tasks);
            tasks.clear();
          }
        }
        AddLinks(tasks);
      }
    }
    const int64_t now = clock.NowMs();
    GiveBack(d.lease, HostRelease{.ended_ms = now, .delay_ms = run->hosts.Delay(h)});
  }

  void OnPage(HostState& h, FetchDone& d) {
    const FetchResult& r = d.result;
    const Lease& lease = d.lease;
    const int64_t now = clock.NowMs();
    const HostRelease release = run->hosts.AfterFetch(h, r, now);
    RetryDecision next = NextAttempt(lease.task, r, retry, rng);
    if (next.kind == RetryDecision::Kind::kRetry) {
      next.task.not_before_ms = now + next.delay_ms;
      ++run->stats.retries;
      run->leases.erase(lease.id);
      if (Status s = frontier.Retry(lease, next.task, release); !s.ok()) FailFrontier(s);
      return;
    }
    if (next.kind == RetryDecision::Kind::kGiveUp) {
      End(lease, Outcome::kFailed, next.reason, r.http_status, &r, {}, {}, release);
      return;
    }
    switch (r.error) {
      case FetchError::kNone:
        break;
      case FetchError::kTooLarge:
        return End(lease, Outcome::kTooLarge, r.error_message, r.http_status, nullptr, {}, {},
                   release);
      case FetchError::kBlockedAddress:
        return End(lease, Outcome::kBlocked, r.error_message, 0, nullptr, {}, {}, release);
      default:
        return End(lease, Outcome::kFailed, std::string(Name(r.error)) + ": " + r.error_message,
                   r.http_status, nullptr, {}, {}, release);
    }
    const int status = r.http_status;
    if (status >= 300 && status < 400 && status != 304) {
      frontier.ReleaseHost(lease, release);
      return OnRedirect(lease, r);
    }
    if (status == 304 || (status >= 200 && status < 300)) {
      // The host is free again while the page is processed; the lease ends with the page.
      frontier.ReleaseHost(lease, release);
      auto src = scope.Find(lease.task.source);
      if (src && status != 304) ++run->source_pages[src->name];
      PendingPage p{PageJob{lease.task, std::move(d.result), src, {}}, lease};
      if (status == 304) {
        // The page did not change: its ads were seen again. The URL's record names them.
        auto prev = frontier.Lookup(lease.task.url);
        if (prev) {
          p.job.previous_ad_ids = std::move(prev->ad_ids);
        } else if (!prev.error().IsNotFound()) {
          FailFrontier(prev.error());
        }
      }
      Offer(std::move(p));
      return;
    }
    End(lease, Outcome::kFailed, "HTTP " + std::to_string(status), status, nullptr, {}, {},
        release);
  }

  // A redirect is recorded as one hop of its chain (URL, status, the address that answered, the
  // target) and its target becomes a new URL. A URL from outside keeps its guard, so the fetcher
  // checks every hop again (CheckOutsideUrl, then each address it dials), and its chain is cut at
  // kMaxOutsideRedirects hops whatever max_redirects says.
  void OnRedirect(const Lease& lease, const FetchResult& r) {
    const FetchTask& task = lease.task;
    const std::string location(HeaderValue(r, "Location"));
    auto target = location.empty()
                      ? Result<std::string>(Status::InvalidArgument("no Location header"))
                      : ResolveUrl(task.url, location);
    if (!target) {
      // file:, gopher: and other schemes end here, before anything could fetch them.
      End(lease, Outcome::kFailed,
          "HTTP " + std::to_string(r.http_status) + " to a target that is not followed (" +
              target.error().message() + ")",
          r.http_status, &r);
      return;
    }
    End(lease, Outcome::kRedirected, "→ " + EscapeControl(*target, 300), r.http_status, &r, {},
        *target);
    const int max_redirects = task.external ? std::min(options.max_redirects, kMaxOutsideRedirects)
                                            : options.max_redirects;
    if (task.redirects >= max_redirects) {
      ++run->stats.outcomes["too_many_redirects"];
      return;
    }
    FetchTask next = task;
    next.url = *target;
    next.redirects = task.redirects + 1;
    next.attempt = 0;
    next.not_before_ms = 0;
    next.etag.clear();
    next.last_modified.clear();
    // The target is a new URL: scope and dedup apply (robots when it is scheduled).
    if (scope.Find(task.source) && !scope.Holds(task.source, next.url)) {
      auto src = scope.SourceFor(next.url, task.source);
      if (!src) {
        ++run->stats.outcomes[std::string(Name(Outcome::kOutOfScope))];
        UrlRecord rec;
        rec.outcome = Outcome::kOutOfScope;
        rec.reason = "redirect target out of scope";
        rec.source = task.source;
        if (Status s = frontier.Record(next.url, rec); !s.ok()) FailFrontier(s);
        return;
      }
      next.source = src->name;
    }
    auto added = frontier.Add(
        {next}, next.priority == FetchPriority::kSubmission ? AddMode::kAgain : AddMode::kIfNew);
    if (!added) FailFrontier(added.error());
  }

  void AddLinks(const std::vector<FetchTask>& tasks) {
    if (tasks.empty()) return;
    auto added = frontier.Add(tasks, AddMode::kIfNew);
    if (!added) return FailFrontier(added.error());
    run->stats.links_discovered += *added;
  }

  void Offer(PendingPage p) {
    if (!run->pending_pages.empty() || !TryOffer(p)) run->pending_pages.push_back(std::move(p));
  }

  // Offers a page to the sink; it is moved from only when the sink takes it.
  bool TryOffer(PendingPage& p) {
    std::weak_ptr<Mailbox> box = mailbox;
    // What the page's end needs of the response once the sink is done with it: the validators.
    FetchResult meta;
    meta.http_status = p.job.result.http_status;
    meta.remote_ip = p.job.result.remote_ip;
    for (const char* name : {"ETag", "Last-Modified"}) {
      if (auto v = HeaderValue(p.job.result, name); !v.empty()) meta.headers.emplace_back(name, v);
    }
    const bool taken = sink.Offer(p.job, [box, id = run->id, lease = p.lease,
                                          meta = std::move(meta),
                                          previous = p.job.previous_ad_ids](PageOutcome o) mutable {
      if (auto b = box.lock()) {
        b->Post(PageDone{id, std::move(lease), std::move(meta), std::move(o), std::move(previous)});
      }
    });
    if (taken) ++run->jobs_in_sink;
    return taken;
  }

  void OnPageDone(PageDone& d) {
    --run->jobs_in_sink;
    if (!d.outcome.error.ok()) {
      // The page stays queued (not finished): a later run fetches it again.
      Fail(d.outcome.error);
      return;
    }
    run->stats.ads += d.outcome.ads;
    run->stats.flagged += d.outcome.flagged;
    if (d.meta.http_status != 304) {
      // Links first, then the page's own end, so a crash in between loses nothing.
      std::vector<FetchTask> tasks;
      std::vector<std::string> outside;
      for (const std::string& link : d.outcome.links) {
        auto url = CanonicalUrl(link);
        if (!url) continue;
        LinkPlacement place = scope.PlaceLink(d.lease.task, *url);
        switch (place.kind) {
          case LinkPlacement::Kind::kQueue:
            tasks.push_back(std::move(place.task));
            break;
          case LinkPlacement::Kind::kOutOfScope:
            ++run->stats.out_of_scope_links;
            outside.push_back(std::move(*url));
            break;
          case LinkPlacement::Kind::kTooDeep:
            break;
        }
      }
      AddLinks(tasks);
      if (Status s = frontier.RecordOutOfScope(outside, d.lease.task.source); !s.ok()) {
        FailFrontier(s);
      }
      ++run->stats.pages;
      End(d.lease, Outcome::kFetched, "", d.meta.http_status, &d.meta, std::move(d.outcome.ad_ids));
    } else {
      End(d.lease, Outcome::kNotModified, "", 304, &d.meta, std::move(d.previous_ad_ids));
    }
    // Room in the sink again: offer what waited.
    while (!run->pending_pages.empty() && TryOffer(run->pending_pages.front())) {
      run->pending_pages.pop_front();
    }
  }

  // Routes one event to its handler. Completions of an earlier run are dropped: Open() gave
  // their tasks back to the queue.
  void Route(Event& e) {
    if (auto* f = std::get_if<FetchDone>(&e)) {
      if (f->run == run->id) OnFetch(*f);
    } else if (auto* p = std::get_if<PageDone>(&e)) {
      if (p->run == run->id) OnPageDone(*p);
    } else {
      auto& s = std::get<SubmitRequest>(e);
      s.done->set_value(Queue(s.tasks, s.source));
    }
  }

  // --- The loop --------------------------------------------------------------------------------

  int64_t PagesCounted() const {
    return run->stats.pages + run->page_fetches_in_flight +
           static_cast<int64_t>(run->jobs_in_sink + run->pending_pages.size());
  }
  bool LimitReached() const { return options.max_pages > 0 && PagesCounted() >= options.max_pages; }
  bool Idle() const {
    return run->fetches_in_flight == 0 && run->jobs_in_sink == 0 && run->pending_pages.empty() &&
           run->parked_count == 0;
  }

  void UpdateCounters() {
    const FrontierCounts c = frontier.Counts();
    run->stats.elapsed_ms = clock.NowMs() - run->stats.started_ms;
    run->stats.queued = c.queued;
    run->stats.in_flight = run->fetches_in_flight;
    run->stats.hosts_active = c.hosts_with_work;
  }

  // Waits until an event arrives or `until_ms` (0: none) comes, at most a second.
  void Sleep(int64_t now, int64_t until_ms) {
    // A Stop() wakes the loop once; after that it waits for the fetches still in flight.
    auto woken = [&] { return !mailbox->events.empty() || (stop_requested && !run->stopping); };
    {
      std::lock_guard lock(mailbox->mu);
      if (woken()) return;
    }
    if (waiter && waiter->Wait(until_ms)) return;
    int64_t sleep_ms = 1000;
    if (until_ms > now) sleep_ms = std::min(sleep_ms, until_ms - now);
    std::unique_lock lock(mailbox->mu);
    mailbox->cv.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(sleep_ms, 1)), woken);
  }

  Result<CrawlStats> Loop(const std::function<void(const CrawlStats&)>& progress) {
    if (Status s = frontier.Open(); !s.ok()) return s.WithContext("frontier");
    opened = true;
    CrawlStats& stats = run->stats;
    stats.started_ms = clock.NowMs();
    // Start URLs of every source (dedup keeps a resumed crawl from starting over).
    AddLinks(scope.StartTasks());
    int64_t next_revisit = 0;
    if (auto due = frontier.QueueDueRevisits(clock.NowMs()); due) {
      next_revisit = due->next_due_ms;
    } else {
      FailFrontier(due.error());
    }
    const int64_t deadline =
        options.max_duration_ms > 0 ? stats.started_ms + options.max_duration_ms : 0;
    int64_t last_progress = 0;
    int64_t stop_deadline = 0;
    while (true) {
      // 1. Everything that completed, and submissions.
      std::deque<Event> batch;
      {
        std::lock_guard lock(mailbox->mu);
        batch.swap(mailbox->events);
      }
      for (Event& e : batch) Route(e);
      const int64_t now = clock.NowMs();
      if (stop_requested.load()) run->stopping = true;
      if (deadline && now >= deadline && !run->stopping) {
        run->stopping = true;
        stats.limit_reached = true;
      }
      if (LimitReached() && Idle()) {
        stats.limit_reached = true;
        break;
      }
      // 2. Revisits that came due.
      if (options.follow && !run->stopping && next_revisit && now >= next_revisit) {
        if (auto due = frontier.QueueDueRevisits(now); due) {
          next_revisit = due->next_due_ms;
        } else {
          FailFrontier(due.error());
        }
      }
      // 3. What may start now.
      const int64_t wake = Dispatch(now);
      if (progress && now - last_progress >= 1000) {
        UpdateCounters();
        progress(stats);
        last_progress = now;
      }
      // 4. The end: stopped and drained, or nothing left that could ever start.
      int64_t until = wake;
      if (run->stopping) {
        if (stop_deadline == 0) stop_deadline = now + options.stop_grace_ms;
        if (run->jobs_in_sink == 0 && run->pending_pages.empty() &&
            (run->fetches_in_flight == 0 || now >= stop_deadline)) {
          break;
        }
        until = stop_deadline;
      } else if (Idle() && wake == 0) {
        // Nothing in flight, nothing due later: either no work is left, or what is left is held
        // back by a page limit.
        stats.done = frontier.Counts().hosts_with_work == 0;
        stats.limit_reached = !stats.done;
        if (!options.follow || stats.limit_reached) break;
      }
      // 5. Sleep until something completes or becomes due.
      auto earliest = [&](int64_t t) {
        if (t > 0 && (until == 0 || t < until)) until = t;
      };
      if (options.follow) earliest(next_revisit);
      earliest(deadline);
      Sleep(now, until);
    }
    UpdateCounters();
    if (progress) progress(stats);
    if (!run->fatal.ok()) return run->fatal;
    return stats;
  }

  Result<CrawlStats> Run(const std::function<void(const CrawlStats&)>& progress) {
    {
      std::lock_guard direct(submit_mu);
      std::lock_guard lock(mailbox->mu);
      mailbox->running = true;
      run = std::make_unique<RunState>(options);
      run->id = ++mailbox->run;
    }
    Result<CrawlStats> result = Loop(progress);
    // Leases still out (fetches past the grace period, pages the sink never took) go back, so
    // that the frontier serves them again; their late completions are dropped.
    const std::map<std::uint64_t, Lease> out = std::move(run->leases);
    for (const auto& [id, lease] : out) {
      // The run is over either way; a frontier that cannot take a lease back re-serves it when
      // opened again (LocalFrontier) or when its lease expires.
      (void)frontier.Return(lease, {});
    }
    // Submissions that came as the loop ended are queued for the next run.
    std::lock_guard direct(submit_mu);
    std::deque<Event> rest;
    {
      std::lock_guard lock(mailbox->mu);
      mailbox->running = false;
      rest.swap(mailbox->events);
    }
    for (Event& e : rest) {
      if (auto* s = std::get_if<SubmitRequest>(&e)) s->done->set_value(Queue(s->tasks, s->source));
    }
    return result;
  }

  CrawlerOptions options;
  Fetcher& fetcher;
  Frontier& frontier;
  PageSink& sink;
  const Clock& clock;
  Waiter* waiter;
  RetryOptions retry;
  Scope scope;
  std::shared_ptr<Mailbox> mailbox;
  std::mt19937_64 rng;
  std::unique_ptr<RunState> run;
  bool opened = false;  // the frontier was opened (by a Run, or by a Submit before one)
  // Held while a Submit queues directly, and while a Run starts or ends, so that a submission is
  // either queued directly or taken by exactly one Run.
  std::mutex submit_mu;
  std::atomic<bool> stop_requested{false};
  std::unique_ptr<LocalFrontier> own_frontier;  // the embedded mode's
};

Crawler::Crawler(CrawlerOptions options, Fetcher& fetcher, Frontier& frontier, PageSink& sink,
                 const Clock& clock, Waiter* waiter)
    : impl_(std::make_unique<Impl>(std::move(options), fetcher, frontier, sink, clock, waiter)) {}

Crawler::Crawler(CrawlerOptions options, Fetcher& fetcher, storage::Store& store, PageSink& sink,
                 const Clock& clock, Waiter* waiter) {
  auto local = std::make_unique<LocalFrontier>(store, clock);
  impl_ = std::make_unique<Impl>(std::move(options), fetcher, *local, sink, clock, waiter);
  impl_->own_frontier = std::move(local);
}

Crawler::~Crawler() = default;

Status Crawler::Submit(const std::vector<std::string>& urls, const SourceConfig& source) {
  ADWATCH_RETURN_IF_ERROR(Validate(source));
  std::vector<FetchTask> tasks;
  for (const std::string& u : urls) {
    auto url = CanonicalUrl(u);
    if (!url) return url.error();
    FetchTask t;
    t.url = std::move(*url);
    t.source = source.name;
    t.priority = FetchPriority::kSubmission;
    t.external = source.external;
    tasks.push_back(std::move(t));
  }
  Impl& impl = *impl_;
  std::unique_lock direct(impl.submit_mu);
  std::future<Status> queued;
  {
    std::lock_guard lock(impl.mailbox->mu);
    if (impl.mailbox->running) {
      auto done = std::make_shared<std::promise<Status>>();
      queued = done->get_future();
      impl.mailbox->events.push_back(SubmitRequest{std::move(tasks), source, std::move(done)});
    }
  }
  if (queued.valid()) {
    // Run() queues it on its thread; it takes submit_mu as it ends, so it cannot miss this one.
    direct.unlock();
    impl.mailbox->cv.notify_one();
    return queued.get();
  }
  return impl.Queue(tasks, source);
}

Result<CrawlStats> Crawler::Run(const std::function<void(const CrawlStats&)>& progress) {
  return impl_->Run(progress);
}

void Crawler::Stop() {
  impl_->stop_requested.store(true);
  impl_->mailbox->cv.notify_one();
}

}  // namespace adwatch::crawler
