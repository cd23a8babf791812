// One ad (/review/ads/{id}): the text once with every evidence span highlighted and each reason
// listed once beside its spans; contacts with links to every ad carrying them and the
// deconfliction notes on them; the recruiter network as an inline SVG; the page as fetched in a
// sandboxed frame with its SHA-256; the verdict history; the labels and who set them.
#include <algorithm>
#include <map>
#include <set>

#include "adwatch/common/escape.h"
#include "adwatch/common/names.h"
#include "adwatch/common/time.h"
#include "adwatch/storage/ids.h"
#include "adwatch/storage/store.h"
#include "web_internal.h"

namespace adwatch::web::internal {
namespace {

constexpr size_t kMaxNetworkAds = 12;

struct Reason {
  std::string text;
  bool negated = true;                              // every hit behind it was negated
  std::vector<std::pair<std::string, Span>> spans;  // field, span; distinct, in text order
  bool combination = false;  // a meta rule whose spans all belong to other reasons
};

// Each reason once: hits with the same description are one reason; a span is listed under the
// first (strongest) reason that has it, so meta rules do not repeat the spans of their parts.
std::vector<Reason> Reasons(const Verdict& v, bool english) {
  std::vector<Reason> out;
  std::map<std::string, size_t> by_text;
  std::set<std::tuple<std::string, uint32_t, uint32_t>> taken;
  // Rules that read the text first, meta rules (combinations) after, each by weight.
  std::vector<const Hit*> hits;
  for (const Hit& h : v.hits) hits.push_back(&h);
  std::stable_sort(hits.begin(), hits.end(), [](const Hit* a, const Hit* b) {
    return (a->view == "meta") < (b->view == "meta");
  });
  for (const Hit* h : hits) {
    std::string text = english ? h->describe_en : h->describe_id;
    if (text.empty()) text = english ? h->describe_id : h->describe_en;
    if (text.empty()) text = h->rule_id;
    auto [it, fresh] = by_text.emplace(text, out.size());
    if (fresh) out.push_back(Reason{text});
    Reason& r = out[it->second];
    r.negated = r.negated && h->negated;
    for (const Evidence& e : h->evidence) {
      if (e.span.end <= e.span.begin) continue;
      if (!taken.emplace(e.field, e.span.begin, e.span.end).second) continue;
      r.spans.emplace_back(e.field, e.span);
    }
    if (h->view == "meta" && r.spans.empty()) r.combination = true;
  }
  for (Reason& r : out) {
    std::sort(r.spans.begin(), r.spans.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second.begin < b.second.begin;
    });
  }
  return out;
}

std::string SpanText(const AdCandidate& ad, const std::string& field, Span s) {
  const std::string& t = field == "title" ? ad.title : ad.text;
  if (s.begin >= t.size()) return "";
  return t.substr(s.begin, std::min<size_t>(s.end, t.size()) - s.begin);
}

// `text` with the spans of `field` marked, each run followed by the numbers of its reasons.
std::string Highlight(const std::string& text, const std::string& field,
                      const std::vector<Reason>& reasons) {
  struct Mark {
    uint32_t begin, end;
    size_t reason;
  };
  std::vector<Mark> marks;
  for (size_t i = 0; i < reasons.size(); ++i) {
    for (const auto& [f, s] : reasons[i].spans) {
      if (f != field || s.begin >= text.size()) continue;
      marks.push_back({s.begin, std::min<uint32_t>(s.end, static_cast<uint32_t>(text.size())), i});
    }
  }
  std::sort(marks.begin(), marks.end(),
            [](const Mark& a, const Mark& b) { return a.begin < b.begin; });
  std::string out;
  size_t pos = 0, i = 0;
  while (i < marks.size()) {
    // One run: overlapping marks merged.
    uint32_t begin = std::max<uint32_t>(marks[i].begin, static_cast<uint32_t>(pos));
    uint32_t end = marks[i].end;
    std::set<size_t> rs{marks[i].reason};
    size_t j = i + 1;
    while (j < marks.size() && marks[j].begin < end) {
      end = std::max(end, marks[j].end);
      rs.insert(marks[j].reason);
      ++j;
    }
    i = j;
    if (end <= begin) continue;
    AppendHtmlEscaped(std::string_view(text).substr(pos, begin - pos), out);
    out += "<mark>";
    AppendHtmlEscaped(std::string_view(text).substr(begin, end - begin), out);
    out += "</mark><sup class=\"rn\">";
    bool first = true;
    for (size_t r : rs) {
      out += (first ? "" : ",") + std::to_string(r + 1);
      first = false;
    }
    out += "</sup>";
    pos = end;
  }
  AppendHtmlEscaped(std::string_view(text).substr(std::min(pos, text.size())), out);
  return out;
}

std::string Utc(int64_t ms) { return ms > 0 ? FormatUtc(ms) : "—"; }

}  // namespace

