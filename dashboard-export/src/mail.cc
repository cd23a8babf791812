// E-mail delivery through libcurl's SMTP support. The message is built with curl's MIME API
// (multipart/mixed: a multipart/alternative of text and HTML, then base64 attachments), which
// also takes care of line lengths and dot-stuffing.
#include "adwatch/export/mail.h"

#include <curl/curl.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <mutex>
#include <random>

#include "adwatch/common/escape.h"
#include "adwatch/export/writers.h"

namespace adwatch::exporter {
namespace {

// Header values come from the config and the digest, never from ads, but a stray line break
// would still let one header write others: drop every control character.
std::string HeaderSafe(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) out += c;
  }
  return out;
}

std::string Base64(std::string_view in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8) |
                       static_cast<uint8_t>(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < in.size()) {
    uint32_t v = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<uint8_t>(in[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// RFC 2047: an ASCII subject as it is, else encoded words of at most 45 bytes of UTF-8 each
// (never splitting a character), separated by spaces.
std::string EncodeHeaderText(std::string_view text) {
  bool ascii = true;
  for (char c : text) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) return std::string(text);
  std::string out;
  for (size_t i = 0; i < text.size();) {
    size_t n = std::min<size_t>(45, text.size() - i);
    while (i + n < text.size() && n > 0 && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) --n;
    if (n == 0) n = std::min<size_t>(45, text.size() - i);
    if (!out.empty()) out += ' ';
    out += "=?UTF-8?B?" + Base64(text.substr(i, n)) + "?=";
    i += n;
  }
  return out;
}

// The address inside "Name <a@b>", or the whole value.
std::string BareAddress(std::string_view v) {
  const size_t lt = v.find('<');
  const size_t gt = v.rfind('>');
  if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt) {
    return std::string(v.substr(lt + 1, gt - lt - 1));
  }
  return std::string(v);
}

std::string RfcDate(int64_t unix_s) {
  const std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct MimeDeleter {
  void operator()(curl_mime* m) const { curl_mime_free(m); }
};
struct SlistDeleter {
  void operator()(curl_slist* s) const { curl_slist_free_all(s); }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

void Append(SlistPtr& list, const std::string& s) {
  curl_slist* grown = curl_slist_append(list.get(), s.c_str());
  if (grown != nullptr) {
    (void)list.release();  // now owned by `grown`, the same list
    list.reset(grown);
  }
}

class SmtpSender final : public MailSender {
 public:
  explicit SmtpSender(SmtpOptions options) : options_(std::move(options)) {}

  Status Send(const MailMessage& m) override {
    const std::string from = HeaderSafe(m.from.empty() ? options_.from : m.from);
    if (from.empty()) return Status::InvalidArgument("mail", "no sender (smtp.from)");
    if (m.to.empty()) return Status::InvalidArgument("mail", "no recipients");
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) return Status::Internal("curl", "curl_easy_init failed");
    CURL* c = curl.get();
    char error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(options_.timeout_ms, 30000)));
    curl_easy_setopt(c, CURLOPT_USE_SSL,
                     options_.tls == SmtpTls::kRequired ? static_cast<long>(CURLUSESSL_ALL)
                     : options_.tls == SmtpTls::kTry    ? static_cast<long>(CURLUSESSL_TRY)
                                                        : static_cast<long>(CURLUSESSL_NONE));
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    if (!options_.username.empty()) {
      curl_easy_setopt(c, CURLOPT_USERNAME, options_.username.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
    }
    const std::string envelope_from = "<" + HeaderSafe(BareAddress(from)) + ">";
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, envelope_from.c_str());
    SlistPtr rcpt;
    std::string to_header;
    for (const std::string& to : m.to) {
      const std::string addr = HeaderSafe(BareAddress(to));
      Append(rcpt, "<" + addr + ">");
      to_header += (to_header.empty() ? "" : ", ") + addr;
    }
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());

    const auto now = std::chrono::system_clock::now();
    const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    std::random_device rd;
    const std::string domain = [&] {
      const std::string a = BareAddress(from);
      const size_t at = a.find('@');
      return at == std::string::npos ? std::string("adwatch.invalid") : a.substr(at + 1);
    }();
    SlistPtr headers;
    Append(headers, "Date: " + RfcDate(now_s));
    Append(headers, "From: " + from);
    Append(headers, "To: " + to_header);
    Append(headers, "Subject: " + EncodeHeaderText(HeaderSafe(m.subject)));
    Append(headers, "Message-ID: <adwatch." + std::to_string(now_s) + "." + std::to_string(rd()) + "@" +
                        HeaderSafe(domain) + ">");
    Append(headers, "Auto-Submitted: auto-generated");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

    std::unique_ptr<curl_mime, MimeDeleter> mime(curl_mime_init(c));
    curl_mime* alt = curl_mime_init(c);  // owned by `mime` once attached below
    curl_mimepart* part = curl_mime_addpart(alt);
    curl_mime_data(part, m.text.data(), m.text.size());
    curl_mime_type(part, "text/plain; charset=utf-8");
    curl_mime_encoder(part, "base64");
    if (!m.html.empty()) {
      part = curl_mime_addpart(alt);
      curl_mime_data(part, m.html.data(), m.html.size());
      curl_mime_type(part, "text/html; charset=utf-8");
      curl_mime_encoder(part, "base64");
    }
    part = curl_mime_addpart(mime.get());
    curl_mime_subparts(part, alt);
    curl_mime_type(part, "multipart/alternative");
    SlistPtr inline_header;
    Append(inline_header, "Content-Disposition: inline");
    curl_mime_headers(part, inline_header.release(), 1);
    for (const MailAttachment& a : m.attachments) {
      part = curl_mime_addpart(mime.get());
      curl_mime_data(part, a.data.data(), a.data.size());
      curl_mime_type(part, HeaderSafe(a.content_type).c_str());
      curl_mime_filename(part, HeaderSafe(a.filename).c_str());
      curl_mime_encoder(part, "base64");
    }
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime.get());

    const CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK) return Status::OK();
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    std::string detail = error[0] != '\0' ? error : curl_easy_strerror(rc);
    if (code != 0) detail += " (last SMTP reply " + std::to_string(code) + ")";
    const std::string where = "smtp " + options_.url;
    if (rc == CURLE_OPERATION_TIMEDOUT) return Status::TimedOut(where, detail);
    return Status::Unavailable(where, detail);
  }

 private:
  SmtpOptions options_;
};

}  // namespace

