// Helpers of the `adwatch serve` tests: a running service with its own database and config on a
// free loopback port, and a small HTTP client that never goes through a proxy.
#ifndef ADWATCH_TESTS_APP_SERVE_SUPPORT_H_
#define ADWATCH_TESTS_APP_SERVE_SUPPORT_H_

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
#include <string>
#include <thread>

#include "support/run.h"

namespace adwatch::testing {

struct Reply {
  long status = 0;
  std::string body;
};

inline size_t Collect(char* p, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, size * n);
  return size * n;
}

// One request to the service; never through a proxy, whatever the environment says.
inline Reply Call(const std::string& method, const std::string& url, const std::string& token = "",
                  const std::string& body = "",
                  const std::string& content_type = "application/json") {
  CURL* c = curl_easy_init();
  Reply r;
  curl_slist* headers = nullptr;
  if (!token.empty())
    headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
  if (!body.empty())
    headers = curl_slist_append(headers, ("Content-Type: " + content_type).c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (!body.empty()) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());  // binary-safe with the size below
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 15000L);
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  return r;
}

inline nlohmann::json Json(const Reply& r) { return nlohmann::json::parse(r.body, nullptr, false); }

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

// Polls a submission until it is done or failed (for up to `seconds`: reading an image with OCR
// takes a few seconds, more under the sanitizers).
inline nlohmann::json WaitDone(const Service& s, const std::string& token, const std::string& id,
                               int seconds = 10) {
  for (int i = 0; i < seconds * 20; ++i) {
    auto j = Json(Call("GET", s.Url("/v1/submissions/" + id), token));
    if (j.is_object() && (j["status"] == "done" || j["status"] == "failed")) return j;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("submission " << id << " never finished");
  return {};
}

}  // namespace adwatch::testing

#endif  // ADWATCH_TESTS_APP_SERVE_SUPPORT_H_