WebResponse AdPage(Context& c) {
  const std::string& id = c.params[0];
  const api::ApiResponse r = c.Api("GET", "/v1/ads/" + id);
  if (r.status == 404) return Message(c, 404, c.T("not_found"), c.T("ad_not_found"));
  if (r.status != 200) return Message(c, r.status, c.T("error"), ApiMessage(r));
  const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  storage::Store& store = c.services.api.store;
  auto rec_or = store.GetAd(id);
  if (!rec_or) return Message(c, 503, c.T("error"), c.T("error_store"));
  const AdRecord& rec = *rec_or;
  const Verdict& v = rec.verdict;
  const bool police = c.session->token.role == Role::kPolice;
  const std::string from = c.Query("from").value_or("");
  const std::string from_q = from.empty() ? "" : "?from=" + UrlEncode(from);

  std::string m;
  // Where this ad sits in the queue it was opened from: previous and next.
  m += "<nav class=\"pager noprint\" aria-label=\"" + H(c.T("queue_nav")) +
       "\"><a data-queue href=\"/review" + (from.empty() ? "" : "?" + H(from)) + "\">← " +
       H(c.T("back_to_queue")) + "</a>";
  {
    const api::ApiResponse list =
        c.Api("GET", "/v1/ads?" + (from.empty() ? std::string() : from + "&") + "limit=100");
    const nlohmann::json lj = nlohmann::json::parse(list.body, nullptr, false);
    if (list.status == 200 && lj.contains("items")) {
      const auto& items = lj["items"];
      for (size_t i = 0; i < items.size(); ++i) {
        if (items[i].value("id", "") != id) continue;
        if (i > 0) {
          m += "<a rel=\"prev\" href=\"/review/ads/" + UrlEncode(items[i - 1].value("id", "")) +
               H(from_q) + "\">" + H(c.T("previous")) + " <kbd>k</kbd></a>";
        }
        if (i + 1 < items.size()) {
          m += "<a rel=\"next\" href=\"/review/ads/" + UrlEncode(items[i + 1].value("id", "")) +
               H(from_q) + "\">" + H(c.T("next")) + " <kbd>j</kbd></a>";
        }
        break;
      }
    }
  }
  m += "</nav>";

  const std::string title = rec.ad.title.empty() ? id : Collapse(rec.ad.title, 200);
  m += "<h1>" + H(title) + "</h1>";
  m += "<p><span class=\"score\">" + std::to_string(v.score) + "</span> " +
       LevelBadge(c, Name(v.level)) + " · " + H(c.T("kind_" + std::string(Name(v.kind))));
  if (v.pattern != Pattern::kOther) m += " · " + H(PatternTitle(v.pattern, c.English()));
  m += "</p>";

  // Deconfliction notes first: someone may already be on this.
  std::vector<std::string> terms;
  for (const Contact& k : v.entities.contacts) {
    const std::string t = storage::ContactTerm(k);
    if (std::find(terms.begin(), terms.end(), t) == terms.end()) terms.push_back(t);
  }
  std::map<std::string, std::vector<Note>> notes;
  if (police) {
    for (const std::string& t : terms) notes[t] = NotesFor(store, t);
    for (const auto& [t, ns] : notes) {
      for (const Note& n : ns) {
        m += "<div class=\"deconf\" role=\"note\"><strong>" + H(c.T("deconf")) + "</strong> " +
             H(t) + ": " + H(n.text) + " <span class=\"sub\">— " + H(n.author) + " (" + H(n.org) +
             "), " + H(Utc(n.at_ms)) + "</span></div>";
      }
    }
  }

  m += "<div class=\"grid\"><div>";
  // The ad text once, the evidence highlighted, and the reasons beside it.
  const std::vector<Reason> reasons = Reasons(v, c.English());
  m += "<h2>" + H(c.T("ad_text")) + "</h2><div class=\"adtext\" id=\"adtext\">";
  if (!rec.ad.title.empty()) {
    m += "<div class=\"adtitle\">" + Highlight(rec.ad.title, "title", reasons) + "</div>";
  }
  m += Highlight(rec.ad.text, "body", reasons) + "</div>";
  m += "<h2>" + H(c.T("reasons")) + "</h2><ol class=\"reasons\" id=\"reasons\">";
  for (size_t i = 0; i < reasons.size(); ++i) {
    const Reason& rs = reasons[i];
    m += "<li><span class=\"rnum\">" + std::to_string(i + 1) + "</span>" + H(rs.text);
    if (rs.negated) m += " <span class=\"sub\">(" + H(c.T("negated")) + ")</span>";
    if (rs.combination) m += " <span class=\"sub\">(" + H(c.T("combination")) + ")</span>";
    std::set<std::string> quoted;  // the same words in the title and the body: quoted once
    for (const auto& [f, s] : rs.spans) {
      const std::string words = Collapse(SpanText(rec.ad, f, s), 120);
      if (!quoted.insert(words).second) continue;
      m += " <q class=\"ev\">" + H(words) + "</q>";
    }
    m += "</li>";
  }
  if (reasons.empty()) m += "<li>" + H(c.T("no_reasons")) + "</li>";
  m += "</ol>";

  // Labels.
  if (police) {
    m += "<h2 id=\"label\">" + H(c.T("label_it")) +
         "</h2><form method=\"post\" action=\"/review/ads/" + UrlEncode(id) + "/label\">" +
         CsrfField(c) + "<input type=\"hidden\" name=\"from\" value=\"" + H(from) +
         "\"><label for=\"note\">" + H(c.T("note")) +
         "</label><textarea id=\"note\" name=\"note\" maxlength=\"2000\" rows=\"2\"></textarea>"
         "<div class=\"labels\">";
    int key = 1;
    for (std::string_view l : {"confirmed", "legit", "news", "unsure"}) {
      m += "<button type=\"submit\" name=\"label\" value=\"" + std::string(l) + "\" data-key=\"" +
           std::to_string(key) + "\"" + (key == 1 ? "" : " class=\"secondary\"") + ">" +
           H(c.T("label_" + std::string(l))) + " <kbd>" + std::to_string(key) + "</kbd></button>";
      ++key;
    }
    m += "</div></form>";
  }
  // Who labelled what, when.
  m += "<h2 id=\"audit\">" + H(c.T("audit_trail")) + "</h2>";
  if (j["reviews"].empty()) {
    m += "<p class=\"sub\">" + H(c.T("not_reviewed")) + "</p>";
  } else {
    m += "<table id=\"reviews\"><thead><tr><th>" + H(c.T("col_when")) + "</th><th>" +
         H(c.T("col_label")) + "</th><th>" + H(c.T("col_who")) + "</th><th>" + H(c.T("note")) +
         "</th></tr></thead><tbody>";
    for (const auto& rv : j["reviews"]) {
      m += "<tr><td>" + H(rv.value("at", "")) + "</td><td>" +
           H(c.T("label_" + rv.value("label", "unsure"))) + "</td><td>" +
           H(rv.value("reviewer", "")) + "</td><td>" + H(rv.value("note", "")) + "</td></tr>";
    }
    m += "</tbody></table>";
  }
  m += "</div><div>";

  // Facts.
  m += "<h2>" + H(c.T("facts")) + "</h2><dl class=\"facts\">";
  auto fact = [&](std::string_view key, const std::string& html) {
    m += "<dt>" + H(c.T(key)) + "</dt><dd>" + html + "</dd>";
  };
  fact("col_score", std::to_string(v.score) + " " + LevelBadge(c, Name(v.level)));
  fact("ruleset", H(v.ruleset_version));
  fact("source", H(rec.ad.source));
  const std::string url = SafeHttpUrl(rec.ad.url);
  fact("url", url.empty() ? H(rec.ad.url)
                          : "<a href=\"" + H(url) +
                                "\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">" +
                                H(url) + "</a>");
  fact("first_seen", H(Utc(rec.first_seen_ms)));
  fact("last_seen", H(Utc(rec.last_seen_ms)));
  std::string regions;
  for (const std::string& reg : rec.regions) regions += (regions.empty() ? "" : ", ") + reg;
  fact("col_regions", H(regions.empty() ? "—" : regions));
  fact("ad_id", "<span class=\"hash\">" + H(id) + "</span>");
  m += "</dl>";

  // Contacts, each a link to every ad that carries it.
  std::map<std::string, size_t> others;
  for (const auto& bc : j["linked"]["by_contact"]) {
    others[bc.value("term", "")] = bc["ads"].size();
  }
  m += "<h2>" + H(c.T("contacts")) + "</h2><ul class=\"plain\" id=\"contacts\">";
  for (const std::string& t : terms) {
    std::string kind, value;
    const size_t colon = t.find(':');
    kind = t.substr(0, colon);
    value = colon == std::string::npos ? t : t.substr(colon + 1);
    m += "<li>" + H(c.T(kind == "tel" ? "phone" : kind)) + " ";
    if (police) {
      m += "<a href=\"/review/contact?term=" + UrlEncode(t) + "\">" + H(value) + "</a>";
    } else {
      m += "<strong>" + H(value) + "</strong>";
    }
    m += " <span class=\"sub\">(" + std::to_string(others[t]) + " " + H(c.T("other_ads")) +
         ")</span>";
    if (police) {
      m += "<details class=\"noprint\"><summary>" + H(c.T("add_note")) +
           "</summary><form method=\"post\" action=\"/review/notes\">" + CsrfField(c) +
           "<input type=\"hidden\" name=\"term\" value=\"" + H(t) +
           "\"><input type=\"hidden\" name=\"back\" value=\"/review/ads/" + H(UrlEncode(id)) +
           "\"><label for=\"n-" + H(UrlEncode(t)) + "\">" + H(c.T("note_help")) +
           "</label><textarea id=\"n-" + H(UrlEncode(t)) +
           "\" name=\"text\" maxlength=\"1000\" rows=\"2\" required></textarea><button "
           "type=\"submit\">" +
           H(c.T("save_note")) + "</button></form></details>";
    }
    m += "</li>";
  }
  if (terms.empty()) m += "<li class=\"sub\">" + H(c.T("no_contacts")) + "</li>";
  m += "</ul>";

  // The recruiter network: this ad, the ads sharing a contact or the text, their contacts.
  {
    NetGraph g;
    std::map<std::string, size_t> index;
    auto node = [&](const std::string& key, const std::string& label, bool is_ad, bool self) {
      auto [it, fresh] = index.emplace((is_ad ? "a|" : "c|") + key, g.nodes.size());
      if (fresh) g.nodes.push_back({key, label, is_ad, self});
      return it->second;
    };
    std::vector<std::string> ad_ids{id};
    for (const auto& bc : j["linked"]["by_contact"]) {
      for (const auto& a : bc["ads"]) ad_ids.push_back(a.get<std::string>());
    }
    for (const auto& a : j["linked"]["same_text"]) ad_ids.push_back(a.get<std::string>());
    std::set<std::string> seen;
    std::set<std::string> net_regions;
    int64_t first = rec.first_seen_ms, last = rec.last_seen_ms;
    size_t n_ads = 0;
    for (const std::string& aid : ad_ids) {
      if (!seen.insert(aid).second || n_ads >= kMaxNetworkAds) continue;
      auto other = aid == id ? Result<AdRecord>(rec) : store.GetAd(aid);
      if (!other) continue;
      ++n_ads;
      const size_t a =
          node(aid, Collapse(other->ad.title.empty() ? aid : other->ad.title, 28), true, aid == id);
      for (const std::string& reg : other->regions) net_regions.insert(reg);
      if (other->first_seen_ms > 0) first = std::min(first, other->first_seen_ms);
      last = std::max(last, other->last_seen_ms);
      for (const Contact& k : other->verdict.entities.contacts) {
        const std::string t = storage::ContactTerm(k);
        const size_t cn = node(t, k.value, false, false);
        if (std::find(g.edges.begin(), g.edges.end(), std::make_pair(a, cn)) == g.edges.end())
          g.edges.emplace_back(a, cn);
      }
    }
    m += "<h2>" + H(c.T("network")) + "</h2>";
    if (n_ads <= 1) {
      m += "<p class=\"sub\">" + H(c.T("network_none")) + "</p>";
    } else {
      m += NetworkSvg(g, c.T("network"));
      std::string rl;
      for (const std::string& reg : net_regions) rl += (rl.empty() ? "" : ", ") + reg;
      m += "<dl class=\"facts\"><dt>" + H(c.T("network_ads")) + "</dt><dd>" +
           std::to_string(n_ads) + "</dd><dt>" + H(c.T("col_regions")) + "</dt><dd>" +
           H(rl.empty() ? "—" : rl) + "</dd><dt>" + H(c.T("first_seen")) + "</dt><dd>" +
           H(Utc(first)) + "</dd><dt>" + H(c.T("last_seen")) + "</dt><dd>" + H(Utc(last)) +
           "</dd></dl>";
      m += "<ul class=\"plain\">";
      for (const NetNode& nd : g.nodes) {
        if (!nd.is_ad || nd.self) continue;
        m += "<li><a href=\"/review/ads/" + UrlEncode(nd.id) + "\">" + H(nd.label) + "</a></li>";
      }
      m += "</ul>";
    }
  }

  // The page as fetched.
  m += "<h2>" + H(c.T("evidence")) + "</h2>";
  if (j.contains("page") && j["page"].is_object()) {
    const auto& p = j["page"];
    m += "<dl class=\"facts\"><dt>" + H(c.T("fetched_at")) + "</dt><dd>" +
         H(p.value("fetched_at", "")) + "</dd><dt>URL</dt><dd class=\"hash\">" +
         H(p.value("final_url", "")) + "</dd><dt>HTTP</dt><dd>" +
         std::to_string(p.value("http_status", 0)) +
         "</dd><dt>SHA-256</dt><dd class=\"hash\" "
         "id=\"sha256\">" +
         H(p.value("body_sha256_at_fetch", "")) + "</dd><dt>" + H(c.T("bytes")) + "</dt><dd>" +
         std::to_string(p.value("body_bytes", 0)) + "</dd></dl>";
    if (police) {
      if (p.contains("body_dropped_at")) {
        m += "<p class=\"sub\">" + H(c.T("body_dropped")) + " " +
             H(p.value("body_dropped_at", "")) + "</p>";
      } else {
        m += "<iframe class=\"raw\" sandbox src=\"/review/ads/" + UrlEncode(id) +
             "/raw\" title=\"" + H(c.T("raw_title")) +
             "\" referrerpolicy=\"no-referrer\"></iframe>";
        m += "<p class=\"noprint\"><a href=\"/review/ads/" + UrlEncode(id) + "/raw?download=1\">" +
             H(c.T("download_raw")) + "</a></p>";
      }
      m += "<p class=\"noprint\"><a class=\"button\" href=\"/review/ads/" + UrlEncode(id) +
           "/evidence\">" + H(c.T("download_evidence")) + "</a></p>";
    }
  } else {
    m += "<p class=\"sub\">" + H(c.T("no_page")) + "</p>";
  }

  // Verdict history.
  if (auto hist = store.VerdictHistory(id); hist && !hist->empty()) {
    m += "<h2>" + H(c.T("history")) + "</h2><table><thead><tr><th>#</th><th>" + H(c.T("col_when")) +
         "</th><th>" + H(c.T("col_score")) + "</th><th>" + H(c.T("ruleset")) + "</th><th>" +
         H(c.T("cause")) + "</th></tr></thead><tbody>";
    for (auto it = hist->rbegin(); it != hist->rend(); ++it) {
      m += "<tr><td>" + std::to_string(it->rev) + "</td><td>" + H(Utc(it->at_ms)) + "</td><td>" +
           std::to_string(it->verdict.score) + " " + LevelBadge(c, Name(it->verdict.level)) +
           "</td><td>" + H(it->verdict.ruleset_version) + "</td><td>" + H(it->cause) + "</td></tr>";
    }
    m += "</tbody></table>";
  }
  // Reposts: the same text elsewhere.
  if (!j["linked"]["same_text"].empty()) {
    m += "<h2>" + H(c.T("reposts")) + "</h2><ul class=\"plain\">";
    for (const auto& a : j["linked"]["same_text"]) {
      m += "<li><a href=\"/review/ads/" + UrlEncode(a.get<std::string>()) + "\">" +
           H(a.get<std::string>()) + "</a></li>";
    }
    m += "</ul>";
  }
  m += "</div></div>";
  return Page(c, 200, title, "ad", m);
}

