#include "admin.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "adwatch/common/escape.h"

namespace adwatch::app {
namespace {

constexpr size_t kMaxRequestBytes = 512u << 20;  // `import` sends its file inline

bool FillAddress(const std::string& path, sockaddr_un& addr) {
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return true;
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads one line (without '\n') of at most `max` bytes into `line`. False at EOF or error.
bool ReadLine(int fd, std::string& buffer, std::string& line, size_t max) {
  while (true) {
    const size_t nl = buffer.find('\n');
    if (nl != std::string::npos) {
      line = buffer.substr(0, nl);
      buffer.erase(0, nl + 1);
      return true;
    }
    if (buffer.size() > max) return false;
    char chunk[65536];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
  }
}

std::string UserName(uid_t uid) {
  passwd pw;
  passwd* found = nullptr;
  char buf[1024];
  if (getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found) return found->pw_name;
  return std::to_string(uid);
}

class SocketOutput final : public CommandOutput {
 public:
  explicit SocketOutput(int fd) : fd_(fd) {}
  void Out(const std::string& line) override { Send("out", line); }
  void Err(const std::string& line) override { Send("err", line); }

 private:
  void Send(const char* key, const std::string& line) {
    WriteAll(fd_, nlohmann::json{{key, line}}.dump(-1, ' ', false,
                                                   nlohmann::json::error_handler_t::replace) +
                      "\n");
  }
  int fd_;
};

}  // namespace

std::string Sprintf(const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  const int n = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::string out(n > 0 ? static_cast<size_t>(n) : 0, '\0');
  if (n > 0) std::vsnprintf(out.data(), out.size() + 1, format, args);
  va_end(args);
  return out;
}

std::string DefaultAdminSocket(const std::string& db_path) {
  std::string p = db_path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p + ".admin.sock";
}

void TerminalOutput::Out(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void TerminalOutput::Err(const std::string& line) {
  std::fputs(line.c_str(), stderr);
  std::fputc('\n', stderr);
}

Result<std::unique_ptr<AdminServer>> AdminServer::Start(
    const std::string& path, std::map<std::string, AdminCommand> commands) {
  sockaddr_un addr;
  if (!FillAddress(path, addr)) {
    return Status::InvalidArgument(path, "admin socket path is too long for a Unix socket");
  }
  // A live service already answering there must not be displaced; a stale file is removed.
  const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe >= 0) {
    const bool live = ::connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(probe);
    if (live) return Status::Unavailable(path, "another adwatch serve answers on this socket");
  }
  ::unlink(path.c_str());
  std::unique_ptr<AdminServer> s(new AdminServer());
  s->path_ = path;
  s->commands_ = std::move(commands);
  s->listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s->listen_fd_ < 0) return Status::IOError(path, std::strerror(errno));
  // Created with no permissions for group and others from the first moment, then listened on.
  const mode_t old_mask = ::umask(0077);
  const int bound = ::bind(s->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::umask(old_mask);
  if (bound != 0 || ::chmod(path.c_str(), 0600) != 0 || ::listen(s->listen_fd_, 16) != 0) {
    const std::string why = std::strerror(errno);
    ::close(s->listen_fd_);
    s->listen_fd_ = -1;
    return Status::IOError(path, "cannot make the admin socket: " + why);
  }
  if (::pipe2(s->wake_, O_CLOEXEC) != 0) return Status::IOError("pipe", std::strerror(errno));
  AdminServer* raw = s.get();
  s->thread_ = std::thread([raw] { raw->Loop(); });
  return s;
}

AdminServer::~AdminServer() {
  stopping_.store(true);
  if (wake_[1] >= 0) (void)::write(wake_[1], "x", 1);
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lock(mu_);
    for (auto& t : workers_) t.join();
    workers_.clear();
  }
  if (listen_fd_ >= 0) ::close(listen_fd_);
  for (int fd : wake_) {
    if (fd >= 0) ::close(fd);
  }
  if (!path_.empty()) ::unlink(path_.c_str());
}

void AdminServer::Loop() {
  while (!stopping_.load()) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0 || stopping_.load()) return;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard lock(mu_);
    workers_.emplace_back([this, fd] {
      Serve(fd);
      ::close(fd);
    });
  }
}

void AdminServer::Serve(int fd) {
  ucred cred;
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
      (cred.uid != ::geteuid() && cred.uid != 0)) {
    WriteAll(fd, "{\"exit\":1,\"error\":\"this user may not run commands on the service\"}\n");
    return;
  }
  std::string buffer, line;
  if (!ReadLine(fd, buffer, line, kMaxRequestBytes)) return;
  nlohmann::json req = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  auto fail = [&](const std::string& why) {
    WriteAll(fd, nlohmann::json{{"exit", 2}, {"error", why}}.dump() + "\n");
  };
  if (!req.is_object() || !req.contains("cmd") || !req["cmd"].is_string()) {
    return fail("malformed request");
  }
  const std::string cmd = req["cmd"].get<std::string>();
  auto it = commands_.find(cmd);
  if (it == commands_.end()) return fail("unknown command '" + EscapeControl(cmd) + "'");
  const nlohmann::json args = req.value("args", nlohmann::json::object());
  const std::string user = "cli:" + UserName(cred.uid);
  SocketOutput out(fd);
  int code = 1;
  try {
    code = it->second(args, user, out);
  } catch (const std::exception& e) {
    out.Err(std::string("the service failed: ") + e.what());
    code = 1;
  }
  WriteAll(fd, nlohmann::json{{"exit", code}}.dump() + "\n");
}

Result<int> CallAdmin(const std::string& path, const std::string& cmd, const nlohmann::json& args,
                      CommandOutput& out) {
  sockaddr_un addr;
  if (!FillAddress(path, addr)) return Status::NotFound(path, "no admin socket");
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IOError("socket", std::strerror(errno));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int e = errno;
    ::close(fd);
    if (e == ENOENT || e == ECONNREFUSED) return Status::NotFound(path, "no service listens");
    if (e == EACCES || e == EPERM) {
      return Status::Unavailable(path,
                                 "the service's admin socket refuses this user; run the "
                                 "command as the service's user");
    }
    return Status::IOError(path, std::strerror(e));
  }
  const std::string request = nlohmann::json{{"cmd", cmd}, {"args", args}}.dump(
                                  -1, ' ', false, nlohmann::json::error_handler_t::replace) +
                              "\n";
  if (!WriteAll(fd, request)) {
    ::close(fd);
    return Status::IOError(path, "the service closed the admin connection");
  }
  std::string buffer, line;
  while (ReadLine(fd, buffer, line, 64u << 20)) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) continue;
    if (j.contains("out") && j["out"].is_string()) out.Out(j["out"].get<std::string>());
    if (j.contains("err") && j["err"].is_string()) out.Err(j["err"].get<std::string>());
    if (j.contains("exit") && j["exit"].is_number_integer()) {
      if (j.contains("error") && j["error"].is_string()) out.Err(j["error"].get<std::string>());
      ::close(fd);
      return j["exit"].get<int>();
    }
  }
  ::close(fd);
  return Status::IOError(path, "the service closed the admin connection before the command ended");
}

}  // namespace adwatch::app
