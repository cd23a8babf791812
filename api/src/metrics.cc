#include "adwatch/api/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <mutex>
#include <sstream>
#include <variant>

namespace adwatch::api {

struct Metrics::Rep {
  std::mutex mu;  // families map; prometheus-cpp's metrics are thread-safe themselves
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::map<std::string, std::variant<prometheus::Family<prometheus::Counter>*,
                                     prometheus::Family<prometheus::Gauge>*,
                                     prometheus::Family<prometheus::Histogram>*>>
      families;

  template <typename T, typename Builder>
  prometheus::Family<T>* Get(const std::string& name, const std::string& help, Builder build) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = families.find(name);
    if (it == families.end()) {
      auto& family = build().Name(name).Help(help).Register(*registry);
      families.emplace(name, &family);
      return &family;
    }
    auto* const* f = std::get_if<prometheus::Family<T>*>(&it->second);
    return f ? *f : nullptr;
  }
};

namespace {

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets{
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return kBuckets;
}

}  // namespace

Metrics::Metrics() : rep_(std::make_unique<Rep>()) {}
Metrics::~Metrics() = default;

void Metrics::Count(const std::string& name, const std::string& help, const MetricLabels& labels,
                    double by) {
  if (!(by >= 0)) return;
  auto* f = rep_->Get<prometheus::Counter>(name, help, prometheus::BuildCounter);
  if (f) f->Add(labels).Increment(by);
}

void Metrics::CountTo(const std::string& name, const std::string& help, const MetricLabels& labels,
                      double value) {
  auto* f = rep_->Get<prometheus::Counter>(name, help, prometheus::BuildCounter);
  if (!f) return;
  prometheus::Counter& c = f->Add(labels);
  const double now = c.Value();
  if (value > now) c.Increment(value - now);
}

void Metrics::Set(const std::string& name, const std::string& help, const MetricLabels& labels,
                  double value) {
  auto* f = rep_->Get<prometheus::Gauge>(name, help, prometheus::BuildGauge);
  if (f) f->Add(labels).Set(value);
}

void Metrics::Observe(const std::string& name, const std::string& help, const MetricLabels& labels,
                      double value) {
  auto* f = rep_->Get<prometheus::Histogram>(name, help, prometheus::BuildHistogram);
  if (f) f->Add(labels, LatencyBuckets()).Observe(value);
}

std::string Metrics::Render() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, rep_->registry->Collect());
  return out.str();
}

}  // namespace adwatch::api
