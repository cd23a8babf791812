// The SSRF guard against the 60 hostile URLs of tests/data/ssrf_vectors.tsv, each run the way its
// last column allows, plus the findings of API.md section 2: proxy variables, port policy, a URL
// over 8 KB, control characters, Unicode host names, cookies, redirect hops.
//
// Network safety: every server here listens on loopback, and no real DNS name is ever resolved
// (names are pinned with FetcherOptions::resolve). A vector whose URL names a non-loopback
// address ("netns") is tested here by its decision only; the test case tagged [.netns] fetches it,
// and runs only inside a network namespace holding nothing but lo (CTest runs it under
// `unshare -rn`; it refuses to run anywhere else).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "adwatch/common/clock.h"
#include "adwatch/common/locale.h"
#include "adwatch/common/names.h"
#include "adwatch/crawler/crawler.h"
#include "adwatch/crawler/fetcher.h"
#include "adwatch/crawler/local_frontier.h"
#include "adwatch/crawler/outside_url.h"
#include "adwatch/crawler/url.h"
#include "support/ssrf_fixture.h"
#include "support/temp_dir.h"
#include "support/test_server.h"

using namespace adwatch;
using namespace adwatch::crawler;
using adwatch::testing::LoadVectors;
using adwatch::testing::NetworkInterfaces;
using adwatch::testing::RedirectTarget;
using adwatch::testing::Route;
using adwatch::testing::Sites;
using adwatch::testing::TestServer;
using adwatch::testing::Vector;

namespace {

// ---- Running a URL ------------------------------------------------------------------------------

FetchResult FetchOnce(Fetcher& fetcher, const std::string& url, bool guarded,
                      const std::string& proxy = "") {
  std::promise<FetchResult> done;
  FetchRequest req;
  req.task.url = url;
  req.guard_addresses = guarded;
  req.proxy = proxy;
  fetcher.Fetch(req, [&done](FetchResult r) { done.set_value(std::move(r)); });
  return done.get_future().get();
}

std::unique_ptr<Fetcher> NewFetcher(const FetcherOptions& f) {
  auto fetcher = NewCurlFetcher(f);
  REQUIRE(fetcher.has_value());
  return std::move(fetcher.value());
}

class CollectingSink final : public PageSink {
 public:
  bool Offer(PageJob& job, std::function<void(PageOutcome)> done) override {
    {
      std::lock_guard lock(mu);
      pages.push_back(job.result);
    }
    done(PageOutcome{});
    return true;
  }
  std::mutex mu;
  std::vector<FetchResult> pages;
};

// What the check path made of one URL from outside.
struct CheckRun {
  std::string refused_early;       // CheckOutsideUrl's message, when it refused
  std::vector<FetchResult> pages;  // what reached the pipeline
  std::vector<UrlRecord> hops;     // the URL's record, then each redirect target's
  std::vector<std::string> hop_urls;

