// libFuzzer target for the API's request handling (clang, ASan + UBSan): any bytes through
// Beast's request parser (as the server reads them) into api::HandleRequest over an in-memory
// store seeded with one token per role, two organisations' submissions and ads in two regions.
// Besides crashes and sanitizer reports, it aborts when a request gets a 2xx it must not get: a
// protected route without a valid token of a role the route allows, another organisation's
// submission, an ad outside a task force's regions (../shared/API.md, section 5). The seeded
// tokens have fixed texts (fuzz/api_fuzz.dict holds them) so that the fuzzer can reach every
// role. scripts/fuzz.sh runs it.
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "adwatch/api/api.h"
#include "adwatch/api/tokens.h"
#include "adwatch/storage/store.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using namespace adwatch;

struct SeededToken {
  const char* text;  // 47 characters: adw_ + 43 base64url
  const char* org;
  Role role;
  bool valid;  // false: revoked or expired
};

constexpr SeededToken kTokens[] = {
    {"adw_POLICEpolicePOLICEpolicePOLICEpolicePOLICEp", "polda", Role::kPolice, true},
    {"adw_NGOAngoaNGOAngoaNGOAngoaNGOAngoaNGOAngoaNGO", "ngo-a", Role::kNgo, true},
    {"adw_NGOBngobNGOBngobNGOBngobNGOBngobNGOBngobNGO", "ngo-b", Role::kNgo, true},
    {"adw_TASKtaskTASKtaskTASKtaskTASKtaskTASKtaskTAS", "gugus", Role::kTaskforce, true},
    {"adw_REVOKEDrevokedREVOKEDrevokedREVOKEDrevokedR", "ngo-a", Role::kNgo, false},
    {"adw_EXPIREDexpiredEXPIREDexpiredEXPIREDexpiredE", "polda", Role::kPolice, false},
};

class FixedClock final : public Clock {
 public:
  int64_t NowMs() const override { return 1795323600000; }  // 2026-11-22 12:00 Jakarta
};

class DropQueue final : public api::SubmissionQueue {
 public:
  bool Enqueue(const Submission&) override { return true; }
};

struct World {
  FixedClock clock;
  std::unique_ptr<storage::Store> store;
  api::Metrics metrics;
  api::Limits limits;
  api::ApiOptions options;
  DropQueue queue;
  std::unique_ptr<api::AuditBuffer> audit;
  std::unique_ptr<api::Services> services;
  std::string ad_kepri, ad_ntt;
  std::mutex mu;
  std::map<std::string, std::string> submission_org;  // id → org, seeded and created
};

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "api_fuzz: %s\n", what.c_str());
  std::abort();
}

std::string SeedAd(storage::Store& store, const std::string& url, const std::string& region) {
  storage::PageWrite w;
  FetchResult f;
  f.requested_url = f.final_url = url;
  f.http_status = 200;
  f.content_type = "text/html";
  f.body = "<html>lowongan</html>";
  f.fetched_at_ms = 1795323600000;
  w.page = f;
  storage::AdWrite a;
  a.ad.url = url;
  a.ad.source = "fuzz";
  a.ad.text = "Dicari admin ke Kamboja gaji 15 juta " + region;
  a.verdict.score = 80;
  a.verdict.level = Level::kHigh;
  a.verdict.kind = DocKind::kRecruitmentAd;
  a.regions = {region};
  w.ads.push_back(a);
  auto r = store.Write(w);
  if (!r) Fail("seeding an ad: " + r.error().ToString());
  return r->ads[0].ad_id;
}

World& Get() {
  static World* const w = [] {
    auto* world = new World();
    storage::StoreOptions o;
    o.in_memory = true;
    o.path = "/mem/api-fuzz";
    auto store = storage::Store::Open(o, world->clock);
    if (!store) Fail("store: " + store.error().ToString());
    world->store = std::move(*store);
    for (const SeededToken& t : kTokens) {
      ApiToken tok;
      tok.id = std::string(t.text + 4, 8);
      tok.sha256_hex = api::TokenDigest(t.text);
      tok.org = t.org;
      tok.role = t.role;
      tok.label = std::string("fuzz ") + t.org;
      if (t.role == Role::kTaskforce) tok.regions = {"id.kepri"};
      tok.created_ms = 1795000000000;
      if (!t.valid && t.role == Role::kPolice) tok.expires_ms = 1795100000000;
      if (Status s = world->store->PutToken(tok); !s.ok()) Fail("token: " + s.ToString());
      if (!t.valid && t.role != Role::kPolice)
        (void)world->store->RevokeToken(tok.id, 1795200000000);
    }
    world->ad_kepri = SeedAd(*world->store, "https://loker.example/kepri", "id.kepri");
    world->ad_ntt = SeedAd(*world->store, "https://loker.example/ntt", "id.ntt");
    for (const char* org : {"ngo-a", "ngo-b"}) {
      Submission s;
      s.id = std::string("seededSubmission") + org;
      s.org = org;
      s.text = "teks";
      s.status = SubmissionStatus::kDone;
      if (Status st = world->store->PutSubmission(s); !st.ok())
        Fail("submission: " + st.ToString());
      world->submission_org[s.id] = org;
    }
    // Generous limits: the fuzzer should explore routes, not spend its time on 429s.
    world->options.token_burst = 1e12;
    world->options.auth_fail_burst = 1e12;
    world->options.submission_burst = 1e12;
    world->options.submissions_per_day = 1'000'000'000;
    world->audit = std::make_unique<api::AuditBuffer>(*world->store, 1000);
    world->services = std::make_unique<api::Services>(
        api::Services{*world->store, world->clock, world->queue, world->limits, world->metrics,
                      *world->audit, world->options});
    return world;
  }();
  return *w;
}

