// The libcurl multi-socket fetcher on Boost.Asio. Its shape follows curl's maintained event-loop
// examples (multi-uv.c, ephiperfifo.c), not the removed asiohiper.cpp: one thread owns the CURLM
// and every callback; libcurl says which descriptor to watch and for what, Asio waits on it with
// one-shot async_wait, and one steady_timer stands for libcurl's timeout.
#include <utility>  // before Asio: Boost 1.74 awaitable.hpp needs std::exchange

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "adwatch/common/escape.h"
#include "adwatch/crawler/fetcher.h"
#include "outside_url_internal.h"

namespace adwatch::crawler {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

using internal::Cidr;

// ---------------------------------------------------------------------------------------------

struct Watcher {
  Watcher(asio::io_context& io, curl_socket_t s) : sd(io), fd(s) {
    error_code ec;
    sd.assign(s, ec);
    assigned = !ec;
  }
  asio::posix::stream_descriptor sd;
  curl_socket_t fd;
  int wanted = 0;         // CURL_POLL_IN / _OUT / _INOUT
  uint64_t generation = 0;  // bumped when waits are cancelled; stale completions are dropped
  bool reading = false;
  bool writing = false;
  bool alive = true;
  bool assigned = false;
};

struct Transfer {
  CURL* easy = nullptr;
  FetchRequest request;
  Fetcher::Callback done;
  FetchResult result;
  curl_slist* headers = nullptr;
  // A guarded request's checked URL, which libcurl fetches (CURLOPT_CURLU).
  internal::UrlHandle url;
  int64_t max_body = 0;
  bool too_large = false;
  bool blocked = false;
  std::string blocked_address;
  const std::vector<Cidr>* allowed = nullptr;
  size_t header_bytes = 0;
  char error[CURL_ERROR_SIZE] = {};
  std::chrono::steady_clock::time_point started;
};

int64_t WallMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

size_t OnBody(char* data, size_t size, size_t nmemb, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  const size_t n = size * nmemb;
  const auto room = static_cast<size_t>(t->max_body) - std::min(t->result.body.size(), static_cast<size_t>(t->max_body));
  if (n > room) {
    // Cut off here, after decoding: a gzip bomb never grows past max_body_bytes.
    t->result.body.append(data, room);
    t->too_large = true;
    return 0;
  }
  t->result.body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t nmemb, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  const size_t n = size * nmemb;
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.rfind("HTTP/", 0) == 0) {
    t->result.headers.clear();  // a new response (after 100 Continue or a proxy CONNECT)
    t->header_bytes = 0;
    return n;
  }
  t->header_bytes += n;
  if (t->header_bytes > 256 * 1024 || t->result.headers.size() >= 500) return n;  // keep, don't grow
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return n;
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  t->result.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  return n;
}

// Called for every address libcurl dials: each address of a name, the IPv4 and the IPv6 tries of
// happy eyeballs alike. Refusing one makes libcurl try the next; the request ends as
// kBlockedAddress when none is left.
curl_socket_t OnOpenSocket(void* clientp, curlsocktype purpose, curl_sockaddr* addr) {
  auto* t = static_cast<Transfer*>(clientp);
  // With an explicit proxy every connection goes to the proxy, which the operator chose.
  if (purpose == CURLSOCKTYPE_IPCXN && t->request.guard_addresses && t->request.proxy.empty()) {
    const sockaddr* sa = &addr->addr;
    const unsigned char* bytes = nullptr;
    if (sa->sa_family == AF_INET) {
      bytes = reinterpret_cast<const unsigned char*>(&reinterpret_cast<const sockaddr_in*>(sa)->sin_addr);
    } else if (sa->sa_family == AF_INET6) {
      bytes = reinterpret_cast<const unsigned char*>(&reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr);
    }
    std::string why =
        bytes ? internal::BlockedReason(sa->sa_family, bytes, *t->allowed) : "not an IP address";
    if (!why.empty()) {
      char text[INET6_ADDRSTRLEN] = "?";
      if (bytes) inet_ntop(sa->sa_family, bytes, text, sizeof text);
      t->blocked = true;
      t->blocked_address = std::string(text) + " (" + why + ")";
      return CURL_SOCKET_BAD;
    }
  }
  return socket(addr->family, addr->socktype, addr->protocol);
}

