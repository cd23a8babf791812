// `adwatch crawl` and `adwatch check` as a user runs them, against a loopback test server:
// a crawl killed with SIGKILL resumes without losing a URL or storing an ad twice; check refuses
// private addresses unless the config allows them.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "adwatch/common/clock.h"
#include "adwatch/crawler/local_frontier.h"
#include "adwatch/crawler/url.h"
#include "adwatch/storage/store.h"
#include "support/run.h"
#include "support/test_server.h"

using adwatch::testing::Adwatch;
using adwatch::testing::Route;
using adwatch::testing::RunCommand;
using adwatch::testing::TempDir;
using adwatch::testing::TestServer;

namespace {

// Starts `adwatch` with `args` in the background; returns its pid.
pid_t Spawn(const std::vector<std::string>& args, const std::string& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    freopen(log.c_str(), "w", stdout);
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

std::string JobPage(int i, int n) {
  std::string html =
      "<html><head><title>Lowongan " + std::to_string(i) +
      "</title></head><body><article>"
      "<h1>Staf gudang " +
      std::to_string(i) +
      "</h1><p>Dibutuhkan staf gudang di Bekasi, "
      "kontrak satu tahun, gaji sesuai UMR. Kirim lamaran ke kantor kami.</p></article>";
  for (int k = 1; k <= 3; ++k)
    html += "<a href=\"/job/" + std::to_string((i + k * 7) % n) + "\">lain</a> ";
  return html + "</body></html>";
}

}  // namespace

TEST_CASE("A crawl killed with SIGKILL resumes: no URL lost, no ad stored twice", "[app]") {
  constexpr int kPages = 120;
  auto started = TestServer::Start({});
  REQUIRE(started.has_value());
  TestServer& server = **started;
  std::string index = "<html><body>";
  for (int i = 0; i < kPages; ++i) {
    server.Set("/job/" + std::to_string(i), Route::Html(JobPage(i, kPages)).WithDelay(40));
    index += "<a href=\"/job/" + std::to_string(i) + "\">job</a> ";
  }
  server.Serve("/", index + "</body></html>");
  TempDir dir;
  const std::string db = dir / "db";
  const std::vector<std::string> args = {
      "crawl",        "--start", server.Url("/"), "--db", db, "--host-connections", "4",
      "--host-delay", "0"};
  // Job pages the server has answered so far.
  auto answered = [&] {
    int n = 0;
    for (const auto& r : server.Log()) n += r.complete && r.path.rfind("/job/", 0) == 0;
    return n;
  };
  // Kill it twice mid-run, each time once the server has answered ten more job pages (a fixed
  // time is too early on a slow or sanitized build, too late on a fast one), then let it finish.
  for (int round = 0; round < 2; ++round) {
    const int target = answered() + 10;
    const pid_t pid = Spawn(args, dir / "log.txt");
    int status = 0;
    bool exited = false;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (answered() < target && std::chrono::steady_clock::now() < give_up) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;  // it ended on its own: the check below says so
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!exited) {
      REQUIRE(kill(pid, SIGKILL) == 0);
      waitpid(pid, &status, 0);
    }
    INFO("round " << round << ": " << answered() << " job pages answered");
    CHECK(WIFSIGNALED(status));
  }
  const int before_last = server.Hits("/") + [&] {
    int n = 0;
    for (int i = 0; i < kPages; ++i) n += server.Hits("/job/" + std::to_string(i));
    return n;
  }();
  CHECK(before_last > 0);
  CHECK(before_last < kPages + 1);  // the kills really came mid-run
  auto finished = RunCommand(Adwatch() + " crawl --json --start " + server.Url("/") + " --db " +
                             db + " --host-connections 4 --host-delay 0");
  REQUIRE(finished.exit_code == 0);
  CHECK_THAT(finished.out, Catch::Contains("\"done\":true"));

