// Delivery of digests by e-mail. MailSender is the narrow interface commands are given (tests pass
// a fake or point the SMTP sender at a loopback sink); NewSmtpSender sends through an SMTP server
// with libcurl. A message is multipart/mixed: a plain-text and an HTML alternative of the body,
// then the attachments (base64). A sender may be used from one thread at a time.
//
//   auto sender = NewSmtpSender({.url = "smtp://mail.example.org:587", .username = "adwatch",
//                                .password = getenv(...), .from = "adwatch <adwatch@example.org>"});
//   if (!sender) return sender.error();
//   Status sent = (*sender)->Send(DigestMail(digest, options.from, subscription.recipients));
//
// Nothing here reads the config or the environment: app/ does, and passes the values in.
#ifndef ADWATCH_EXPORT_MAIL_H_
#define ADWATCH_EXPORT_MAIL_H_

#include <memory>
#include <string>
#include <vector>

#include "adwatch/common/status.h"
#include "adwatch/export/digest.h"

namespace adwatch::exporter {

// One attached file, sent base64-encoded with its name and type.
struct MailAttachment {
  std::string filename;      // "adwatch-digest-2026-11-22-kepri.csv"
  std::string content_type;  // "text/csv; charset=utf-8"
  std::string data;
};

// A message to send. Header values (from, to, subject, file names) lose any control characters
// before they are written, so no value can add a header of its own.
struct MailMessage {
  std::string from;             // "adwatch <adwatch@example.org>" or a bare address
  std::vector<std::string> to;  // bare addresses
  std::string subject;          // UTF-8; encoded (RFC 2047) when not ASCII
  std::string text;             // plain-text body
  std::string html;             // HTML body; "" for text only
  std::vector<MailAttachment> attachments;
};

class MailSender {
 public:
  virtual ~MailSender() = default;
  // Sends `message` to every address in message.to. Returns OK once the server accepted it for
  // every recipient; InvalidArgument for a message without sender or recipients; Unavailable
  // when the server could not be reached or refused the message (the server's reply is in the
  // message); TimedOut when it did not answer in time.
  virtual Status Send(const MailMessage& message) = 0;
};

// How TLS is used on the connection. An smtps:// URL is TLS from the start whatever this says.
enum class SmtpTls : uint8_t {
  kNone = 0,  // plain text: only for a relay on the same machine or a test sink
  kTry,       // STARTTLS when the server offers it
  kRequired,  // STARTTLS or fail
};

// Where and how to send. Plain values; Validate() checks them.
struct SmtpOptions {
  // "smtp://mail.example.org:587" or "smtps://mail.example.org:465".
  std::string url;
  SmtpTls tls = SmtpTls::kRequired;
  bool verify_tls = true;  // check the server's certificate and name
  std::string username;    // "" for no authentication
  std::string password;    // from the environment variable the config names, never the file
  std::string from;        // envelope and header sender
  int timeout_ms = 60000;  // for the whole exchange
};

// Returns OK, or InvalidArgument naming the first bad field (URL scheme, missing sender).
Status Validate(const SmtpOptions& options);

// Returns a sender using `options`, or InvalidArgument when they are not valid.
Result<std::unique_ptr<MailSender>> NewSmtpSender(const SmtpOptions& options);

// The message of a digest for `recipients`: MailSubject, the plain-text summary, the HTML digest
// as body and the CSV attached.
MailMessage DigestMail(const Digest& digest, const std::string& from,
                       const std::vector<std::string>& recipients);

}  // namespace adwatch::exporter

#endif  // ADWATCH_EXPORT_MAIL_H_
