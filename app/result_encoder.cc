#include "result_encoder.h"

#include "adwatch/common/hash.h"
#include "adwatch/storage/ids.h"
#include "adwatch/storage/page_write_codec.h"

namespace adwatch::app {

Result<storage::WriteResult> ResultEncoder::Write(const storage::PageWrite& write) {
  storage::WriteResult out;
  for (const storage::AdWrite& ad : write.ads) {
    storage::AdOutcome o;
    o.ad_id = storage::AdIdFor(ad.ad);
    out.ads.push_back(std::move(o));
  }
  if (!write.page) {
    return Status::InvalidArgument("results stream", "a write without a page has no lease");
  }
  const FetchResult& page = *write.page;
  const std::string& url = page.final_url.empty() ? page.requested_url : page.final_url;
  out.page_id = storage::PageIdFor(url, Sha256Hex(page.body));
  frontier_redis::PageResult r;
  r.encoded_write = storage::EncodePageWrite(write);
  r.body = page.body;
  frontier_.Attach(page.requested_url, std::move(r));
  return out;
}

Result<int> ResultEncoder::Touch(const std::vector<std::string>&, int64_t) {
  // The Redis frontier keeps no per-URL ad ids, so no 304 names earlier ads (no revisits in
  // v1: `crawl --follow` is refused with a Redis frontier).
  return 0;
}

}  // namespace adwatch::app
