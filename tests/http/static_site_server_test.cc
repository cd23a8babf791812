#include "adwatch/http/static_site_server.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "support/curl_client.h"
#include "support/temp_dir.h"

namespace adwatch::http {
namespace {

using adwatch::testing::CurlClient;
using adwatch::testing::CurlRequest;
using adwatch::testing::CurlResult;
using adwatch::testing::Get;
using adwatch::testing::TempDir;

// A small site in a temporary folder, plus a secret beside it that traversal must not reach.
struct Site {
  TempDir dir;
  std::string root;
  Site() {
    root = dir / "site";
    dir.Write("site/index.html", "<h1>home</h1>");
    dir.Write("site/jobs/index.html", "<h1>jobs</h1>");
    dir.Write("site/jobs/index@page=2.html", "<h1>jobs page 2</h1>");
    dir.Write("site/jobs/a b.html", "<h1>space</h1>");
    dir.Write("site/sitemap.xml", "<urlset/>");
    dir.Write("site/robots.txt", "User-agent: *\n");
    dir.Write("site/data.json", "{}");
    dir.Write("site/style.css", "body{}");
    dir.Write("site/logo.png", std::string("\x89PNG\r\n\x1a\n", 8));
    dir.Write("site/README", "no extension");
    dir.Write("secret.txt", "TOP SECRET");
  }
};

std::unique_ptr<StaticSiteServer> StartOrDie(const std::string& root) {
  StaticSiteOptions options;
  options.root = root;
  auto server = StaticSiteServer::Start(options);
  REQUIRE(server.has_value());
  return std::move(server.value());
}

TEST_CASE("StaticSiteServer serves files with their content types", "[http][static]") {
  Site site;
  auto server = StartOrDie(site.root);
  const std::string base = server->base_url();
  struct Case {
    std::string path, type, body;
  };
  const std::vector<Case> cases = {
      {"/", "text/html; charset=utf-8", "<h1>home</h1>"},
      {"/index.html", "text/html; charset=utf-8", "<h1>home</h1>"},
      {"/jobs/", "text/html; charset=utf-8", "<h1>jobs</h1>"},
      {"/jobs", "text/html; charset=utf-8", "<h1>jobs</h1>"},
      {"/jobs/a%20b.html", "text/html; charset=utf-8", "<h1>space</h1>"},
      {"/sitemap.xml", "application/xml", "<urlset/>"},
      {"/robots.txt", "text/plain; charset=utf-8", "User-agent: *\n"},
      {"/data.json", "application/json", "{}"},
      {"/style.css", "text/css; charset=utf-8", "body{}"},
      {"/logo.png", "image/png", std::string("\x89PNG\r\n\x1a\n", 8)},
      {"/README", "application/octet-stream", "no extension"},
  };
  CurlClient client;
  for (const Case& c : cases) {
    INFO(c.path);
    CurlRequest request;
    request.url = base + c.path;
    const CurlResult r = client.Fetch(request);
    REQUIRE(r.code == CURLE_OK);
    CHECK(r.status == 200);
    CHECK(r.Header("Content-Type") == c.type);
    CHECK(r.body == c.body);
    CHECK(r.Header("ETag"));
    CHECK(r.Header("Last-Modified"));
  }
  // All on one kept-alive connection.
  CHECK(server->stats().connections_accepted == 1);
  CHECK(server->request_count() == cases.size());
}

TEST_CASE("StaticSiteServer answers 404 for missing files and 405 for other methods",
          "[http][static]") {
  Site site;
  auto server = StartOrDie(site.root);
  CHECK(Get(server->base_url() + "/nope.html").status == 404);
  CHECK(Get(server->base_url() + "/jobs/nope/").status == 404);
  CurlClient client;
  CurlRequest post;
  post.url = server->base_url() + "/";
  post.method = "POST";
  const CurlResult r = client.Fetch(post);
  CHECK(r.status == 405);
  CHECK(r.Header("Allow") == "GET, HEAD");
}

TEST_CASE("StaticSiteServer refuses every way out of its folder", "[http][static]") {
  Site site;
  auto server = StartOrDie(site.root);
  const std::vector<std::string> attempts = {
      "/../secret.txt",
      "/jobs/../../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/secret.txt",
      "/.%2e/secret.txt",
      "/..%2fsecret.txt",
      "/jobs%2f..%2f..%2fsecret.txt",
      "/..%5csecret.txt",
      "/..\\secret.txt",
      "/index.html%00.png",
      "/%",
      "/%zz",
      "/./index.html",
  };
  CurlClient client;
  for (const std::string& path : attempts) {
    INFO(path);
    CurlRequest request;
    request.url = server->base_url() + path;
    const CurlResult r = client.Fetch(request);
    REQUIRE(r.code == CURLE_OK);
    CHECK(r.status == 400);
    CHECK(r.body.find("TOP SECRET") == std::string::npos);
  }
  // Doubled slashes cannot make an absolute path: they stay inside the folder.
  const CurlResult doubled = Get(server->base_url() + "//etc/passwd");
  CHECK(doubled.status == 404);
}

TEST_CASE("StaticSiteServer does not follow symbolic links out of its folder", "[http][static]") {
  Site site;
  std::error_code ec;
  std::filesystem::create_symlink(site.dir / "secret.txt", site.dir / "site/link.txt", ec);
  REQUIRE_FALSE(ec);
  auto server = StartOrDie(site.root);
  const CurlResult r = Get(server->base_url() + "/link.txt");
  CHECK(r.status == 404);
  CHECK(r.body.find("TOP SECRET") == std::string::npos);
}

TEST_CASE("StaticSiteServer serves query variants when the file exists", "[http][static]") {
  Site site;
  auto server = StartOrDie(site.root);
  CHECK(Get(server->base_url() + "/jobs/?page=2").body == "<h1>jobs page 2</h1>");
  CHECK(Get(server->base_url() + "/jobs?page=2").body == "<h1>jobs page 2</h1>");
  CHECK(Get(server->base_url() + "/jobs/?page=3").body == "<h1>jobs</h1>");
  CHECK(Get(server->base_url() + "/jobs/?page=%2e%2e/x").body == "<h1>jobs</h1>");
}

TEST_CASE("StaticSiteServer answers HEAD and conditional GETs", "[http][static]") {
  Site site;
  auto server = StartOrDie(site.root);
  CurlClient client;
  CurlRequest request;
  request.url = server->base_url() + "/jobs/";
  const CurlResult first = client.Fetch(request);
  REQUIRE(first.status == 200);
  const std::string etag = *first.Header("ETag");
  const std::string last_modified = *first.Header("Last-Modified");

  CurlRequest head = request;
  head.method = "HEAD";
  const CurlResult h = client.Fetch(head);
  CHECK(h.status == 200);
  CHECK(h.Header("Content-Length") == "13");
  CHECK(h.body.empty());

  CurlRequest by_etag = request;
  by_etag.headers = {"If-None-Match: " + etag};
  const CurlResult r1 = client.Fetch(by_etag);
  CHECK(r1.status == 304);
  CHECK(r1.body.empty());
  CHECK(r1.Header("ETag") == etag);

  CurlRequest by_date = request;
  by_date.headers = {"If-Modified-Since: " + last_modified};
  CHECK(client.Fetch(by_date).status == 304);

  CurlRequest stale = request;
  stale.headers = {"If-None-Match: \"something-else\""};
  CHECK(client.Fetch(stale).status == 200);
  CurlRequest old_date = request;
  old_date.headers = {"If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT"};
  CHECK(client.Fetch(old_date).status == 200);

  const auto log = server->requests();
  REQUIRE(log.size() == 6);
  CHECK(log[0].method == "GET");
  CHECK(log[0].target == "/jobs/");
  CHECK(log[0].status == 200);
  CHECK(log[0].body_bytes == 13);
  CHECK(log[0].user_agent == "adwatch-test-client/1.0");
  CHECK(log[1].method == "HEAD");
  CHECK(log[1].body_bytes == 0);
  CHECK(log[2].status == 304);
}

TEST_CASE("StaticSiteServer keeps a bounded log and counts every request", "[http][static]") {
  Site site;
  StaticSiteOptions options;
  options.root = site.root;
  options.max_log_entries = 3;
  auto server = StaticSiteServer::Start(options);
  REQUIRE(server.has_value());
  CurlClient client;
  for (int i = 0; i < 5; ++i) {
    CurlRequest request;
    request.url = (*server)->base_url() + "/missing-" + std::to_string(i);
    (void)client.Fetch(request);  // only the log matters here
  }
  CHECK((*server)->request_count() == 5);
  const auto log = (*server)->requests();
  REQUIRE(log.size() == 3);
  CHECK(log.front().target == "/missing-2");
  CHECK(log.back().target == "/missing-4");
  CHECK(log.back().status == 404);
}

TEST_CASE("StaticSiteServer validates its options", "[http][static]") {
  Site site;
  StaticSiteOptions options;
  options.root = site.root;
  CHECK(Validate(options).ok());

  StaticSiteOptions missing = options;
  missing.root = site.dir / "no-such-folder";
  CHECK(Validate(missing).IsInvalidArgument());
  auto r = StaticSiteServer::Start(missing);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().IsInvalidArgument());

