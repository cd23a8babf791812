#include "adwatch/frontier_redis/redis_frontier.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "adwatch/common/escape.h"
#include "adwatch/common/hash.h"
#include "adwatch/common/json.h"
#include "adwatch/crawler/url.h"
#include "connection.h"
#include "scripts.h"

namespace adwatch::frontier_redis {

using crawler::Claimed;
using crawler::FrontierCounts;
using crawler::HostRelease;
using crawler::Lease;
using internal::Connection;
using internal::Reply;
using internal::Script;

Status Validate(const RedisFrontierOptions& o) {
  auto bad = [](std::string_view what) { return Status::InvalidArgument("redis frontier", what); };
  if (o.lease_ms < 1) return bad("lease_ms must be >= 1");
  if (o.poll_ms < 1) return bad("poll_ms must be >= 1");
  if (o.reap_limit < 1) return bad("reap_limit must be >= 1");
  if (o.default_delay_ms < 0) return bad("default_delay_ms must be >= 0");
  if (o.max_results_backlog < 0) return bad("max_results_backlog must be >= 0");
  if (o.robots_ttl_s < 1) return bad("robots_ttl_s must be >= 1");
  if (o.hold_for_run_ms < 0) return bad("hold_for_run_ms must be >= 0");
  if (o.connect_timeout_ms < 1 || o.io_timeout_ms < 1) return bad("timeouts must be >= 1 ms");
  if (o.reconnect_for_ms < 0) return bad("reconnect_for_ms must be >= 0");
  return Status::OK();
}

SeenKey SeenKeyOf(std::string_view url) {
  const std::string hex = Sha256Hex(url);
  uint64_t v = 0;
  for (int i = 0; i < 16; ++i) {
    const char c = hex[i];
    v = (v << 4) | static_cast<uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  return SeenKey{hex.substr(0, 4), std::to_string(v & ((uint64_t{1} << 48) - 1))};
}

std::string EncodeTask(const FetchTask& t) {
  nlohmann::json a =
      nlohmann::json::array({t.url, t.source, t.depth, std::string(Name(t.priority)), t.attempt,
                             t.not_before_ms, t.external, t.redirects, t.etag, t.last_modified});
  const FetchTask d;
  const nlohmann::json defaults =
      nlohmann::json::array({"", "", d.depth, std::string(Name(d.priority)), d.attempt,
                             d.not_before_ms, d.external, d.redirects, d.etag, d.last_modified});
  size_t n = a.size();
  while (n > 2 && a[n - 1] == defaults[n - 1]) --n;
  a.erase(a.begin() + static_cast<std::ptrdiff_t>(n), a.end());
  return a.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<FetchTask> DecodeTask(std::string_view encoded) {
  auto bad = [&](std::string_view why) {
    return Status::Corruption("queued task " + EscapeControl(encoded, 200), why);
  };
  nlohmann::json a;
  try {
    a = nlohmann::json::parse(encoded);
  } catch (const nlohmann::json::exception& e) {
    return bad(e.what());
  }
  if (!a.is_array() || a.size() < 2 || a.size() > 10) return bad("not an array of 2-10 fields");
  FetchTask t;
  auto str = [&](size_t i, std::string& out) {
    if (i >= a.size()) return true;
    if (!a[i].is_string()) return false;
    out = a[i].get<std::string>();
    return true;
  };
  auto num = [&](size_t i, auto& out) {
    if (i >= a.size()) return true;
    if (!a[i].is_number_integer()) return false;
    out = a[i].get<std::remove_reference_t<decltype(out)>>();
    return true;
  };
  std::string priority = std::string(Name(t.priority));
  if (!str(0, t.url) || !str(1, t.source) || !num(2, t.depth) || !str(3, priority) ||
      !num(4, t.attempt) || !num(5, t.not_before_ms) || !str(8, t.etag) ||
      !str(9, t.last_modified) || !num(7, t.redirects)) {
    return bad("a field has the wrong type");
  }
  if (a.size() > 6) {
    if (!a[6].is_boolean()) return bad("a field has the wrong type");
    t.external = a[6].get<bool>();
  }
  t.priority = priority == "submission" ? FetchPriority::kSubmission
               : priority == "revisit"  ? FetchPriority::kRevisit
                                        : FetchPriority::kDiscovered;
  if (t.url.empty()) return bad("no URL");
  return t;
}

namespace {

const Script& AddScript() {
  static const Script s("ADD", std::string(internal::kLuaCommon) + internal::kLuaAdd);
  return s;
}
const Script& SeenScript() {
  static const Script s("SEEN", internal::kLuaSeen);
  return s;
}
const Script& SetConcScript() {
  static const Script s("SETCONC", std::string(internal::kLuaCommon) + internal::kLuaSetConc);
  return s;
}
const Script& ClaimScript() {
  static const Script s("CLAIM", std::string(internal::kLuaCommon) + internal::kLuaClaim);
  return s;
}
const Script& ReleaseScript() {
  static const Script s("RELEASE", std::string(internal::kLuaCommon) + internal::kLuaRelease);
  return s;
}
const Script& CompleteScript() {
  static const Script s("COMPLETE", std::string(internal::kLuaCommon) + internal::kLuaComplete);
  return s;
}
const Script& RetryScript() {
  static const Script s("RETRY", std::string(internal::kLuaCommon) + internal::kLuaRetry);
  return s;
}
const Script& UnpopScript() {
  static const Script s("UNPOP", std::string(internal::kLuaCommon) + internal::kLuaUnpop);
  return s;
}
const Script& ReapScript() {
  static const Script s("REAP", std::string(internal::kLuaCommon) + internal::kLuaReap);
  return s;
}

// Links per ADD call: a script blocks Redis while it runs.
constexpr size_t kAddBatch = 500;

}  // namespace

struct RedisFrontier::Rep {
  Rep(const RedisFrontierOptions& o, const Clock& c)
      : options(o),
        clock(c),
        conn(internal::ConnectionOptions{o.address, o.connect_timeout_ms, o.io_timeout_ms,
                                         o.reconnect_for_ms}) {}

  RedisFrontierOptions options;
  const Clock& clock;
  Connection conn;
  std::map<uint64_t, std::string> members;  // lease id → lease member
  std::map<std::string, int> conc_set;      // host → connections sent to Redis
  FrontierCounts counts;
  uint64_t next_id = 1;
  std::mutex mu;                             // guards parked
  std::map<std::string, PageResult> parked;  // task URL → result (Attach)

  std::string Member(const Lease& lease) const {
    auto it = members.find(lease.id);
    return it == members.end() ? std::string() : it->second;
  }
  // The release as the scripts take it: a delay from Redis's now (-1 when no request was sent)
  // and a hold relative to now.
  std::pair<std::string, std::string> ReleaseArgs(const HostRelease& r, int64_t not_before = 0) {
    const int64_t now = clock.NowMs();
    const int64_t delay = r.ended_ms > 0 ? std::max<int64_t>(r.delay_ms, 0) : -1;
    int64_t hold = 0;
    if (r.hold_until_ms == crawler::kHoldForRun) {
      hold = options.hold_for_run_ms;
    } else if (r.hold_until_ms > now) {
      hold = r.hold_until_ms - now;
    }
    if (not_before > now) hold = std::max(hold, not_before - now);
    return {std::to_string(delay), std::to_string(hold)};
  }
  PageResult TakeParked(const std::string& url) {
    std::lock_guard lock(mu);
    auto it = parked.find(url);
    if (it == parked.end()) return {};
    PageResult r = std::move(it->second);
    parked.erase(it);
    return r;
  }
  // Runs an ending script (COMPLETE, RETRY, UNPOP) for `lease` and forgets it.
  Status End(const Script& script, const Lease& lease, std::vector<std::string> args) {
    const std::string member = Member(lease);
    members.erase(lease.id);
    if (member.empty()) return Status::OK();  // not ours (ended already)
    args.insert(args.begin(), member);
    auto r = conn.Eval(script, args);
    if (!r) return r.error();
    if (r->AsInt() == 0) {
      spdlog::warn(
          "redis frontier: the lease of {} had expired and was handed out again; its end "
          "({}) was dropped",
          EscapeControl(lease.task.url, 200), script.name);
    }
    return Status::OK();
  }
};

RedisFrontier::RedisFrontier(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
RedisFrontier::~RedisFrontier() = default;

Result<std::unique_ptr<RedisFrontier>> RedisFrontier::Connect(const RedisFrontierOptions& options,
                                                              const Clock& clock) {
  ADWATCH_RETURN_IF_ERROR(Validate(options));
  auto rep = std::make_unique<Rep>(options, clock);
  ADWATCH_RETURN_IF_ERROR(rep->conn.Connect());
  auto pong = rep->conn.Command({"PING"});
  if (!pong) return pong.error();
  if (pong->is_error()) return Status::Unavailable(ToString(options.address), pong->str);
  return std::unique_ptr<RedisFrontier>(new RedisFrontier(std::move(rep)));
}

void RedisFrontier::Attach(const std::string& url, PageResult result) {
  std::lock_guard lock(rep_->mu);
  rep_->parked[url] = std::move(result);
}

Result<int64_t> RedisFrontier::AddSeen(const std::vector<std::string>& urls) {
  int64_t added = 0;
  std::vector<std::string> args;
  auto flush = [&]() -> Status {
    if (args.empty()) return Status::OK();
    auto r = rep_->conn.Eval(SeenScript(), args);
    if (!r) return r.error();
    added += r->AsInt();
    args.clear();
    return Status::OK();
  };
  for (const std::string& u : urls) {
    SeenKey k = SeenKeyOf(u);
    args.push_back(std::move(k.bucket));
    args.push_back(std::move(k.low48));
    if (args.size() >= 2 * kAddBatch) ADWATCH_RETURN_IF_ERROR(flush());
  }
  ADWATCH_RETURN_IF_ERROR(flush());
  return added;
}

Result<int> RedisFrontier::Reap() {
  auto r = rep_->conn.Eval(ReapScript(), {std::to_string(rep_->options.reap_limit),
                                          std::to_string(rep_->options.default_delay_ms)});
  if (!r) return r.error();
  return static_cast<int>(r->AsInt());
}

Status RedisFrontier::Open() {
  // Leases of this process's earlier runs end by expiry like any dead worker's.
  rep_->members.clear();
  auto pong = rep_->conn.Command({"PING"});
  if (!pong) return pong.error();
  return Status::OK();
}

Result<int> RedisFrontier::Add(const std::vector<FetchTask>& tasks, crawler::AddMode mode) {
  int added = 0;
  std::vector<std::string> args;
  const std::string mode_arg = mode == crawler::AddMode::kAgain ? "again" : "new";
  auto flush = [&]() -> Status {
    if (args.empty()) return Status::OK();
    args.insert(args.begin(), mode_arg);
    auto r = rep_->conn.Eval(AddScript(), args);
    if (!r) return r.error();
    added += static_cast<int>(r->AsInt());
    args.clear();
    return Status::OK();
  };
  for (const FetchTask& t : tasks) {
    std::string host = crawler::HostKey(t.url);
    if (host.empty()) continue;
    SeenKey k = SeenKeyOf(t.url);
    args.push_back(std::move(host));
    args.push_back(std::move(k.bucket));
    args.push_back(std::move(k.low48));
    args.push_back(EncodeTask(t));
    if (args.size() >= 4 * kAddBatch) ADWATCH_RETURN_IF_ERROR(flush());
  }
  ADWATCH_RETURN_IF_ERROR(flush());
  return added;
}

void RedisFrontier::SetHostConnections(const std::string& host, int max_connections) {
  max_connections = std::max(1, max_connections);
  auto it = rep_->conc_set.find(host);
  if (it != rep_->conc_set.end() && it->second == max_connections) return;
  auto r = rep_->conn.Eval(SetConcScript(), {host, std::to_string(max_connections)});
  if (!r) {
    // The host keeps its earlier cap (1 by default): as polite, and tried again next time.
    spdlog::warn("redis frontier: setting the connections of {}: {}", host, r.error().ToString());
    return;
  }
  rep_->conc_set[host] = max_connections;
}

Result<Claimed> RedisFrontier::Claim(int max, int64_t now_ms) {
  const RedisFrontierOptions& o = rep_->options;
  auto r = rep_->conn.Eval(
      ClaimScript(), {std::to_string(o.lease_ms), std::to_string(max), std::to_string(o.reap_limit),
                      std::to_string(o.default_delay_ms), std::to_string(o.max_results_backlog)});
  if (!r) return r.error();
  const Reply& reply = *r;
  if (reply.type != Reply::Type::kArray || reply.elements.size() < 6) {
    return Status::Internal("redis script CLAIM", "unexpected reply");
  }
  const int64_t redis_now = reply.elements[0].AsInt();
  const int64_t first_ready = reply.elements[1].AsInt(-1);
  rep_->counts.queued = reply.elements[2].AsInt();
  rep_->counts.leases = reply.elements[3].AsInt();
  rep_->counts.hosts_with_work = reply.elements[4].AsInt();
  const bool backlogged = reply.elements[5].AsInt() != 0;
  Claimed out;
  for (size_t i = 6; i < reply.elements.size(); ++i) {
    const std::string& m = reply.elements[i].str;
    const size_t a = m.find('\t');
    const size_t b = a == std::string::npos ? a : m.find('\t', a + 1);
    if (b == std::string::npos) return Status::Corruption("lease " + EscapeControl(m, 200));
    auto task = DecodeTask(std::string_view(m).substr(b + 1));
    if (!task) return task.error();
    Lease lease;
    lease.id = rep_->next_id++;
    lease.host = m.substr(a + 1, b - a - 1);
    lease.task = std::move(task.value());
    rep_->members[lease.id] = m;
    out.leases.push_back(std::move(lease));
  }
  if (out.leases.empty() && (rep_->counts.queued > 0 || rep_->counts.leases > 0 || backlogged)) {
    // Work remains somewhere (queued behind a delay or a busy host, or leased to a worker that
    // may yet add links or die): look again after poll_ms, or when the first host is due.
    int64_t wait = o.poll_ms;
    if (first_ready >= 0 && !backlogged)
      wait = std::min(wait, std::max<int64_t>(first_ready - redis_now, 1));
    out.next_due_ms = now_ms + wait;
  }
  if (rep_->counts.queued == 0 && rep_->counts.leases == 0) rep_->counts.hosts_with_work = 0;
  return out;
}

void RedisFrontier::ReleaseHost(const Lease& lease, const HostRelease& release) {
  const std::string member = rep_->Member(lease);
  if (member.empty()) return;
  auto [delay, hold] = rep_->ReleaseArgs(release);
  auto r = rep_->conn.Eval(ReleaseScript(), {member, delay, hold});
  if (!r) {
    // The lease still holds the connection; its end (or its expiry) gives it back.
    spdlog::warn("redis frontier: releasing {}: {}", lease.host, r.error().ToString());
  }
}

Status RedisFrontier::Finish(const Lease& lease, const crawler::UrlRecord& record,
                             const HostRelease& release) {
  PageResult result = rep_->TakeParked(lease.task.url);
  auto [delay, hold] = rep_->ReleaseArgs(release);
  std::vector<std::string> args = {delay,         hold,
                                   kFieldUrl,     lease.task.url,
                                   kFieldOutcome, std::string(crawler::Name(record.outcome)),
                                   kFieldStatus,  std::to_string(record.http_status)};
  if (!result.encoded_write.empty()) {
    args.insert(args.end(), {kFieldWrite, std::move(result.encoded_write)});
    args.insert(args.end(), {kFieldBody, std::move(result.body)});
  }
  if (!result.touched_ad_ids.empty()) {
    nlohmann::json t = {{"ads", result.touched_ad_ids}, {"ms", result.touched_ms}};
    args.insert(args.end(), {kFieldTouch, t.dump()});
  }
  return rep_->End(CompleteScript(), lease, std::move(args));
}

Status RedisFrontier::Retry(const Lease& lease, const FetchTask& next, const HostRelease& release) {
  rep_->TakeParked(lease.task.url);
  auto [delay, hold] = rep_->ReleaseArgs(release, next.not_before_ms);
  return rep_->End(RetryScript(), lease, {EncodeTask(next), delay, hold});
}

Status RedisFrontier::Return(const Lease& lease, const HostRelease& release) {
  rep_->TakeParked(lease.task.url);
  auto [delay, hold] = rep_->ReleaseArgs(release);
  return rep_->End(UnpopScript(), lease, {delay, hold});
}

Status RedisFrontier::Record(const std::string& url, const crawler::UrlRecord&) {
  // A URL that never entered the queue (a redirect target out of scope): marked seen, so that a
  // link to it is not queued either, as the embedded frontier's record does.
  auto r = AddSeen({url});
  return r ? Status::OK() : r.error();
}

Status RedisFrontier::RecordOutOfScope(const std::vector<std::string>&, const std::string&) {
  // Out-of-scope links are not kept: the seen-set would grow with every outside link for nothing
  // (the Scope decides again each time a link is met).
  return Status::OK();
}

Result<crawler::UrlRecord> RedisFrontier::Lookup(const std::string& url) {
  return Status::NotFound(EscapeControl(url, 200), "the Redis frontier keeps no per-URL records");
}

Result<crawler::RevisitsQueued> RedisFrontier::QueueDueRevisits(int64_t) {
  return crawler::RevisitsQueued{};
}

Result<crawler::RobotsRecord> RedisFrontier::GetRobots(const std::string& host) {
  auto r = rep_->conn.Command({"GET", "adw:robots:" + host});
  if (!r) return r.error();
  if (r->is_nil()) return Status::NotFound("robots.txt of " + host);
  if (r->is_error()) return Status::IOError("robots.txt of " + host, r->str);
  const std::string what = "robots.txt record of " + host;
  try {
    auto j = nlohmann::json::parse(r->str);
    crawler::RobotsRecord rec;
    rec.text = j.at("text").get<std::string>();
    rec.fetched_ms = j.at("fetched_ms").get<int64_t>();
    rec.http_status = j.at("http_status").get<int>();
    return rec;
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(what, e.what());
  }
}

Status RedisFrontier::PutRobots(const std::string& host, const crawler::RobotsRecord& robots) {
  nlohmann::json j = {{"text", robots.text},
                      {"fetched_ms", robots.fetched_ms},
                      {"http_status", robots.http_status}};
  auto r = rep_->conn.Command({"SET", "adw:robots:" + host,
                               j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                               "EX", std::to_string(rep_->options.robots_ttl_s)});
  if (!r) return r.error();
  if (r->is_error()) return Status::IOError("robots.txt of " + host, r->str);
  return Status::OK();
}

FrontierCounts RedisFrontier::Counts() const { return rep_->counts; }

}  // namespace adwatch::frontier_redis
