#include "adwatch/crawler/scope.h"

#include <re2/re2.h>

#include <algorithm>

#include "adwatch/crawler/url.h"

namespace adwatch::crawler {

Status Validate(const SourceConfig& s) {
  if (s.name.empty()) return Status::InvalidArgument("source", "has no name");
  for (const std::string& u : s.start_urls) {
    if (auto c = CanonicalUrl(u); !c) {
      return Status::InvalidArgument("source " + s.name, "start URL: " + c.error().message());
    }
  }
  auto check = [&](const std::string& p, const char* what) -> Status {
    RE2 re(p, RE2::Quiet);
    if (!re.ok()) {
      return Status::InvalidArgument("source " + s.name,
                                     std::string(what) + " '" + p + "': " + re.error());
    }
    return Status::OK();
  };
  for (const auto& p : s.allow_patterns) ADWATCH_RETURN_IF_ERROR(check(p, "allow pattern"));
  for (const auto& p : s.deny_patterns) ADWATCH_RETURN_IF_ERROR(check(p, "deny pattern"));
  if (!s.ad_page_pattern.empty()) {
    ADWATCH_RETURN_IF_ERROR(check(s.ad_page_pattern, "ad page pattern"));
  }
  if (!s.listing_pattern.empty()) {
    ADWATCH_RETURN_IF_ERROR(check(s.listing_pattern, "listing pattern"));
  }
  if (s.host_connections < 0) {
    return Status::InvalidArgument("source " + s.name, "host_connections < 0");
  }
  return Status::OK();
}

bool HostCovered(std::string_view host, const std::vector<std::string>& allowed) {
  for (const std::string& a : allowed) {
    if (host == a) return true;
    if (host.size() > a.size() && host.substr(host.size() - a.size()) == a &&
        host[host.size() - a.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

namespace {

struct CompiledSource {
  std::shared_ptr<const SourceConfig> config;
  std::vector<std::unique_ptr<RE2>> allow, deny;
  std::vector<std::string> hosts;  // lower-case host names
};

}  // namespace

struct Scope::Rep {
  std::vector<std::unique_ptr<CompiledSource>> sources;

  const CompiledSource* Find(std::string_view name) const {
    for (const auto& s : sources) {
      if (s->config->name == name) return s.get();
    }
    return nullptr;
  }

  static bool Holds(const CompiledSource& s, const std::string& url) {
    if (!s.config->any_host && !HostCovered(HostName(url), s.hosts)) return false;
    for (const auto& re : s.deny) {
      if (RE2::PartialMatch(url, *re)) return false;
    }
    if (s.allow.empty()) return true;
    return std::any_of(s.allow.begin(), s.allow.end(),
                       [&](const auto& re) { return RE2::PartialMatch(url, *re); });
  }

  const CompiledSource* SourceFor(const std::string& url, std::string_view from) const {
    if (const CompiledSource* own = Find(from); own && Holds(*own, url)) return own;
    for (const auto& s : sources) {
      if (!s->config->any_host && Holds(*s, url)) return s.get();
    }
    return nullptr;
  }
};

Scope::Scope(const std::vector<SourceConfig>& sources) : rep_(std::make_unique<Rep>()) {
  for (const SourceConfig& s : sources) Add(s);
}

Scope::~Scope() = default;

std::shared_ptr<const SourceConfig> Scope::Add(const SourceConfig& cfg) {
  if (const CompiledSource* existing = rep_->Find(cfg.name)) return existing->config;
  auto cs = std::make_unique<CompiledSource>();
  cs->config = std::make_shared<const SourceConfig>(cfg);
  for (const auto& p : cfg.allow_patterns) {
    cs->allow.push_back(std::make_unique<RE2>(p, RE2::Quiet));
  }
  for (const auto& p : cfg.deny_patterns) {
    cs->deny.push_back(std::make_unique<RE2>(p, RE2::Quiet));
  }
  for (std::string h : cfg.allowed_hosts) {
    std::transform(h.begin(), h.end(), h.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    cs->hosts.push_back(std::move(h));
  }
  if (cfg.allowed_hosts.empty()) {
    for (const auto& u : cfg.start_urls) {
      if (auto c = CanonicalUrl(u); c) cs->hosts.push_back(HostName(*c));
    }
  }
  rep_->sources.push_back(std::move(cs));
  return rep_->sources.back()->config;
}

std::shared_ptr<const SourceConfig> Scope::Find(std::string_view name) const {
  const CompiledSource* s = rep_->Find(name);
  return s ? s->config : nullptr;
}

bool Scope::Holds(std::string_view source, const std::string& url) const {
  const CompiledSource* s = rep_->Find(source);
  return s && Rep::Holds(*s, url);
}

std::shared_ptr<const SourceConfig> Scope::SourceFor(const std::string& url,
                                                     std::string_view from_source) const {
  const CompiledSource* s = rep_->SourceFor(url, from_source);
  return s ? s->config : nullptr;
}

LinkPlacement Scope::PlaceLink(const FetchTask& page, const std::string& url) const {
  LinkPlacement out;
  const CompiledSource* src = rep_->SourceFor(url, page.source);
  if (!src) return out;
  const SourceConfig& cfg = *src->config;
  const int depth = cfg.name == page.source ? page.depth + 1 : 0;
  out.task.url = url;
  out.task.source = cfg.name;
  out.task.depth = depth;
  out.task.external = cfg.external;
  out.kind = cfg.max_depth >= 0 && depth > cfg.max_depth ? LinkPlacement::Kind::kTooDeep
                                                         : LinkPlacement::Kind::kQueue;
  return out;
}

std::shared_ptr<const SourceConfig> Scope::PolitenessSourceFor(std::string_view host_name) const {
  for (const auto& s : rep_->sources) {
    if (!s->config->any_host && HostCovered(host_name, s->hosts)) return s->config;
  }
  return nullptr;
}

std::vector<FetchTask> Scope::StartTasks() const {
  std::vector<FetchTask> out;
  for (const auto& s : rep_->sources) {
    for (const std::string& u : s->config->start_urls) {
      auto url = CanonicalUrl(u);
      if (!url) continue;
      FetchTask t;
      t.url = std::move(*url);
      t.source = s->config->name;
      t.external = s->config->external;
      out.push_back(std::move(t));
    }
  }
  return out;
}

std::vector<std::shared_ptr<const SourceConfig>> Scope::sources() const {
  std::vector<std::shared_ptr<const SourceConfig>> out;
  for (const auto& s : rep_->sources) out.push_back(s->config);
  return out;
}

}  // namespace adwatch::crawler