FetchError MapError(CURLcode code, const Transfer& t) {
  switch (code) {
    case CURLE_OK: return FetchError::kNone;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return FetchError::kDns;
    case CURLE_COULDNT_CONNECT: return t.blocked ? FetchError::kBlockedAddress : FetchError::kConnect;
    case CURLE_OPERATION_TIMEDOUT: return FetchError::kTimeout;
    case CURLE_FILESIZE_EXCEEDED: return FetchError::kTooLarge;
    case CURLE_WRITE_ERROR: return t.too_large ? FetchError::kTooLarge : FetchError::kOther;
    case CURLE_TOO_MANY_REDIRECTS: return FetchError::kTooManyRedirects;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR: return FetchError::kTls;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_WEIRD_SERVER_REPLY: return FetchError::kProtocol;
    default: return t.blocked ? FetchError::kBlockedAddress : FetchError::kOther;
  }
}

class CurlFetcher final : public Fetcher {
 public:
  explicit CurlFetcher(FetcherOptions options)
      : options_(std::move(options)),
        policy_(OutsidePolicy(options_)),
        allowed_(internal::ParseCidrs(options_.allowed_private_ranges)),
        work_(io_.get_executor()),
        timer_(io_) {}

  ~CurlFetcher() override {
    stopping_.store(true);
    asio::post(io_, [this] { Shutdown(); });
    if (thread_.joinable()) thread_.join();
    for (CURL* e : idle_) curl_easy_cleanup(e);
    if (share_) curl_share_cleanup(share_);
    if (resolve_) curl_slist_free_all(resolve_);
  }

  Status Init() {
    for (const std::string& r : options_.resolve) {
      curl_slist* more = curl_slist_append(resolve_, r.c_str());
      if (!more) return Status::Internal("curl", "curl_slist_append failed");
      resolve_ = more;
    }
    share_ = curl_share_init();
    if (!share_) return Status::Internal("curl", "curl_share_init failed");
    // DNS answers and TLS sessions only. Never CURL_LOCK_DATA_COOKIE: no request, and above all no
    // request from outside, may see or set another request's cookies (the cookie engine is off).
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    ADWATCH_RETURN_IF_ERROR(NewMulti());
    thread_ = std::thread([this] { io_.run(); });
    return Status::OK();
  }

  void Fetch(FetchRequest request, Callback done) override {
    if (stopping_.load()) {
      done(ShutDownResult(request));
      return;
    }
    auto t = std::make_shared<Transfer>();
    t->request = std::move(request);
    t->done = std::move(done);
    asio::post(io_, [this, t]() mutable { Start(std::move(t)); });
  }


 private:
  static FetchResult ShutDownResult(const FetchRequest& request) {
    FetchResult r;
    r.requested_url = r.final_url = request.task.url;
    r.source = request.task.source;
    r.error = FetchError::kOther;
    r.error_message = "fetcher shut down";
    r.fetched_at_ms = WallMs();
    return r;
  }

