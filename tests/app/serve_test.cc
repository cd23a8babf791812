// `adwatch serve` as an operator and its users meet it: started as a process with a config and a
// database, asked over HTTP on loopback by an NGO and a police token, managed through the admin
// socket while it runs, stopped with SIGTERM and started again.
#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "support/run.h"
#include "support/test_server.h"

using adwatch::testing::Adwatch;
using adwatch::testing::Route;
using adwatch::testing::RunCommand;
using adwatch::testing::TempDir;
using adwatch::testing::TestServer;

namespace {

struct Reply {
  long status = 0;
  std::string body;
};

size_t Collect(char* p, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, size * n);
  return size * n;
}

// One request to the service; never through a proxy, whatever the environment says.
Reply Call(const std::string& method, const std::string& url, const std::string& token = "",
           const std::string& body = "") {
  CURL* c = curl_easy_init();
  Reply r;
  curl_slist* headers = nullptr;
  if (!token.empty())
    headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
  if (!body.empty()) headers = curl_slist_append(headers, "Content-Type: application/json");
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (!body.empty()) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 15000L);
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  return r;
}

nlohmann::json Json(const Reply& r) { return nlohmann::json::parse(r.body, nullptr, false); }

// A running `adwatch serve` with its own database and config, on a free loopback port.
class Service {
 public:
  explicit Service(const std::string& extra_config = "", const std::string& db = "") {
    db_ = db.empty() ? dir_ / "db" : db;
    config_ = dir_.Write("adwatch.yaml", "storage: {path: " + db_ + "}\n" + extra_config);
    Start();
  }
  ~Service() { Stop(SIGKILL); }

  void Start() {
    log_ = dir_ / ("serve-" + std::to_string(++starts_) + ".log");
    pid_ = fork();
    if (pid_ == 0) {
      // One file, opened once for appending, behind both streams: no line overwrites another.
      const int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      const std::string bin = Adwatch();
      execl(bin.c_str(), bin.c_str(), "--config", config_.c_str(), "serve", "--no-crawl",
            "--listen", "127.0.0.1:0", static_cast<char*>(nullptr));
      _exit(127);
    }
    const std::regex listening("listening on (http://127\\.0\\.0\\.1:[0-9]+)");
    for (int i = 0; i < 300 && base_.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::smatch m;
      const std::string log = Log();
      if (std::regex_search(log, m, listening)) base_ = m[1];
    }
    REQUIRE(!base_.empty());
  }

