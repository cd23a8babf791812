// What the HTTP service keeps in the store: API tokens, organisations' submissions (kept apart
// by organisation) and the append-only audit log; how a database written before these tables
// gains them; and what Check finds wrong in them.
#include <rocksdb/db.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "adwatch/common/hash.h"
#include "adwatch/common/json.h"
#include "adwatch/storage/keys.h"
#include "adwatch/storage/store.h"
#include "support/raw_db.h"
#include "test_util.h"

namespace adwatch::storage {
namespace {

using testing::kNoonJakarta;
using testing::ManualClock;
using testing::TempDir;
using testing::TestOptions;

std::unique_ptr<Store> OpenOrDie(const StoreOptions& o, const Clock& clock) {
  auto store = Store::Open(o, clock);
  if (!store) FAIL(store.error().ToString());
  return std::move(*store);
}

StoreOptions ReadOnly(StoreOptions o) {
  o.access = AccessMode::kReadOnly;
  return o;
}

CheckReport CheckOrDie(const Store& store) {
  auto check = store.Check();
  if (!check) FAIL(check.error().ToString());
  return std::move(*check);
}

void RequireClean(const Store& store) {
  const CheckReport check = CheckOrDie(store);
  for (const auto& p : check.problems) UNSCOPED_INFO(p);
  CHECK(check.problems.empty());
}

// A token as the API makes one: "adw_" + 43 base64url characters, stored by its SHA-256.
struct MadeToken {
  std::string text;
  ApiToken record;
};
MadeToken MakeToken(const std::string& id, const std::string& org, Role role) {
  MadeToken t;
  t.text = "adw_" + id + std::string(35, 'x');
  t.record.id = id;
  t.record.sha256_hex = Sha256Hex(t.text);
  t.record.org = org;
  t.record.role = role;
  t.record.label = "Bu Ani, Yayasan X";
  return t;
}

// A random-looking submission id of 22 characters, distinct per n.
std::string SubId(int n) { return "sub_" + std::to_string(1000000 + n) + "abcdefghijk"; }

Submission MakeUrlSubmission(const std::string& org, const std::string& id, int64_t created_ms) {
  Submission s;
  s.id = id;
  s.org = org;
  s.token_id = "tok12345";
  s.url = "https://jobs.example/ad/" + id;
  s.created_ms = created_ms;
  return s;
}

std::vector<std::string> Ids(const std::vector<Submission>& subs) {
  std::vector<std::string> out;
  for (const auto& s : subs) out.push_back(s.id);
  return out;
}

std::vector<AuditEvent> ScanAll(const Store& store, int64_t since_ms = 0) {
  std::vector<AuditEvent> out;
  const Status s = store.ScanAudit(since_ms, [&](const AuditEvent& e) {
    out.push_back(e);
    return true;
  });
  if (!s.ok()) FAIL(s.ToString());
  return out;
}

using adwatch::testing::RawEdit;

// ---------------------------------------------------------------------------------------------
// Tokens

TEST_CASE("A token is found by the hash of its text and by its id, with every field",
          "[storage][service]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  MadeToken police = MakeToken("Pol1ce_-", "polda-kepri", Role::kPolice);
  MadeToken task = MakeToken("task0001", "satgas-ntt", Role::kTaskforce);
  task.record.regions = {"id.ntt", "id.ntt.kupang"};
  task.record.expires_ms = kNoonJakarta + 30 * testing::kDayMs;
  task.record.created_ms = kNoonJakarta - 1000;
  REQUIRE(store->PutToken(police.record).ok());
  REQUIRE(store->PutToken(task.record).ok());

  auto found = store->FindToken(Sha256Hex(task.text));
  REQUIRE(found.has_value());
  CHECK(ToJsonText(*found) == ToJsonText(task.record));
  auto by_id = store->GetTokenById("Pol1ce_-");
  REQUIRE(by_id.has_value());
  CHECK(by_id->org == "polda-kepri");
  CHECK(by_id->role == Role::kPolice);
  CHECK(by_id->created_ms == kNoonJakarta);  // 0 became the store's now
  CHECK_FALSE(by_id->revoked);

  CHECK(store->FindToken(Sha256Hex("adw_unknown")).error().IsNotFound());
  CHECK(store->FindToken("not-a-hash").error().IsNotFound());
  CHECK(store->GetTokenById("nobody00").error().IsNotFound());
  CHECK(store->GetTokenById("").error().IsNotFound());

  auto all = store->ListTokens();
  REQUIRE(all.has_value());
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].id == "task0001");  // created first
  CHECK((*all)[1].id == "Pol1ce_-");
  RequireClean(*store);
  CHECK(CheckOrDie(*store).tokens == 2);
}

