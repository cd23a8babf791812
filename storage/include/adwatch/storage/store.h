// The store: one RocksDB database holding every fetched page as evidence, every ad with its
// verdict history and reviews, the indexes the review queue and digests read, the tables the
// crawler keeps its own state in, and the HTTP service's API tokens, organisations' submissions
// and audit log. docs/storage.md documents each table's keys and values. A Store is thread-safe:
// reads run concurrently; writes are serialised inside (each is a read-modify-write of the ads it
// touches, so writers do not share an fsync).
//
//   SystemClock clock;
//   auto store = Store::Open(options, clock);
//   if (!store) return store.error();
//   auto written = (*store)->Write(PageWrite{.page = fetch, .ads = {{ad, verdict, regions}}});
//   auto queue = (*store)->Queue({.from_day = "2026-11-22", .min_level = Level::kHigh});
#ifndef ADWATCH_STORAGE_STORE_H_
#define ADWATCH_STORAGE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/common/clock.h"
#include "adwatch/common/records.h"
#include "adwatch/common/status.h"
#include "adwatch/storage/options.h"

namespace adwatch::storage {

// The schema version this build writes. Opening a database of a newer version fails; an older
// one is migrated when a migration exists, else refused (docs/storage.md, "Schema versions").
inline constexpr uint32_t kSchemaVersion = 1;

// ---------------------------------------------------------------------------------------------
// Writing pages and ads

// One ad found on a page, with the classifier's verdict on it.
struct AdWrite {
  AdCandidate ad;
  Verdict verdict;
  // Indonesian region ids the ad is routed to (classifier::RouteRegions); no '|' inside.
  std::vector<std::string> regions;
  // The source's region hint the regions were routed with, kept so `rescore` routes alike.
  std::string region_hint;
};

// Everything one fetched page produced. Written as one RocksDB WriteBatch: the page, its ads,
// their verdicts and every index entry land together or not at all.
struct PageWrite {
  // The fetch as evidence: body bytes exactly as received, headers, URLs, status, fetch time.
  // std::nullopt for ads that come without a page (`adwatch import`, pasted text).
  std::optional<FetchResult> page;
  // Without `page`: the id of a page an earlier Write stored, which these ads are added to as if
  // found on it (a large file imported in several batches is one piece of evidence, hashed and
  // stored once). "" for none.
  std::string attach_page_id;
  // Version of the crawler that fetched the page, recorded with the evidence.
  std::string crawler_version;
  std::vector<AdWrite> ads;
  // Why these verdicts were made: "crawl", "import", "submission"; kept in the verdict history.
  std::string cause = "crawl";
};

// What happened to one ad of a PageWrite, in the order of PageWrite::ads.
struct AdOutcome {
  std::string ad_id;
  bool created = false;          // the first time this ad id was stored
  bool verdict_changed = false;  // a new verdict revision was written
  std::string repost_of;         // the ad first stored with the same text, or ""
};

struct WriteResult {
  std::string page_id;  // "" when the write had no page
  std::vector<AdOutcome> ads;
};

// ---------------------------------------------------------------------------------------------
// Reading

// A page as stored: the fetch (with `body` filled only when asked for and still kept), the body's
// SHA-256 as computed when it was stored, and which ads came from it.
struct StoredPage {
  std::string page_id;
  FetchResult fetch;
  std::string body_sha256;  // of the body as fetched, lower-case hex
  int64_t body_bytes = 0;
  std::string crawler_version;
  int64_t stored_at_ms = 0;
  std::vector<std::string> ad_ids;
  // When retention dropped the raw body (0 while it is kept). Metadata and hash stay.
  int64_t body_dropped_at_ms = 0;
};

// An ad image kept as evidence, like a page: the bytes as fetched with their SHA-256 (the key: one
// record per distinct image, whichever ads show it), where and when they were first fetched, and
// what the image stage made of them.
struct StoredImage {
  std::string sha256_hex;  // of `body`; set by PutImage
  std::string url;         // the first URL it was fetched from
  int64_t fetched_at_ms = 0;
  std::string content_type;
  int64_t bytes = 0;  // size of the body; set by PutImage
  std::string phash;  // 16 hex digits, "" when it could not be decoded
  int32_t width = 0;  // from the header
  int32_t height = 0;
  std::string problem;  // why it was refused or not read, or ""
  std::string body;     // the bytes; GetImage fills it only when asked
};

// One revision of an ad's verdict. Revisions count from 1; the highest is the current verdict.
struct VerdictRevision {
  uint32_t rev = 0;
  int64_t at_ms = 0;  // when the store wrote it
  std::string cause;  // "crawl", "import", "rescore", ...
  Verdict verdict;
};

// A selection of the review queue: ads first seen on the days [from_day, to_day] (calendar days
// in the store's time zone), highest score first.
struct QueueQuery {
  std::string from_day;  // "YYYY-MM-DD"; required
  std::string to_day;    // "YYYY-MM-DD"; "" means from_day
  Level min_level = Level::kNone;
  std::string region;  // only ads routed to this region id; "" for all
  // Reposts (ads whose text was first stored under another ad) are left out unless true: the
  // queue shows each text once, on its first ad.
  bool include_reposts = false;
  // Only ads whose current verdict names this TPPO pattern; unset for all.
  std::optional<Pattern> pattern;
  size_t limit = 0;  // at most this many entries; 0 for all
};

// One line of the queue, from the index alone (GetAd has the rest).
struct QueueEntry {
  std::string ad_id;
  std::string day;  // first seen, in the store's time zone
  int score = 0;
  Level level = Level::kNone;
  DocKind kind = DocKind::kOther;
  bool repost = false;
  Pattern pattern = Pattern::kOther;
};

// Sizes of one table, estimated by RocksDB.
struct TableStats {
  std::string name;
  uint64_t estimated_keys = 0;
  uint64_t sst_bytes = 0;       // compressed bytes in table files on disk
  uint64_t memtable_bytes = 0;  // not yet flushed
};

// What ApplyRetention did.
struct RetentionReport {
  int64_t pages_examined = 0;
  int64_t bodies_dropped = 0;
  int64_t bytes_dropped = 0;        // uncompressed body bytes
  int64_t bodies_kept_flagged = 0;  // past retention but kept as evidence of a flagged ad
};

// What Check found. `problems` names each broken invariant with the key involved.
struct CheckReport {
  int64_t pages = 0;
  int64_t bodies = 0;
  int64_t ads = 0;
  int64_t verdicts = 0;
  int64_t reviews = 0;
  int64_t index_entries = 0;
  int64_t tokens = 0;
  int64_t submissions = 0;
  int64_t audit_events = 0;
  std::vector<std::string> problems;
};

struct BackupInfo {
  uint32_t backup_id = 0;
  int64_t created_at_s = 0;
  uint64_t bytes = 0;  // size of the files of this backup (shared files counted)
  uint32_t files = 0;
};

// ---------------------------------------------------------------------------------------------
// Tables other modules own

// Tables whose keys and values belong to another module; the store only keeps the bytes. The
// crawler persists its frontier, seen-set and per-host politeness/robots state here (layouts in
// docs/storage.md). Build keys with keys.h. The web pages keep their deconfliction notes on
// contacts in kNotes (layout in web/src/notes.cc). The API's tokens, submissions and audit log
// are typed records with their own methods below, not raw tables.
enum class Table : uint8_t { kFrontier = 0, kSeen, kHosts, kNotes };

// Puts and deletes across those tables, applied atomically by Store::Apply.
class TableBatch {
 public:
  void Put(Table table, std::string_view key, std::string_view value);
  void Delete(Table table, std::string_view key);
  bool empty() const { return ops_.empty(); }
  size_t size() const { return ops_.size(); }