  // Sends `sig` and waits for the exit; returns the exit code (or -1).
  int Stop(int sig = SIGTERM) {
    if (pid_ <= 0) return -1;
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    base_.clear();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string Token(const std::string& org, const std::string& role,
                    const std::string& extra = "") {
    auto r = RunCommand(Adwatch() + " --config " + config_ + " token create --org " + org +
                        " --role " + role + " " + extra);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::string t = r.out;
    while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
    return t;
  }

  std::string Log() const {
    std::ifstream f(log_);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }

  std::string Url(const std::string& path) const { return base_ + path; }
  const std::string& config() const { return config_; }
  const std::string& db() const { return db_; }

 private:
  TempDir dir_;
  std::string db_, config_, log_, base_;
  pid_t pid_ = -1;
  int starts_ = 0;
};

// Polls a submission until it is done or failed.
nlohmann::json WaitDone(const Service& s, const std::string& token, const std::string& id) {
  for (int i = 0; i < 200; ++i) {
    auto j = Json(Call("GET", s.Url("/v1/submissions/" + id), token));
    if (j.is_object() && (j["status"] == "done" || j["status"] == "failed")) return j;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("submission " << id << " never finished");
  return {};
}

const char* kLure =
    "<html><head><title>Lowongan admin Kamboja</title></head><body><article><h1>DICARI ADMIN "
    "CS ONLINE</h1><p>Penempatan Kamboja (Sihanoukville). Gaji 15 juta per bulan, tiket dan "
    "visa ditanggung perusahaan, tanpa pengalaman, berangkat minggu depan. Hubungi WA "
    "+62 812 5550 1234 atau Telegram @rekrut_kh_555.</p></article></body></html>";

}  // namespace

TEST_CASE("An NGO submits a link and a pasted text and reads the verdicts", "[app][serve]") {
  auto site = TestServer::Start({.address = "127.0.0.2"});
  REQUIRE(site);
  (*site)->Set("/robots.txt", Route::Text("User-agent: *\nDisallow: /private/\n"));
  (*site)->Set("/loker/1", Route::Html(kLure));
  (*site)->Set("/private/1", Route::Html(kLure));
  const std::string port = std::to_string((*site)->port());
  Service s("api: {submission_allow_ranges: [127.0.0.2/32], submission_allow_ports: [" + port +
            "]}\n");
  const std::string ngo = s.Token("yayasan-a", "ngo");
  const std::string police = s.Token("polda-kepri", "police");

  // A link: fetched through the guard, classified, stored; the police see its ad.
  auto r = Call("POST", s.Url("/v1/submissions"), ngo,
                R"({"url":")" + (*site)->Url("/loker/1") + R"("})");
  REQUIRE(r.status == 202);
  auto done = WaitDone(s, ngo, Json(r)["id"]);
  INFO(done.dump());
  REQUIRE(done["status"] == "done");
  const auto& result = done["result"];
  CHECK(result["verdict"]["level"] == "high");
  CHECK(result["verdict"]["pattern"] == "compound_scam");
  CHECK(result["summary"].get<std::string>().find("Risiko TINGGI") == 0);
  CHECK(!result["contacts"].empty());
  const std::string ad_id = result["ad_id"];
  CHECK(Call("GET", s.Url("/v1/ads/" + ad_id), police).status == 200);

  // robots.txt applies.
  auto denied = Call("POST", s.Url("/v1/submissions"), ngo,
                     R"({"url":")" + (*site)->Url("/private/1") + R"("})");
  auto failed = WaitDone(s, ngo, Json(denied)["id"]);
  CHECK(failed["status"] == "failed");
  CHECK(failed["reason"].get<std::string>().find("robots.txt") != std::string::npos);
  CHECK((*site)->LogFor("/private/1").empty());

  // A pasted text: private unless shared; the shared one links to the link's ad by its phone.
  auto text = Call(
      "POST", s.Url("/v1/submissions?lang=en"), ngo,
      R"({"text":"Dicari admin ke Kamboja, gaji 15 juta, tiket ditanggung. WA +62 812 5550 1234"})");
  REQUIRE(text.status == 202);
  auto verdict = WaitDone(s, ngo, Json(text)["id"]);
  REQUIRE(verdict["status"] == "done");
  CHECK(verdict["result"]["other_flagged_ads_sharing_a_contact"] == 1);
  CHECK(!verdict["result"].contains("ad_id"));
  auto ads = Json(Call("GET", s.Url("/v1/ads"), police));
  CHECK(ads["items"].size() == 1);  // the private text is not among the ads
  CHECK(s.Stop() == 0);
}

TEST_CASE("serve refuses to listen beyond loopback without TLS", "[app][serve]") {
  TempDir dir;
  const std::string config = dir.Write("adwatch.yaml", "storage: {path: " + (dir / "db") + "}\n");
  auto r = RunCommand(Adwatch() + " --config " + config + " serve --no-crawl --listen 0.0.0.0:0");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("without TLS") != std::string::npos);
}

