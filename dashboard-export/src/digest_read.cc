// ReadDigestInput: everything a digest needs, read from the store's indexes and ads. The counts
// come from the day indexes alone (by_day / by_region hold level, kind and the repost flag), so a
// day of 100,000 ads is counted without decoding one; only the ads the digest shows or links are
// read in full.
#include <algorithm>
#include <set>
#include <unordered_set>

#include "adwatch/common/hash.h"
#include "adwatch/common/time.h"
#include "adwatch/export/digest.h"
#include "adwatch/storage/ids.h"
#include "adwatch/storage/store.h"
#include "text.h"

namespace adwatch::exporter {
namespace {

// The primary language subtag of a page language ("id-ID" → "id"), lower-case.
std::string PrimaryLang(std::string_view lang) {
  std::string out;
  for (char c : lang) {
    if (c == '-' || c == '_') break;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool LanguageWanted(const AdRecord& r, const Subscription& sub) {
  if (sub.languages.empty()) return true;
  const std::string lang = PrimaryLang(r.ad.lang);
  if (lang.empty()) return true;
  return std::find(sub.languages.begin(), sub.languages.end(), lang) != sub.languages.end();
}

}  // namespace

Result<DigestInput> ReadDigestInput(const storage::Store& store, const Subscription& sub,
                                    std::string_view day, int64_t now_ms,
                                    const DigestOptions& options) {
  if (!LocalDays::IsValidDay(day)) {
    return Status::InvalidArgument("digest",
                                   "the day must be a YYYY-MM-DD date: '" + std::string(day) + "'");
  }
  ADWATCH_RETURN_IF_ERROR(Validate(options));
  DigestInput in;
  in.day = std::string(day);
  in.timezone = store.options().timezone;
  in.generated_at_ms = now_ms;
  const bool national = IsNational(sub);
  const std::vector<std::string> scopes = national ? std::vector<std::string>{""} : sub.regions;
  const int span =
      std::max({options.trend_days, options.baseline_days + 1, options.lookback_days + 1});

  // 1. Counts per day from the index; ids of what is read in full.
  std::vector<std::string> flagged_ids, news_ids, distress_ids, lookback_ids;
  for (int back = span - 1; back >= 0; --back) {
    const std::string d = LocalDays::AddDays(day, -back);
    DayTotals t;
    t.day = d;
    std::unordered_set<std::string> seen;  // an ad routed to two subscribed regions counts once
    for (const std::string& region : scopes) {
      storage::QueueQuery q;
      q.from_day = d;
      q.region = region;
      q.include_reposts = true;
      auto entries = store.Queue(q);
      if (!entries) return entries.error();
      for (const storage::QueueEntry& e : *entries) {
        if (scopes.size() > 1 && !seen.insert(e.ad_id).second) continue;
        ++t.scanned;
        if (e.repost) {
          // Counted once, on the first ad with the text: the digest lists each text once.
          ++t.reposts;
          continue;
        }
        if (e.kind == DocKind::kNews) {
          ++t.news;
          if (back == 0) news_ids.push_back(e.ad_id);
          continue;
        }
        if (e.kind == DocKind::kDistress) {
          ++t.distress;
          if (back == 0) distress_ids.push_back(e.ad_id);
          continue;
        }
        ++t.by_level[static_cast<size_t>(e.level)];
        if (e.level < sub.min_level) continue;
        ++t.flagged;
        if (back == 0) flagged_ids.push_back(e.ad_id);
        if (back > 0 && back <= options.lookback_days) lookback_ids.push_back(e.ad_id);
      }
    }
    in.days.push_back(std::move(t));
  }

  // 2. The day's flagged ads, in full.
  std::unordered_set<std::string> loaded;
  for (const std::string& id : flagged_ids) {
    auto rec = store.GetAd(id);
    if (!rec) return rec.error();
    loaded.insert(id);
    if (!LanguageWanted(*rec, sub)) {
      ++in.language_filtered;
      continue;
    }
    in.flagged.push_back(std::move(*rec));
  }

  // 3. News and distress posts. A national digest only counts distress posts; it never reads
  // their text.
  for (const std::string& id : news_ids) {
    if (in.news.size() >= options.max_notices) break;
    auto rec = store.GetAd(id);
    if (!rec) return rec.error();
    if (LanguageWanted(*rec, sub)) in.news.push_back(std::move(*rec));
  }
  for (const std::string& id : distress_ids) {
    if (national) {
      auto rec = store.GetAd(id);
      if (!rec) return rec.error();
      (rec->regions.empty() ? in.distress_unrouted : in.distress_routed) += 1;
      continue;
    }
    if (!sub.distress || in.distress.size() >= options.max_notices) continue;
    auto rec = store.GetAd(id);
    if (!rec) return rec.error();
    in.distress.push_back(std::move(*rec));
  }

  // 4. Network candidates: same text, shared contacts, the same poster, the lookback days'
  //    flagged ads.
  std::vector<std::string> candidates;
  std::unordered_set<std::string> queued(loaded.begin(), loaded.end());
  auto enqueue = [&](const std::string& id) {
    if (queued.insert(id).second) candidates.push_back(id);
  };
  std::set<std::string> terms;
  for (const AdRecord& r : in.flagged) {
    auto same = store.SameText(r.ad_id);
    if (!same) return same.error();
    if (same->size() > 1) in.same_text[r.ad_id] = static_cast<int>(same->size()) - 1;
    for (const std::string& id : *same) enqueue(id);
    for (const Contact& c : r.verdict.entities.contacts) terms.insert(storage::ContactTerm(c));
  }
  for (const std::string& term : terms) {
    auto ids = store.AdsWithContact(term);
    if (!ids) return ids.error();
    // A contact under very many ads (a portal's hotline) links nobody: see GroupOptions.
    if (ids->size() > options.grouping.max_ads_per_contact) continue;
    for (const std::string& id : *ids) enqueue(id);
  }
  // Ads carrying the same poster (near perceptual hashes).
  std::set<uint64_t> hashes;
  for (const AdRecord& r : in.flagged) {
    for (const ImageRef& im : r.ad.images) {
      if (const auto h = ParseHashHex(im.phash)) hashes.insert(*h);
    }
  }
  for (uint64_t h : hashes) {
    auto ids = store.AdsWithSimilarImage(h, options.grouping.max_image_distance);
    if (!ids) return ids.error();
    if (ids->size() > options.grouping.max_ads_per_contact) continue;
    for (const std::string& id : *ids) enqueue(id);
  }
  for (const std::string& id : lookback_ids) enqueue(id);
  for (const std::string& id : candidates) {
    if (in.linked.size() >= options.max_network_ads) {
      in.linked_truncated = true;
      break;
    }
    auto rec = store.GetAd(id);
    if (!rec) {
      if (rec.error().IsNotFound()) continue;  // the index moved on since it was read
      return rec.error();
    }
    if (IsNotice(rec->verdict.kind)) continue;
    in.linked.push_back(ToLinkedAd(*rec, store.DayOf(rec->first_seen_ms)));
  }
  return in;
}

Result<Digest> MakeDigest(const storage::Store& store, const Subscription& subscription,
                          std::string_view day, int64_t now_ms, const DigestContext& context,
                          const DigestOptions& options) {
  auto input = ReadDigestInput(store, subscription, day, now_ms, options);
  if (!input) return input.error();
  return BuildDigest(*input, subscription, context, options);
}

}  // namespace adwatch::exporter
