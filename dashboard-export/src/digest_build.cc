// BuildDigest and the validation of subscriptions and options: pure functions of their input.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "adwatch/common/names.h"
#include "adwatch/common/time.h"
#include "adwatch/export/digest.h"
#include "i18n.h"
#include "text.h"

namespace adwatch::exporter {
namespace {

constexpr size_t kSnippetBytes = 280;
constexpr size_t kMaxMatched = 8;
// Reasons listed per ad: the strongest ones. A secretary reads six; the analyst sees every rule
// in `adwatch review show`.
constexpr size_t kMaxReasons = 6;

std::string RegionName(const classifier::Gazetteer& g, const std::string& id) {
  const classifier::PlaceInfo* p = g.Find(id);
  return p != nullptr ? p->name : id;
}

template <typename T>
void AddUnique(std::vector<T>& v, const T& x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

// Why `record` is in this subscription's digest, from the routes recomputed over the gazetteer.
std::string RoutedBecause(const AdRecord& record, const Subscription& sub,
                          const classifier::Gazetteer& g, DigestLang lang) {
  const Words& w = WordsFor(lang);
  const auto routes = classifier::RouteRegions(record.verdict.entities, g, record.region_hint);
  std::vector<std::string> why;
  std::vector<std::string> named;  // places already given as "names X"
  for (const classifier::RegionRoute& r : routes) {
    if (!IsNational(sub) &&
        std::find(sub.regions.begin(), sub.regions.end(), r.region_id) == sub.regions.end()) {
      continue;
    }
    if (r.reason == classifier::RouteReason::kMentions) named.push_back(r.detail);
    // The national digest need not add "(in its province)" after naming the regency itself.
    if (IsNational(sub) && r.reason == classifier::RouteReason::kInProvince &&
        std::find(named.begin(), named.end(), r.detail) != named.end()) {
      continue;
    }
    AddUnique(why, DescribeRoute(r, g, lang));
    if (why.size() == 3) break;
  }
  if (!why.empty()) return Join(why, "; ");
  if (IsNational(sub) && record.regions.empty()) return w.route_none;
  return w.route_stale;
}

Notice MakeNotice(const AdRecord& r, const Subscription& sub, const classifier::Gazetteer& g,
                  DigestLang lang) {
  Notice n;
  n.ad_id = r.ad_id;
  n.kind = r.verdict.kind;
  n.title = Collapse(r.ad.title, 200);
  n.snippet = Collapse(r.ad.text.empty() ? r.ad.title : r.ad.text, kSnippetBytes);
  n.url = r.ad.url;
  n.site = SiteOf(r.ad);
  n.first_seen_ms = r.first_seen_ms;
  for (const std::string& id : r.regions) n.region_names.push_back(RegionName(g, id));
  n.routed_because = RoutedBecause(r, sub, g, lang);
  return n;
}

void AddTally(std::map<std::string, Tally>& m, const std::string& key, const std::string& label) {
  Tally& t = m[key];
  t.key = key;
  t.label = label;
  ++t.count;
}

std::vector<Tally> Top(const std::map<std::string, Tally>& m, size_t n) {
  std::vector<Tally> v;
  for (const auto& [k, t] : m) v.push_back(t);
  std::stable_sort(v.begin(), v.end(),
                   [](const Tally& a, const Tally& b) { return a.count > b.count; });
  if (v.size() > n) v.resize(n);
  return v;
}

}  // namespace

std::string DescribeRoute(const classifier::RegionRoute& route,
                          const classifier::Gazetteer& gazetteer, DigestLang lang) {
  const Words& w = WordsFor(lang);
  const std::string region = RegionName(gazetteer, route.region_id);
  switch (route.reason) {
    case classifier::RouteReason::kMentions:
      return Format(w.route_mentions, region.c_str());
    case classifier::RouteReason::kInProvince:
      return Format(w.route_in_province, route.detail.c_str(), region.c_str());
    case classifier::RouteReason::kSourceHint:
      return Format(w.route_hint, region.c_str());
    case classifier::RouteReason::kLandline:
      return Format(w.route_landline, route.detail.c_str(), region.c_str());
  }
  return region;
}

Status Validate(const Subscription& s, const classifier::Gazetteer& gazetteer) {
  const std::string where =
      s.where.empty() ? "subscription " + s.name : s.where + ": subscription " + s.name;
  if (s.name.empty() || s.name.size() > 64) {
    return Status::InvalidArgument(where, "name must be 1 to 64 characters");
  }
  for (char c : s.name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return Status::InvalidArgument(where, "name may hold only letters, digits, '-' and '_'");
    }
  }
  for (const std::string& id : s.regions) {
    const classifier::PlaceInfo* p = gazetteer.Find(id);
    if (p == nullptr) {
      return Status::InvalidArgument(
          where,
          "unknown region '" + id +
              "' (ids are in rules/gazetteer/indonesia.yaml, e.g. id.kepri, id.kepri.batam)");
    }
    if (p->country != "ID" || (p->kind != PlaceKind::kProvince && p->kind != PlaceKind::kRegency)) {
      return Status::InvalidArgument(
          where, "region '" + id + "' is not an Indonesian province or regency/city");
    }
  }
  if (s.csv_separator != ',' && s.csv_separator != ';') {
    return Status::InvalidArgument(where, "csv separator must be ',' or ';'");
  }
  for (const std::string& r : s.recipients) {
    const size_t at = r.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == r.size() ||
        r.find_first_of(" <>,;\r\n\"") != std::string::npos) {
      return Status::InvalidArgument(where, "recipient '" + r + "' is not a plain e-mail address");
    }
  }
  return Status::OK();
}