TEST_CASE("Tokens are made and revoked while serve runs, and a revoked one is refused at once",
          "[app][serve]") {
  Service s;
  const std::string police = s.Token("polres-kupang", "police");  // through the admin socket
  CHECK(Call("GET", s.Url("/v1/ads"), police).status == 200);
  auto list = RunCommand(Adwatch() + " --config " + s.config() + " token list");
  REQUIRE(list.exit_code == 0);
  CHECK(list.out.find("polres-kupang") != std::string::npos);
  CHECK(list.out.find(police) == std::string::npos);  // the text is never shown again
  auto revoke =
      RunCommand(Adwatch() + " --config " + s.config() + " token revoke " + police.substr(4, 8));
  INFO(revoke.err);
  REQUIRE(revoke.exit_code == 0);
  CHECK(Call("GET", s.Url("/v1/ads"), police).status == 401);
  // A second writer process is not needed: the reading commands open the store beside it.
  auto review = RunCommand(Adwatch() + " --config " + s.config() + " review list --day 2026-11-22");
  CHECK(review.exit_code == 0);
}

TEST_CASE("SIGTERM lets requests finish, and a restart resumes queued submissions",
          "[app][serve]") {
  auto site = TestServer::Start({.address = "127.0.0.2"});
  REQUIRE(site);
  (*site)->Set("/robots.txt", Route::Text("User-agent: *\n"));
  // Slow enough that the stop arrives while the submission is being fetched.
  (*site)->Set("/slow", Route::Html(kLure).WithDelay(1500));
  const std::string port = std::to_string((*site)->port());
  Service s("api: {submission_allow_ranges: [127.0.0.2/32], submission_allow_ports: [" + port +
            "], submission_fetches: 1}\n");
  const std::string ngo = s.Token("yayasan-b", "ngo");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto r = Call("POST", s.Url("/v1/submissions"), ngo,
                  R"({"url":")" + (*site)->Url("/slow") + R"("})");
    REQUIRE(r.status == 202);
    ids.push_back(Json(r)["id"]);
  }
  // Requests in flight while the stop comes: each gets an answer, none a reset.
  std::vector<std::thread> clients;
  std::atomic<int> answered{0};
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&] {
      auto r = Call("GET", s.Url("/v1/submissions"), ngo);
      if (r.status == 200 || r.status == 503) ++answered;
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(s.Stop(SIGTERM) == 0);
  for (auto& t : clients) t.join();
  CHECK(answered == 8);
  CHECK(s.Log().find("stopped cleanly") != std::string::npos);

  s.Start();
  for (const std::string& id : ids) {
    auto j = WaitDone(s, ngo, id);
    CHECK(j["status"] == "done");
  }
  INFO(s.Log());
  CHECK(s.Log().find("resumed") != std::string::npos);
}

TEST_CASE("/metrics is read by Prometheus's own text parser", "[app][serve]") {
  Service s;
  const std::string police = s.Token("polda-ntt", "police");
  Call("GET", s.Url("/v1/ads"), police);
  Call("GET", s.Url("/v1/ads"), "adw_" + std::string(43, 'x'));
  auto m = Call("GET", s.Url("/metrics"));
  REQUIRE(m.status == 200);
  TempDir dir;
  const std::string file = dir.Write("metrics.txt", m.body);
  // prometheus_client (Debian's python3-prometheus-client) parses the exposition format.
  auto parsed = RunCommand(
      "/usr/bin/python3 -c \"import sys; from prometheus_client.parser import "
      "text_string_to_metric_families as p; fams = list(p(open(sys.argv[1]).read())); "
      "names = {s.name + str(sorted(s.labels.items())) + '=' + str(s.value) for f in fams for s in "
      "f.samples}; print(len(fams)); print('\\n'.join(sorted(names)))\" " +
      file);
  INFO(parsed.err);
  REQUIRE(parsed.exit_code == 0);
  CHECK(
      parsed.out.find("adwatch_api_requests_total[('route', '/v1/ads'), ('status', '200')]=1.0") !=
      std::string::npos);
  CHECK(
      parsed.out.find("adwatch_api_requests_total[('route', '/v1/ads'), ('status', '401')]=1.0") !=
      std::string::npos);
  CHECK(parsed.out.find("adwatch_api_request_duration_seconds_bucket") != std::string::npos);
}