  bool Refused() const {
    if (!refused_early.empty()) return true;
    if (hops.empty()) return false;
    const UrlRecord& last = hops.back();
    return last.outcome == Outcome::kBlocked ||
           (last.outcome == Outcome::kFailed &&
            last.reason.find("not followed") != std::string::npos);
  }
  std::string Why() const {
    if (!refused_early.empty()) return refused_early;
    return hops.empty() ? "no record"
                        : std::string(Name(hops.back().outcome)) + ": " + hops.back().reason;
  }
};

// The path of `adwatch check URL` (and of the API's submissions): CheckOutsideUrl, then a crawl
// of the one URL as a submission from outside (robots.txt first, redirects followed as new URLs,
// every request guarded), with the fetcher options of `f`.
CheckRun RunCheckPath(const std::string& url, const FetcherOptions& f, CrawlerOptions o = {}) {
  CheckRun run;
  if (Status s = CheckOutsideUrl(url, OutsidePolicy(f)); !s.ok()) {
    run.refused_early = s.message();
    return run;
  }
  adwatch::testing::TempDir dir;
  SystemClock clock;
  storage::StoreOptions so;
  so.path = dir / "db";
  so.sync = storage::SyncPolicy::kInterval;
  auto store = storage::Store::Open(so, clock);
  REQUIRE(store.has_value());
  auto fetcher = NewFetcher(f);
  CollectingSink sink;
  o.default_host_delay_ms = 0;
  o.max_retries = 0;
  o.retry_base_ms = 10;
  SourceConfig outside{.name = "submission", .any_host = true, .max_depth = 0, .external = true};
  {
    Crawler crawler(o, *fetcher, **store, sink, clock);
    REQUIRE(crawler.Submit({url}, outside).ok());
    REQUIRE(crawler.Run().has_value());
  }
  run.pages = sink.pages;
  LocalFrontier frontier(**store, clock);
  auto canonical = CanonicalUrl(url);
  REQUIRE(canonical.has_value());
  for (std::string where = *canonical; run.hops.size() < 10;) {
    auto rec = frontier.Lookup(where);
    if (!rec) break;
    run.hops.push_back(*rec);
    run.hop_urls.push_back(where);
    if (rec->outcome != Outcome::kRedirected) break;
    where = rec->redirect_to;
  }
  return run;
}

// Sets environment variables for one scope, and puts the old values back.
class ScopedEnv {
 public:
  void Set(const char* name, const std::optional<std::string>& value) {
    const char* old = std::getenv(name);
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    if (value) {
      setenv(name, value->c_str(), 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second) {
        setenv(it->first.c_str(), it->second->c_str(), 1);
      } else {
        unsetenv(it->first.c_str());
      }
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

bool HasControlByte(const std::string& s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return true;
  }
  return false;
}

// Runs one vector through the fetcher alone and through the check path, and checks its verdict.
// REQUIRES: the vector may be fetched here (fetch or dns; netns only inside a namespace).
void CheckVector(const Sites& sites, const Vector& v, bool in_namespace) {
  const std::string url = sites.Rewrite(v.url);
  std::vector<std::string> pins;
  if (!v.resolve.empty()) pins.push_back(sites.Rewrite(v.resolve));
  const FetcherOptions f = sites.Options(pins);
  const int hits_before = sites.InternalHits();
  INFO("vector " << v.id << " (" << v.what << "): " << url);

  // 1. The fetcher alone, given the URL exactly as it came (not canonicalised).
  const FetchResult direct = FetchOnce(*NewFetcher(f), url, /*guarded=*/true);
  INFO("fetcher: " << adwatch::Name(direct.error) << " " << direct.http_status << " "
                   << direct.error_message);
  // 2. The check path.
  const CheckRun run = RunCheckPath(url, f);
  INFO("check path: " << run.Why());

  CHECK(sites.InternalHits() == hits_before);
  const bool redirects = url.find("/r?to=") != std::string::npos;
  if (v.block) {
    CHECK(run.pages.empty());
    CHECK(run.Refused());
    if (redirects) {
      // The origin is allowed: its 302 comes back, unfollowed, and the check path refuses the hop
      // (a target that is not http(s) is not even queued).
      CHECK(direct.http_status == 302);
      REQUIRE(run.hops.size() >= 1);
      CHECK(run.hops[0].http_status == 302);
      CHECK(run.hops[0].remote_ip == "127.0.0.2");
      CHECK(run.hops.size() == (run.hops[0].outcome == Outcome::kRedirected ? 2u : 1u));
    } else {
      CHECK(direct.error == FetchError::kBlockedAddress);
      CHECK(direct.remote_ip.empty());
    }
    if (v.how == "dns") {
      // Names pass the URL check; the connect-time guard refuses where they lead.
      CHECK_THAT(direct.error_message, Catch::StartsWith("refused to connect to private address"));
    }
  } else if (!in_namespace) {
    REQUIRE(run.pages.size() == 1);
    CHECK(run.pages[0].http_status == 200);
    CHECK(run.pages[0].remote_ip == "127.0.0.2");
    CHECK(direct.http_status == 200);
    CHECK(direct.remote_ip == "127.0.0.2");
  } else {
    // A public address: the guard lets it through and the empty namespace cannot reach it.
    CHECK_FALSE(run.Refused());
    CHECK(direct.error == FetchError::kConnect);
  }
}

// The decision alone, for a vector that must not be fetched here: CheckOutsideUrl, the address a
// pinned name leads to, and for the origin's /r?to=URL the target too. Returns "" for ALLOW.
std::string Decide(const Sites& sites, const std::string& url, const std::string& resolve,
                   const OutsideUrlPolicy& policy) {
  if (Status s = CheckOutsideUrl(url, policy); !s.ok()) return s.message();
  if (!resolve.empty()) {
    const std::string address = resolve.substr(resolve.find(':', resolve.find(':') + 1) + 1);
    if (Status s = CheckOutsideAddress(address, policy.allowed_private_ranges); !s.ok())
      return s.message();
  }
  if (url.rfind(sites.origin->Url("/r?to="), 0) == 0) {
    return Decide(sites, RedirectTarget(url.substr(sites.origin->base_url().size())), "", policy);
  }
  return "";
}

}  // namespace

TEST_CASE("ssrf_vectors.tsv holds the 60 vectors, each with a verdict and a way to run it",
          "[crawler][ssrf]") {
  const auto vectors = LoadVectors();
  REQUIRE(vectors.size() == 60);
  for (size_t i = 0; i < vectors.size(); ++i) CHECK(vectors[i].id == static_cast<int>(i) + 1);
}

TEST_CASE("Every fetch and dns vector meets its verdict through the fetcher and the check path",
          "[crawler][ssrf]") {
  const auto vectors = LoadVectors();
  Sites sites;
  for (const Vector& v : vectors) {
    if (v.how == "netns") continue;
    DYNAMIC_SECTION("vector " << v.id << ": " << v.what) {
      CheckVector(sites, v, /*in_namespace=*/false);
    }
  }
  // The fixture itself works: the internal service answers when asked without the guard.
  auto plain = NewFetcher(sites.Options());
  CHECK(FetchOnce(*plain, sites.internal->Url("/x"), /*guarded=*/false).body == "SECRET");
}

TEST_CASE("Every netns vector gets its verdict from the address policy and CheckOutsideUrl",
          "[crawler][ssrf]") {
  const auto vectors = LoadVectors();
  Sites sites;
  const OutsideUrlPolicy policy = OutsidePolicy(sites.Options());
  int decided = 0;
  for (const Vector& v : vectors) {
    if (v.how != "netns") continue;
    ++decided;
    DYNAMIC_SECTION("vector " << v.id << ": " << v.what) {
      const std::string url = sites.Rewrite(v.url);
      const std::string why = Decide(sites, url, sites.Rewrite(v.resolve), policy);
      INFO(url << " → " << (why.empty() ? "ALLOW" : why));
      CHECK(why.empty() == !v.block);
    }
  }
  CHECK(decided == 20);
}

TEST_CASE("Inside a namespace with only lo, every netns vector is fetched and meets its verdict",
          "[.netns]") {
  // Safety first: anywhere else a broken guard would send these requests out.
  const auto interfaces = NetworkInterfaces();
  INFO("interfaces: " << interfaces.size());
  REQUIRE(interfaces == std::vector<std::string>{"lo"});
  const auto vectors = LoadVectors();
  Sites sites;
  for (const Vector& v : vectors) {
    if (v.how != "netns") continue;
    DYNAMIC_SECTION("vector " << v.id << ": " << v.what) {
      CheckVector(sites, v, /*in_namespace=*/true);
    }
  }
  // Names pinned to inward addresses that are not loopback: refused at connect time.
  for (const char* address : {"169.254.169.254", "10.0.0.1", "[2002:7f00:1::1]",
                              "[64:ff9b::7f00:1]", "[fd00:ec2::254]"}) {
    DYNAMIC_SECTION("a name pinned to " << address) {
      const FetchResult r =
          FetchOnce(*NewFetcher(sites.Options({std::string("inward.test:80:") + address})),
                    "http://inward.test/", /*guarded=*/true);
      CHECK(r.error == FetchError::kBlockedAddress);
      CHECK_THAT(r.error_message, Catch::StartsWith("refused to connect to private address"));
    }
  }
}

TEST_CASE("Every address libcurl dials for a name is judged, embedded IPv4 included",
          "[crawler][ssrf]") {
  Sites sites;
  const std::string port = std::to_string(sites.internal->port());
  for (const char* address : {"127.0.0.1", "::1", "::ffff:127.0.0.1", "127.0.0.3"}) {
    DYNAMIC_SECTION("a name pinned to " << address) {
      auto fetcher = NewFetcher(sites.Options({"inward.test:" + port + ":" + address}));
      const FetchResult r =
          FetchOnce(*fetcher, "http://inward.test:" + port + "/", /*guarded=*/true);
      CHECK(r.error == FetchError::kBlockedAddress);
      CHECK_THAT(r.error_message, Catch::StartsWith("refused to connect to private address"));
      CHECK(sites.InternalHits() == 0);
    }
  }
  SECTION("a name with an inward and an allowed address reaches the allowed one only") {
    const std::string oport = std::to_string(sites.origin->port());
    auto fetcher = NewFetcher(sites.Options({"both.test:" + oport + ":127.0.0.1,127.0.0.2"}));
    const FetchResult r =
        FetchOnce(*fetcher, "http://both.test:" + oport + "/plain", /*guarded=*/true);
    CHECK(r.http_status == 200);
    CHECK(r.remote_ip == "127.0.0.2");
  }
}

TEST_CASE(
    "Guarded fetches ignore proxy variables, while unguarded ones and explicit proxies use them",
    "[crawler][ssrf]") {
  Sites sites;
  auto proxy = adwatch::testing::StartFixtureServer("127.0.0.3");
  REQUIRE(proxy);
  proxy->SetFallback([](std::string_view) { return Route::Html("via proxy"); });
  const std::string plain = sites.origin->Url("/plain");
  const std::string inside = sites.internal->Url("/admin");
  for (const char* variable : {"http_proxy", "ALL_PROXY", "all_proxy"}) {
    DYNAMIC_SECTION(variable << " set to a loopback proxy") {
      ScopedEnv env;
      for (const char* v : {"http_proxy", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy",
                            "no_proxy", "NO_PROXY"}) {
        env.Set(v, std::nullopt);
      }
      env.Set(variable, proxy->base_url());
      auto fetcher = NewFetcher(sites.Options());
      // The variable works: an unguarded request goes through the proxy.
      CHECK(FetchOnce(*fetcher, plain, /*guarded=*/false).body == "via proxy");
      REQUIRE(proxy->Log().size() == 1);
      // A guarded one goes straight to the origin, and the guard sees the origin's address.
      const FetchResult direct = FetchOnce(*fetcher, plain, /*guarded=*/true);
      CHECK(direct.http_status == 200);
      CHECK(direct.remote_ip == "127.0.0.2");
      CHECK_THAT(direct.body, Catch::Contains("ok"));
      // An internal URL is refused, not handed to the proxy.
      const FetchResult refused = FetchOnce(*fetcher, inside, /*guarded=*/true);
      CHECK(refused.error == FetchError::kBlockedAddress);
      // Through the check path too.
      CHECK(RunCheckPath(plain, sites.Options()).pages.size() == 1);
      CHECK(proxy->Log().size() == 1);
      CHECK(sites.InternalHits() == 0);
    }
  }
  SECTION("an explicit proxy is used, and enforces the policy itself") {
    auto fetcher = NewFetcher(sites.Options());
    const FetchResult r = FetchOnce(*fetcher, plain, /*guarded=*/true, proxy->base_url());
    CHECK(r.body == "via proxy");
    CHECK(proxy->Log().size() == 1);
    // The URL is still checked before anything is sent to the proxy.
    CHECK(FetchOnce(*fetcher, "http://127.0.0.1:22/", /*guarded=*/true, proxy->base_url()).error ==
          FetchError::kBlockedAddress);
    CHECK(proxy->Log().size() == 1);
  }
}

TEST_CASE("A guarded fetch refuses a port the policy does not name, without connecting",
          "[crawler][ssrf]") {
  Sites sites;
  auto other =
      adwatch::testing::StartFixtureServer("127.0.0.2");  // a service on a port that is not allowed
  REQUIRE(other);
  other->SetFallback([](std::string_view) { return Route::Text("ssh banner"); });
  const std::string port = std::to_string(other->port());
  auto fetcher =
      NewFetcher(sites.Options({"public.test:22:127.0.0.2", "public.test:" + port + ":127.0.0.2"}));
  const FetchResult ssh = FetchOnce(*fetcher, "http://public.test:22/", /*guarded=*/true);
  CHECK(ssh.error == FetchError::kBlockedAddress);
  CHECK(ssh.error_message ==
        "refused http://public.test:22/: port 22 is not allowed (allowed: 80, 443, " +
            std::to_string(sites.internal->port()) + ", " + std::to_string(sites.origin->port()) +
            ")");
  const FetchResult other_port =
      FetchOnce(*fetcher, "http://public.test:" + port + "/", /*guarded=*/true);
  CHECK(other_port.error == FetchError::kBlockedAddress);
  CHECK_THAT(other_port.error_message, Catch::Contains("port " + port + " is not allowed"));
  CHECK(other->Log().empty());
  // The check path says the same before anything is fetched.
  CHECK_THAT(RunCheckPath("http://93.184.215.14:22/", sites.Options()).refused_early,
             Catch::Contains("port 22 is not allowed"));
}

TEST_CASE("A URL over 8 KB is refused as too long, not as unparsable", "[crawler][ssrf]") {
  Sites sites;
  const std::string url = sites.origin->Url("/plain?q=" + std::string(9000, 'a'));
  CHECK_THAT(CheckOutsideUrl(url, OutsidePolicy(sites.Options())).message(),
             Catch::EndsWith("too long (" + std::to_string(url.size()) + " bytes; at most 8192)"));
  const FetchResult r = FetchOnce(*NewFetcher(sites.Options()), url, /*guarded=*/true);
  CHECK(r.error == FetchError::kBlockedAddress);
  CHECK_THAT(r.error_message, Catch::Contains("too long"));
  CHECK(r.error_message.size() < 400);
  CHECK_THAT(CanonicalUrl(url).error().message(), Catch::Contains("too long"));
  CHECK(sites.origin->Log().empty());
}

TEST_CASE("Control characters in a URL are refused and echoed escaped", "[crawler][ssrf]") {
  Sites sites;
  auto fetcher = NewFetcher(sites.Options());
  for (const std::string& tail : {std::string("a\r\nX-Injected: 1"), std::string("\x1b[31mred"),
                                  std::string("\x1b]8;;http://evil.test\x07link"),
                                  std::string("\xC2\x9B"
                                              "2J")}) {
    const std::string url = sites.origin->Url("/") + tail;
    const FetchResult r = FetchOnce(*fetcher, url, /*guarded=*/true);
    INFO(r.error_message);
    CHECK(r.error == FetchError::kBlockedAddress);
    CHECK_THAT(r.error_message, Catch::Contains("control character"));
    CHECK_FALSE(HasControlByte(r.error_message));
    CHECK(r.error_message.find("\xC2\x9B") == std::string::npos);
    const CheckRun run = RunCheckPath(url, sites.Options());
    CHECK_FALSE(HasControlByte(run.refused_early));
  }
  const FetchResult crlf = FetchOnce(*fetcher, sites.origin->Url("/a\r\nb"), /*guarded=*/true);
  CHECK_THAT(crlf.error_message,
             Catch::Contains("/a\\x0d\\x0ab: holds a control character (\\x0d)"));
  CHECK(sites.origin->Log().empty());
}

TEST_CASE("A Unicode host name is fetched once the locale is UTF-8", "[crawler][ssrf]") {
  REQUIRE(InitLocale());
  Sites sites;
  const std::string port = std::to_string(sites.origin->port());
  // Pinned under its ASCII (punycode) form, which is what libcurl looks up.
  const FetcherOptions f = sites.Options({"xn--bcher-kva.test:" + port + ":127.0.0.2"});
  const std::string url = "http://bücher.test:" + port + "/plain";
  const FetchResult r = FetchOnce(*NewFetcher(f), url, /*guarded=*/true);
  INFO(r.error_message);
  CHECK(r.http_status == 200);
  CHECK(r.remote_ip == "127.0.0.2");
  REQUIRE(sites.origin->LogFor("/plain").size() == 1);
  CHECK(sites.origin->LogFor("/plain")[0].host == "xn--bcher-kva.test:" + port);
  // Through the check path, robots.txt first.
  const CheckRun run = RunCheckPath(url, f);
  INFO(run.Why());
  CHECK(run.pages.size() == 1);
  CHECK(sites.origin->LogFor("/robots.txt").size() == 1);
  // The same name pinned inward is refused at connect time.
  const std::string iport = std::to_string(sites.internal->port());
  const FetchResult inward =
      FetchOnce(*NewFetcher(sites.Options({"xn--bcher-kva.test:" + iport + ":127.0.0.1"})),
                "http://bücher.test:" + iport + "/", /*guarded=*/true);
  CHECK(inward.error == FetchError::kBlockedAddress);
  CHECK(sites.InternalHits() == 0);
}

TEST_CASE("Fetches share no cookies, guarded or not", "[crawler][ssrf]") {
  Sites sites;
  sites.origin->Set("/login", Route::Html("set").WithHeader("Set-Cookie", "sid=secret; Path=/"));
  auto fetcher = NewFetcher(sites.Options());
  for (bool guarded : {true, false}) {
    CHECK(FetchOnce(*fetcher, sites.origin->Url("/login"), guarded).http_status == 200);
    CHECK(FetchOnce(*fetcher, sites.origin->Url("/plain"), guarded).http_status == 200);
  }
  const auto log = sites.origin->LogFor("/plain");
  REQUIRE(log.size() == 2);
  for (const auto& request : log) {
    for (const auto& h : request.headers) CHECK_FALSE(h.name == "Cookie");
  }
}

TEST_CASE("Redirects from outside are re-checked hop by hop, recorded, and cut after 5",
          "[crawler][ssrf]") {
  Sites sites;
  for (int i = 1; i <= 8; ++i) {
    sites.origin->Set("/h" + std::to_string(i), Route::Redirect("/h" + std::to_string(i + 1), 302));
  }
  CrawlerOptions o;
  o.max_redirects = 10;  // a URL from outside gets 5 whatever the config says
  const CheckRun run = RunCheckPath(sites.origin->Url("/h1"), sites.Options(), o);
  REQUIRE(run.hops.size() == 6);
  for (size_t i = 0; i < run.hops.size(); ++i) {
    INFO("hop " << i + 1);
    CHECK(run.hop_urls[i] == sites.origin->Url("/h" + std::to_string(i + 1)));
    CHECK(run.hops[i].outcome == Outcome::kRedirected);
    CHECK(run.hops[i].http_status == 302);
    CHECK(run.hops[i].remote_ip == "127.0.0.2");
    CHECK(run.hops[i].redirect_to == sites.origin->Url("/h" + std::to_string(i + 2)));
  }
  CHECK(sites.origin->Hits("/h6") == 1);
  CHECK(sites.origin->Hits("/h7") == 0);

  // A hop that leaves the allowed address is refused, and the chain says where it came from.
  const CheckRun inward =
      RunCheckPath(sites.origin->Url("/r?to=http%3A%2F%2Flocalhost%3A" +
                                     std::to_string(sites.internal->port()) + "%2Fx"),
                   sites.Options());
  REQUIRE(inward.hops.size() == 2);
  CHECK(inward.hops[0].remote_ip == "127.0.0.2");
  CHECK(inward.hops[1].outcome == Outcome::kBlocked);
  CHECK_THAT(inward.hops[1].reason, Catch::Contains("refused to connect to private address"));
  CHECK(sites.InternalHits() == 0);
}
