// Figures for docs/alerts.md, not assertions: run by hand with
//   build/tests/alerts/alerts_test "[.bench]"
// Time from an alert's write into the outbox to the webhook sink's receipt, when the dispatcher
// runs a pass right after the write (in `serve` add up to alerts.interval_s of waiting).
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>

#include "fixture.h"

namespace adwatch::testing {
namespace {

TEST_CASE("Latency from outbox write to webhook receipt", "[.bench]") {
  Harness h;
  h.AddRecipient({}, /*webhook=*/true).rate_limit = {100000, 1};
  auto d = h.NewDispatcher();
  constexpr int kAlerts = 500;
  std::vector<double> ms;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 1; i <= kAlerts; ++i) {
    const auto written = std::chrono::steady_clock::now();
    h.outbox.Raise(SampleAlert(i));
    h.Pass(*d);
    const auto got = h.hook->received();
    REQUIRE(got.size() == static_cast<size_t>(i));
    ms.push_back(std::chrono::duration<double, std::milli>(got.back().arrival - written).count());
  }
  const double total_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::sort(ms.begin(), ms.end());
  std::printf("webhook: %d alerts, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %.0f alerts/s\n", kAlerts,
              ms[ms.size() / 2], ms[ms.size() * 99 / 100], ms.back(), kAlerts / total_s);
}

}  // namespace
}  // namespace adwatch::testing
