// Converts RocksDB's Status into adwatch's at the module edge, with messages an operator can act
// on. Private to storage/.
#ifndef ADWATCH_STORAGE_SRC_ROCKS_STATUS_H_
#define ADWATCH_STORAGE_SRC_ROCKS_STATUS_H_

#include <rocksdb/io_status.h>
#include <rocksdb/status.h>

#include <string_view>

#include "adwatch/common/status.h"

namespace adwatch::storage::internal {

// `context` says what was being done ("writing page 3f2a...", "opening /var/lib/adwatch").
Status FromRocks(const rocksdb::Status& s, std::string_view context);

}  // namespace adwatch::storage::internal

#endif  // ADWATCH_STORAGE_SRC_ROCKS_STATUS_H_
