// The review queue (/review): the API's GET /v1/ads with the filters of a form, as a table,
// highest risk first. Reposts are already folded by the queue index (each text once, on its
// first ad); the row says how many reposts it stands for.
#include "adwatch/common/names.h"
#include "adwatch/common/time.h"
#include "adwatch/storage/store.h"
#include "web_internal.h"

namespace adwatch::web::internal {
namespace {

constexpr std::string_view kFilterNames[] = {"day",       "since", "until",  "region",
                                             "min_level", "label", "source", "pattern"};

std::string Option(std::string_view value, std::string_view text, const std::string& current) {
  return "<option value=\"" + H(value) + "\"" + (current == value ? " selected" : "") + ">" +
         H(text) + "</option>";
}

}  // namespace

std::string LevelBadge(const Context& c, std::string_view level) {
  const std::string key = "level_" + std::string(level);
  return "<span class=\"lvl lvl-" + H(level) + "\">" + H(c.T(key)) + "</span>";
}

WebResponse QueuePage(Context& c) {
  storage::Store& store = c.services.api.store;
  const bool police = c.session->token.role == Role::kPolice;
  // The filters, as given; with no day at all, the last 30 days.
  std::vector<std::pair<std::string, std::string>> filters;
  for (std::string_view name : kFilterNames) {
    auto v = c.Query(name);
    if (v && !v->empty()) filters.emplace_back(std::string(name), *v);
  }
  auto has = [&](std::string_view n) {
    for (const auto& [k, v] : filters) {
      if (k == n) return true;
    }
    return false;
  };
  auto get = [&](std::string_view n) {
    for (const auto& [k, v] : filters) {
      if (k == n) return v;
    }
    return std::string();
  };
  if (!has("day") && !has("since") && !has("until")) {
    const std::string today = store.DayOf(c.now_ms);
    filters.emplace_back("since", LocalDays::AddDays(today, -29));
    filters.emplace_back("until", today);
  } else if (has("since") && !has("until")) {
    filters.emplace_back("until", store.DayOf(c.now_ms));
  } else if (has("until") && !has("since")) {
    filters.emplace_back("since", get("until"));
  }
  std::string filter_query;
  for (const auto& [k, v] : filters) {
    filter_query += (filter_query.empty() ? "" : "&") + k + "=" + UrlEncode(v);
  }
  const std::string cursor = c.Query("cursor").value_or("");
  const size_t page = c.services.options.queue_page_size;
  std::string target = "/v1/ads?" + filter_query + "&limit=" + std::to_string(page);
  if (!cursor.empty()) target += "&cursor=" + UrlEncode(cursor);
  const api::ApiResponse r = c.Api("GET", target);

  std::string m = "<h1>" + H(c.T(police ? "queue_title" : "ads_title")) + "</h1>";
  // The filter form.
  m += "<form method=\"get\" action=\"/review\" class=\"filters\" role=\"search\" aria-label=\"" +
       H(c.T("filters")) + "\">";
  const std::string since = get("since"), until = get("until");
  m += "<div><label for=\"filter\">" + H(c.T("f_since")) +
       "</label><input id=\"filter\" name=\"since\" type=\"date\" value=\"" +
       H(has("day") ? get("day") : since) + "\"></div>";
  m += "<div><label for=\"f-until\">" + H(c.T("f_until")) +
       "</label><input id=\"f-until\" name=\"until\" type=\"date\" value=\"" +
       H(has("day") ? get("day") : until) + "\"></div>";
  m += "<div><label for=\"f-level\">" + H(c.T("f_level")) +
       "</label><select id=\"f-level\" name=\"min_level\">";
  const std::string level = get("min_level");
  m += Option("", c.T("any"), level);
  for (std::string_view l : {"low", "medium", "high"}) {
    m += Option(l, std::string(c.T("level_" + std::string(l))) + " +", level);
  }
  m += "</select></div>";
  m += "<div><label for=\"f-label\">" + H(c.T("f_label")) +
       "</label><select id=\"f-label\" name=\"label\">";
  const std::string label = get("label");
  m += Option("", c.T("any"), label);
  m += Option("none", c.T("not_reviewed"), label);
  for (std::string_view l : {"confirmed", "legit", "news", "unsure", "released"}) {
    m += Option(l, c.T("label_" + std::string(l)), label);
  }
  m += "</select></div>";
  m += "<div><label for=\"f-pattern\">" + H(c.T("f_pattern")) +
       "</label><select id=\"f-pattern\" name=\"pattern\">";
  const std::string pattern = get("pattern");
  m += Option("", c.T("any"), pattern);
  for (Pattern p : AllPatterns()) {
    if (p == Pattern::kOther) continue;
    m += Option(Name(p), PatternTitle(p, c.English()), pattern);
  }
  m += "</select></div>";
  if (police) {
    m += "<div><label for=\"f-region\">" + H(c.T("f_region")) +
         "</label><input id=\"f-region\" name=\"region\" placeholder=\"id.kepri\" value=\"" +
         H(get("region")) + "\"></div>";
  } else {
    m += "<div><label for=\"f-region\">" + H(c.T("f_region")) +
         "</label><select id=\"f-region\" name=\"region\">";
    m += Option("", c.T("all_my_regions"), get("region"));
    for (const std::string& reg : c.session->token.regions) m += Option(reg, reg, get("region"));
    m += "</select></div>";
  }
  m += "<div><label for=\"f-source\">" + H(c.T("f_source")) +
       "</label><input id=\"f-source\" name=\"source\" value=\"" + H(get("source")) + "\"></div>";
  m += "<div><button type=\"submit\">" + H(c.T("apply")) + "</button> <a href=\"/review\">" +
       H(c.T("reset")) + "</a></div></form>";
  m += "<p class=\"hint noprint\">" + H(c.T("queue_keys")) + "</p>";

  if (r.status != 200) {
    m += "<p class=\"error\" role=\"alert\">" + H(ApiMessage(r)) + "</p>";
    return Page(c, r.status == 403 ? 403 : 400, c.T("queue_title"), "queue", m);
  }
  const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  const nlohmann::json& items = j["items"];
  const size_t offset = cursor.empty() ? 0 : std::stoul(cursor);
  const size_t total = j.value("total_in_range", size_t{0});
  m += "<p class=\"counts\" id=\"counts\">" + H(c.T("count_in_range")) + ": <strong>" +
       std::to_string(total) + "</strong>";
  if (!items.empty()) {
    m += " · " + H(c.T("showing")) + " " + std::to_string(offset + 1) + "–" +
         std::to_string(offset + items.size());
  }
  m += "</p>";
  if (items.empty()) {
    m += "<p>" + H(c.T("queue_empty")) + "</p>";
  } else {
    m += "<table class=\"queue\"><thead><tr><th>" + H(c.T("col_score")) + "</th><th>" +
         H(c.T("col_ad")) + "</th><th class=\"hide-phone\">" + H(c.T("col_regions")) +
         "</th><th class=\"hide-phone\">" + H(c.T("col_day")) + "</th><th>" + H(c.T("col_label")) +
         "</th></tr></thead><tbody>";
    const std::string from = UrlEncode(filter_query);
    for (const nlohmann::json& it : items) {
      const std::string id = it.value("id", "");
      m += "<tr data-ad=\"" + H(id) + "\"><td><span class=\"score\">" +
           std::to_string(it.value("score", 0)) + "</span> " +
           LevelBadge(c, it.value("level", "none")) + "</td><td><a href=\"/review/ads/" +
           UrlEncode(id) + "?from=" + from + "\">" +
           H(it.value("title", "").empty() ? id : it.value("title", "")) + "</a>";
      m += "<div class=\"sub\">" + H(it.value("site", "")) + " · " + H(it.value("source", ""));
      const std::string pat = it.value("pattern", "other");
      if (auto p = ParsePattern(pat); p && *p != Pattern::kOther) {
        m += " · " + H(PatternTitle(*p, c.English()));
      }
      if (auto same = store.SameText(id); same && same->size() > 1) {
        m += " · " + H(c.T("reposts")) + ": " + std::to_string(same->size() - 1);
      }
      m += "</div><div class=\"sub hide-phone\">" + H(it.value("snippet", "")) + "</div></td>";
      std::string regions;
      for (const auto& reg : it["regions"]) {
        regions += (regions.empty() ? "" : ", ") + reg.get<std::string>();
      }
      m += "<td class=\"hide-phone\">" + H(regions) + "</td><td class=\"hide-phone\">" +
           H(it.value("day", "")) + "</td><td>";
      if (it["label"].is_string()) {
        m += H(c.T("label_" + it["label"].get<std::string>()));
      } else {
        m += "<span class=\"sub\">" + H(c.T("not_reviewed")) + "</span>";
      }
      m += "</td></tr>";
    }
    m += "</tbody></table>";
  }
  m += "<div class=\"pager\">";
  if (offset > 0) {
    const size_t prev = offset > page ? offset - page : 0;
    m += "<a rel=\"prev\" href=\"/review?" + H(filter_query) +
         (prev > 0 ? "&amp;cursor=" + std::to_string(prev) : "") + "\">← " + H(c.T("previous")) +
         "</a>";
  }
  if (j["next_cursor"].is_string()) {
    m += "<a rel=\"next\" href=\"/review?" + H(filter_query) +
         "&amp;cursor=" + H(UrlEncode(j["next_cursor"].get<std::string>())) + "\">" +
         H(c.T("next")) + " →</a>";
  }
  m += "</div>";
  return Page(c, 200, c.T(police ? "queue_title" : "ads_title"), "queue", m);
}

}  // namespace adwatch::web::internal
