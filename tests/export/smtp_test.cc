// Delivery by e-mail through libcurl's SMTP, against a loopback sink the test starts.
#include <catch2/catch.hpp>

#include "adwatch/export/mail.h"
#include "adwatch/export/writers.h"
#include "fixture.h"
#include "smtp_sink.h"

namespace adwatch::exporter {
namespace {

using testing::Base64Decode;
using testing::MailPart;

// The value of the top-level header `name` (the first one in the message).
std::string HeaderValue(const std::string& data, const std::string& name) {
  const std::string key = name + ": ";
  size_t at = data.rfind(key, 0) == 0 ? 0 : data.find("\r\n" + key);
  if (at == std::string::npos) return "";
  if (at != 0) at += 2;
  const size_t start = at + key.size();
  return data.substr(start, data.find("\r\n", start) - start);
}

SmtpOptions SinkOptions(const testing::SmtpSink& sink) {
  SmtpOptions o;
  o.url = sink.url();
  o.tls = SmtpTls::kNone;
  o.from = "adwatch <adwatch@tppo.example>";
  o.timeout_ms = 10000;
  return o;
}

TEST_CASE("A digest is mailed with the HTML as body and the CSV attached", "[export][smtp]") {
  auto sink = testing::SmtpSink::Start();
  REQUIRE(sink);
  testing::FixtureStore f;
  Subscription s = testing::Kepri();
  s.title = "Gugus Tugas TPPO — Kepulauan Riau";
  auto d =
      MakeDigest(f.store(), s, testing::kDay, testing::kNoonJakarta, testing::TestContext(), {});
  REQUIRE(d);
  auto sender = NewSmtpSender(SinkOptions(*sink));
  REQUIRE(sender);
  const MailMessage m = DigestMail(*d, "adwatch <adwatch@tppo.example>",
                                   {"sekretariat@tppo-kepri.example", "polda@kepri.example"});
  const Status sent = (*sender)->Send(m);
  INFO(sent.ToString());
  REQUIRE(sent.ok());
  REQUIRE(sink->WaitForMessages(1, 5000));
  const auto got = sink->messages().at(0);
  CHECK(got.mail_from == "adwatch@tppo.example");
  CHECK(got.rcpt ==
        std::vector<std::string>{"sekretariat@tppo-kepri.example", "polda@kepri.example"});
  const std::string& data = got.data;
  CHECK(HeaderValue(data, "From") == "adwatch <adwatch@tppo.example>");
  CHECK(HeaderValue(data, "To") == "sekretariat@tppo-kepri.example, polda@kepri.example");
  // A subject that is not ASCII is sent as RFC 2047 encoded words.
  const std::string subject = HeaderValue(data, "Subject");
  REQUIRE(subject.rfind("=?UTF-8?B?", 0) == 0);
  std::string decoded;
  for (size_t at = 0; (at = subject.find("=?UTF-8?B?", at)) != std::string::npos;) {
    const size_t end = subject.find("?=", at + 10);
    decoded += Base64Decode(subject.substr(at + 10, end - at - 10));
    at = end + 2;
  }
  CHECK(decoded == MailSubject(*d));
  CHECK(data.find("multipart/mixed") != std::string::npos);
  CHECK(data.find("multipart/alternative") != std::string::npos);
  CHECK(MailPart(data, "Content-Type: text/html; charset=utf-8") == RenderHtmlDigest(*d));
  CHECK(MailPart(data, "Content-Type: text/plain; charset=utf-8") == PlainTextSummary(*d));
  CHECK(data.find("filename=\"adwatch-digest-2026-11-22-kepri.csv\"") != std::string::npos);
  CHECK(MailPart(data, "Content-Type: text/csv; charset=utf-8") == RenderCsv(*d));
}

TEST_CASE("A refused recipient fails the delivery with the server's reply", "[export][smtp]") {
  auto sink = testing::SmtpSink::Start();
  REQUIRE(sink);
  sink->RejectRecipient("nobody@tppo.example");
  auto sender = NewSmtpSender(SinkOptions(*sink));
  REQUIRE(sender);
  MailMessage m;
  m.to = {"nobody@tppo.example"};
  m.subject = "x";
  m.text = "x";
  const Status s = (*sender)->Send(m);
  CHECK(s.code() == Status::Code::kUnavailable);
  CHECK(s.message().find("550") != std::string::npos);
  CHECK(sink->messages().empty());
}

TEST_CASE("An SMTP server that is not there is Unavailable", "[export][smtp]") {
  uint16_t port = 0;
  {
    auto sink = testing::SmtpSink::Start();
    REQUIRE(sink);
    port = sink->port();
  }
  SmtpOptions o;
  o.url = "smtp://127.0.0.1:" + std::to_string(port);
  o.tls = SmtpTls::kNone;
  o.from = "adwatch@tppo.example";
  o.timeout_ms = 5000;
  auto sender = NewSmtpSender(o);
  REQUIRE(sender);
  MailMessage m;
  m.to = {"a@b.example"};
  CHECK((*sender)->Send(m).code() == Status::Code::kUnavailable);
  m.to.clear();
  CHECK((*sender)->Send(m).IsInvalidArgument());
}

TEST_CASE("SMTP options are validated", "[export][smtp]") {
  SmtpOptions o;
  o.from = "adwatch@tppo.example";
  o.url = "http://mail.example";
  CHECK(!Validate(o).ok());
  o.url = "smtps://mail.example:465";
  CHECK(Validate(o).ok());
  o.from = "adwatch";
  CHECK(!Validate(o).ok());
  CHECK(!NewSmtpSender(o));
}

}  // namespace
}  // namespace adwatch::exporter
