// A raw TCP client for the server's hardening tests: sends exactly the bytes a test writes
// (malformed, dribbled, endless) and reads what comes back, with timeouts. Loopback only: it
// connects to 127.x.y.z addresses given as text, optionally from a chosen 127.x source address.
#ifndef ADWATCH_TESTS_HTTP_RAW_CLIENT_H_
#define ADWATCH_TESTS_HTTP_RAW_CLIENT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace adwatch::testing {

// What a read saw.
enum class ReadEnd {
  kData,     // stopped because the wanted bytes arrived
  kClosed,   // the server closed the connection (FIN)
  kReset,    // the server reset the connection
  kTimeout,  // nothing more within the timeout
};

class RawClient {
 public:
  RawClient() = default;
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  RawClient(RawClient&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  ~RawClient() { Close(); }

  // Connects to `address`:`port` (an IPv4 loopback address), from `source` when it is not
  // empty. Returns false on failure.
  bool Connect(const std::string& address, uint16_t port, const std::string& source = "") {
    Close();
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return false;
    if (!source.empty()) {
      sockaddr_in from{};
      from.sin_family = AF_INET;
      if (::inet_pton(AF_INET, source.c_str(), &from.sin_addr) != 1) return false;
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0) return false;
    }
    return ConnectFd(address, port);
  }

  // Takes over an already created socket (for tests that must create it before the process
  // runs out of descriptors) and connects it.
  bool ConnectExisting(int fd, const std::string& address, uint16_t port) {
    Close();
    fd_ = fd;
    return ConnectFd(address, port);
  }

  // Sends all of `data`; false when the connection refuses more (closed, reset, or blocked
  // for 2 s because the server stopped reading).
  bool Send(std::string_view data) {
    while (!data.empty()) {
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, 2000) <= 0) return false;
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads into `out` until `stop` appears in what was read, the connection ends, or
  // `timeout` passes without the stop string. An empty `stop` reads until the end.
  ReadEnd ReadUntil(std::string& out, std::string_view stop, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[16384];
    while (true) {
      if (!stop.empty() && out.find(stop) != std::string::npos) return ReadEnd::kData;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return ReadEnd::kTimeout;
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return ReadEnd::kTimeout;
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
      if (n > 0) {
        out.append(buf, static_cast<size_t>(n));
      } else if (n == 0) {
        return ReadEnd::kClosed;
      } else if (errno == ECONNRESET) {
        return ReadEnd::kReset;
      } else if (errno != EAGAIN && errno != EINTR) {
        return ReadEnd::kClosed;
      }
    }
  }

  // Reads one response's head ("HTTP/1.1 413 ...\r\n...\r\n\r\n") and returns it, or what
  // arrived before the connection ended or `timeout` passed.
  std::string ReadHead(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    std::string out;
    ReadUntil(out, "\r\n\r\n", timeout);
    return out;
  }

  // Reads until the server closes the connection (or resets it, or `timeout` passes).
  ReadEnd ReadToEnd(std::string& out,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    return ReadUntil(out, "", timeout);
  }

  int fd() const { return fd_; }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  bool ConnectFd(const std::string& address, uint16_t port) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    if (::inet_pton(AF_INET, address.c_str(), &to.sin_addr) != 1) return false;
    if ((ntohl(to.sin_addr.s_addr) >> 24) != 127) return false;  // loopback only, always
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0) return false;
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return true;
  }

  int fd_ = -1;
};

// The status code of a response head ("HTTP/1.1 431 ..." → 431), or 0 when there is none.
inline int StatusOf(std::string_view head) {
  if (head.size() < 12 || head.substr(0, 5) != "HTTP/") return 0;
  const size_t space = head.find(' ');
  if (space == std::string_view::npos || space + 4 > head.size()) return 0;
  int status = 0;
  for (size_t i = space + 1; i < space + 4; ++i) {
    if (head[i] < '0' || head[i] > '9') return 0;
    status = status * 10 + (head[i] - '0');
  }
  return status;
}

}  // namespace adwatch::testing

#endif  // ADWATCH_TESTS_HTTP_RAW_CLIENT_H_
