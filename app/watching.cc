// The watch module's glue in app/: the matcher every store opened for writing gets, and the
// store-backed outbox alert delivery drains.
#include <memory>

#include "adwatch/watch/matcher.h"
#include "adwatch/watch/store_outbox.h"
#include "cli.h"
#include "outbox_factory.h"

namespace adwatch::app {

Status WatchStoreWrites(const Config& config, storage::Store& store, const Clock& clock) {
  auto matcher = std::make_shared<watch::Matcher>(
      store, clock, watch::MatcherOptions{.bursts = config.watch.bursts});
  ADWATCH_RETURN_IF_ERROR(matcher->Reload().WithContext("loading the watch list"));
  store.SetAdWriteObserver(std::move(matcher));
  return Status::OK();
}

std::unique_ptr<watch::Outbox> OpenOutbox(storage::Store& store) {
  return std::make_unique<watch::StoreOutbox>(store);
}

}  // namespace adwatch::app