  struct Op {
    Table table;
    bool is_delete;
    std::string key;
    std::string value;
  };
  const std::vector<Op>& ops() const { return ops_; }

 private:
  std::vector<Op> ops_;
};

// ---------------------------------------------------------------------------------------------
// Watch lists and alerts (docs/watch.md; layouts in docs/storage.md, "Watch and alert tables")

// An alert as the store keeps it: the fields its keys are made of, and the alert itself as a JSON
// object (watch::Alert; its JSON form is defined in watch/, which depends on storage, not the
// other way round). The store wraps it in its value format like every record.
struct AlertRow {
  std::string id;  // AlertIdFor(created_ms, dedupe_key): time-ordered, unique per dedupe key
  std::string org;
  int64_t created_ms = 0;
  // One alert per key, ever: a second alert with a stored key is dropped, so a repost of the same
  // ad, a re-store or a rescore raises nothing new. "w|<ad>|<entry>" for watch matches,
  // "b|<rule>|<org>|<contact>|<window>" for bursts.
  std::string dedupe_key;
  std::string record_json;  // a JSON object
};

// One alert to one recipient, as the outbox keeps it (watch::Delivery as JSON, plus the fields
// its indexes are made of).
struct DeliveryRow {
  std::string alert_id;
  std::string recipient;
  bool pending = true;          // indexed as due at next_attempt_ms while true
  int64_t next_attempt_ms = 0;  // while pending
  int64_t sent_ms = 0;          // when it was sent, 0 otherwise
  std::string message_id;       // the message it went out in (a summary's id, or alert_id)
  std::string record_json;      // a JSON object
};

// Sees every ad a write stores and may add alerts to the same WriteBatch, so that an ad and the
// alerts it raises land together or not at all (a crash cannot keep one without the other). The
// store calls it from Write and UpdateVerdict, under its write lock, so it sees the writes one at
// a time; it may call the store's read methods (which do not see the batch being built) and must
// not write. Implemented by watch::Matcher; the store knows nothing of watch entries' meaning.
class AdWriteObserver {
 public:
  virtual ~AdWriteObserver() = default;
  // `ad` as it is about to be stored: current verdict, regions, first and last seen. Returns the
  // alerts `ad` raises; those whose dedupe key is stored already (or repeated) are dropped by the
  // store. An error aborts the write, which then stores nothing.
  virtual Result<std::vector<AlertRow>> OnAdWrite(const AdRecord& ad) = 0;
};

// ---------------------------------------------------------------------------------------------

class Store {
 public:
  // Opens (or creates) the database at options.path, checks its schema version and time zone,
  // and migrates an older schema. `clock` gives the time of writes that carry none (imports,
  // reviews, verdict revisions) and "now" for retention.
  // Returns:
  //   InvalidArgument  bad options; a database of a newer schema version; a database of an
  //                    older version no migration exists for; a different time zone; a folder
  //                    that exists, is not empty and is not an adwatch database
  //   NotFound         no database and !create_if_missing (or a read-only open)
  //   Unavailable      another process holds the database open for writing
  //   Corruption       damaged files (the message says to restore a backup)
  //   IOError          the disk failed or is full
  // REQUIRES: `clock` outlives the store.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options, const Clock& clock);

