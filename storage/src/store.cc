#include "adwatch/storage/store.h"

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <rocksdb/write_buffer_manager.h>
#include <stdlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>

#include "adwatch/common/hash.h"
#include "adwatch/storage/ids.h"
#include "adwatch/storage/keys.h"
#include "rocks_status.h"
#include "store_rep.h"

namespace adwatch::storage {

using internal::Cf;
using internal::FromRocks;
using internal::kCfCount;
using internal::kCfNames;

namespace {

namespace fs = std::filesystem;

constexpr uint32_t kLastSeq = 0xffffffffu;
constexpr std::string_view kCreatedBy = "adwatch storage schema 1";

// by_day / by_region order scores descending: the key holds 100 - score.
char ScoreByte(int score) { return static_cast<char>(100 - std::clamp(score, 0, 100)); }
int ScoreFromByte(char b) { return 100 - static_cast<unsigned char>(b); }

bool StartsWith(rocksdb::Slice s, std::string_view prefix) {
  return s.size() >= prefix.size() && std::memcmp(s.data(), prefix.data(), prefix.size()) == 0;
}
std::string_view View(rocksdb::Slice s) { return {s.data(), s.size()}; }

// Equal for equal verdicts; the binary form, far cheaper to build than JSON.
std::string VerdictText(const Verdict& v) { return internal::EncodeVerdict(v); }

bool AnyImageRead(const AdCandidate& ad) {
  return std::any_of(ad.images.begin(), ad.images.end(),
                     [](const ImageRef& im) { return !im.phash.empty(); });
}

// What the image stage made of an ad's images, for telling a new reading from the stored one.
std::string ImageReadingOf(const AdCandidate& ad) {
  std::string s = ad.image_text;
  for (const ImageRef& im : ad.images) s += "\n" + im.url + " " + im.phash + " " + im.sha256_hex;
  return s;
}

// "NN|HH|": the phashes key prefix of slice NN (two digits) with value HH (two hex digits).
std::string PhashKeyPrefix(int slice, uint64_t value) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string k;
  k += static_cast<char>('0' + slice / 10);
  k += static_cast<char>('0' + slice % 10);
  k += kSep;
  k += kHex[(value >> 4) & 0xF];
  k += kHex[value & 0xF];
  k += kSep;
  return k;
}

rocksdb::DBOptions MakeDbOptions(const StoreOptions& o, rocksdb::Env* env, bool read_only,
                                 const std::shared_ptr<rocksdb::Cache>& cache) {
  const MemoryBudgetSplit m = SplitMemoryBudget(o);
  rocksdb::DBOptions d;
  d.create_if_missing = !read_only && o.create_if_missing;
  d.create_missing_column_families = !read_only;
  d.env = env;
  d.paranoid_checks = true;
  d.max_background_jobs = 2;
  // Required by secondary instances; keeps table files open. Their index and filter blocks
  // live in the block cache (MakeCfOptions), so open files do not grow memory past the budget.
  d.max_open_files = -1;
  d.keep_log_file_num = 3;
  d.max_log_file_size = 4 << 20;
  d.bytes_per_sync = 1 << 20;
  // Many tables share the WAL; tables written rarely would keep old WAL files alive.
  d.max_total_wal_size = static_cast<uint64_t>(m.max_wal_bytes);
  // All tables' write buffers share one ceiling, charged to the block cache: one budget.
  d.write_buffer_manager = std::make_shared<rocksdb::WriteBufferManager>(
      static_cast<size_t>(m.write_buffers_bytes), cache);
  return d;
}

rocksdb::ColumnFamilyOptions MakeCfOptions(int cf, const StoreOptions& o,
                                           const std::shared_ptr<rocksdb::Cache>& cache) {
  const MemoryBudgetSplit m = SplitMemoryBudget(o);
  rocksdb::ColumnFamilyOptions c;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  // Index and filter blocks are charged to the cache instead of being held per open table
  // file, where they grew with the database (max_open_files = -1 keeps every file open). Those
  // of level-0 files, read on every lookup, stay pinned while their file lives.
  t.cache_index_and_filter_blocks = true;
  t.cache_index_and_filter_blocks_with_high_priority = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  t.format_version = 5;
  const bool point_lookups = cf == Cf::kMeta || cf == Cf::kPages || cf == Cf::kBodies ||
                             cf == Cf::kAds || cf == Cf::kSeen || cf == Cf::kTokens;
  if (point_lookups) t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Bodies share blocks of 64 KiB so that ZSTD sees the boilerplate that pages of one site
  // repeat; a body larger than a block gets a block of its own.
  if (cf == Cf::kBodies) t.block_size = 64 << 10;
  c.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  c.compression = rocksdb::kZSTD;
  c.bottommost_compression = rocksdb::kZSTD;
  const int level = cf == Cf::kBodies ? o.zstd_level : 1;
  c.compression_opts.level = level;
  c.bottommost_compression_opts.level = level;
  c.bottommost_compression_opts.enabled = true;
  c.write_buffer_size = static_cast<size_t>(cf == Cf::kBodies ? m.bodies_write_buffer_bytes
                                                              : m.table_write_buffer_bytes);
  // Tables keyed by hash: a new key lands anywhere, so under levelled compaction every flush
  // overlapped the whole table and each compaction rewrote all of it, and a crawl's CPU per
  // page grew with the database. Universal compaction merges runs of similar size instead
  // (docs/storage.md, "Compaction"). RocksDB opens a levelled database this way as it is.
  // The other tables stay levelled, with level sizes set from the last level up.
  if (cf == Cf::kAds || cf == Cf::kVerdicts || cf == Cf::kPages || cf == Cf::kBodies) {
    c.compaction_style = rocksdb::kCompactionStyleUniversal;
  } else {
    c.level_compaction_dynamic_level_bytes = true;
  }
  return c;
}

Status CheckPageUrl(const FetchResult& f) {
  if (f.final_url.empty() && f.requested_url.empty()) {
    return Status::InvalidArgument("storing page", "the page has no URL");
  }
  return Status::OK();
}

}  // namespace

std::string SeqKey(std::string_view ad_id, uint32_t n) {
  std::string k(ad_id);
  k += kSep;
  k += EncodeU32(n);
  return k;
}

// ---------------------------------------------------------------------------------------------
// TableBatch

void TableBatch::Put(Table table, std::string_view key, std::string_view value) {
  ops_.push_back({table, false, std::string(key), std::string(value)});
}
void TableBatch::Delete(Table table, std::string_view key) {
  ops_.push_back({table, true, std::string(key), {}});
}