TEST_CASE("A token whose id or hash is already used, or that is malformed, is refused",
          "[storage][service]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  const MadeToken a = MakeToken("aaaaaaaa", "ngo-a", Role::kNgo);
  REQUIRE(store->PutToken(a.record).ok());

  ApiToken same_id = MakeToken("aaaaaaaa", "ngo-b", Role::kNgo).record;
  same_id.sha256_hex = Sha256Hex("another text");
  const Status s1 = store->PutToken(same_id);
  CHECK(s1.IsInvalidArgument());
  CHECK_THAT(s1.message(), Catch::Contains("id is already stored"));
  ApiToken same_hash = a.record;
  same_hash.id = "bbbbbbbb";
  const Status s2 = store->PutToken(same_hash);
  CHECK(s2.IsInvalidArgument());
  CHECK_THAT(s2.message(), Catch::Contains("same hash"));

  ApiToken bad = MakeToken("cccccccc", "ngo-c", Role::kNgo).record;
  SECTION("id of 7 characters") { bad.id = "ccccccc"; }
  SECTION("id with a bar") { bad.id = "cccc|ccc"; }
  SECTION("hash in upper case") {
    std::transform(bad.sha256_hex.begin(), bad.sha256_hex.end(), bad.sha256_hex.begin(), ::toupper);
  }
  SECTION("hash too short") { bad.sha256_hex.pop_back(); }
  SECTION("org with capitals") { bad.org = "NGO-C"; }
  SECTION("org empty") { bad.org = ""; }
  SECTION("org too long") { bad.org = std::string(65, 'a'); }
  SECTION("region with a bar") { bad.regions = {"id|ntt"}; }
  CHECK(store->PutToken(bad).IsInvalidArgument());
  CHECK(store->ListTokens()->size() == 1);
  RequireClean(*store);
}

TEST_CASE("A revoked token stays revoked with its first revocation time, across a reopen",
          "[storage][service]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  const auto o = TestOptions(dir.Sub("db"));
  const MadeToken t = MakeToken("rev0ke01", "ngo-a", Role::kNgo);
  {
    auto store = OpenOrDie(o, clock);
    REQUIRE(store->PutToken(t.record).ok());
    REQUIRE(store->RevokeToken("rev0ke01", 0).ok());
    clock.Advance(5000);
    REQUIRE(store->RevokeToken("rev0ke01", kNoonJakarta + 9000).ok());  // idempotent
    CHECK(store->RevokeToken("unknown1", 0).IsNotFound());
    CHECK(store->RevokeToken("bad", 0).IsNotFound());
  }
  auto store = OpenOrDie(o, clock);
  auto found = store->FindToken(t.record.sha256_hex);
  REQUIRE(found.has_value());
  CHECK(found->revoked);
  CHECK(found->revoked_ms == kNoonJakarta);
  CHECK(store->GetTokenById("rev0ke01")->revoked);
  RequireClean(*store);
}

// ---------------------------------------------------------------------------------------------
// Submissions

TEST_CASE("A submission round-trips with its verdict, and a replacement keeps its creation time",
          "[storage][service]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  Submission s;
  s.id = "Zq3_kPx-8RmT0vNw2yLb7A";
  s.org = "yayasan-x";
  s.token_id = "tok12345";
  s.text = "Dicari operator di Kamboja, gaji 15 juta.\x1b[2J";
  s.lang = "id";
  REQUIRE(store->PutSubmission(s).ok());
  auto got = store->GetSubmission("yayasan-x", s.id);
  REQUIRE(got.has_value());
  CHECK(got->text == s.text);  // submitted text is kept as given
  CHECK(got->status == SubmissionStatus::kQueued);
  CHECK(got->created_ms == kNoonJakarta);
  CHECK(got->updated_ms == kNoonJakarta);
  CHECK_FALSE(got->verdict.has_value());

  clock.Advance(3000);
  Submission done = *got;
  done.status = SubmissionStatus::kDone;
  done.created_ms = 0;  // keeps the stored one
  done.updated_ms = 0;
  done.verdict = testing::MakeVerdict(82, Level::kHigh, {testing::Phone("+6281234567890")});
  done.ad_ids = {"0123456789abcdef"};
  REQUIRE(store->PutSubmission(done).ok());
  auto after = store->GetSubmission("yayasan-x", s.id);
  REQUIRE(after.has_value());
  CHECK(after->status == SubmissionStatus::kDone);
  CHECK(after->created_ms == kNoonJakarta);
  CHECK(after->updated_ms == kNoonJakarta + 3000);
  REQUIRE(after->verdict.has_value());
  CHECK(ToJsonText(*after->verdict) == ToJsonText(*done.verdict));
  CHECK(after->ad_ids == done.ad_ids);
  CHECK(store->PendingSubmissions()->empty());
  CHECK(*store->CountSubmissionsSince("yayasan-x", 0) == 1);  // replaced, not added
  RequireClean(*store);
  CHECK(CheckOrDie(*store).submissions == 1);
}

