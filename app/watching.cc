#include <memory>

#include "adwatch/watch/matcher.h"
#include "cli.h"

namespace adwatch::app {

Status WatchStoreWrites(const Config& config, storage::Store& store, const Clock& clock) {
  auto matcher = std::make_shared<watch::Matcher>(
      store, clock, watch::MatcherOptions{.bursts = config.watch.bursts});
  ADWATCH_RETURN_IF_ERROR(matcher->Reload().WithContext("loading the watch list"));
  store.SetAdWriteObserver(std::move(matcher));
  return Status::OK();
}

}  // namespace adwatch::app