// ---------------------------------------------------------------------------------------------
// Rep

Store::Rep::~Rep() {
  {
    std::lock_guard lock(sync_mu);
    stop_syncer = true;
  }
  sync_cv.notify_all();
  if (syncer.joinable()) syncer.join();
  if (db != nullptr) {
    if (!read_only() && SyncError().ok()) {
      // Best effort: every acknowledged write is already in the WAL; this only narrows the
      // power-loss window of SyncPolicy::kInterval. There is no caller left to report to.
      (void)db->SyncWAL();
    }
    for (auto* handle : cf_handles) {
      if (handle != nullptr) (void)db->DestroyColumnFamilyHandle(handle);  // cannot fail here
    }
    for (auto* handle : extra_handles) (void)db->DestroyColumnFamilyHandle(handle);
    (void)db->Close();  // errors on close are background errors already reported to writers
    delete db;
    db = nullptr;
  }
  mem_env.reset();
  if (!secondary_dir.empty()) {
    std::error_code ec;
    fs::remove_all(secondary_dir, ec);
  }
}

Status Store::Rep::SyncError() {
  std::lock_guard lock(sync_mu);
  return sync_error;
}

void Store::Rep::SetWriteError(const Status& s) {
  std::lock_guard lock(sync_mu);
  if (sync_error.ok()) {
    sync_error = s.WithContext("an earlier write failed; reopen the store after fixing the cause");
  }
}

void Store::Rep::RunSyncer() {
  std::unique_lock lock(sync_mu);
  while (!stop_syncer) {
    sync_cv.wait_for(lock, std::chrono::milliseconds(options.sync_interval_ms));
    if (stop_syncer) break;
    lock.unlock();
    {
      // Under the write lock: a write that fails meanwhile records its error first, and the WAL
      // is never synced after a failed append.
      std::lock_guard write_lock(write_mu);
      if (SyncError().ok()) {
        rocksdb::Status s = db->SyncWAL();
        if (!s.ok()) SetWriteError(FromRocks(s, "syncing the write-ahead log"));
      }
    }
    lock.lock();
  }
}

Result<std::optional<std::string>> Store::Rep::GetRaw(const rocksdb::ReadOptions& ro, int cf,
                                                      std::string_view key) const {
  std::string value;
  rocksdb::Status s = db->Get(ro, h(cf), rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) {
    return FromRocks(s, std::string("reading ") + std::string(kCfNames[static_cast<size_t>(cf)]));
  }
  return std::optional<std::string>(std::move(value));
}

Result<std::optional<VerdictRevision>> Store::Rep::LatestVerdict(const rocksdb::ReadOptions& ro,
                                                                 std::string_view ad_id) const {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, h(Cf::kVerdicts)));
  const std::string prefix = std::string(ad_id) + kSep;
  it->SeekForPrev(SeqKey(ad_id, kLastSeq));
  if (!it->Valid()) {
    if (!it->status().ok()) return FromRocks(it->status(), "reading verdicts");
    return std::optional<VerdictRevision>();
  }
  if (!StartsWith(it->key(), prefix)) return std::optional<VerdictRevision>();
  auto v =
      internal::DecodeVerdictRevision(View(it->value()), "verdict of ad " + std::string(ad_id));
  if (!v) return v.error();
  return std::optional<VerdictRevision>(std::move(*v));
}

Result<std::vector<Review>> Store::Rep::Reviews(const rocksdb::ReadOptions& ro_in,
                                                std::string_view ad_id) const {
  const std::string prefix = std::string(ad_id) + kSep;
  const std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro = ro_in;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, h(Cf::kReviews)));
  std::vector<Review> out;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    auto r =
        internal::DecodeRecord<Review>(View(it->value()), "review of ad " + std::string(ad_id));
    if (!r) return r.error();
    out.push_back(std::move(*r));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading reviews");
  return out;
}

Result<std::optional<AdState>> Store::Rep::LoadAd(const rocksdb::ReadOptions& ro,
                                                  std::string_view ad_id) const {
  auto raw = GetRaw(ro, Cf::kAds, ad_id);
  if (!raw) return raw.error();
  if (!raw->has_value()) return std::optional<AdState>();
  auto stored = internal::DecodeAd(**raw, "ad " + std::string(ad_id));
  if (!stored) return stored.error();
  AdState st;
  st.exists = true;
  st.rec = std::move(stored->rec);
  st.text_key = std::move(stored->text_key);
  auto verdict = LatestVerdict(ro, ad_id);
  if (!verdict) return verdict.error();
  if (verdict->has_value()) {
    st.rev = (*verdict)->rev;
    st.rec.verdict = std::move((*verdict)->verdict);
  }
  st.old_index = IndexOf(st.rec, st.text_key);
  return std::optional<AdState>(std::move(st));
}

IndexSet Store::Rep::IndexOf(const AdRecord& rec, const std::string& text_key) const {
  IndexSet s;
  const std::string day = days->DayOf(rec.first_seen_ms);
  const std::string value = internal::EncodeIndexValue(
      {rec.verdict.level, rec.verdict.kind, !rec.repost_of.empty(), rec.verdict.pattern});
  std::string tail;  // "|day|score|id" shared by by_day and by_region
  tail += day;
  tail += kSep;
  tail += ScoreByte(rec.verdict.score);
  tail += kSep;
  tail += rec.ad_id;
  s[{Cf::kByDay, tail}] = value;
  for (const auto& region : std::set<std::string>(rec.regions.begin(), rec.regions.end())) {
    s[{Cf::kByRegion, region + kSep + tail}] = value;
  }
  for (const auto& c : rec.verdict.entities.contacts) {
    if (c.value.empty()) continue;
    s[{Cf::kContacts, ContactTerm(c) + kSep + rec.ad_id}] = "";
  }
  if (!text_key.empty()) {
    s[{Cf::kTexts, text_key + kSep + rec.ad_id}] = rec.repost_of.empty() ? "1" : "0";
  }
  for (const ImageRef& im : rec.ad.images) {
    const auto hash = ParseHashHex(im.phash);
    if (!hash || *hash == 0) continue;
    for (int slice = 0; slice < kImageHashSlices; ++slice) {
      s[{Cf::kPhashes, PhashKeyPrefix(slice, ImageHashSlice(*hash, slice)) + HashHex(*hash) + kSep +
                           rec.ad_id}] = "";
    }
  }
  return s;
}

