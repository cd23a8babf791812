// Synthetic pages for the storage benchmarks, shaped like what the crawler stores: HTML pages of
// 20–60 KiB from 20 sites (each with its own boilerplate), 1–6 ad candidates per page with
// Indonesian-looking text, and verdicts with hits, contacts, salaries and places as the classifier
// writes them. Deterministic in the page number; nothing is read from disk.
#ifndef ADWATCH_BENCH_STORAGE_SYNTHETIC_H_
#define ADWATCH_BENCH_STORAGE_SYNTHETIC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "adwatch/common/records.h"
#include "adwatch/storage/store.h"

namespace adwatch::storage::bench {

class Rng {
 public:
  explicit Rng(uint64_t seed) : x_(seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL) {}
  uint64_t Next() {
    x_ ^= x_ << 13;
    x_ ^= x_ >> 7;
    x_ ^= x_ << 17;
    return x_;
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }

 private:
  uint64_t x_;
};

inline const std::vector<std::string>& Words() {
  static const std::vector<std::string> kWords = [] {
    const char* base[] = {
        "lowongan",   "kerja",    "gaji",       "juta",      "per",      "bulan",    "admin",
        "operator",   "customer", "service",    "online",    "kamboja",  "myanmar",  "thailand",
        "malaysia",   "batam",    "jakarta",    "surabaya",  "medan",    "tiket",    "pesawat",
        "gratis",     "mess",     "makan",      "visa",      "paspor",   "kontrak",  "syarat",
        "usia",       "tahun",    "lulusan",    "sma",       "smk",      "d3",       "s1",
        "pengalaman", "tidak",    "perlu",      "segera",    "hubungi",  "wa",       "telegram",
        "dm",         "minat",    "daftar",     "sekarang",  "terbatas", "kuota",    "berangkat",
        "minggu",     "ini",      "perusahaan", "resmi",     "pt",       "cv",       "kirim",
        "lamaran",    "email",    "alamat",     "kantor",    "di",       "ke",       "dan",
        "untuk",      "dengan",   "yang",       "atau",      "bisa",     "langsung", "interview",
        "penempatan", "luar",     "negeri",     "dalam",     "kota",     "shift",    "malam",
        "bonus",      "komisi",   "target",     "tunjangan", "bpjs",     "cuti",     "libur",
        "staf",       "gudang",   "kasir",      "pelayan",   "restoran", "hotel",    "pabrik"};
    std::vector<std::string> w(std::begin(base), std::end(base));
    // A long tail of rarer words, as real text has.
    Rng r(7);
    for (int i = 0; i < 1500; ++i) {
      std::string s;
      const size_t len = 3 + r.Below(8);
      for (size_t j = 0; j < len; ++j) s += static_cast<char>('a' + r.Below(26));
      w.push_back(s);
    }
    return w;
  }();
  return kWords;
}

// Zipf-like pick: common words far more often than rare ones.
inline const std::string& Word(Rng& r) {
  const auto& w = Words();
  const size_t a = r.Below(w.size()), b = r.Below(w.size()), c = r.Below(w.size());
  return w[std::min(a, std::min(b, c)) % w.size()];
}

inline std::string Sentence(Rng& r, size_t words) {
  std::string s;
  for (size_t i = 0; i < words; ++i) {
    if (i > 0) s += ' ';
    s += Word(r);
    if (r.Below(9) == 0) s += std::to_string(r.Below(100000));
  }
  s += '.';
  return s;
}

// Boilerplate of site `site`: navigation, scripts and footer, the same on each of its pages.
inline std::string SiteChrome(size_t site, bool head) {
  Rng r(1000 + site);
  std::string s;
  if (head) {
    s += "<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>Site " +
         std::to_string(site) + "</title>";
    for (int i = 0; i < 30; ++i) {
      s += "<link rel=\"stylesheet\" href=\"/static/css/" + Word(r) + "-" +
           std::to_string(r.Below(1000)) + ".css\">";
    }
    s += "<script>window.__cfg={";
    for (int i = 0; i < 120; ++i)
      s += "\"" + Word(r) + "\":" + std::to_string(r.Below(1 << 20)) + ",";
    s += "}</script></head><body><nav class=\"navbar\">";
    for (int i = 0; i < 60; ++i) {
      s += "<a class=\"nav-link\" href=\"/kategori/" + Word(r) + "\">" + Word(r) + "</a>";
    }
    s += "</nav><main>";
  } else {
    s += "</main><footer class=\"site-footer\">";
    for (int i = 0; i < 40; ++i) s += "<p class=\"footer-text\">" + Sentence(r, 12) + "</p>";
    s += "</footer></body></html>";
  }
  return s;
}

struct SyntheticOptions {
  size_t min_ads = 1;
  size_t max_ads = 6;
  size_t content_bytes = 15000;           // per-page text between the site's boilerplate
  int64_t fetched_at_ms = 1795323600000;  // 2026-11-22 12:00 WIB
  int64_t spread_ms = 0;                  // fetch times spread over [t, t + spread) by page number
};

inline Verdict SyntheticVerdict(Rng& r, const std::string& text, uint64_t n, size_t i) {
  Verdict v;
  v.score = static_cast<int>(r.Below(101));
  v.level = v.score >= 65   ? Level::kHigh
            : v.score >= 40 ? Level::kMedium
            : v.score >= 20 ? Level::kLow
                            : Level::kNone;
  v.kind = DocKind::kRecruitmentAd;
  v.raw_score = v.score * 1.3;
  v.ruleset_version = "rs-6e97385fd147";
  v.category_scores = {{"DEST_HOTSPOT", 10}, {"PAY_UNREALISTIC", 15}, {"CONTACT", 4}};
  v.kind_scores = {{"recruitment_ad", 20}, {"news", 0}};
  const size_t hits = 1 + r.Below(6);
  for (size_t h = 0; h < hits; ++h) {
    Hit hit;
    hit.rule_id = "RULE_" + std::to_string(r.Below(120));
    hit.category = "DEST_HOTSPOT";
    hit.weight = hit.rule_weight = static_cast<double>(1 + r.Below(25));
    hit.view = "skeleton";
    hit.describe_id = "Menyebut negara yang menjadi pusat sindikat penipuan online";
    hit.describe_en = "Names a country that hosts online-scam compounds";
    const auto b = static_cast<uint32_t>(r.Below(text.size() > 10 ? text.size() - 10 : 1));
    hit.evidence.push_back({"body", {b, b + 8}});
    v.hits.push_back(hit);
  }
  Contact c;
  c.kind = ContactKind::kWhatsApp;
  c.value = "+62812" + std::to_string(1000000 + (n * 7 + i) % 500000);  // numbers recur
  c.field = "body";
  c.region = "ID";
  v.entities.contacts.push_back(c);
  if (r.Below(2) == 0) {
    Contact t;
    t.kind = ContactKind::kTelegram;
    t.value = "hrd_" + std::to_string(r.Below(5000));
    t.field = "body";
    v.entities.contacts.push_back(t);
  }
  SalaryMention s;
  s.salary = {15e6, 15e6, "IDR", "month", false};
  s.monthly_idr_min = s.monthly_idr_max = 15e6;
  s.field = "body";
  v.entities.salaries.push_back(s);
  PlaceMention p;
  p.id = "kh";
  p.name = "Kamboja";
  p.country = "KH";
  p.nonplacement = true;
  p.field = "body";
  v.entities.places.push_back(p);
  return v;
}

// Page number `n`: a unique URL and body, its ads and their verdicts.
inline PageWrite SyntheticPage(uint64_t n, const SyntheticOptions& o = {}) {
  Rng r(n);
  const size_t site = n % 20;
  static const std::vector<std::string> kHeads = [] {
    std::vector<std::string> v;
    for (size_t s = 0; s < 20; ++s) v.push_back(SiteChrome(s, true));
    return v;
  }();
  static const std::vector<std::string> kFeet = [] {
    std::vector<std::string> v;
    for (size_t s = 0; s < 20; ++s) v.push_back(SiteChrome(s, false));
    return v;
  }();
  PageWrite w;
  FetchResult f;
  f.requested_url = "https://site" + std::to_string(site) + ".example/loker/" + std::to_string(n);
  f.final_url = f.requested_url;
  f.source = "site" + std::to_string(site);
  f.http_status = 200;
  f.headers = {{"Content-Type", "text/html; charset=utf-8"},
               {"Date", "Sun, 22 Nov 2026 05:00:00 GMT"},
               {"Server", "nginx"},
               {"Cache-Control", "max-age=60"},
               {"ETag", "\"" + std::to_string(r.Next()) + "\""}};
  f.content_type = "text/html; charset=utf-8";
  f.fetched_at_ms =
      o.fetched_at_ms +
      (o.spread_ms > 0 ? static_cast<int64_t>(n % static_cast<uint64_t>(o.spread_ms)) : 0);
  f.elapsed_ms = 120;
  std::string& body = f.body;
  body = kHeads[site];
  const size_t ads = o.min_ads + r.Below(o.max_ads - o.min_ads + 1);
  for (size_t i = 0; i < ads; ++i) {
    AdCandidate a;
    a.origin = CandidateOrigin::kMainText;
    a.source = f.source;
    a.url = f.final_url;
    a.post_id = std::to_string(i);
    a.title = "Lowongan " + Word(r) + " " + Word(r);
    for (int s = 0; s < 6; ++s) a.text += Sentence(r, 8 + r.Below(10)) + (s % 2 ? "\n" : " ");
    a.posted_at = "2026-11-22";
    a.author = "hrd_" + std::to_string(r.Below(5000));
    body += "<article class=\"post\"><h2>" + a.title + "</h2><p>" + a.text + "</p></article>";
    storage::AdWrite aw;
    aw.verdict = SyntheticVerdict(r, a.text, n, i);
    aw.regions = {r.Below(2) ? "id.kepri" : "id.jatim"};
    aw.ad = std::move(a);
    w.ads.push_back(std::move(aw));
  }
  while (body.size() < kHeads[site].size() + o.content_bytes) {
    body += "<div class=\"related\"><p>" + Sentence(r, 20) + "</p></div>";
  }
  body += kFeet[site];
  w.page = std::move(f);
  w.crawler_version = "adwatch-crawler/0.1";
  return w;
}

}  // namespace adwatch::storage::bench

#endif  // ADWATCH_BENCH_STORAGE_SYNTHETIC_H_
