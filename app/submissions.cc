#include "submissions.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>

#include "adwatch/common/escape.h"
#include "adwatch/common/names.h"
#include "adwatch/crawler/url.h"

namespace adwatch::app {
namespace {

// Why a fetch failed, in words an NGO caseworker can pass on.
std::string FetchFailure(const FetchResult& r, const std::string& url) {
  const std::string host = EscapeControl(crawler::HostName(url));
  switch (r.error) {
    case FetchError::kDns:
      return "the site's name (" + host + ") does not exist or cannot be looked up";
    case FetchError::kConnect:
      return "the site (" + host + ") could not be reached";
    case FetchError::kTimeout:
      return "the site (" + host + ") took too long to answer";
    case FetchError::kTls:
      return "the site's secure connection (TLS) failed";
    case FetchError::kBlockedAddress:
      return "refused: " + host + " points to a private or internal address";
    case FetchError::kTooLarge:
      return "the page is too large to check";
    default:
      break;
  }
  if (r.http_status != 0) return "the site answered HTTP " + std::to_string(r.http_status);
  return "the page could not be fetched: " + EscapeControl(r.error_message);
}

std::string RobotsUrl(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t path = url.find_first_of("/?#", scheme == std::string::npos ? 0 : scheme + 3);
  return (path == std::string::npos ? url : url.substr(0, path)) + "/robots.txt";
}

}  // namespace

SubmissionWorker::SubmissionWorker(SubmissionOptions options, crawler::Fetcher& fetcher,
                                   const extract::Extractor& extractor,
                                   const classifier::Classifier& classifier, storage::Store& store,
                                   const Clock& clock, api::Metrics& metrics)
    : options_(std::move(options)),
      fetcher_(fetcher),
      extractor_(extractor),
      classifier_(classifier),
      store_(store),
      clock_(clock),
      metrics_(metrics) {
  for (int i = 0; i < std::max(1, options_.fetches_in_flight); ++i) {
    threads_.emplace_back([this] { Work(); });
  }
}

SubmissionWorker::~SubmissionWorker() { Stop(); }

void SubmissionWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

bool SubmissionWorker::Enqueue(const Submission& submission) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= options_.queue_capacity) return false;
    queue_.push_back(submission);
  }
  metrics_.Count("adwatch_submissions_total", "Submissions by the status they reached",
                 {{"status", "queued"}});
  cv_.notify_one();
  return true;
}

Result<int> SubmissionWorker::Resume() {
  auto pending = store_.PendingSubmissions();
  if (!pending) return pending.error();
  int n = 0;
  for (Submission& s : *pending) {
    s.status = SubmissionStatus::kQueued;
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(s));  // past the capacity: they were accepted already
    ++n;
  }
  cv_.notify_all();
  return n;
}

int64_t SubmissionWorker::pending() const {
  std::lock_guard lock(mu_);
  return static_cast<int64_t>(queue_.size()) + active_;
}

void SubmissionWorker::Work() {
  while (true) {
    Submission s;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;  // what is queued stays queued in the store
      s = std::move(queue_.front());
      queue_.pop_front();
      ++active_;
    }
    Process(std::move(s));
    std::lock_guard lock(mu_);
    --active_;
  }
}

void SubmissionWorker::Save(Submission& s, SubmissionStatus status, std::string reason) {
  s.status = status;
  s.reason = std::move(reason);
  s.updated_ms = clock_.NowMs();
  if (Status st = store_.PutSubmission(s); !st.ok()) {
    spdlog::error("submission {}: cannot store its status: {}", s.id, st.ToString());
  }
  if (status != SubmissionStatus::kFetching) {
    metrics_.Count(
        "adwatch_submissions_total", "Submissions by the status they reached",
        {{"status", std::string(status == SubmissionStatus::kDone ? "done" : "failed")}});
  }
}

void SubmissionWorker::Process(Submission s) {
  if (!s.url.empty()) {
    Save(s, SubmissionStatus::kFetching);
    ProcessUrl(s);
  } else if (!s.image_sha256.empty()) {
    ProcessImage(s);
  } else {
    ProcessText(s);
  }
}

void SubmissionWorker::ProcessText(Submission& s) {
  AdCandidate ad;
  ad.origin = CandidateOrigin::kMainText;
  ad.source = "submission";
  ad.text = s.text;
  ad.lang = s.lang;
  ClassifyAndKeep(s, std::move(ad));
}