Status Validate(const DigestOptions& o) {
  if (o.trend_days < 1 || o.trend_days > 366)
    return Status::InvalidArgument("digest.trend_days", "must be 1 to 366");
  if (o.baseline_days < 0 || o.baseline_days > 90)
    return Status::InvalidArgument("digest.baseline_days", "must be 0 to 90");
  if (o.lookback_days < 0 || o.lookback_days > 90)
    return Status::InvalidArgument("digest.lookback_days", "must be 0 to 90");
  if (!(o.grouping.min_similarity >= 0.3 && o.grouping.min_similarity <= 1.0)) {
    return Status::InvalidArgument("digest.near_duplicate_similarity", "must be 0.3 to 1.0");
  }
  if (o.grouping.max_ads_per_contact < 2)
    return Status::InvalidArgument("digest.max_ads_per_contact", "must be at least 2");
  return Status::OK();
}

Digest BuildDigest(const DigestInput& in, const Subscription& sub, const DigestContext& ctx,
                   const DigestOptions& options) {
  const classifier::Gazetteer& g = *ctx.gazetteer;
  const DigestLang lang = sub.lang;
  const Words& w = WordsFor(lang);
  Digest d;
  d.subscription = sub.name;
  d.lang = lang;
  d.day = in.day;
  d.timezone = in.timezone;
  d.generated_at_ms = in.generated_at_ms;
  d.national = IsNational(sub);
  d.region_ids = sub.regions;
  for (const std::string& id : sub.regions) d.region_names.push_back(RegionName(g, id));
  d.title = !sub.title.empty() ? sub.title
            : d.national       ? std::string(w.national)
                               : Join(d.region_names, ", ");
  d.min_level = sub.min_level;
  d.csv_separator = sub.csv_separator;
  d.html_max_ads = options.html_max_ads;
  d.language_filtered = in.language_filtered;

  // Counts, baseline and trend.
  if (!in.days.empty() && in.days.back().day == in.day) d.today = in.days.back();
  d.today.day = in.day;
  const size_t n_days = in.days.size();
  for (size_t k = 1; k <= static_cast<size_t>(options.baseline_days) && k < n_days; ++k) {
    const DayTotals& t = in.days[n_days - 1 - k];
    if (t.scanned == 0) continue;  // no crawl that day: not a day of zero ads
    ++d.baseline_days;
    d.avg_scanned += static_cast<double>(t.scanned);
    d.avg_flagged += static_cast<double>(t.flagged);
    for (size_t l = 0; l < 4; ++l) d.avg_by_level[l] += static_cast<double>(t.by_level[l]);
  }
  if (d.baseline_days > 0) {
    const double n = d.baseline_days;
    d.avg_scanned /= n;
    d.avg_flagged /= n;
    for (double& v : d.avg_by_level) v /= n;
  }
  const size_t trend = std::min(n_days, static_cast<size_t>(options.trend_days));
  d.trend.assign(in.days.end() - static_cast<std::ptrdiff_t>(trend), in.days.end());

  // Flagged ads.
  std::vector<const AdRecord*> flagged;
  for (const AdRecord& r : in.flagged) {
    if (IsNotice(r.verdict.kind) || r.verdict.level < sub.min_level) continue;
    flagged.push_back(&r);
  }
  std::stable_sort(flagged.begin(), flagged.end(), [](const AdRecord* a, const AdRecord* b) {
    if (a->verdict.score != b->verdict.score) return a->verdict.score > b->verdict.score;
    if (a->first_seen_ms != b->first_seen_ms) return a->first_seen_ms < b->first_seen_ms;
    return a->ad_id < b->ad_id;
  });
  std::map<std::string, Tally> categories, patterns, destinations, pickups, sites;
  std::unordered_map<std::string, size_t> row_of;
  for (const AdRecord* r : flagged) {
    DigestRow row;
    row.ad_id = r->ad_id;
    row.day = in.day;
    row.score = r->verdict.score;
    row.level = r->verdict.level;
    row.kind = r->verdict.kind;
    row.pattern = r->verdict.pattern;
    AddTally(patterns, std::string(Name(r->verdict.pattern)),
             std::string(PatternTitle(r->verdict.pattern, lang == DigestLang::kEn)));
    row.title = Collapse(r->ad.title, 300);
    Snippet sn = EvidenceSnippet(*r, ctx.categories, kSnippetBytes);
    row.snippet = std::move(sn.text);
    row.highlights = std::move(sn.highlights);
    row.matched = MatchedWords(*r, ctx.categories, kMaxMatched);
    row.url = r->ad.url;
    row.source = r->ad.source;
    row.site = SiteOf(r->ad);
    row.reasons = Reasons(r->verdict, ctx.categories, lang, kMaxReasons);
    for (const Contact& c : r->verdict.entities.contacts) AddUnique(row.contacts, ContactKey(c));
    std::set<std::string> ad_categories;
    for (const Hit& h : r->verdict.hits) {
      if (Counted(h, ctx.categories) && !h.category.empty()) ad_categories.insert(h.category);
    }
    for (const std::string& c : ad_categories) {
      std::string label = c;
      if (ctx.categories != nullptr) {
        auto it = ctx.categories->find(c);
        if (it != ctx.categories->end()) {
          label = lang == DigestLang::kEn ? it->second.describe_en : it->second.describe_id;
        }
      }
      AddTally(categories, c, label);
    }
    std::set<std::string> ad_dest, ad_pickup;
    for (const PlaceMention& p : r->verdict.entities.places) {
      if (p.transit) {
        AddUnique(row.pickup_points, p.name);
        if (ad_pickup.insert(p.id).second) AddTally(pickups, p.id, p.name);
      } else if (p.country != "ID" &&
                 (p.kind == PlaceKind::kCountry || p.kind == PlaceKind::kHotspot ||
                  p.kind == PlaceKind::kCity)) {
        AddUnique(row.destinations, p.name);
        if (ad_dest.insert(p.id).second) AddTally(destinations, p.id, p.name);
      }
    }
    if (!row.site.empty()) AddTally(sites, row.site, row.site);
    row.regions = r->regions;
    for (const std::string& id : r->regions) row.region_names.push_back(RegionName(g, id));
    row.routed_because = RoutedBecause(*r, sub, g, lang);
    row.first_seen_ms = r->first_seen_ms;
    row.last_seen_ms = r->last_seen_ms;
    if (auto it = in.same_text.find(r->ad_id); it != in.same_text.end()) row.same_text = it->second;
    if (!r->reviews.empty()) row.label = std::string(Name(r->reviews.back().label));
    row_of[row.ad_id] = d.rows.size();
    d.rows.push_back(std::move(row));
  }
  d.categories = Top(categories, options.top_n);
  d.patterns = Top(patterns, patterns.size());
  d.destinations = Top(destinations, options.top_n);
  d.pickup_points = Top(pickups, options.top_n);
  d.sites = Top(sites, options.top_n);

  // Recruiter networks: the day's flagged ads first, then the other candidates.
  std::vector<LinkedAd> ads;
  for (const AdRecord* r : flagged) ads.push_back(ToLinkedAd(*r, in.day));
  const size_t seeds = ads.size();
  for (const LinkedAd& l : in.linked) {
    if (IsNotice(l.kind) || row_of.count(l.ad_id) != 0) continue;
    ads.push_back(l);
  }
  std::vector<Network> networks;
  for (const AdGroup& group : GroupAds(ads, options.grouping)) {
    Network n;
    std::vector<size_t> today, others;
    for (size_t m : group.members) (m < seeds ? today : others).push_back(m);
    if (today.empty()) continue;
    std::stable_sort(others.begin(), others.end(), [&](size_t a, size_t b) {
      return ads[a].first_seen_ms < ads[b].first_seen_ms;
    });
    n.ads_today = static_cast<int>(today.size());
    n.by_contact = group.by_contact;
    n.by_text = group.by_text;
    n.by_image = group.by_image;
    n.first_seen_ms = ads[group.members.front()].first_seen_ms;
    std::map<std::string, int> region_count;
    for (size_t m : today) n.ad_ids.push_back(ads[m].ad_id);  // seeds are in score order
    for (size_t m : others) n.ad_ids.push_back(ads[m].ad_id);
    for (size_t m : group.members) {
      const LinkedAd& a = ads[m];
      n.max_score = std::max(n.max_score, a.score);
      n.first_seen_ms = std::min(n.first_seen_ms, a.first_seen_ms);
      n.last_seen_ms = std::max(n.last_seen_ms, a.last_seen_ms);
      for (const std::string& r : a.regions) ++region_count[r];
      if (!a.site.empty()) AddUnique(n.sites, a.site);
    }
    for (size_t m : today) {
      const std::string t = Collapse(ads[m].title, 120);
      if (!t.empty() && n.titles.size() < 3) AddUnique(n.titles, t);
    }
    for (const auto& [id, count] : region_count) {
      n.region_ids.push_back(id);
      n.region_names.push_back(RegionName(g, id));
      const classifier::PlaceInfo* p = g.Find(id);
      if (p != nullptr && p->kind == PlaceKind::kRegency) ++n.regencies;
    }
    n.contact_terms = group.shared_contacts;
    for (const std::string& t : group.shared_contacts)
      n.contacts.push_back(ContactDisplay(t, lang));
    n.truncated = in.linked_truncated;
    networks.push_back(std::move(n));
  }
  std::stable_sort(networks.begin(), networks.end(), [](const Network& a, const Network& b) {
    if (a.ad_ids.size() != b.ad_ids.size()) return a.ad_ids.size() > b.ad_ids.size();
    if (a.ads_today != b.ads_today) return a.ads_today > b.ads_today;
    return a.max_score > b.max_score;
  });
  d.html_max_networks = options.max_networks;
  for (size_t i = 0; i < networks.size(); ++i) {
    networks[i].number = static_cast<int>(i + 1);
    for (const std::string& id : networks[i].ad_ids) {
      auto it = row_of.find(id);
      if (it != row_of.end()) d.rows[it->second].network = networks[i].number;
    }
  }
  d.networks = std::move(networks);

  // News, awareness and distress posts.
  for (const AdRecord& r : in.news) {
    if (r.verdict.kind == DocKind::kNews) d.news.push_back(MakeNotice(r, sub, g, lang));
  }
  d.news_total = std::max<int64_t>(d.today.news, static_cast<int64_t>(d.news.size()));
  if (!d.national) {
    for (const AdRecord& r : in.distress) {
      if (r.verdict.kind == DocKind::kDistress) d.distress.push_back(MakeNotice(r, sub, g, lang));
    }
    d.distress_total = std::max<int64_t>(d.today.distress, static_cast<int64_t>(d.distress.size()));
  } else {
    d.distress_total = d.today.distress;
    d.distress_routed = in.distress_routed;
    d.distress_unrouted = in.distress_unrouted;
  }
  return d;
}

}  // namespace adwatch::exporter
