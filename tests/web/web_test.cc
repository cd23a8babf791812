// The pages as plain functions: HandlePage over an in-memory store, signed in the way a browser
// signs in. What a user would notice: hostile ad text shows as text, forms from elsewhere are
// refused, sessions end, each role opens its own pages only, the queue folds reposts, and the
// one-ad page names each reason once.
#include "adwatch/web/web.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>

#include "adwatch/api/api.h"
#include "adwatch/api/tokens.h"
#include "adwatch/storage/store.h"
#include "storage/test_util.h"

namespace {

using namespace adwatch;
using adwatch::storage::testing::kNoonJakarta;
using adwatch::storage::testing::MakeAd;
using adwatch::storage::testing::MakeFetch;
using adwatch::storage::testing::MakeVerdict;
using adwatch::storage::testing::ManualClock;
using adwatch::storage::testing::Phone;

class FakeQueue final : public api::SubmissionQueue {
 public:
  bool Enqueue(const Submission& s) override {
    got.push_back(s);
    return true;
  }
  std::vector<Submission> got;
};

struct Browser {
  std::string cookie;  // "name=value; ..." of the cookies set so far
  std::string csrf;    // the last form's csrf field
};

struct Site {
  ManualClock clock{kNoonJakarta};
  std::unique_ptr<storage::Store> store;
  api::Metrics metrics;
  api::Limits limits;
  std::unique_ptr<api::AuditBuffer> audit;
  api::ApiOptions options;
  FakeQueue queue;
  std::unique_ptr<api::Services> services;
  web::WebOptions web_options;
  std::unique_ptr<web::Sessions> sessions;
  std::unique_ptr<web::WebServices> web;
  std::string ngo, police, taskforce;
  std::string ad_kepri, ad_ntt, ad_hostile;

  Site() {
    storage::StoreOptions o;
    o.in_memory = true;
    o.path = "/mem/web-test";
    auto opened = storage::Store::Open(o, clock);
    REQUIRE(opened.has_value());
    store = std::move(*opened);
    audit = std::make_unique<api::AuditBuffer>(*store);
    services = std::make_unique<api::Services>(
        api::Services{*store, clock, queue, limits, metrics, *audit, options});
    sessions = std::make_unique<web::Sessions>(web_options);
    web = std::make_unique<web::WebServices>(web::WebServices{*services, *sessions, web_options});
    ngo = Token("yayasan-a", Role::kNgo);
    police = Token("polda-kepri", Role::kPolice);
    taskforce = Token("gugus-kepri", Role::kTaskforce, {"id.kepri"});
    ad_kepri = Ad("https://loker.example/1", "Lowongan admin",
                  "Admin ke Kamboja, gaji 15 juta, jemput di Batam. Hubungi 0812-3456-7890",
                  {"id.kepri"}, 70, Level::kHigh, {Phone("+6281234567890")});
    ad_ntt = Ad("https://loker.example/2", "Kerja sawit",
                "Kerja sawit Malaysia tanpa paspor, dari Kupang", {"id.ntt"}, 55, Level::kMedium,
                {Phone("+6281234567890")});
    ad_hostile = Ad("javascript:alert(1)", "<script>window.__pwned=1</script>Loker",
                    "Gaji besar <img src=x onerror=\"window.__pwned=1\"> <a href=\"javascript:"
                    "alert(1)\">klik</a> <style>body{background:url(http://evil.test/x)}</style>",
                    {"id.kepri"}, 65, Level::kHigh, {Phone("+6289999999999")});
  }

  std::string Token(const std::string& org, Role role, std::vector<std::string> regions = {}) {
    api::TokenSpec spec{org, role, std::move(regions), "Petugas <b>" + org + "</b>", 0};
    auto t = api::CreateToken(*store, spec, clock);
    REQUIRE(t.has_value());
    return t->text;
  }

  std::string Ad(const std::string& url, const std::string& title, const std::string& text,
                 std::vector<std::string> regions, int score, Level level,
                 std::vector<Contact> contacts) {
    storage::PageWrite w;
    w.page = MakeFetch(url.rfind("http", 0) == 0 ? url : "https://evil.example/x",
                       "<html><body><form action=\"https://evil.test/login\"><input "
                       "name=password></form>" +
                           text + "</body></html>",
                       clock.NowMs());
    storage::AdWrite a;
    a.ad = MakeAd(url, text);
    a.ad.title = title;
    a.verdict = MakeVerdict(score, level, std::move(contacts));
    a.regions = std::move(regions);
    w.ads.push_back(std::move(a));
    auto r = store->Write(w);
    REQUIRE(r.has_value());
    return r->ads[0].ad_id;
  }

