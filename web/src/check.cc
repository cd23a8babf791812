// The NGO check page (/check): a link or a pasted text goes to the API's POST /v1/submissions;
// its result page (/check/{id}) shows the verdict in plain words a caseworker can print and show
// the family. The organisation's own past checks are listed under the form; another
// organisation's check reads exactly like a missing one (the API's 404).
#include <set>

#include "adwatch/common/escape.h"
#include "web_internal.h"

namespace adwatch::web::internal {
namespace {

WebResponse CheckForm(Context& c, int status, std::string_view error, const std::string& url,
                      const std::string& text) {
  std::string m = "<h1>" + H(c.T("check_title")) + "</h1><p>" + H(c.T("check_help")) + "</p>";
  if (!error.empty()) m += "<p class=\"error\" role=\"alert\">" + H(error) + "</p>";
  m += "<form method=\"post\" action=\"/check\" class=\"check\">" + CsrfField(c);
  m += "<label for=\"filter\">" + H(c.T("check_url")) +
       "</label><input id=\"filter\" name=\"url\" type=\"url\" inputmode=\"url\" "
       "maxlength=\"8192\" placeholder=\"https://\" value=\"" +
       H(url) + "\" class=\"wide\">";
  m += "<label for=\"text\">" + H(c.T("check_text")) +
       "</label><textarea id=\"text\" name=\"text\" rows=\"8\">" + H(text) + "</textarea>";
  m += "<p><button type=\"submit\">" + H(c.T("check_submit")) + "</button></p></form>";

  const api::ApiResponse r = c.Api("GET", "/v1/submissions?limit=50");
  m += "<h2>" + H(c.T("past_checks")) + "</h2>";
  const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  if (r.status != 200 || !j.contains("items") || j["items"].empty()) {
    m += "<p class=\"sub\">" + H(c.T("no_past_checks")) + "</p>";
  } else {
    m += "<table id=\"past\"><thead><tr><th>" + H(c.T("col_when")) + "</th><th>" +
         H(c.T("col_what")) + "</th><th>" + H(c.T("col_status")) + "</th></tr></thead><tbody>";
    for (const auto& s : j["items"]) {
      const std::string what = s.contains("url") ? s.value("url", "") : s.value("text_preview", "");
      m += "<tr><td>" + H(s.value("created_at", "")) + "</td><td><a href=\"/check/" +
           UrlEncode(s.value("id", "")) + "\">" + H(Collapse(what, 120)) + "</a></td><td>" +
           H(c.T("status_" + s.value("status", "queued"))) + "</td></tr>";
    }
    m += "</tbody></table>";
  }
  return Page(c, status, c.T("check_title"), "check", m);
}

}  // namespace

WebResponse CheckPage(Context& c) { return CheckForm(c, 200, "", "", ""); }

WebResponse PostCheck(Context& c) {
  std::string url = c.Form("url").value_or("");
  const std::string text = c.Form("text").value_or("");
  while (!url.empty() && (url.back() == ' ' || url.back() == '\n' || url.back() == '\r'))
    url.pop_back();
  while (!url.empty() && url.front() == ' ') url.erase(0, 1);
  const bool has_url = !url.empty(), has_text = !Collapse(text, 16).empty();
  if (has_url == has_text) {
    return CheckForm(c, 400, c.T(has_url ? "check_one" : "check_none"), url, text);
  }
  nlohmann::json body;
  if (has_url) {
    body["url"] = url;
  } else {
    body["text"] = text;
  }
  const api::ApiResponse r =
      c.Api("POST", "/v1/submissions",
            body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (r.status != 202) return CheckForm(c, r.status, ApiMessage(r), url, text);
  const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  return Redirect("/check/" + UrlEncode(j.value("id", "")));
}

WebResponse CheckResultPage(Context& c) {
  const std::string& id = c.params[0];
  const api::ApiResponse r = c.Api("GET", "/v1/submissions/" + id);
  if (r.status == 404) return Message(c, 404, c.T("not_found"), c.T("check_not_found"));
  if (r.status != 200) return Message(c, r.status, c.T("error"), ApiMessage(r));
  const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  const std::string status = j.value("status", "queued");
  std::string m = "<h1>" + H(c.T("check_result")) + "</h1>";
  m += "<p class=\"sub\">" + H(c.T("col_when")) + ": " + H(j.value("created_at", "")) + "</p>";
  const std::string what = j.contains("url") ? j.value("url", "") : j.value("text_preview", "");
  m += "<p><strong>" + H(c.T(j.contains("url") ? "check_url" : "check_text")) + ":</strong> " +
       H(what) + "</p>";
  std::string head;
  if (status == "queued" || status == "fetching") {
    // No script needed: the page reloads itself until the verdict is there.
    head = "<meta http-equiv=\"refresh\" content=\"2\">";
    m += "<p class=\"big\" role=\"status\" id=\"pending\">" + H(c.T("check_pending")) + "</p>";
  } else if (status == "failed") {
    m += "<p class=\"error\" role=\"alert\">" + H(c.T("check_failed")) + " " +
         H(j.value("reason", "")) + "</p>";
  } else if (j.contains("result") && j["result"].is_object()) {
    const auto& res = j["result"];
    const auto& v = res["verdict"];
    const std::string level = v.value("level", "none");
    m += "<section class=\"verdict v-" + H(level) + "\" id=\"verdict\"><p class=\"big\">" +
         H(c.T("risk")) + ": " + LevelBadge(c, level) + "</p><p>" + H(res.value("summary", "")) +
         "</p>";
    std::set<std::string> seen;
    std::string reasons;
    for (int pass = 0; pass < 2; ++pass) {
      for (const auto& h : v["hits"]) {
        if ((h.value("view", "") == "meta") != (pass == 1) || h.value("negated", false)) continue;
        const std::string d = h.value("description", "");
        if (d.empty() || !seen.insert(d).second) continue;
        reasons += "<li>" + H(d) + "</li>";
      }
    }
    if (!reasons.empty()) {
      m += "<h2>" + H(c.T("reasons")) + "</h2><ul id=\"check-reasons\">" + reasons + "</ul>";
    }
    if (!res["contacts"].empty()) {
      m += "<h2>" + H(c.T("contacts")) + "</h2><ul>";
      for (const auto& k : res["contacts"]) {
        const std::string kind = k.value("kind", "phone");
        m += "<li>" + H(c.T(kind == "whatsapp" || kind == "phone" ? kind : kind)) + " <strong>" +
             H(k.value("value", "")) + "</strong></li>";
      }
      m += "</ul>";
      const int64_t n = res.value("other_flagged_ads_sharing_a_contact", int64_t{0});
      m += "<p id=\"shared\">" + H(c.T("shared_before")) + " <strong>" + std::to_string(n) +
           "</strong> " + H(c.T("shared_after")) + "</p>";
    }
    m += "<p class=\"sub\">" + H(c.T("check_disclaimer")) + "</p></section>";
  }
  m += "<p class=\"noprint\"><a href=\"/check\">" + H(c.T("check_another")) + "</a></p>";
  return Page(c, 200, c.T("check_result"), "check-result", m, head);
}

}  // namespace adwatch::web::internal