TEST_CASE("A malformed submission is refused and nothing is written", "[storage][service]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  Submission s = MakeUrlSubmission("ngo-a", SubId(1), 0);
  SECTION("neither url nor text") { s.url.clear(); }
  SECTION("both url and text") { s.text = "pasted"; }
  SECTION("id too short") { s.id = "short-id"; }
  SECTION("id with a bar") { s.id = "aaaaaaaaaaaaaaaa|b"; }
  SECTION("id with a slash") { s.id = "aaaaaaaaaaaaaaaa/b"; }
  SECTION("org with a bar") { s.org = "ngo|a"; }
  SECTION("org empty") { s.org = ""; }
  SECTION("negative time") { s.created_ms = -5; }
  CHECK(store->PutSubmission(s).IsInvalidArgument());
  CHECK(store->PendingSubmissions()->empty());
  CHECK(CheckOrDie(*store).submissions == 0);
}

TEST_CASE("An uploaded image is kept beside its submission, private to its organisation",
          "[storage][service]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  const std::string bytes = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(1000, '\0');
  Submission s = MakeUrlSubmission("ngo-a", SubId(1), kNoonJakarta);
  s.url.clear();
  s.image_sha256 = Sha256Hex(bytes);
  s.image_type = "image/png";
  // Bytes that are not the ones named are refused, and nothing is written.
  CHECK(store->PutSubmission(s, "other bytes").IsInvalidArgument());
  CHECK_FALSE(store->GetSubmission("ngo-a", s.id).has_value());
  REQUIRE(store->PutSubmission(s, bytes).ok());
  CHECK(*store->GetSubmissionImage("ngo-a", s.id) == bytes);
  CHECK(store->GetSubmissionImage("ngo-b", s.id).error().IsNotFound());
  // A later status update without the bytes keeps them.
  s.status = SubmissionStatus::kDone;
  s.image_text = "LOKER KAMBOJA";
  REQUIRE(store->PutSubmission(s).ok());
  CHECK(*store->GetSubmissionImage("ngo-a", s.id) == bytes);
  CHECK(store->GetSubmission("ngo-a", s.id)->image_text == "LOKER KAMBOJA");
  const auto check = CheckOrDie(*store);
  CHECK(check.submissions == 1);
  CHECK(check.problems.empty());
  // An image and a text, or an image and a link, is not one submission.
  Submission both = s;
  both.id = SubId(2);
  both.text = "pasted";
  CHECK(store->PutSubmission(both, bytes).IsInvalidArgument());
}

