// Helpers of the storage tests: temporary folders, a clock that tests move by hand, and builders
// of pages, ads and verdicts. Used by the test binary and by the crash-test writer process.
#ifndef ADWATCH_TESTS_STORAGE_TEST_UTIL_H_
#define ADWATCH_TESTS_STORAGE_TEST_UTIL_H_

#include <stdlib.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "adwatch/common/clock.h"
#include "adwatch/common/records.h"
#include "adwatch/storage/store.h"

namespace adwatch::storage::testing {

// A folder under /tmp removed with everything in it when the object goes.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/adwatch-storage-test-XXXXXX";
    char* p = mkdtemp(tmpl);
    path_ = p != nullptr ? p : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t now_ms) : now_ms_(now_ms) {}
  int64_t NowMs() const override { return now_ms_.load(); }
  void Set(int64_t ms) { now_ms_ = ms; }
  void Advance(int64_t ms) { now_ms_ += ms; }

 private:
  std::atomic<int64_t> now_ms_;
};

// 2026-11-22T05:00:00Z, i.e. 12:00 in Jakarta (UTC+7).
inline constexpr int64_t kNoonJakarta = 1795323600000;
inline constexpr int64_t kDayMs = 86'400'000;

inline StoreOptions TestOptions(const std::string& path) {
  StoreOptions o;
  o.path = path;
  o.memory_budget_bytes = 8 << 20;
  return o;
}

inline FetchResult MakeFetch(const std::string& url, const std::string& body, int64_t at_ms) {
  FetchResult f;
  f.requested_url = url;
  f.final_url = url;
  f.source = "test";
  f.http_status = 200;
  f.headers = {{"Content-Type", "text/html; charset=utf-8"}, {"Server", "test"}};
  f.content_type = "text/html; charset=utf-8";
  f.body = body;
  f.fetched_at_ms = at_ms;
  f.elapsed_ms = 12;
  return f;
}

inline AdCandidate MakeAd(const std::string& url, const std::string& text,
                          const std::string& post_id = "") {
  AdCandidate a;
  a.source = "test";
  a.url = url;
  a.post_id = post_id;
  a.title = "Lowongan";
  a.text = text;
  return a;
}

inline Contact Phone(const std::string& e164, ContactKind kind = ContactKind::kPhone) {
  Contact c;
  c.kind = kind;
  c.value = e164;
  c.field = "body";
  c.region = "ID";
  return c;
}

inline Contact Telegram(const std::string& handle) {
  Contact c;
  c.kind = ContactKind::kTelegram;
  c.value = handle;
  c.field = "body";
  return c;
}

inline Verdict MakeVerdict(int score, Level level, std::vector<Contact> contacts = {},
                           const std::string& ruleset = "rules-v1") {
  Verdict v;
  v.score = score;
  v.level = level;
  v.kind = DocKind::kRecruitmentAd;
  v.raw_score = score;
  v.ruleset_version = ruleset;
  v.entities.contacts = std::move(contacts);
  if (score > 0) {
    Hit h;
    h.rule_id = "dest.kh";
    h.category = "DEST_HOTSPOT";
    h.weight = score;
    h.rule_weight = score;
    h.view = "skeleton";
    h.describe_id = "Tujuan Kamboja";
    h.describe_en = "Destination Cambodia";
    h.evidence = {{"body", {0, 4}}};
    v.hits.push_back(h);
  }
  return v;
}

inline AdWrite MakeAdWrite(const AdCandidate& ad, const Verdict& v,
                           std::vector<std::string> regions = {}) {
  AdWrite w;
  w.ad = ad;
  w.verdict = v;
  w.regions = std::move(regions);
  return w;
}

// Text that differs per `n` and is long enough to be linked as a repost.
inline std::string AdText(uint64_t n) {
  return "Dicari operator komputer untuk bekerja di Kamboja, gaji 15 juta, tiket dibayar. Kode " +
         std::to_string(n) + ". Hubungi WA segera.";
}

// A page body of about `bytes` bytes of HTML-like text that differs per `n`.
inline std::string PageBody(uint64_t n, size_t bytes) {
  static const char* kWords[] = {"lowongan", "kerja",  "gaji",   "kamboja", "operator", "admin",
                                 "visa",     "tiket",  "gratis", "hubungi", "segera",   "batam",
                                 "<div>",    "</div>", "<p>",    "</p>",    "class=",   "span"};
  std::string out = "<html><head><title>Page " + std::to_string(n) + "</title></head><body>";
  uint64_t x = n * 6364136223846793005ULL + 1442695040888963407ULL;
  while (out.size() < bytes) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out += kWords[x % (sizeof(kWords) / sizeof(kWords[0]))];
    out += (x >> 20) % 7 == 0 ? '\n' : ' ';
    if ((x >> 30) % 11 == 0) out += std::to_string(x % 100000);
  }
  out += "</body></html>";
  return out;
}

// The deterministic page number `n` of the crash test and the benchmark: 1 to 3 ads, the
// second ad of every page shares a phone with page n-1's, every fifth page reposts the text of
// page n-5's first ad under a new URL.
inline PageWrite GeneratedPage(uint64_t n, int64_t at_ms, size_t body_bytes = 2000) {
  PageWrite w;
  w.page =
      MakeFetch("https://jobs.example/page/" + std::to_string(n), PageBody(n, body_bytes), at_ms);
  w.crawler_version = "test-crawler/1";
  const int ads = 1 + static_cast<int>(n % 3);
  for (int i = 0; i < ads; ++i) {
    const uint64_t text_n = (i == 0 && n % 5 == 0 && n >= 5) ? (n - 5) * 10 : n * 10 + i;
    AdCandidate ad = MakeAd("https://jobs.example/page/" + std::to_string(n), AdText(text_n),
                            "post-" + std::to_string(i));
    const int score = static_cast<int>((n * 37 + static_cast<uint64_t>(i) * 11) % 101);
    const Level level = score >= 65   ? Level::kHigh
                        : score >= 40 ? Level::kMedium
                        : score >= 20 ? Level::kLow
                                      : Level::kNone;
    std::vector<Contact> contacts = {Phone("+62812" + std::to_string(1000000 + n * 3 + i))};
    if (i == 1) contacts.push_back(Phone("+62813" + std::to_string(1000000 + n / 2)));
    contacts.push_back(Telegram("rekrut_" + std::to_string(n % 50)));
    w.ads.push_back(MakeAdWrite(ad, MakeVerdict(score, level, contacts),
                                {n % 2 == 0 ? "id.jatim" : "id.kepri"}));
  }
  return w;
}

}  // namespace adwatch::storage::testing

#endif  // ADWATCH_TESTS_STORAGE_TEST_UTIL_H_
