#include "adwatch/ocr/ocr.h"

#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <vector>

#include "adwatch/common/hash.h"
#include "image_rep.h"

namespace adwatch::ocr {

Status Validate(const OcrOptions& o) {
  const std::string& l = o.languages;
  bool ok = !l.empty() && l.front() != '+' && l.back() != '+' && l.find("++") == std::string::npos;
  for (char c : l) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '+');
  }
  if (!ok)
    return Status::InvalidArgument("ocr options",
                                   "languages must be model names joined by '+', e.g. ind+eng");
  if (o.time_budget_ms < 100 || o.time_budget_ms > 600000) {
    return Status::InvalidArgument("ocr options", "time_budget_ms must be between 100 and 600000");
  }
  if (o.max_concurrent < 1 || o.max_concurrent > 64) {
    return Status::InvalidArgument("ocr options", "max_concurrent must be between 1 and 64");
  }
  if (o.upscale_below_px < 0 || o.upscale_below_px > 10000) {
    return Status::InvalidArgument("ocr options", "upscale_below_px must be between 0 and 10000");
  }
  if (o.min_word_confidence < 0 || o.min_word_confidence > 100) {
    return Status::InvalidArgument("ocr options", "min_word_confidence must be between 0 and 100");
  }
  return Status::OK();
}

namespace {

// Whether `<dir>/<lang>.traineddata` exists for every language, `dir` being where Tesseract 5
// looks: the configured folder, else $TESSDATA_PREFIX, else Debian 12's compiled-in default.
bool ModelsPresent(const OcrOptions& o) {
  std::string dir = o.tessdata_dir;
  if (dir.empty()) {
    const char* env = std::getenv("TESSDATA_PREFIX");
    dir = env != nullptr && *env != '\0' ? env : "/usr/share/tesseract-ocr/5/tessdata";
  }
  std::error_code ec;
  for (size_t begin = 0; begin <= o.languages.size();) {
    size_t end = o.languages.find('+', begin);
    if (end == std::string::npos) end = o.languages.size();
    const std::filesystem::path model =
        std::filesystem::path(dir) / (o.languages.substr(begin, end - begin) + ".traineddata");
    if (!std::filesystem::is_regular_file(model, ec)) return false;
    begin = end + 1;
  }
  return true;
}

}  // namespace

struct OcrEngine::Rep {
  OcrOptions options;
  mutable std::mutex mu;
  mutable std::condition_variable cv;
  mutable std::vector<std::unique_ptr<tesseract::TessBaseAPI>> idle;  // guarded by mu
  mutable int made = 0;                                               // guarded by mu

  Result<std::unique_ptr<tesseract::TessBaseAPI>> Make() const {
    auto api = std::make_unique<tesseract::TessBaseAPI>();
    const char* dir = options.tessdata_dir.empty() ? nullptr : options.tessdata_dir.c_str();
    // Quiet: Tesseract writes its notes ("Estimating resolution…") to stderr otherwise.
    api->SetVariable("debug_file", "/dev/null");
    if (api->Init(dir, options.languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
      return Status::Unavailable("tesseract", "cannot load the language models \"" +
                                                  options.languages +
                                                  "\" (is tesseract-ocr-<lang> installed?)");
    }
    api->SetVariable("debug_file", "/dev/null");
    api->SetVariable("user_defined_dpi", "300");
    api->SetPageSegMode(tesseract::PSM_AUTO);
    return api;
  }

  // Takes an idle instance, makes one while fewer than max_concurrent exist, else waits.
  Result<std::unique_ptr<tesseract::TessBaseAPI>> Acquire() const {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return !idle.empty() || made < options.max_concurrent; });
    if (!idle.empty()) {
      auto api = std::move(idle.back());
      idle.pop_back();
      return api;
    }
    ++made;
    lock.unlock();
    auto api = Make();
    if (!api) {
      std::lock_guard relock(mu);
      --made;
      cv.notify_one();
    }
    return api;
  }

  void Release(std::unique_ptr<tesseract::TessBaseAPI> api) const {
    {
      std::lock_guard lock(mu);
      idle.push_back(std::move(api));
    }
    cv.notify_one();
  }
};

