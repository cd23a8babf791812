// The service's metrics in the Prometheus text format (GET /metrics): counters, gauges and
// histograms with labels, kept by prometheus-cpp's core registry (Debian's prometheus-cpp-dev)
// behind this small interface so that no prometheus type reaches other modules.
//
//   Metrics m;
//   m.Count("adwatch_api_requests_total", "API requests by route and status",
//           {{"route", "/v1/ads"}, {"status", "200"}});
//   m.Observe("adwatch_api_request_seconds", "API request latency", {{"route", "/v1/ads"}}, 0.004);
//   m.Set("adwatch_fetch_queue", "URLs waiting in the crawl frontier", {}, 1234);
//   std::string text = m.Render();
//
// A name is one metric family of one type: the first call fixes its help text and type, and a
// later call of another type on it is ignored. Thread-safe.
#ifndef ADWATCH_API_METRICS_H_
#define ADWATCH_API_METRICS_H_

#include <map>
#include <memory>
#include <string>

namespace adwatch::api {

using MetricLabels = std::map<std::string, std::string>;

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Adds `by` (>= 0) to a counter.
  void Count(const std::string& name, const std::string& help, const MetricLabels& labels,
             double by = 1);
  // Sets a counter kept elsewhere (e.g. the crawler's totals) to `value` when it is larger than
  // the counter's: counters never go down.
  void CountTo(const std::string& name, const std::string& help, const MetricLabels& labels,
               double value);
  // Sets a gauge.
  void Set(const std::string& name, const std::string& help, const MetricLabels& labels,
           double value);
  // Records one observation (seconds, bytes) in a histogram with the latency buckets
  // 1 ms … 10 s.
  void Observe(const std::string& name, const std::string& help, const MetricLabels& labels,
               double value);

  // Every metric in the Prometheus text exposition format 0.0.4.
  std::string Render() const;

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

}  // namespace adwatch::api

#endif  // ADWATCH_API_METRICS_H_
