#include "adwatch/watch/matcher.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>

#include "adwatch/classifier/contacts.h"
#include "adwatch/classifier/normalize.h"
#include "adwatch/common/names.h"
#include "adwatch/storage/ids.h"
#include "adwatch/watch/entry.h"
#include "adwatch/watch/store_outbox.h"
#include "host.h"

namespace adwatch::watch {

namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

// Keys of the exact-value index: the kind family and the stored form. Phones and WhatsApp
// numbers share "tel:" so that a number watched either way matches it written either way.
std::string ExactKey(WatchKind kind, std::string_view value) {
  switch (kind) {
    case WatchKind::kPhone:
    case WatchKind::kWhatsApp:
      return "tel:" + std::string(value);
    case WatchKind::kTelegram:
      return "tg:" + std::string(value);
    case WatchKind::kEmail:
      return "email:" + std::string(value);
    case WatchKind::kDomain:
      return "dom:" + std::string(value);
    case WatchKind::kKeyword:
      break;
  }
  return "";
}

// The exact key and stored form of an ad's contact, or "" for kinds no entry watches.
std::pair<std::string, std::string> ContactKey(const Contact& c) {
  switch (c.kind) {
    case ContactKind::kPhone:
      return {"tel:" + c.value, c.value};
    case ContactKind::kWhatsApp:
      if (!c.value.empty() && c.value.front() == '+') return {"tel:" + c.value, c.value};
      return {};
    case ContactKind::kTelegram:
      return {"tg:@" + c.value, "@" + c.value};
    case ContactKind::kEmail:
      return {"email:" + c.value, c.value};
    default:
      return {};
  }
}

// How a contact is named in a burst alert: its stored form, as in watch entries.
std::string MatchedForm(const Contact& c) {
  auto [key, form] = ContactKey(c);
  return form.empty() ? c.value : form;
}

}  // namespace

Status Validate(const BurstRule& rule) {
  const std::string where = "alerts.bursts[" + rule.name + "]";
  bool name_ok = !rule.name.empty() && rule.name.size() <= 64;
  for (char c : rule.name) {
    name_ok = name_ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
  }
  if (!name_ok) return Status::InvalidArgument(where + ".name", "must be [a-z0-9_-]{1,64}");
  if (rule.min < 1) return Status::InvalidArgument(where, "the threshold must be at least 1");
  if (rule.kind != BurstKind::kNetwork && rule.min < 2) {
    return Status::InvalidArgument(where, "a region or source burst needs at least 2");
  }
  if (rule.days < 1 || rule.days > 365) {
    return Status::InvalidArgument(where + ".days", "must be 1 to 365");
  }
  if (rule.orgs.empty()) {
    return Status::InvalidArgument(where + ".orgs", "name at least one organisation");
  }
  return Status::OK();
}

Alert AlertFor(const AdRecord& ad, int max_reasons) {
  Alert a;
  a.ad_id = ad.ad_id;
  a.ad_url = ad.ad.url;
  a.source = ad.ad.source;
  a.regions = ad.regions;
  a.level = std::string(Name(ad.verdict.level));
  a.pattern = std::string(Name(ad.verdict.pattern));
  for (const Hit& h : ad.verdict.hits) {
    if (static_cast<int>(a.reasons_id.size()) >= max_reasons) break;
    if (h.negated || h.weight <= 0) continue;
    a.reasons_id.push_back(h.describe_id.empty() ? h.rule_id : h.describe_id);
    a.reasons_en.push_back(h.describe_en.empty() ? h.rule_id : h.describe_en);
  }
  a.seen_ms = ad.last_seen_ms;
  return a;
}

// ---------------------------------------------------------------------------------------------

struct Matcher::Index {
  std::unordered_map<std::string, std::vector<WatchEntry>> exact;
  std::vector<WatchEntry> keywords;  // in the RE2::Set's order
  std::vector<std::unique_ptr<RE2>> keyword_res;
  std::unique_ptr<RE2::Set> set;  // nullptr without keywords
  bool has_contacts = false;      // any phone, WhatsApp, Telegram or e-mail entry
  bool has_domains = false;
  size_t count = 0;
};