void Store::Rep::DiffIndex(const IndexSet& before, const IndexSet& after,
                           rocksdb::WriteBatch& batch) const {
  for (const auto& [k, v] : before) {
    if (!after.contains(k)) (void)batch.Delete(h(k.first), k.second);  // in-memory append
  }
  for (const auto& [k, v] : after) {
    auto it = before.find(k);
    if (it == before.end() || it->second != v) (void)batch.Put(h(k.first), k.second, v);
  }
}

Result<std::string> Store::Rep::FindTextRoot(const rocksdb::ReadOptions& ro_in,
                                             const std::string& text_key,
                                             std::string_view self) const {
  const std::string prefix = text_key + kSep;
  const std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro = ro_in;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, h(Cf::kTexts)));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const std::string_view id = View(it->key()).substr(prefix.size());
    if (id != self && View(it->value()) == "1") return std::string(id);
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading texts");
  return std::string();
}

Status Store::Rep::Commit(rocksdb::WriteBatch& batch, std::string_view what) {
  ADWATCH_RETURN_IF_ERROR(SyncError());
  Status s = FromRocks(db->Write(write_options, &batch), what);
  if (s.code() == Status::Code::kIOError || s.code() == Status::Code::kCorruption) {
    SetWriteError(s);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Open

Status Store::Rep::CheckSchema(bool existed) {
  Rep& r = *this;
  rocksdb::ReadOptions ro;
  const std::string& path = r.options.path;
  auto version_raw = r.GetRaw(ro, Cf::kMeta, internal::kMetaSchemaVersion);
  if (!version_raw) return version_raw.error();
  if (!version_raw->has_value()) {
    // A database whose creation was interrupted before its first batch has empty tables and no
    // version yet: finish creating it. Anything else without a version is not ours.
    bool empty = true;
    for (int cf : {Cf::kPages, Cf::kAds, Cf::kVerdicts}) {
      std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(ro, r.h(cf)));
      it->SeekToFirst();
      if (it->Valid()) empty = false;
    }
    if (existed && !empty) {
      return Status::InvalidArgument("opening " + path,
                                     "not an adwatch database (it has no schema version)");
    }
    if (r.read_only()) {
      return Status::InvalidArgument(
          "opening " + path, "the database was never initialised; open it for writing first");
    }
    rocksdb::WriteBatch batch;
    (void)batch.Put(r.h(Cf::kMeta), internal::kMetaSchemaVersion, EncodeU32(kSchemaVersion));
    (void)batch.Put(r.h(Cf::kMeta), internal::kMetaTimezone, r.options.timezone);
    (void)batch.Put(r.h(Cf::kMeta), internal::kMetaCreatedAt,
                    EncodeU64(static_cast<uint64_t>(r.clock->NowMs())));
    (void)batch.Put(r.h(Cf::kMeta), internal::kMetaCreatedBy, kCreatedBy);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    return FromRocks(r.db->Write(wo, &batch), "initialising " + path);
  }
  const auto version = DecodeU32(**version_raw);
  if (!version) return Status::Corruption("opening " + path, "unreadable schema version");
  if (*version > kSchemaVersion) {
    return Status::InvalidArgument(
        "opening " + path, "the database has schema version " + std::to_string(*version) +
                               ", newer than this adwatch understands (" +
                               std::to_string(kSchemaVersion) +
                               "); upgrade adwatch, or restore a backup made with this version");
  }
  for (uint32_t v = *version; v < kSchemaVersion; ++v) {
    const auto& migrations = internal::Migrations();
    auto m = std::find_if(migrations.begin(), migrations.end(),
                          [v](const internal::Migration& x) { return x.from == v; });
    if (m == migrations.end()) {
      return Status::InvalidArgument(
          "opening " + path, "the database has schema version " + std::to_string(*version) +
                                 " and this adwatch has no migration from version " +
                                 std::to_string(v) + " to " + std::to_string(kSchemaVersion) +
                                 "; open it with the adwatch release that wrote it and export "
                                 "the data");
    }
    if (r.read_only()) {
      return Status::InvalidArgument(
          "opening " + path, "the database has schema version " + std::to_string(*version) +
                                 " and needs migrating to " + std::to_string(kSchemaVersion) +
                                 ": run a command that writes (e.g. `adwatch prune`) first");
    }
    ADWATCH_RETURN_IF_ERROR(m->run(*r.db, r.cf_handles)
                                .WithContext("migrating " + path + " from schema version " +
                                             std::to_string(v) + " (" + std::string(m->what) +
                                             ")"));
  }
  auto tz = r.GetRaw(ro, Cf::kMeta, internal::kMetaTimezone);
  if (!tz) return tz.error();
  if (tz->has_value() && **tz != r.options.timezone) {
    return Status::InvalidArgument("opening " + path,
                                   "the database counts days in time zone " + **tz +
                                       " but the configuration says " + r.options.timezone +
                                       "; set `timezone: " + **tz + "` in adwatch.yaml");
  }
  return Status::OK();
}

namespace internal {
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations;
  return kMigrations;
}
}  // namespace internal

