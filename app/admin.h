// The admin socket of `adwatch serve`: how the operator's commands that write (token, review
// label, rescore, import, backup) reach the running service, which holds the database's only
// writer. A Unix socket beside the database (`<db>.admin.sock`, or api.admin_socket), mode 0600
// and checked with SO_PEERCRED: only the service's own user (or root) is answered. Never TCP.
//
// One request per connection: a JSON line {"cmd": NAME, "args": {...}, "user": WHO}; the service
// answers with lines {"out": TEXT} (progress and output, as the command would print them) and a
// last line {"exit": CODE} or {"exit": CODE, "error": TEXT}.
#ifndef ADWATCH_APP_ADMIN_H_
#define ADWATCH_APP_ADMIN_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "adwatch/common/status.h"

namespace adwatch::app {

// The socket path for the database at `db_path` when the config names none.
std::string DefaultAdminSocket(const std::string& db_path);

// Where a command writes its output: the terminal, or the admin socket's client.
class CommandOutput {
 public:
  virtual ~CommandOutput() = default;
  virtual void Out(const std::string& line) = 0;  // one line, without its newline
  virtual void Err(const std::string& line) = 0;
};

// printf into a string, for CommandOutput lines.
std::string Sprintf(const char* format, ...) __attribute__((format(printf, 1, 2)));

// Output to stdout / stderr.
class TerminalOutput final : public CommandOutput {
 public:
  void Out(const std::string& line) override;
  void Err(const std::string& line) override;
};

// A command the service runs for the socket's client: `args` as sent, output through `out`;
// returns the exit code.
using AdminCommand =
    std::function<int(const nlohmann::json& args, const std::string& user, CommandOutput& out)>;

class AdminServer {
 public:
  // Listens on `path` (a stale socket file left by a crash is replaced; a live one is an error:
  // another service answers there). Commands run one connection per thread. Unavailable when the
  // path is served by a running process; IOError when the socket cannot be made.
  static Result<std::unique_ptr<AdminServer>> Start(const std::string& path,
                                                    std::map<std::string, AdminCommand> commands);
  // Stops accepting, waits for running commands, removes the socket file.
  ~AdminServer();

  const std::string& path() const { return path_; }

 private:
  AdminServer() = default;
  void Loop();
  void Serve(int fd);

  std::string path_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  std::map<std::string, AdminCommand> commands_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
  std::atomic<bool> stopping_{false};
};

// Sends one command to the service listening on `path`, passing every output line to `out`.
// Returns the command's exit code; NotFound when no service listens there (the caller then opens
// the database itself); Unavailable when the socket refuses this user; IOError when the
// connection breaks.
Result<int> CallAdmin(const std::string& path, const std::string& cmd, const nlohmann::json& args,
                      CommandOutput& out);

}  // namespace adwatch::app

#endif  // ADWATCH_APP_ADMIN_H_
