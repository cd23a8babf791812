// The fixture of the SSRF vectors (tests/data/ssrf_vectors.tsv, from /work/shared/security/): the
// vectors themselves, and the loopback servers of fixture.py — an "internal" service on
// 127.0.0.1 and ::1 that counts every request it gets, and an "origin" on 127.0.0.2 (the one
// address tests allow) whose /r?to=URL answers 302 to URL. Shared by the crawler's guard tests and
// the API's submission tests.
#ifndef ADWATCH_TESTS_SUPPORT_SSRF_FIXTURE_H_
#define ADWATCH_TESTS_SUPPORT_SSRF_FIXTURE_H_

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/crawler/fetcher.h"
#include "support/test_server.h"

namespace adwatch::testing {

// ---- The vectors --------------------------------------------------------------------------------

struct Vector {
  int id = 0;
  bool block = true;    // expect BLOCK (else ALLOW)
  std::string url;      // as written, naming the fixture at 127.0.0.1:18180 / :18181
  std::string resolve;  // "host:port:address" pin, or ""
  std::string what;
  std::string how;  // fetch, dns or netns
};

inline std::vector<Vector> LoadVectors() {
  std::ifstream in(std::string(ADWATCH_TEST_DATA) + "/ssrf_vectors.tsv");
  REQUIRE(in.good());
  std::vector<Vector> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string field; std::getline(ss, field, '\t');) f.push_back(field);
    REQUIRE(f.size() == 6);
    Vector v;
    v.id = std::stoi(f[0]);
    REQUIRE((f[1] == "BLOCK" || f[1] == "ALLOW"));
    v.block = f[1] == "BLOCK";
    v.url = f[2];
    v.resolve = f[3];
    v.what = f[4];
    v.how = f[5];
    REQUIRE((v.how == "fetch" || v.how == "dns" || v.how == "netns"));
    out.push_back(std::move(v));
  }
  return out;
}

inline std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The origin's /r?to=URL: the URL, percent-decoded; "" for any other target.
inline std::string RedirectTarget(std::string_view target) {
  constexpr std::string_view kPrefix = "/r?to=";
  if (target.substr(0, kPrefix.size()) != kPrefix) return "";
  std::string out;
  for (size_t i = kPrefix.size(); i < target.size(); ++i) {
    if (target[i] == '%' && i + 2 < target.size() && HexValue(target[i + 1]) >= 0 &&
        HexValue(target[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(target[i + 1]) * 16 + HexValue(target[i + 2]));
      i += 2;
    } else {
      out += target[i];
    }
  }
  return out;
}

// ---- The fixture: the loopback servers of /work/shared/security/fixture.py
// -----------------------

inline std::unique_ptr<TestServer> StartFixtureServer(const std::string& address,
                                                      uint16_t port = 0) {
  auto s = TestServer::Start({.address = address, .port = port});
  return s ? std::move(s.value()) : nullptr;
}

// "internal" stands for a service inside: it answers everything with SECRET and counts what it
// gets, on 127.0.0.1 and on ::1 (same port). "origin" stands for a public site, on 127.0.0.2,
// the one address the tests allow: /plain answers, /r?to=URL answers 302 to URL.
struct Sites {
  std::unique_ptr<TestServer> internal, internal6, origin;

  Sites() {
    for (int attempt = 0; attempt < 20 && !internal6; ++attempt) {
      internal = StartFixtureServer("127.0.0.1");
      REQUIRE(internal);
      internal6 = StartFixtureServer("::1", internal->port());
    }
    REQUIRE(internal6);
    for (TestServer* s : {internal.get(), internal6.get()}) {
      s->SetFallback([](std::string_view) { return Route::Text("SECRET"); });
    }
    origin = StartFixtureServer("127.0.0.2");
    REQUIRE(origin);
    origin->Set("/plain", Route::Html("<html><body><p>ok</p></body></html>"));
    origin->SetFallback([](std::string_view target) -> std::optional<Route> {
      const std::string to = RedirectTarget(target);
      if (to.empty()) return std::nullopt;
      return Route::Redirect(to, 302);
    });
  }

  int InternalHits() const {
    return static_cast<int>(internal->Log().size() + internal6->Log().size());
  }

  // The vectors' fixture addresses, moved to this fixture's: the origin to 127.0.0.2.
  std::string Rewrite(std::string text) const {
    text = ReplaceAll(std::move(text), "127.0.0.1:18180", origin->host_port());
    text = ReplaceAll(std::move(text), "18181", std::to_string(internal->port()));
    return ReplaceAll(std::move(text), "18180", std::to_string(origin->port()));
  }

  // What the tests configure: the origin's address allowed, the fixture's ports allowed (so that
  // the address guard, not the port policy, is what a loopback vector meets), `pins` resolved.
  crawler::FetcherOptions Options(std::vector<std::string> pins = {}) const {
    crawler::FetcherOptions f;
    f.allowed_private_ranges = {"127.0.0.2/32"};
    f.allowed_outside_ports = {80, 443, internal->port(), origin->port()};
    // A parser differential that leaked "example.com" to the resolver would reach the internal
    // service (counted), never the real example.com.
    for (const char* port : {":80:", ":443:"})
      pins.push_back(std::string("example.com") + port + "127.0.0.1");
    pins.push_back("example.com:" + std::to_string(internal->port()) + ":127.0.0.1");
    f.resolve = std::move(pins);
    f.connect_timeout_ms = 3000;
    f.total_timeout_ms = 10'000;
    return f;
  }
};

// The interfaces of this process's network namespace (from /proc/self/net/dev).
inline std::vector<std::string> NetworkInterfaces() {
  std::ifstream in("/proc/self/net/dev");
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    name.erase(0, name.find_first_not_of(' '));
    out.push_back(name);
  }
  return out;
}

}  // namespace adwatch::testing

#endif  // ADWATCH_TESTS_SUPPORT_SSRF_FIXTURE_H_