TEST_CASE("Another organisation's submission is not found: not by id, not in lists or counts",
          "[storage][service]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  // "ngo" is a prefix of "ngo-a": the key layout must keep them apart too.
  const Submission a = MakeUrlSubmission("ngo-a", SubId(1), kNoonJakarta);
  REQUIRE(store->PutSubmission(a).ok());
  REQUIRE(store->PutSubmission(MakeUrlSubmission("ngo-a", SubId(2), kNoonJakarta + 1)).ok());
  REQUIRE(store->PutSubmission(MakeUrlSubmission("ngo", SubId(3), kNoonJakarta + 2)).ok());

  REQUIRE(store->GetSubmission("ngo-a", a.id).has_value());
  const auto other = store->GetSubmission("ngo-b", a.id);
  const auto unknown = store->GetSubmission("ngo-b", SubId(99));
  REQUIRE_FALSE(other.has_value());
  REQUIRE_FALSE(unknown.has_value());
  CHECK(other.error().IsNotFound());
  // Word for word the same answer as for an id that exists nowhere, apart from the id.
  CHECK(other.error().code() == unknown.error().code());
  CHECK(other.error().message() == "submission " + a.id + ": no such submission");
  CHECK(unknown.error().message() == "submission " + SubId(99) + ": no such submission");
  CHECK(store->GetSubmission("ngo", a.id).error().IsNotFound());
  CHECK(store->GetSubmission("ngo-a", SubId(3)).error().IsNotFound());
  // Ids that try to reach past the org part of the key find nothing either.
  CHECK(store->GetSubmission("ngo", "-a|" + a.id).error().IsNotFound());
  CHECK(store->GetSubmission("ngo-b", "../ngo-a/" + a.id).error().IsNotFound());
  CHECK(store->GetSubmission("NGO-A", a.id).error().IsNotFound());

  std::string next;
  auto listed_b = store->ListSubmissions("ngo-b", "", 100, &next);
  REQUIRE(listed_b.has_value());
  CHECK(listed_b->empty());
  CHECK(next.empty());
  auto listed_ngo = store->ListSubmissions("ngo", "", 100, &next);
  REQUIRE(listed_ngo.has_value());
  CHECK(Ids(*listed_ngo) == std::vector<std::string>{SubId(3)});
  CHECK(*store->CountSubmissionsSince("ngo-b", 0) == 0);
  CHECK(*store->CountSubmissionsSince("ngo", 0) == 1);
  CHECK(*store->CountSubmissionsSince("ngo-a", 0) == 2);

  // A cursor taken from org A's listing, replayed by org B, pages through B's own list only.
  auto page_a = store->ListSubmissions("ngo-a", "", 1, &next);
  REQUIRE(page_a.has_value());
  REQUIRE_FALSE(next.empty());
  std::string next_b;
  auto replay = store->ListSubmissions("ngo-b", next, 100, &next_b);
  REQUIRE(replay.has_value());
  CHECK(replay->empty());
  auto replay_ngo = store->ListSubmissions("ngo", next, 100, &next_b);
  REQUIRE(replay_ngo.has_value());
  for (const auto& s : *replay_ngo) CHECK(s.org == "ngo");
}

TEST_CASE("An organisation's submissions list newest first, page by page with a cursor",
          "[storage][service]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  // Eight submissions; two share a millisecond. Another org's are interleaved.
  std::vector<std::string> newest_first;
  for (int i = 0; i < 8; ++i) {
    const int64_t t = kNoonJakarta + (i == 5 ? 4 : i) * 1000;
    REQUIRE(store->PutSubmission(MakeUrlSubmission("ngo-a", SubId(i), t)).ok());
    REQUIRE(store->PutSubmission(MakeUrlSubmission("ngo-b", SubId(100 + i), t)).ok());
  }
  newest_first = {SubId(7), SubId(6), SubId(4), SubId(5), SubId(3), SubId(2), SubId(1), SubId(0)};

  std::vector<std::string> seen;
  std::vector<size_t> page_sizes;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    std::string next = "stale";
    auto got = store->ListSubmissions("ngo-a", cursor, 3, &next);
    REQUIRE(got.has_value());
    page_sizes.push_back(got->size());
    for (const auto& s : *got) {
      CHECK(s.org == "ngo-a");
      seen.push_back(s.id);
    }
    if (next.empty()) break;
    for (char c : next)
      CHECK((std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'));
    cursor = next;
  }
  CHECK(page_sizes == std::vector<size_t>{3, 3, 2});
  CHECK(seen == newest_first);

  // A submission made between pages shows on the next first page, not in the middle.
  std::string next;
  auto first = store->ListSubmissions("ngo-a", "", 3, &next);
  REQUIRE(store->PutSubmission(MakeUrlSubmission("ngo-a", SubId(50), kNoonJakarta + 9000)).ok());
  auto second = store->ListSubmissions("ngo-a", next, 3, &next);
  REQUIRE(second.has_value());
  CHECK(Ids(*second) == std::vector<std::string>{SubId(5), SubId(3), SubId(2)});
  CHECK(Ids(*store->ListSubmissions("ngo-a", "", 1, nullptr)) ==
        std::vector<std::string>{SubId(50)});

  CHECK(store->ListSubmissions("ngo-a", "", 0, &next).error().IsInvalidArgument());
  CHECK(store->ListSubmissions("ngo-a", "zz", 3, &next).error().IsInvalidArgument());
  CHECK(store->ListSubmissions("ngo-a", "00000000000000zz" + SubId(1), 3, &next)
            .error()
            .IsInvalidArgument());
  CHECK(store->ListSubmissions("ngo|a", "", 3, &next).error().IsInvalidArgument());
}

TEST_CASE("Submissions count from a time on, per organisation, for the daily quota",
          "[storage][service]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  for (int i = 0; i < 5; ++i) {
    REQUIRE(
        store->PutSubmission(MakeUrlSubmission("ngo-a", SubId(i), kNoonJakarta + i * 100)).ok());
  }
  CHECK(*store->CountSubmissionsSince("ngo-a", 0) == 5);
  CHECK(*store->CountSubmissionsSince("ngo-a", kNoonJakarta) == 5);
  CHECK(*store->CountSubmissionsSince("ngo-a", kNoonJakarta + 200) == 3);  // at 200 counts
  CHECK(*store->CountSubmissionsSince("ngo-a", kNoonJakarta + 201) == 2);
  CHECK(*store->CountSubmissionsSince("ngo-a", kNoonJakarta + 401) == 0);
  CHECK(store->CountSubmissionsSince("", 0).error().IsInvalidArgument());
}

