// The worker's PageWriter in the Redis mode: instead of writing the store, it encodes each page's
// PageWrite (storage/page_write_codec.h) and parks it with the RedisFrontier, which sends it to
// the results stream as the page's lease ends (COMPLETE), for `adwatch ingest` to store. The ids
// it answers are the ones the store will give (storage/ids.h derives them from the content), so
// the crawl's summary and `ad_ids` are the same as in the embedded mode. Thread-safe.
#ifndef ADWATCH_APP_RESULT_ENCODER_H_
#define ADWATCH_APP_RESULT_ENCODER_H_

#include "adwatch/frontier_redis/redis_frontier.h"
#include "pipeline.h"

namespace adwatch::app {

class ResultEncoder final : public PageWriter {
 public:
  // REQUIRES: `frontier` outlives the encoder.
  explicit ResultEncoder(frontier_redis::RedisFrontier& frontier) : frontier_(frontier) {}

  // Parks the encoded write under its page's requested URL (the lease's task URL). Never fails;
  // `created` and `verdict_changed` are unknown here and left false.
  Result<storage::WriteResult> Write(const storage::PageWrite& write) override;
  // Touches nothing and returns 0: without revisits (refused in the Redis mode) no 304 names
  // earlier ads.
  Result<int> Touch(const std::vector<std::string>& ad_ids, int64_t seen_ms) override;

 private:
  frontier_redis::RedisFrontier& frontier_;
};

}  // namespace adwatch::app

#endif  // ADWATCH_APP_RESULT_ENCODER_H_
