// The server core over native TLS: a throwaway self-signed certificate made with OpenSSL's API
// in a temporary folder, fetched with libcurl that trusts only that certificate. The name
// adwatch.test is pinned to 127.0.0.1 with CURLOPT_RESOLVE, so nothing reaches DNS.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

#include "adwatch/http/server.h"
#include "http/raw_client.h"
#include "support/curl_client.h"
#include "support/temp_dir.h"

namespace adwatch::http {
namespace {

using adwatch::testing::CurlClient;
using adwatch::testing::CurlRequest;
using adwatch::testing::CurlResult;
using adwatch::testing::RawClient;
using adwatch::testing::ReadEnd;
using adwatch::testing::TempDir;

struct TestCertificate {
  std::string certificate_file;
  std::string private_key_file;
};

// A P-256 key and a self-signed certificate for adwatch.test and 127.0.0.1, valid for an hour,
// written as PEM files `stem`.crt and `stem`.key in `dir`.
TestCertificate MakeSelfSigned(const TempDir& dir, const std::string& stem) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  REQUIRE(key != nullptr);
  X509* cert = X509_new();
  REQUIRE(cert != nullptr);
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert),
                   static_cast<long>(std::hash<std::string>{}(stem)&0x7fffffff));
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("adwatch.test"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  for (const auto& [nid, value] :
       {std::pair{NID_subject_alt_name, "DNS:adwatch.test,IP:127.0.0.1"},
        std::pair{NID_basic_constraints, "critical,CA:TRUE"},
        std::pair{NID_key_usage, "critical,digitalSignature,keyCertSign"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    REQUIRE(ext != nullptr);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  REQUIRE(X509_sign(cert, key, EVP_sha256()) > 0);

  TestCertificate out{dir / (stem + ".crt"), dir / (stem + ".key")};
  FILE* f = std::fopen(out.certificate_file.c_str(), "w");
  REQUIRE(f != nullptr);
  PEM_write_X509(f, cert);
  std::fclose(f);
  f = std::fopen(out.private_key_file.c_str(), "w");
  REQUIRE(f != nullptr);
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

std::unique_ptr<Server> StartTls(const TestCertificate& certificate) {
  ServerOptions options;
  options.tls.certificate_file = certificate.certificate_file;
  options.tls.private_key_file = certificate.private_key_file;
  auto server = Server::Start(options, [](const Request& request) {
    Response r;
    r.headers.push_back({"Content-Type", "text/plain"});
    r.body = std::string(request.tls ? "tls " : "plain ") + request.path;
    return r;
  });
  REQUIRE(server.has_value());
  return std::move(server.value());
}

CurlRequest TlsRequest(const Server& server, const std::string& path, const std::string& ca) {
  CurlRequest request;
  const std::string port = std::to_string(server.port());
  request.url = "https://adwatch.test:" + port + path;
  request.resolve = {"adwatch.test:" + port + ":127.0.0.1"};
  request.ca_file = ca;
  return request;
}

TEST_CASE("Server speaks TLS with the configured certificate", "[http][tls]") {
  TempDir dir;
  const TestCertificate certificate = MakeSelfSigned(dir, "server");
  auto server = StartTls(certificate);
  CHECK(server->base_url() == "https://127.0.0.1:" + std::to_string(server->port()));

  CurlClient client;
  const CurlResult first = client.Fetch(TlsRequest(*server, "/a", certificate.certificate_file));
  REQUIRE(first.code == CURLE_OK);
  CHECK(first.status == 200);
  CHECK(first.body == "tls /a");
  // Kept alive over TLS too.
  const CurlResult second = client.Fetch(TlsRequest(*server, "/b", certificate.certificate_file));
  CHECK(second.body == "tls /b");
  CHECK(second.new_connections == 0);
}

TEST_CASE("A client that does not trust the certificate gets no answer", "[http][tls]") {
  TempDir dir;
  const TestCertificate certificate = MakeSelfSigned(dir, "server");
  const TestCertificate stranger = MakeSelfSigned(dir, "stranger");
  auto server = StartTls(certificate);
  CurlClient client;
  const CurlResult r = client.Fetch(TlsRequest(*server, "/", stranger.certificate_file));
  CHECK(r.code == CURLE_PEER_FAILED_VERIFICATION);
  CHECK(r.status == 0);
}

TEST_CASE("Plain HTTP to a TLS port is a failed handshake, not a request", "[http][tls]") {
  TempDir dir;
  const TestCertificate certificate = MakeSelfSigned(dir, "server");
  auto server = StartTls(certificate);
  RawClient client;
  REQUIRE(client.Connect("127.0.0.1", server->port()));
  REQUIRE(client.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string out;
  const ReadEnd end = client.ReadToEnd(out);
  CHECK((end == ReadEnd::kClosed || end == ReadEnd::kReset));
  CHECK(out.find("HTTP/1.1 200") == std::string::npos);
  CHECK(server->stats().tls_handshake_failures == 1);
  CHECK(server->stats().requests == 0);
  // The server still serves TLS clients.
  CurlClient tls_client;
  CHECK(tls_client.Fetch(TlsRequest(*server, "/", certificate.certificate_file)).status == 200);
}

TEST_CASE("Server refuses to start with a missing or mismatched certificate", "[http][tls]") {
  TempDir dir;
  const TestCertificate one = MakeSelfSigned(dir, "one");
  const TestCertificate two = MakeSelfSigned(dir, "two");
  auto handler = [](const Request&) { return Response{}; };

  ServerOptions missing;
  missing.tls.certificate_file = dir / "absent.crt";
  missing.tls.private_key_file = one.private_key_file;
  auto r1 = Server::Start(missing, handler);
  REQUIRE_FALSE(r1.has_value());
  CHECK(r1.error().code() == Status::Code::kIOError);
  CHECK(r1.error().message().find("absent.crt") != std::string::npos);

  ServerOptions mismatched;
  mismatched.tls.certificate_file = one.certificate_file;
  mismatched.tls.private_key_file = two.private_key_file;
  auto r2 = Server::Start(mismatched, handler);
  REQUIRE_FALSE(r2.has_value());
  CHECK(r2.error().message().find("two.key") != std::string::npos);

  ServerOptions half;
  half.tls.certificate_file = one.certificate_file;
  auto r3 = Server::Start(half, handler);
  REQUIRE_FALSE(r3.has_value());
  CHECK(r3.error().code() == Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace adwatch::http