// The page as fetched, only ever with a sandbox CSP (a unique origin: no script, no form, no
// request), shown in <iframe sandbox>; or as a download.
WebResponse RawPage(Context& c) {
  const std::string& id = c.params[0];
  const api::ApiResponse r = c.Api("GET", "/v1/ads/" + id);
  if (r.status != 200)
    return Message(c, r.status == 404 ? 404 : r.status, c.T("error"), ApiMessage(r));
  storage::Store& store = c.services.api.store;
  auto rec = store.GetAd(id);
  if (!rec || rec->page_id.empty()) return Message(c, 404, c.T("not_found"), c.T("no_page"));
  auto page = store.GetPage(rec->page_id, /*with_body=*/true);
  if (!page) {
    if (page.error().code() == Status::Code::kCorruption) {
      return Message(c, 500, c.T("error"), c.T("evidence_corrupt"));
    }
    return Message(c, 503, c.T("error"), c.T("error_store"));
  }
  c.Audit("evidence.view", id, "ok", "raw page");
  WebResponse out;
  out.body = page->fetch.body;
  const bool download = c.Query("download").value_or("") == "1";
  if (download) {
    out.content_type = "application/octet-stream";
    out.headers.emplace_back("Content-Disposition", "attachment; filename=\"page-" +
                                                        rec->page_id.substr(0, 16) + ".bin\"");
  } else {
    std::string ct = page->fetch.content_type;
    const bool html = ct.find("html") != std::string::npos;
    out.content_type = html ? (ct.find("charset") != std::string::npos ? ct : "text/html")
                            : "text/plain; charset=utf-8";
    if (ct.find_first_of("\r\n") != std::string::npos) out.content_type = "text/plain";
  }
  out.headers.emplace_back("Content-Security-Policy", std::string(kSandboxCsp));
  out.headers.emplace_back("Cache-Control", "no-store");
  return out;
}

