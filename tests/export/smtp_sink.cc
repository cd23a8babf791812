#include "smtp_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace adwatch::testing {
namespace {

bool SendAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// The address inside "<...>" of a MAIL/RCPT argument.
std::string Address(const std::string& line) {
  const size_t lt = line.find('<');
  const size_t gt = line.find('>', lt == std::string::npos ? 0 : lt);
  if (lt == std::string::npos || gt == std::string::npos) return "";
  return line.substr(lt + 1, gt - lt - 1);
}

// Reads lines ending in CRLF from a socket, giving up when the sink stops.
class LineReader {
 public:
  LineReader(int fd, const std::atomic<bool>& stop) : fd_(fd), stop_(stop) {}
  bool Next(std::string& line) {
    while (true) {
      const size_t eol = buf_.find("\r\n");
      if (eol != std::string::npos) {
        line = buf_.substr(0, eol);
        buf_.erase(0, eol + 2);
        return true;
      }
      pollfd p{fd_, POLLIN, 0};
      const int r = ::poll(&p, 1, 100);
      if (stop_) return false;
      if (r <= 0) continue;
      char chunk[4096];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  int fd_;
  const std::atomic<bool>& stop_;
  std::string buf_;
};

}  // namespace

std::unique_ptr<SmtpSink> SmtpSink::Start() {
  std::unique_ptr<SmtpSink> s(new SmtpSink());
  s->listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s->listen_fd_ < 0) return nullptr;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(s->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return nullptr;
  if (::listen(s->listen_fd_, 4) != 0) return nullptr;
  socklen_t len = sizeof addr;
  if (::getsockname(s->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return nullptr;
  s->port_ = ntohs(addr.sin_port);
  s->thread_ = std::thread([p = s.get()] { p->Serve(); });
  return s;
}

SmtpSink::~SmtpSink() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

std::string SmtpSink::url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

void SmtpSink::RejectRecipient(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  rejected_.insert(address);
}

bool SmtpSink::WaitForMessages(size_t n, int timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                      [&] { return messages_.size() >= n; });
}

std::vector<SmtpSink::Message> SmtpSink::messages() const {
  std::lock_guard<std::mutex> lock(mu_);
  return messages_;
}

std::vector<std::string> SmtpSink::commands() const {
  std::lock_guard<std::mutex> lock(mu_);
  return commands_;
}

void SmtpSink::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Session(fd);
    ::close(fd);
  }
}

void SmtpSink::Session(int fd) {
  LineReader in(fd, stop_);
  if (!SendAll(fd, "220 127.0.0.1 adwatch-test-sink ESMTP\r\n")) return;
  Message m;
  std::string line;
  while (in.Next(line)) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      commands_.push_back(line);
    }
    const std::string verb = Upper(line.substr(0, line.find(' ')));
    std::string reply = "502 5.5.1 not implemented\r\n";
    if (verb == "EHLO") {
      reply = "250-127.0.0.1 hello\r\n250-8BITMIME\r\n250 SIZE 52428800\r\n";
    } else if (verb == "HELO") {
      reply = "250 127.0.0.1 hello\r\n";
    } else if (verb == "MAIL") {
      m = Message();
      m.mail_from = Address(line);
      reply = "250 2.1.0 ok\r\n";
    } else if (verb == "RCPT") {
      const std::string to = Address(line);
      std::lock_guard<std::mutex> lock(mu_);
      if (rejected_.count(to) != 0) {
        reply = "550 5.1.1 no such mailbox\r\n";
      } else {
        m.rcpt.push_back(to);
        reply = "250 2.1.5 ok\r\n";
      }
    } else if (verb == "DATA") {
      if (m.rcpt.empty()) {
        reply = "554 5.5.1 no valid recipients\r\n";
      } else {
        if (!SendAll(fd, "354 end data with <CR><LF>.<CR><LF>\r\n")) return;
        std::string data;
        bool done = false;
        while (in.Next(line)) {
          if (line == ".") {
            done = true;
            break;
          }
          if (!line.empty() && line[0] == '.') line.erase(0, 1);  // dot-unstuffing
          data += line + "\r\n";
        }
        if (!done) return;
        m.data = std::move(data);
        {
          std::lock_guard<std::mutex> lock(mu_);
          messages_.push_back(m);
        }
        cv_.notify_all();
        reply = "250 2.0.0 queued\r\n";
      }
    } else if (verb == "RSET") {
      m = Message();
      reply = "250 2.0.0 ok\r\n";
    } else if (verb == "NOOP") {
      reply = "250 2.0.0 ok\r\n";
    } else if (verb == "QUIT") {
      SendAll(fd, "221 2.0.0 bye\r\n");
      return;
    }
    if (!SendAll(fd, reply)) return;
  }
}

std::string Base64Decode(const std::string& in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int bits = 0;
  uint32_t acc = 0;
  for (char c : in) {
    const int v = value(c);
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::string MailPart(const std::string& data, const std::string& header) {
  const size_t h = data.find(header);
  if (h == std::string::npos) return "";
  const size_t body = data.find("\r\n\r\n", h);
  if (body == std::string::npos) return "";
  const size_t end = data.find("\r\n--", body + 4);
  return Base64Decode(data.substr(body + 4, end - body - 4));
}

}  // namespace adwatch::testing
