#include "adwatch/crawler/crawler.h"

#include <re2/re2.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <unordered_map>
#include <variant>

#include <nlohmann/json.hpp>

#include "adwatch/common/escape.h"
#include "adwatch/common/names.h"
#include "adwatch/crawler/frontier.h"
#include "adwatch/crawler/robots.h"
#include "adwatch/crawler/url.h"

namespace adwatch::crawler {

Status Validate(const SourceConfig& s) {
  if (s.name.empty()) return Status::InvalidArgument("source", "has no name");
  for (const std::string& u : s.start_urls) {
    if (auto c = CanonicalUrl(u); !c) {
      return Status::InvalidArgument("source " + s.name, "start URL: " + c.error().message());
    }
  }
  auto check = [&](const std::string& p, const char* what) -> Status {
    RE2 re(p, RE2::Quiet);
    if (!re.ok()) return Status::InvalidArgument("source " + s.name, std::string(what) + " '" + p + "': " + re.error());
    return Status::OK();
  };
  for (const auto& p : s.allow_patterns) ADWATCH_RETURN_IF_ERROR(check(p, "allow pattern"));
  for (const auto& p : s.deny_patterns) ADWATCH_RETURN_IF_ERROR(check(p, "deny pattern"));
  if (!s.ad_page_pattern.empty()) ADWATCH_RETURN_IF_ERROR(check(s.ad_page_pattern, "ad page pattern"));
  if (!s.listing_pattern.empty()) ADWATCH_RETURN_IF_ERROR(check(s.listing_pattern, "listing pattern"));
  if (s.host_connections < 0) return Status::InvalidArgument("source " + s.name, "host_connections < 0");
  return Status::OK();
}

Status Validate(const CrawlerOptions& o) {
  if (o.default_host_connections < 1) return Status::InvalidArgument("crawl", "host connections must be >= 1");
  if (o.default_host_delay_ms < 0) return Status::InvalidArgument("crawl", "host delay must be >= 0");
  if (o.max_in_flight < 1) return Status::InvalidArgument("crawl", "max_in_flight must be >= 1");
  if (o.max_retries < 0) return Status::InvalidArgument("crawl", "max_retries must be >= 0");
  if (o.user_agent.empty()) return Status::InvalidArgument("crawl", "user_agent is empty");
  for (const SourceConfig& s : o.sources) ADWATCH_RETURN_IF_ERROR(Validate(s));
  return Status::OK();
}

namespace {

using storage::Table;

// Redirects followed for a URL from outside, at most (API.md: "at most 5 hops").
constexpr int kMaxOutsideRedirects = 5;

enum class FetchKind : uint8_t { kPage, kRobots, kSitemap };

struct FetchDone {
  FetchKind kind;
  std::string host;  // key of the host the fetch is counted against (a redirect may leave it)
  FetchTask task;
  FetchResult result;
};

struct PageDone {
  FetchTask task;
  FetchResult result;  // headers only (body dropped): etag and last-modified
  PageOutcome outcome;
  std::vector<std::string> previous_ad_ids;  // a 304's: the URL keeps naming them
};

using Event = std::variant<FetchDone, PageDone>;

// Completions arrive here from the fetcher's and the sink's threads. It outlives the crawler's
// internals (callbacks hold a shared_ptr), so a late callback after Run() has returned is dropped
// instead of touching freed state.
struct Mailbox {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Event> events;
  bool closed = false;

