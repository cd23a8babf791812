// The API as plain functions: HandleRequest over an in-memory store, every route with every role.
// What a user of the API would notice: who may read what, what another organisation's object
// looks like (exactly like a missing one), the answers to bad input, and the limits.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "adwatch/api/api.h"
#include "adwatch/api/tokens.h"
#include "adwatch/common/random_id.h"
#include "adwatch/storage/store.h"
#include "storage/test_util.h"

namespace {

using namespace adwatch;
using adwatch::storage::testing::kDayMs;
using adwatch::storage::testing::kNoonJakarta;
using adwatch::storage::testing::MakeAd;
using adwatch::storage::testing::MakeFetch;
using adwatch::storage::testing::MakeVerdict;
using adwatch::storage::testing::ManualClock;
using adwatch::storage::testing::Phone;

class FakeQueue final : public api::SubmissionQueue {
 public:
  bool Enqueue(const Submission& s) override {
    if (full) return false;
    got.push_back(s);
    return true;
  }
  std::vector<Submission> got;
  bool full = false;
};

struct Api {
  ManualClock clock{kNoonJakarta};
  std::unique_ptr<storage::Store> store;
  api::Metrics metrics;
  api::Limits limits;
  std::unique_ptr<api::AuditBuffer> audit;
  api::ApiOptions options;
  FakeQueue queue;
  std::unique_ptr<api::Services> services;
  std::string ngo_a, ngo_b, police, taskforce, revoked, expired;
  std::string ad_kepri, ad_ntt;

