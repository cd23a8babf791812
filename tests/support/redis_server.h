// RedisServer: a redis-server of the test's own, on a free loopback port with its data (AOF on,
// no RDB snapshots) in a folder the test owns; stopped when the object goes away. Tests inspect
// it with redis-cli. The Debian package redis-server provides both (scripts/install-deps.sh).
#ifndef ADWATCH_TESTS_SUPPORT_REDIS_SERVER_H_
#define ADWATCH_TESTS_SUPPORT_REDIS_SERVER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/run.h"

namespace adwatch::testing {

class RedisServer {
 public:
  // Whether redis-server is installed. Tests that need it fail (not skip) without it, with
  // kMissing: scripts/test.sh installs it, so CI always runs them.
  static bool Installed() { return access("/usr/bin/redis-server", X_OK) == 0; }
  static constexpr const char* kMissing =
      "redis-server is not installed: run scripts/install-deps.sh (Debian package redis-server)";

  // Starts one with its files in `dir`, on a free port (or `port`). Null when it does not answer.
  static std::unique_ptr<RedisServer> Start(const std::string& dir, int port = 0) {
    std::unique_ptr<RedisServer> s(new RedisServer(dir));
    for (int attempt = 0; attempt < 5; ++attempt) {
      s->port_ = port ? port : FreePort();
      if (s->Launch()) return s;
      if (port) break;
    }
    return nullptr;
  }

  ~RedisServer() { Stop(SIGTERM); }

  int port() const { return port_; }
  std::string url(int db = 0) const {
    return "redis://127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db);
  }

  // Sends `sig` and waits for the process to end.
  void Stop(int sig) {
    if (pid_ <= 0) return;
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  // Starts it again on the same port and folder (it reloads its AOF). False when it won't answer.
  bool Restart() { return Launch(); }

  // redis-cli's answer to `args` (a shell-quoted argument string), trailing newline removed.
  std::string Cli(const std::string& args) const {
    auto r = RunCommand("redis-cli -h 127.0.0.1 -p " + std::to_string(port_) + " " + args);
    std::string out = r.out;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  }
  long CliInt(const std::string& args) const {
    const std::string s = Cli(args);
    return s.empty() ? 0 : std::atol(s.c_str());
  }

 private:
  explicit RedisServer(std::string dir) : dir_(std::move(dir)) {}

  static int FreePort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
  }

  bool Answers() const {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = false;
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      const char ping[] = "PING\r\n";
      char buf[64] = {};
      timeval tv{1, 0};
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      if (write(fd, ping, sizeof ping - 1) > 0 && read(fd, buf, sizeof buf - 1) > 0) {
        ok = std::string(buf).rfind("+PONG", 0) == 0;
      }
    }
    close(fd);
    return ok;
  }

  bool Launch() {
    const std::string port = std::to_string(port_);
    const std::string log = dir_ + "/redis.log";
    pid_ = fork();
    if (pid_ == 0) {
      std::freopen(log.c_str(), "a", stdout);
      std::freopen(log.c_str(), "a", stderr);
      execl("/usr/bin/redis-server", "redis-server", "--bind", "127.0.0.1", "--port", port.c_str(),
            "--dir", dir_.c_str(), "--save", "", "--appendonly", "yes", "--appendfsync", "everysec",
            "--daemonize", "no", "--maxmemory-policy", "noeviction", static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 100; ++i) {
      if (Answers()) return true;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: the port was taken
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    Stop(SIGKILL);
    return false;
  }

  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace adwatch::testing

#endif  // ADWATCH_TESTS_SUPPORT_REDIS_SERVER_H_
