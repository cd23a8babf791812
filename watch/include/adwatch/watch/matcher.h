// Matching at ingest: the store's AdWriteObserver that compares every ad it stores against every
// organisation's watch entries and the burst rules, and hands the alerts back to the store to
// write in the same batch as the ad (docs/watch.md). Entries are indexed by their stored form
// (a hash map of E.164 numbers, handles, e-mails and domains) and keywords are compiled into one
// RE2::Set, so an ad costs a few lookups and one scan however many entries there are. The index
// is rebuilt when the store's watch_version() moves. OnAdWrite runs under the store's write
// lock; Reload may be called from any thread.
//
//   watch::Matcher matcher(store, clock, {.bursts = config.bursts});
//   ADWATCH_RETURN_IF_ERROR(matcher.Reload());
//   store.SetAdWriteObserver(&matcher);   // every Write/UpdateVerdict now raises alerts
#ifndef ADWATCH_WATCH_MATCHER_H_
#define ADWATCH_WATCH_MATCHER_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adwatch/common/clock.h"
#include "adwatch/common/records.h"
#include "adwatch/common/status.h"
#include "adwatch/storage/store.h"
#include "adwatch/watch/outbox.h"

namespace adwatch::watch {

// What a burst rule counts (alerts.bursts in adwatch.yaml).
enum class BurstKind : uint8_t {
  kRegions = 0,  // one contact in ads routed to >= `min` distinct regions within `days`
  kSources,      // one contact in ads from >= `min` distinct sources within `days`
  kNetwork,      // a recruiter network (ads linked by shared contacts) of more than `min` ads
};

struct BurstRule {
  std::string name;         // [a-z0-9_-]{1,64}: the alert's entry_id and part of its dedupe key
  std::string description;  // the alert's note
  BurstKind kind = BurstKind::kRegions;
  int min = 3;   // regions, sources, or (network) ads the network must exceed
  int days = 7;  // window length; each contact (network) raises one alert per window
  std::vector<std::string> orgs;  // the organisations that get the alert; at least one
};

// Returns InvalidArgument naming the rule and field ("alerts.bursts[name].min: ...").
Status Validate(const BurstRule& rule);

struct MatcherOptions {
  std::vector<BurstRule> bursts;
  // A burst or network check reads at most this many ads sharing one contact (the check costs a
  // read per ad; contacts in more ads than this have long since burst).
  int max_ads_per_contact = 2000;
  // How many of the ad's strongest hits an alert quotes as reasons.
  int max_reasons = 3;
};

class Matcher final : public storage::AdWriteObserver {
 public:
  // REQUIRES: `store` and `clock` outlive the matcher; every rule of `options` validates.
  Matcher(const storage::Store& store, const Clock& clock, MatcherOptions options);
  ~Matcher() override;

  // Reads every watch entry from the store and rebuilds the index. InvalidArgument when a
  // stored keyword no longer compiles (naming the entry); errors of the store otherwise.
  Status Reload();

  // The alerts `ad` raises: one per (ad, unexpired entry) it matches, and one per burst rule
  // whose threshold it reaches, each for every org the entry or rule belongs to. Reloads first
  // when the store's entries changed.
  Result<std::vector<storage::AlertRow>> OnAdWrite(const AdRecord& ad) override;

  // The same matches as plain alerts, without burst rules (for tests and `adwatch watch test`).
  Result<std::vector<Alert>> MatchEntries(const AdRecord& ad);

  // How many entries the index holds (expired ones included).
  size_t entry_count() const;

 private:
  struct Index;
  std::shared_ptr<const Index> CurrentIndex();
  Status BurstAlerts(const AdRecord& ad, int64_t now_ms, std::vector<Alert>& out) const;

  const storage::Store& store_;
  const Clock& clock_;
  MatcherOptions options_;
  mutable std::mutex mu_;  // guards index_ and version_
  std::shared_ptr<const Index> index_;
  uint64_t version_ = 0;
};

// The alert snapshot of `ad` (url, source, regions, level, pattern, reasons, seen time), with
// the cause, entry, matched value and note left for the caller.
Alert AlertFor(const AdRecord& ad, int max_reasons);

}  // namespace adwatch::watch

#endif  // ADWATCH_WATCH_MATCHER_H_