void SubmissionWorker::ProcessImage(Submission& s) {
  if (options_.ocr == nullptr) {
    return Save(s, SubmissionStatus::kFailed,
                "this server does not read images now (images are turned off)");
  }
  auto bytes = store_.GetSubmissionImage(s.org, s.id);
  if (!bytes) {
    spdlog::error("submission {}: {}", s.id, bytes.error().ToString());
    return Save(s, SubmissionStatus::kFailed, "the uploaded image could not be read back");
  }
  auto read = ocr::ReadImageBytes(*bytes, options_.decode, options_.ocr);
  if (!read) {
    return Save(s, SubmissionStatus::kFailed,
                "the image could not be read: " + std::string(read.error().message()));
  }
  AdCandidate ad;
  ad.origin = CandidateOrigin::kImport;
  ad.source = "submission";
  ad.lang = s.lang;
  ImageRef ref;
  ref.url = "upload:" + s.image_sha256;
  ref.origin = ImageOrigin::kUpload;
  ad.images.push_back(std::move(ref));
  ocr::AttachReadings(ad, {&*read}, {""});
  s.image_text = ad.image_text;
  s.image_phash = ad.images[0].phash;
  if (s.share) {
    // Kept as evidence like a crawled poster: bytes, SHA-256, time; its hash links reposts.
    storage::StoredImage image;
    image.url = ad.images[0].url;
    image.fetched_at_ms = s.created_ms;
    image.content_type = s.image_type;
    image.phash = ad.images[0].phash;
    image.width = ad.images[0].width;
    image.height = ad.images[0].height;
    image.body = std::move(*bytes);
    if (auto put = store_.PutImage(image); !put) {
      spdlog::error("submission {}: {}", s.id, put.error().ToString());
      return Save(s, SubmissionStatus::kFailed, "the image could not be stored; try again later");
    }
  }
  ClassifyAndKeep(s, std::move(ad));
}

void SubmissionWorker::ClassifyAndKeep(Submission& s, AdCandidate ad) {
  auto w = ClassifyAd(classifier_, std::move(ad), "");
  if (!w) return Save(s, SubmissionStatus::kFailed, "the text could not be classified");
  s.verdict = w->verdict;
  if (s.share) {
    // Shared: stored as an ad like any other, so police see it and its contacts link.
    storage::PageWrite write;
    write.cause = "submission";
    write.crawler_version = options_.crawler_version;
    write.ads.push_back(std::move(*w));
    auto written = store_.Write(write);
    if (!written) return Save(s, SubmissionStatus::kFailed, "the verdict could not be stored");
    if (!written->ads.empty()) {
      s.ad_id = written->ads[0].ad_id;
      s.ad_ids = {s.ad_id};
    }
  }
  Save(s, SubmissionStatus::kDone);
}

FetchResult SubmissionWorker::FetchOne(const std::string& url) {
  crawler::FetchRequest req;
  req.task.url = url;
  req.task.source = "submission";
  req.task.priority = FetchPriority::kSubmission;
  req.task.external = true;
  req.guard_addresses = true;
  std::promise<FetchResult> done;
  auto result = done.get_future();
  fetcher_.Fetch(std::move(req), [&done](FetchResult r) { done.set_value(std::move(r)); });
  return result.get();
}

bool SubmissionWorker::RobotsAllow(const std::string& url, std::string& why) {
  const std::string robots_url = RobotsUrl(url);
  const int64_t now = clock_.NowMs();
  CachedRobots cached;
  bool have = false;
  {
    std::lock_guard lock(robots_mu_);
    auto it = robots_.find(robots_url);
    if (it != robots_.end() && now - it->second.fetched_ms < options_.robots_ttl_ms) {
      cached = it->second;
      have = true;
    }
  }
  if (!have) {
    FetchResult r = FetchOne(robots_url);
    // A redirect of robots.txt is not followed here: its answer counts as "no robots.txt"
    // only for 4xx; anything else but 2xx is "unreachable" (RFC 9309: assume full disallow).
    cached.fetched_ms = now;
    if (r.error == FetchError::kNone && r.http_status >= 200 && r.http_status < 300) {
      cached.robots = crawler::RobotsTxt::Parse(r.body);
    } else if (r.error == FetchError::kNone && r.http_status >= 300 && r.http_status < 500) {
      cached.robots = crawler::RobotsTxt();
    } else {
      cached.reachable = false;
      why = r.error == FetchError::kBlockedAddress
                ? FetchFailure(r, url)
                : "robots.txt of " + EscapeControl(crawler::HostName(url)) +
                      " could not be read (" + FetchFailure(r, robots_url) +
                      "), so the page may not be fetched";
      std::lock_guard lock(robots_mu_);
      robots_[robots_url] = cached;
      return false;
    }
    std::lock_guard lock(robots_mu_);
    robots_[robots_url] = cached;
  }
  if (!cached.reachable) {
    why = "robots.txt of " + EscapeControl(crawler::HostName(url)) +
          " could not be read, so the page may not be fetched";
    return false;
  }
  const std::string product = options_.user_agent.substr(0, options_.user_agent.find('/'));
  if (!cached.robots.IsAllowed(crawler::PathAndQuery(url), product)) {
    why = "the site's robots.txt does not allow fetching this page";
    return false;
  }
  return true;
}