TEST_CASE("Queued and fetching submissions of every org resume after a reopen, oldest first",
          "[storage][service]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  const auto o = TestOptions(dir.Sub("db"));
  const SubmissionStatus statuses[] = {SubmissionStatus::kFetching, SubmissionStatus::kDone,
                                       SubmissionStatus::kQueued, SubmissionStatus::kFailed,
                                       SubmissionStatus::kQueued};
  {
    auto store = OpenOrDie(o, clock);
    for (int i = 0; i < 5; ++i) {
      // Written newest first, so that the answer's order comes from the times.
      Submission s = MakeUrlSubmission(i % 2 == 0 ? "ngo-a" : "ngo-b", SubId(i),
                                       kNoonJakarta + (10 - i) * 1000);
      s.status = statuses[i];
      if (s.status == SubmissionStatus::kFailed) s.reason = "the page did not answer";
      REQUIRE(store->PutSubmission(s).ok());
    }
  }
  auto store = OpenOrDie(o, clock);
  auto pending = store->PendingSubmissions();
  REQUIRE(pending.has_value());
  CHECK(Ids(*pending) == std::vector<std::string>{SubId(4), SubId(2), SubId(0)});
  CHECK((*pending)[0].org == "ngo-a");
  CHECK((*pending)[2].status == SubmissionStatus::kFetching);

  Submission finished = (*pending)[1];
  finished.status = SubmissionStatus::kDone;
  REQUIRE(store->PutSubmission(finished).ok());
  CHECK(Ids(*store->PendingSubmissions()) == std::vector<std::string>{SubId(4), SubId(0)});
  Submission again = finished;
  again.status = SubmissionStatus::kQueued;  // a retry puts it back
  REQUIRE(store->PutSubmission(again).ok());
  CHECK(store->PendingSubmissions()->size() == 3);
  RequireClean(*store);
}

// ---------------------------------------------------------------------------------------------
// Audit log

