#include "adwatch/export/networks.h"

#include <algorithm>
#include <array>
#include <bit>
#include <map>
#include <numeric>
#include <set>
#include <unordered_map>

#include "adwatch/storage/ids.h"

namespace adwatch::exporter {
namespace {

uint64_t Mix(uint64_t x) {  // SplitMix64 finaliser
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

class UnionFind {
 public:
  explicit UnionFind(size_t n) : parent_(n), size_(n, 1) {
    std::iota(parent_.begin(), parent_.end(), size_t{0});
  }
  size_t Find(size_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  void Union(size_t a, size_t b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return;
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
  }

 private:
  std::vector<size_t> parent_;
  std::vector<size_t> size_;
};

}  // namespace

std::optional<uint64_t> SimHash(std::string_view text) {
  const std::string norm = storage::NormalizeText(text);
  std::vector<std::string_view> words;
  for (size_t i = 0; i < norm.size();) {
    const size_t end = std::min(norm.find(' ', i), norm.size());
    if (end > i) words.emplace_back(norm.data() + i, end - i);
    i = end + 1;
  }
  if (words.size() < kMinFingerprintWords) return std::nullopt;
  std::array<int, 64> votes{};
  for (size_t i = 0; i + kShingleWords <= words.size(); ++i) {
    uint64_t h = 0xCBF29CE484222325ULL;  // FNV-1a over the shingle's words, space-separated
    for (size_t k = 0; k < kShingleWords; ++k) {
      for (char c : words[i + k]) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001B3ULL;
      }
      h ^= ' ';
      h *= 0x100000001B3ULL;
    }
    h = Mix(h);
    for (int b = 0; b < 64; ++b) votes[b] += ((h >> b) & 1) != 0 ? 1 : -1;
  }
  uint64_t out = 0;
  for (int b = 0; b < 64; ++b) {
    if (votes[b] > 0) out |= uint64_t{1} << b;
  }
  return out;
}

int HammingDistance(uint64_t a, uint64_t b) { return std::popcount(a ^ b); }

std::string SiteOf(const AdCandidate& ad) {
  std::string_view url = ad.url;
  const size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) {
    std::string_view rest = url.substr(scheme + 3);
    const size_t slash = rest.find_first_of("/?#");
    std::string host(rest.substr(0, slash));
    if (const size_t at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
    if (const size_t colon = host.rfind(':'); colon != std::string::npos &&
                                              host.find(']') == std::string::npos) {
      host = host.substr(0, colon);
    }
    for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (host.rfind("www.", 0) == 0) host = host.substr(4);
    if ((host == "t.me" || host == "telegram.me") && slash != std::string_view::npos) {
      std::string_view path = rest.substr(slash + 1);
      if (path.rfind("s/", 0) == 0) path = path.substr(2);
      const size_t end = path.find_first_of("/?#");
      if (end != 0 && !path.empty()) return host + "/" + std::string(path.substr(0, end));
    }
    if (!host.empty()) return host;
  }
  return ad.source;
}

LinkedAd ToLinkedAd(const AdRecord& record, std::string_view day) {
  LinkedAd l;
  l.ad_id = record.ad_id;
  l.day = std::string(day);
  l.first_seen_ms = record.first_seen_ms;
  l.last_seen_ms = record.last_seen_ms;
  l.score = record.verdict.score;
  l.level = record.verdict.level;
  l.kind = record.verdict.kind;
  l.regions = record.regions;
  l.site = SiteOf(record.ad);
  l.title = record.ad.title;
  for (const Contact& c : record.verdict.entities.contacts) {
    std::string term = storage::ContactTerm(c);
    if (std::find(l.contact_terms.begin(), l.contact_terms.end(), term) == l.contact_terms.end()) {
      l.contact_terms.push_back(std::move(term));
    }
  }
  l.simhash = SimHash(record.ad.title + "\n" + record.ad.text);
  l.repost_of = record.repost_of;
  return l;
}

std::vector<AdGroup> GroupAds(const std::vector<LinkedAd>& ads, const GroupOptions& options) {
  const size_t n = ads.size();
  UnionFind uf(n);
  std::vector<uint8_t> contact_edge(n, 0), text_edge(n, 0);

  // 1. Shared contacts.
  std::unordered_map<std::string_view, std::vector<size_t>> by_term;
  for (size_t i = 0; i < n; ++i) {
    for (const std::string& t : ads[i].contact_terms) by_term[t].push_back(i);
  }
  for (const auto& [term, members] : by_term) {
    if (members.size() < 2 || members.size() > options.max_ads_per_contact) continue;
    for (size_t k = 1; k < members.size(); ++k) uf.Union(members[0], members[k]);
    for (size_t m : members) contact_edge[m] = 1;
  }

  // 2. Exact reposts the store linked.
  std::unordered_map<std::string_view, size_t> by_id;
  for (size_t i = 0; i < n; ++i) by_id.emplace(ads[i].ad_id, i);
  for (size_t i = 0; i < n; ++i) {
    if (ads[i].repost_of.empty()) continue;
    auto it = by_id.find(ads[i].repost_of);
    if (it == by_id.end() || it->second == i) continue;
    uf.Union(i, it->second);
    text_edge[i] = text_edge[it->second] = 1;
  }

  // 3. Near-duplicate texts. Identical fingerprints are joined first, then the distinct ones are
  // compared within the buckets of each 16-bit band.
  std::map<uint64_t, std::vector<size_t>> by_hash;
  for (size_t i = 0; i < n; ++i) {
    if (ads[i].simhash) by_hash[*ads[i].simhash].push_back(i);
  }
  std::vector<std::pair<uint64_t, size_t>> distinct;  // fingerprint, a representative
  for (const auto& [h, members] : by_hash) {
    for (size_t k = 1; k < members.size(); ++k) uf.Union(members[0], members[k]);
    if (members.size() > 1) {
      for (size_t m : members) text_edge[m] = 1;
    }
    distinct.emplace_back(h, members[0]);
  }
  if (options.max_distance > 0) {
    // A bucket larger than this is compared only with its neighbours in fingerprint order: a
    // pathological input (thousands of texts differing in one band) stays linear.
    constexpr size_t kMaxBucketPairs = 64;
    for (int band = 0; band < 4; ++band) {
      std::unordered_map<uint16_t, std::vector<size_t>> buckets;
      for (size_t d = 0; d < distinct.size(); ++d) {
        buckets[static_cast<uint16_t>(distinct[d].first >> (16 * band))].push_back(d);
      }
      for (const auto& [key, ds] : buckets) {
        for (size_t a = 0; a < ds.size(); ++a) {
          const size_t limit = std::min(ds.size(), a + 1 + kMaxBucketPairs);
          for (size_t b = a + 1; b < limit; ++b) {
            const auto& [ha, ia] = distinct[ds[a]];
            const auto& [hb, ib] = distinct[ds[b]];
            if (HammingDistance(ha, hb) > options.max_distance) continue;
            uf.Union(ia, ib);
            for (size_t m : by_hash[ha]) text_edge[m] = 1;
            for (size_t m : by_hash[hb]) text_edge[m] = 1;
          }
        }
      }
    }
  }

  // Collect the groups.
  std::map<size_t, std::vector<size_t>> groups;  // root → members (ascending)
  for (size_t i = 0; i < n; ++i) groups[uf.Find(i)].push_back(i);
  std::vector<AdGroup> out;
  for (auto& [root, members] : groups) {
    if (members.size() < 2) continue;
    AdGroup g;
    g.members = std::move(members);
    std::map<std::string_view, int> terms;
    for (size_t m : g.members) {
      g.by_contact = g.by_contact || contact_edge[m] != 0;
      g.by_text = g.by_text || text_edge[m] != 0;
      for (const std::string& t : ads[m].contact_terms) ++terms[t];
    }
    std::vector<std::pair<std::string_view, int>> shared;
    for (const auto& [t, count] : terms) {
      if (count >= 2 && by_term[t].size() <= options.max_ads_per_contact) {
        shared.emplace_back(t, count);
      }
    }
    std::stable_sort(shared.begin(), shared.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    for (const auto& [t, count] : shared) g.shared_contacts.emplace_back(t);
    out.push_back(std::move(g));
  }
  std::stable_sort(out.begin(), out.end(), [](const AdGroup& a, const AdGroup& b) {
    if (a.members.size() != b.members.size()) return a.members.size() > b.members.size();
    return a.members.front() < b.members.front();
  });
  return out;
}

}  // namespace adwatch::exporter