  void Post(Event e) {
    {
      std::lock_guard lock(mu);
      if (closed) return;
      events.push_back(std::move(e));
    }
    cv.notify_one();
  }
  void Wake() { cv.notify_one(); }
};

struct CompiledSource {
  std::shared_ptr<const SourceConfig> config;
  std::vector<std::unique_ptr<RE2>> allow, deny;
  std::set<std::string> hosts;  // lower-case host names
  int64_t pages = 0;            // fetched this run
};

struct HostState {
  enum class Robots : uint8_t { kUnknown, kFetching, kReady, kDeferred };
  std::string key;
  std::string origin;  // "https://example.com:443" for robots.txt
  int in_flight = 0;
  int max_connections = 1;
  int64_t delay_ms = 1000;
  int64_t next_allowed_ms = 0;
  int failures = 0;  // consecutive
  Robots robots_state = Robots::kUnknown;
  RobotsTxt robots;
  int64_t robots_expires_ms = 0;
  int robots_attempts = 0;
  int64_t robots_retry_ms = 0;
  double crawl_delay_s = 0;
  int sitemaps_fetched = 0;
};

// The <loc> URLs of a sitemap or sitemap index; stops at `limit`.
std::vector<std::string> SitemapLocs(std::string_view xml, size_t limit) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (out.size() < limit) {
    const size_t b = xml.find("<loc>", pos);
    if (b == std::string_view::npos) break;
    const size_t e = xml.find("</loc>", b + 5);
    if (e == std::string_view::npos) break;
    std::string loc(xml.substr(b + 5, e - b - 5));
    // Unescape the XML entities a URL may carry.
    for (auto [ent, ch] : {std::pair{"&amp;", "&"}, std::pair{"&lt;", "<"}, std::pair{"&gt;", ">"},
                           std::pair{"&quot;", "\""}, std::pair{"&apos;", "'"}}) {
      for (size_t p = loc.find(ent); p != std::string::npos; p = loc.find(ent, p + 1)) {
        loc.replace(p, std::strlen(ent), ch);
      }
    }
    const size_t first = loc.find_first_not_of(" \t\r\n");
    const size_t last = loc.find_last_not_of(" \t\r\n");
    if (first != std::string::npos) out.push_back(loc.substr(first, last - first + 1));
    pos = e + 6;
  }
  return out;
}

bool HostMatches(const std::string& host, const std::set<std::string>& allowed) {
  for (const std::string& a : allowed) {
    if (host == a) return true;
    if (host.size() > a.size() && host.compare(host.size() - a.size(), a.size(), a) == 0 &&
        host[host.size() - a.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

}  // namespace

struct Crawler::Impl {
  Impl(CrawlerOptions o, Fetcher& f, storage::Store& s, PageSink& k, const Clock& c)
      : options(std::move(o)), fetcher(f), store(s), sink(k), clock(c), frontier(s, c),
        mailbox(std::make_shared<Mailbox>()), rng(std::random_device{}()) {
    for (const SourceConfig& cfg : options.sources) AddSource(cfg);
  }

  ~Impl() {
    std::lock_guard lock(mailbox->mu);
    mailbox->closed = true;
  }

  CompiledSource& AddSource(const SourceConfig& cfg) {
    auto cs = std::make_unique<CompiledSource>();
    cs->config = std::make_shared<const SourceConfig>(cfg);
    for (const auto& p : cfg.allow_patterns) cs->allow.push_back(std::make_unique<RE2>(p, RE2::Quiet));
    for (const auto& p : cfg.deny_patterns) cs->deny.push_back(std::make_unique<RE2>(p, RE2::Quiet));
    for (const auto& h : cfg.allowed_hosts) {
      std::string lower = h;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      cs->hosts.insert(lower);
    }
    if (cfg.allowed_hosts.empty()) {
      for (const auto& u : cfg.start_urls) {
        if (auto c = CanonicalUrl(u); c) cs->hosts.insert(HostName(*c));
      }
    }
    sources.push_back(std::move(cs));
    by_name[cfg.name] = sources.back().get();
    return *sources.back();
  }

  bool InScope(const CompiledSource& s, const std::string& url) const {
    if (!s.config->any_host && !HostMatches(HostName(url), s.hosts)) return false;
    for (const auto& re : s.deny) {
      if (RE2::PartialMatch(url, *re)) return false;
    }
    if (!s.allow.empty()) {
      return std::any_of(s.allow.begin(), s.allow.end(), [&](const auto& re) { return RE2::PartialMatch(url, *re); });
    }
    return true;
  }

  // The source a discovered URL belongs to: its page's source if in scope, else the first other
  // source whose scope holds it, else none.
  CompiledSource* SourceFor(const std::string& url, const std::string& from_source) {
    auto it = by_name.find(from_source);
    if (it != by_name.end() && InScope(*it->second, url)) return it->second;
    for (auto& s : sources) {
      if (!s->config->any_host && InScope(*s, url)) return s.get();
    }
    return nullptr;
  }

  HostState& Host(const std::string& key, const std::string& url) {
    auto it = hosts.find(key);
    if (it != hosts.end()) return it->second;
    HostState& h = hosts[key];
    h.key = key;
    const size_t colon = url.find("://");
    h.origin = url.substr(0, url.find('/', colon + 3));
    h.max_connections = options.default_host_connections;
    h.delay_ms = options.default_host_delay_ms;
    // Per-source politeness: the first source whose scope covers this host sets it.
    for (const auto& s : sources) {
      if (!s->config->any_host && HostMatches(HostName(url), s->hosts)) {
        if (s->config->host_connections > 0) h.max_connections = s->config->host_connections;
        if (s->config->host_delay_ms >= 0) h.delay_ms = s->config->host_delay_ms;
        break;
      }
    }
    LoadRobots(h);
    return h;
  }

  // A cached robots.txt from an earlier run, while it has not expired.
  void LoadRobots(HostState& h) {
    auto v = store.Get(Table::kHosts, h.key);
    if (!v) return;
    auto j = nlohmann::json::parse(v.value(), nullptr, false);
    if (!j.is_object()) return;
    const int64_t fetched = j.value("robots_fetched_ms", int64_t{0});
    if (fetched + options.robots_ttl_s * 1000 <= clock.NowMs()) return;
    SetRobots(h, RobotsTxt::Parse(j.value("robots", "")), fetched);
  }

  void SetRobots(HostState& h, RobotsTxt robots, int64_t fetched_ms) {
    h.robots = std::move(robots);
    h.robots_state = HostState::Robots::kReady;
    h.robots_expires_ms = fetched_ms + options.robots_ttl_s * 1000;
    h.robots_attempts = 0;
    h.crawl_delay_s = h.robots.CrawlDelaySeconds(options.user_agent).value_or(0);
  }

  void SaveRobots(const HostState& h, const std::string& text, int status) {
    nlohmann::json j{{"robots", text.size() > 512 * 1024 ? text.substr(0, 512 * 1024) : text},
                     {"robots_fetched_ms", clock.NowMs()},
                     {"robots_status", status}};
    storage::TableBatch b;
    b.Put(Table::kHosts, h.key, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    Status s = store.Apply(b);
    if (!s.ok()) Fail(s);
  }

  int64_t EffectiveDelay(const HostState& h) const {
    int64_t d = std::max<int64_t>(h.delay_ms, static_cast<int64_t>(h.crawl_delay_s * 1000));
    if (h.failures > 0) {
      // Exponential slow-down for a host that keeps failing.
      const int64_t base = std::max<int64_t>(d, 1000);
      d = std::min<int64_t>(options.max_host_backoff_ms, base << std::min(h.failures, 12));
    }
    return d;
  }

  void Fail(const Status& s) {
    if (fatal.ok()) fatal = s;
    stopping = true;
  }

  // --- Fetching --------------------------------------------------------------------------------

  // REQUIRES: the caller counted the fetch in hosts[host].in_flight.
  void StartFetch(FetchKind kind, const std::string& host, FetchTask task, const SourceConfig* source) {
    FetchRequest req;
    req.task = task;
    req.proxy = source ? source->proxy : "";
    // A URL from outside stays guarded whichever source it ends up counted under.
    req.guard_addresses = task.external || (source && source->external);
    ++in_flight;
    ++stats.requests;
    std::weak_ptr<Mailbox> box = mailbox;
    fetcher.Fetch(std::move(req), [box, kind, host, task = std::move(task)](FetchResult r) mutable {
      if (auto b = box.lock()) b->Post(FetchDone{kind, std::move(host), std::move(task), std::move(r)});
    });
  }

  // Fetches the host's /robots.txt, or `next`, a redirect's next hop: the answer is this host's
  // wherever it comes from.
  void StartRobots(HostState& h, const SourceConfig* source, FetchTask next = {}) {
    h.robots_state = HostState::Robots::kFetching;
    ++h.in_flight;
    if (next.url.empty()) {
      next.url = h.origin + "/robots.txt";
      next.source = source ? source->name : "";
    }
    StartFetch(FetchKind::kRobots, h.key, std::move(next), source);
  }

  // Fetches one of the host's sitemaps (at most 20 a host).
  void StartSitemap(HostState& h, std::string url, const std::string& source) {
    ++h.sitemaps_fetched;
    ++h.in_flight;
    FetchTask t;
    t.url = std::move(url);
    t.source = source;
    CompiledSource* src = SourceOf(source);
    StartFetch(FetchKind::kSitemap, h.key, std::move(t), src ? src->config.get() : nullptr);
  }

  // Starts whatever may start now. Returns the earliest time something else may start (0: no
  // timed wait needed).
  int64_t Dispatch() {
    const int64_t now = clock.NowMs();
    int64_t next_wake = 0;
    auto wake_at = [&](int64_t t) {
      if (t > now && (next_wake == 0 || t < next_wake)) next_wake = t;
    };
    if (stopping || !pending_offers.empty()) return 0;
    // Copy: Pop() may remove hosts from the set while we walk it.
    const std::vector<std::string> with_work(frontier.hosts_with_work().begin(), frontier.hosts_with_work().end());
    // Round-robin: start after the host served last, so no host is always first.
    auto start = std::upper_bound(with_work.begin(), with_work.end(), last_host);
    for (size_t n = 0; n < with_work.size() && in_flight < options.max_in_flight; ++n, ++start) {
      if (start == with_work.end()) start = with_work.begin();
      const std::string& key = *start;
      if (LimitReached()) break;
      auto it = hosts.find(key);
      HostState* h = it == hosts.end() ? nullptr : &it->second;
      while (in_flight < options.max_in_flight && !LimitReached()) {
        if (h && h->robots_state == HostState::Robots::kFetching) break;
        if (h && h->robots_state == HostState::Robots::kDeferred) {
          if (now < h->robots_retry_ms) {
            wake_at(h->robots_retry_ms);
            break;
          }
          h->robots_state = HostState::Robots::kUnknown;
        }
        if (h && (h->in_flight >= h->max_connections)) break;
        if (h && now < h->next_allowed_ms) {
          wake_at(h->next_allowed_ms);
          break;
        }
        std::optional<FetchTask> task = frontier.Pop(key, now);
        if (!task) {
          wake_at(frontier.EarliestStart(key));
          break;
        }
        if (!h) h = &Host(key, task->url);
        CompiledSource* src = SourceOf(task->source);
        if (h->robots_state == HostState::Robots::kUnknown ||
            (h->robots_state == HostState::Robots::kReady && now >= h->robots_expires_ms)) {
          frontier.Unpop(*task);
          StartRobots(*h, src ? src->config.get() : nullptr);
          break;
        }
        if (!h->robots.IsAllowed(PathAndQuery(task->url), options.user_agent)) {
          End(*task, Outcome::kRobotsDenied, "robots.txt disallows it", 0);
          continue;
        }
        if (src && src->config->max_pages > 0 && src->pages >= src->config->max_pages) {
          frontier.Unpop(*task);
          break;
        }
        last_host = key;
        ++h->in_flight;
        ++page_fetches_in_flight;
        h->next_allowed_ms = now + EffectiveDelay(*h);
        StartFetch(FetchKind::kPage, key, std::move(*task), src ? src->config.get() : nullptr);
        wake_at(h->next_allowed_ms);
      }
    }
    return next_wake;
  }

  bool LimitReached() const {
    if (options.max_pages > 0 && stats.pages + page_fetches_in_flight + static_cast<int64_t>(jobs_in_sink) >=
                                     options.max_pages) {
      return true;
    }
    return false;
  }

  CompiledSource* SourceOf(const std::string& name) {
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : it->second;
  }

  // --- Completions -----------------------------------------------------------------------------

  void End(const FetchTask& task, Outcome outcome, std::string reason, int status,
           const FetchResult* result = nullptr, std::vector<std::string> ad_ids = {},
           std::string redirect_to = {}) {
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
      r.etag = r.etag.empty() ? task.etag : r.etag;
      r.last_modified = r.last_modified.empty() ? task.last_modified : r.last_modified;
    }
    if (outcome == Outcome::kFetched || outcome == Outcome::kNotModified) {
      if (CompiledSource* s = SourceOf(task.source); s && s->config->revisit_interval_s > 0) {
        r.next_revisit_ms = clock.NowMs() + s->config->revisit_interval_s * 1000;
      }
    }
    ++stats.outcomes[std::string(Name(outcome))];
    Status s = frontier.Finish(task, r);
    if (!s.ok()) Fail(s.WithContext("frontier"));
  }

  bool Transient(const FetchResult& r) const {
    switch (r.error) {
      case FetchError::kConnect:
      case FetchError::kTimeout:
      case FetchError::kProtocol:
      case FetchError::kDns:
        return true;
      case FetchError::kNone:
        return r.http_status == 429 || r.http_status >= 500;
      default:
        return false;
    }
  }

  void RetryOrFail(FetchTask task, const FetchResult& r, const std::string& reason) {
    const int max = r.error == FetchError::kDns ? std::min(1, options.max_retries) : options.max_retries;
    if (task.attempt < max && !stopping) {
      ++task.attempt;
      int64_t backoff = options.retry_base_ms << std::min(task.attempt - 1, 16);
      std::uniform_int_distribution<int64_t> jitter(0, backoff / 4);
      backoff += jitter(rng);
      if (r.retry_after_s > 0) {
        backoff = std::max<int64_t>(backoff, std::min(r.retry_after_s, options.max_retry_after_s) * 1000);
      }
      task.not_before_ms = clock.NowMs() + backoff;
      ++stats.retries;
      Status s = frontier.Retry(task);
      if (!s.ok()) Fail(s.WithContext("frontier"));
      return;
    }
    End(task, Outcome::kFailed, reason + " after " + std::to_string(task.attempt + 1) + " attempt(s)",
        r.http_status, &r);
  }

  void OnFetch(FetchDone& d) {
    --in_flight;
    const FetchResult& r = d.result;
    stats.bytes += static_cast<int64_t>(r.body.size());
    if (r.error != FetchError::kNone) {
      ++stats.errors[std::string(Name(r.error))];
    } else if (r.http_status >= 400) {
      ++stats.errors["http_" + std::to_string(r.http_status)];
    }
    auto hit = hosts.find(d.host);
    if (hit == hosts.end()) return;
    HostState& h = hit->second;
    --h.in_flight;
    const int64_t now = clock.NowMs();
    switch (d.kind) {
      case FetchKind::kRobots:
        OnRobots(h, d);
        return;
      case FetchKind::kSitemap:
        OnSitemap(d);
        return;
      case FetchKind::kPage:
        --page_fetches_in_flight;
        break;
    }
    // Politeness counts from the end of a request, too: a slow answer delays the next one.
    h.next_allowed_ms = std::max(h.next_allowed_ms, now + EffectiveDelay(h));
    if (r.http_status == 429 || r.http_status == 503) {
      if (r.retry_after_s > 0) {
        h.next_allowed_ms = std::max(h.next_allowed_ms, now + std::min(r.retry_after_s, options.max_retry_after_s) * 1000);
      }
    }
    if (Transient(r)) {
      ++h.failures;
      h.next_allowed_ms = std::max(h.next_allowed_ms, now + EffectiveDelay(h));
      RetryOrFail(std::move(d.task), r,
                  r.error != FetchError::kNone ? std::string(Name(r.error)) + ": " + r.error_message
                                               : "HTTP " + std::to_string(r.http_status));
      return;
    }
    switch (r.error) {
      case FetchError::kNone:
        break;
      case FetchError::kTooLarge:
        End(d.task, Outcome::kTooLarge, r.error_message, r.http_status);
        return;
      case FetchError::kBlockedAddress:
        End(d.task, Outcome::kBlocked, r.error_message, 0);
        return;
      default:
        End(d.task, Outcome::kFailed, std::string(Name(r.error)) + ": " + r.error_message, r.http_status);
        return;
    }
    h.failures = 0;
    const int status = r.http_status;
    if (status >= 300 && status < 400 && status != 304) {
      OnRedirect(d.task, r);
      return;
    }
    if (status == 304 || (status >= 200 && status < 300)) {
      CompiledSource* src = SourceOf(d.task.source);
      if (src && status != 304) ++src->pages;
      PageJob job{std::move(d.task), std::move(d.result), src ? src->config : nullptr, {}};
      if (status == 304) {
        // The page did not change: its ads were seen again. The URL's record names them.
        if (auto prev = frontier.Lookup(job.task.url)) job.previous_ad_ids = std::move(prev->ad_ids);
      }
      Offer(std::move(job));
      return;
    }
    End(d.task, Outcome::kFailed, "HTTP " + std::to_string(status), status);
  }

  // A redirect is recorded as one hop of its chain (URL, status, the address that answered, the
  // target) and its target becomes a new URL. A URL from outside keeps its guard, so the fetcher
  // checks every hop again (CheckOutsideUrl, then each address it dials), and its chain is cut at
  // kMaxOutsideRedirects hops whatever max_redirects says.
  void OnRedirect(const FetchTask& task, const FetchResult& r) {
    const std::string location(HeaderValue(r, "Location"));
    auto target = location.empty()
                      ? Result<std::string>(Status::InvalidArgument("no Location header"))
                      : ResolveUrl(task.url, location);
    if (!target) {
      // file:, gopher: and other schemes end here, before anything could fetch them.
      End(task, Outcome::kFailed,
          "HTTP " + std::to_string(r.http_status) + " to a target that is not followed (" +
              target.error().message() + ")",
          r.http_status, &r);
      return;
    }
    End(task, Outcome::kRedirected, "→ " + EscapeControl(*target, 300), r.http_status, &r, {},
        *target);
    const int max_redirects = task.external ? std::min(options.max_redirects, kMaxOutsideRedirects)
                                            : options.max_redirects;
    if (task.redirects >= max_redirects) {
      ++stats.outcomes["too_many_redirects"];
      return;
    }
    FetchTask next = task;
    next.url = *target;
    next.redirects = task.redirects + 1;
    next.attempt = 0;
    next.etag.clear();
    next.last_modified.clear();
    // The target is a new URL: scope and dedup apply (robots when it is scheduled).
    CompiledSource* src = SourceOf(task.source);
    if (src && !InScope(*src, next.url)) {
      src = SourceFor(next.url, task.source);
      if (!src) {
        ++stats.outcomes[std::string(Name(Outcome::kOutOfScope))];
        Status s = frontier.Record(next.url, {Outcome::kOutOfScope, "redirect target out of scope", 0, 0, 0, task.source});
        if (!s.ok()) Fail(s);
        return;
      }
      next.source = src->config->name;
    }
    auto added = frontier.Add({next}, /*force=*/next.priority == FetchPriority::kSubmission);
    if (!added) Fail(added.error());
  }

  void OnRobots(HostState& h, FetchDone& d) {
    const FetchResult& r = d.result;
    const int64_t now = clock.NowMs();
    h.next_allowed_ms = std::max(h.next_allowed_ms, now + h.delay_ms);
    if (r.error == FetchError::kNone && r.http_status >= 200 && r.http_status < 300) {
      SetRobots(h, RobotsTxt::Parse(r.body), now);
      SaveRobots(h, r.body, r.http_status);
      if (options.use_sitemaps) QueueSitemaps(h, d.task.source);
      return;
    }
    if (r.error == FetchError::kNone && r.http_status >= 300 && r.http_status < 400 &&
        d.task.redirects < 5 && !HeaderValue(r, "Location").empty()) {
      // RFC 9309: follow at least five redirects for robots.txt; the answer is this host's.
      if (auto target = ResolveUrl(d.task.url, HeaderValue(r, "Location")); target) {
        FetchTask t = d.task;
        t.url = *target;
        t.redirects++;
        CompiledSource* src = SourceOf(d.task.source);
        StartRobots(h, src ? src->config.get() : nullptr, std::move(t));
        return;
      }
    }
    if (r.error == FetchError::kNone && r.http_status >= 400 && r.http_status < 500 && r.http_status != 429) {
      // RFC 9309: an unavailable robots.txt (4xx) allows everything.
      SetRobots(h, RobotsTxt(), now);
      SaveRobots(h, "", r.http_status);
      return;
    }
    if (r.error == FetchError::kBlockedAddress) {
      // The address guard refused the host itself: none of its URLs can be fetched.
      while (auto t = frontier.Pop(h.key, INT64_MAX)) End(*t, Outcome::kBlocked, r.error_message, 0);
      h.robots_state = HostState::Robots::kUnknown;
      return;
    }
    // Unreachable (5xx, 429, network error): defer the host and try again later.
    ++h.robots_attempts;
    h.robots_state = HostState::Robots::kDeferred;
    const int64_t wait = std::min<int64_t>(options.max_host_backoff_ms,
                                           std::max<int64_t>(h.delay_ms, 5000) << std::min(h.robots_attempts - 1, 10));
    h.robots_retry_ms = now + std::max<int64_t>(wait, r.retry_after_s > 0 ? r.retry_after_s * 1000 : 0);
    ++stats.errors["robots_unreachable"];
    if (h.robots_attempts > options.max_retries) {
      // Give up on the host for this run: its URLs end as failed, robots.txt being unreachable.
      while (auto t = frontier.Pop(h.key, INT64_MAX)) {
        End(*t, Outcome::kFailed,
            "robots.txt unreachable (" + (r.error == FetchError::kNone ? "HTTP " + std::to_string(r.http_status)
                                                                      : std::string(Name(r.error))) + ")",
            0);
      }
      h.robots_state = HostState::Robots::kUnknown;
      h.robots_attempts = 0;
    }
  }

  void QueueSitemaps(HostState& h, const std::string& source) {
    for (const std::string& sm : h.robots.sitemaps()) {
      if (h.sitemaps_fetched >= 20) break;
      auto url = ResolveUrl(h.origin + "/", sm);
      if (!url || HostKey(*url) != h.key) continue;  // only the host's own sitemaps
      StartSitemap(h, std::move(*url), source);
    }
  }

  void OnSitemap(FetchDone& d) {
    const FetchResult& r = d.result;
    if (r.error != FetchError::kNone || r.http_status < 200 || r.http_status >= 300) return;
    const bool index = r.body.find("<sitemapindex") != std::string::npos;
    std::vector<FetchTask> tasks;
    const std::string key = HostKey(d.task.url);
    for (const std::string& loc : SitemapLocs(r.body, 50'000)) {
      auto url = ResolveUrl(d.task.url, loc);
      if (!url) continue;
      if (index) {
        auto h = hosts.find(key);
        if (h != hosts.end() && HostKey(*url) == key && h->second.sitemaps_fetched < 20) {
          StartSitemap(h->second, std::move(*url), d.task.source);
        }
        continue;
      }
      CompiledSource* src = SourceFor(*url, d.task.source);
      if (!src) continue;
      FetchTask t;
      t.url = *url;
      t.source = src->config->name;
      t.depth = 1;
      t.external = src->config->external;
      tasks.push_back(std::move(t));
    }
    AddLinks(tasks);
  }

  void AddLinks(const std::vector<FetchTask>& tasks) {
    if (tasks.empty()) return;
    auto added = frontier.Add(tasks);
    if (!added) {
      Fail(added.error().WithContext("frontier"));
      return;
    }
    stats.links_discovered += *added;
  }

  void Offer(PageJob job) {
    if (!pending_offers.empty() || !TryOffer(job)) pending_offers.push_back(std::move(job));
  }

  // Offers `job` to the sink; it is moved from only when the sink takes it.
  bool TryOffer(PageJob& job) {
    std::weak_ptr<Mailbox> box = mailbox;
    // What the page's end needs of the response once the sink is done with it: the validators.
    FetchResult meta;
    meta.http_status = job.result.http_status;
    for (const char* name : {"ETag", "Last-Modified"}) {
      if (auto v = HeaderValue(job.result, name); !v.empty()) meta.headers.emplace_back(name, v);
    }
    const bool taken = sink.Offer(job, [box, task = job.task, meta = std::move(meta),
                                        previous = job.previous_ad_ids](PageOutcome o) mutable {
      if (auto b = box.lock()) {
        b->Post(PageDone{std::move(task), std::move(meta), std::move(o), std::move(previous)});
      }
    });
    if (taken) ++jobs_in_sink;
    return taken;
  }

  void OnPage(PageDone& d) {
    --jobs_in_sink;
    if (!d.outcome.error.ok()) {
      // The page stays queued (not finished): a later run fetches it again.
      Fail(d.outcome.error);
      return;
    }
    stats.ads += d.outcome.ads;
    stats.flagged += d.outcome.flagged;
    // Links first, then the page's own end, so a crash in between loses nothing.
    std::vector<FetchTask> tasks;
    if (d.result.http_status != 304) {
      CompiledSource* own = SourceOf(d.task.source);
      std::vector<std::string> outside;
      for (const std::string& link : d.outcome.links) {
        auto url = CanonicalUrl(link);
        if (!url) continue;
        CompiledSource* src = SourceFor(*url, d.task.source);
        if (!src) {
          ++stats.out_of_scope_links;
          outside.push_back(std::move(url.value()));
          continue;
        }
        const int depth = src == own ? d.task.depth + 1 : 0;
        if (src->config->max_depth >= 0 && depth > src->config->max_depth) continue;
        FetchTask t;
        t.url = *url;
        t.source = src->config->name;
        t.depth = depth;
        t.external = src->config->external;
        tasks.push_back(std::move(t));
      }
      AddLinks(tasks);
      if (Status s = frontier.RecordOutOfScope(outside, d.task.source); !s.ok()) Fail(s.WithContext("frontier"));
      ++stats.pages;
      End(d.task, Outcome::kFetched, "", d.result.http_status, &d.result, std::move(d.outcome.ad_ids));
    } else {
      End(d.task, Outcome::kNotModified, "", 304, &d.result, std::move(d.previous_ad_ids));
    }
    // Room in the sink again: offer what waited.
    while (!pending_offers.empty() && TryOffer(pending_offers.front())) pending_offers.pop_front();
  }

  void Handle(Event& e) {
    if (auto* f = std::get_if<FetchDone>(&e)) {
      OnFetch(*f);
    } else {
      OnPage(std::get<PageDone>(e));
    }
  }

  void UpdateCounters() {
    stats.elapsed_ms = clock.NowMs() - stats.started_ms;
    stats.queued = frontier.queued();
    stats.in_flight = in_flight;
    std::set<std::string> active(frontier.hosts_with_work().begin(), frontier.hosts_with_work().end());
    for (const auto& [k, h] : hosts) {
      if (h.in_flight > 0) active.insert(k);
    }
    stats.hosts_active = static_cast<int64_t>(active.size());
  }

  bool Idle() const { return in_flight == 0 && jobs_in_sink == 0 && pending_offers.empty(); }

  Result<CrawlStats> Run(const std::function<void(const CrawlStats&)>& progress) {
    ADWATCH_RETURN_IF_ERROR(frontier.Load());
    stats.started_ms = clock.NowMs();
    // Start URLs of every source (dedup keeps a resumed crawl from starting over).
    std::vector<FetchTask> starts;
    for (const auto& s : sources) {
      for (const std::string& u : s->config->start_urls) {
        auto url = CanonicalUrl(u);
        if (!url) continue;
        FetchTask t;
        t.url = *url;
        t.source = s->config->name;
        t.external = s->config->external;
        starts.push_back(std::move(t));
      }
    }
    AddLinks(starts);
    int64_t next_revisit = 0;
    if (auto due = frontier.QueueDueRevisits(clock.NowMs(), next_revisit); !due) return due.error();

    const int64_t deadline = options.max_duration_ms > 0 ? stats.started_ms + options.max_duration_ms : 0;
    int64_t last_progress = 0;
    int64_t stop_deadline = 0;
    while (true) {
      // 1. Everything that completed.
      std::deque<Event> batch;
      {
        std::lock_guard lock(mailbox->mu);
        batch.swap(mailbox->events);
      }
      for (Event& e : batch) Handle(e);
      const int64_t now = clock.NowMs();
      if (stop_requested.load()) stopping = true;
      if (deadline && now >= deadline && !stopping) {
        stopping = true;
        stats.limit_reached = true;
      }
      if (LimitReached() && Idle()) {
        stats.limit_reached = true;
        break;
      }
      // 2. Revisits that came due.
      if (options.follow && next_revisit && now >= next_revisit) {
        auto due = frontier.QueueDueRevisits(now, next_revisit);
        if (!due) Fail(due.error());
      }
      // 3. What may start now.
      const int64_t wake = Dispatch();
      if (progress && now - last_progress >= 1000) {
        UpdateCounters();
        progress(stats);
        last_progress = now;
      }
      // 4. The end: stopped and drained, or nothing left that could ever start.
      if (stopping) {
        if (stop_deadline == 0) stop_deadline = now + options.stop_grace_ms;
        if (jobs_in_sink == 0 && pending_offers.empty() && (in_flight == 0 || now >= stop_deadline)) break;
      } else if (Idle() && wake == 0) {
        // Nothing in flight, nothing due later: either no work is left, or what is left is held
        // back by a page limit.
        stats.done = frontier.hosts_with_work().empty();
        stats.limit_reached = !stats.done;
        if (!options.follow || stats.limit_reached) break;
      }
      // 5. Sleep until something completes, something becomes due, or a second passes.
      int64_t sleep_ms = 1000;
      if (wake > now) sleep_ms = std::min(sleep_ms, wake - now);
      if (options.follow && next_revisit > now) sleep_ms = std::min(sleep_ms, next_revisit - now);
      if (deadline) sleep_ms = std::min(sleep_ms, std::max<int64_t>(deadline - now, 1));
      std::unique_lock lock(mailbox->mu);
      mailbox->cv.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(sleep_ms, 1)),
                           [&] { return !mailbox->events.empty() || stop_requested.load(); });
    }
    // Whatever is still in flight after the grace period stays queued for the next run.
    UpdateCounters();
    if (progress) progress(stats);
    if (!fatal.ok()) return fatal;
    return stats;
  }

  CrawlerOptions options;
  Fetcher& fetcher;
  storage::Store& store;
  PageSink& sink;
  const Clock& clock;
  Frontier frontier;
  std::shared_ptr<Mailbox> mailbox;
  std::mt19937_64 rng;
  std::vector<std::unique_ptr<CompiledSource>> sources;
  std::unordered_map<std::string, CompiledSource*> by_name;
  std::unordered_map<std::string, HostState> hosts;
  std::deque<PageJob> pending_offers;
  std::string last_host;
  int in_flight = 0;
  int64_t page_fetches_in_flight = 0;
  size_t jobs_in_sink = 0;
  CrawlStats stats;
  Status fatal;
  bool stopping = false;
  std::atomic<bool> stop_requested{false};
};

Crawler::Crawler(CrawlerOptions options, Fetcher& fetcher, storage::Store& store, PageSink& sink,
                 const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), fetcher, store, sink, clock)) {}

Crawler::~Crawler() = default;

Status Crawler::Submit(const std::vector<std::string>& urls, const SourceConfig& source) {
  ADWATCH_RETURN_IF_ERROR(Validate(source));
  if (!impl_->by_name.count(source.name)) impl_->AddSource(source);
  ADWATCH_RETURN_IF_ERROR(impl_->frontier.Load());
  std::vector<FetchTask> tasks;
  for (const std::string& u : urls) {
    auto url = CanonicalUrl(u);
    if (!url) return url.error();
    FetchTask t;
    t.url = *url;
    t.source = source.name;
    t.priority = FetchPriority::kSubmission;
    t.external = source.external;
    tasks.push_back(std::move(t));
  }
  auto added = impl_->frontier.Add(tasks, /*force=*/true);
  return added.status();
}

Result<CrawlStats> Crawler::Run(const std::function<void(const CrawlStats&)>& progress) {
  return impl_->Run(progress);
}

void Crawler::Stop() {
  impl_->stop_requested.store(true);
  impl_->mailbox->Wake();
}

}  // namespace adwatch::crawler