TEST_CASE("The audit log keeps append order, within a millisecond and across a reopen",
          "[storage][service]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  const auto o = TestOptions(dir.Sub("db"));
  {
    auto store = OpenOrDie(o, clock);
    for (int i = 0; i < 20; ++i) {
      REQUIRE(store
                  ->AppendAudit({.actor = "tok12345",
                                 .org = "ngo-a",
                                 .action = "auth.ok",
                                 .object = std::to_string(i),
                                 .outcome = "ok",
                                 .ip = "127.0.0.1"})
                  .ok());
    }
    // An event stamped earlier than the last one still comes after it, with its own time.
    REQUIRE(store->AppendAudit({.at_ms = kNoonJakarta - 60'000, .action = "late", .object = "20"})
                .ok());
  }
  clock.Set(kNoonJakarta - 3'600'000);  // the clock went back an hour across the restart
  auto store = OpenOrDie(o, clock);
  REQUIRE(store
              ->AppendAuditBatch(std::vector<AuditEvent>{{.action = "export", .object = "21"},
                                                         {.action = "export", .object = "22"}})
              .ok());
  const auto all = ScanAll(*store);
  REQUIRE(all.size() == 23);
  for (size_t i = 0; i < all.size(); ++i) CHECK(all[i].object == std::to_string(i));
  CHECK(all[0].at_ms == kNoonJakarta);
  CHECK(all[0].ip == "127.0.0.1");
  CHECK(all[20].at_ms == kNoonJakarta - 60'000);
  CHECK(all[21].at_ms == kNoonJakarta - 3'600'000);

  // From a time on; stopping early.
  CHECK(ScanAll(*store, kNoonJakarta + 1).empty());
  CHECK(ScanAll(*store, kNoonJakarta).size() == 23);
  int calls = 0;
  REQUIRE(store->ScanAudit(0, [&](const AuditEvent&) { return ++calls < 2; }).ok());
  CHECK(calls == 2);

  CHECK(store->AppendAudit(AuditEvent{.object = "no action"}).IsInvalidArgument());
  CHECK(store->AppendAudit(AuditEvent{.at_ms = -1, .action = "x"}).IsInvalidArgument());
  // A batch with one bad event writes none of them.
  CHECK(store->AppendAuditBatch(std::vector<AuditEvent>{{.action = "ok"}, {.action = ""}})
            .IsInvalidArgument());
  CHECK(ScanAll(*store).size() == 23);
  RequireClean(*store);
  CHECK(CheckOrDie(*store).audit_events == 23);
}

TEST_CASE("Audit entries hold no control characters and no token text", "[storage][service]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  const std::string token = "adw_" + std::string("Ab3_-xyz") + std::string(35, 'Q');
  REQUIRE(
      store
          ->AppendAudit({.actor = "tok\n12345",
                         .action = "auth.fail",
                         .object = "sub\x1b]0;pwned\x07",
                         .outcome = "denied",
                         .ip = "::1",
                         .detail = "unknown token " + token + " from curl\r\n\x7f\xc2\x85 ok é"})
          .ok());
  REQUIRE(store->AppendAudit({.action = "big", .detail = std::string(5000, 'a') + "é"}).ok());
  const auto all = ScanAll(*store);
  REQUIRE(all.size() == 2);
  CHECK(all[0].actor == "tok\\x0a12345");
  CHECK(all[0].object == "sub\\x1b]0;pwned\\x07");
  CHECK(all[0].detail ==
        "unknown token adw_Ab3_-xyz…[redacted] from curl\\x0d\\x0a\\x7f\\x85 ok é");
  CHECK(all[0].detail.find(token) == std::string::npos);
  CHECK(all[1].detail == std::string(2048, 'a') + "…[+2954 bytes]");
  // A token id alone ("adw_" + 8) is what logs are meant to show: kept.
  REQUIRE(store->AppendAudit({.action = "token.create", .object = "adw_Ab3_-xyz"}).ok());
  CHECK(ScanAll(*store).back().object == "adw_Ab3_-xyz");
}

TEST_CASE("Concurrent appends to the audit log all land, each writer's in its order",
          "[storage][service]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  auto store = OpenOrDie(TestOptions(dir.Sub("db")), clock);
  constexpr int kThreads = 4;
  constexpr int kEach = 100;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (!store
                 ->AppendAudit(
                     {.actor = std::to_string(t), .action = "auth.ok", .object = std::to_string(i)})
                 .ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  const auto all = ScanAll(*store);
  REQUIRE(all.size() == kThreads * kEach);
  std::map<std::string, int> last;
  for (const auto& e : all) {
    const int i = std::stoi(e.object);
    auto it = last.find(e.actor);
    if (it != last.end()) CHECK(i == it->second + 1);
    last[e.actor] = i;
  }
  CHECK(last.size() == kThreads);
}

// ---------------------------------------------------------------------------------------------
// Read-only stores and databases written before these tables

TEST_CASE("A read-only store sees tokens, submissions and audit entries, and writes none",
          "[storage][service]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  const auto o = TestOptions(dir.Sub("db"));
  auto writer = OpenOrDie(o, clock);
  const MadeToken t = MakeToken("reader01", "ngo-a", Role::kNgo);
  REQUIRE(writer->PutToken(t.record).ok());
  REQUIRE(writer->PutSubmission(MakeUrlSubmission("ngo-a", SubId(1), kNoonJakarta)).ok());
  REQUIRE(writer->AppendAudit({.action = "token.create", .object = "reader01"}).ok());

  // The writer stays open: the reader is a secondary instance beside it.
  auto reader = OpenOrDie(ReadOnly(o), clock);
  CHECK(reader->FindToken(t.record.sha256_hex)->id == "reader01");
  CHECK(reader->GetTokenById("reader01").has_value());
  CHECK(reader->ListTokens()->size() == 1);
  CHECK(reader->GetSubmission("ngo-a", SubId(1)).has_value());
  CHECK(reader->ListSubmissions("ngo-a", "", 10, nullptr)->size() == 1);
  CHECK(reader->PendingSubmissions()->size() == 1);
  CHECK(*reader->CountSubmissionsSince("ngo-a", 0) == 1);
  CHECK(ScanAll(*reader).size() == 1);
  RequireClean(*reader);

  CHECK(reader->PutToken(MakeToken("reader02", "ngo-a", Role::kNgo).record).code() ==
        Status::Code::kUnavailable);
  CHECK(reader->RevokeToken("reader01", 0).code() == Status::Code::kUnavailable);
  CHECK(reader->PutSubmission(MakeUrlSubmission("ngo-a", SubId(2), 0)).code() ==
        Status::Code::kUnavailable);
  CHECK(reader->AppendAudit({.action = "x"}).code() == Status::Code::kUnavailable);
}

TEST_CASE("A database written before the service tables opens and gains them",
          "[storage][service]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  const auto o = TestOptions(dir.Sub("db"));
  std::string ad_id;
  {
    auto store = OpenOrDie(o, clock);
    PageWrite w;
    w.page = testing::MakeFetch("https://old.example/1", "<p>old</p>", kNoonJakarta);
    w.ads.push_back(
        testing::MakeAdWrite(testing::MakeAd("https://old.example/1", testing::AdText(1)),
                             testing::MakeVerdict(70, Level::kHigh)));
    auto written = store->Write(w);
    REQUIRE(written.has_value());
    ad_id = written->ads[0].ad_id;
  }
  // Make it exactly the first version's layout: no tokens, audit, notes or image tables.
  RawEdit(o.path, [](rocksdb::DB& db, auto& cf) {
    for (const char* name : {"tokens", "audit", "notes", "images", "image_bodies", "phashes",
                             "watch", "alerts", "outbox"}) {
      REQUIRE(db.DropColumnFamily(cf.at(name)).ok());
      REQUIRE(db.DestroyColumnFamilyHandle(cf.at(name)).ok());
      cf.erase(name);
    }
  });
  {
    std::vector<std::string> names;
    REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), o.path, &names).ok());
    CHECK(std::count(names.begin(), names.end(), "tokens") == 0);
    CHECK(std::count(names.begin(), names.end(), "audit") == 0);
  }

  // Read-only first (e.g. `adwatch review list` right after an upgrade): the new tables read
  // as empty and the old data is all there.
  {
    auto reader = OpenOrDie(ReadOnly(o), clock);
    CHECK(reader->GetAd(ad_id).has_value());
    CHECK(reader->FindToken(Sha256Hex("adw_x")).error().IsNotFound());
    CHECK(reader->GetTokenById("abcdefgh").error().IsNotFound());
    CHECK(reader->ListTokens()->empty());
    CHECK(ScanAll(*reader).empty());
    bool any_note = false;
    CHECK(reader
              ->Scan(Table::kNotes, "",
                     [&](std::string_view, std::string_view) { return !(any_note = true); })
              .ok());
    CHECK_FALSE(any_note);
    CHECK(reader->Get(Table::kNotes, "x").error().IsNotFound());
    RequireClean(*reader);
    // The watch tables read as empty too.
    CHECK(reader->ListWatchEntries("")->empty());
    CHECK(reader->ListAlerts("polda-kepri", 0, 0)->empty());
    CHECK(reader->NewAlerts(0)->empty());
    CHECK(reader->Stats().size() == 15);  // every table but the nine missing ones and default
  }

  // The first writable open creates them, without a schema change.
  {
    auto store = OpenOrDie(o, clock);
    CHECK(store->GetAd(ad_id).has_value());
    REQUIRE(store->PutToken(MakeToken("upgrade1", "ngo-a", Role::kNgo).record).ok());
    REQUIRE(store->AppendAudit({.action = "token.create", .object = "upgrade1"}).ok());
    RequireClean(*store);
  }
  std::vector<std::string> names;
  REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), o.path, &names).ok());
  CHECK(std::count(names.begin(), names.end(), "tokens") == 1);
  CHECK(std::count(names.begin(), names.end(), "audit") == 1);
  auto reader = OpenOrDie(ReadOnly(o), clock);
  CHECK(reader->GetTokenById("upgrade1").has_value());
  CHECK(ScanAll(*reader).size() == 1);
  CHECK(reader->Stats().size() == 24);
}

