// LinkSink: a crawler::PageSink for crawler tests. It takes every page at once, answers with the
// href="…" links of its body, stands in for the store with one ad per page named "ad:<url>", and
// records what it was given. Thread-safe.
#ifndef ADWATCH_TESTS_SUPPORT_LINK_SINK_H_
#define ADWATCH_TESTS_SUPPORT_LINK_SINK_H_

#include <algorithm>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "adwatch/crawler/crawler.h"
#include "adwatch/crawler/url.h"

namespace adwatch::testing {

class LinkSink final : public crawler::PageSink {
 public:
  bool Offer(crawler::PageJob& job, std::function<void(crawler::PageOutcome)> done) override {
    crawler::PageOutcome out;
    const std::string& body = job.result.body;
    for (size_t at = body.find("href=\""); at != std::string::npos;
         at = body.find("href=\"", at + 6)) {
      const size_t end = body.find('"', at + 6);
      if (end == std::string::npos) break;
      if (auto u = crawler::ResolveUrl(job.task.url, body.substr(at + 6, end - at - 6)); u) {
        out.links.push_back(*u);
      }
    }
    if (job.result.http_status != 304) out.ad_ids = {"ad:" + job.task.url};
    {
      std::lock_guard lock(mu);
      previous_ad_ids.push_back(job.previous_ad_ids);
      pages.push_back(job.task.url);
      statuses.push_back(job.result.http_status);
      max_body = std::max(max_body, job.result.body.size());
    }
    done(std::move(out));
    return true;
  }

  std::mutex mu;
  std::vector<std::string> pages;
  std::vector<int> statuses;
  std::vector<std::vector<std::string>> previous_ad_ids;
  size_t max_body = 0;
};

}  // namespace adwatch::testing

#endif  // ADWATCH_TESTS_SUPPORT_LINK_SINK_H_
