// WebhookSink: a loopback HTTP server that records every request it gets (method, target,
// headers, body) and answers 200 — or, when told, 500 to the first N requests. Built on
// adwatch::http::Server; for the alert delivery tests. Thread-safe.
#ifndef ADWATCH_TESTS_SUPPORT_WEBHOOK_SINK_H_
#define ADWATCH_TESTS_SUPPORT_WEBHOOK_SINK_H_

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adwatch/http/server.h"

namespace adwatch::testing {

class WebhookSink {
 public:
  struct Received {
    std::string method;
    std::string target;
    std::vector<http::Header> headers;
    std::string body;
    int answered = 0;                               // the status it was answered with
    std::chrono::steady_clock::time_point arrival;  // when the server had read it

    // The value of header `name` (case-insensitive), or "".
    std::string Header(std::string_view name) const {
      for (const auto& h : headers) {
        if (h.name.size() == name.size() &&
            std::equal(name.begin(), name.end(), h.name.begin(),
                       [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
          return h.value;
        }
      }
      return "";
    }
  };

  // Listens on `address` (a loopback address), a free port. Returns nullptr when it cannot.
  static std::unique_ptr<WebhookSink> Start(const std::string& address = "127.0.0.1") {
    auto sink = std::unique_ptr<WebhookSink>(new WebhookSink());
    WebhookSink* self = sink.get();
    auto server = http::Server::Start({.address = address, .port = 0, .worker_threads = 1},
                                      [self](const http::Request& r) { return self->Answer(r); });
    if (!server) return nullptr;
    sink->server_ = std::move(*server);
    return sink;
  }

  // The first `n` requests from now on are answered `status` (500 by default), with
  // `location` as their Location header when not empty (a redirect).
  void FailFirst(int n, int status = 500, std::string location = "") {
    std::lock_guard lock(mu_);
    fail_left_ = n;
    fail_status_ = status;
    fail_location_ = std::move(location);
  }

  uint16_t port() const { return server_->port(); }
  // "http://127.0.0.1:PORT" + path.
  std::string Url(std::string_view path = "/hook") const {
    return server_->base_url() + std::string(path);
  }
  std::vector<Received> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }

 private:
  WebhookSink() = default;

  http::Response Answer(const http::Request& r) {
    std::lock_guard lock(mu_);
    Received got{r.method, r.target, r.headers, r.body, 200, r.arrival};
    http::Response out;
    if (fail_left_ > 0) {
      --fail_left_;
      got.answered = fail_status_;
      out.status = fail_status_;
      out.body = "sink is failing on purpose";
      if (!fail_location_.empty()) out.headers.push_back({"Location", fail_location_});
    } else {
      out.body = "ok";
    }
    received_.push_back(std::move(got));
    return out;
  }

  mutable std::mutex mu_;
  std::vector<Received> received_;
  int fail_left_ = 0;
  int fail_status_ = 500;
  std::string fail_location_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace adwatch::testing

#endif  // ADWATCH_TESTS_SUPPORT_WEBHOOK_SINK_H_
