// Internal: what the route handlers share. One request's Context, the JSON error and body
// helpers, and the handlers themselves (routes.cc holds the table that names them).
#ifndef ADWATCH_API_SRC_API_INTERNAL_H_
#define ADWATCH_API_SRC_API_INTERNAL_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "adwatch/api/api.h"
#include "adwatch/classifier/classify.h"

namespace adwatch::api::internal {

// One request being answered.
struct Context {
  const ApiRequest& request;
  Services& services;
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::string> params;  // the {id} segments of the route, in order
  std::optional<ApiToken> token;    // set on authenticated routes
  classifier::Lang lang = classifier::Lang::kId;
  int64_t now_ms = 0;

  // The value of query parameter `name`, or nullopt.
  std::optional<std::string> Query(std::string_view name) const;
  // Queues an audit event (actor, org and address filled from the request) for the audit
  // buffer's writer; never blocks on the store.
  void Audit(std::string_view action, std::string_view object, std::string_view outcome,
             std::string_view detail = {}) const;
};

ApiResponse Error(int status, std::string_view code, std::string_view message);
ApiResponse Json(int status, const nlohmann::json& body);

// Parses a JSON object body with exactly the fields `allowed` (others are refused: a typo must
// not pass silently). On failure returns the 400 to answer.
std::variant<nlohmann::json, ApiResponse> ParseBody(
    const Context& c, std::initializer_list<std::string_view> allowed);

// Refuses query parameters other than `allowed` (400 naming the first unknown one).
std::optional<ApiResponse> CheckQuery(const Context& c,
                                      std::initializer_list<std::string_view> allowed);

// The list `limit` parameter within [1, options.max_list_limit], or the 400 to answer.
std::variant<size_t, ApiResponse> ListLimit(const Context& c);

// Handlers.
ApiResponse Healthz(Context& c);
ApiResponse MetricsText(Context& c);
ApiResponse CreateSubmission(Context& c);
ApiResponse GetSubmission(Context& c);
ApiResponse ListSubmissions(Context& c);
ApiResponse ListAds(Context& c);
ApiResponse GetAd(Context& c);
ApiResponse GetEvidence(Context& c);
ApiResponse PostReview(Context& c);
ApiResponse ListWatch(Context& c);  // watch_handlers.cc
ApiResponse CreateWatch(Context& c);
ApiResponse DeleteWatch(Context& c);
ApiResponse ListAlerts(Context& c);

}  // namespace adwatch::api::internal

#endif  // ADWATCH_API_SRC_API_INTERNAL_H_
