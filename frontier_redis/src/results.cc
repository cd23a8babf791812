#include "adwatch/frontier_redis/results.h"

#include "adwatch/frontier_redis/redis_frontier.h"
#include "connection.h"

namespace adwatch::frontier_redis {

using internal::Connection;
using internal::Reply;

const std::string& ResultEntry::Field(const std::string& name) const {
  static const std::string kEmpty;
  auto it = fields.find(name);
  return it == fields.end() ? kEmpty : it->second;
}

namespace {

// The entries of an XREADGROUP / XAUTOCLAIM entry list: [[id, [f, v, ...]], ...]. Entries
// deleted meanwhile come back with a nil field list and are skipped.
void ParseEntries(const Reply& list, std::vector<ResultEntry>& out) {
  for (const Reply& e : list.elements) {
    if (e.type != Reply::Type::kArray || e.elements.size() < 2) continue;
    if (e.elements[1].type != Reply::Type::kArray) {
      ResultEntry gone;
      gone.id = e.elements[0].str;  // deleted: acknowledge it with the rest
      out.push_back(std::move(gone));
      continue;
    }
    ResultEntry entry;
    entry.id = e.elements[0].str;
    const auto& kv = e.elements[1].elements;
    for (size_t i = 0; i + 1 < kv.size(); i += 2) entry.fields[kv[i].str] = kv[i + 1].str;
    out.push_back(std::move(entry));
  }
}

}  // namespace

struct ResultReader::Rep {
  explicit Rep(const ResultReaderOptions& o)
      : options(o),
        // The blocking read waits up to its block time: the socket timeout must outlast it.
        conn(internal::ConnectionOptions{o.address, o.connect_timeout_ms, 60'000,
                                         o.reconnect_for_ms}) {}
  ResultReaderOptions options;
  Connection conn;
  bool pending_done = false;  // own pending entries read through once
  std::string autoclaim_cursor = "0-0";
  bool autoclaim_done = false;

  Status CreateGroup() {
    auto r = conn.Command({"XGROUP", "CREATE", kResultsStream, kResultsGroup, "0", "MKSTREAM"});
    if (!r) return r.error();
    if (r->is_error() && r->str.rfind("BUSYGROUP", 0) != 0) {
      return Status::IOError("creating the results group", r->str);
    }
    return Status::OK();
  }
};

ResultReader::ResultReader(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
ResultReader::~ResultReader() = default;

Result<std::unique_ptr<ResultReader>> ResultReader::Connect(const ResultReaderOptions& options) {
  if (options.consumer.empty())
    return Status::InvalidArgument("results reader", "no consumer name");
  auto rep = std::make_unique<Rep>(options);
  ADWATCH_RETURN_IF_ERROR(rep->conn.Connect());
  ADWATCH_RETURN_IF_ERROR(rep->CreateGroup());
  return std::unique_ptr<ResultReader>(new ResultReader(std::move(rep)));
}

Result<std::vector<ResultEntry>> ResultReader::Read(int max, int block_ms) {
  Rep& r = *rep_;
  std::vector<ResultEntry> out;
  const std::string count = std::to_string(std::max(1, max));
  // 1. Entries other consumers read and never acknowledged (one writer at a time: take all).
  while (!r.autoclaim_done) {
    auto a = r.conn.Command({"XAUTOCLAIM", kResultsStream, kResultsGroup, r.options.consumer, "0",
                             r.autoclaim_cursor, "COUNT", count, "JUSTID"});
    if (!a) return a.error();
    if (a->is_error()) {
      if (a->str.rfind("NOGROUP", 0) == 0) {
        ADWATCH_RETURN_IF_ERROR(r.CreateGroup());
        continue;
      }
      return Status::IOError("XAUTOCLAIM", a->str);
    }
    if (a->elements.empty()) break;
    r.autoclaim_cursor = a->elements[0].str;
    if (r.autoclaim_cursor == "0-0") r.autoclaim_done = true;
  }
  // 2. Our own pending entries (after a restart), then 3. new ones.
  for (int pass = 0; pass < 2 && out.empty(); ++pass) {
    const bool pending = !r.pending_done;
    std::vector<std::string> argv = {"XREADGROUP",       "GROUP", kResultsGroup,
                                     r.options.consumer, "COUNT", count};
    if (!pending && block_ms > 0) argv.insert(argv.end(), {"BLOCK", std::to_string(block_ms)});
    argv.insert(argv.end(), {"STREAMS", kResultsStream, pending ? "0" : ">"});
    auto x = r.conn.Command(argv);
    if (!x) return x.error();
    if (x->is_error()) {
      if (x->str.rfind("NOGROUP", 0) == 0) {
        // Redis lost the group (restarted without its data): start over from the stream.
        ADWATCH_RETURN_IF_ERROR(r.CreateGroup());
        r.pending_done = false;
        r.autoclaim_done = false;
        r.autoclaim_cursor = "0-0";
        return out;
      }
      return Status::IOError("XREADGROUP", x->str);
    }
    if (x->type == Reply::Type::kArray) {
      for (const Reply& stream : x->elements) {
        if (stream.elements.size() >= 2) ParseEntries(stream.elements[1], out);
      }
    }
    if (pending && out.empty()) {
      r.pending_done = true;
    } else {
      break;
    }
  }
  return out;
}

Status ResultReader::Ack(const std::vector<std::string>& ids) {
  if (ids.empty()) return Status::OK();
  // XACK and XDEL in one script: a writer killed between the two would leave an acknowledged
  // entry in the stream that nobody reads again and that keeps the crawl from looking drained.
  // Both are idempotent, so a retry after a lost connection is safe.
  static const internal::Script kAck("ACK", R"lua(
redis.call('XACK', 'adw:results', 'store', unpack(ARGV))
return redis.call('XDEL', 'adw:results', unpack(ARGV))
)lua");
  auto r = rep_->conn.Eval(kAck, ids);
  if (!r) return r.error();
  return Status::OK();
}

Status ResultReader::DeadLetter(const ResultEntry& entry, const std::string& reason) {
  std::vector<std::string> argv = {"XADD", "adw:results:dead", "*", "id", entry.id, "why", reason};
  for (const auto& [k, v] : entry.fields) argv.insert(argv.end(), {k, v});
  auto r = rep_->conn.Command(argv);
  if (!r) return r.error();
  if (r->is_error()) return Status::IOError("XADD adw:results:dead", r->str);
  return Ack({entry.id});
}

Result<FrontierState> ResultReader::State() {
  Connection& c = rep_->conn;
  FrontierState s;
  auto stats = c.Command({"HGETALL", "adw:stats"});
  if (!stats) return stats.error();
  for (size_t i = 0; i + 1 < stats->elements.size(); i += 2) {
    const std::string& k = stats->elements[i].str;
    const int64_t v = stats->elements[i + 1].AsInt();
    if (k == "queued") s.queued = v;
    if (k == "added") s.added = v;
    if (k == "done") s.done = v;
    if (k == "stale") s.stale = v;
    if (k == "reaped") s.reaped = v;
  }
  auto leases = c.Command({"ZCARD", "adw:lease"});
  if (!leases) return leases.error();
  s.leases = leases->AsInt();
  auto len = c.Command({"XLEN", kResultsStream});
  if (!len) return len.error();
  s.results_backlog = len->AsInt();
  return s;
}

}  // namespace adwatch::frontier_redis
