// Scope: which URLs belong to which source of seeds.yaml. A source holds the hosts of its start
// URLs (or the hosts it names, with their subdomains), minus what its deny patterns match, and,
// when it has allow patterns, only what one of them matches. A link found on a page stays with the
// page's source when that source holds it, else goes to the first other source that does, else is
// out of scope. Pure decisions; no I/O.
// Not thread-safe: Add() must not run beside any other call. The const calls may run on several
// threads at once.
#ifndef ADWATCH_CRAWLER_SCOPE_H_
#define ADWATCH_CRAWLER_SCOPE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/common/records.h"
#include "adwatch/common/status.h"

namespace adwatch::crawler {

// One source of seeds.yaml: where to start and what is in scope.
struct SourceConfig {
  std::string name;
  SourceKind kind = SourceKind::kGeneric;
  std::vector<std::string> start_urls;
  // Hosts in scope ("example.com" also covers "www.example.com" and other subdomains). Empty: the
  // hosts of the start URLs.
  std::vector<std::string> allowed_hosts;
  bool any_host = false;                    // every host is in scope (NGO submissions)
  std::vector<std::string> allow_patterns;  // RE2 on the full URL; when set, a URL must match one
  std::vector<std::string> deny_patterns;   // RE2 on the full URL; a match is out of scope
  std::string ad_page_pattern;              // RE2: pages holding ads; "" means every page
  std::string listing_pattern;              // RE2: pages that only yield links; "" for none
  int max_depth = -1;                       // links followed from a start URL; -1: no limit
  int64_t max_pages = 0;                    // pages fetched per run; 0: no limit
  int64_t revisit_interval_s = 0;           // 0: never revisit
  std::string region_hint;                  // gazetteer region id for ads without a place
  int host_connections = 0;                 // 0: the crawler default
  int64_t host_delay_ms = -1;               // -1: the crawler default
  std::string proxy;                        // "" for none
  bool external = false;                    // URLs came from outside: the SSRF guard applies
};

// Returns InvalidArgument naming the source and field: no name, a start URL that is not http(s),
// a pattern RE2 rejects, a negative host_connections.
Status Validate(const SourceConfig& source);

// Where a link found on a page goes.
struct LinkPlacement {
  enum class Kind : uint8_t {
    kQueue,       // `task` is the link's task: its source, depth and external flag filled in
    kOutOfScope,  // no source holds the URL
    kTooDeep,     // its source holds it, but deeper than that source's max_depth
  };
  Kind kind = Kind::kOutOfScope;
  FetchTask task;
};

class Scope {
 public:
  // REQUIRES: Validate(s).ok() for every source; names are unique (a later duplicate is ignored).
  explicit Scope(const std::vector<SourceConfig>& sources = {});
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

  // Adds `source` unless a source of that name exists; returns the source under that name (the
  // existing one when there was one). The pointer stays valid and unchanged for the Scope's life.
  // REQUIRES: Validate(source).ok().
  std::shared_ptr<const SourceConfig> Add(const SourceConfig& source);

  // The source named `name`, or nullptr.
  std::shared_ptr<const SourceConfig> Find(std::string_view name) const;

  // True when the source named `source` holds the canonical URL `url`: its host is one of the
  // source's hosts (or the source takes any host), no deny pattern matches, and, when the source
  // has allow patterns, one matches. False for an unknown source.
  bool Holds(std::string_view source, const std::string& url) const;

  // The source a URL found under `from_source` belongs to: `from_source` itself when it holds the
  // URL, else the first other source (in the order added, any-host sources skipped) that holds
  // it, else nullptr.
  std::shared_ptr<const SourceConfig> SourceFor(const std::string& url,
                                                std::string_view from_source) const;

  // Where the canonical URL `url`, found on the page of `page`, goes. In its page's source it is
  // one level deeper than the page; in another source it starts that source's depth at 0.
  LinkPlacement PlaceLink(const FetchTask& page, const std::string& url) const;

  // The source whose politeness settings (host_connections, host_delay_ms) a host gets: the first
  // source, in the order added and any-host sources skipped, whose hosts cover `host_name`
  // ("example.com", lower case); nullptr when none does.
  std::shared_ptr<const SourceConfig> PolitenessSourceFor(std::string_view host_name) const;

  // The canonical start URLs of every source, as tasks (priority kDiscovered, depth 0). Start
  // URLs that do not canonicalise are skipped (Validate refuses them).
  std::vector<FetchTask> StartTasks() const;

  // The sources, in the order added.
  std::vector<std::shared_ptr<const SourceConfig>> sources() const;

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

// True when `host` is one of `allowed` or a subdomain of one ("a.example.com" under
// "example.com", but not "badexample.com"). Both lower case.
bool HostCovered(std::string_view host, const std::vector<std::string>& allowed);

}  // namespace adwatch::crawler

#endif  // ADWATCH_CRAWLER_SCOPE_H_
