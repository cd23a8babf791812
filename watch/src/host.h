// Hosts of URLs and domain suffixes, for domain entries. Private to watch/.
#ifndef ADWATCH_WATCH_SRC_HOST_H_
#define ADWATCH_WATCH_SRC_HOST_H_

#include <string>
#include <string_view>

namespace adwatch::watch {

// The lower-cased host of a URL or bare host ("https://User@Kerja.ID:8080/x?y" → "kerja.id"),
// without a trailing dot; "" when there is none.
inline std::string HostOf(std::string_view url) {
  if (const size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    url.remove_prefix(scheme + 3);
  }
  url = url.substr(0, url.find_first_of("/?#"));
  if (const size_t at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  if (!url.empty() && url.front() != '[') url = url.substr(0, url.find(':'));
  while (!url.empty() && url.back() == '.') url.remove_suffix(1);
  std::string out(url);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace adwatch::watch

#endif  // ADWATCH_WATCH_SRC_HOST_H_