  // Stops the background sync thread, syncs the WAL and closes the database.
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // --- Pages and ads ---------------------------------------------------------------------

  // Stores a page with its ads, their verdicts and index entries in one atomic batch, durable
  // under the configured SyncPolicy when this returns OK.
  //  - The page is keyed by PageIdFor(final URL, SHA-256 of the body). A refetch with the same
  //    bytes keeps the first evidence and adds its ads to the page's list.
  //  - An ad id already stored keeps first_seen and moves last_seen (the fetch time); when its
  //    title or text changed, the new text and this page replace the old ones; when only what
  //    was read from its images changed (and something was read), the new reading replaces the
  //    old one. Each image's phash is indexed (AdsWithSimilarImage).
  //  - A new ad whose text matches an earlier ad's (TextKeyOf) is linked with repost_of.
  //  - A new verdict revision is written only when the verdict differs from the current one.
  // The time seen is page->fetched_at_ms, or the clock's now when there is no page or it is 0.
  // Returns InvalidArgument (nothing written) when an ad has no URL, title or text, a region id
  // holds '|', or the page has no URL; NotFound when attach_page_id names no stored page;
  // Unavailable on a read-only store; IOError when the write or a background WAL sync failed (disk
  // full: the message says so; the store then refuses further writes until reopened).
  Result<WriteResult> Write(const PageWrite& write);