// ---------------------------------------------------------------------------------------------
// Check

TEST_CASE("Check finds broken token and submission entries and undecodable audit entries",
          "[storage][service]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  const auto o = TestOptions(dir.Sub("db"));
  const MadeToken t1 = MakeToken("token001", "ngo-a", Role::kNgo);
  const MadeToken t2 = MakeToken("token002", "ngo-a", Role::kNgo);
  {
    auto store = OpenOrDie(o, clock);
    REQUIRE(store->PutToken(t1.record).ok());
    REQUIRE(store->PutToken(t2.record).ok());
    for (int i = 0; i < 3; ++i) {
      REQUIRE(store->PutSubmission(MakeUrlSubmission("ngo-a", SubId(i), kNoonJakarta + i)).ok());
    }
    REQUIRE(store->AppendAudit({.action = "auth.ok"}).ok());
    const CheckReport clean = CheckOrDie(*store);
    CHECK(clean.problems.empty());
    CHECK(clean.tokens == 2);
    CHECK(clean.submissions == 3);
    CHECK(clean.audit_events == 1);
  }
  RawEdit(o.path, [&](rocksdb::DB& db, auto& cf) {
    const rocksdb::WriteOptions wo;
    // A token whose id entry is gone.
    REQUIRE(db.Delete(wo, cf.at("tokens"), "i|token002").ok());
    // A submission record gone, its listing and pending entries left behind.
    REQUIRE(db.Delete(wo, cf.at("submissions"), "s|ngo-a|" + SubId(0)).ok());
    // A pending entry for a submission that is queued at another time.
    REQUIRE(db.Put(wo, cf.at("submissions"), "p|" + EncodeU64(5) + "|ngo-a|" + SubId(1), "").ok());
  });
  {
    auto store = OpenOrDie(o, clock);
    const CheckReport broken = CheckOrDie(*store);
    for (const auto& p : broken.problems) UNSCOPED_INFO(p);
    auto has = [&](const std::string& what) {
      return std::any_of(broken.problems.begin(), broken.problems.end(),
                         [&](const std::string& p) { return p.find(what) != std::string::npos; });
    };
    CHECK(has("token token002: id entry missing"));
    CHECK(has("listing entry of submission " + SubId(0)));
    CHECK(has("pending entry of submission " + SubId(0)));
    CHECK(has("pending entry of submission " + SubId(1)));
    CHECK(broken.submissions == 2);
    CHECK(broken.tokens == 2);
    // Lookups by hash still work; by id the token is gone.
    CHECK(store->FindToken(t2.record.sha256_hex).has_value());
    CHECK(store->GetTokenById("token002").error().IsNotFound());
  }
  RawEdit(o.path, [&](rocksdb::DB& db, auto& cf) {
    REQUIRE(db.Put(rocksdb::WriteOptions(), cf.at("audit"),
                   EncodeU64(static_cast<uint64_t>(kNoonJakarta)) + EncodeU64(999), "\x01{oops")
                .ok());
  });
  auto store = OpenOrDie(o, clock);
  auto check = store->Check();
  REQUIRE_FALSE(check.has_value());
  CHECK(check.error().code() == Status::Code::kCorruption);
  CHECK_THAT(check.error().message(), Catch::Contains("audit entry"));
  CHECK(store->ScanAudit(0, [](const AuditEvent&) { return true; }).code() ==
        Status::Code::kCorruption);
}