void SubmissionWorker::ProcessUrl(Submission& s) {
  auto canonical = crawler::CanonicalUrl(s.url);
  if (!canonical) return Save(s, SubmissionStatus::kFailed, "the link is not a valid web address");
  std::string url = *canonical;
  for (int hop = 0;; ++hop) {
    if (options_.check_url) {
      if (Status st = options_.check_url(url); !st.ok()) {
        return Save(s, SubmissionStatus::kFailed,
                    std::string(hop == 0 ? "refused: " : "refused a redirect: ") + st.message());
      }
    }
    std::string why;
    if (!RobotsAllow(url, why)) return Save(s, SubmissionStatus::kFailed, why);
    FetchResult r = FetchOne(url);
    if (r.error != FetchError::kNone && r.error != FetchError::kTooLarge) {
      return Save(s, SubmissionStatus::kFailed, FetchFailure(r, url));
    }
    if (r.http_status >= 300 && r.http_status < 400 && r.http_status != 304) {
      const std::string location(HeaderValue(r, "Location"));
      auto next = location.empty() ? Result<std::string>(Status::InvalidArgument("no Location"))
                                   : crawler::ResolveUrl(url, location);
      if (!next) {
        if (location.empty()) {
          return Save(s, SubmissionStatus::kFailed,
                      "the site redirected without saying where (HTTP " +
                          std::to_string(r.http_status) + ")");
        }
        // file:, gopher:, ... or not a URL at all: never followed.
        return Save(s, SubmissionStatus::kFailed,
                    "refused a redirect to " + EscapeControl(location, 200) +
                        ": only http and https web addresses are followed");
      }
      if (hop + 1 > options_.max_redirects) {
        return Save(
            s, SubmissionStatus::kFailed,
            "the site redirected more than " + std::to_string(options_.max_redirects) + " times");
      }
      url = *next;
      continue;
    }
    if (r.http_status < 200 || r.http_status >= 300) {
      return Save(s, SubmissionStatus::kFailed, FetchFailure(r, url));
    }
    crawler::PageJob job;
    job.task.url = url;
    job.task.source = "submission";
    job.task.priority = FetchPriority::kSubmission;
    job.task.external = true;
    if (r.final_url.empty()) r.final_url = url;
    job.result = std::move(r);
    PipelineOptions popts;
    popts.crawler_version = options_.crawler_version;
    popts.cause = "submission";
    popts.images = options_.images;
    auto processed = ProcessPage(job, popts, extractor_, classifier_, store_);
    if (!processed) {
      spdlog::error("submission {}: {}", s.id, processed.error().ToString());
      return Save(s, SubmissionStatus::kFailed, "the page could not be stored; try again later");
    }
    if (processed->ads.empty()) {
      return Save(s, SubmissionStatus::kFailed, "no job offer or post was found on the page");
    }
    // The ad that answers the submission: the riskiest one on the page.
    size_t best = 0;
    for (size_t i = 1; i < processed->ads.size(); ++i) {
      if (processed->ads[i].second.score > processed->ads[best].second.score) best = i;
    }
    s.ad_ids.clear();
    for (const auto& [id, verdict] : processed->ads) s.ad_ids.push_back(id);
    s.ad_id = processed->ads[best].first;
    s.verdict = processed->ads[best].second;
    return Save(s, SubmissionStatus::kDone);
  }
}

}  // namespace adwatch::app
