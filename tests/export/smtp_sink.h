// SmtpSink: a tiny SMTP server on 127.0.0.1 for the delivery tests. It speaks just enough of
// RFC 5321 for libcurl (EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT), keeps
// every message it accepts, and can refuse chosen recipients. One connection at a time, on its
// own thread; every method may be called from the test's thread.
#ifndef ADWATCH_TESTS_EXPORT_SMTP_SINK_H_
#define ADWATCH_TESTS_EXPORT_SMTP_SINK_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace adwatch::testing {

class SmtpSink {
 public:
  struct Message {
    std::string mail_from;          // the envelope sender, without <>
    std::vector<std::string> rcpt;  // the accepted envelope recipients, without <>
    std::string data;               // the message as sent (headers and body), CRLF line ends
  };

  // Listens on 127.0.0.1 on a free port. Returns nullptr when it cannot bind.
  static std::unique_ptr<SmtpSink> Start();
  ~SmtpSink();  // stops the thread and closes the sockets
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  uint16_t port() const { return port_; }
  // "smtp://127.0.0.1:PORT"
  std::string url() const;

  // RCPT TO for this address is answered 550.
  void RejectRecipient(const std::string& address);

  // Waits until `n` messages were accepted or `timeout_ms` passed; returns whether they were.
  bool WaitForMessages(size_t n, int timeout_ms);
  std::vector<Message> messages() const;
  // Every command line received, in order (DATA content not included).
  std::vector<std::string> commands() const;

 private:
  SmtpSink() = default;
  void Serve();
  void Session(int fd);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Message> messages_;
  std::vector<std::string> commands_;
  std::set<std::string> rejected_;
};

// Decodes base64 (a MIME part's body, an RFC 2047 "=?UTF-8?B?…?=" word), skipping line breaks
// and padding.
std::string Base64Decode(const std::string& in);

// The decoded body of the first MIME part of a sent message whose headers contain `header`
// (exporter::MailSender sends every part base64-encoded); "" when there is none.
std::string MailPart(const std::string& data, const std::string& header);

}  // namespace adwatch::testing

#endif  // ADWATCH_TESTS_EXPORT_SMTP_SINK_H_