TEST_CASE("Notes on contacts are kept by term across a reopen and read by a read-only open",
          "[storage][service]") {
  TempDir dir;
  ManualClock clock(kNoonJakarta);
  const auto o = TestOptions(dir.Sub("db"));
  {
    auto store = OpenOrDie(o, clock);
    TableBatch b;
    b.Put(Table::kNotes, "tel:+6281234567890|1795323600000|a", "{\"text\":\"Polda NTT\"}");
    b.Put(Table::kNotes, "tel:+6281234567890|1795323700000|b", "{\"text\":\"Polda Kepri\"}");
    b.Put(Table::kNotes, "tel:+62812345678901|1795323600000|c", "{\"text\":\"other\"}");
    REQUIRE(store->Apply(b).ok());
  }
  auto writer = OpenOrDie(o, clock);
  auto reader = OpenOrDie(ReadOnly(o), clock);
  for (Store* s : {writer.get(), reader.get()}) {
    std::vector<std::string> values;
    REQUIRE(
        s->Scan(Table::kNotes, "tel:+6281234567890|", [&](std::string_view, std::string_view v) {
           values.emplace_back(v);
           return true;
         }).ok());
    CHECK(values ==
          std::vector<std::string>{"{\"text\":\"Polda NTT\"}", "{\"text\":\"Polda Kepri\"}"});
  }
  RequireClean(*writer);
}

}  // namespace
}  // namespace adwatch::storage
