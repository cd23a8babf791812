// The submission worker of `adwatch serve`: takes the NGOs' submissions the API accepted and
// turns each into a verdict. A link is fetched through the crawler's own fetcher with the address
// guard (robots.txt first, every redirect hop checked again, at most five), ahead of the crawl's
// own work because it does not wait in the crawl's queue; the page goes through the same
// extract → classify → store steps as a crawled one, its ads' images read like the crawl's when
// SubmissionOptions::images is set. A pasted text is classified and, only when the organisation
// shared it, stored as an ad; otherwise its verdict stays with the submission, private to the
// organisation. An uploaded image is decoded within the caps, hashed and read with OCR, and its
// text classified like a pasted text (stored as an ad, with the image as evidence, when shared).
//
// Submissions are stored before they are queued, so a stop or crash loses none: Resume() queues
// again the ones a previous run left queued or fetching.
//
// Thread-safe.
#ifndef ADWATCH_APP_SUBMISSIONS_H_
#define ADWATCH_APP_SUBMISSIONS_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adwatch/api/api.h"
#include "adwatch/api/metrics.h"
#include "adwatch/classifier/classify.h"
#include "adwatch/crawler/fetcher.h"
#include "adwatch/crawler/robots.h"
#include "adwatch/extract/extract.h"
#include "adwatch/ocr/ocr.h"
#include "adwatch/storage/store.h"
#include "images.h"
#include "pipeline.h"

namespace adwatch::app {

struct SubmissionOptions {
  int fetches_in_flight = 4;    // submissions worked on at once (API.md: at most 4)
  size_t queue_capacity = 256;  // waiting beyond those; a full queue answers 429
  int max_redirects = 5;
  std::string user_agent = "adwatch";  // for robots.txt groups and the request
  int64_t robots_ttl_ms = 3'600'000;   // a host's robots.txt is fetched again after this long
  // Checks each URL (the submitted one and every redirect target) before it is fetched.
  std::function<Status(std::string_view url)> check_url;
  std::string crawler_version;
  // Reads the images of a submitted page's ads; null: they keep their URLs only.
  ImageStage* images = nullptr;
  // Reads uploaded images; null: an image submission fails with a reason saying so.
  const ocr::OcrEngine* ocr = nullptr;
  ocr::DecodeOptions decode;  // caps for uploaded images
};

class SubmissionWorker final : public api::SubmissionQueue {
 public:
  // Starts the worker threads. REQUIRES: the references outlive the worker.
  SubmissionWorker(SubmissionOptions options, crawler::Fetcher& fetcher,
                   const extract::Extractor& extractor, const classifier::Classifier& classifier,
                   storage::Store& store, const Clock& clock, api::Metrics& metrics);
  // Stops: see Stop.
  ~SubmissionWorker() override;

  bool Enqueue(const Submission& submission) override;

  // Queues again the submissions a previous run left queued or fetching (oldest first). Returns
  // how many, or the store's error.
  Result<int> Resume();

  // Submissions waiting or being worked on.
  int64_t pending() const;

  // Takes no more work, lets the ones in progress finish (their fetches are bounded by the
  // fetcher's timeouts) and joins the threads. Queued ones stay queued in the store for the next
  // run. Idempotent.
  void Stop();

 private:
  void Work();
  void Process(Submission s);
  void ProcessUrl(Submission& s);
  void ProcessText(Submission& s);
  void ProcessImage(Submission& s);
  // Classifies `ad` (a pasted text or an image's reading) and, when shared, stores it as an ad.
  void ClassifyAndKeep(Submission& s, AdCandidate ad);
  void Save(Submission& s, SubmissionStatus status, std::string reason = {});
  FetchResult FetchOne(const std::string& url);
  // Whether robots.txt lets us fetch `url`; fills `why` when not.
  bool RobotsAllow(const std::string& url, std::string& why);

  SubmissionOptions options_;
  crawler::Fetcher& fetcher_;
  const extract::Extractor& extractor_;
  const classifier::Classifier& classifier_;
  storage::Store& store_;
  const Clock& clock_;
  api::Metrics& metrics_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Submission> queue_;
  int active_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;

  struct CachedRobots {
    crawler::RobotsTxt robots;
    bool reachable = true;  // false: robots.txt failed with 5xx or no answer: nothing allowed
    int64_t fetched_ms = 0;
  };
  std::mutex robots_mu_;
  std::map<std::string, CachedRobots> robots_;  // by scheme://host:port
};

}  // namespace adwatch::app

#endif  // ADWATCH_APP_SUBMISSIONS_H_