  web::WebResponse Call(Browser& b, const std::string& method, const std::string& target,
                        const std::string& body = "", const std::string& origin = "") {
    web::WebRequest r;
    r.method = method;
    r.target = target;
    r.cookie = b.cookie;
    r.host = "127.0.0.1:8080";
    r.origin = origin;
    r.body = body;
    if (method == "POST") r.content_type = "application/x-www-form-urlencoded";
    r.peer_address = "127.0.0.1";
    web::WebResponse out = web::HandlePage(r, *web);
    for (const auto& [k, v] : out.headers) {
      if (k != "Set-Cookie") continue;
      const std::string pair = v.substr(0, v.find(';'));
      const std::string name = pair.substr(0, pair.find('='));
      // Replace an earlier cookie of the same name.
      std::string kept;
      size_t i = 0;
      while (i < b.cookie.size()) {
        size_t j = b.cookie.find("; ", i);
        std::string part = b.cookie.substr(i, j == std::string::npos ? std::string::npos : j - i);
        if (part.substr(0, part.find('=')) != name) kept += (kept.empty() ? "" : "; ") + part;
        if (j == std::string::npos) break;
        i = j + 2;
      }
      if (pair.size() > name.size() + 1) kept += (kept.empty() ? "" : "; ") + pair;
      b.cookie = kept;
    }
    std::smatch m;
    static const std::regex kCsrf("name=\"csrf\" value=\"([^\"]+)\"");
    if (std::regex_search(out.body, m, kCsrf)) b.csrf = m[1];
    return out;
  }

