// UrlResolver: absolute link URLs from href values, against the page URL and <base href>.
// Resolution is curl's URL API (curl_url_set on a copy of the base); hrefs whose result is known
// without it — an absolute http(s) URL or a root-relative path, in plain ASCII and without dot
// segments — take a shortcut that gives curl's exact output (tested against curl).
#ifndef ADWATCH_EXTRACT_URL_RESOLVER_H_
#define ADWATCH_EXTRACT_URL_RESOLVER_H_

#include <curl/curl.h>

#include <string>
#include <string_view>

namespace adwatch::extract {

class UrlResolver {
 public:
  // `page_url` may be empty or unparsable; then only absolute hrefs resolve.
  explicit UrlResolver(std::string_view page_url);
  ~UrlResolver();
  UrlResolver(const UrlResolver&) = delete;
  UrlResolver& operator=(const UrlResolver&) = delete;

  // Makes `href`, resolved against the current base, the base for later calls (<base href>).
  // Returns false, leaving the base as it was, when it does not resolve to an http(s) URL.
  bool SetBase(std::string_view href);

  // The absolute URL of `href`, or "" for an empty href, a same-page "#fragment", a
  // javascript:, data:, vbscript:, about: or blob: URL, or one that does not parse. Other
  // non-HTTP schemes (mailto:, tel:, whatsapp:, tg:) come back as written, trimmed. Spaces,
  // controls and non-ASCII bytes are percent-encoded as browsers do.
  std::string Resolve(std::string_view href) const;

 private:
  void SetOrigin();

  CURLU* base_ = nullptr;  // null when there is no usable base
  std::string origin_;     // "https://host[:port]" of an http(s) base, else ""
};

}  // namespace adwatch::extract

#endif  // ADWATCH_EXTRACT_URL_RESOLVER_H_
