// Fetching the images of ad candidates with the crawler's manners: every request goes through the
// crawl's Fetcher (so the address guard, connection caps and body cap apply), robots.txt is
// fetched once per host and obeyed, requests to one host keep a minimum delay, each URL is
// fetched at most once, and a byte cap refuses large images. Used by the pipeline's workers,
// which wait for the answer; thread-safe.
#ifndef ADWATCH_CRAWLER_IMAGE_FETCHER_H_
#define ADWATCH_CRAWLER_IMAGE_FETCHER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "adwatch/common/records.h"
#include "adwatch/common/status.h"
#include "adwatch/crawler/fetcher.h"

namespace adwatch::crawler {

struct ImageFetcherOptions {
  // The product token robots.txt groups are matched against ("adwatch").
  std::string robots_token = "adwatch";
  // Least time between two requests to one host ("host:port"), robots.txt included. A larger
  // Crawl-delay in the host's robots.txt wins.
  int64_t host_delay_ms = 1000;
  // Bytes of one image accepted; a larger body is refused (kTooLarge). The fetcher's own
  // max_body_bytes bounds what is held while fetching.
  int64_t max_bytes = 5LL << 20;
  // Image URLs remembered as fetched; beyond this the oldest are forgotten (and could be fetched
  // again). Also the number of hosts whose robots.txt is kept.
  size_t max_seen = 100000;
  // Send every request through the address guard (FetchRequest::guard_addresses). Image URLs
  // come from the pages of the sites crawled, so they are as untrusted as submitted URLs.
  bool guard_addresses = true;
  // Longest wait for one answer, delay included; then the fetch counts as a timeout.
  int64_t max_wait_ms = 120'000;
};

// Returns InvalidArgument for a negative delay, a non-positive cap or wait, or an empty token.
Status Validate(const ImageFetcherOptions& options);

class ImageFetcher {
 public:
  // REQUIRES: `fetcher` outlives this object; Validate(options).ok().
  ImageFetcher(Fetcher& fetcher, ImageFetcherOptions options);
  ~ImageFetcher();
  ImageFetcher(const ImageFetcher&) = delete;
  ImageFetcher& operator=(const ImageFetcher&) = delete;

  // Fetches `url` (http or https), blocking the calling thread until the answer (or the host's
  // delay) allows. The outcome is data in the FetchResult: error kRobotsDenied (robots.txt
  // disallows the path), kOutOfScope ("already fetched": the URL was fetched before, or is not
  // http(s)), kTooLarge (over max_bytes), kBlockedAddress (the guard refused it), the fetcher's
  // own errors; else the response with its body. A non-2xx status comes back as received.
  FetchResult Fetch(const std::string& url);

  // Images fetched (requests sent, robots.txt not counted) since construction.
  int64_t fetched() const;

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

}  // namespace adwatch::crawler

#endif  // ADWATCH_CRAWLER_IMAGE_FETCHER_H_
