// The image stage of the pipeline (between extraction and classification): fetches up to
// max_per_ad images of each ad candidate through the crawl's ImageFetcher, keeps their bytes as
// evidence (Store::PutImage), decodes them within the caps, hashes them and reads them with OCR,
// and attaches the result to the candidate (AdCandidate::image_text, image_words, each
// ImageRef's phash, sha256, size and problem). Thread-safe: one ImageStage serves every worker;
// the OcrEngine's pool bounds how many images are read at once.
#ifndef ADWATCH_APP_IMAGES_H_
#define ADWATCH_APP_IMAGES_H_

#include <future>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "adwatch/common/records.h"
#include "adwatch/crawler/image_fetcher.h"
#include "adwatch/ocr/ocr.h"
#include "adwatch/storage/store.h"
#include "images_config.h"

namespace adwatch::app {

class ImageStage {
 public:
  // REQUIRES: the references outlive the stage. `ocr` may be null: images are then fetched,
  // kept and hashed, not read.
  ImageStage(const ImagesConfig& config, crawler::ImageFetcher& fetcher, const ocr::OcrEngine* ocr,
             storage::Store& store);

  // Reads the first max_per_ad images of `ad` and attaches what was read. An image that cannot
  // be fetched, is refused by the caps or cannot be decoded keeps its URL with
  // ImageRef::problem saying why; nothing here fails the page. A URL met before in this run is
  // not fetched again: its earlier reading is reused.
  void Read(AdCandidate& ad);

  // Images read by OCR and images refused, since construction.
  int64_t read() const;
  int64_t refused() const;

 private:
  struct Reading {
    std::shared_ptr<const ocr::ImageReading> reading;  // null when refused
    std::string problem;
  };
  Reading ReadOne(const std::string& url);
  Reading FetchAndRead(const std::string& url);

  ImagesConfig config_;
  crawler::ImageFetcher& fetcher_;
  const ocr::OcrEngine* ocr_;
  storage::Store& store_;
  mutable std::mutex mu_;
  // Readings of the URLs met in this run, newest first, at most kCacheSize.
  std::list<std::pair<std::string, Reading>> cache_;  // guarded by mu_
  std::unordered_map<std::string, std::list<std::pair<std::string, Reading>>::iterator> index_;
  // URLs another worker is fetching and reading now: a second ad with the same poster waits.
  std::unordered_map<std::string, std::shared_future<Reading>> in_flight_;  // guarded by mu_
  int64_t read_ = 0;                                                        // guarded by mu_
  int64_t refused_ = 0;                                                     // guarded by mu_
};

// What reads ad images for one user of them (the crawl, the submission worker): its OCR engine,
// the image fetcher over the user's page fetcher, and the stage. Members in the order they must
// be destroyed last to first.
struct ImageReader {
  std::unique_ptr<ocr::OcrEngine> ocr;
  std::unique_ptr<crawler::ImageFetcher> fetcher;
  std::unique_ptr<ImageStage> stage;
};

// Builds an ImageReader from the `images:` config over `fetcher` (robots.txt, a per-host delay
// of `host_delay_ms` and the address guard, as for pages). Returns the OCR engine's error (e.g.
// missing language data) or InvalidArgument for bad caps. REQUIRES: `fetcher` and `store`
// outlive the reader.
Result<ImageReader> MakeImageReader(const ImagesConfig& config, crawler::Fetcher& fetcher,
                                    int64_t host_delay_ms, storage::Store& store);

}  // namespace adwatch::app

#endif  // ADWATCH_APP_IMAGES_H_