  // Marks ads as seen again at `seen_ms` with nothing new to store (a revisit answered 304 Not
  // Modified): moves each known ad's last_seen_ms forward (0: now), in one batch. Unknown
  // ids are skipped. Returns how many ads moved. Errors as Write.
  Result<int> Touch(const std::vector<std::string>& ad_ids, int64_t seen_ms);

  // The ad with its current verdict and every review (oldest first). NotFound when unknown.
  Result<AdRecord> GetAd(std::string_view ad_id) const;

  // The ad without its verdict (AdRecord::verdict left empty): what a list needs beside its
  // index entry (QueueEntry has the score, level, kind and pattern). Reads one record and the
  // reviews, not the verdict's hits and evidence, which cost most to decode. NotFound when
  // unknown.
  Result<AdRecord> GetAdWithoutVerdict(std::string_view ad_id) const;

  // The full id of the one ad whose id starts with `prefix` (at least 6 characters), so users
  // may type short ids. NotFound when none does, InvalidArgument when several do.
  Result<std::string> ResolveAdId(std::string_view prefix) const;

  // Every verdict revision of an ad, oldest first. NotFound when the ad is unknown.
  Result<std::vector<VerdictRevision>> VerdictHistory(std::string_view ad_id) const;

  // The stored page, with fetch.body filled when `with_body` and the body is still kept.
  // NotFound when unknown; Corruption when the body no longer matches its stored SHA-256.
  Result<StoredPage> GetPage(std::string_view page_id, bool with_body) const;

  // Replaces an ad's current verdict (after `rescore`): writes a new revision with `cause` and
  // moves its by_day, by_region and contacts entries, in one batch. Returns true when something
  // changed, false when the verdict and regions equal the current ones (nothing written).
  // NotFound when the ad is unknown; errors as Write.
  Result<bool> UpdateVerdict(std::string_view ad_id, const Verdict& verdict,
                             const std::vector<std::string>& regions, std::string_view cause);

  // Appends a review. `review.at_ms` 0 means now. Reviews are never changed or deleted; the
  // latest one is the ad's current label. InvalidArgument without a reviewer, NotFound for an
  // unknown ad.
  Status AddReview(std::string_view ad_id, const Review& review);

  // --- Indexes ------------------------------------------------------------------------------

  // The review queue (by_day, or by_region when query.region is set), highest score first (ties
  // by ad id within a day). InvalidArgument for a malformed day or to_day before from_day.
  Result<std::vector<QueueEntry>> Queue(const QueueQuery& query) const;

  // How many entries Queue(query) would return without its limit, counted from the index keys
  // and values alone (no entry is built): what a paged list reports as its total.
  Result<size_t> QueueCount(const QueueQuery& query) const;

  // Stores an ad image's bytes and metadata keyed by the SHA-256 of `image.body` (computed
  // here; sha256_hex and bytes of the argument are ignored). Returns the SHA-256. Storing bytes
  // already stored keeps the first record (first URL and fetch time) and writes nothing.
  // InvalidArgument for an empty body; errors as Write.
  Result<std::string> PutImage(const StoredImage& image);

  // The stored image, with `body` filled when `with_body`. NotFound when unknown; Corruption
  // when the stored bytes no longer match their SHA-256.
  Result<StoredImage> GetImage(std::string_view sha256_hex, bool with_body) const;

  // Ids of every ad whose stored images (AdCandidate::images, their phash) include one within
  // `max_distance` bits of `hash` (at most kSameImageMaxDistance, common/hash.h; larger values
  // are taken as that), in id order, each once. A blank picture's hash (0) matches nothing.
  Result<std::vector<std::string>> AdsWithSimilarImage(uint64_t hash, int max_distance) const;

  // Ids of every ad whose current verdict lists the contact `term` (ContactTerm), in id order.
  Result<std::vector<std::string>> AdsWithContact(std::string_view term) const;

  // Ids of every ad with the same repost text key as `ad_id`, itself included, in id order.
  // Empty when the ad's text is too short to link. NotFound when the ad is unknown.
  Result<std::vector<std::string>> SameText(std::string_view ad_id) const;