Store::Store(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
Store::~Store() = default;

const StoreOptions& Store::options() const { return rep_->options; }
std::string Store::DayOf(int64_t unix_ms) const { return rep_->days->DayOf(unix_ms); }

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options, const Clock& clock) {
  ADWATCH_RETURN_IF_ERROR(Validate(options));
  auto days = LocalDays::Create(options.timezone);
  if (!days) return days.error();
  auto rep = std::make_unique<Rep>();
  rep->options = options;
  rep->clock = &clock;
  rep->days.emplace(std::move(*days));
  const bool read_only = options.access == AccessMode::kReadOnly;
  const std::string& path = options.path;
  const std::string context = "opening " + path;

  rocksdb::Env* env = rocksdb::Env::Default();
  bool existed = false;
  if (options.in_memory) {
    if (read_only)
      return Status::InvalidArgument(context, "an in-memory store cannot be read-only");
    rep->mem_env.reset(rocksdb::NewMemEnv(env));
    env = rep->mem_env.get();
  } else {
    std::error_code ec;
    existed = fs::exists(fs::path(path) / "CURRENT", ec);
    if (!existed) {
      if (read_only || !options.create_if_missing) {
        return Status::NotFound(context, "no adwatch database there");
      }
      if (fs::exists(path, ec) && (!fs::is_directory(path, ec) || !fs::is_empty(path, ec))) {
        return Status::InvalidArgument(
            context,
            "the folder exists, is not empty and is not a database; choose a new or "
            "empty folder");
      }
      fs::create_directories(path, ec);
      if (ec) return Status::IOError(context, ec.message());
    }
  }

  // The one block cache, sized from the one budget (options.h, SplitMemoryBudget).
  const std::shared_ptr<rocksdb::Cache> cache =
      rocksdb::NewLRUCache(static_cast<size_t>(SplitMemoryBudget(options).block_cache_bytes));
  const rocksdb::DBOptions db_options = MakeDbOptions(options, env, read_only, cache);
  std::vector<std::string> existing;
  if (existed) {
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(db_options, path, &existing);
    if (!s.ok()) return FromRocks(s, context);
    if (std::find(existing.begin(), existing.end(), "meta") == existing.end()) {
      return Status::InvalidArgument(context,
                                     "a RocksDB database, but not an adwatch one (no meta table)");
    }
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  std::vector<int> cf_of_descriptor;  // the Cf each descriptor opens, -1 for a newer schema's
  for (int i = 0; i < kCfCount; ++i) {
    const std::string name(kCfNames[static_cast<size_t>(i)]);
    if (read_only && std::find(existing.begin(), existing.end(), name) == existing.end()) {
      // A table added since the database was last opened for writing reads as empty.
      if (i >= internal::kFirstLateCf) continue;
      return Status::InvalidArgument(context, "table " + name +
                                                  " is missing; open the database for writing "
                                                  "once to upgrade it");
    }
    descriptors.emplace_back(name, MakeCfOptions(i, options, cache));
    cf_of_descriptor.push_back(i);
  }
  if (!read_only) {
    // A newer schema's extra tables must be opened too (RocksDB refuses otherwise); the
    // version check below then refuses the database with a clear message.
    for (const auto& name : existing) {
      if (std::find(kCfNames.begin(), kCfNames.end(), name) == kCfNames.end()) {
        descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
        cf_of_descriptor.push_back(-1);
      }
    }
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status s;
  if (read_only) {
    char tmpl[] = "/tmp/adwatch-reader-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return Status::IOError(context, "cannot create a temp folder");
    rep->secondary_dir = tmpl;
    s = rocksdb::DB::OpenAsSecondary(db_options, path, rep->secondary_dir, descriptors, &handles,
                                     &rep->db);
    if (s.ok()) s = rep->db->TryCatchUpWithPrimary();
  } else {
    s = rocksdb::DB::Open(db_options, path, descriptors, &handles, &rep->db);
  }
  for (size_t i = 0; i < handles.size(); ++i) {
    if (cf_of_descriptor[i] >= 0) {
      rep->cf_handles[static_cast<size_t>(cf_of_descriptor[i])] = handles[i];
    } else {
      rep->extra_handles.push_back(handles[i]);
    }
  }
  if (!s.ok()) return FromRocks(s, context);

  ADWATCH_RETURN_IF_ERROR(rep->CheckSchema(existed));
  if (!read_only) ADWATCH_RETURN_IF_ERROR(rep->InitAudit());

  rep->write_options.sync = options.sync == SyncPolicy::kEveryBatch;
  rep->write_options.disableWAL = false;
  if (!read_only && options.sync == SyncPolicy::kInterval) {
    Rep* raw = rep.get();
    rep->syncer = std::thread([raw] { raw->RunSyncer(); });
  }
  return std::unique_ptr<Store>(new Store(std::move(rep)));
}

// ---------------------------------------------------------------------------------------------
// Writes

Result<WriteResult> Store::Write(const PageWrite& w) {
  Rep& r = *rep_;
  if (r.read_only()) return Status::Unavailable("storing page", "the store is open read-only");
  if (w.page) ADWATCH_RETURN_IF_ERROR(CheckPageUrl(*w.page));
  std::vector<std::string> ids;
  ids.reserve(w.ads.size());
  for (size_t i = 0; i < w.ads.size(); ++i) {
    const AdWrite& a = w.ads[i];
    if (a.ad.url.empty() && NormalizeText(a.ad.text).empty() && NormalizeText(a.ad.title).empty() &&
        (a.ad.images.empty() || a.ad.images[0].sha256_hex.empty())) {
      return Status::InvalidArgument(
          "storing ad " + std::to_string(i),
          "the ad has no URL, title, text or read image to identify it by");
    }
    for (const auto& region : a.regions) {
      if (region.empty() || region.find(kSep) != std::string::npos) {
        return Status::InvalidArgument("storing ad " + std::to_string(i),
                                       "bad region id '" + region + "'");
      }
    }
    ids.push_back(AdIdFor(a.ad));
  }

  std::lock_guard lock(r.write_mu);
  const int64_t now = r.clock->NowMs();
  const int64_t seen = w.page && w.page->fetched_at_ms > 0 ? w.page->fetched_at_ms : now;
  rocksdb::ReadOptions ro;
  rocksdb::WriteBatch batch;
  WriteResult result;

  // The page first, so that its id is known to the ads.
  std::optional<StoredPage> page_meta;
  bool page_fresh = false;
  if (w.page) {
    const FetchResult& f = *w.page;
    const std::string sha = Sha256Hex(f.body);
    const std::string& url = f.final_url.empty() ? f.requested_url : f.final_url;
    result.page_id = PageIdFor(url, sha);
    auto raw = r.GetRaw(ro, Cf::kPages, result.page_id);
    if (!raw) return raw.error();
    if (raw->has_value()) {
      auto old = internal::DecodeRecord<StoredPage>(**raw, "page " + result.page_id);
      if (!old) return old.error();
      page_meta = std::move(*old);
    }
    if (!page_meta || page_meta->body_dropped_at_ms != 0) {
      // New evidence, or the same bytes again after retention dropped them: keep this fetch.
      StoredPage p;
      p.page_id = result.page_id;
      p.fetch = f;
      p.fetch.body.clear();
      p.body_sha256 = sha;
      p.body_bytes = static_cast<int64_t>(f.body.size());
      p.crawler_version = w.crawler_version;
      p.stored_at_ms = now;
      if (page_meta) p.ad_ids = page_meta->ad_ids;
      page_meta = std::move(p);
      page_fresh = true;
    }
  } else if (!w.attach_page_id.empty()) {
    result.page_id = w.attach_page_id;
    auto raw = r.GetRaw(ro, Cf::kPages, result.page_id);
    if (!raw) return raw.error();
    if (!raw->has_value())
      return Status::NotFound("page " + result.page_id, "no such page to add ads to");
    auto old = internal::DecodeRecord<StoredPage>(**raw, "page " + result.page_id);
    if (!old) return old.error();
    page_meta = std::move(*old);
  }

  std::map<std::string, AdState> pending;
  std::map<std::string, std::string> new_roots;  // text key → ad id, roots made in this batch
  auto root_for = [&](const std::string& key, const std::string& self) -> Result<std::string> {
    if (key.empty()) return std::string();
    if (auto it = new_roots.find(key); it != new_roots.end() && it->second != self) {
      return it->second;
    }
    return r.FindTextRoot(ro, key, self);
  };

  for (size_t i = 0; i < w.ads.size(); ++i) {
    const AdWrite& a = w.ads[i];
    const std::string& id = ids[i];
    auto it = pending.find(id);
    if (it == pending.end()) {
      auto loaded = r.LoadAd(ro, id);
      if (!loaded) return loaded.error();
      it = pending.emplace(id, loaded->has_value() ? std::move(**loaded) : AdState()).first;
    }
    AdState& st = it->second;
    AdRecord& rec = st.rec;
    AdOutcome out;
    out.ad_id = id;
    const std::string text_key =
        TextKeyOf(a.ad.text.empty() ? a.ad.title : a.ad.text, r.options.repost_min_chars);
    if (rec.ad_id.empty()) {
      rec.ad_id = id;
      rec.page_id = result.page_id;
      rec.ad = a.ad;
      rec.first_seen_ms = rec.last_seen_ms = seen;
      auto root = root_for(text_key, id);
      if (!root) return root.error();
      rec.repost_of = *root;
      st.text_key = text_key;
      if (!text_key.empty() && rec.repost_of.empty()) new_roots[text_key] = id;
      out.created = true;
    } else {
      rec.first_seen_ms = std::min(rec.first_seen_ms, seen);
      rec.last_seen_ms = std::max(rec.last_seen_ms, seen);
      if (a.ad.title != rec.ad.title || a.ad.text != rec.ad.text) {
        rec.ad = a.ad;
        if (!result.page_id.empty()) rec.page_id = result.page_id;
        if (text_key != st.text_key) {
          auto root = root_for(text_key, id);
          if (!root) return root.error();
          rec.repost_of = *root;
          st.text_key = text_key;
          if (!text_key.empty() && rec.repost_of.empty()) new_roots[text_key] = id;
        }
      } else {
        if (rec.page_id.empty()) rec.page_id = result.page_id;  // first imported, now also crawled
        // Same text, images read anew: the new reading replaces the old one, unless this time
        // nothing could be read (a fetch that failed keeps the earlier reading as evidence).
        if (AnyImageRead(a.ad) && ImageReadingOf(a.ad) != ImageReadingOf(rec.ad)) {
          rec.ad.images = a.ad.images;
          rec.ad.image_text = a.ad.image_text;
          rec.ad.image_words = a.ad.image_words;
        }
      }
    }
    rec.regions = a.regions;
    rec.region_hint = a.region_hint;
    if (st.rev == 0 || VerdictText(rec.verdict) != VerdictText(a.verdict)) {
      ++st.rev;
      rec.verdict = a.verdict;
      st.new_revs.push_back({st.rev, now, w.cause, a.verdict});
      out.verdict_changed = true;
    }
    out.repost_of = rec.repost_of;
    result.ads.push_back(std::move(out));
  }

  for (auto& [id, st] : pending) {
    (void)batch.Put(r.h(Cf::kAds), id, internal::EncodeAd(st.rec, st.text_key));
    for (const auto& rev : st.new_revs) {
      (void)batch.Put(r.h(Cf::kVerdicts), SeqKey(id, rev.rev),
                      internal::EncodeVerdictRevision(rev));
    }
    r.DiffIndex(st.old_index, r.IndexOf(st.rec, st.text_key), batch);
  }
  if (page_meta) {
    bool added = false;
    // A set, not a scan per id: an imported export's page lists up to 100,000 ads.
    std::set<std::string_view> listed(page_meta->ad_ids.begin(), page_meta->ad_ids.end());
    std::vector<std::string> fresh;
    for (const auto& id : ids) {
      if (listed.insert(id).second) fresh.push_back(id);
    }
    for (auto& id : fresh) {
      page_meta->ad_ids.push_back(std::move(id));
      added = true;
    }
    if (page_fresh || added) {
      (void)batch.Put(r.h(Cf::kPages), result.page_id, internal::EncodeRecord(*page_meta));
    }
    if (page_fresh) {
      (void)batch.Put(r.h(Cf::kBodies), result.page_id, w.page->body);
      const int64_t t = w.page->fetched_at_ms > 0 ? w.page->fetched_at_ms : now;
      (void)batch.Put(r.h(Cf::kByFetch), EncodeU64(static_cast<uint64_t>(t)) + result.page_id, "");
    }
  }
  {
    std::vector<const AdRecord*> written;
    written.reserve(pending.size());
    for (const auto& [id, st] : pending) written.push_back(&st.rec);
    ADWATCH_RETURN_IF_ERROR(r.AddAlerts(ro, written, batch));
  }
  ADWATCH_RETURN_IF_ERROR(r.Commit(batch, result.page_id.empty()
                                              ? std::string("storing ads")
                                              : "storing page " + result.page_id));
  return result;
}

Result<int> Store::Touch(const std::vector<std::string>& ad_ids, int64_t seen_ms) {
  Rep& r = *rep_;
  if (r.read_only()) return Status::Unavailable("touching ads", "the store is open read-only");
  if (seen_ms <= 0) seen_ms = r.clock->NowMs();
  std::lock_guard lock(r.write_mu);
  rocksdb::ReadOptions ro;
  rocksdb::WriteBatch batch;
  int moved = 0;
  std::set<std::string_view> done;
  for (const std::string& id : ad_ids) {
    if (!done.insert(id).second) continue;
    // Only the ad record changes: no verdict or index entry is read or written.
    auto raw = r.GetRaw(ro, Cf::kAds, id);
    if (!raw) return raw.error();
    if (!raw->has_value()) continue;
    auto stored = internal::DecodeAd(**raw, "ad " + id);
    if (!stored) return stored.error();
    if (stored->rec.last_seen_ms >= seen_ms) continue;
    stored->rec.last_seen_ms = seen_ms;
    (void)batch.Put(r.h(Cf::kAds), id, internal::EncodeAd(stored->rec, stored->text_key));
    ++moved;
  }
  if (moved > 0) ADWATCH_RETURN_IF_ERROR(r.Commit(batch, "marking ads as seen again"));
  return moved;
}

Result<bool> Store::UpdateVerdict(std::string_view ad_id, const Verdict& verdict,
                                  const std::vector<std::string>& regions, std::string_view cause) {
  Rep& r = *rep_;
  if (r.read_only()) return Status::Unavailable("updating verdict", "the store is open read-only");
  for (const auto& region : regions) {
    if (region.empty() || region.find(kSep) != std::string::npos) {
      return Status::InvalidArgument("updating verdict", "bad region id '" + region + "'");
    }
  }
  std::lock_guard lock(r.write_mu);
  rocksdb::ReadOptions ro;
  auto loaded = r.LoadAd(ro, ad_id);
  if (!loaded) return loaded.error();
  if (!loaded->has_value()) return Status::NotFound("ad " + std::string(ad_id));
  AdState& st = **loaded;
  const bool same_verdict = st.rev > 0 && VerdictText(st.rec.verdict) == VerdictText(verdict);
  if (same_verdict && st.rec.regions == regions) return false;
  rocksdb::WriteBatch batch;
  const int64_t now = r.clock->NowMs();
  if (!same_verdict) {
    ++st.rev;
    st.rec.verdict = verdict;
    (void)batch.Put(
        r.h(Cf::kVerdicts), SeqKey(ad_id, st.rev),
        internal::EncodeVerdictRevision(VerdictRevision{st.rev, now, std::string(cause), verdict}));
  }
  st.rec.regions = regions;
  (void)batch.Put(r.h(Cf::kAds), ad_id, internal::EncodeAd(st.rec, st.text_key));
  r.DiffIndex(st.old_index, r.IndexOf(st.rec, st.text_key), batch);
  ADWATCH_RETURN_IF_ERROR(r.AddAlerts(ro, {&st.rec}, batch));
  ADWATCH_RETURN_IF_ERROR(r.Commit(batch, "updating verdict of ad " + std::string(ad_id)));
  return true;
}

Status Store::AddReview(std::string_view ad_id, const Review& review) {
  Rep& r = *rep_;
  if (r.read_only()) return Status::Unavailable("adding review", "the store is open read-only");
  if (review.reviewer.empty()) {
    return Status::InvalidArgument("adding review", "a review needs a reviewer name");
  }
  std::lock_guard lock(r.write_mu);
  rocksdb::ReadOptions ro;
  auto ad = r.GetRaw(ro, Cf::kAds, ad_id);
  if (!ad) return ad.error();
  if (!ad->has_value()) return Status::NotFound("ad " + std::string(ad_id));
  std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(ro, r.h(Cf::kReviews)));
  it->SeekForPrev(SeqKey(ad_id, kLastSeq));
  uint32_t seq = 1;
  if (it->Valid() && StartsWith(it->key(), std::string(ad_id) + kSep)) {
    seq = DecodeU32(View(it->key()).substr(ad_id.size() + 1)).value_or(0) + 1;
  } else if (!it->status().ok()) {
    return FromRocks(it->status(), "reading reviews");
  }
  Review stored = review;
  if (stored.at_ms == 0) stored.at_ms = r.clock->NowMs();
  rocksdb::WriteBatch batch;
  (void)batch.Put(r.h(Cf::kReviews), SeqKey(ad_id, seq), internal::EncodeRecord(stored));
  return r.Commit(batch, "adding review to ad " + std::string(ad_id));
}

// ---------------------------------------------------------------------------------------------
// Reads

Result<AdRecord> Store::Rep::ReadAd(std::string_view ad_id, bool with_verdict) const {
  SnapshotRead snap(db, read_only());
  auto raw = GetRaw(snap.ro, Cf::kAds, ad_id);
  if (!raw) return raw.error();
  if (!raw->has_value()) return Status::NotFound("ad " + std::string(ad_id), "no such ad");
  auto stored = internal::DecodeAd(**raw, "ad " + std::string(ad_id));
  if (!stored) return stored.error();
  AdRecord rec = std::move(stored->rec);
  if (with_verdict) {
    auto verdict = LatestVerdict(snap.ro, ad_id);
    if (!verdict) return verdict.error();
    if (verdict->has_value()) rec.verdict = std::move((*verdict)->verdict);
  }
  auto reviews = Reviews(snap.ro, ad_id);
  if (!reviews) return reviews.error();
  rec.reviews = std::move(*reviews);
  return rec;
}

Result<AdRecord> Store::GetAd(std::string_view ad_id) const {
  return rep_->ReadAd(ad_id, /*with_verdict=*/true);
}

Result<AdRecord> Store::GetAdWithoutVerdict(std::string_view ad_id) const {
  return rep_->ReadAd(ad_id, /*with_verdict=*/false);
}

Result<std::string> Store::ResolveAdId(std::string_view prefix) const {
  Rep& r = *rep_;
  if (prefix.size() < 6) {
    return Status::InvalidArgument("ad id '" + std::string(prefix) + "'",
                                   "give at least 6 characters");
  }
  if (prefix.size() > kAdIdLength)
    return Status::NotFound("ad " + std::string(prefix), "no such ad");
  rocksdb::ReadOptions ro;
  std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(ro, r.h(Cf::kAds)));
  std::vector<std::string> found;
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Valid() && StartsWith(it->key(), prefix) && found.size() < 2; it->Next()) {
    found.emplace_back(View(it->key()));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading ads");
  if (found.empty()) return Status::NotFound("ad " + std::string(prefix), "no such ad");
  if (found.size() > 1) {
    return Status::InvalidArgument("ad id '" + std::string(prefix) + "'",
                                   "several ads start with it; give more characters");
  }
  return found.front();
}