  Api() {
    storage::StoreOptions o;
    o.in_memory = true;
    o.path = "/mem/api-test";
    auto opened = storage::Store::Open(o, clock);
    INFO((opened ? std::string() : opened.error().ToString()));
    REQUIRE(opened.has_value());
    store = std::move(*opened);
    audit = std::make_unique<api::AuditBuffer>(*store);
    services = std::make_unique<api::Services>(
        api::Services{*store, clock, queue, limits, metrics, *audit, options});
    ngo_a = Token("yayasan-a", Role::kNgo);
    ngo_b = Token("yayasan-b", Role::kNgo);
    police = Token("polda-kepri", Role::kPolice);
    taskforce = Token("gugus-kepri", Role::kTaskforce, {"id.kepri"});
    revoked = Token("yayasan-c", Role::kNgo);
    REQUIRE(store->RevokeToken(revoked.substr(4, 8), clock.NowMs()).ok());
    expired = Token("yayasan-d", Role::kNgo, {}, 60'000);
    clock.Advance(120'000);
    ad_kepri = Ad("https://loker.example/1", "Admin ke Kamboja, gaji 15 juta, jemput di Batam",
                  {"id.kepri"}, 70, Level::kHigh, {Phone("+6281234567890")});
    ad_ntt = Ad("https://loker.example/2", "Kerja sawit Malaysia tanpa paspor, dari Kupang",
                {"id.ntt"}, 55, Level::kMedium, {Phone("+6281234567890")});
  }

  std::string Token(const std::string& org, Role role, std::vector<std::string> regions = {},
                    int64_t ttl = 0) {
    api::TokenSpec spec{org, role, std::move(regions), "Petugas " + org, ttl};
    auto t = api::CreateToken(*store, spec, clock);
    REQUIRE(t.has_value());
    return t->text;
  }

  std::string Ad(const std::string& url, const std::string& text, std::vector<std::string> regions,
                 int score, Level level, std::vector<Contact> contacts) {
    storage::PageWrite w;
    w.page = MakeFetch(url, "<html>" + text + "</html>", clock.NowMs());
    storage::AdWrite a;
    a.ad = MakeAd(url, text);
    a.verdict = MakeVerdict(score, level, std::move(contacts));
    a.regions = std::move(regions);
    w.ads.push_back(std::move(a));
    auto r = store->Write(w);
    REQUIRE(r.has_value());
    return r->ads[0].ad_id;
  }

  api::ApiResponse Call(const std::string& method, const std::string& target,
                        const std::string& token = "", const std::string& body = "",
                        const std::string& content_type = "application/json") {
    api::ApiRequest r;
    r.method = method;
    r.target = target;
    if (!token.empty()) r.authorization = "Bearer " + token;
    r.body = body;
    if (!body.empty() || method == "POST") r.content_type = content_type;
    r.peer_address = "127.0.0.1";
    return api::HandleRequest(r, *services);
  }

  static nlohmann::json Body(const api::ApiResponse& r) {
    return nlohmann::json::parse(r.body, nullptr, false);
  }

  int AuditCount(const std::string& action, const std::string& object = "") {
    REQUIRE(audit->Flush().ok());
    int n = 0;
    REQUIRE(store
                ->ScanAudit(0,
                            [&](const AuditEvent& e) {
                              n += e.action == action && (object.empty() || e.object == object);
                              return true;
                            })
                .ok());
    return n;
  }
};

TEST_CASE("Every route answers every role as the role table says", "[api]") {
  Api t;
  t.options.auth_fail_burst = 1000;  // this test fails authentication on purpose, many times
  // A submission of yayasan-a to read back.
  auto created = t.Call("POST", "/v1/submissions", t.ngo_a, R"({"text":"Lowongan ke Kamboja"})");
  REQUIRE(created.status == 202);
  const std::string sub = Api::Body(created)["id"];

  struct Case {
    std::string method, target, body;
    int ngo, police, taskforce;  // expected status per role
  };
  const std::vector<Case> cases = {
      {"POST", "/v1/submissions", R"({"text":"kerja di Malaysia"})", 202, 403, 403},
      {"GET", "/v1/submissions", "", 200, 403, 403},
      {"GET", "/v1/submissions/" + sub, "", 200, 403, 403},
      {"GET", "/v1/ads", "", 403, 200, 200},
      {"GET", "/v1/ads/" + t.ad_kepri, "", 403, 200, 200},
      {"GET", "/v1/ads/" + t.ad_kepri + "/evidence", "", 403, 200, 403},
      {"POST", "/v1/ads/" + t.ad_kepri + "/review", R"({"label":"confirmed"})", 403, 201, 403},
  };
  for (const Case& c : cases) {
    INFO(c.method << " " << c.target);
    CHECK(t.Call(c.method, c.target, t.ngo_a, c.body).status == c.ngo);
    CHECK(t.Call(c.method, c.target, t.police, c.body).status == c.police);
    CHECK(t.Call(c.method, c.target, t.taskforce, c.body).status == c.taskforce);
    // No token, a malformed one, an unknown one, a revoked and an expired one: the same 401.
    std::set<std::string> bodies;
    for (const std::string& bad :
         {std::string(), std::string("not-a-token"), std::string("adw_") + std::string(43, 'A'),
          t.revoked, t.expired}) {
      auto r = t.Call(c.method, c.target, bad, c.body);
      CHECK(r.status == 401);
      bodies.insert(r.body);
    }
    CHECK(bodies.size() == 1);
  }
  // Health needs no token; metrics none by default.
  CHECK(t.Call("GET", "/healthz").status == 200);
  CHECK(t.Call("GET", "/metrics").status == 200);
  // Unknown routes and methods.
  CHECK(t.Call("GET", "/v1/nothing", t.police).status == 404);
  // A target that is not a path is refused, whatever it names.
  CHECK(t.Call("GET", "v1/submissions", t.ngo_a).status == 400);
  CHECK(t.Call("OPTIONS", "*", t.police).status == 400);
  CHECK(t.Call("DELETE", "/v1/ads/" + t.ad_kepri, t.police).status == 405);
  CHECK(t.Call("PUT", "/v1/submissions", t.ngo_a, "{}").status == 405);
}

TEST_CASE("An organisation cannot see another's submission by id, by list or by guessing",
          "[api]") {
  Api t;
  auto a = t.Call("POST", "/v1/submissions", t.ngo_a, R"({"text":"Teks keluarga, rahasia"})");
  REQUIRE(a.status == 202);
  const std::string id = Api::Body(a)["id"];
  CHECK(id.size() >= 16);

  auto mine = t.Call("GET", "/v1/submissions/" + id, t.ngo_a);
  CHECK(mine.status == 200);
  auto theirs = t.Call("GET", "/v1/submissions/" + id, t.ngo_b);
  auto missing = t.Call("GET", "/v1/submissions/AAAAAAAAAAAAAAAAAAAAAA", t.ngo_b);
  CHECK(theirs.status == 404);
  CHECK(theirs.body == missing.body);  // exactly as an id that does not exist
  CHECK(t.AuditCount("object.not_found", id) == 1);

  auto list_b = Api::Body(t.Call("GET", "/v1/submissions", t.ngo_b));
  CHECK(list_b["items"].empty());
  auto list_a = Api::Body(t.Call("GET", "/v1/submissions", t.ngo_a));
  REQUIRE(list_a["items"].size() == 1);
  CHECK(list_a["items"][0]["id"] == id);
}

TEST_CASE("A task force reads only the ads routed to its regions", "[api]") {
  Api t;
  auto list = Api::Body(t.Call("GET", "/v1/ads", t.taskforce));
  REQUIRE(list["items"].size() == 1);
  CHECK(list["items"][0]["id"] == t.ad_kepri);
  CHECK(t.Call("GET", "/v1/ads/" + t.ad_ntt, t.taskforce).status == 404);
  CHECK(t.Call("GET", "/v1/ads?region=id.ntt", t.taskforce).status == 403);
  // The police read both, highest score first.
  auto all = Api::Body(t.Call("GET", "/v1/ads", t.police));
  REQUIRE(all["items"].size() == 2);
  CHECK(all["items"][0]["id"] == t.ad_kepri);
  // The NTT ad shares a phone with the Kepri one; the task force is not told about it.
  auto police_view = Api::Body(t.Call("GET", "/v1/ads/" + t.ad_kepri, t.police));
  auto tf_view = Api::Body(t.Call("GET", "/v1/ads/" + t.ad_kepri, t.taskforce));
  CHECK(police_view["linked"]["by_contact"][0]["ads"].size() == 1);
  CHECK(tf_view["linked"]["by_contact"][0]["ads"].empty());
}

TEST_CASE("Ad lists page with a cursor and filter by level, label and day", "[api]") {
  Api t;
  for (int i = 0; i < 5; ++i) {
    t.Ad("https://loker.example/p" + std::to_string(i),
         "Lowongan admin luar negeri nomor " + std::to_string(i), {"id.kepri"}, 30 + i, Level::kLow,
         {});
  }
  auto p1 = Api::Body(t.Call("GET", "/v1/ads?limit=3", t.police));
  REQUIRE(p1["items"].size() == 3);
  REQUIRE(p1["next_cursor"].is_string());
  auto p2 = Api::Body(
      t.Call("GET", "/v1/ads?limit=3&cursor=" + p1["next_cursor"].get<std::string>(), t.police));
  REQUIRE(p2["items"].size() == 3);
  auto p3 = Api::Body(
      t.Call("GET", "/v1/ads?limit=3&cursor=" + p2["next_cursor"].get<std::string>(), t.police));
  CHECK(p3["items"].size() == 1);
  CHECK(p3["next_cursor"].is_null());
  std::set<std::string> ids;
  for (const auto* p : {&p1, &p2, &p3}) {
    for (const auto& it : (*p)["items"]) ids.insert(it["id"].get<std::string>());
  }
  CHECK(ids.size() == 7);
  // Each page says how many the whole range holds, and pages come in score order.
  for (const auto* p : {&p1, &p2, &p3}) CHECK((*p)["total_in_range"] == 7);
  std::vector<int> scores;
  for (const auto* p : {&p1, &p2, &p3}) {
    for (const auto& it : (*p)["items"]) scores.push_back(it["score"].get<int>());
  }
  CHECK(std::is_sorted(scores.rbegin(), scores.rend()));

  CHECK(Api::Body(t.Call("GET", "/v1/ads?min_level=high", t.police))["items"].size() == 1);
  REQUIRE(t.Call("POST", "/v1/ads/" + t.ad_ntt + "/review", t.police,
                 R"({"label":"confirmed","note":"nomor sama dengan kasus lama"})")
              .status == 201);
  auto confirmed = Api::Body(t.Call("GET", "/v1/ads?label=confirmed", t.police));
  REQUIRE(confirmed["items"].size() == 1);
  CHECK(confirmed["items"][0]["label"] == "confirmed");
  CHECK(Api::Body(t.Call("GET", "/v1/ads?day=2020-01-01", t.police))["items"].empty());
  CHECK(t.AuditCount("review.add", t.ad_ntt) == 1);

  // Bad parameters are named.
  auto bad = t.Call("GET", "/v1/ads?min_level=urgent", t.police);
  CHECK(bad.status == 400);
  CHECK(Api::Body(bad)["message"].get<std::string>().find("min_level") != std::string::npos);
  CHECK(t.Call("GET", "/v1/ads?colour=red", t.police).status == 400);
  CHECK(t.Call("GET", "/v1/ads?limit=1000", t.police).status == 400);
  CHECK(t.Call("GET", "/v1/ads?day=22-11-2026", t.police).status == 400);
  CHECK(t.Call("GET", "/v1/ads?cursor=x", t.police).status == 400);
}

TEST_CASE("Submissions check their body and are queued, not fetched in the handler", "[api]") {
  Api t;
  auto ok = t.Call("POST", "/v1/submissions", t.ngo_a, R"({"url":"https://loker.example/x"})");
  REQUIRE(ok.status == 202);
  REQUIRE(t.queue.got.size() == 1);
  CHECK(t.queue.got[0].url == "https://loker.example/x");
  CHECK(t.queue.got[0].org == "yayasan-a");

  CHECK(t.Call("POST", "/v1/submissions", t.ngo_a, R"({"url":"x","text":"y"})").status == 400);
  CHECK(t.Call("POST", "/v1/submissions", t.ngo_a, R"({})").status == 400);
  CHECK(t.Call("POST", "/v1/submissions", t.ngo_a, R"({"text":"a","colour":1})").status == 400);
  CHECK(t.Call("POST", "/v1/submissions", t.ngo_a, R"({"text":   })").status == 400);
  CHECK(t.Call("POST", "/v1/submissions", t.ngo_a, R"({"text":"a"})", "text/plain").status == 415);
  const std::string long_url =
      R"({"url":"https://loker.example/)" + std::string(9000, 'a') + R"("})";
  auto too_long = t.Call("POST", "/v1/submissions", t.ngo_a, long_url);
  CHECK(too_long.status == 400);
  CHECK(Api::Body(too_long)["message"].get<std::string>().find("too long") != std::string::npos);
  const std::string huge = R"({"text":")" + std::string(300 << 10, 'a') + R"("})";
  CHECK(t.Call("POST", "/v1/submissions", t.ngo_a, huge).status == 413);

  // A full queue: 429 with Retry-After, and the submission says why it failed.
  t.queue.full = true;
  auto busy = t.Call("POST", "/v1/submissions", t.ngo_a, R"({"text":"kerja"})");
  CHECK(busy.status == 429);
  bool retry_after = false;
  for (const auto& [k, v] : busy.headers) retry_after = retry_after || k == "Retry-After";
  CHECK(retry_after);
}

TEST_CASE("Submissions are rate limited per organisation", "[api]") {
  Api t;
  t.options.submission_burst = 3;
  for (int i = 0; i < 3; ++i) {
    CHECK(t.Call("POST", "/v1/submissions", t.ngo_a, R"({"text":"kerja"})").status == 202);
  }
  auto limited = t.Call("POST", "/v1/submissions", t.ngo_a, R"({"text":"kerja"})");
  CHECK(limited.status == 429);
  // Another organisation is not held up by the first.
  CHECK(t.Call("POST", "/v1/submissions", t.ngo_b, R"({"text":"kerja"})").status == 202);
  t.clock.Advance(1000);  // one token back after a second
  CHECK(t.Call("POST", "/v1/submissions", t.ngo_a, R"({"text":"kerja"})").status == 202);
}

TEST_CASE("Failed authentications from one address are slowed down", "[api]") {
  Api t;
  int refused = 0;
  for (int i = 0; i < 30; ++i) {
    const int s = t.Call("GET", "/v1/ads", "adw_" + std::string(43, 'B')).status;
    refused += s == 429;
  }
  CHECK(refused > 0);
  CHECK(t.AuditCount("auth.fail") >= 10);
}

TEST_CASE("A revoked token is refused on its next request", "[api]") {
  Api t;
  const std::string tok = t.Token("polres-kupang", Role::kPolice);
  CHECK(t.Call("GET", "/v1/ads", tok).status == 200);
  REQUIRE(t.store->RevokeToken(tok.substr(4, 8), t.clock.NowMs()).ok());
  CHECK(t.Call("GET", "/v1/ads", tok).status == 401);
}

TEST_CASE("The evidence archive holds the page as fetched and its checksums", "[api]") {
  Api t;
  auto r = t.Call("GET", "/v1/ads/" + t.ad_kepri + "/evidence", t.police);
  REQUIRE(r.status == 200);
  CHECK(r.content_type == "application/x-tar");
  CHECK(r.body.size() % 512 == 0);
  CHECK(r.body.find("SHA256SUMS") != std::string::npos);
  CHECK(r.body.find("Admin ke Kamboja") != std::string::npos);
  CHECK(t.AuditCount("evidence.view", t.ad_kepri) == 1);
}

TEST_CASE("Metrics count requests by route, not by id", "[api]") {
  Api t;
  t.Call("GET", "/v1/ads/" + t.ad_kepri, t.police);
  t.Call("GET", "/v1/ads/" + t.ad_ntt, t.police);
  const std::string text = t.Call("GET", "/metrics").body;
  CHECK(text.find(R"(adwatch_api_requests_total{route="/v1/ads/{id}",status="200"} 2)") !=
        std::string::npos);
  CHECK(text.find(t.ad_kepri) == std::string::npos);
}

}  // namespace

TEST_CASE("Random ids never start with '-' or '_', which a command line reads as an option",
          "[api]") {
  // Token ids are the first 8 characters of one: "adwatch token revoke -Xb3…" was an option.
  for (int i = 0; i < 2000; ++i) {
    auto id = adwatch::RandomId(6);
    REQUIRE(id.has_value());
    REQUIRE(id->size() == 8);
    INFO(*id);
    REQUIRE(id->front() != '-');
    REQUIRE(id->front() != '_');
  }
}