OcrEngine::OcrEngine(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
OcrEngine::~OcrEngine() = default;
const OcrOptions& OcrEngine::options() const { return rep_->options; }

Result<std::unique_ptr<OcrEngine>> OcrEngine::Create(OcrOptions options) {
  ADWATCH_RETURN_IF_ERROR(Validate(options));
  QuietLeptonica();
  auto rep = std::make_unique<Rep>();
  rep->options = std::move(options);
  // The models (about 30 MB) are loaded on the first Read, not here: a crawl of sites without
  // posters, or a `serve` nobody uploads to, never pays for them. A missing model must still
  // fail at start-up, so every model file is looked for; only when one is not where Tesseract
  // looks by default (another build, another layout) is one instance loaded now to find out.
  if (!ModelsPresent(rep->options)) {
    auto first = rep->Make();
    if (!first) return first.error();
    rep->idle.push_back(std::move(first.value()));
    rep->made = 1;
  }
  return std::unique_ptr<OcrEngine>(new OcrEngine(std::move(rep)));
}

Result<OcrResult> OcrEngine::Read(const DecodedImage& image) const {
  const OcrOptions& o = rep_->options;
  const auto start = std::chrono::steady_clock::now();
  Pix* src = image.rep().pix.get();
  // Small images scaled up: Tesseract reads text about 30 px high best.
  const int shorter = std::min(pixGetWidth(src), pixGetHeight(src));
  int factor = 1;
  if (shorter > 0 && shorter < o.upscale_below_px) {
    factor = std::min(3, (o.upscale_below_px + shorter - 1) / shorter);
  }
  // Greyscale first: Tesseract binarises grey anyway, and Leptonica's up-scaling of some 32-bit
  // images (JPEG, spp 3) gives pixels Tesseract reads as blank.
  PixPtr gray(pixConvertTo8(src, 0));
  if (!gray) return Status::Internal("leptonica", "cannot convert the image to grey");
  if (factor > 1) {
    PixPtr scaled(pixScale(gray.get(), static_cast<float>(factor), static_cast<float>(factor)));
    if (scaled) {
      gray = std::move(scaled);
    } else {
      factor = 1;
    }
  }
  Pix* pix = gray.get();

  auto api = rep_->Acquire();
  if (!api) return api.error();
  std::unique_ptr<tesseract::TessBaseAPI> tess = std::move(api.value());
  OcrResult out;
  tess->SetImage(pix);
  tesseract::ETEXT_DESC monitor;
  monitor.set_deadline_msecs(o.time_budget_ms);
  const int rc = tess->Recognize(&monitor);
  out.timed_out = monitor.deadline_exceeded();
  if (rc != 0 && !out.timed_out) {
    tess->Clear();
    rep_->Release(std::move(tess));
    return Status::Internal("tesseract", "recognition failed");
  }
  std::unique_ptr<tesseract::ResultIterator> it(tess->GetIterator());
  if (it) {
    // 0: nothing yet, 1: space, 2: line break, 3: blank line between blocks.
    int pending = 0;
    do {
      if (it->IsAtBeginningOf(tesseract::RIL_BLOCK)) {
        pending = std::max(pending, 3);
      } else if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE)) {
        pending = std::max(pending, 2);
      } else {
        pending = std::max(pending, 1);
      }
      std::unique_ptr<char[]> word(it->GetUTF8Text(tesseract::RIL_WORD));
      const float conf = it->Confidence(tesseract::RIL_WORD);
      if (!word || word[0] == '\0' || conf < static_cast<float>(o.min_word_confidence)) continue;
      if (!out.text.empty()) out.text += pending == 3 ? "\n\n" : pending == 2 ? "\n" : " ";
      pending = 0;
      OcrWord w;
      w.text = word.get();
      w.span.begin = static_cast<uint32_t>(out.text.size());
      out.text += w.text;
      w.span.end = static_cast<uint32_t>(out.text.size());
      int l = 0, t = 0, r = 0, b = 0;
      if (it->BoundingBox(tesseract::RIL_WORD, &l, &t, &r, &b)) {
        w.box = Box{l / factor, t / factor, (r - l) / factor, (b - t) / factor};
      }
      w.confidence = static_cast<int32_t>(conf + 0.5f);
      out.words.push_back(std::move(w));
    } while (it->Next(tesseract::RIL_WORD));
  }
  it.reset();
  tess->Clear();
  rep_->Release(std::move(tess));
  out.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  return out;
}

Result<ImageReading> ReadImageBytes(std::string_view bytes, const DecodeOptions& decode,
                                    const OcrEngine* engine) {
  auto image = DecodeImage(bytes, decode);
  if (!image) return image.error();
  ImageReading r;
  r.info = image->info();
  r.sha256_hex = Sha256Hex(bytes);
  r.phash = PerceptualHash(*image);
  if (engine != nullptr) {
    auto read = engine->Read(*image);
    if (!read) return read.error();
    r.ocr = std::move(read.value());
  }
  return r;
}

void AttachReadings(AdCandidate& ad, const std::vector<const ImageReading*>& readings,
                    const std::vector<std::string>& problems) {
  ad.image_text.clear();
  ad.image_words.clear();
  for (size_t i = 0; i < ad.images.size() && i < readings.size(); ++i) {
    ImageRef& ref = ad.images[i];
    if (i < problems.size() && !problems[i].empty()) ref.problem = problems[i];
    const ImageReading* r = readings[i];
    if (r == nullptr) continue;
    ref.sha256_hex = r->sha256_hex;
    ref.phash = HashHex(r->phash);
    ref.width = static_cast<int32_t>(r->info.width);
    ref.height = static_cast<int32_t>(r->info.height);
    if (r->ocr.timed_out && ref.problem.empty()) ref.problem = "OCR stopped at its time budget";
    if (r->ocr.text.empty()) continue;
    if (!ad.image_text.empty()) ad.image_text += "\n\n";
    const auto base = static_cast<uint32_t>(ad.image_text.size());
    ad.image_text += r->ocr.text;
    for (const OcrWord& w : r->ocr.words) {
      ImageWord iw;
      iw.span = Span{base + w.span.begin, base + w.span.end};
      iw.image = static_cast<uint32_t>(i);
      iw.box = w.box;
      iw.confidence = w.confidence;
      ad.image_words.push_back(iw);
    }
  }
}

}  // namespace adwatch::ocr
