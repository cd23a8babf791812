// A store in a temporary folder with a watch::Matcher installed, as `adwatch` opens one for
// writing, and helpers to store ads the way the crawl does (classified, then Store::Write).
#ifndef ADWATCH_TESTS_WATCH_WATCH_FIXTURE_H_
#define ADWATCH_TESTS_WATCH_WATCH_FIXTURE_H_

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "adwatch/storage/store.h"
#include "adwatch/watch/entry.h"
#include "adwatch/watch/matcher.h"
#include "adwatch/watch/store_outbox.h"
#include "classifier/test_util.h"
#include "storage/test_util.h"

namespace adwatch::watch::testing {

using storage::testing::kDayMs;
using storage::testing::kNoonJakarta;

struct WatchFixture {
  explicit WatchFixture(MatcherOptions options = {}) : clock(kNoonJakarta) {
    auto opened = storage::Store::Open(storage::testing::TestOptions(dir.Sub("db")), clock);
    REQUIRE(opened.has_value());
    store = std::move(*opened);
    matcher = std::make_shared<Matcher>(*store, clock, std::move(options));
    REQUIRE(matcher->Reload().ok());
    store->SetAdWriteObserver(matcher);
  }

  // Adds an entry of `org`; fails the test when it is refused.
  WatchEntry Watch(WatchKind kind, const std::string& typed, const std::string& org = "polda-kepri",
                   int64_t ttl_ms = 0) {
    auto e = NewEntry({.org = org,
                       .kind = kind,
                       .typed = typed,
                       .note = "kasus 12/2026",
                       .created_by = "test",
                       .ttl_ms = ttl_ms},
                      clock.NowMs());
    REQUIRE(e.has_value());
    REQUIRE(store->PutWatchEntry(*e).ok());
    return *e;
  }

  // Classifies `text` with the bundled rules and stores it as the crawl does, on its own page.
  std::string Crawl(const std::string& url, const std::string& text,
                    std::vector<std::string> regions = {}, const std::string& source = "test") {
    AdCandidate ad = storage::testing::MakeAd(url, text);
    ad.source = source;
    auto verdict = adwatch::testing::BundledClassifier().Classify(ad);
    REQUIRE(verdict.has_value());
    storage::PageWrite w;
    w.page = storage::testing::MakeFetch(url, "<html>" + text + "</html>", clock.NowMs());
    w.ads.push_back(storage::testing::MakeAdWrite(ad, *verdict, std::move(regions)));
    auto written = store->Write(w);
    REQUIRE(written.has_value());
    return written->ads.at(0).ad_id;
  }

  std::vector<Alert> Alerts(const std::string& org = "polda-kepri") {
    auto rows = store->ListAlerts(org, 0, 0);
    REQUIRE(rows.has_value());
    std::vector<Alert> out;
    for (const auto& r : *rows) {
      auto a = FromRow(r);
      REQUIRE(a.has_value());
      out.push_back(*a);
    }
    return out;
  }

  storage::testing::TempDir dir;
  storage::testing::ManualClock clock;
  std::unique_ptr<storage::Store> store;
  std::shared_ptr<Matcher> matcher;
};

}  // namespace adwatch::watch::testing

#endif  // ADWATCH_TESTS_WATCH_WATCH_FIXTURE_H_