Status Validate(const SmtpOptions& o) {
  if (o.url.rfind("smtp://", 0) != 0 && o.url.rfind("smtps://", 0) != 0) {
    return Status::InvalidArgument("smtp.url", "must start with smtp:// or smtps://");
  }
  if (o.from.empty() || o.from.find('@') == std::string::npos) {
    return Status::InvalidArgument("smtp.from", "must be an e-mail address");
  }
  if (o.timeout_ms < 1000 || o.timeout_ms > 600000) {
    return Status::InvalidArgument("smtp.timeout_ms", "must be 1000 to 600000");
  }
  return Status::OK();
}

Result<std::unique_ptr<MailSender>> NewSmtpSender(const SmtpOptions& options) {
  ADWATCH_RETURN_IF_ERROR(Validate(options));
  static std::once_flag once;  // curl_global_init is not thread-safe; run it once
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return std::unique_ptr<MailSender>(std::make_unique<SmtpSender>(options));
}

MailMessage DigestMail(const Digest& digest, const std::string& from,
                       const std::vector<std::string>& recipients) {
  MailMessage m;
  m.from = from;
  m.to = recipients;
  m.subject = MailSubject(digest);
  m.text = PlainTextSummary(digest);
  m.html = RenderHtmlDigest(digest);
  m.attachments.push_back({DigestFileStem(digest) + ".csv", "text/csv; charset=utf-8", RenderCsv(digest)});
  return m;
}

}  // namespace adwatch::exporter
