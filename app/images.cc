#include "images.h"

#include <algorithm>

#include "adwatch/common/names.h"

namespace adwatch::app {
namespace {

// Readings kept for reuse: a poster reposted in many posts of one run is fetched and read once.
constexpr size_t kCacheSize = 2048;

}  // namespace

ImageStage::ImageStage(const ImagesConfig& config, crawler::ImageFetcher& fetcher,
                       const ocr::OcrEngine* ocr, storage::Store& store)
    : config_(config), fetcher_(fetcher), ocr_(ocr), store_(store) {}

int64_t ImageStage::read() const {
  std::lock_guard lock(mu_);
  return read_;
}

int64_t ImageStage::refused() const {
  std::lock_guard lock(mu_);
  return refused_;
}

ImageStage::Reading ImageStage::ReadOne(const std::string& url) {
  std::promise<Reading> promise;
  {
    std::unique_lock lock(mu_);
    auto it = index_.find(url);
    if (it != index_.end()) return it->second->second;
    auto running = in_flight_.find(url);
    if (running != in_flight_.end()) {
      std::shared_future<Reading> wait = running->second;
      lock.unlock();
      return wait.get();
    }
    in_flight_.emplace(url, promise.get_future().share());
  }
  Reading out = FetchAndRead(url);
  std::lock_guard lock(mu_);
  (out.reading ? read_ : refused_) += 1;
  cache_.emplace_front(url, out);
  index_[url] = cache_.begin();
  if (cache_.size() > kCacheSize) {
    index_.erase(cache_.back().first);
    cache_.pop_back();
  }
  in_flight_.erase(url);
  promise.set_value(out);
  return out;
}

ImageStage::Reading ImageStage::FetchAndRead(const std::string& url) {
  Reading out;
  FetchResult fetched = fetcher_.Fetch(url);
  if (fetched.error == FetchError::kOutOfScope && fetched.error_message == "already fetched") {
    // Fetched earlier in this run, and its reading has left the cache: the URL only.
    out.problem = "fetched before in this run; its reading is no longer cached";
    return out;
  }
  if (fetched.error != FetchError::kNone) {
    out.problem = "not fetched: " + std::string(Name(fetched.error)) +
                  (fetched.error_message.empty() ? "" : " (" + fetched.error_message + ")");
  } else if (fetched.http_status < 200 || fetched.http_status >= 300) {
    out.problem = "not fetched: HTTP " + std::to_string(fetched.http_status);
  } else {
    // Evidence first: the bytes as fetched, whatever the decoder makes of them.
    storage::StoredImage evidence;
    evidence.url = url;
    evidence.fetched_at_ms = fetched.fetched_at_ms;
    evidence.content_type = fetched.content_type;
    evidence.body = fetched.body;
    auto reading = ocr::ReadImageBytes(fetched.body, config_.decode, ocr_);
    if (reading) {
      evidence.phash = HashHex(reading->phash);
      evidence.width = static_cast<int32_t>(reading->info.width);
      evidence.height = static_cast<int32_t>(reading->info.height);
      out.reading = std::make_shared<const ocr::ImageReading>(std::move(reading.value()));
    } else {
      out.problem = reading.error().message();
      evidence.problem = out.problem;
    }
    if (auto stored = store_.PutImage(evidence); !stored) {
      out.problem =
          (out.problem.empty() ? "" : out.problem + "; ") + "not kept: " + stored.error().message();
    }
  }
  return out;
}

void ImageStage::Read(AdCandidate& ad) {
  const size_t n = std::min(ad.images.size(), static_cast<size_t>(config_.max_per_ad));
  if (n == 0) return;
  std::vector<Reading> readings(ad.images.size());
  std::vector<const ocr::ImageReading*> pointers(ad.images.size(), nullptr);
  std::vector<std::string> problems(ad.images.size());
  for (size_t i = 0; i < n; ++i) {
    readings[i] = ReadOne(ad.images[i].url);
    pointers[i] = readings[i].reading.get();
    problems[i] = readings[i].problem;
  }
  for (size_t i = n; i < ad.images.size(); ++i) problems[i] = "over images.max_per_ad";
  ocr::AttachReadings(ad, pointers, problems);
}

Result<ImageReader> MakeImageReader(const ImagesConfig& config, crawler::Fetcher& fetcher,
                                    int64_t host_delay_ms, storage::Store& store) {
  crawler::ImageFetcherOptions io;
  io.host_delay_ms = host_delay_ms;
  io.max_bytes = static_cast<int64_t>(config.decode.max_bytes);
  io.guard_addresses = true;
  ADWATCH_RETURN_IF_ERROR(crawler::Validate(io));
  ImageReader r;
  auto engine = ocr::OcrEngine::Create(config.ocr);
  if (!engine) return engine.error().WithContext("images");
  r.ocr = std::move(engine.value());
  r.fetcher = std::make_unique<crawler::ImageFetcher>(fetcher, io);
  r.stage = std::make_unique<ImageStage>(config, *r.fetcher, r.ocr.get(), store);
  return r;
}

}  // namespace adwatch::app