  Status NewMulti() {
    multi_ = curl_multi_init();
    if (!multi_) return Status::Internal("curl", "curl_multi_init failed");
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlFetcher::OnSocket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlFetcher::OnTimer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(options_.max_total_connections));
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(options_.max_host_connections));
    curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    return Status::OK();
  }

  void Start(std::shared_ptr<Transfer> shared) {
    if (shutting_down_) {
      Complete(*shared, ShutDownResult(shared->request));
      return;
    }
    auto owned = std::make_unique<Transfer>(std::move(*shared));
    Transfer* t = owned.get();
    t->easy = idle_.empty() ? curl_easy_init() : idle_.back();
    if (!idle_.empty()) idle_.pop_back();
    if (t->easy == nullptr) {
      FetchResult r = ShutDownResult(t->request);
      r.error_message = "curl_easy_init failed";
      Complete(*t, std::move(r));
      return;
    }
    t->max_body = options_.max_body_bytes;
    t->allowed = &allowed_;
    t->started = std::chrono::steady_clock::now();
    FetchResult& r = t->result;
    r.requested_url = r.final_url = t->request.task.url;
    r.source = t->request.task.source;
    CURL* e = t->easy;
    if (t->request.guard_addresses) {
      auto checked = internal::ParseOutsideUrl(t->request.task.url, policy_, allowed_);
      if (!checked) {
        r.error = FetchError::kBlockedAddress;
        r.error_message = checked.error().message();
        r.fetched_at_ms = WallMs();
        FetchResult res = std::move(r);
        Recycle(*t);
        Complete(*t, std::move(res));
        return;
      }
      t->url = std::move(checked.value());
      // The handle that was checked, not the text again: no second parse can differ from it.
      curl_easy_setopt(e, CURLOPT_CURLU, t->url.get());
      if (t->request.proxy.empty()) {
        // http_proxy, https_proxy and ALL_PROXY would send the request through a proxy whose
        // address is all the guard sees.
        curl_easy_setopt(e, CURLOPT_PROXY, "");
        curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
      }
    } else {
      curl_easy_setopt(e, CURLOPT_URL, t->request.task.url.c_str());
    }
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);  // redirects go back through scope and robots
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout_ms));
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(options_.low_speed_bytes_per_s));
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.low_speed_time_s));
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_body_bytes));
    curl_easy_setopt(e, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_SHARE, share_);
    if (resolve_) curl_easy_setopt(e, CURLOPT_RESOLVE, resolve_);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &OnOpenSocket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t);
    if (!t->request.proxy.empty()) curl_easy_setopt(e, CURLOPT_PROXY, t->request.proxy.c_str());
    if (t->request.guard_addresses) {
      // A reused connection was opened for someone else; check this request's own address.
      curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
      curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    }
    if (!t->request.task.etag.empty()) {
      t->headers = curl_slist_append(t->headers, ("If-None-Match: " + t->request.task.etag).c_str());
      curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    }
    if (!t->request.task.last_modified.empty()) {
      const time_t when = curl_getdate(t->request.task.last_modified.c_str(), nullptr);
      if (when > 0) {
        curl_easy_setopt(e, CURLOPT_TIMECONDITION, static_cast<long>(CURL_TIMECOND_IFMODSINCE));
        curl_easy_setopt(e, CURLOPT_TIMEVALUE_LARGE, static_cast<curl_off_t>(when));
      }
    }
    transfers_.emplace(e, std::move(owned));
    // Adding the handle calls the timer callback, which starts the transfer.
    if (curl_multi_add_handle(multi_, e) != CURLM_OK) {
      auto it = transfers_.find(e);
      std::unique_ptr<Transfer> back = std::move(it->second);
      transfers_.erase(it);
      FetchResult res = ShutDownResult(back->request);
      res.error_message = "curl_multi_add_handle failed";
      Recycle(*back);
      Complete(*back, std::move(res));
    }
  }

  // libcurl: watch `fd` for `what`, or stop watching it. Called from inside libcurl calls.
  static int OnSocket(CURL*, curl_socket_t fd, int what, void* userp, void* socketp) {
    auto* self = static_cast<CurlFetcher*>(userp);
    auto* raw = static_cast<Watcher*>(socketp);
    if (what == CURL_POLL_REMOVE) {
      if (raw) self->Forget(fd);
      return 0;
    }
    std::shared_ptr<Watcher> w;
    if (raw) {
      w = self->watchers_[fd];
    } else {
      w = std::make_shared<Watcher>(self->io_, fd);
      if (!w->assigned) return -1;
      self->watchers_[fd] = w;
      curl_multi_assign(self->multi_, fd, w.get());
    }
    if (!w) return 0;
    // A direction no longer wanted: cancel the pending waits; new ones start below.
    if ((w->reading && !(what & CURL_POLL_IN)) || (w->writing && !(what & CURL_POLL_OUT))) {
      error_code ec;
      w->sd.cancel(ec);
      ++w->generation;
      w->reading = w->writing = false;
    }
    w->wanted = what;
    self->Arm(w);
    return 0;
  }

  void Forget(curl_socket_t fd) {
    auto it = watchers_.find(fd);
    if (it == watchers_.end()) return;
    std::shared_ptr<Watcher> w = it->second;
    watchers_.erase(it);
    w->alive = false;
    error_code ec;
    w->sd.cancel(ec);
    // libcurl owns the descriptor: hand it back instead of letting Asio close it.
    (void)w->sd.release();
    curl_multi_assign(multi_, fd, nullptr);
  }

  void Arm(const std::shared_ptr<Watcher>& w) {
    if (!w->alive) return;
    const uint64_t gen = w->generation;
    if ((w->wanted & CURL_POLL_IN) && !w->reading) {
      w->reading = true;
      w->sd.async_wait(asio::posix::descriptor_base::wait_read, [this, w, gen](const error_code& ec) {
        if (gen != w->generation) return;  // cancelled and re-armed meanwhile
        w->reading = false;
        if (!w->alive || ec == asio::error::operation_aborted) return;
        Action(w->fd, ec ? CURL_CSELECT_ERR : CURL_CSELECT_IN);
        Arm(w);  // waits are one-shot: re-arm only what is still wanted
      });
    }
    if ((w->wanted & CURL_POLL_OUT) && !w->writing) {
      w->writing = true;
      w->sd.async_wait(asio::posix::descriptor_base::wait_write, [this, w, gen](const error_code& ec) {
        if (gen != w->generation) return;
        w->writing = false;
        if (!w->alive || ec == asio::error::operation_aborted) return;
        Action(w->fd, ec ? CURL_CSELECT_ERR : CURL_CSELECT_OUT);
        Arm(w);
      });
    }
  }

  // libcurl: call me back in `timeout_ms` (-1: never). Never calls into libcurl itself.
  static int OnTimer(CURLM*, long timeout_ms, void* userp) {
    auto* self = static_cast<CurlFetcher*>(userp);
    if (timeout_ms < 0) {
      self->timer_.cancel();
      return 0;
    }
    self->timer_.expires_after(std::chrono::milliseconds(timeout_ms));
    self->timer_.async_wait([self](const error_code& ec) {
      if (ec == asio::error::operation_aborted) return;
      self->Action(CURL_SOCKET_TIMEOUT, 0);
    });
    return 0;
  }

  void Action(curl_socket_t fd, int events) {
    if (!multi_) return;
    int running = 0;
    const CURLMcode rc = curl_multi_socket_action(multi_, fd, events, &running);
    if (rc != CURLM_OK) {
      // The multi handle is in an undefined state: fail its transfers and start over.
      RebuildMulti(std::string("curl_multi_socket_action: ") + curl_multi_strerror(rc));
      return;
    }
    DrainDone();
  }

  void DrainDone() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* e = msg->easy_handle;
      const CURLcode code = msg->data.result;
      auto it = transfers_.find(e);
      if (it == transfers_.end()) continue;
      std::unique_ptr<Transfer> t = std::move(it->second);
      transfers_.erase(it);
      FetchResult r = Collect(*t, code);
      curl_multi_remove_handle(multi_, e);
      Recycle(*t);
      Complete(*t, std::move(r));
    }
  }

  FetchResult Collect(Transfer& t, CURLcode code) {
    FetchResult r = std::move(t.result);
    CURL* e = t.easy;
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    r.http_status = static_cast<int>(status);
    char* ct = nullptr;
    if (curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct) r.content_type = ct;
    char* eff = nullptr;
    if (curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK && eff) r.final_url = eff;
    char* ip = nullptr;
    if (curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip) r.remote_ip = ip;
    curl_off_t retry_after = 0;
    if (curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0) {
      r.retry_after_s = static_cast<int64_t>(retry_after);
    }
    r.error = MapError(code, t);
    if (r.error == FetchError::kTooLarge) r.truncated = true;
    if (code != CURLE_OK) {
      r.error_message = curl_easy_strerror(code);
      // libcurl's own message may quote the host name, which came from outside.
      if (t.error[0] != '\0') r.error_message += ": " + EscapeControl(t.error);
      if (t.blocked) r.error_message = "refused to connect to private address " + t.blocked_address;
      if (r.error == FetchError::kTooLarge) {
        r.error_message = "body larger than " + std::to_string(options_.max_body_bytes) + " bytes";
      }
    }
    r.fetched_at_ms = WallMs();
    r.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                         t.started)
                       .count();
    return r;
  }

  void Recycle(Transfer& t) {
    if (t.headers) curl_slist_free_all(t.headers);
    t.headers = nullptr;
    if (t.easy) {
      curl_easy_reset(t.easy);  // forgets CURLOPT_CURLU before the handle goes below
      t.url.reset();
      if (idle_.size() < 256) {
        idle_.push_back(t.easy);
      } else {
        curl_easy_cleanup(t.easy);
      }
      t.easy = nullptr;
    }
  }

  void Complete(Transfer& t, FetchResult r) {
    if (t.done) t.done(std::move(r));
  }

  void FailAll(const std::string& why) {
    auto transfers = std::move(transfers_);
    transfers_.clear();
    for (auto& [e, t] : transfers) {
      if (multi_) curl_multi_remove_handle(multi_, e);
      FetchResult r = ShutDownResult(t->request);
      r.error_message = why;
      Recycle(*t);
      Complete(*t, std::move(r));
    }
  }

  void RebuildMulti(const std::string& why) {
    FailAll(why);
    curl_multi_cleanup(multi_);  // may still call OnSocket: watchers exist until here
    multi_ = nullptr;
    DropWatchers();
    if (!NewMulti().ok()) multi_ = nullptr;
  }

  // Forgets every socket watcher (without closing the descriptors, which are curl's) and the timer.
  void DropWatchers() {
    for (auto& [fd, w] : watchers_) {
      w->alive = false;
      error_code ec;
      w->sd.cancel(ec);
      (void)w->sd.release();
    }
    watchers_.clear();
    timer_.cancel();
  }

  // Shutdown order: stop taking work, remove transfers, clean up the multi handle (which calls
  // the socket callback for cached connections), then drop watchers and let io_context finish.
  void Shutdown() {
    shutting_down_ = true;
    FailAll("fetcher shut down");
    if (multi_) curl_multi_cleanup(multi_);
    multi_ = nullptr;
    DropWatchers();
    work_.reset();
  }

  FetcherOptions options_;
  OutsideUrlPolicy policy_;
  std::vector<Cidr> allowed_;
  curl_slist* resolve_ = nullptr;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  asio::steady_timer timer_;
  std::thread thread_;
  CURLM* multi_ = nullptr;
  CURLSH* share_ = nullptr;
  std::unordered_map<curl_socket_t, std::shared_ptr<Watcher>> watchers_;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> transfers_;
  std::vector<CURL*> idle_;
  std::atomic<bool> stopping_{false};
  bool shutting_down_ = false;
};