const SeededToken* ValidToken(std::string_view authorization) {
  for (const SeededToken& t : kTokens) {
    if (t.valid && authorization == std::string("Bearer ") + t.text) return &t;
  }
  return nullptr;
}

// The oracle: whether a 2xx answer to `method path` with `authorization` is allowed.
bool MayAccess(World& w, const std::string& method, std::string path,
               std::string_view authorization, const std::string& body_id) {
  const size_t q = path.find('?');
  if (q != std::string::npos) path.resize(q);
  // Routes match by segment, so "//v1//ads/" names what "/v1/ads" does.
  std::string collapsed;
  for (char c : path) {
    if (c != '/' || collapsed.empty() || collapsed.back() != '/') collapsed += c;
  }
  while (collapsed.size() > 1 && collapsed.back() == '/') collapsed.pop_back();
  path = std::move(collapsed);
  if (path == "/healthz" || path == "/metrics") return true;
  const SeededToken* t = ValidToken(authorization);
  if (t == nullptr) return false;
  auto starts = [&](std::string_view p) { return path.rfind(p, 0) == 0; };
  if (starts("/v1/submissions")) {
    if (t->role != Role::kNgo) return false;
    if (path == "/v1/submissions") {
      if (method == "POST" && !body_id.empty()) {
        std::lock_guard lock(w.mu);
        w.submission_org[body_id] = t->org;
      }
      return true;
    }
    const std::string id = path.substr(std::string("/v1/submissions/").size());
    std::lock_guard lock(w.mu);
    auto it = w.submission_org.find(id);
    return it != w.submission_org.end() && it->second == t->org;
  }
  if (starts("/v1/watch") || starts("/v1/alerts")) {
    // Police only. Which organisation's entry a DELETE names is not tracked here: the tests
    // (watch_serve_test, the API's own) check that one org cannot remove another's.
    return t->role == Role::kPolice;
  }
  if (starts("/v1/ads")) {
    if (t->role == Role::kNgo) return false;
    const bool sub = path.find('/', 8) != std::string::npos;  // /v1/ads/{id}/...
    if (sub && t->role != Role::kPolice) return false;
    if (path == "/v1/ads") return true;
    if (t->role == Role::kTaskforce) return path == "/v1/ads/" + w.ad_kepri;
    return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& w = Get();
  http::request_parser<http::string_body> p;
  p.header_limit(8 << 10);
  p.body_limit(1 << 20);
  p.eager(true);
  beast::error_code ec;
  p.put(boost::asio::buffer(data, size), ec);
  if (ec == http::error::need_more && p.got_some()) p.put_eof(ec);
  if (ec || !p.is_done()) return 0;
  const auto& req = p.get();
  api::ApiRequest a;
  a.method = std::string(req.method_string());
  a.target = std::string(req.target());
  // "{kepri}" and "{ntt}" stand for the seeded ads' ids (hashes the fuzzer cannot guess).
  for (const auto& [name, id] : {std::pair<std::string, std::string>{"{kepri}", w.ad_kepri},
                                 std::pair<std::string, std::string>{"{ntt}", w.ad_ntt}}) {
    for (size_t at = a.target.find(name); at != std::string::npos; at = a.target.find(name)) {
      a.target.replace(at, name.size(), id);
    }
  }
  a.authorization = std::string(req[http::field::authorization]);
  a.accept_language = std::string(req[http::field::accept_language]);
  a.content_type = std::string(req[http::field::content_type]);
  a.body = req.body();
  a.peer_address = "127.0.0.1";
  const api::ApiResponse r = api::HandleRequest(a, *w.services);
  if (r.status < 100 || r.status > 599) Fail("status out of range");
  if (r.status >= 200 && r.status < 300) {
    std::string created;
    if (r.status == 202) {
      const size_t at = r.body.find("\"id\":\"");
      if (at != std::string::npos)
        created = r.body.substr(at + 6, r.body.find('"', at + 6) - at - 6);
    }
    if (!MayAccess(w, a.method, a.target, a.authorization, created)) {
      Fail(std::to_string(r.status) + " to " + a.method + " " + a.target.substr(0, 200) +
           " with authorization '" + a.authorization.substr(0, 60) + "'");
    }
  }
  return 0;
}