  // Calls `fn` with each ad (current verdict; its reviews too when `with_reviews`) first seen on
  // [from_day, to_day], in day order; an empty bound is open; with both empty, every ad in id
  // order. Stops early when `fn` returns false. Writes made from `fn` are allowed and not seen by
  // this scan. InvalidArgument for a malformed day.
  Status ForEachAd(std::string_view from_day, std::string_view to_day,
                   const std::function<bool(const AdRecord&)>& fn, bool with_reviews = false) const;

  // The calendar day of `unix_ms` in the store's time zone, "YYYY-MM-DD".
  std::string DayOf(int64_t unix_ms) const;

  // --- Tables other modules own ---------------------------------------------------------

  // The value at `key`, or NotFound.
  Result<std::string> Get(Table table, std::string_view key) const;
  // Applies every operation of `batch` atomically, durable as Write.
  Status Apply(const TableBatch& batch);
  // Calls `fn(key, value)` for each key starting with `prefix`, in key order, until it returns
  // false. The views are valid only during the call.
  Status Scan(Table table, std::string_view prefix,
              const std::function<bool(std::string_view key, std::string_view value)>& fn) const;
  // As Scan, but from the first key at or after `start` (keys before it are not visited, so a
  // caller that remembers where it stopped does not walk again over what it deleted since).
  Status ScanFrom(
      Table table, std::string_view prefix, std::string_view start,
      const std::function<bool(std::string_view key, std::string_view value)>& fn) const;

  // --- API tokens ---------------------------------------------------------------------------
  // Tokens are looked up by the SHA-256 of their text; the text itself is never stored. Records
  // are returned whatever their expiry or revocation: the caller decides (and logs) why a token
  // no longer admits.

  // Stores a new token. `created_ms` 0 means now. Returns InvalidArgument (nothing written) when
  // the id is not 8 characters of [A-Za-z0-9_-], the hash is not 64 lower-case hex characters,
  // the org is not [a-z0-9-]{1,64}, a region id is empty or holds '|', or when a stored token
  // already has this id or this hash; Unavailable on a read-only store; IOError as Write.
  Status PutToken(const ApiToken& token);

  // The token whose text hashes to `sha256_hex`. NotFound when there is none.
  Result<ApiToken> FindToken(std::string_view sha256_hex) const;

  // The token with this id. NotFound when there is none.
  Result<ApiToken> GetTokenById(std::string_view id) const;

  // Every token, revoked and expired ones included, oldest first (by created_ms, then id).
  Result<std::vector<ApiToken>> ListTokens() const;

  // Marks the token revoked at `at_ms` (0: now). Revoking a revoked token changes nothing and
  // returns OK (the first revocation time stays). NotFound when the id is unknown; Unavailable on
  // a read-only store; IOError as Write.
  Status RevokeToken(std::string_view id, int64_t at_ms);

  // --- Submissions ----------------------------------------------------------------------------
  // A submission belongs to its organisation: every read takes the org and finds only that
  // organisation's submissions, so another organisation's id reads exactly like an unknown one.

  // Creates the submission, or replaces the one with the same org and id. `created_ms` 0 means
  // the stored submission's creation time when replacing, else now; `updated_ms` 0 means now.
  // Its listing and pending entries move with it in the same batch. Returns InvalidArgument
  // (nothing written) when the org is not [a-z0-9-]{1,64}, the id is not 16 to 128 characters of
  // [A-Za-z0-9_-], or not exactly one of url, text and image_sha256 is set; Unavailable on a
  // read-only store; IOError as Write. `image`, when not empty, is the uploaded image's bytes,
  // stored in the same batch beside the record (InvalidArgument unless their SHA-256 is
  // image_sha256); an image is given once, with the first Put, and kept through later ones.
  Status PutSubmission(const Submission& submission, std::string_view image = {});

  // The bytes of submission `id`'s uploaded image. NotFound as GetSubmission, or when it has
  // no image.
  Result<std::string> GetSubmissionImage(std::string_view org, std::string_view id) const;

