// Store::Rep: the RocksDB handles and shared helpers of store.cc and store_ops.cc. Private to
// storage/.
#ifndef ADWATCH_STORAGE_SRC_STORE_REP_H_
#define ADWATCH_STORAGE_SRC_STORE_REP_H_

#include <rocksdb/db.h>
#include <rocksdb/env.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "adwatch/common/time.h"
#include "adwatch/storage/store.h"
#include "codec.h"
#include "schema.h"

namespace adwatch::storage {

// Index entries of one ad: (column family, key) → value.
using IndexSet = std::map<std::pair<int, std::string>, std::string>;

// Everything the write path knows about one ad while building a batch.
struct AdState {
  bool exists = false;  // stored before this batch
  AdRecord rec;         // rec.verdict is the current verdict; no reviews
  std::string text_key;
  uint32_t rev = 0;    // current verdict revision, 0 when none
  IndexSet old_index;  // entries as stored before this batch
  std::vector<VerdictRevision> new_revs;
};

// Holds a snapshot for consistent multi-key reads. A secondary (read-only) instance supports
// none, but it does not change while open, so plain reads are consistent there too.
class SnapshotRead {
 public:
  SnapshotRead(rocksdb::DB* db, bool read_only)
      : db_(db), snap_(read_only ? nullptr : db->GetSnapshot()) {
    ro.snapshot = snap_;
  }
  ~SnapshotRead() {
    if (snap_ != nullptr) db_->ReleaseSnapshot(snap_);
  }
  SnapshotRead(const SnapshotRead&) = delete;
  SnapshotRead& operator=(const SnapshotRead&) = delete;
  rocksdb::ReadOptions ro;

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snap_;
};

struct Store::Rep {
  ~Rep();

  bool read_only() const { return options.access == AccessMode::kReadOnly; }
  rocksdb::ColumnFamilyHandle* h(int cf) const { return cf_handles[static_cast<size_t>(cf)]; }
  // False only for a table added after the database was last opened for writing, on a
  // read-only open (schema.h, kFirstLateCf): it reads as empty.
  bool has(int cf) const { return h(cf) != nullptr; }

  // The first write or WAL sync error (see sync_error), or OK.
  Status SyncError();
  void SetWriteError(const Status& s);
  void RunSyncer();

  // Reads one value; std::nullopt when absent.
  Result<std::optional<std::string>> GetRaw(const rocksdb::ReadOptions& ro, int cf,
                                            std::string_view key) const;
  // The ad's stored form, its current verdict and index entries; std::nullopt when unknown.
  Result<std::optional<AdState>> LoadAd(const rocksdb::ReadOptions& ro,
                                        std::string_view ad_id) const;
  Result<std::optional<VerdictRevision>> LatestVerdict(const rocksdb::ReadOptions& ro,
                                                       std::string_view ad_id) const;
  // GetAd and GetAdWithoutVerdict: the stored ad with its reviews, from one snapshot, and its
  // current verdict only when `with_verdict` (a list needs none: its index entries carry it).
  Result<AdRecord> ReadAd(std::string_view ad_id, bool with_verdict) const;
  Result<std::vector<Review>> Reviews(const rocksdb::ReadOptions& ro, std::string_view ad_id) const;
  // The index entries `rec` (with its current verdict) should have.
  IndexSet IndexOf(const AdRecord& rec, const std::string& text_key) const;
  // Adds the puts and deletes that turn `before` into `after`.
  void DiffIndex(const IndexSet& before, const IndexSet& after, rocksdb::WriteBatch& batch) const;
  // Ad id of the first-stored ad with `text_key`, other than `self`, or "".
  Result<std::string> FindTextRoot(const rocksdb::ReadOptions& ro, const std::string& text_key,
                                   std::string_view self) const;
  // Creates the schema records of a new database, or checks (and migrates) those of an
  // existing one (`existed`).
  Status CheckSchema(bool existed);
  // Writes `batch` with the store's WriteOptions; `what` names it in errors.
  Status Commit(rocksdb::WriteBatch& batch, std::string_view what);

  // Watch and alert tables (store_watch.cc).
  // Passes each ad of `ads` through the observer (when one is installed) and adds the alerts
  // they raise to `batch`, skipping dedupe keys already stored or raised earlier in the batch.
  Status AddAlerts(const rocksdb::ReadOptions& ro, const std::vector<const AdRecord*>& ads,
                   rocksdb::WriteBatch& batch) const;

  // Service tables (store_service.cc).
  // Reads where the audit log ends, so that appends continue after it. Writable opens only.
  Status InitAudit();
  // Checks the tokens, submissions and audit tables for Store::Check.
  Status CheckServiceTables(const rocksdb::ReadOptions& ro, CheckReport& report,
                            const std::function<void(std::string)>& problem) const;

  StoreOptions options;
  const Clock* clock = nullptr;
  std::optional<LocalDays> days;
  std::unique_ptr<rocksdb::Env> mem_env;  // in_memory only; outlives db
  rocksdb::DB* db = nullptr;
  std::array<rocksdb::ColumnFamilyHandle*, internal::kCfCount> cf_handles{};
  std::vector<rocksdb::ColumnFamilyHandle*> extra_handles;  // tables of a newer schema
  std::string secondary_dir;  // read-only instances keep their info log here
  rocksdb::WriteOptions write_options;

  std::mutex write_mu;  // serialises read-modify-write batches

  std::shared_ptr<AdWriteObserver> observer;  // guarded by write_mu
  std::atomic<uint64_t> watch_version{0};

  // The key of the next audit entry: its time never goes below audit_last_ms and its sequence
  // only grows, so every entry sorts after the ones appended before it. Guarded by write_mu.
  int64_t audit_last_ms = 0;
  uint64_t audit_next_seq = 0;

  std::mutex sync_mu;
  std::condition_variable sync_cv;
  bool stop_syncer = false;
  // The first failed write or WAL sync. RocksDB refuses writes after one (and Debian's build
  // asserts when the WAL is synced after a failed append), so the store stops writing and
  // syncing and returns this error until it is reopened.
  Status sync_error;
  std::thread syncer;
};

// "ad_id|" + BE32(n): key of a verdict revision or review.
std::string SeqKey(std::string_view ad_id, uint32_t n);

}  // namespace adwatch::storage

#endif  // ADWATCH_STORAGE_SRC_STORE_REP_H_
