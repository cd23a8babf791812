// Alert delivery in the adwatch program: the background DispatcherService that `adwatch serve`
// runs when adwatch.yaml has an `alerts:` section, and the one-shot `adwatch alerts deliver`
// for cron and tests. Both drain the store's outbox (outbox_factory.h) with alerts::Dispatcher;
// within one process, passes never overlap (the admin socket's `alerts deliver` and the service
// take turns), so no delivery is picked up twice. See docs/alerts.md.
#ifndef ADWATCH_APP_ALERTS_DELIVERY_H_
#define ADWATCH_APP_ALERTS_DELIVERY_H_

#include <CLI/CLI.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "adwatch/common/clock.h"
#include "adwatch/storage/store.h"
#include "cli.h"

namespace adwatch::app {

struct DeliveryStack;  // outbox, senders and dispatcher of one store

class DispatcherService {
 public:
  // Starts delivering every alerts.interval_s seconds on a thread of its own. Returns nullptr
  // when the config has no `alerts:` section; InvalidArgument when a webhook secret's
  // environment variable is unset or the SMTP options are bad. REQUIRES: store and clock outlive
  // the service.
  static Result<std::unique_ptr<DispatcherService>> Start(const Config& config,
                                                          storage::Store& store,
                                                          const Clock& clock);
  // Stops: a pass in progress finishes (each send is bounded by its timeout), none starts.
  ~DispatcherService();
  DispatcherService(const DispatcherService&) = delete;
  DispatcherService& operator=(const DispatcherService&) = delete;

 private:
  DispatcherService(std::unique_ptr<DeliveryStack> stack, int interval_s);
  void Loop();

  std::unique_ptr<DeliveryStack> stack_;
  int interval_s_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Adds `alerts deliver [--db PATH]` (under an `alerts` command, created if no other file made it)
// and registers the writing command "alerts.deliver" for the admin socket.
void AddAlertsDeliverCommand(CLI::App& app, AppContext& ctx);

}  // namespace adwatch::app

#endif  // ADWATCH_APP_ALERTS_DELIVERY_H_