  // The submission `id` of organisation `org`. NotFound when `org` has no such submission, which
  // includes every other organisation's ids and malformed ids.
  Result<Submission> GetSubmission(std::string_view org, std::string_view id) const;

  // One page of `org`'s submissions, newest first (by created_ms, then id): at most `limit`.
  // Pass "" as `cursor` for the first page, then the `*next_cursor` of the previous page.
  // `*next_cursor` is set to "" after the last page and left unchanged on failure; it may be
  // null, or the very string `cursor` views. A cursor is opaque text of URL-safe characters,
  // meaningful only for the org it came from. InvalidArgument for a malformed org or cursor,
  // or `limit` 0.
  Result<std::vector<Submission>> ListSubmissions(std::string_view org, std::string_view cursor,
                                                  size_t limit, std::string* next_cursor) const;

  // Every organisation's submissions that are queued or fetching, oldest first (by created_ms):
  // what a restarted server resumes.
  Result<std::vector<Submission>> PendingSubmissions() const;

  // How many submissions `org` has with created_ms >= since_ms (for a daily quota). Reads the
  // listing index only. InvalidArgument for a malformed org.
  Result<int64_t> CountSubmissionsSince(std::string_view org, int64_t since_ms) const;

  // --- Audit log ------------------------------------------------------------------------------
  // Append-only: no method changes or deletes an entry.

  // Appends `event` (at_ms 0 means now), durable as Write. Before storing, every text field has
  // its control characters (below 0x20, 0x7F, U+0080 to U+009F) written as \xNN, anything
  // that looks like a token ("adw_" and 20 or more base64url characters) cut to "adw_" + its 8
  // id characters + "…[redacted]", and fields over 2,048 bytes cut with "…[+N bytes]". Entries
  // are kept in append order: an entry whose at_ms is earlier than the last one's is kept under
  // the last one's time (its at_ms is stored unchanged). InvalidArgument without an action;
  // Unavailable on a read-only store; IOError as Write.
  Status AppendAudit(const AuditEvent& event);

  // Appends several events in one batch, in order (one fsync for all under SyncPolicy
  // kEveryBatch, for callers that buffer events). All or none are written; errors as above.
  Status AppendAuditBatch(const std::vector<AuditEvent>& events);

  // Calls `fn` with each entry appended at or after `since_ms` (by its place in the log: see
  // AppendAudit), oldest first, until it returns false. Entries appended during the scan may
  // or may not be seen. Corruption for an undecodable entry.
  Status ScanAudit(int64_t since_ms, const std::function<bool(const AuditEvent&)>& fn) const;

  // --- Watch entries ------------------------------------------------------------------------
  // An entry belongs to its organisation: reads that take an org find only that organisation's
  // entries, so another organisation's id reads exactly like an unknown one.

  // Installs `observer` (nullptr removes it): every later Write and UpdateVerdict passes each ad
  // it stores through it. The store keeps it until replaced or the store closes, so an observer
  // may hold a reference to the store. Waits for a write in progress to finish.
  void SetAdWriteObserver(std::shared_ptr<AdWriteObserver> observer);

  // Stores a new watch entry with its kind+value index entry. `created_ms` 0 means now.
  // InvalidArgument (nothing written) when the org is not [a-z0-9-]{1,64}, the id is not 8 to 64
  // URL-safe characters, the value is empty, or the id is taken; Unavailable on a read-only
  // store; IOError as Write.
  Status PutWatchEntry(const WatchEntry& entry);

  // The entry `id` of `org`. NotFound when `org` has no such entry.
  Result<WatchEntry> GetWatchEntry(std::string_view org, std::string_view id) const;

  // `org`'s entries ("": every organisation's), expired ones included, by org then creation.
  Result<std::vector<WatchEntry>> ListWatchEntries(std::string_view org) const;

  // Every organisation's entries of `kind` with exactly `value` (the stored form), from the
  // kind+value index.
  Result<std::vector<WatchEntry>> WatchEntriesFor(WatchKind kind, std::string_view value) const;

  // Removes `org`'s entry `id` and its index entry. Alerts it raised stay. NotFound when `org`
  // has no such entry; Unavailable on a read-only store.
  Status DeleteWatchEntry(std::string_view org, std::string_view id);