Result<std::vector<VerdictRevision>> Store::VerdictHistory(std::string_view ad_id) const {
  Rep& r = *rep_;
  SnapshotRead snap(r.db, r.read_only());
  auto ad = r.GetRaw(snap.ro, Cf::kAds, ad_id);
  if (!ad) return ad.error();
  if (!ad->has_value()) return Status::NotFound("ad " + std::string(ad_id), "no such ad");
  const std::string prefix = std::string(ad_id) + kSep;
  const std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  snap.ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(snap.ro, r.h(Cf::kVerdicts)));
  std::vector<VerdictRevision> out;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    auto v =
        internal::DecodeVerdictRevision(View(it->value()), "verdict of ad " + std::string(ad_id));
    if (!v) return v.error();
    out.push_back(std::move(*v));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading verdicts");
  return out;
}

Result<StoredPage> Store::GetPage(std::string_view page_id, bool with_body) const {
  Rep& r = *rep_;
  SnapshotRead snap(r.db, r.read_only());
  auto raw = r.GetRaw(snap.ro, Cf::kPages, page_id);
  if (!raw) return raw.error();
  if (!raw->has_value()) return Status::NotFound("page " + std::string(page_id), "no such page");
  auto page = internal::DecodeRecord<StoredPage>(**raw, "page " + std::string(page_id));
  if (!page) return page.error();
  if (with_body && page->body_dropped_at_ms == 0) {
    auto body = r.GetRaw(snap.ro, Cf::kBodies, page_id);
    if (!body) return body.error();
    if (!body->has_value()) {
      return Status::Corruption("page " + std::string(page_id), "its body is missing");
    }
    if (Sha256Hex(**body) != page->body_sha256) {
      return Status::Corruption("page " + std::string(page_id),
                                "the stored body no longer matches its SHA-256");
    }
    page->fetch.body = std::move(**body);
  }
  return std::move(*page);
}

