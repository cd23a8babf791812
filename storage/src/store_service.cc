// What the HTTP service keeps: API tokens, organisations' submissions and the audit log
// (docs/storage.md, "Service tables"; key layouts in service_keys.h).
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <tuple>

#include "adwatch/common/hash.h"
#include "adwatch/storage/keys.h"
#include "rocks_status.h"
#include "service_keys.h"
#include "store_rep.h"

namespace adwatch::storage {

using internal::Cf;
using internal::FromRocks;

namespace {

std::string_view View(rocksdb::Slice s) { return {s.data(), s.size()}; }

constexpr char kHexDigits[] = "0123456789abcdef";

// A listing cursor: the t| key tail of the last submission returned (BE64 ~created, '|', id),
// its 8 time bytes as 16 hex characters followed by the id, so it is URL-safe text.
std::string EncodeCursor(std::string_view tail) {
  std::string out;
  for (size_t i = 0; i < 8; ++i) {
    const auto b = static_cast<unsigned char>(tail[i]);
    out += kHexDigits[b >> 4];
    out += kHexDigits[b & 0xF];
  }
  out += tail.substr(9);
  return out;
}

std::optional<std::string> DecodeCursor(std::string_view cursor) {
  if (cursor.size() < 16) return std::nullopt;
  std::string tail;
  for (size_t i = 0; i < 16; i += 2) {
    const char* hi = std::strchr(kHexDigits, cursor[i]);
    const char* lo = std::strchr(kHexDigits, cursor[i + 1]);
    if (cursor[i] == '\0' || cursor[i + 1] == '\0' || hi == nullptr || lo == nullptr) {
      return std::nullopt;
    }
    tail += static_cast<char>(((hi - kHexDigits) << 4) | (lo - kHexDigits));
  }
  const std::string_view id = cursor.substr(16);
  if (!internal::IsValidSubmissionId(id)) return std::nullopt;
  tail += kSep;
  tail += id;
  return tail;
}

// The listing and pending entries a stored submission has.
std::set<std::string> SubmissionIndex(const Submission& s) {
  std::set<std::string> keys = {internal::SubmissionTimeKey(s.org, s.created_ms, s.id)};
  if (internal::IsPending(s.status)) {
    keys.insert(internal::SubmissionPendingKey(s.created_ms, s.org, s.id));
  }
  return keys;
}

Status CheckSubmission(const Submission& s) {
  const std::string what = "storing submission";
  if (!internal::IsValidOrg(s.org)) {
    return Status::InvalidArgument(what, "the organisation must be 1 to 64 of a-z, 0-9 and '-'");
  }
  if (!internal::IsValidSubmissionId(s.id)) {
    return Status::InvalidArgument(what, "the id must be 16 to 128 of A-Z, a-z, 0-9, '-' and '_'");
  }
  if (!s.url.empty() + !s.text.empty() + !s.image_sha256.empty() != 1) {
    return Status::InvalidArgument("storing submission " + s.id,
                                   "exactly one of url, text and image must be set");
  }
  if (s.created_ms < 0 || s.updated_ms < 0) {
    return Status::InvalidArgument("storing submission " + s.id, "negative time");
  }
  return Status::OK();
}

Status CheckToken(const ApiToken& t) {
  const std::string what = "storing token";
  if (!internal::IsValidTokenId(t.id)) {
    return Status::InvalidArgument(what, "the id must be 8 of A-Z, a-z, 0-9, '-' and '_'");
  }
  if (!internal::IsValidSha256Hex(t.sha256_hex)) {
    return Status::InvalidArgument("storing token " + t.id,
                                   "the hash must be 64 lower-case hex characters");
  }
  if (!internal::IsValidOrg(t.org)) {
    return Status::InvalidArgument("storing token " + t.id,
                                   "the organisation must be 1 to 64 of a-z, 0-9 and '-'");
  }
  for (const auto& region : t.regions) {
    if (region.empty() || region.find(kSep) != std::string::npos) {
      return Status::InvalidArgument("storing token " + t.id, "bad region id '" + region + "'");
    }
  }
  if (t.created_ms < 0 || t.expires_ms < 0 || t.revoked_ms < 0) {
    return Status::InvalidArgument("storing token " + t.id, "negative time");
  }
  return Status::OK();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Tokens

Status Store::PutToken(const ApiToken& token) {
  Rep& r = *rep_;
  if (r.read_only()) return Status::Unavailable("storing token", "the store is open read-only");
  ADWATCH_RETURN_IF_ERROR(CheckToken(token));
  std::lock_guard lock(r.write_mu);
  rocksdb::ReadOptions ro;
  const std::string hash_key = internal::TokenHashKey(token.sha256_hex);
  const std::string id_key = internal::TokenIdKey(token.id);
  auto by_hash = r.GetRaw(ro, Cf::kTokens, hash_key);
  if (!by_hash) return by_hash.error();
  if (by_hash->has_value()) {
    return Status::InvalidArgument("storing token " + token.id,
                                   "a token with the same hash is already stored");
  }
  auto by_id = r.GetRaw(ro, Cf::kTokens, id_key);
  if (!by_id) return by_id.error();
  if (by_id->has_value()) {
    return Status::InvalidArgument("storing token " + token.id,
                                   "a token with this id is already stored");
  }
  ApiToken stored = token;
  if (stored.created_ms == 0) stored.created_ms = r.clock->NowMs();
  rocksdb::WriteBatch batch;
  (void)batch.Put(r.h(Cf::kTokens), hash_key, internal::EncodeRecord(stored));
  (void)batch.Put(r.h(Cf::kTokens), id_key, token.sha256_hex);
  return r.Commit(batch, "storing token " + token.id);
}

Result<ApiToken> Store::FindToken(std::string_view sha256_hex) const {
  Rep& r = *rep_;
  if (!r.has(Cf::kTokens) || !internal::IsValidSha256Hex(sha256_hex)) {
    return Status::NotFound("token", "no such token");
  }
  rocksdb::ReadOptions ro;
  auto raw = r.GetRaw(ro, Cf::kTokens, internal::TokenHashKey(sha256_hex));
  if (!raw) return raw.error();
  if (!raw->has_value()) return Status::NotFound("token", "no such token");
  return internal::DecodeRecord<ApiToken>(**raw, "token");
}

Result<ApiToken> Store::GetTokenById(std::string_view id) const {
  Rep& r = *rep_;
  const std::string what = "token " + std::string(id);
  if (!r.has(Cf::kTokens) || !internal::IsValidTokenId(id)) {
    return Status::NotFound(what, "no such token");
  }
  SnapshotRead snap(r.db, r.read_only());
  auto hash = r.GetRaw(snap.ro, Cf::kTokens, internal::TokenIdKey(id));
  if (!hash) return hash.error();
  if (!hash->has_value()) return Status::NotFound(what, "no such token");
  auto raw = r.GetRaw(snap.ro, Cf::kTokens, internal::TokenHashKey(**hash));
  if (!raw) return raw.error();
  if (!raw->has_value()) return Status::Corruption(what, "its id entry points to no token");
  return internal::DecodeRecord<ApiToken>(**raw, what);
}

Result<std::vector<ApiToken>> Store::ListTokens() const {
  Rep& r = *rep_;
  std::vector<ApiToken> out;
  if (!r.has(Cf::kTokens)) return out;
  const std::string upper = PrefixSuccessor(internal::kTokenHashPrefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(ro, r.h(Cf::kTokens)));
  for (it->Seek(
           rocksdb::Slice(internal::kTokenHashPrefix.data(), internal::kTokenHashPrefix.size()));
       it->Valid(); it->Next()) {
    auto t = internal::DecodeRecord<ApiToken>(View(it->value()), "token");
    if (!t) return t.error();
    out.push_back(std::move(*t));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading tokens");
  std::sort(out.begin(), out.end(), [](const ApiToken& a, const ApiToken& b) {
    return std::tie(a.created_ms, a.id) < std::tie(b.created_ms, b.id);
  });
  return out;
}

Status Store::RevokeToken(std::string_view id, int64_t at_ms) {
  Rep& r = *rep_;
  const std::string what = "revoking token " + std::string(id);
  if (r.read_only()) return Status::Unavailable(what, "the store is open read-only");
  if (!internal::IsValidTokenId(id)) return Status::NotFound(what, "no such token");
  std::lock_guard lock(r.write_mu);
  rocksdb::ReadOptions ro;
  auto hash = r.GetRaw(ro, Cf::kTokens, internal::TokenIdKey(id));
  if (!hash) return hash.error();
  if (!hash->has_value()) return Status::NotFound(what, "no such token");
  const std::string hash_key = internal::TokenHashKey(**hash);
  auto raw = r.GetRaw(ro, Cf::kTokens, hash_key);
  if (!raw) return raw.error();
  if (!raw->has_value()) return Status::Corruption(what, "its id entry points to no token");
  auto token = internal::DecodeRecord<ApiToken>(**raw, what);
  if (!token) return token.error();
  if (token->revoked) return Status::OK();
  token->revoked = true;
  token->revoked_ms = at_ms > 0 ? at_ms : r.clock->NowMs();
  rocksdb::WriteBatch batch;
  (void)batch.Put(r.h(Cf::kTokens), hash_key, internal::EncodeRecord(*token));
  return r.Commit(batch, what);
}

// ---------------------------------------------------------------------------------------------
// Submissions

Status Store::PutSubmission(const Submission& submission, std::string_view image) {
  Rep& r = *rep_;
  if (r.read_only()) {
    return Status::Unavailable("storing submission", "the store is open read-only");
  }
  ADWATCH_RETURN_IF_ERROR(CheckSubmission(submission));
  if (!image.empty() &&
      (submission.image_sha256.empty() || Sha256Hex(image) != submission.image_sha256)) {
    return Status::InvalidArgument("storing submission " + submission.id,
                                   "the image's bytes do not match its image_sha256");
  }
  std::lock_guard lock(r.write_mu);
  const int64_t now = r.clock->NowMs();
  rocksdb::ReadOptions ro;
  const std::string key = internal::SubmissionKey(submission.org, submission.id);
  auto raw = r.GetRaw(ro, Cf::kSubmissions, key);
  if (!raw) return raw.error();
  std::set<std::string> old_index;
  Submission stored = submission;
  if (raw->has_value()) {
    auto old = internal::DecodeRecord<Submission>(**raw, "submission " + submission.id);
    if (!old) return old.error();
    old_index = SubmissionIndex(*old);
    if (stored.created_ms == 0) stored.created_ms = old->created_ms;
  }
  if (stored.created_ms == 0) stored.created_ms = now;
  if (stored.updated_ms == 0) stored.updated_ms = now;
  const std::set<std::string> new_index = SubmissionIndex(stored);
  rocksdb::WriteBatch batch;
  (void)batch.Put(r.h(Cf::kSubmissions), key, internal::EncodeRecord(stored));
  if (!image.empty()) {
    (void)batch.Put(r.h(Cf::kSubmissions),
                    internal::SubmissionImageKey(submission.org, submission.id), image);
  }
  for (const auto& k : old_index) {
    if (!new_index.contains(k)) (void)batch.Delete(r.h(Cf::kSubmissions), k);
  }
  for (const auto& k : new_index) {
    if (!old_index.contains(k)) (void)batch.Put(r.h(Cf::kSubmissions), k, "");
  }
  return r.Commit(batch, "storing submission " + submission.id);
}

Result<Submission> Store::GetSubmission(std::string_view org, std::string_view id) const {
  Rep& r = *rep_;
  const std::string what = "submission " + std::string(id);
  // A malformed org or id cannot name a stored submission; it reads as unknown, like another
  // organisation's id.
  if (!internal::IsValidOrg(org) || !internal::IsValidSubmissionId(id)) {
    return Status::NotFound(what, "no such submission");
  }
  rocksdb::ReadOptions ro;
  auto raw = r.GetRaw(ro, Cf::kSubmissions, internal::SubmissionKey(org, id));
  if (!raw) return raw.error();
  if (!raw->has_value()) return Status::NotFound(what, "no such submission");
  return internal::DecodeRecord<Submission>(**raw, what);
}

Result<std::string> Store::GetSubmissionImage(std::string_view org, std::string_view id) const {
  Rep& r = *rep_;
  const std::string what = "image of submission " + std::string(id);
  if (!internal::IsValidOrg(org) || !internal::IsValidSubmissionId(id)) {
    return Status::NotFound(what, "no such image");
  }
  rocksdb::ReadOptions ro;
  auto raw = r.GetRaw(ro, Cf::kSubmissions, internal::SubmissionImageKey(org, id));
  if (!raw) return raw.error();
  if (!raw->has_value()) return Status::NotFound(what, "no such image");
  return std::move(**raw);
}

Result<std::vector<Submission>> Store::ListSubmissions(std::string_view org,
                                                       std::string_view cursor, size_t limit,
                                                       std::string* next_cursor) const {
  Rep& r = *rep_;
  // `cursor` may view *next_cursor (a caller paging with one string): it is read before
  // *next_cursor is written, at the end.
  if (!internal::IsValidOrg(org)) {
    return Status::InvalidArgument("listing submissions", "bad organisation name");
  }
  if (limit == 0) return Status::InvalidArgument("listing submissions", "limit must be at least 1");
  const std::string prefix = internal::SubmissionTimeOrgPrefix(org);
  std::string start = prefix;
  if (!cursor.empty()) {
    auto tail = DecodeCursor(cursor);
    if (!tail) return Status::InvalidArgument("listing submissions", "bad cursor");
    start += *tail;
  }
  const std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  SnapshotRead snap(r.db, r.read_only());
  rocksdb::ReadOptions ro = snap.ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(ro, r.h(Cf::kSubmissions)));
  std::vector<Submission> out;
  it->Seek(start);
  if (!cursor.empty() && it->Valid() && View(it->key()) == start) it->Next();
  std::string last_tail;
  std::string next;
  for (; it->Valid(); it->Next()) {
    const std::string_view key = View(it->key());
    if (out.size() == limit) {
      next = EncodeCursor(last_tail);
      break;
    }
    const auto parts = internal::ParseSubmissionKey(key);
    if (!parts || parts->kind != 't') {
      return Status::Corruption("listing submissions", "malformed index key");
    }
    auto raw = r.GetRaw(snap.ro, Cf::kSubmissions, internal::SubmissionKey(org, parts->id));
    if (!raw) return raw.error();
    if (!raw->has_value()) {
      return Status::Corruption("listing submissions",
                                "index entry for missing submission " + parts->id);
    }
    auto s = internal::DecodeRecord<Submission>(**raw, "submission " + parts->id);
    if (!s) return s.error();
    out.push_back(std::move(*s));
    last_tail = std::string(key.substr(prefix.size()));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "listing submissions");
  if (next_cursor != nullptr) *next_cursor = std::move(next);
  return out;
}

Result<std::vector<Submission>> Store::PendingSubmissions() const {
  Rep& r = *rep_;
  const std::string prefix(internal::kSubPendingPrefix);
  const std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  SnapshotRead snap(r.db, r.read_only());
  rocksdb::ReadOptions ro = snap.ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(ro, r.h(Cf::kSubmissions)));
  std::vector<Submission> out;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const auto parts = internal::ParseSubmissionKey(View(it->key()));
    if (!parts || parts->kind != 'p') {
      return Status::Corruption("pending submissions", "malformed index key");
    }
    auto raw = r.GetRaw(snap.ro, Cf::kSubmissions, internal::SubmissionKey(parts->org, parts->id));
    if (!raw) return raw.error();
    if (!raw->has_value()) {
      return Status::Corruption("pending submissions",
                                "index entry for missing submission " + parts->id);
    }
    auto s = internal::DecodeRecord<Submission>(**raw, "submission " + parts->id);
    if (!s) return s.error();
    out.push_back(std::move(*s));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading pending submissions");
  return out;
}

Result<int64_t> Store::CountSubmissionsSince(std::string_view org, int64_t since_ms) const {
  Rep& r = *rep_;
  if (!internal::IsValidOrg(org)) {
    return Status::InvalidArgument("counting submissions", "bad organisation name");
  }
  const std::string prefix = internal::SubmissionTimeOrgPrefix(org);
  // Newest first: every entry up to the first one older than since_ms.
  const std::string upper = since_ms <= 0 ? PrefixSuccessor(prefix)
                                          : prefix + EncodeU64(internal::InvertedMs(since_ms - 1));
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(ro, r.h(Cf::kSubmissions)));
  int64_t n = 0;
  for (it->Seek(prefix); it->Valid(); it->Next()) ++n;
  if (!it->status().ok()) return FromRocks(it->status(), "counting submissions");
  return n;
}

// ---------------------------------------------------------------------------------------------
// Audit log

Status Store::Rep::InitAudit() {
  rocksdb::ReadOptions ro;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, h(Cf::kAudit)));
  it->SeekToLast();
  if (!it->status().ok()) return FromRocks(it->status(), "reading the audit log");
  if (it->Valid() && it->key().size() == internal::kAuditKeyBytes) {
    const std::string_view key = View(it->key());
    audit_last_ms = static_cast<int64_t>(*DecodeU64(key));
    audit_next_seq = *DecodeU64(key.substr(8)) + 1;
  }
  return Status::OK();
}

