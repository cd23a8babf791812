// The Redis mode as a user runs it (docs/distributed.md): `adwatch crawl --frontier` workers and
// one `adwatch ingest`, each test with its own redis-server on a free loopback port and loopback
// test sites. Checked: the site is crawled completely with every page stored exactly once, also
// when a worker is SIGKILLed mid-crawl (its leases come back), when the ingest is SIGKILLed and
// restarted (it re-reads what it had not acknowledged), and when Redis itself is SIGKILLed and
// restarted from its AOF; and each host's delay and connection cap hold across workers, read from
// the test servers' own logs. Kills wait for events (pages answered), not for time.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "adwatch/common/clock.h"
#include "adwatch/storage/store.h"
#include "support/redis_server.h"
#include "support/run.h"
#include "support/test_server.h"

using adwatch::testing::Adwatch;
using adwatch::testing::LoggedRequest;
using adwatch::testing::RedisServer;
using adwatch::testing::Route;
using adwatch::testing::RunCommand;
using adwatch::testing::TempDir;
using adwatch::testing::TestServer;

namespace {

constexpr int kHosts = 3;
constexpr int kPagesPerHost = 30;
constexpr int kDelayMs = 100;
// Each page answers after kRouteMs.
constexpr int kRouteMs = 15;
// The server notes an answer's end when its completion handler runs, which on a loaded machine
// (two cores shared with builds, load 10+) came up to ~20 ms after the last byte left: the slack
// allowed. Arrivals are noted by a handler too, so one can be late by as much: arrival to arrival
// is checked against the delay plus the route's answer time, less that slack (a full ctest -j2
// once saw 99.97 ms between arrivals whose true gap was at least 115 ms).
constexpr int kEndSlackMs = 25;

pid_t Spawn(const std::vector<std::string>& args, const std::string& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    freopen(log.c_str(), "a", stdout);
    freopen(log.c_str(), "a", stderr);
    std::vector<char*> argv;
    const std::string bin = Adwatch();
    argv.push_back(const_cast<char*>(bin.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

// Waits for `pid` to exit (at most `seconds`); its exit code, or -1 (then it is killed).
int Wait(pid_t pid, int seconds = 60) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  int status = 0;
  while (std::chrono::steady_clock::now() < give_up) {
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -1;
}

void Kill(pid_t pid) {
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
}

std::string JobPage(int host, int i) {
  std::string html = "<html><head><title>Lowongan " + std::to_string(host) + "-" +
                     std::to_string(i) + "</title></head><body><article><h1>Staf gudang " +
                     std::to_string(host) + "-" + std::to_string(i) +
                     "</h1><p>Dibutuhkan staf gudang di Bekasi, kontrak satu tahun, gaji sesuai "
                     "UMR. Kirim lamaran ke kantor kami.</p></article>";
  for (int k = 1; k <= 3; ++k) {
    html += "<a href=\"/job/" + std::to_string((i + k * 7) % kPagesPerHost) + "\">lain</a> ";
  }
  return html + "</body></html>";
}

// kHosts loopback sites (127.0.0.2, .3, …) of kPagesPerHost job pages each, an index linking them.
struct Sites {
  Sites() {
    for (int h = 0; h < kHosts; ++h) {
      auto s = TestServer::Start({.address = "127.0.0." + std::to_string(h + 2)});
      REQUIRE(s.has_value());
      std::string index = "<html><body>";
      for (int i = 0; i < kPagesPerHost; ++i) {
        (*s)->Set("/job/" + std::to_string(i), Route::Html(JobPage(h, i)).WithDelay(kRouteMs));
        if (i % 3 == 0) index += "<a href=\"/job/" + std::to_string(i) + "\">job</a> ";
      }
      (*s)->Serve("/", index + "</body></html>");
      servers.push_back(std::move(*s));
    }
  }
  std::string Seeds(const TempDir& dir) const {
    std::string yaml = "sources:\n";
    for (size_t h = 0; h < servers.size(); ++h) {
      yaml += "  - name: site" + std::to_string(h) + "\n    start_urls: [" + servers[h]->Url("/") +
              "]\n";
    }
    return dir.Write("seeds.yaml", yaml);
  }
  // Job pages answered in full, all sites together.
  int Answered() const {
    int n = 0;
    for (const auto& s : servers) {
      for (const auto& r : s->Log()) n += r.complete && r.path.rfind("/job/", 0) == 0;
    }
    return n;
  }
  // Requests for job pages beyond the first, per path: the fetches repeated.
  int Repeats() const {
    int n = 0;
    for (const auto& s : servers) {
      for (int i = 0; i < kPagesPerHost; ++i) {
        n += std::max(0, s->Hits("/job/" + std::to_string(i)) - 1);
      }
    }
    return n;
  }
  std::vector<std::unique_ptr<TestServer>> servers;
};

// Waits until the sites answered `n` job pages, or `pid` ended; false when it ended.
bool WaitAnswered(const Sites& sites, int n, pid_t pid) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (sites.Answered() < n && std::chrono::steady_clock::now() < give_up) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return sites.Answered() >= n;
}

std::vector<std::string> WorkerArgs(const RedisServer& redis, const std::string& seeds) {
  return {"crawl",
          "--frontier",
          redis.url(),
          "--seeds",
          seeds,
          "--json",
          "--host-delay",
          std::to_string(kDelayMs),
          "--host-connections",
          "1",
          "--lease",
          "2s"};
}

std::vector<std::string> IngestArgs(const RedisServer& redis, const std::string& db) {
  return {"ingest", "--frontier", redis.url(), "--db", db, "--until-done", "--json"};
}

// Every job page stored exactly once: one ad per job page (the index pages hold one too), no ad
// and no page twice.
void CheckStoredOnce(const std::string& db) {
  adwatch::SystemClock clock;
  adwatch::storage::StoreOptions so;
  so.path = db;
  so.access = adwatch::storage::AccessMode::kReadOnly;
  auto store = adwatch::storage::Store::Open(so, clock);
  REQUIRE(store.has_value());
  std::set<std::string> urls, pages;
  int ads = 0, job_ads = 0;
  REQUIRE((*store)
              ->ForEachAd("", "",
                          [&](const adwatch::AdRecord& r) {
                            ++ads;
                            job_ads += r.ad.url.find("/job/") != std::string::npos;
                            urls.insert(r.ad.url);
                            pages.insert(r.page_id);
                            return true;
                          })
              .ok());
  CHECK(job_ads == kHosts * kPagesPerHost);
  CHECK(urls.size() == static_cast<size_t>(ads));
  CHECK(pages.size() == static_cast<size_t>(ads));
  auto check = (*store)->Check();
  REQUIRE(check.has_value());
  CHECK(check->problems.empty());
}

// What the Redis frontier must hold once the crawl is over: nothing queued or leased, nothing
// unstored, every connection given back.
void CheckFrontierEmpty(const RedisServer& redis) {
  CHECK(redis.CliInt("ZCARD adw:lease") == 0);
  CHECK(redis.CliInt("HGET adw:stats queued") == 0);
  CHECK(redis.CliInt("XLEN adw:results") == 0);
  CHECK(redis.CliInt("HLEN adw:busy") == 0);
  CHECK(redis.CliInt("SCARD adw:hold") == 0);
}

// Politeness from each server's own log: never two requests at once (one connection per host,
// over all workers), and each request arrives at least the delay after the previous answer ended.
void CheckPolite(const Sites& sites) {
  for (const auto& s : sites.servers) {
    std::vector<LoggedRequest> log = s->Log();
    std::sort(log.begin(), log.end(),
              [](const auto& a, const auto& b) { return a.arrival < b.arrival; });
    for (size_t i = 0; i < log.size(); ++i) {
      INFO(s->host_port() << " request " << i << " " << log[i].target);
      CHECK(log[i].requests_in_flight == 1);
      if (i == 0 || !log[i - 1].finished) continue;
      const auto gap = std::chrono::duration_cast<std::chrono::microseconds>(log[i].arrival -
                                                                             log[i - 1].finished_at)
                           .count();
      CHECK(gap >= (kDelayMs - kEndSlackMs) * 1000);
      CHECK(log[i].arrival - log[i - 1].arrival >=
            std::chrono::milliseconds(kDelayMs + kRouteMs - kEndSlackMs));
    }
  }
}

}  // namespace

TEST_CASE(
    "Two workers and one ingest crawl the sites completely, politely, each page stored once, "
    "and a worker and the ingest SIGKILLed mid-crawl lose nothing",
    "[app][redis]") {
  if (!RedisServer::Installed()) FAIL(RedisServer::kMissing);
  TempDir dir;
  auto redis = RedisServer::Start(dir.path().string());
  REQUIRE(redis);
  Sites sites;
  const std::string seeds = sites.Seeds(dir);
  const std::string db = dir / "db";
  // A police unit watches one page's words: the ingest matches every ad it stores, and an ingest
  // killed and replayed still raises the alert once.
  const std::string config = dir.Write("adwatch.yaml", "storage: {path: " + db + "}\n");
  auto watch = RunCommand(Adwatch() + " --config " + config +
                          " watch add keyword 'staf gudang 0.1\\b' --org polda-kalbar");
  INFO(watch.err);
  REQUIRE(watch.exit_code == 0);
  pid_t ingest = Spawn(IngestArgs(*redis, db), dir / "ingest.log");
  const pid_t w1 = Spawn(WorkerArgs(*redis, seeds), dir / "w1.log");
  const pid_t w2 = Spawn(WorkerArgs(*redis, seeds), dir / "w2.log");
  // A worker dies mid-crawl: its leases come back when they expire (2 s).
  REQUIRE(WaitAnswered(sites, 15, w1));
  Kill(w1);
  // The ingest dies mid-crawl and is started again: it reads what it had not acknowledged.
  REQUIRE(WaitAnswered(sites, 45, w2));
  Kill(ingest);
  INFO(sites.Answered() << " pages answered at the ingest's kill");
  ingest = Spawn(IngestArgs(*redis, db), dir / "ingest.log");
  CHECK(Wait(w2) == 0);
  CHECK(Wait(ingest) == 0);
  auto w2_log = RunCommand("cat " + dir / "w2.log").out;
  INFO("worker 2: " << w2_log);
  CHECK_THAT(w2_log, Catch::Contains("\"done\":true"));

  for (const auto& s : sites.servers) {
    for (int i = 0; i < kPagesPerHost; ++i) CHECK(s->Hits("/job/" + std::to_string(i)) >= 1);
  }
  CheckStoredOnce(db);
  CheckFrontierEmpty(*redis);
  // Fetches repeated: at most the leases the killed worker held (reaped), none otherwise.
  const long reaped = redis->CliInt("HGET adw:stats reaped");
  INFO("repeated fetches " << sites.Repeats() << ", reaped leases " << reaped);
  CHECK(sites.Repeats() <= reaped);
  CheckPolite(sites);
  auto alerts =
      RunCommand(Adwatch() + " --config " + config + " alerts list --since 1d --org polda-kalbar");
  INFO(alerts.out << alerts.err);
  CHECK(alerts.exit_code == 0);
  CHECK(std::count(alerts.out.begin(), alerts.out.end(), '\n') == 1);
  CHECK_THAT(alerts.out, Catch::Contains("staf gudang 0"));
}

TEST_CASE(
    "A worker stalled past its lease (SIGSTOP): its URLs go to the other worker, its late "
    "ends are dropped, each page is stored once",
    "[app][redis]") {
  if (!RedisServer::Installed()) FAIL(RedisServer::kMissing);
  TempDir dir;
  auto redis = RedisServer::Start(dir.path().string());
  REQUIRE(redis);
  Sites sites;
  const std::string seeds = sites.Seeds(dir);
  const std::string db = dir / "db";
  const pid_t ingest = Spawn(IngestArgs(*redis, db), dir / "ingest.log");
  const pid_t w1 = Spawn(WorkerArgs(*redis, seeds), dir / "w1.log");
  const pid_t w2 = Spawn(WorkerArgs(*redis, seeds), dir / "w2.log");
  REQUIRE(WaitAnswered(sites, 20, w1));
  REQUIRE(kill(w1, SIGSTOP) == 0);
  // Resume it once another worker has reaped a lease of it (an event, not a time).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (redis->CliInt("HGET adw:stats reaped") < 1 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const long reaped = redis->CliInt("HGET adw:stats reaped");
  REQUIRE(kill(w1, SIGCONT) == 0);
  CHECK(Wait(w1) == 0);
  CHECK(Wait(w2) == 0);
  CHECK(Wait(ingest) == 0);
  INFO("reaped " << reaped << ", stale ends " << redis->CliInt("HGET adw:stats stale"));
  if (reaped >= 1) CHECK(redis->CliInt("HGET adw:stats stale") >= 1);
  CHECK(sites.Repeats() <= redis->CliInt("HGET adw:stats reaped"));
  CheckStoredOnce(db);
  CheckFrontierEmpty(*redis);
  CheckPolite(sites);
}

TEST_CASE("Redis SIGKILLed mid-crawl and restarted from its AOF: the crawl continues, nothing lost",
          "[app][redis]") {
  if (!RedisServer::Installed()) FAIL(RedisServer::kMissing);
  TempDir dir;
  auto redis = RedisServer::Start(dir.path().string());
  REQUIRE(redis);
  Sites sites;
  const std::string seeds = sites.Seeds(dir);
  const std::string db = dir / "db";
  const pid_t ingest = Spawn(IngestArgs(*redis, db), dir / "ingest.log");
  const pid_t w1 = Spawn(WorkerArgs(*redis, seeds), dir / "w1.log");
  const pid_t w2 = Spawn(WorkerArgs(*redis, seeds), dir / "w2.log");
  REQUIRE(WaitAnswered(sites, 30, w1));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // appendfsync everysec
  redis->Stop(SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  REQUIRE(redis->Restart());
  CHECK(Wait(w1) == 0);
  CHECK(Wait(w2) == 0);
  CHECK(Wait(ingest) == 0);
  for (const auto& s : sites.servers) {
    for (int i = 0; i < kPagesPerHost; ++i) CHECK(s->Hits("/job/" + std::to_string(i)) >= 1);
  }
  CheckStoredOnce(db);
  CheckFrontierEmpty(*redis);
}

TEST_CASE("An embedded crawl's frontier moves into Redis without losing its seen-set",
          "[app][redis]") {
  if (!RedisServer::Installed()) FAIL(RedisServer::kMissing);
  TempDir dir;
  auto redis = RedisServer::Start(dir.path().string());
  REQUIRE(redis);
  Sites sites;
  const std::string db = dir / "db";
  // Half a crawl in the embedded mode.
  auto first = RunCommand(Adwatch() + " crawl --json --start " + sites.servers[0]->Url("/") +
                          " --db " + db + " --host-delay 0 --max-pages 12");
  REQUIRE(first.exit_code == 0);
  const int fetched_before = sites.Answered();
  REQUIRE(fetched_before > 0);
  auto exported = RunCommand(Adwatch() + " frontier export --db " + db);
  REQUIRE(exported.exit_code == 0);
  CHECK_THAT(exported.out, Catch::Contains("{\"seen\":"));
  CHECK_THAT(exported.out, Catch::Contains("{\"task\":"));
  auto imported =
      RunCommand(Adwatch() + " frontier import --frontier " + redis->url(), exported.out);
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  CHECK_THAT(imported.out, Catch::Contains("tasks queued"));
  // The rest in the Redis mode: no page fetched twice, every page fetched.
  const std::string seeds = dir.Write("seeds.yaml", "sources:\n  - name: start\n    start_urls: [" +
                                                        sites.servers[0]->Url("/") + "]\n");
  const pid_t ingest = Spawn(IngestArgs(*redis, dir / "db2"), dir / "ingest.log");
  const pid_t w = Spawn(WorkerArgs(*redis, seeds), dir / "w.log");
  CHECK(Wait(w) == 0);
  CHECK(Wait(ingest) == 0);
  for (int i = 0; i < kPagesPerHost; ++i) {
    CHECK(sites.servers[0]->Hits("/job/" + std::to_string(i)) == 1);
  }
  CHECK(sites.servers[0]->Hits("/") == 1);
  // Bad input is refused in words.
  auto bad = RunCommand(Adwatch() + " frontier import --frontier " + redis->url(), "{\"x\":1}\n");
  CHECK(bad.exit_code != 0);
  CHECK_THAT(bad.err, Catch::Contains("line 1"));
  auto bad_url =
      RunCommand(Adwatch() + " crawl --frontier redis://127.0.0.1:0/0 --start http://127.0.0.2/");
  CHECK(bad_url.exit_code == 2);
  CHECK_THAT(bad_url.err, Catch::Contains("port"));
  auto both = RunCommand(Adwatch() + " crawl --frontier " + redis->url() +
                         " --db x --start http://127.0.0.2/");
  CHECK(both.exit_code == 2);
}