  Browser SignIn(const std::string& token) {
    Browser b;
    REQUIRE(Call(b, "GET", "/login").status == 200);
    auto r = Call(b, "POST", "/login", "csrf=" + b.csrf + "&token=" + token);
    REQUIRE(r.status == 303);
    REQUIRE(b.cookie.find("adw_session=") != std::string::npos);
    return b;
  }
};

std::string Header(const web::WebResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

TEST_CASE("Sign-in sets a strict session cookie and sends each role to its page", "[web]") {
  Site s;
  Browser b;
  REQUIRE(s.Call(b, "GET", "/login").status == 200);
  auto r = s.Call(b, "POST", "/login", "csrf=" + b.csrf + "&token=" + s.police);
  CHECK(r.status == 303);
  CHECK(Header(r, "Location") == "/review");
  bool found = false;
  for (const auto& [k, v] : r.headers) {
    if (k == "Set-Cookie" && v.rfind("adw_session=", 0) == 0) {
      found = true;
      CHECK(v.find("HttpOnly") != std::string::npos);
      CHECK(v.find("SameSite=Strict") != std::string::npos);
      CHECK(v.find("Max-Age=") != std::string::npos);
    }
  }
  CHECK(found);
  CHECK(Header(s.Call(b, "GET", "/"), "Location") == "/review");
  Browser n = s.SignIn(s.ngo);
  CHECK(Header(s.Call(n, "GET", "/"), "Location") == "/check");
  Browser t = s.SignIn(s.taskforce);
  CHECK(Header(s.Call(t, "GET", "/"), "Location") == "/digests");

  // A wrong token: the form again, 401, no session.
  Browser bad;
  s.Call(bad, "GET", "/login");
  auto no =
      s.Call(bad, "POST", "/login", "csrf=" + bad.csrf + "&token=adw_" + std::string(43, 'A'));
  CHECK(no.status == 401);
  CHECK(bad.cookie.find("adw_session=") == std::string::npos);
  // Without the form's nonce cookie (a sign-in form posted from elsewhere): refused.
  Browser forged;
  CHECK(s.Call(forged, "POST", "/login", "csrf=x&token=" + s.police).status == 403);
}

TEST_CASE("Every page has a strict CSP and hostile ad fields show as text", "[web]") {
  Site s;
  Browser b = s.SignIn(s.police);
  for (const std::string& target : {std::string("/review"), "/review/ads/" + s.ad_hostile,
                                    std::string("/review/contact?term=tel:%2B6289999999999")}) {
    INFO(target);
    auto r = s.Call(b, "GET", target);
    REQUIRE(r.status == 200);
    const std::string csp = Header(r, "Content-Security-Policy");
    CHECK(csp.find("default-src 'none'") != std::string::npos);
    CHECK(csp.find("script-src 'self'") != std::string::npos);
    CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
    CHECK(csp.find("unsafe-inline") == std::string::npos);
    CHECK(r.body.find("<script>window") == std::string::npos);
    CHECK(r.body.find("<img src=x") == std::string::npos);
    CHECK(r.body.find("href=\"javascript:") == std::string::npos);
    CHECK(r.body.find("<style>") == std::string::npos);
    CHECK(r.body.find(" style=") == std::string::npos);
    CHECK(r.body.find("<b>polda") == std::string::npos);  // the token label is escaped too
    // Only our own script file, never an inline one.
    const std::regex script("<script([^>]*)>");
    for (auto it = std::sregex_iterator(r.body.begin(), r.body.end(), script);
         it != std::sregex_iterator(); ++it) {
      CHECK((*it)[1].str().find("src=\"/static/app-") != std::string::npos);
    }
  }
  auto ad = s.Call(b, "GET", "/review/ads/" + s.ad_hostile);
  CHECK(ad.body.find("&lt;script&gt;window.__pwned=1&lt;/script&gt;") != std::string::npos);
  CHECK(ad.body.find("&lt;img src=x onerror=") != std::string::npos);

  // The raw page: only with a sandbox CSP, framed sandboxed.
  CHECK(ad.body.find("<iframe class=\"raw\" sandbox src=") != std::string::npos);
  auto raw = s.Call(b, "GET", "/review/ads/" + s.ad_hostile + "/raw");
  REQUIRE(raw.status == 200);
  CHECK(Header(raw, "Content-Security-Policy").rfind("sandbox; default-src 'none'", 0) == 0);
  CHECK(Header(raw, "X-Content-Type-Options") == "nosniff");
}

TEST_CASE("A form posted without the session's CSRF token or from another origin is refused",
          "[web]") {
  Site s;
  Browser b = s.SignIn(s.police);
  s.Call(b, "GET", "/review/ads/" + s.ad_kepri);
  const std::string target = "/review/ads/" + s.ad_kepri + "/label";
  CHECK(s.Call(b, "POST", target, "label=confirmed").status == 403);
  CHECK(s.Call(b, "POST", target, "label=confirmed&csrf=wrong" + b.csrf).status == 403);
  CHECK(s.Call(b, "POST", target, "label=confirmed&csrf=" + b.csrf, "https://evil.test").status ==
        403);
  CHECK(s.store->GetAd(s.ad_kepri)->reviews.empty());
  auto ok = s.Call(b, "POST", target, "label=confirmed&note=dicek&csrf=" + b.csrf,
                   "http://127.0.0.1:8080");
  CHECK(ok.status == 303);
  auto rec = s.store->GetAd(s.ad_kepri);
  REQUIRE(rec->reviews.size() == 1);
  CHECK(rec->reviews[0].label == ReviewLabel::kConfirmed);
  // The label and who set it show in the audit trail of the page.
  auto page = s.Call(b, "GET", "/review/ads/" + s.ad_kepri);
  CHECK(page.body.find("id=\"reviews\"") != std::string::npos);
  CHECK(page.body.find("Terkonfirmasi") != std::string::npos);
  CHECK(page.body.find("dicek") != std::string::npos);
}

TEST_CASE("Sessions end at their lifetime, when idle, on sign-out and when the token is revoked",
          "[web]") {
  Site s;
  Browser b = s.SignIn(s.police);
  CHECK(s.Call(b, "GET", "/review").status == 200);
  s.clock.Advance(s.web_options.session_idle_ms + 1);
  CHECK(Header(s.Call(b, "GET", "/review"), "Location") == "/login");

  Browser c = s.SignIn(s.police);
  for (int i = 0; i < 13; ++i) {
    s.clock.Advance(3600 * 1000);  // used every hour: never idle, but 12 h is the most
    s.Call(c, "GET", "/review");
  }
  CHECK(Header(s.Call(c, "GET", "/review"), "Location") == "/login");

  Browser d = s.SignIn(s.police);
  s.Call(d, "GET", "/review");
  CHECK(s.Call(d, "POST", "/logout", "csrf=" + d.csrf).status == 303);
  CHECK(Header(s.Call(d, "GET", "/review"), "Location") == "/login");

  Browser e = s.SignIn(s.police);
  CHECK(s.Call(e, "GET", "/review").status == 200);
  REQUIRE(s.store->RevokeToken(s.police.substr(4, 8), s.clock.NowMs()).ok());
  CHECK(Header(s.Call(e, "GET", "/review"), "Location") == "/login");
  CHECK(s.sessions->size() <= 3);  // the revoked token's session is gone
}

TEST_CASE("Each role opens only its own pages", "[web]") {
  Site s;
  Browser n = s.SignIn(s.ngo);
  for (const std::string& t : {std::string("/review"), "/review/ads/" + s.ad_kepri,
                               "/review/ads/" + s.ad_kepri + "/raw", std::string("/digests")}) {
    INFO(t);
    CHECK(s.Call(n, "GET", t).status == 403);
  }
  Browser p = s.SignIn(s.police);
  CHECK(s.Call(p, "GET", "/check").status == 403);
  Browser t = s.SignIn(s.taskforce);
  CHECK(s.Call(t, "GET", "/review/ads/" + s.ad_kepri + "/raw").status == 403);
  CHECK(s.Call(t, "GET", "/check").status == 403);
  Browser none;
  CHECK(Header(s.Call(none, "GET", "/review"), "Location") == "/login");
  CHECK(s.Call(none, "GET", "/nothing").status == 404);
}

TEST_CASE("A task force sees only the ads of its regions", "[web]") {
  Site s;
  Browser t = s.SignIn(s.taskforce);
  auto q = s.Call(t, "GET", "/review");
  REQUIRE(q.status == 200);
  CHECK(q.body.find(s.ad_kepri) != std::string::npos);
  CHECK(q.body.find(s.ad_ntt) == std::string::npos);
  CHECK(s.Call(t, "GET", "/review/ads/" + s.ad_ntt).status == 404);
  CHECK(s.Call(t, "GET", "/review?region=id.ntt").status == 403);
  // No label buttons for a task force.
  auto ad = s.Call(t, "GET", "/review/ads/" + s.ad_kepri);
  CHECK(ad.status == 200);
  CHECK(ad.body.find("data-key=\"1\"") == std::string::npos);
}

TEST_CASE("The queue filters, counts and folds reposts under the first ad", "[web]") {
  Site s;
  // The same text again on another URL: a repost.
  const std::string repost =
      s.Ad("https://lain.example/9", "Lowongan admin",
           "Admin ke Kamboja, gaji 15 juta, jemput di Batam. Hubungi 0812-3456-7890", {"id.kepri"},
           70, Level::kHigh, {Phone("+6281234567890")});
  Browser b = s.SignIn(s.police);
  auto q = s.Call(b, "GET", "/review");
  REQUIRE(q.status == 200);
  CHECK(q.body.find("data-ad=\"" + s.ad_kepri + "\"") != std::string::npos);
  CHECK(q.body.find("data-ad=\"" + repost + "\"") == std::string::npos);
  CHECK(q.body.find("Unggahan ulang: 1") != std::string::npos);
  CHECK(q.body.find("<strong>3</strong>") != std::string::npos);  // 3 ads in range, not 4

  auto high = s.Call(b, "GET", "/review?min_level=high");
  CHECK(high.body.find(s.ad_ntt) == std::string::npos);
  CHECK(high.body.find(s.ad_kepri) != std::string::npos);
  auto region = s.Call(b, "GET", "/review?region=id.ntt");
  CHECK(region.body.find(s.ad_ntt) != std::string::npos);
  CHECK(region.body.find(s.ad_kepri) == std::string::npos);

  // "Not yet reviewed" drops an ad once it is labelled.
  s.Call(b, "GET", "/review/ads/" + s.ad_kepri);
  REQUIRE(s.Call(b, "POST", "/review/ads/" + s.ad_kepri + "/label", "label=unsure&csrf=" + b.csrf)
              .status == 303);
  auto open = s.Call(b, "GET", "/review?label=none");
  CHECK(open.body.find("data-ad=\"" + s.ad_kepri + "\"") == std::string::npos);
  CHECK(open.body.find("data-ad=\"" + s.ad_ntt + "\"") != std::string::npos);
  // A bad filter is said in words, not a crash.
  auto bad = s.Call(b, "GET", "/review?since=2026-13-99");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("class=\"error\"") != std::string::npos);
}

TEST_CASE("The one-ad page lists each reason once beside its spans", "[web]") {
  Site s;
  storage::PageWrite w;
  const std::string text = "Kerja di Kamboja, gaji 15 juta, visa turis";
  w.page = MakeFetch("https://loker.example/kh", "<p>" + text + "</p>", s.clock.NowMs());
  storage::AdWrite a;
  a.ad = MakeAd("https://loker.example/kh", text);
  a.verdict = MakeVerdict(80, Level::kHigh);
  a.verdict.hits.clear();
  Hit dest;
  dest.rule_id = "dest.kh";
  dest.view = "folded";
  dest.describe_id = "Tujuan Kamboja bukan negara penempatan resmi";
  dest.describe_en = "Cambodia is not an official placement country";
  dest.evidence = {{"body", {9, 16}}};
  Hit visa = dest;
  visa.rule_id = "visa.tourist";
  visa.describe_id = "Visa turis untuk bekerja";
  visa.evidence = {{"body", {32, 42}}};
  // Two meta rules that repeat the spans of their parts, one with the same description as a
  // part.
  Hit meta;
  meta.rule_id = "combo.kh_visa";
  meta.view = "meta";
  meta.describe_id = "Kamboja dengan visa turis";
  meta.evidence = {{"body", {9, 16}}, {"body", {32, 42}}};
  Hit meta2 = meta;
  meta2.rule_id = "combo.again";
  meta2.describe_id = dest.describe_id;
  a.verdict.hits = {meta, dest, visa, meta2};
  a.regions = {"id.kepri"};
  w.ads.push_back(a);
  auto written = s.store->Write(w);
  REQUIRE(written.has_value());
  const std::string id = written->ads[0].ad_id;

  Browser b = s.SignIn(s.police);
  auto r = s.Call(b, "GET", "/review/ads/" + id);
  REQUIRE(r.status == 200);
  auto count = [&](const std::string& needle) {
    size_t n = 0;
    for (size_t i = r.body.find(needle); i != std::string::npos; i = r.body.find(needle, i + 1))
      ++n;
    return n;
  };
  CHECK(count("Tujuan Kamboja bukan negara penempatan resmi") == 1);
  CHECK(count("Visa turis untuk bekerja") == 1);
  CHECK(count("Kamboja dengan visa turis") == 1);
  CHECK(count("<q class=\"ev\">Kamboja</q>") == 1);
  CHECK(count("<q class=\"ev\">visa turis</q>") == 1);
  CHECK(count("gabungan tanda di atas") == 1);  // the meta rule, without repeating spans
  // The text once, each span marked once.
  CHECK(count("<mark>Kamboja</mark>") == 1);
  CHECK(count("<mark>visa turis</mark>") == 1);
  CHECK(count("class=\"adtext\"") == 1);
}

TEST_CASE("A deconfliction note on a contact shows on every ad that carries it", "[web]") {
  Site s;
  Browser b = s.SignIn(s.police);
  s.Call(b, "GET", "/review/ads/" + s.ad_kepri);
  auto r =
      s.Call(b, "POST", "/review/notes",
             "term=tel%3A%2B6281234567890&text=Unit+Siber+NTT+sedang+menyelidiki&back=%2Freview"
             "&csrf=" +
                 b.csrf);
  CHECK(r.status == 303);
  for (const std::string& id : {s.ad_kepri, s.ad_ntt}) {
    auto page = s.Call(b, "GET", "/review/ads/" + id);
    CHECK(page.body.find("Unit Siber NTT sedang menyelidiki") != std::string::npos);
  }
  auto other = s.Call(b, "GET", "/review/ads/" + s.ad_hostile);
  CHECK(other.body.find("Unit Siber NTT") == std::string::npos);
  auto contact = s.Call(b, "GET", "/review/contact?term=%2B6281234567890");
  CHECK(contact.body.find(s.ad_kepri) != std::string::npos);
  CHECK(contact.body.find(s.ad_ntt) != std::string::npos);
}

TEST_CASE("The NGO check page submits a text and shows only its own checks", "[web]") {
  Site s;
  Browser n = s.SignIn(s.ngo);
  s.Call(n, "GET", "/check");
  auto r = s.Call(n, "POST", "/check", "text=Kerja+di+Kamboja+gaji+besar&csrf=" + n.csrf);
  REQUIRE(r.status == 303);
  const std::string loc = Header(r, "Location");
  CHECK(loc.rfind("/check/", 0) == 0);
  REQUIRE(s.queue.got.size() == 1);
  auto pending = s.Call(n, "GET", loc);
  CHECK(pending.status == 200);
  CHECK(pending.body.find("http-equiv=\"refresh\"") != std::string::npos);
  // Done, with a verdict: the level in words.
  Submission sub = s.queue.got[0];
  sub.status = SubmissionStatus::kDone;
  sub.verdict = MakeVerdict(75, Level::kHigh, {Phone("+6281234567890")});
  REQUIRE(s.store->PutSubmission(sub).ok());
  auto done = s.Call(n, "GET", loc);
  CHECK(done.body.find("TINGGI") != std::string::npos);
  CHECK(done.body.find("id=\"shared\"") != std::string::npos);
  CHECK(s.Call(n, "GET", "/check").body.find(loc) != std::string::npos);
  // Another organisation: not found, and not listed.
  const std::string other = s.Token("yayasan-b", Role::kNgo);
  Browser o = s.SignIn(other);
  CHECK(s.Call(o, "GET", loc).status == 404);
  CHECK(s.Call(o, "GET", "/check").body.find(loc) == std::string::npos);
  // Neither a link nor a text: said in words.
  CHECK(s.Call(n, "POST", "/check", "url=&text=&csrf=" + n.csrf).status == 400);
}

TEST_CASE("A task force lists and opens only the digests of its regions", "[web]") {
  Site s;
  storage::testing::TempDir dir;
  s.web_options.digest_dir = dir.path();
  s.web_options.feeds = {{"kepri", "Gugus Tugas Kepri", {"id.kepri"}},
                         {"ntt", "Gugus Tugas NTT", {"id.ntt"}},
                         {"nasional", "", {}}};
  for (const char* f : {"adwatch-digest-2026-11-22-kepri.html",
                        "adwatch-digest-2026-11-22-kepri.csv", "adwatch-digest-2026-11-22-ntt.html",
                        "adwatch-digest-2026-11-21-nasional.html", "notes.txt"}) {
    std::ofstream(dir.Sub(f)) << "<html><body><p style=\"color:red\">digest " << f
                              << "</p></body></html>";
  }
  Browser t = s.SignIn(s.taskforce);
  auto list = s.Call(t, "GET", "/digests");
  REQUIRE(list.status == 200);
  CHECK(list.body.find("Gugus Tugas Kepri") != std::string::npos);
  CHECK(list.body.find("2026-11-21") != std::string::npos);  // the national one
  CHECK(list.body.find("Gugus Tugas NTT") == std::string::npos);
  CHECK(list.body.find("notes.txt") == std::string::npos);

  auto html = s.Call(t, "GET", "/digests/file?f=adwatch-digest-2026-11-22-kepri.html");
  CHECK(html.status == 200);
  CHECK(Header(html, "Content-Security-Policy").rfind("sandbox;", 0) == 0);
  auto framed = s.Call(t, "GET", "/digests/file?f=adwatch-digest-2026-11-22-kepri.html&view=1");
  CHECK(framed.body.find("<iframe class=\"digest\" sandbox") != std::string::npos);
  auto csv = s.Call(t, "GET", "/digests/file?f=adwatch-digest-2026-11-22-kepri.csv");
  CHECK(Header(csv, "Content-Disposition").find("attachment") != std::string::npos);
  CHECK(s.Call(t, "GET", "/digests/file?f=adwatch-digest-2026-11-22-ntt.html").status == 404);
  CHECK(s.Call(t, "GET", "/digests/file?f=..%2F..%2Fetc%2Fpasswd").status == 404);
  CHECK(s.Call(t, "GET", "/digests/file?f=notes.txt").status == 404);
  // Police read every region's digests.
  Browser p = s.SignIn(s.police);
  CHECK(s.Call(p, "GET", "/digests").body.find("Gugus Tugas NTT") != std::string::npos);
}

TEST_CASE("Static assets are served with long cache headers under hashed names", "[web]") {
  Site s;
  Browser b;
  auto login = s.Call(b, "GET", "/login");
  std::smatch m;
  REQUIRE(std::regex_search(login.body, m, std::regex("href=\"(/static/app-[0-9a-f]+\\.css)\"")));
  auto css = s.Call(b, "GET", m[1]);
  CHECK(css.status == 200);
  CHECK(css.content_type.rfind("text/css", 0) == 0);
  CHECK(Header(css, "Cache-Control").find("immutable") != std::string::npos);
  CHECK(s.Call(b, "GET", "/static/app-000000000000.css").status == 404);
}

TEST_CASE("Page paths are told apart from the API's", "[web]") {
  CHECK(web::IsPagePath("/review?x=1"));
  CHECK(web::IsPagePath("/"));
  CHECK_FALSE(web::IsPagePath("/v1/ads"));
  CHECK_FALSE(web::IsPagePath("/healthz"));
  CHECK_FALSE(web::IsPagePath("/metrics"));
}

}  // namespace
