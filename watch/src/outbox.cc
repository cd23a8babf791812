#include "adwatch/watch/outbox.h"

namespace adwatch::watch {

std::string_view AlertCauseName(AlertCause cause) {
  switch (cause) {
    case AlertCause::kWatch:
      return "watch";
    case AlertCause::kBurstRegions:
      return "burst_regions";
    case AlertCause::kBurstSources:
      return "burst_sources";
    case AlertCause::kNetworkGrowth:
      return "network_growth";
  }
  return "watch";
}

}  // namespace adwatch::watch