  StaticSiteOptions file_root = options;
  file_root.root = site.dir / "secret.txt";
  CHECK(Validate(file_root).IsInvalidArgument());

  StaticSiteOptions public_address = options;
  public_address.address = "0.0.0.0";
  CHECK(Validate(public_address).IsInvalidArgument());

  StaticSiteOptions bad_index = options;
  bad_index.index_file = "../index.html";
  CHECK(Validate(bad_index).IsInvalidArgument());
}

TEST_CASE("StaticSiteServer stops cleanly and frees its port", "[http][static]") {
  Site site;
  auto server = StartOrDie(site.root);
  const std::string base = server->base_url();
  CurlClient client;  // keeps its connection open across Stop
  CurlRequest request;
  request.url = base + "/";
  REQUIRE(client.Fetch(request).status == 200);
  server->Stop();
  CHECK(server->stats().connections_open == 0);
  CHECK(Get(base + "/").code == CURLE_COULDNT_CONNECT);
  // The same port can be bound again at once.
  StaticSiteOptions again;
  again.root = site.root;
  again.port = server->port();
  auto second = StaticSiteServer::Start(again);
  REQUIRE(second.has_value());
  CHECK(Get(base + "/").status == 200);
}

TEST_CASE("ContentTypeForPath maps extensions case-insensitively", "[http][static]") {
  CHECK(ContentTypeForPath("a/b/index.HTML") == "text/html; charset=utf-8");
  CHECK(ContentTypeForPath("feed.xml") == "application/xml");
  CHECK(ContentTypeForPath("x.jpeg") == "image/jpeg");
  CHECK(ContentTypeForPath(".hidden") == "application/octet-stream");
  CHECK(ContentTypeForPath("dir.d/noext") == "application/octet-stream");
}

TEST_CASE("HandleStaticRequest works without sockets", "[http][static]") {
  Site site;
  const auto root = std::filesystem::canonical(site.root);
  StaticSiteOptions options;
  options.root = site.root;
  Request request;
  request.method = "GET";
  request.target = request.path = "/jobs/";
  Response r = HandleStaticRequest(root, request, options);
  CHECK(r.status == 200);
  CHECK(r.body == "<h1>jobs</h1>");

  request.target = request.path = "http://example.com/";
  CHECK(HandleStaticRequest(root, request, options).status == 400);

  options.max_file_bytes = 4;
  request.target = request.path = "/index.html";
  CHECK(HandleStaticRequest(root, request, options).status == 500);
}

}  // namespace
}  // namespace adwatch::http