Status Store::AppendAudit(const AuditEvent& event) { return AppendAuditBatch({event}); }

Status Store::AppendAuditBatch(const std::vector<AuditEvent>& events) {
  Rep& r = *rep_;
  if (r.read_only()) return Status::Unavailable("auditing", "the store is open read-only");
  for (const auto& e : events) {
    if (e.action.empty()) return Status::InvalidArgument("auditing", "an event needs an action");
    if (e.at_ms < 0) return Status::InvalidArgument("auditing " + e.action, "negative time");
  }
  if (events.empty()) return Status::OK();
  std::lock_guard lock(r.write_mu);
  const int64_t now = r.clock->NowMs();
  rocksdb::WriteBatch batch;
  for (const auto& e : events) {
    AuditEvent stored = internal::SanitizedAuditEvent(e);
    if (stored.at_ms == 0) stored.at_ms = now;
    r.audit_last_ms = std::max(r.audit_last_ms, stored.at_ms);
    (void)batch.Put(r.h(Cf::kAudit), internal::AuditKey(r.audit_last_ms, r.audit_next_seq++),
                    internal::EncodeRecord(stored));
  }
  return r.Commit(batch, "appending to the audit log");
}

Status Store::ScanAudit(int64_t since_ms, const std::function<bool(const AuditEvent&)>& fn) const {
  Rep& r = *rep_;
  if (!r.has(Cf::kAudit)) return Status::OK();
  rocksdb::ReadOptions ro;
  std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(ro, r.h(Cf::kAudit)));
  for (it->Seek(EncodeU64(static_cast<uint64_t>(std::max<int64_t>(since_ms, 0)))); it->Valid();
       it->Next()) {
    auto e = internal::DecodeRecord<AuditEvent>(View(it->value()), "audit entry");
    if (!e) return e.error();
    if (!fn(*e)) return Status::OK();
  }
  return FromRocks(it->status(), "reading the audit log");
}

