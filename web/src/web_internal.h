// Internal: what the pages share. One request's Context (the session, the language, the API
// call made with the user's token), the page shell, the strings table and the handlers.
#ifndef ADWATCH_WEB_SRC_WEB_INTERNAL_H_
#define ADWATCH_WEB_SRC_WEB_INTERNAL_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adwatch/web/web.h"

namespace adwatch::web::internal {

enum class Lang { kId, kEn };

// One request being answered.
struct Context {
  const WebRequest& request;
  WebServices& services;
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> form;  // POST bodies, decoded
  std::vector<std::string> params;                        // {id} segments of the route
  std::optional<Session> session;
  Lang lang = Lang::kId;
  int64_t now_ms = 0;

  std::optional<std::string> Query(std::string_view name) const;
  std::optional<std::string> Form(std::string_view name) const;
  bool English() const { return lang == Lang::kEn; }
  // The string `key` of the strings table in this request's language.
  std::string_view T(std::string_view key) const;
  // Calls the JSON API as the signed-in user (the session's token).
  api::ApiResponse Api(const std::string& method, const std::string& target,
                       const std::string& body = "") const;
  // Queues an audit event as the signed-in user.
  void Audit(std::string_view action, std::string_view object, std::string_view outcome,
             std::string_view detail = {}) const;
};

// The strings table: `key` in Indonesian or English. An unknown key returns the key itself (a
// test checks every key used exists).
std::string_view Text(Lang lang, std::string_view key);
bool HasText(std::string_view key);

// HtmlEscape, short.
std::string H(std::string_view text);
// Percent-encodes `text` for a query value or path segment.
std::string UrlEncode(std::string_view text);

// The Content-Security-Policy of every app page.
inline constexpr std::string_view kPageCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
// The CSP of content from outside shown in a frame (raw pages, digests): a sandbox with a unique
// origin, no script, no form, no request.
inline constexpr std::string_view kSandboxCsp =
    "sandbox; default-src 'none'; frame-ancestors 'self'";
inline constexpr std::string_view kDigestCsp =
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors "
    "'self'";

// The page shell around `main`: head with the stylesheet and script, the top bar with the
// user's pages, the language switch and sign-out. `page` names the page for the script.
WebResponse Page(const Context& c, int status, std::string_view title, std::string_view page,
                 const std::string& main, std::string_view head_extra = {});
// A page saying `message` with `status`.
WebResponse Message(const Context& c, int status, std::string_view title, std::string_view message);
WebResponse Redirect(std::string_view location);
// The hidden CSRF field of a form of this session.
std::string CsrfField(const Context& c);

// Static assets (embedded): the URL of the stylesheet and script, with their content hash.
const std::string& CssUrl();
const std::string& JsUrl();
// Answers /static/<name> or nullopt when no asset has that name.
std::optional<WebResponse> StaticAsset(std::string_view path);

// A level badge ("high" → a red TINGGI).
std::string LevelBadge(const Context& c, std::string_view level);
// The host of an http(s) URL (SafeHttpUrl), or "".
std::string SiteOfUrl(std::string_view url);

// An API error response's message, for showing.
std::string ApiMessage(const api::ApiResponse& r);

// Handlers.
WebResponse QueuePage(Context& c);
WebResponse AdPage(Context& c);
WebResponse RawPage(Context& c);
WebResponse EvidenceDownload(Context& c);
WebResponse PostLabel(Context& c);
WebResponse PostNote(Context& c);
WebResponse ContactPage(Context& c);
WebResponse CheckPage(Context& c);
WebResponse PostCheck(Context& c);
WebResponse CheckResultPage(Context& c);
WebResponse DigestsPage(Context& c);
WebResponse DigestFile(Context& c);

// Deconfliction notes on contacts (storage Table::kNotes, keyed "<term>|<at_ms 13 digits>|<id>").
struct Note {
  std::string term;
  std::string org;
  std::string author;
  std::string text;
  int64_t at_ms = 0;
};
std::vector<Note> NotesFor(const storage::Store& store, std::string_view term);
Status AddNote(storage::Store& store, const Note& note);

// The recruiter network around an ad, as a small inline SVG (no script).
struct NetNode {
  std::string id;     // ad id, or contact term
  std::string label;  // what is written
  bool is_ad = false;
  bool self = false;  // the ad the page shows
};
struct NetGraph {
  std::vector<NetNode> nodes;
  std::vector<std::pair<size_t, size_t>> edges;  // ad index, contact index
};
std::string NetworkSvg(const NetGraph& g, std::string_view title);

}  // namespace adwatch::web::internal

#endif  // ADWATCH_WEB_SRC_WEB_INTERNAL_H_