WebResponse EvidenceDownload(Context& c) {
  const api::ApiResponse r = c.Api("GET", "/v1/ads/" + c.params[0] + "/evidence");
  if (r.status != 200) return Message(c, r.status, c.T("error"), ApiMessage(r));
  WebResponse out;
  out.content_type = r.content_type;
  out.body = r.body;
  for (const auto& [k, v] : r.headers) {
    if (k == "Content-Disposition") out.headers.emplace_back(k, v);
  }
  out.headers.emplace_back("Content-Security-Policy", std::string(kSandboxCsp));
  return out;
}

WebResponse PostLabel(Context& c) {
  const std::string& id = c.params[0];
  const std::string label = c.Form("label").value_or("");
  nlohmann::json body = {{"label", label}};
  const std::string note = c.Form("note").value_or("");
  if (!note.empty()) body["note"] = note;
  const api::ApiResponse r = c.Api("POST", "/v1/ads/" + id + "/review", body.dump());
  if (r.status != 201) return Message(c, r.status, c.T("error"), ApiMessage(r));
  const std::string from = c.Form("from").value_or("");
  return Redirect("/review/ads/" + UrlEncode(id) +
                  (from.empty() ? "" : "?from=" + UrlEncode(from)) + "#audit");
}

WebResponse PostNote(Context& c) {
  Note n;
  n.term = c.Form("term").value_or("");
  n.text = Collapse(c.Form("text").value_or(""), 1000);
  n.org = c.session->token.org;
  n.author = c.session->token.label;
  n.at_ms = c.now_ms;
  if (n.term.empty() || n.term.size() > 200 || n.term.find('|') != std::string::npos ||
      n.text.empty()) {
    return Message(c, 400, c.T("error"), c.T("note_bad"));
  }
  if (Status s = AddNote(c.services.api.store, n); !s.ok()) {
    return Message(c, 503, c.T("error"), c.T("error_store"));
  }
  c.Audit("note.add", n.term, "ok", n.text);
  std::string back = c.Form("back").value_or("/review");
  if (back.rfind("/review", 0) != 0 || back.find_first_of("\r\n") != std::string::npos)
    back = "/review";
  return Redirect(back);
}

