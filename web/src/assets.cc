// The embedded stylesheet and script, served under names that carry their content hash so that
// browsers may keep them for a year.
#include <string>

#include "adwatch/common/hash.h"
#include "web_internal.h"

namespace adwatch::web::internal {

extern const std::string_view kAppCss;
extern const std::string_view kAppJs;

namespace {

struct Asset {
  std::string url;
  std::string_view body;
  std::string_view content_type;
};

const Asset& Css() {
  static const Asset a{"/static/app-" + Sha256Hex(kAppCss).substr(0, 12) + ".css", kAppCss,
                       "text/css; charset=utf-8"};
  return a;
}

const Asset& Js() {
  static const Asset a{"/static/app-" + Sha256Hex(kAppJs).substr(0, 12) + ".js", kAppJs,
                       "text/javascript; charset=utf-8"};
  return a;
}

}  // namespace

const std::string& CssUrl() { return Css().url; }
const std::string& JsUrl() { return Js().url; }

std::optional<WebResponse> StaticAsset(std::string_view path) {
  for (const Asset* a : {&Css(), &Js()}) {
    if (path != a->url) continue;
    WebResponse r;
    r.content_type = std::string(a->content_type);
    r.body = std::string(a->body);
    r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
    return r;
  }
  return std::nullopt;
}

}  // namespace adwatch::web::internal
