#include "rocks_status.h"

#include <string>

namespace adwatch::storage::internal {

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::OK();
  const std::string msg = s.ToString();
  if (s.IsNotFound()) return Status::NotFound(context, msg);
  if (s.IsCorruption()) {
    return Status::Corruption(
        context, msg +
                     " (the database is damaged; restore the latest backup with `adwatch "
                     "restore`, or keep this folder for inspection)");
  }
  if (s.IsNoSpace() || msg.find("No space left") != std::string::npos) {
    return Status::IOError(context, "disk full: " + msg +
                                        " (the write was not stored; free space, then restart "
                                        "adwatch: the database refuses writes until reopened)");
  }
  if (s.IsIOError()) {
    // RocksDB: "While lock file: DB/LOCK: Resource temporarily unavailable", or "lock hold by
    // current process" when this process has it open already.
    if (msg.find("lock file") != std::string::npos || msg.find("/LOCK") != std::string::npos ||
        msg.find("lock hold") != std::string::npos) {
      return Status::Unavailable(
          context,
          "the database is in use by another adwatch process (a running `crawl` or "
          "`serve`?); read-only commands still work, commands that write must wait "
          "for it to stop (" +
              msg + ")");
    }
    return Status::IOError(context, msg);
  }
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut() || s.IsIncomplete()) {
    return Status::Unavailable(context, msg);
  }
  if (s.IsInvalidArgument() || s.IsNotSupported()) return Status::InvalidArgument(context, msg);
  return Status::Internal(context, msg);
}

}  // namespace adwatch::storage::internal
