// Figures of the digest and the export on a large store:
//   export_bench fill DB [--day-ads 100000] [--flagged 2000] [--history-days 29] [--history-ads
//   5000]
//       builds a store in DB (once): on the digest day 100,000 ads of which 2,000 flagged, in 24
//       regions, with recruiter numbers behind several ads each, template texts with small
//       changes, 5% reposts; on each of the 29 days before, 5,000 ads of which 2% flagged.
//   export_bench digest DB [--subscription national|kepri] [--out DIR] [--cache-mb 64]
//       times MakeDigest (read + build) and the three writers, and prints peak memory (which
//       includes RocksDB's memory, storage.memory_budget_mb; --cache-mb sets it).
//   export_bench export DB [--format csv|jsonl] [--since D] [--until D] [--min-level L]
//       streams the export to /dev/null and prints ads/s.
// Each step runs in its own process so that peak memory (getrusage ru_maxrss) is the step's own.
// bench/export/run.sh runs all three.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "adwatch/classifier/gazetteer.h"
#include "adwatch/common/clock.h"
#include "adwatch/common/time.h"
#include "adwatch/export/digest.h"
#include "adwatch/export/export.h"
#include "adwatch/export/writers.h"
#include "adwatch/storage/store.h"

namespace {

using namespace adwatch;  // NOLINT: a benchmark program

constexpr char kDay[] = "2026-11-22";

class ManualClock final : public Clock {
 public:
  int64_t NowMs() const override { return now; }
  int64_t now = 0;
};

class Rng {
 public:
  explicit Rng(uint64_t seed) : x_(seed * 0x9E3779B97F4A7C15ULL + 1) {}
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

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

double PeakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

double CurrentRssMiB() {
  std::ifstream f("/proc/self/statm");
  long pages = 0, resident = 0;
  f >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1 << 20);
}

std::string Arg(int argc, char** argv, const char* name, const char* fallback) {
  for (int i = 3; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return fallback;
}

const char* const kRegions[] = {"id.kepri.batam",
                                "id.kepri.tanjungpinang",
                                "id.kepri.karimun",
                                "id.kalbar.entikong",
                                "id.ntt.kupang",
                                "id.jatim.malang",
                                "id.jatim.surabaya",
                                "id.jabar.bandung",
                                "id.sumut.medan",
                                "id.sulsel.makassar",
                                "id.ntb.mataram",
                                "id.lampung",
                                "id.jateng",
                                "id.bali",
                                "id.dki",
                                "id.riau.dumai",
                                "id.kaltara",
                                "id.sulut",
                                "id.banten",
                                "id.diy",
                                "id.sumsel.palembang",
                                "id.aceh",
                                "id.papua",
                                "id.maluku"};
const char* const kDestinations[] = {
    "kh", "kh.sihanoukville", "kh.phnompenh", "mm.myawaddy", "la.goldentriangle", "th", "my"};
const char* const kJobs[] = {"admin",
                             "customer service",
                             "operator komputer",
                             "data entry",
                             "marketing online",
                             "telemarketing",
                             "staf gudang",
                             "kasir",
                             "pelayan restoran",
                             "sopir"};
const char* const kFiller[] = {"lowongan", "kerja",   "segera", "dibutuhkan", "syarat", "usia",
                               "tahun",    "lulusan", "sma",    "smk",        "bisa",   "mengetik",
                               "jujur",    "rajin",   "shift",  "malam",      "bonus",  "target",
                               "kontrak",  "mess",    "makan",  "gratis",     "proses", "cepat"};

struct Spec {
  std::string text;
  std::string title;
  int score = 0;
  Level level = Level::kNone;
  std::vector<Contact> contacts;
  std::vector<std::string> places;
};

Contact Phone(const std::string& e164, ContactKind kind) {
  Contact c;
  c.kind = kind;
  c.value = e164;
  c.field = "body";
  c.region = "ID";
  return c;
}

// One synthetic ad: flagged ads come from 300 recruiter numbers in 60 syndicates with one
// template each (a few numbers behind many ads); unflagged ones are ordinary job ads with their
// own number.
Spec MakeSpec(uint64_t n, bool flagged, Rng& r, const classifier::Gazetteer& g) {
  Spec s;
  const std::string job = kJobs[r.Below(std::size(kJobs))];
  const std::string region = kRegions[r.Below(std::size(kRegions))];
  const classifier::PlaceInfo* place = g.Find(region);
  const std::string region_name = place != nullptr ? place->name : region;
  // Recruiter k is picked about 1/(k+1) as often as recruiter 0 (a few numbers behind many ads)
  // and writes the template of its syndicate (k % 60), as syndicates reuse their own wording.
  const uint64_t recruiter =
      static_cast<uint64_t>(300.0 * (static_cast<double>(r.Below(1000)) / 1000.0) *
                            (static_cast<double>(r.Below(1000)) / 1000.0));
  const uint64_t t = recruiter % 60;
  // Flagged ads share their template's wording; ordinary ads vary freely.
  Rng words_rng = flagged ? Rng(1000 + t) : Rng(r.Next());
  std::string filler;
  const size_t words = 12 + words_rng.Below(30);
  for (size_t i = 0; i < words; ++i)
    filler += std::string(kFiller[words_rng.Below(std::size(kFiller))]) + " ";
  if (flagged) {
    const std::string dest = kDestinations[t % std::size(kDestinations)];
    const std::string number = "+62812" + std::to_string(7000000 + recruiter);
    s.title =
        "Dibutuhkan " + job + " ke luar negeri, gaji " + std::to_string(10 + t % 15) + " juta";
    s.text =
        "Template " + std::to_string(t) + ": dibutuhkan " + job +
        " untuk perusahaan di luar negeri, gaji besar dibayar dolar, tiket dan visa ditanggung, "
        "mess dan makan gratis, berangkat minggu ini lewat " +
        region_name + ". " + filler + " Hubungi WA " + number + " sekarang.";
    s.score = 40 + static_cast<int>(r.Below(61));
    s.level = s.score >= 65 ? Level::kHigh : Level::kMedium;
    s.contacts = {Phone(number, ContactKind::kWhatsApp)};
    s.places = {dest, region};
  } else {
    const std::string number = "+62813" + std::to_string(10000000 + n);
    s.title = "Lowongan " + job;
    s.text = "Dicari " + job + " di " + region_name + ", " + filler + "kirim lamaran, hubungi " +
             number + ".";
    s.score = static_cast<int>(r.Below(20));
    s.level = Level::kNone;
    s.contacts = {Phone(number, ContactKind::kPhone)};
    s.places = {region};
  }
  return s;
}

storage::AdWrite ToWrite(const Spec& s, uint64_t n, const classifier::Gazetteer& g) {
  storage::AdWrite w;
  w.ad.source = "site-" + std::to_string(n % 40);
  w.ad.url = "https://site-" + std::to_string(n % 40) + ".example/lowongan/" + std::to_string(n);
  w.ad.title = s.title;
  w.ad.text = s.text;
  w.ad.lang = "id";
  Verdict& v = w.verdict;
  v.score = s.score;
  v.level = s.level;
  v.kind = DocKind::kRecruitmentAd;
  v.ruleset_version = "bench";
  v.entities.contacts = s.contacts;
  for (const std::string& id : s.places) {
    const classifier::PlaceInfo* p = g.Find(id);
    if (p == nullptr) continue;
    PlaceMention m;
    m.id = p->id;
    m.name = p->name;
    m.kind = p->kind;
    m.country =
        p->kind == PlaceKind::kProvince || p->kind == PlaceKind::kRegency ? "ID" : p->country;
    m.province = p->province;
    m.transit = p->transit;
    m.field = "body";
    v.entities.places.push_back(m);
  }
  if (s.level != Level::kNone) {
    auto hit = [&](const char* id, const char* cat, double weight, const std::string& word,
                   const char* d_id) {
      const size_t at = s.text.find(word);
      if (at == std::string::npos) return;
      Hit h;
      h.rule_id = id;
      h.category = cat;
      h.weight = h.rule_weight = weight;
      h.describe_id = d_id;
      h.describe_en = d_id;
      h.evidence.push_back(
          {"body", {static_cast<uint32_t>(at), static_cast<uint32_t>(at + word.size())}});
      v.hits.push_back(h);
    };
    hit("COST", "COST_COVERED", 10, "tiket dan visa ditanggung", "Tiket dan visa ditanggung");
    hit("SAL", "SAL_UNREALISTIC", 16, "gaji besar dibayar dolar", "Gaji tidak wajar");
    hit("ABROAD", "ROUTE_IRREGULAR", 8, "luar negeri", "Kerja ke luar negeri");
    hit("MESS", "COST_COVERED", 4, "mess dan makan gratis", "Mess dan makan gratis");
    hit("WA", "CONTACT_PRIVATE_CHANNEL", 6, "Hubungi WA", "Kontak lewat WhatsApp");
  }
  w.regions = classifier::RegionIds(v.entities, g, "");
  return w;
}

storage::StoreOptions Options(const std::string& path) {
  storage::StoreOptions o;
  o.path = path;
  o.sync = storage::SyncPolicy::kInterval;
  o.retention_days = 0;
  return o;
}

std::shared_ptr<const classifier::Gazetteer> LoadGazetteer() {
  auto g = classifier::Gazetteer::Load(std::string(ADWATCH_SOURCE_DIR) + "/rules/gazetteer");
  if (!g) {
    std::fprintf(stderr, "export_bench: %s\n", g.error().ToString().c_str());
    std::exit(1);
  }
  return *g;
}

int Fill(const std::string& db, int argc, char** argv) {
  if (std::filesystem::exists(db + "/CURRENT")) {
    std::printf("export_bench fill: %s exists; remove it to build it again\n", db.c_str());
    return 0;
  }
  const uint64_t day_ads = std::stoull(Arg(argc, argv, "--day-ads", "100000"));
  const uint64_t flagged = std::stoull(Arg(argc, argv, "--flagged", "2000"));
  const int history_days = std::stoi(Arg(argc, argv, "--history-days", "29"));
  const uint64_t history_ads = std::stoull(Arg(argc, argv, "--history-ads", "5000"));
  const auto g = LoadGazetteer();
  auto days = LocalDays::Create("Asia/Jakarta");
  ManualClock clock;
  auto store = storage::Store::Open(Options(db), clock);
  if (!store) {
    std::fprintf(stderr, "export_bench: %s\n", store.error().ToString().c_str());
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  uint64_t n = 0, total = 0;
  Rng r(42);
  for (int back = history_days; back >= 0; --back) {
    const std::string day = LocalDays::AddDays(kDay, -back);
    const int64_t day_start = *days->StartOf(day);
    const uint64_t ads = back == 0 ? day_ads : history_ads;
    const uint64_t flag = back == 0 ? flagged : history_ads / 50;
    storage::PageWrite batch;
    batch.cause = "import";
    std::vector<Spec> recent;  // texts to repost
    for (uint64_t i = 0; i < ads; ++i, ++n) {
      // Flagged ads are spread evenly over the day's ads.
      const bool is_flagged = flag > 0 && (i * flag) / ads != ((i + 1) * flag) / ads;
      Spec s = MakeSpec(n, is_flagged, r, *g);
      if (!is_flagged && !recent.empty() && r.Below(20) == 0)
        s = recent[r.Below(recent.size())];  // 5% reposts
      if (!is_flagged && recent.size() < 1000) recent.push_back(s);
      batch.ads.push_back(ToWrite(s, n, *g));
      clock.now = day_start + static_cast<int64_t>(i * (86'000'000 / std::max<uint64_t>(ads, 1)));
      if (batch.ads.size() == 500 || i + 1 == ads) {
        auto w = (*store)->Write(batch);
        if (!w) {
          std::fprintf(stderr, "export_bench: %s\n", w.error().ToString().c_str());
          return 1;
        }
        total += batch.ads.size();
        batch.ads.clear();
      }
    }
  }
  if (Status s = (*store)->Flush(); !s.ok())
    std::fprintf(stderr, "export_bench: %s\n", s.ToString().c_str());
  if (Status s = (*store)->CompactAll(); !s.ok())
    std::fprintf(stderr, "export_bench: %s\n", s.ToString().c_str());
  std::printf("export_bench fill: %llu ads (%llu on %s, %llu flagged there) in %.1f s\n",
              static_cast<unsigned long long>(total), static_cast<unsigned long long>(day_ads),
              kDay, static_cast<unsigned long long>(flagged), Seconds(start));
  return 0;
}

int Digest(const std::string& db, int argc, char** argv) {
  const std::string which = Arg(argc, argv, "--subscription", "national");
  const std::string out = Arg(argc, argv, "--out", "/tmp/adwatch-export-bench-digest");
  const auto g = LoadGazetteer();
  SystemClock clock;
  storage::StoreOptions o = Options(db);
  o.access = storage::AccessMode::kReadOnly;
  o.create_if_missing = false;
  o.memory_budget_bytes = std::stoll(Arg(argc, argv, "--cache-mb", "64")) << 20;
  auto store = storage::Store::Open(o, clock);
  if (!store) {
    std::fprintf(stderr, "export_bench: %s\n", store.error().ToString().c_str());
    return 1;
  }
  const double rss_open = CurrentRssMiB();
  exporter::Subscription sub;
  sub.name = which;
  if (which == "kepri") sub.regions = {"id.kepri"};
  sub.distress = !sub.regions.empty();
  const exporter::DigestContext ctx{g.get(), nullptr};
  const auto start = std::chrono::steady_clock::now();
  auto input = exporter::ReadDigestInput(**store, sub, kDay, clock.NowMs(), {});
  if (!input) {
    std::fprintf(stderr, "export_bench: %s\n", input.error().ToString().c_str());
    return 1;
  }
  const double read_s = Seconds(start);
  const auto built_at = std::chrono::steady_clock::now();
  const exporter::Digest d = exporter::BuildDigest(*input, sub, ctx, {});
  const double build_s = Seconds(built_at);
  const auto written_at = std::chrono::steady_clock::now();
  auto files = exporter::WriteDigestFiles(d, out);
  if (!files) {
    std::fprintf(stderr, "export_bench: %s\n", files.error().ToString().c_str());
    return 1;
  }
  const double write_s = Seconds(written_at);
  size_t network_ads = 0;
  for (const auto& n : d.networks) network_ads += n.ad_ids.size();
  std::printf(
      "export_bench digest (%s, %s): %lld ads scanned that day, %zu flagged listed, %zu linked ads "
      "read, "
      "%zu networks (%zu ads)\n"
      "  read %.2f s + build %.2f s + write %.2f s = %.2f s; peak RSS %.0f MiB (%.0f MiB after "
      "opening the store, "
      "store memory budget %lld MiB)\n"
      "  files: %s (%.1f MiB), .csv (%.1f MiB), .json (%.1f MiB)\n",
      which.c_str(), kDay, static_cast<long long>(d.today.scanned), d.rows.size(),
      input->linked.size(), d.networks.size(), network_ads, read_s, build_s, write_s,
      read_s + build_s + write_s, PeakRssMiB(), rss_open,
      static_cast<long long>(o.memory_budget_bytes >> 20), files->html.c_str(),
      static_cast<double>(std::filesystem::file_size(files->html)) / (1 << 20),
      static_cast<double>(std::filesystem::file_size(files->csv)) / (1 << 20),
      static_cast<double>(std::filesystem::file_size(files->json)) / (1 << 20));
  return 0;
}

int Export(const std::string& db, int argc, char** argv) {
  SystemClock clock;
  storage::StoreOptions o = Options(db);
  o.access = storage::AccessMode::kReadOnly;
  o.create_if_missing = false;
  auto store = storage::Store::Open(o, clock);
  if (!store) {
    std::fprintf(stderr, "export_bench: %s\n", store.error().ToString().c_str());
    return 1;
  }
  exporter::ExportQuery q;
  const std::string format = Arg(argc, argv, "--format", "csv");
  q.format = format == "jsonl" ? exporter::ExportFormat::kJsonl : exporter::ExportFormat::kCsv;
  q.since = Arg(argc, argv, "--since", "");
  q.until = Arg(argc, argv, "--until", "");
  const std::string level = Arg(argc, argv, "--min-level", "none");
  q.min_level = level == "high"     ? Level::kHigh
                : level == "medium" ? Level::kMedium
                : level == "low"    ? Level::kLow
                                    : Level::kNone;
  std::ofstream out("/dev/null", std::ios::binary);
  const auto start = std::chrono::steady_clock::now();
  auto stats = exporter::ExportAds(**store, q, out);
  const double s = Seconds(start);
  if (!stats) {
    std::fprintf(stderr, "export_bench: %s\n", stats.error().ToString().c_str());
    return 1;
  }
  std::printf(
      "export_bench export (%s, since '%s' until '%s', min level %s): %lld of %lld ads in %.2f s = "
      "%.0f ads/s scanned, %.0f ads/s written; peak RSS %.0f MiB\n",
      format.c_str(), q.since.c_str(), q.until.c_str(), level.c_str(),
      static_cast<long long>(stats->written), static_cast<long long>(stats->scanned), s,
      static_cast<double>(stats->scanned) / s, static_cast<double>(stats->written) / s,
      PeakRssMiB());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(
        stderr,
        "usage: export_bench fill|digest|export DB [options] (see the top of export_bench.cc)\n");
    return 2;
  }
  const std::string mode = argv[1], db = argv[2];
  if (mode == "fill") return Fill(db, argc, argv);
  if (mode == "digest") return Digest(db, argc, argv);
  if (mode == "export") return Export(db, argc, argv);
  std::fprintf(stderr, "export_bench: unknown mode '%s'\n", mode.c_str());
  return 2;
}