// ---------------------------------------------------------------------------------------------
// Check

Status Store::Rep::CheckServiceTables(const rocksdb::ReadOptions& ro, CheckReport& report,
                                      const std::function<void(std::string)>& problem) const {
  auto each = [&](int cf,
                  const std::function<Status(std::string_view, std::string_view)>& fn) -> Status {
    if (!has(cf)) return Status::OK();
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, h(cf)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ADWATCH_RETURN_IF_ERROR(fn(View(it->key()), View(it->value())));
    }
    return FromRocks(it->status(), std::string("checking ") +
                                       std::string(internal::kCfNames[static_cast<size_t>(cf)]));
  };

  // Tokens: each record under its own hash, with an id entry pointing back to it.
  std::map<std::string, std::string> id_of_hash;  // from the records
  std::map<std::string, std::string> hash_of_id;  // from the id entries
  ADWATCH_RETURN_IF_ERROR(each(Cf::kTokens, [&](std::string_view key, std::string_view value) {
    if (key.starts_with(internal::kTokenHashPrefix)) {
      ++report.tokens;
      const std::string hash(key.substr(internal::kTokenHashPrefix.size()));
      auto t = internal::DecodeRecord<ApiToken>(value, "token");
      if (!t) return t.error();
      if (t->sha256_hex != hash) problem("token " + t->id + ": stored under another hash");
      id_of_hash[hash] = t->id;
    } else if (key.starts_with(internal::kTokenIdPrefix)) {
      hash_of_id[std::string(key.substr(internal::kTokenIdPrefix.size()))] = std::string(value);
    } else {
      problem("tokens: unknown key");
    }
    return Status::OK();
  }));
  for (const auto& [hash, id] : id_of_hash) {
    auto e = hash_of_id.find(id);
    if (e == hash_of_id.end() || e->second != hash) problem("token " + id + ": id entry missing");
  }
  for (const auto& [id, hash] : hash_of_id) {
    auto t = id_of_hash.find(hash);
    if (t == id_of_hash.end() || t->second != id) {
      problem("token id entry " + id + ": points to no token with this id");
    }
  }

  // Submissions: each record under its own org and id, with exactly its index entries.
  std::set<std::string> expected;
  std::vector<std::string> index_keys;
  std::map<std::string, std::string> image_sha;    // org|id → SHA-256 of a stored image
  std::map<std::string, std::string> wants_image;  // org|id → image_sha256 of its record
  ADWATCH_RETURN_IF_ERROR(each(Cf::kSubmissions, [&](std::string_view key, std::string_view value) {
    const auto parts = internal::ParseSubmissionKey(key);
    if (!parts) {
      problem("submissions: malformed key");
      return Status::OK();
    }
    if (parts->kind == 'i') {
      image_sha[parts->org + "|" + parts->id] = Sha256Hex(value);
      return Status::OK();
    }
    if (parts->kind != 's') {
      ++report.index_entries;
      index_keys.emplace_back(key);
      return Status::OK();
    }
    ++report.submissions;
    auto s = internal::DecodeRecord<Submission>(value, "submission " + parts->id);
    if (!s) return s.error();
    if (s->org != parts->org || s->id != parts->id) {
      problem("submission " + parts->id + ": stored under another org or id");
    }
    const auto index = SubmissionIndex(*s);
    expected.insert(index.begin(), index.end());
    if (!s->image_sha256.empty()) wants_image[s->org + "|" + s->id] = s->image_sha256;
    return Status::OK();
  }));
  size_t matched = 0;
  for (const auto& key : index_keys) {
    if (expected.contains(key)) {
      ++matched;
    } else {
      const auto parts = internal::ParseSubmissionKey(key);
      problem(std::string(parts->kind == 't' ? "listing" : "pending") + " entry of submission " +
              parts->id + " disagrees with it or has none");
    }
  }
  if (matched != expected.size()) {
    problem(std::to_string(expected.size() - matched) + " submission index entries missing");
  }
  for (const auto& [key, sha] : image_sha) {
    auto w = wants_image.find(key);
    if (w == wants_image.end()) {
      problem("image of submission " + key.substr(key.find('|') + 1) + ": no submission uses it");
    } else if (w->second != sha) {
      problem("image of submission " + key.substr(key.find('|') + 1) + ": bytes changed");
    }
  }
  for (const auto& [key, sha] : wants_image) {
    if (!image_sha.contains(key)) {
      problem("submission " + key.substr(key.find('|') + 1) + ": its image is missing");
    }
  }

  // Audit: every entry decodes under a well-formed key.
  return each(Cf::kAudit, [&](std::string_view key, std::string_view value) {
    ++report.audit_events;
    if (key.size() != internal::kAuditKeyBytes) problem("audit: malformed key");
    auto e = internal::DecodeRecord<AuditEvent>(value, "audit entry");
    if (!e) return e.error();
    return Status::OK();
  });
}

}  // namespace adwatch::storage
