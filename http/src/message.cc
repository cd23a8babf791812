#include "adwatch/http/message.h"

#include <array>
#include <boost/beast/http/status.hpp>
#include <charconv>
#include <cstdio>
#include <utility>

#include "ascii.h"
#include "body_sink.h"

namespace adwatch::http {

std::string_view RequestHead::Header(std::string_view name) const {
  for (const http::Header& h : headers) {
    if (internal::EqualsIgnoreCase(h.name, name)) return h.value;
  }
  return {};
}

// ---- BodySink ----

namespace {

void DeliverOnce(std::shared_ptr<BodySinkAccess::Rep>& rep, SinkAction action) {
  if (!rep) return;  // used already, or moved from
  std::shared_ptr<BodySinkAccess::Rep> taken = std::move(rep);
  taken->Deliver(std::move(action));
}

SinkAction AbortAction(AbortMode mode) {
  SinkAction action;
  action.verb = SinkAction::Verb::kAbort;
  action.mode = mode;
  return action;
}

}  // namespace

BodySink::BodySink(std::shared_ptr<Rep> rep) : rep_(std::move(rep)) {}

BodySink::BodySink(BodySink&& other) noexcept = default;

BodySink& BodySink::operator=(BodySink&& other) noexcept {
  if (this != &other) {
    DeliverOnce(rep_, AbortAction(AbortMode::kClose));
    rep_ = std::move(other.rep_);
  }
  return *this;
}

BodySink::~BodySink() { DeliverOnce(rep_, AbortAction(AbortMode::kClose)); }

void BodySink::Write(std::string data) {
  SinkAction action;
  action.verb = SinkAction::Verb::kWrite;
  action.data = std::move(data);
  DeliverOnce(rep_, std::move(action));
}

void BodySink::Pause(std::chrono::milliseconds delay) {
  SinkAction action;
  action.verb = SinkAction::Verb::kPause;
  action.delay = delay;
  DeliverOnce(rep_, std::move(action));
}

void BodySink::Finish() {
  SinkAction action;
  action.verb = SinkAction::Verb::kFinish;
  DeliverOnce(rep_, std::move(action));
}

void BodySink::Abort(AbortMode mode) { DeliverOnce(rep_, AbortAction(mode)); }

// ---- Helpers ----

std::string_view ReasonPhrase(int status) {
  if (status < 0 || status > 999) return {};
  namespace bhttp = boost::beast::http;
  const bhttp::status code = bhttp::int_to_status(static_cast<unsigned>(status));
  if (code == bhttp::status::unknown) return {};
  const auto reason = bhttp::obsolete_reason(code);
  return std::string_view(reason.data(), reason.size());
}

namespace {

constexpr std::array<const char*, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Whether one of the entity tags in an If-None-Match value matches `etag` (weak comparison).
bool EtagListMatches(std::string_view header, std::string_view etag) {
  auto strip_weak = [](std::string_view t) {
    if (t.size() >= 2 && (t[0] == 'W' || t[0] == 'w') && t[1] == '/') t.remove_prefix(2);
    return t;
  };
  etag = strip_weak(etag);
  size_t pos = 0;
  while (pos <= header.size()) {
    size_t comma = header.find(',', pos);
    if (comma == std::string_view::npos) comma = header.size();
    const std::string_view tag = internal::TrimOws(header.substr(pos, comma - pos));
    if (tag == "*" || (!etag.empty() && strip_weak(tag) == etag)) return true;
    pos = comma + 1;
  }
  return false;
}

}  // namespace

std::string FormatHttpDate(int64_t unix_seconds) {
  using namespace std::chrono;
  const sys_seconds t{seconds(unix_seconds)};
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const weekday wd{day};
  const hh_mm_ss<seconds> tod{t - day};
  char out[40];
  std::snprintf(out, sizeof(out), "%s, %02u %s %04d %02d:%02d:%02d GMT", kWeekdays[wd.c_encoding()],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<int>(tod.hours().count()),
                static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()));
  return out;
}

std::optional<int64_t> ParseHttpDate(std::string_view text) {
  using namespace std::chrono;
  // "Sun, 06 Nov 1994 08:49:37 GMT": fixed width, 29 characters.
  if (text.size() != 29 || text[3] != ',' || text[4] != ' ' || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  auto number = [&](size_t pos, size_t len) -> std::optional<int> {
    int value = 0;
    const char* first = text.data() + pos;
    const auto [ptr, ec] = std::from_chars(first, first + len, value);
    if (ec != std::errc() || ptr != first + len) return std::nullopt;
    return value;
  };
  const auto d = number(5, 2), y = number(12, 4), hh = number(17, 2), mm = number(20, 2),
             ss = number(23, 2);
  if (!d || !y || !hh || !mm || !ss || text[7] != ' ' || text[11] != ' ' || text[16] != ' ' ||
      text[19] != ':' || text[22] != ':') {
    return std::nullopt;
  }
  int month = 0;
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (text.substr(8, 3) == kMonths[i]) month = static_cast<int>(i) + 1;
  }
  if (month == 0 || *hh > 23 || *mm > 59 || *ss > 60) return std::nullopt;
  const year_month_day ymd{year(*y), std::chrono::month(static_cast<unsigned>(month)),
                           std::chrono::day(static_cast<unsigned>(*d))};
  if (!ymd.ok()) return std::nullopt;
  const sys_seconds t = sys_days(ymd) + hours(*hh) + minutes(*mm) + seconds(*ss);
  return t.time_since_epoch().count();
}

bool IsNotModified(const RequestHead& request, std::string_view etag,
                   std::optional<int64_t> last_modified_unix_seconds) {
  const std::string_view if_none_match = request.Header("If-None-Match");
  if (!if_none_match.empty()) return EtagListMatches(if_none_match, etag);
  const std::string_view if_modified_since = request.Header("If-Modified-Since");
  if (if_modified_since.empty() || !last_modified_unix_seconds) return false;
  const std::optional<int64_t> since = ParseHttpDate(if_modified_since);
  return since && *last_modified_unix_seconds <= *since;
}

}  // namespace adwatch::http
