// Scope: which URLs belong to which source, where a found link goes, whose politeness a host gets.
#include "adwatch/crawler/scope.h"

#include <catch2/catch.hpp>

using namespace adwatch;
using namespace adwatch::crawler;

namespace {

SourceConfig Board() {
  SourceConfig s;
  s.name = "board";
  s.start_urls = {"https://loker.example.id/"};
  s.deny_patterns = {"/login"};
  s.max_depth = 2;
  s.host_connections = 4;
  s.host_delay_ms = 250;
  return s;
}

SourceConfig Channel() {
  SourceConfig s;
  s.name = "channel";
  s.start_urls = {"https://t.me/s/lokerkamboja"};
  s.allow_patterns = {"^https://t\\.me/s/lokerkamboja"};
  return s;
}

FetchTask PageTask(const std::string& url, const std::string& source, int depth) {
  FetchTask t;
  t.url = url;
  t.source = source;
  t.depth = depth;
  return t;
}

}  // namespace

TEST_CASE("A source holds its start hosts and their subdomains, not look-alikes",
          "[crawler][scope]") {
  Scope scope({Board()});
  CHECK(scope.Holds("board", "https://loker.example.id/lowongan/1"));
  CHECK(scope.Holds("board", "https://m.loker.example.id/lowongan/1"));
  CHECK_FALSE(scope.Holds("board", "https://badloker.example.id/"));
  CHECK_FALSE(scope.Holds("board", "https://example.id/"));
  CHECK_FALSE(scope.Holds("nobody", "https://loker.example.id/"));
  CHECK(HostCovered("a.b.example.com", {"example.com"}));
  CHECK_FALSE(HostCovered("badexample.com", {"example.com"}));
}

TEST_CASE("Deny patterns cut a source's scope, allow patterns narrow it", "[crawler][scope]") {
  Scope scope({Board(), Channel()});
  CHECK_FALSE(scope.Holds("board", "https://loker.example.id/login?next=/"));
  CHECK(scope.Holds("channel", "https://t.me/s/lokerkamboja?before=120"));
  CHECK_FALSE(scope.Holds("channel", "https://t.me/s/otherchannel"));
}

TEST_CASE("Named hosts replace the start URLs' hosts", "[crawler][scope]") {
  SourceConfig s = Board();
  s.allowed_hosts = {"CDN.Example.ID"};
  Scope scope({s});
  CHECK(scope.Holds("board", "https://cdn.example.id/x"));
  CHECK_FALSE(scope.Holds("board", "https://loker.example.id/"));
}

TEST_CASE("A link stays with its page's source one level deeper, until max_depth",
          "[crawler][scope]") {
  Scope scope({Board(), Channel()});
  LinkPlacement p = scope.PlaceLink(PageTask("https://loker.example.id/", "board", 1),
                                    "https://loker.example.id/lowongan/7");
  REQUIRE(p.kind == LinkPlacement::Kind::kQueue);
  CHECK(p.task.source == "board");
  CHECK(p.task.depth == 2);
  CHECK(p.task.url == "https://loker.example.id/lowongan/7");
  CHECK(scope
            .PlaceLink(PageTask("https://loker.example.id/a", "board", 2),
                       "https://loker.example.id/b")
            .kind == LinkPlacement::Kind::kTooDeep);
}

TEST_CASE("A link another source holds starts that source at depth 0", "[crawler][scope]") {
  Scope scope({Board(), Channel()});
  LinkPlacement p = scope.PlaceLink(PageTask("https://loker.example.id/a", "board", 2),
                                    "https://t.me/s/lokerkamboja");
  REQUIRE(p.kind == LinkPlacement::Kind::kQueue);
  CHECK(p.task.source == "channel");
  CHECK(p.task.depth == 0);
  CHECK(
      scope.PlaceLink(PageTask("https://loker.example.id/a", "board", 0), "https://elsewhere.test/")
          .kind == LinkPlacement::Kind::kOutOfScope);
}

TEST_CASE("An any-host source keeps its own links but takes no one else's", "[crawler][scope]") {
  SourceConfig submission;
  submission.name = "submission";
  submission.any_host = true;
  submission.external = true;
  submission.max_depth = 0;
  Scope scope({Board()});
  scope.Add(submission);
  // A link on a board page to an unknown host is out of scope, not the submission's.
  CHECK(scope.SourceFor("https://elsewhere.test/", "board") == nullptr);
  // A link on a submitted page is the submission's, and too deep at max_depth 0.
  LinkPlacement p = scope.PlaceLink(PageTask("https://elsewhere.test/", "submission", 0),
                                    "https://elsewhere.test/next");
  CHECK(p.kind == LinkPlacement::Kind::kTooDeep);
  CHECK(p.task.external);
  // A submitted page's link into the board's scope stays the submission's: it came from outside.
  CHECK(scope.SourceFor("https://loker.example.id/x", "submission")->name == "submission");
}

TEST_CASE("A host gets the politeness of the first source that covers it", "[crawler][scope]") {
  SourceConfig second = Board();
  second.name = "second";
  second.host_connections = 9;
  Scope scope({Board(), second, Channel()});
  auto p = scope.PolitenessSourceFor("m.loker.example.id");
  REQUIRE(p != nullptr);
  CHECK(p->name == "board");
  CHECK(p->host_connections == 4);
  CHECK(scope.PolitenessSourceFor("elsewhere.test") == nullptr);
}

TEST_CASE("Adding a source twice keeps the first, and start tasks are canonical",
          "[crawler][scope]") {
  Scope scope({Board()});
  SourceConfig again = Board();
  again.max_depth = 9;
  CHECK(scope.Add(again)->max_depth == 2);
  CHECK(scope.sources().size() == 1);
  SourceConfig s = Channel();
  s.start_urls = {"HTTPS://T.ME:443/s/lokerkamboja?utm_source=x#top"};
  scope.Add(s);
  const auto starts = scope.StartTasks();
  REQUIRE(starts.size() == 2);
  CHECK(starts[1].url == "https://t.me/s/lokerkamboja");
  CHECK(starts[1].source == "channel");
  CHECK(starts[1].depth == 0);
}

TEST_CASE("Validate names the source and the field it refuses", "[crawler][scope]") {
  CHECK(Validate(Board()).ok());
  SourceConfig unnamed = Board();
  unnamed.name.clear();
  CHECK_THAT(Validate(unnamed).message(), Catch::Contains("no name"));
  SourceConfig ftp = Board();
  ftp.start_urls = {"ftp://example.com/"};
  CHECK_THAT(Validate(ftp).message(),
             Catch::Contains("source board") && Catch::Contains("start URL"));
  SourceConfig pattern = Board();
  pattern.deny_patterns = {"(unclosed"};
  CHECK_THAT(Validate(pattern).message(), Catch::Contains("deny pattern '(unclosed'"));
  SourceConfig conns = Board();
  conns.host_connections = -1;
  CHECK(Validate(conns).IsInvalidArgument());
}