namespace {

// Calls `fn(tail, value)` for each index entry of the review queue that `q` selects, in key order
// (day, then score descending, then ad id); `fn` returns false to stop. `tail` is the key after
// the region prefix: "day|s|ad_id".
template <typename Fn>
Status ForEachQueueEntry(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* by_day,
                         rocksdb::ColumnFamilyHandle* by_region, const QueueQuery& q, Fn&& fn) {
  const std::string& from = q.from_day;
  const std::string to = q.to_day.empty() ? q.from_day : q.to_day;
  if (!LocalDays::IsValidDay(from) || !LocalDays::IsValidDay(to)) {
    return Status::InvalidArgument("review queue", "days must be YYYY-MM-DD dates");
  }
  if (to < from) return Status::InvalidArgument("review queue", "to_day is before from_day");
  if (q.region.find(kSep) != std::string::npos) {
    return Status::InvalidArgument("review queue", "bad region id");
  }
  const std::string prefix = q.region.empty() ? std::string() : q.region + kSep;
  const std::string lower = prefix + from + kSep;
  const std::string upper = PrefixSuccessor(prefix + to + kSep);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, q.region.empty() ? by_day : by_region));
  constexpr size_t kTail = 10 + 1 + 1 + 1 + kAdIdLength;  // day|s|id
  for (it->Seek(lower); it->Valid(); it->Next()) {
    const std::string_view key = View(it->key());
    if (key.size() != prefix.size() + kTail) {
      return Status::Corruption("review queue", "malformed index key");
    }
    const auto value = internal::DecodeIndexValue(View(it->value()));
    if (!value) return Status::Corruption("review queue", "malformed index value");
    if (value->level < q.min_level) continue;
    if (value->repost && !q.include_reposts) continue;
    if (q.pattern && value->pattern != *q.pattern) continue;
    if (!fn(key.substr(prefix.size()), *value)) break;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the review queue");
  return Status::OK();
}

}  // namespace

