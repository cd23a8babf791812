// Where app/ gets the store-backed watch::Outbox: the one function through which alert delivery
// (alerts_delivery.cc) reaches the outbox tables that storage/ owns. It is defined in the watch
// module's glue, beside the store tables and the matching that fills them.
#ifndef ADWATCH_APP_OUTBOX_FACTORY_H_
#define ADWATCH_APP_OUTBOX_FACTORY_H_

#include <memory>

#include "adwatch/storage/store.h"
#include "adwatch/watch/outbox.h"

namespace adwatch::app {

// The outbox kept in `store`. REQUIRES: `store` is open for writing and outlives the result.
std::unique_ptr<watch::Outbox> OpenOutbox(storage::Store& store);

}  // namespace adwatch::app

#endif  // ADWATCH_APP_OUTBOX_FACTORY_H_