  // No URL lost: every page was fetched, and every URL ended as fetched.
  for (int i = 0; i < kPages; ++i) CHECK(server.Hits("/job/" + std::to_string(i)) >= 1);
  adwatch::SystemClock clock;
  adwatch::storage::StoreOptions so;
  so.path = db;
  auto store = adwatch::storage::Store::Open(so, clock);
  REQUIRE(store.has_value());
  adwatch::crawler::LocalFrontier frontier(**store, clock);
  REQUIRE(frontier.Open().ok());
  CHECK(frontier.Counts().queued == 0);
  for (int i = 0; i < kPages; ++i) {
    auto rec =
        frontier.Lookup(*adwatch::crawler::CanonicalUrl(server.Url("/job/" + std::to_string(i))));
    REQUIRE(rec.has_value());
    CHECK(rec->outcome == adwatch::crawler::Outcome::kFetched);
  }
  // No ad stored twice: one ad per job page, whatever was fetched again after a kill.
  std::set<std::string> urls;
  int ads = 0;
  REQUIRE((*store)
              ->ForEachAd("", "",
                          [&](const adwatch::AdRecord& r) {
                            ++ads;
                            urls.insert(r.ad.url);
                            return true;
                          })
              .ok());
  CHECK(ads == static_cast<int>(urls.size()));
  CHECK(urls.size() >= kPages);
  auto check = (*store)->Check();
  REQUIRE(check.has_value());
  CHECK(check->problems.empty());
}

TEST_CASE("check refuses a private address unless the config allows it", "[app]") {
  auto started = TestServer::Start({});
  REQUIRE(started.has_value());
  TestServer& server = **started;
  server.Serve("/iklan",
               "<html><body><article><p>Dibutuhkan admin ke Kamboja, gaji 15 juta, tiket "
               "ditanggung, visa turis. WA 0812 5555 0101</p></article></body></html>");
  TempDir dir;
  auto refused = RunCommand(Adwatch() + " check " + server.Url("/iklan") + " --db " + (dir / "db"));
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.out, Catch::Contains("blocked") && Catch::Contains("private address"));
  CHECK(server.Hits("/iklan") == 0);

  const std::string cfg =
      dir.Write("adwatch.yaml", "crawl:\n  allowed_private_ranges: [127.0.0.0/8]\n");
  auto allowed = RunCommand(Adwatch() + " --config " + cfg + " check " + server.Url("/iklan") +
                            " --lang en --db " + (dir / "db2"));
  REQUIRE(allowed.exit_code == 0);
  CHECK_THAT(allowed.out, Catch::Contains("level HIGH"));
  CHECK_THAT(allowed.out, Catch::Contains("+6281255550101"));
}

TEST_CASE("A crawl backs up the database it holds, and the backup restores", "[app]") {
  auto started = TestServer::Start({});
  REQUIRE(started.has_value());
  TestServer& server = **started;
  std::string index = "<html><body>";
  for (int i = 0; i < 5; ++i) {
    server.Serve("/job/" + std::to_string(i), JobPage(i, 5));
    index += "<a href=\"/job/" + std::to_string(i) + "\">job</a> ";
  }
  server.Serve("/", index + "</body></html>");
  TempDir dir;
  const std::string config = dir / "adwatch.yaml";
  std::ofstream(config) << "crawl:\n  backup_dir: backups\n  backup_keep: 2\n";
  const std::string db = dir / "db";
  const std::string crawl_cmd = Adwatch() + " crawl --config " + config + " --start " +
                                server.Url("/") + " --db " + db +
                                " --host-connections 2 --host-delay 0";
  // A backup is taken as each crawl starts (then every crawl.maintenance_every while it runs),
  // into the folder named relative to the config file: the second run's holds the first's ads.
  for (const char* want : {"backup 1 written to", "backup 2 written to"}) {
    auto crawl = RunCommand(crawl_cmd);
    INFO(crawl.out << crawl.err);
    REQUIRE(crawl.exit_code == 0);
    CHECK_THAT(crawl.err, Catch::Contains(want));
  }
  auto restored =
      RunCommand(Adwatch() + " restore " + (dir / "backups") + " --db " + (dir / "restored"));
  INFO(restored.out << restored.err);
  REQUIRE(restored.exit_code == 0);
  auto exported = RunCommand(Adwatch() + " export --format jsonl --db " + (dir / "restored"));
  REQUIRE(exported.exit_code == 0);
  CHECK(std::count(exported.out.begin(), exported.out.end(), '\n') >= 5);
}

TEST_CASE("crawl explains what is missing", "[app]") {
  auto r = RunCommand(Adwatch() + " crawl --db /tmp/adwatch-never-created");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("nothing to crawl"));
  auto bad =
      RunCommand(Adwatch() + " crawl --start ftp://example.com/ --db /tmp/adwatch-never-created");
  CHECK(bad.exit_code == 2);
}
