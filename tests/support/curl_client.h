// A small libcurl easy-interface client for the server tests (loopback only): one handle per
// client, so successive Fetch calls reuse the connection (keep-alive) unless told otherwise.
#ifndef ADWATCH_TESTS_SUPPORT_CURL_CLIENT_H_
#define ADWATCH_TESTS_SUPPORT_CURL_CLIENT_H_

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adwatch::testing {

struct CurlRequest {
  std::string url;
  // "GET", "HEAD" or another method sent with an empty body.
  std::string method = "GET";
  // A request body, sent with POST (or with `method` when that is neither GET nor HEAD).
  std::string body;
  // How long curl waits for "100 Continue" before sending a large body anyway.
  long expect_100_timeout_ms = 1000;
  // Extra header lines, "Name: value".
  std::vector<std::string> headers;
  // nullopt: no Accept-Encoding and no decoding; "": every encoding curl knows, decoded.
  std::optional<std::string> accept_encoding;
  bool follow_redirects = false;
  long max_redirects = 5;
  long timeout_ms = 10'000;
  // Send the path exactly as written (no "../" squashing), for path-traversal tests.
  bool path_as_is = true;
  // Keep at most this many body bytes in CurlResult::body (the rest is counted, not kept).
  size_t keep_body_bytes = size_t{16} << 20;
  // Abort the transfer (CURLE_WRITE_ERROR) once this many body bytes have arrived; 0 never.
  uint64_t abort_after_bytes = 0;
  // When set, a conditional GET through libcurl's own time condition (CURLOPT_TIMECONDITION),
  // as the crawler sends it.
  std::optional<int64_t> if_modified_since_unix;
  // Open a new connection for this request and close it afterwards.
  bool fresh_connection = false;
  // For https:// URLs: the PEM file of the certificate(s) to trust (the test's own), and
  // CURLOPT_RESOLVE entries ("name:port:127.0.0.1") so a name never reaches DNS. Without
  // ca_file only http:// is allowed.
  std::string ca_file;
  std::vector<std::string> resolve;
};

struct CurlResult {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  uint64_t body_bytes = 0;  // all body bytes received (after decoding, if any)
  std::vector<std::pair<std::string, std::string>> headers;  // of the last response
  long new_connections = 0;                                  // CURLINFO_NUM_CONNECTS
  curl_off_t retry_after = 0;                                // CURLINFO_RETRY_AFTER
  curl_off_t content_length = -1;                            // announced, or -1
  double seconds = 0;

  // The value of the last header named `name` (case-insensitive), or nullopt.
  std::optional<std::string> Header(std::string_view name) const {
    std::optional<std::string> found;
    for (const auto& [k, v] : headers) {
      if (k.size() != name.size()) continue;
      bool same = true;
      for (size_t i = 0; i < k.size() && same; ++i) {
        same = std::tolower(static_cast<unsigned char>(k[i])) ==
               std::tolower(static_cast<unsigned char>(name[i]));
      }
      if (same) found = v;
    }
    return found;
  }
};

class CurlClient {
 public:
  CurlClient() : easy_(curl_easy_init()) {}
  ~CurlClient() { curl_easy_cleanup(easy_); }
  CurlClient(const CurlClient&) = delete;
  CurlClient& operator=(const CurlClient&) = delete;

  CurlResult Fetch(const CurlRequest& request) {
    State state{request, {}};
    curl_easy_reset(easy_);
    curl_easy_setopt(easy_, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, request.timeout_ms);
    curl_easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, request.ca_file.empty() ? "http" : "http,https");
    if (!request.ca_file.empty()) curl_easy_setopt(easy_, CURLOPT_CAINFO, request.ca_file.c_str());
    curl_slist* resolve = nullptr;
    for (const std::string& r : request.resolve) resolve = curl_slist_append(resolve, r.c_str());
    curl_easy_setopt(easy_, CURLOPT_RESOLVE, resolve);
    curl_easy_setopt(easy_, CURLOPT_PATH_AS_IS, request.path_as_is ? 1L : 0L);
    curl_easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
    curl_easy_setopt(easy_, CURLOPT_MAXREDIRS, request.max_redirects);
    curl_easy_setopt(easy_, CURLOPT_USERAGENT, "adwatch-test-client/1.0");
    curl_easy_setopt(easy_, CURLOPT_FRESH_CONNECT, request.fresh_connection ? 1L : 0L);
    curl_easy_setopt(easy_, CURLOPT_FORBID_REUSE, request.fresh_connection ? 1L : 0L);
    if (request.accept_encoding) {
      curl_easy_setopt(easy_, CURLOPT_ACCEPT_ENCODING, request.accept_encoding->c_str());
    }
    if (request.if_modified_since_unix) {
      curl_easy_setopt(easy_, CURLOPT_TIMECONDITION, static_cast<long>(CURL_TIMECOND_IFMODSINCE));
      curl_easy_setopt(easy_, CURLOPT_TIMEVALUE_LARGE,
                       static_cast<curl_off_t>(*request.if_modified_since_unix));
    }
    curl_easy_setopt(easy_, CURLOPT_EXPECT_100_TIMEOUT_MS, request.expect_100_timeout_ms);
    if (!request.body.empty()) {
      curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
    if (request.method == "HEAD") {
      curl_easy_setopt(easy_, CURLOPT_NOBODY, 1L);
    } else if (request.method == "POST" && request.body.empty()) {
      curl_easy_setopt(easy_, CURLOPT_POST, 1L);
      curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE, 0L);
    } else if (request.method != "GET" && request.method != "POST") {
      curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    curl_slist* headers = nullptr;
    for (const std::string& h : request.headers) headers = curl_slist_append(headers, h.c_str());
    curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &CurlClient::OnBody);
    curl_easy_setopt(easy_, CURLOPT_WRITEDATA, &state);
    curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &CurlClient::OnHeader);
    curl_easy_setopt(easy_, CURLOPT_HEADERDATA, &state);

    const auto start = std::chrono::steady_clock::now();
    state.result.code = curl_easy_perform(easy_);
    state.result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &state.result.status);
    curl_easy_getinfo(easy_, CURLINFO_NUM_CONNECTS, &state.result.new_connections);
    curl_easy_getinfo(easy_, CURLINFO_RETRY_AFTER, &state.result.retry_after);
    curl_easy_getinfo(easy_, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &state.result.content_length);
    curl_slist_free_all(headers);
    curl_slist_free_all(resolve);
    return std::move(state.result);
  }

 private:
  struct State {
    const CurlRequest& request;
    CurlResult result;
  };

  static size_t OnBody(char* data, size_t size, size_t count, void* user) {
    auto* state = static_cast<State*>(user);
    const size_t n = size * count;
    CurlResult& r = state->result;
    r.body_bytes += n;
    if (r.body.size() < state->request.keep_body_bytes) {
      r.body.append(data, std::min(n, state->request.keep_body_bytes - r.body.size()));
    }
    if (state->request.abort_after_bytes > 0 && r.body_bytes >= state->request.abort_after_bytes) {
      return 0;  // CURLE_WRITE_ERROR
    }
    return n;
  }

  static size_t OnHeader(char* data, size_t size, size_t count, void* user) {
    auto* state = static_cast<State*>(user);
    const size_t n = size * count;
    std::string_view line(data, n);
    if (line.rfind("HTTP/", 0) == 0) {
      state->result.headers.clear();  // a new response (after a redirect or 1xx)
      return n;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return n;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() &&
           (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    state->result.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    return n;
  }

  CURL* easy_;
};

// Fetches `url` with a fresh client (and so a fresh connection).
inline CurlResult Get(const std::string& url) {
  CurlClient client;
  CurlRequest request;
  request.url = url;
  return client.Fetch(request);
}

}  // namespace adwatch::testing

#endif  // ADWATCH_TESTS_SUPPORT_CURL_CLIENT_H_
