// The task force's digest archive (/digests): the files the digest schedule wrote into
// digest.out_dir for the subscriptions whose regions the token reads, newest day first. The HTML
// is the same as the e-mail, shown in a sandboxed frame with its own CSP (it carries its own
// inline styles); the CSV is a download.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "adwatch/common/time.h"
#include "web_internal.h"

namespace adwatch::web::internal {
namespace {

namespace fs = std::filesystem;

bool RegionCovers(const std::string& mine, const std::string& theirs) {
  return theirs == mine || theirs.rfind(mine + ".", 0) == 0 || mine.rfind(theirs + ".", 0) == 0;
}

bool FeedVisible(const Context& c, const DigestFeed& f) {
  if (c.session->token.role == Role::kPolice || f.regions.empty()) return true;
  for (const std::string& mine : c.session->token.regions) {
    for (const std::string& theirs : f.regions) {
      if (RegionCovers(mine, theirs)) return true;
    }
  }
  return false;
}

struct DigestName {
  std::string day;
  const DigestFeed* feed = nullptr;
  std::string ext;  // "html" or "csv"
};

// Parses "adwatch-digest-<day>-<name>.<ext>" for a feed the caller may read.
std::optional<DigestName> ParseName(const Context& c, std::string_view file) {
  constexpr std::string_view kPrefix = "adwatch-digest-";
  if (file.size() > 200 || file.rfind(kPrefix, 0) != 0 || file.find('/') != std::string::npos)
    return std::nullopt;
  file.remove_prefix(kPrefix.size());
  if (file.size() < 12) return std::nullopt;
  DigestName d;
  d.day = std::string(file.substr(0, 10));
  if (!LocalDays::IsValidDay(d.day) || file[10] != '-') return std::nullopt;
  file.remove_prefix(11);
  const size_t dot = file.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  d.ext = std::string(file.substr(dot + 1));
  if (d.ext != "html" && d.ext != "csv") return std::nullopt;
  const std::string_view name = file.substr(0, dot);
  for (const DigestFeed& f : c.services.options.feeds) {
    if (f.name == name && FeedVisible(c, f)) d.feed = &f;
  }
  if (!d.feed) return std::nullopt;
  return d;
}

}  // namespace

WebResponse DigestsPage(Context& c) {
  const WebOptions& o = c.services.options;
  std::string m = "<h1>" + H(c.T("digests_title")) + "</h1>";
  m += "<p><a href=\"/review\">" + H(c.T("digests_ads")) + "</a></p>";
  // day → feed name → extensions present
  std::map<std::string, std::map<std::string, std::vector<std::string>>, std::greater<>> days;
  std::error_code ec;
  if (!o.digest_dir.empty()) {
    for (fs::directory_iterator it(o.digest_dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string file = it->path().filename().string();
      if (auto d = ParseName(c, file)) days[d->day][d->feed->name].push_back(d->ext);
    }
  }
  if (days.empty()) {
    m += "<p class=\"sub\">" + H(c.T("digests_none")) + "</p>";
    return Page(c, 200, c.T("digests_title"), "digests", m);
  }
  m += "<table id=\"digests\"><thead><tr><th>" + H(c.T("col_day")) + "</th><th>" +
       H(c.T("digest")) + "</th><th>" + H(c.T("files")) + "</th></tr></thead><tbody>";
  size_t rows = 0;
  for (const auto& [day, feeds] : days) {
    for (const auto& [name, exts] : feeds) {
      if (++rows > 400) break;
      std::string title = name;
      for (const DigestFeed& f : o.feeds) {
        if (f.name == name && !f.title.empty()) title = f.title;
      }
      const std::string base = "adwatch-digest-" + day + "-" + name;
      m += "<tr><td>" + H(day) + "</td><td>" + H(title) + "</td><td>";
      if (std::find(exts.begin(), exts.end(), "html") != exts.end()) {
        m += "<a href=\"/digests/file?f=" + UrlEncode(base + ".html") + "&amp;view=1\">" +
             H(c.T("open")) + "</a> ";
      }
      if (std::find(exts.begin(), exts.end(), "csv") != exts.end()) {
        m += "<a href=\"/digests/file?f=" + UrlEncode(base + ".csv") + "\">CSV</a>";
      }
      m += "</td></tr>";
    }
  }
  m += "</tbody></table>";
  return Page(c, 200, c.T("digests_title"), "digests", m);
}

WebResponse DigestFile(Context& c) {
  const std::string f = c.Query("f").value_or("");
  auto d = ParseName(c, f);
  if (!d || c.services.options.digest_dir.empty()) {
    return Message(c, 404, c.T("not_found"), c.T("not_found_text"));
  }
  if (d->ext == "html" && c.Query("view").value_or("") == "1") {
    std::string m = "<p class=\"noprint\"><a href=\"/digests\">← " + H(c.T("digests_title")) +
                    "</a> · <a href=\"/digests/file?f=" + UrlEncode(f) + "\">" +
                    H(c.T("open_alone")) + "</a></p>";
    m += "<iframe class=\"digest\" sandbox src=\"/digests/file?f=" + UrlEncode(f) + "\" title=\"" +
         H(d->feed->title.empty() ? d->feed->name : d->feed->title) + " " + H(d->day) +
         "\"></iframe>";
    return Page(c, 200, c.T("digest"), "digest", m);
  }
  std::ifstream in(fs::path(c.services.options.digest_dir) / f, std::ios::binary);
  if (!in) return Message(c, 404, c.T("not_found"), c.T("not_found_text"));
  std::ostringstream ss;
  ss << in.rdbuf();
  WebResponse r;
  r.body = ss.str();
  if (d->ext == "csv") {
    r.content_type = "text/csv; charset=utf-8";
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + f + "\"");
    r.headers.emplace_back("Content-Security-Policy", std::string(kSandboxCsp));
  } else {
    r.headers.emplace_back("Content-Security-Policy", std::string(kDigestCsp));
  }
  c.Audit("export", f, "ok", "digest via web");
  return r;
}

}  // namespace adwatch::web::internal
