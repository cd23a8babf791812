#include "adwatch/export/networks.h"

#include <algorithm>
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

std::vector<uint32_t> MinHashSignature(std::string_view text) {
  const std::string norm = storage::NormalizeText(text);
  std::vector<std::string_view> words;
  for (size_t i = 0; i < norm.size();) {
    const size_t end = std::min(norm.find(' ', i), norm.size());
    if (end > i) words.emplace_back(norm.data() + i, end - i);
    i = end + 1;
  }
  if (words.size() < kMinSignatureWords) return {};
  std::vector<uint32_t> sig(kMinHashes, UINT32_MAX);
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
    for (size_t f = 0; f < kMinHashes; ++f) {
      const auto v = static_cast<uint32_t>(Mix(h + 0x9E3779B97F4A7C15ULL * (f + 1)) >> 32);
      sig[f] = std::min(sig[f], v);
    }
  }
  return sig;
}

double EstimatedSimilarity(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.empty() || a.size() != b.size()) return 0;
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i] ? 1 : 0;
  return static_cast<double>(same) / static_cast<double>(a.size());
}

std::string SiteOf(const AdCandidate& ad) {
  std::string_view url = ad.url;
  const size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) {
    std::string_view rest = url.substr(scheme + 3);
    const size_t slash = rest.find_first_of("/?#");
    std::string host(rest.substr(0, slash));
    if (const size_t at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
    if (const size_t colon = host.rfind(':');
        colon != std::string::npos && host.find(']') == std::string::npos) {
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
  l.signature = MinHashSignature(record.ad.title + "\n" + record.ad.text);
  l.repost_of = record.repost_of;
  for (const ImageRef& im : record.ad.images) {
    const auto hash = ParseHashHex(im.phash);
    if (hash &&
        std::find(l.image_hashes.begin(), l.image_hashes.end(), *hash) == l.image_hashes.end()) {
      l.image_hashes.push_back(*hash);
    }
  }
  return l;
}

std::vector<AdGroup> GroupAds(const std::vector<LinkedAd>& ads, const GroupOptions& options) {
  const size_t n = ads.size();
  UnionFind uf(n);
  std::vector<uint8_t> contact_edge(n, 0), text_edge(n, 0), image_edge(n, 0);

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

  // 3. Near-duplicate texts. Identical signatures are joined first; the distinct ones are then
  // compared within the buckets of each band.
  std::map<std::vector<uint32_t>, std::vector<size_t>> by_signature;
  for (size_t i = 0; i < n; ++i) {
    if (!ads[i].signature.empty()) by_signature[ads[i].signature].push_back(i);
  }
  std::vector<const std::vector<uint32_t>*> distinct;  // signatures
  std::vector<const std::vector<size_t>*> holders;     // the ads with each
  for (const auto& [sig, members] : by_signature) {
    for (size_t k = 1; k < members.size(); ++k) uf.Union(members[0], members[k]);
    if (members.size() > 1) {
      for (size_t m : members) text_edge[m] = 1;
    }
    distinct.push_back(&sig);
    holders.push_back(&members);
  }
  // A bucket larger than this is compared only with each entry's next neighbours: a flood of
  // one template stays linear (its copies are still joined through their neighbours).
  constexpr size_t kMaxNeighbours = 64;
  for (size_t band = 0; band < kBands; ++band) {
    std::unordered_map<uint64_t, std::vector<size_t>> buckets;
    for (size_t d = 0; d < distinct.size(); ++d) {
      uint64_t key = band;
      for (size_t r = 0; r < kRowsPerBand; ++r) {
        key = Mix(key ^ (*distinct[d])[band * kRowsPerBand + r]);
      }
      buckets[key].push_back(d);
    }
    for (const auto& [key, ds] : buckets) {
      for (size_t a = 0; a < ds.size(); ++a) {
        const size_t limit = std::min(ds.size(), a + 1 + kMaxNeighbours);
        for (size_t b = a + 1; b < limit; ++b) {
          const size_t ia = holders[ds[a]]->front(), ib = holders[ds[b]]->front();
          // Already joined by text: nothing to learn from comparing them.
          if (text_edge[ia] != 0 && text_edge[ib] != 0 && uf.Find(ia) == uf.Find(ib)) continue;
          if (EstimatedSimilarity(*distinct[ds[a]], *distinct[ds[b]]) < options.min_similarity)
            continue;
          uf.Union(ia, ib);
          for (size_t m : *holders[ds[a]]) text_edge[m] = 1;
          for (size_t m : *holders[ds[b]]) text_edge[m] = 1;
        }
      }
    }
  }

  // 4. The same poster. Two 64-bit hashes within d <= 10 bits agree exactly on at least one of
  // eleven slices of about 6 bits (pigeonhole), so only ads sharing a slice value are compared.
  if (options.max_image_distance >= 0) {
    const int max_distance = std::min(options.max_image_distance, kSameImageMaxDistance);
    std::unordered_map<uint64_t, std::vector<size_t>> by_hash;
    for (size_t i = 0; i < n; ++i) {
      for (uint64_t h : ads[i].image_hashes) {
        if (h != 0 && h != ~uint64_t{0}) by_hash[h].push_back(i);  // blank pictures link nobody
      }
    }
    std::vector<uint64_t> hashes;
    for (auto& [h, members] : by_hash) {
      if (members.size() > options.max_ads_per_contact) continue;
      for (size_t k = 1; k < members.size(); ++k) {
        uf.Union(members[0], members[k]);
        image_edge[members[0]] = image_edge[members[k]] = 1;
      }
      hashes.push_back(h);
    }
    std::sort(hashes.begin(), hashes.end());
    for (int slice = 0; slice < kImageHashSlices; ++slice) {
      std::unordered_map<uint64_t, std::vector<uint64_t>> buckets;
      for (uint64_t h : hashes) buckets[ImageHashSlice(h, slice)].push_back(h);
      for (const auto& [key, hs] : buckets) {
        for (size_t a = 0; a < hs.size(); ++a) {
          const size_t limit = std::min(hs.size(), a + 1 + kMaxNeighbours);
          for (size_t b = a + 1; b < limit; ++b) {
            if (HammingDistance(hs[a], hs[b]) > max_distance) continue;
            const size_t ia = by_hash[hs[a]].front(), ib = by_hash[hs[b]].front();
            uf.Union(ia, ib);
            image_edge[ia] = image_edge[ib] = 1;
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
      g.by_image = g.by_image || image_edge[m] != 0;
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

Result<std::vector<std::pair<std::string, std::vector<std::string>>>> LinkedByImage(
    const storage::Store& store, const AdCandidate& ad, const std::vector<std::string>& exclude,
    int max_distance) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const ImageRef& im : ad.images) {
    const auto hash = ParseHashHex(im.phash);
    if (!hash) continue;
    const std::string hex = HashHex(*hash);
    if (std::any_of(out.begin(), out.end(), [&](const auto& p) { return p.first == hex; }))
      continue;
    auto ids = store.AdsWithSimilarImage(*hash, max_distance);
    if (!ids) return ids.error();
    std::vector<std::string> others;
    for (std::string& id : *ids) {
      if (std::find(exclude.begin(), exclude.end(), id) == exclude.end())
        others.push_back(std::move(id));
    }
    out.emplace_back(hex, std::move(others));
  }
  return out;
}

}  // namespace adwatch::exporter
