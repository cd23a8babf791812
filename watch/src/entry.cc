#include "adwatch/watch/entry.h"

#include <re2/re2.h>

#include <utility>

#include "adwatch/classifier/contacts.h"
#include "adwatch/common/names.h"
#include "adwatch/common/random_id.h"
#include "host.h"

namespace adwatch::watch {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

Status Bad(WatchKind kind, std::string_view typed, std::string_view why) {
  return Status::InvalidArgument(std::string(Name(kind)) + " '" + std::string(typed) + "'", why);
}

// The number a phone or WhatsApp entry carries, read as the classifier reads ads.
Result<std::string> PhoneOf(WatchKind kind, std::string_view typed) {
  for (const Contact& c : classifier::ExtractContacts(typed)) {
    if (c.kind == ContactKind::kPhone ||
        (c.kind == ContactKind::kWhatsApp && !c.value.empty() && c.value.front() == '+')) {
      return c.value;
    }
  }
  return Bad(kind, typed,
             kind == WatchKind::kWhatsApp
                 ? "no phone number in it: give a wa.me/… or api.whatsapp.com/send?phone=… link "
                   "or the number (a chat.whatsapp.com group link carries no number)"
                 : "not a phone number: write it with its country code (+62 812-3456-7890) or as "
                   "an Indonesian number (0812-3456-7890)");
}

Result<std::string> TelegramOf(std::string_view typed) {
  std::string s = Lower(Trim(typed));
  for (std::string_view scheme : {"https://", "http://"}) {
    if (s.starts_with(scheme)) s.erase(0, scheme.size());
  }
  for (std::string_view host : {"www.", ""}) {
    for (std::string_view site : {"t.me/", "telegram.me/", "telegram.dog/"}) {
      const std::string prefix = std::string(host) + std::string(site);
      if (s.starts_with(prefix)) s.erase(0, prefix.size());
    }
  }
  if (s.starts_with("s/")) s.erase(0, 2);  // a channel's web preview, t.me/s/name
  if (!s.empty() && s.front() == '@') s.erase(0, 1);
  s = s.substr(0, s.find_first_of("/?#"));
  // Telegram's rule for public usernames: 5 to 32 of [a-z0-9_]; older handles may be shorter.
  bool ok = s.size() >= 3 && s.size() <= 32;
  for (char c : s) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (!ok) {
    return Bad(WatchKind::kTelegram, typed,
               "not a Telegram handle: give @name, t.me/name or https://t.me/name (3 to 32 "
               "letters, digits or '_')");
  }
  return "@" + s;
}

Result<std::string> EmailOf(std::string_view typed) {
  std::string s = Lower(Trim(typed));
  if (s.starts_with("mailto:")) s.erase(0, 7);
  const size_t at = s.find('@');
  const bool ok = at != std::string::npos && at > 0 && s.find('@', at + 1) == std::string::npos &&
                  s.find('.', at) != std::string::npos && s.back() != '.' &&
                  s.find_first_of(" \t<>,;") == std::string::npos;
  if (!ok) return Bad(WatchKind::kEmail, typed, "not an e-mail address (name@example.com)");
  return s;
}

Result<std::string> DomainOf(std::string_view typed) {
  std::string host = HostOf(Lower(Trim(typed)));
  if (host.starts_with("*.")) host.erase(0, 2);
  if (host.starts_with("www.")) host.erase(0, 4);
  bool ok = host.find('.') != std::string::npos && host.front() != '.' && host.back() != '.';
  for (char c : host)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-');
  if (!ok) {
    return Bad(WatchKind::kDomain, typed,
               "not a domain: give a host such as kerja-luar.id or a URL on it");
  }
  return host;
}

Result<std::string> KeywordOf(std::string_view typed) {
  const std::string_view pattern = Trim(typed);
  if (pattern.empty()) return Bad(WatchKind::kKeyword, typed, "the pattern is empty");
  RE2::Options opt;
  opt.set_case_sensitive(false);
  opt.set_log_errors(false);
  const RE2 re(pattern, opt);
  if (!re.ok()) {
    return Bad(WatchKind::kKeyword, typed,
               "not a valid RE2 pattern: " + re.error() +
                   (re.error_arg().empty() ? "" : " (at '" + re.error_arg() + "')"));
  }
  // A pattern that matches the empty text would match every ad.
  if (RE2::PartialMatch("", re)) {
    return Bad(WatchKind::kKeyword, typed, "the pattern matches empty text, so every ad");
  }
  return std::string(pattern);
}

}  // namespace

Result<std::string> StoredForm(WatchKind kind, std::string_view typed) {
  if (Trim(typed).empty()) return Bad(kind, typed, "the value is empty");
  if (typed.size() > 1000) return Bad(kind, typed.substr(0, 40), "longer than 1,000 bytes");
  switch (kind) {
    case WatchKind::kPhone:
    case WatchKind::kWhatsApp:
      return PhoneOf(kind, typed);
    case WatchKind::kTelegram:
      return TelegramOf(typed);
    case WatchKind::kEmail:
      return EmailOf(typed);
    case WatchKind::kDomain:
      return DomainOf(typed);
    case WatchKind::kKeyword:
      return KeywordOf(typed);
  }
  return Bad(kind, typed, "unknown kind");
}

Result<WatchEntry> NewEntry(const EntrySpec& spec, int64_t now_ms) {
  if (spec.ttl_ms < 0) return Status::InvalidArgument("watch entry", "negative expiry");
  auto value = StoredForm(spec.kind, spec.typed);
  if (!value) return value.error();
  auto id = RandomId(9);  // 12 characters
  if (!id) return id.error();
  WatchEntry e;
  e.id = std::move(*id);
  e.org = spec.org;
  e.kind = spec.kind;
  e.value = std::move(*value);
  e.typed = std::string(Trim(spec.typed));
  e.note = spec.note;
  e.created_by = spec.created_by;
  e.created_ms = now_ms;
  e.expires_ms = spec.ttl_ms > 0 ? now_ms + spec.ttl_ms : 0;
  return e;
}

}  // namespace adwatch::watch