  // Grows by one with every watch entry stored or removed through this Store object: a matcher
  // holding a copy of the entries reloads when it changes.
  uint64_t watch_version() const;

  // --- Alerts and their outbox --------------------------------------------------------------

  // The alert `id`. NotFound when unknown.
  Result<AlertRow> GetAlert(std::string_view id) const;

  // `org`'s alerts created at or after `since_ms`, newest first, at most `limit` (0: all).
  // InvalidArgument for a malformed org.
  Result<std::vector<AlertRow>> ListAlerts(std::string_view org, int64_t since_ms,
                                           size_t limit) const;

  // Alerts not yet expanded into deliveries, oldest first, at most `limit`.
  Result<std::vector<AlertRow>> NewAlerts(size_t limit) const;

  // Writes `deliveries` (with their due and sent index entries) and takes `alert_id` out of the
  // new alerts, in one batch. An alert that is no longer new: nothing written, OK (a replay after
  // a crash). InvalidArgument when a delivery names another alert or no recipient.
  Status ExpandAlert(std::string_view alert_id, const std::vector<DeliveryRow>& deliveries);

  // Pending deliveries with next_attempt_ms <= now_ms, oldest alert first, at most `limit`.
  Result<std::vector<DeliveryRow>> DueDeliveries(int64_t now_ms, size_t limit) const;

  // Replaces a delivery (keyed by alert_id + recipient) and moves its due and sent index entries,
  // in one batch. NotFound when the alert was never expanded to that recipient.
  Status UpdateDelivery(const DeliveryRow& delivery);

  // How many distinct messages (message_id) went to `recipient` at or after `since_ms`.
  Result<int> SentSince(std::string_view recipient, int64_t since_ms) const;

  // --- Operations ---------------------------------------------------------------------------

  // Drops the raw bodies of pages fetched more than retention_days ago none of whose ads is
  // flagged (current level >= keep_evidence_min_level and latest label not "released"). With
  // `dry_run` only counts. Does nothing when retention_days is 0.
  Result<RetentionReport> ApplyRetention(bool dry_run);

  // Reads every table (verifying checksums) and checks the invariants: each ad has its page
  // (unless imported) and a verdict; each kept body matches its SHA-256; each index entry points
  // to an ad that agrees with it; each token and submission is stored under its own key and has
  // exactly its index entries; each audit entry decodes. Corruption when RocksDB finds damaged
  // blocks; invariant failures are listed in the report, not returned as errors.
  Result<CheckReport> Check() const;

  // Writes a consistent backup of the live database into `dir` (created when missing) with
  // RocksDB's BackupEngine; later backups into the same folder copy only new files. Keeps the
  // newest `keep` backups (0 keeps all). Writes may go on meanwhile. InvalidArgument for an
  // in-memory store; IOError when `dir` cannot be written.
  Result<BackupInfo> Backup(const std::string& dir, int keep);

  // Restores the latest backup in `backup_dir` (after verifying its checksums) to
  // options.path. When a database is already there and `replace_existing`, it is moved aside to
  // "<path>.replaced-<unix seconds>" (never deleted) and that path is returned; without
  // `replace_existing` an existing database is InvalidArgument. Unavailable when the target is
  // open in another process; NotFound when there is no backup; Corruption when it fails
  // verification.
  static Result<std::string> Restore(const std::string& backup_dir, const StoreOptions& options,
                                     bool replace_existing);

  // Flushes memory tables to table files and forces the WAL to disk.
  Status Flush();
  // Forces the WAL to disk, so that every write returned so far survives a power loss also under
  // SyncPolicy::kInterval (one fsync for a batch of writes; the Redis mode's ingest calls it
  // before acknowledging what it stored). IOError when the sync fails.
  Status SyncWal();
  // Compacts every table (reclaims the space of dropped bodies; used by benchmarks).
  Status CompactAll();
  // Estimated sizes of every table.
  std::vector<TableStats> Stats() const;

  const StoreOptions& options() const;

 private:
  struct Rep;
  explicit Store(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace adwatch::storage

#endif  // ADWATCH_STORAGE_STORE_H_