// Every ad carrying a contact, with the notes on it.
WebResponse ContactPage(Context& c) {
  storage::Store& store = c.services.api.store;
  const std::string term = storage::ContactTermFromQuery(c.Query("term").value_or(""));
  std::string m = "<h1>" + H(c.T("contact")) + ": " + H(term) + "</h1>";
  for (const Note& n : NotesFor(store, term)) {
    m += "<div class=\"deconf\" role=\"note\"><strong>" + H(c.T("deconf")) + "</strong> " +
         H(n.text) + " <span class=\"sub\">— " + H(n.author) + " (" + H(n.org) + "), " +
         H(Utc(n.at_ms)) + "</span></div>";
  }
  m +=
      "<form method=\"post\" action=\"/review/notes\" class=\"noprint\">" + CsrfField(c) +
      "<input type=\"hidden\" name=\"term\" value=\"" + H(term) +
      "\"><input type=\"hidden\" name=\"back\" value=\"/review/contact?term=" + H(UrlEncode(term)) +
      "\"><label for=\"note-text\">" + H(c.T("note_help")) +
      "</label><textarea id=\"note-text\" name=\"text\" maxlength=\"1000\" rows=\"2\" "
      "required></textarea><button type=\"submit\">" +
      H(c.T("save_note")) + "</button></form>";
  auto ids = store.AdsWithContact(term);
  if (!ids) return Message(c, 503, c.T("error"), c.T("error_store"));
  m += "<h2>" + H(c.T("ads_with_contact")) + " (" + std::to_string(ids->size()) +
       ")</h2><table><thead><tr><th>" + H(c.T("col_score")) + "</th><th>" + H(c.T("col_ad")) +
       "</th><th class=\"hide-phone\">" + H(c.T("col_regions")) + "</th><th>" + H(c.T("col_day")) +
       "</th></tr></thead><tbody>";
  size_t shown = 0;
  for (const std::string& id : *ids) {
    if (++shown > 500) break;
    auto rec = store.GetAd(id);
    if (!rec) continue;
    std::string regions;
    for (const std::string& reg : rec->regions) regions += (regions.empty() ? "" : ", ") + reg;
    m += "<tr><td><span class=\"score\">" + std::to_string(rec->verdict.score) + "</span> " +
         LevelBadge(c, Name(rec->verdict.level)) + "</td><td><a href=\"/review/ads/" +
         UrlEncode(id) + "\">" + H(Collapse(rec->ad.title.empty() ? id : rec->ad.title, 200)) +
         "</a><div class=\"sub\">" + H(SiteOfUrl(rec->ad.url)) +
         "</div></td><td class=\"hide-phone\">" + H(regions) + "</td><td>" +
         H(store.DayOf(rec->first_seen_ms)) + "</td></tr>";
  }
  m += "</tbody></table>";
  return Page(c, 200, c.T("contact"), "contact", m);
}

}  // namespace adwatch::web::internal
