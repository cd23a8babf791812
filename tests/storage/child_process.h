// Runs the storage_test_writer helper as a child process and collects its output lines.
#ifndef ADWATCH_TESTS_STORAGE_CHILD_PROCESS_H_
#define ADWATCH_TESTS_STORAGE_CHILD_PROCESS_H_

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace adwatch::storage::testing {

class ChildProcess {
 public:
  // Starts `argv[0]` with `argv`, stdout into a pipe. pid() is -1 when that failed.
  explicit ChildProcess(const std::vector<std::string>& argv) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    close(fds[1]);
    fd_ = fds[0];
    fcntl(fd_, F_SETFL, O_NONBLOCK);
  }
  ~ChildProcess() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) close(fd_);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // Reads output for `ms` milliseconds (or until the child closes its end).
  void ReadFor(int ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!eof_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
      if (left <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left)) > 0) Drain();
    }
  }

  // Reads output until a line equal to `line` arrives (true) or `ms` milliseconds pass.
  bool ReadUntil(const std::string& line, int ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::find(lines_.begin(), lines_.end(), line) == lines_.end()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
      if (left <= 0 || eof_) return false;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left)) > 0) Drain();
    }
    return true;
  }

  // SIGKILLs the child, waits for it and reads what it wrote before dying.
  void Kill() {
    kill(pid_, SIGKILL);
    Wait();
  }

  // Waits for the child to exit, reads all its output; returns the wait status.
  int Wait() {
    int status = 0;
    if (!reaped_) {
      waitpid(pid_, &status, 0);
      reaped_ = true;
      status_ = status;
    }
    fcntl(fd_, F_SETFL, 0);
    while (!eof_) Drain();
    return status_;
  }

  // Complete lines written so far (a line cut by the kill is not included).
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  void Drain() {
    char buf[4096];
    const ssize_t n = read(fd_, buf, sizeof buf);
    if (n == 0) {
      eof_ = true;
      return;
    }
    if (n < 0) return;
    partial_.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = partial_.find('\n')) != std::string::npos) {
      lines_.push_back(partial_.substr(0, nl));
      partial_.erase(0, nl + 1);
    }
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  bool eof_ = false;
  bool reaped_ = false;
  int status_ = 0;
  std::string partial_;
  std::vector<std::string> lines_;
};

}  // namespace adwatch::storage::testing

#endif  // ADWATCH_TESTS_STORAGE_CHILD_PROCESS_H_