std::once_flag curl_global_once;

// "host:port:address[,address...]" as CURLOPT_RESOLVE takes it; an IPv6 address may be bracketed.
bool IsResolveEntry(const std::string& r) {
  const size_t a = r.find(':');
  if (a == std::string::npos || a == 0) return false;
  const size_t b = r.find(':', a + 1);
  if (b == std::string::npos || b == a + 1 || b + 1 >= r.size()) return false;
  for (size_t i = a + 1; i < b; ++i) {
    if (r[i] < '0' || r[i] > '9') return false;
  }
  for (size_t i = b + 1; i <= r.size();) {
    const size_t comma = std::min(r.find(',', i), r.size());
    std::string addr = r.substr(i, comma - i);
    if (addr.size() > 2 && addr.front() == '[' && addr.back() == ']') {
      addr = addr.substr(1, addr.size() - 2);
    }
    Cidr c;
    if (addr.find('/') != std::string::npos || !internal::ParseCidr(addr, c)) return false;
    i = comma + 1;
  }
  return true;
}

}  // namespace

Status Validate(const FetcherOptions& o) {
  if (o.connect_timeout_ms <= 0 || o.total_timeout_ms <= 0) {
    return Status::InvalidArgument("fetcher", "timeouts must be positive");
  }
  if (o.max_body_bytes <= 0) return Status::InvalidArgument("fetcher", "max_body_bytes must be positive");
  if (o.max_total_connections <= 0 || o.max_host_connections <= 0) {
    return Status::InvalidArgument("fetcher", "connection caps must be positive");
  }
  for (const std::string& r : o.allowed_private_ranges) {
    Cidr c;
    if (!internal::ParseCidr(r, c)) {
      return Status::InvalidArgument(
          "fetcher", "allowed_private_ranges: not a CIDR range: '" + EscapeControl(r, 100) + "'");
    }
  }
  for (int p : o.allowed_outside_ports) {
    if (p < 1 || p > 65535) {
      return Status::InvalidArgument(
          "fetcher", "allowed_outside_ports: " + std::to_string(p) + " is not in 1-65535");
    }
  }
  for (const std::string& r : o.resolve) {
    if (!IsResolveEntry(r)) {
      return Status::InvalidArgument(
          "fetcher", "resolve: not host:port:address: '" + EscapeControl(r, 100) + "'");
    }
  }
  return Status::OK();
}

OutsideUrlPolicy OutsidePolicy(const FetcherOptions& options) {
  OutsideUrlPolicy p;
  p.allowed_ports = options.allowed_outside_ports;
  p.allowed_private_ranges = options.allowed_private_ranges;
  return p;
}

Result<std::unique_ptr<Fetcher>> NewCurlFetcher(const FetcherOptions& options) {
  ADWATCH_RETURN_IF_ERROR(Validate(options));
  std::call_once(curl_global_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  auto f = std::make_unique<CurlFetcher>(options);
  ADWATCH_RETURN_IF_ERROR(f->Init());
  return std::unique_ptr<Fetcher>(std::move(f));
}

}  // namespace adwatch::crawler