Matcher::Matcher(const storage::Store& store, const Clock& clock, MatcherOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

Matcher::~Matcher() = default;

size_t Matcher::entry_count() const {
  std::lock_guard lock(mu_);
  return index_ ? index_->count : 0;
}

Status Matcher::Reload() {
  // Read the version first: an entry stored while we read makes the next match reload again.
  const uint64_t version = store_.watch_version();
  auto entries = store_.ListWatchEntries("");
  if (!entries) return entries.error();
  auto index = std::make_shared<Index>();
  RE2::Options opt;
  opt.set_case_sensitive(false);
  opt.set_log_errors(false);
  for (auto& e : *entries) {
    ++index->count;
    if (e.kind == WatchKind::kKeyword) {
      if (!index->set) index->set = std::make_unique<RE2::Set>(opt, RE2::UNANCHORED);
      std::string error;
      if (index->set->Add(e.value, &error) < 0) {
        return Status::InvalidArgument("watch entry " + e.id + " of " + e.org,
                                       "keyword pattern no longer compiles: " + error);
      }
      index->keyword_res.push_back(std::make_unique<RE2>(e.value, opt));
      index->keywords.push_back(std::move(e));
      continue;
    }
    if (e.kind == WatchKind::kDomain) {
      index->has_domains = true;
    } else {
      index->has_contacts = true;
    }
    index->exact[ExactKey(e.kind, e.value)].push_back(std::move(e));
  }
  if (index->set && !index->set->Compile()) {
    return Status::Internal("compiling keyword entries", "RE2::Set ran out of memory");
  }
  std::lock_guard lock(mu_);
  index_ = std::move(index);
  version_ = version;
  return Status::OK();
}

std::shared_ptr<const Matcher::Index> Matcher::CurrentIndex() {
  std::lock_guard lock(mu_);
  return index_;
}

Result<std::vector<Alert>> Matcher::MatchEntries(const AdRecord& ad) {
  bool stale = false;
  {
    std::lock_guard lock(mu_);
    stale = !index_ || version_ != store_.watch_version();
  }
  if (stale) ADWATCH_RETURN_IF_ERROR(Reload());
  const std::shared_ptr<const Index> index = CurrentIndex();
  std::vector<Alert> out;
  if (index->count == 0) return out;
  const int64_t now = clock_.NowMs();
  std::set<std::string_view> raised;  // entry ids: one alert per ad and entry
  auto raise = [&](const WatchEntry& e, std::string matched) {
    if (Expired(e, now) || !raised.insert(e.id).second) return;
    Alert a = AlertFor(ad, options_.max_reasons);
    a.org = e.org;
    a.cause = AlertCause::kWatch;
    a.entry_id = e.id;
    a.matched = std::move(matched);
    a.note = e.note;
    a.created_ms = now;
    out.push_back(std::move(a));
  };
  auto lookup = [&](const std::string& key, const std::string& matched) {
    if (auto it = index->exact.find(key); it != index->exact.end()) {
      for (const WatchEntry& e : it->second) raise(e, matched);
    }
  };

  std::vector<std::string> hosts;
  if (index->has_contacts || index->has_domains) {
    std::vector<Contact> contacts = ad.verdict.entities.contacts;
    // Links (a "Chat us" button to wa.me/…) carry contacts the text may not spell out.
    std::string link_text;
    for (const Link& l : ad.ad.links) link_text += l.url + "\n";
    if (!link_text.empty() && index->has_contacts) {
      auto more = classifier::ExtractContacts(link_text);
      contacts.insert(contacts.end(), more.begin(), more.end());
    }
    for (const Contact& c : contacts) {
      auto [key, form] = ContactKey(c);
      if (!key.empty()) lookup(key, form);
      if (c.kind == ContactKind::kEmail) {
        if (const size_t at = c.value.find('@'); at != std::string::npos) {
          hosts.push_back(c.value.substr(at + 1));
        }
      }
    }
  }
  if (index->has_domains) {
    hosts.push_back(HostOf(ad.ad.url));
    hosts.push_back(HostOf(ad.ad.employer_url));
    for (const Link& l : ad.ad.links) hosts.push_back(HostOf(l.url));
    // Hosts written in the text ("daftar di kerja-jepang.id") without a link.
    static const RE2 kHostInText("((?:[a-zA-Z0-9-]+\\.)+[a-zA-Z]{2,})");
    for (const std::string* field : {&ad.ad.title, &ad.ad.text}) {
      re2::StringPiece input(*field);
      std::string host;
      while (RE2::FindAndConsume(&input, kHostInText, &host)) hosts.push_back(HostOf(host));
    }
    std::sort(hosts.begin(), hosts.end());
    hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());
    for (const std::string& host : hosts) {
      if (host.empty()) continue;
      // The host itself and each parent domain: an entry for kerja.id matches a.b.kerja.id.
      for (size_t pos = 0; pos != std::string::npos;) {
        const std::string_view suffix = std::string_view(host).substr(pos);
        if (suffix.find('.') == std::string_view::npos) break;
        lookup("dom:" + std::string(suffix), std::string(suffix));
        pos = host.find('.', pos);
        if (pos != std::string::npos) ++pos;
      }
    }
  }
  if (index->set) {
    std::string text = ad.ad.title + "\n" + ad.ad.text;
    if (!ad.ad.image_text.empty()) text += "\n" + ad.ad.image_text;
    const NormalizedText norm = classifier::Normalize(text);
    const std::string& folded = norm.folded.text;
    std::vector<int> matched;
    RE2::Set::ErrorInfo info{};
    if (!index->set->Match(folded, &matched, &info) && info.kind != RE2::Set::kNoError &&
        info.kind != RE2::Set::kInconsistent) {
      return Status::Internal("matching keyword entries", "RE2::Set ran out of memory");
    }
    std::sort(matched.begin(), matched.end());
    for (int i : matched) {
      const auto n = static_cast<size_t>(i);
      re2::StringPiece m;
      std::string what = index->keywords[n].value;
      if (index->keyword_res[n]->Match(folded, 0, folded.size(), RE2::UNANCHORED, &m, 1)) {
        what = std::string(m);
      }
      raise(index->keywords[n], std::move(what));
    }
  }
  return out;
}

