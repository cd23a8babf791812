// The in-memory session table. Keyed by the SHA-256 of the cookie value, so that a lookup's
// timing says nothing about how much of a guessed id matched.
#include <map>
#include <mutex>
#include <unordered_map>

#include "adwatch/common/hash.h"
#include "adwatch/common/random_id.h"
#include "adwatch/web/web.h"

namespace adwatch::web {

struct Sessions::Rep {
  WebOptions options;
  mutable std::mutex mu;
  std::unordered_map<std::string, Session> by_key;  // Sha256Hex(id) → session
  std::multimap<int64_t, std::string> by_created;   // created_ms → key (to end the oldest)

  void Erase(const std::string& key) {
    auto it = by_key.find(key);
    if (it == by_key.end()) return;
    auto range = by_created.equal_range(it->second.created_ms);
    for (auto c = range.first; c != range.second; ++c) {
      if (c->second == key) {
        by_created.erase(c);
        break;
      }
    }
    by_key.erase(it);
  }
};

Sessions::Sessions(const WebOptions& options) : rep_(std::make_unique<Rep>()) {
  rep_->options = options;
}
Sessions::~Sessions() = default;

Result<Session> Sessions::Create(std::string token_text, const ApiToken& token, int64_t now_ms) {
  auto id = RandomId(32);
  if (!id) return id.error();
  auto csrf = RandomId(32);
  if (!csrf) return csrf.error();
  Session s;
  s.id = std::move(*id);
  s.csrf = std::move(*csrf);
  s.token_text = std::move(token_text);
  s.token = token;
  s.created_ms = s.last_used_ms = now_ms;
  const std::string key = Sha256Hex(s.id);
  std::lock_guard<std::mutex> lock(rep_->mu);
  while (rep_->by_key.size() >= rep_->options.max_sessions && !rep_->by_created.empty()) {
    rep_->Erase(rep_->by_created.begin()->second);
  }
  rep_->by_created.emplace(now_ms, key);
  rep_->by_key.emplace(key, s);
  return s;
}

std::optional<Session> Sessions::Find(std::string_view id, int64_t now_ms) {
  if (id.empty() || id.size() > 64) return std::nullopt;
  const std::string key = Sha256Hex(id);
  std::lock_guard<std::mutex> lock(rep_->mu);
  auto it = rep_->by_key.find(key);
  if (it == rep_->by_key.end()) return std::nullopt;
  Session& s = it->second;
  if (now_ms - s.created_ms >= rep_->options.session_ttl_ms ||
      now_ms - s.last_used_ms >= rep_->options.session_idle_ms) {
    rep_->Erase(key);
    return std::nullopt;
  }
  s.last_used_ms = now_ms;
  return s;
}

void Sessions::End(std::string_view id) {
  const std::string key = Sha256Hex(id);
  std::lock_guard<std::mutex> lock(rep_->mu);
  rep_->Erase(key);
}

size_t Sessions::EndForToken(std::string_view token_id) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  std::vector<std::string> keys;
  for (const auto& [key, s] : rep_->by_key) {
    if (s.token.id == token_id) keys.push_back(key);
  }
  for (const std::string& k : keys) rep_->Erase(k);
  return keys.size();
}

size_t Sessions::size() const {
  std::lock_guard<std::mutex> lock(rep_->mu);
  return rep_->by_key.size();
}

}  // namespace adwatch::web