Result<std::vector<QueueEntry>> Store::Queue(const QueueQuery& q) const {
  Rep& r = *rep_;
  const bool one_day = q.to_day.empty() || q.to_day == q.from_day;
  std::vector<QueueEntry> out;
  Status s = ForEachQueueEntry(
      r.db, r.h(Cf::kByDay), r.h(Cf::kByRegion), q, [&](std::string_view tail, const auto& value) {
        out.push_back({std::string(tail.substr(13)), std::string(tail.substr(0, 10)),
                       ScoreFromByte(tail[11]), value.level, value.kind, value.repost,
                       value.pattern});
        return !(one_day && q.limit > 0 && out.size() >= q.limit);
      });
  if (!s.ok()) return s;
  if (!one_day) {
    std::stable_sort(out.begin(), out.end(), [](const QueueEntry& a, const QueueEntry& b) {
      if (a.score != b.score) return a.score > b.score;
      return a.day > b.day;
    });
    if (q.limit > 0 && out.size() > q.limit) out.resize(q.limit);
  }
  return out;
}

Result<size_t> Store::QueueCount(const QueueQuery& q) const {
  Rep& r = *rep_;
  size_t n = 0;
  Status s = ForEachQueueEntry(r.db, r.h(Cf::kByDay), r.h(Cf::kByRegion), q,
                               [&](std::string_view, const auto&) {
                                 ++n;
                                 return true;
                               });
  if (!s.ok()) return s;
  return n;
}

Result<std::string> Store::PutImage(const StoredImage& image) {
  Rep& r = *rep_;
  if (r.read_only()) return Status::Unavailable("storing image", "the store is open read-only");
  if (image.body.empty()) return Status::InvalidArgument("storing image", "no bytes");
  StoredImage meta = image;
  meta.body.clear();
  meta.sha256_hex = Sha256Hex(image.body);
  meta.bytes = static_cast<int64_t>(image.body.size());
  if (meta.fetched_at_ms == 0) meta.fetched_at_ms = r.clock->NowMs();
  std::lock_guard lock(r.write_mu);
  rocksdb::ReadOptions ro;
  auto existing = r.GetRaw(ro, Cf::kImages, meta.sha256_hex);
  if (!existing) return existing.error();
  if (existing->has_value()) return meta.sha256_hex;  // the first fetch stays the evidence
  rocksdb::WriteBatch batch;
  (void)batch.Put(r.h(Cf::kImageBodies), meta.sha256_hex, image.body);  // in-memory append
  (void)batch.Put(r.h(Cf::kImages), meta.sha256_hex, internal::EncodeRecord(meta));
  ADWATCH_RETURN_IF_ERROR(r.Commit(batch, "storing image " + meta.sha256_hex));
  return meta.sha256_hex;
}

Result<StoredImage> Store::GetImage(std::string_view sha256_hex, bool with_body) const {
  Rep& r = *rep_;
  const std::string what = "image " + std::string(sha256_hex);
  if (!r.has(Cf::kImages)) return Status::NotFound(what, "no such image");
  SnapshotRead snap(r.db, r.read_only());
  auto raw = r.GetRaw(snap.ro, Cf::kImages, sha256_hex);
  if (!raw) return raw.error();
  if (!raw->has_value()) return Status::NotFound(what, "no such image");
  auto image = internal::DecodeRecord<StoredImage>(**raw, what);
  if (!image) return image.error();
  if (with_body) {
    auto body = r.GetRaw(snap.ro, Cf::kImageBodies, sha256_hex);
    if (!body) return body.error();
    if (!body->has_value()) return Status::Corruption(what, "its bytes are missing");
    if (Sha256Hex(**body) != image->sha256_hex) {
      return Status::Corruption(what, "the stored bytes no longer match their SHA-256");
    }
    image->body = std::move(**body);
  }
  return std::move(*image);
}

