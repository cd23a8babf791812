// The digest schedule of `adwatch serve`: each subscription with `send_at: "HH:MM"` gets the
// previous day's digest written into digest.out_dir at that local time, and mailed when it has
// recipients, exactly as `adwatch digest --day yesterday --subscription NAME [--mail]` would.
// The last day sent is kept per subscription in out_dir (".adwatch-sent-NAME"), so a restart
// neither sends twice nor forgets a day missed while the service was down (it catches up once,
// on start). A failed run (the SMTP server is down) is tried again ten minutes later.
#ifndef ADWATCH_APP_DIGEST_SCHEDULE_H_
#define ADWATCH_APP_DIGEST_SCHEDULE_H_

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "adwatch/common/clock.h"
#include "adwatch/storage/store.h"
#include "cli.h"

namespace adwatch::app {

class DigestSchedule {
 public:
  // Starts the schedule thread when any subscription has send_at. REQUIRES: the references
  // outlive the schedule; ctx.config() is loaded.
  DigestSchedule(AppContext& ctx, const storage::Store& store, const Clock& clock);
  // Stops (a digest being written is finished first).
  ~DigestSchedule();

  // Subscriptions on the schedule.
  int scheduled() const { return scheduled_; }

 private:
  void Loop();
  // Runs what is due at `now_ms`; returns when to look again.
  int64_t RunDue(int64_t now_ms);

  AppContext& ctx_;
  const storage::Store& store_;
  const Clock& clock_;
  int scheduled_ = 0;
  std::map<std::string, int64_t> retry_at_ms_;  // by subscription, after a failure
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace adwatch::app

#endif  // ADWATCH_APP_DIGEST_SCHEDULE_H_