Status Matcher::BurstAlerts(const AdRecord& ad, int64_t now_ms, std::vector<Alert>& out) const {
  if (options_.bursts.empty() || ad.verdict.entities.contacts.empty()) return Status::OK();
  // Each contact once, by its index term.
  std::map<std::string, const Contact*> terms;
  for (const Contact& c : ad.verdict.entities.contacts) terms.emplace(storage::ContactTerm(c), &c);
  std::map<std::string, std::optional<AdRecord>> cache;  // ad id → ad without verdict
  auto load = [&](const std::string& id) -> Result<const AdRecord*> {
    auto it = cache.find(id);
    if (it == cache.end()) {
      auto got = store_.GetAdWithoutVerdict(id);
      if (!got && !got.error().IsNotFound()) return got.error();
      it = cache.emplace(id, got ? std::optional<AdRecord>(std::move(*got)) : std::nullopt).first;
    }
    return it->second ? &*it->second : nullptr;
  };
  const size_t cap = static_cast<size_t>(std::max(1, options_.max_ads_per_contact));

  for (const BurstRule& rule : options_.bursts) {
    const int64_t window_ms = rule.days * kDayMs;
    const int64_t window = ad.last_seen_ms / window_ms;
    auto raise = [&](const std::string& key_term, std::string matched,
                     std::vector<std::string> related) {
      for (const std::string& org : rule.orgs) {
        Alert a = AlertFor(ad, options_.max_reasons);
        a.org = org;
        a.cause = rule.kind == BurstKind::kRegions   ? AlertCause::kBurstRegions
                  : rule.kind == BurstKind::kSources ? AlertCause::kBurstSources
                                                     : AlertCause::kNetworkGrowth;
        a.entry_id = rule.name;
        a.matched = matched;
        a.note = rule.description;
        a.related_ads = related;
        a.created_ms = now_ms;
        // The dedupe key rides in `id` until OnAdWrite turns it into a row.
        a.id = "b|" + rule.name + "|" + org + "|" + key_term + "|" + std::to_string(window);
        out.push_back(std::move(a));
      }
    };
    if (rule.kind == BurstKind::kNetwork) {
      // Walk the network (ads linked by shared contacts) up to the cap; it is named by its
      // smallest contact term, which stays the same as the network grows.
      std::set<std::string> seen_terms;
      std::set<std::string> seen_ads = {ad.ad_id};
      std::deque<std::string> queue;
      for (const auto& [term, c] : terms) {
        seen_terms.insert(term);
        queue.push_back(term);
      }
      while (!queue.empty() && seen_ads.size() <= cap) {
        const std::string term = queue.front();
        queue.pop_front();
        auto ids = store_.AdsWithContact(term);
        if (!ids) return ids.error();
        for (const std::string& id : *ids) {
          if (seen_ads.size() > cap) break;
          if (!seen_ads.insert(id).second) continue;
          auto other = store_.GetAd(id);
          if (!other) {
            if (other.error().IsNotFound()) continue;
            return other.error();
          }
          for (const Contact& c : other->verdict.entities.contacts) {
            std::string t = storage::ContactTerm(c);
            if (seen_terms.insert(t).second) queue.push_back(std::move(t));
          }
        }
      }
      if (static_cast<int>(seen_ads.size()) > rule.min) {
        const std::string& first = *seen_terms.begin();
        std::vector<std::string> related(seen_ads.begin(), seen_ads.end());
        if (related.size() > 50) related.resize(50);
        raise(first, first, std::move(related));
      }
      continue;
    }
    for (const auto& [term, contact] : terms) {
      std::set<std::string> values;
      auto add = [&](const AdRecord& a) {
        if (rule.kind == BurstKind::kRegions) {
          values.insert(a.regions.begin(), a.regions.end());
        } else if (!a.ad.source.empty()) {
          values.insert(a.ad.source);
        }
      };
      add(ad);
      std::vector<std::string> related;
      auto ids = store_.AdsWithContact(term);
      if (!ids) return ids.error();
      size_t read = 0;
      for (const std::string& id : *ids) {
        if (id == ad.ad_id) continue;
        if (++read > cap || static_cast<int>(values.size()) >= rule.min) break;
        auto other = load(id);
        if (!other) return other.error();
        if (*other == nullptr) continue;
        const AdRecord& o = **other;
        if (o.last_seen_ms < ad.last_seen_ms - window_ms || o.first_seen_ms > ad.last_seen_ms) {
          continue;
        }
        const size_t before = values.size();
        add(o);
        if (values.size() > before) related.push_back(id);
      }
      if (static_cast<int>(values.size()) >= rule.min) {
        raise(term, MatchedForm(*contact), std::move(related));
      }
    }
  }
  return Status::OK();
}

Result<std::vector<storage::AlertRow>> Matcher::OnAdWrite(const AdRecord& ad) {
  auto matches = MatchEntries(ad);
  if (!matches) return matches.error();
  std::vector<storage::AlertRow> rows;
  for (Alert& a : *matches) {
    std::string dedupe = "w|" + ad.ad_id + "|" + a.entry_id;
    a.id = storage::AlertIdFor(a.created_ms, dedupe);
    rows.push_back(ToRow(a, std::move(dedupe)));
  }
  std::vector<Alert> bursts;
  ADWATCH_RETURN_IF_ERROR(BurstAlerts(ad, clock_.NowMs(), bursts));
  for (Alert& a : bursts) {
    std::string dedupe = std::move(a.id);
    a.id = storage::AlertIdFor(a.created_ms, dedupe);
    rows.push_back(ToRow(a, std::move(dedupe)));
  }
  return rows;
}

}  // namespace adwatch::watch