Result<std::vector<std::string>> Store::AdsWithSimilarImage(uint64_t hash, int max_distance) const {
  Rep& r = *rep_;
  std::vector<std::string> out;
  if (hash == 0 || max_distance < 0 || !r.has(Cf::kPhashes)) return out;
  max_distance = std::min(max_distance, kSameImageMaxDistance);
  std::set<std::string> ids;
  for (int slice = 0; slice < kImageHashSlices; ++slice) {
    const std::string prefix = PhashKeyPrefix(slice, ImageHashSlice(hash, slice));
    const std::string upper = PrefixSuccessor(prefix);
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(ro, r.h(Cf::kPhashes)));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      const std::string_view rest = View(it->key()).substr(prefix.size());  // phash | ad_id
      const auto other = ParseHashHex(rest.substr(0, 16));
      if (!other || rest.size() <= 17 || HammingDistance(hash, *other) > max_distance) continue;
      ids.emplace(rest.substr(17));
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading image hashes");
  }
  out.assign(ids.begin(), ids.end());
  return out;
}

Result<std::vector<std::string>> Store::AdsWithContact(std::string_view term) const {
  Rep& r = *rep_;
  const std::string prefix = std::string(term) + kSep;
  const std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(ro, r.h(Cf::kContacts)));
  std::vector<std::string> out;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    out.emplace_back(View(it->key()).substr(prefix.size()));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading contacts");
  return out;
}

Result<std::vector<std::string>> Store::SameText(std::string_view ad_id) const {
  Rep& r = *rep_;
  rocksdb::ReadOptions ro;
  auto raw = r.GetRaw(ro, Cf::kAds, ad_id);
  if (!raw) return raw.error();
  if (!raw->has_value()) return Status::NotFound("ad " + std::string(ad_id), "no such ad");
  auto stored = internal::DecodeAd(**raw, "ad " + std::string(ad_id));
  if (!stored) return stored.error();
  std::vector<std::string> out;
  if (stored->text_key.empty()) return out;
  const std::string prefix = stored->text_key + kSep;
  const std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(ro, r.h(Cf::kTexts)));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    out.emplace_back(View(it->key()).substr(prefix.size()));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading texts");
  return out;
}

Status Store::ForEachAd(std::string_view from_day, std::string_view to_day,
                        const std::function<bool(const AdRecord&)>& fn, bool with_reviews) const {
  Rep& r = *rep_;
  SnapshotRead snap(r.db, r.read_only());
  auto visit = [&](std::string_view id, bool* go_on) -> Status {
    auto st = r.LoadAd(snap.ro, id);
    if (!st) return st.error();
    if (!st->has_value())
      return Status::Corruption("index", "entry for missing ad " + std::string(id));
    if (with_reviews) {
      auto reviews = r.Reviews(snap.ro, id);
      if (!reviews) return reviews.error();
      (*st)->rec.reviews = std::move(*reviews);
    }
    *go_on = fn((*st)->rec);
    return Status::OK();
  };
  if (from_day.empty() && to_day.empty()) {
    std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(snap.ro, r.h(Cf::kAds)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      bool go_on = true;
      ADWATCH_RETURN_IF_ERROR(visit(View(it->key()), &go_on));
      if (!go_on) return Status::OK();
    }
    return FromRocks(it->status(), "reading ads");
  }
  const std::string from = from_day.empty() ? "0000-01-01" : std::string(from_day);
  const std::string to = to_day.empty() ? "9999-12-31" : std::string(to_day);
  if (!LocalDays::IsValidDay(from) || !LocalDays::IsValidDay(to)) {
    return Status::InvalidArgument("scanning ads", "days must be YYYY-MM-DD dates");
  }
  const std::string upper = PrefixSuccessor(to + kSep);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro = snap.ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(ro, r.h(Cf::kByDay)));
  for (it->Seek(from + kSep); it->Valid(); it->Next()) {
    const std::string_view key = View(it->key());
    if (key.size() < kAdIdLength) return Status::Corruption("by_day", "malformed key");
    bool go_on = true;
    ADWATCH_RETURN_IF_ERROR(visit(key.substr(key.size() - kAdIdLength), &go_on));
    if (!go_on) return Status::OK();
  }
  return FromRocks(it->status(), "reading by_day");
}

// ---------------------------------------------------------------------------------------------
// Tables other modules own

namespace {
int CfOf(Table t) {
  switch (t) {
    case Table::kFrontier:
      return Cf::kFrontier;
    case Table::kSeen:
      return Cf::kSeen;
    case Table::kHosts:
      return Cf::kHosts;
    case Table::kNotes:
      return Cf::kNotes;
  }
  return Cf::kFrontier;
}
}  // namespace

Result<std::string> Store::Get(Table table, std::string_view key) const {
  rocksdb::ReadOptions ro;
  if (!rep_->has(CfOf(table))) return Status::NotFound(kCfNames[static_cast<size_t>(CfOf(table))]);
  auto raw = rep_->GetRaw(ro, CfOf(table), key);
  if (!raw) return raw.error();
  if (!raw->has_value()) return Status::NotFound(kCfNames[static_cast<size_t>(CfOf(table))]);
  return std::move(**raw);
}

Status Store::Apply(const TableBatch& b) {
  Rep& r = *rep_;
  if (r.read_only()) return Status::Unavailable("writing", "the store is open read-only");
  rocksdb::WriteBatch batch;
  for (const auto& op : b.ops()) {
    if (op.is_delete) {
      (void)batch.Delete(r.h(CfOf(op.table)), op.key);
    } else {
      (void)batch.Put(r.h(CfOf(op.table)), op.key, op.value);
    }
  }
  return r.Commit(batch, "writing crawler state");
}

Status Store::Scan(Table table, std::string_view prefix,
                   const std::function<bool(std::string_view, std::string_view)>& fn) const {
  return ScanFrom(table, prefix, prefix, fn);
}

Status Store::ScanFrom(Table table, std::string_view prefix, std::string_view start,
                       const std::function<bool(std::string_view, std::string_view)>& fn) const {
  Rep& r = *rep_;
  if (start < prefix) start = prefix;
  // A table added after the database was last opened for writing reads as empty.
  if (!r.has(CfOf(table))) return Status::OK();
  const std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(ro, r.h(CfOf(table))));
  for (it->Seek(rocksdb::Slice(start.data(), start.size())); it->Valid(); it->Next()) {
    if (!fn(View(it->key()), View(it->value()))) return Status::OK();
  }
  return FromRocks(it->status(), std::string("scanning ") +
                                     std::string(kCfNames[static_cast<size_t>(CfOf(table))]));
}

}  // namespace adwatch::storage
