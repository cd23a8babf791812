#include "ingest.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "adwatch/common/escape.h"
#include "adwatch/frontier_redis/redis_frontier.h"
#include "adwatch/storage/page_write_codec.h"

namespace adwatch::app {

using frontier_redis::ResultEntry;

Result<std::unique_ptr<Ingest>> Ingest::Create(const frontier_redis::RedisAddress& address,
                                               storage::Store& store, const std::string& consumer) {
  frontier_redis::ResultReaderOptions o;
  o.address = address;
  o.consumer = consumer;
  auto reader = frontier_redis::ResultReader::Connect(o);
  if (!reader) return reader.error();
  return std::unique_ptr<Ingest>(new Ingest(std::move(reader.value()), store));
}

Result<int> Ingest::Step(int max, int block_ms) {
  auto entries = reader_->Read(max, block_ms);
  if (!entries) return entries.error();
  std::vector<std::string> ids;
  std::vector<std::pair<const ResultEntry*, std::string>> dead;
  int64_t pages = 0, ads = 0;
  for (const ResultEntry& e : *entries) {
    const std::string& pw = e.Field(frontier_redis::kFieldWrite);
    const std::string& touch = e.Field(frontier_redis::kFieldTouch);
    if (!pw.empty()) {
      // The body is copied: the entry stays intact for the dead-letter stream.
      auto write = storage::DecodePageWrite(pw, e.Field(frontier_redis::kFieldBody));
      if (!write) {
        dead.emplace_back(&e, write.error().ToString());
        continue;
      }
      auto written = store_.Write(*write);
      if (!written) {
        if (written.error().IsInvalidArgument()) {  // this entry can never be stored
          dead.emplace_back(&e, written.error().ToString());
          continue;
        }
        return written.error().WithContext("store");
      }
      ++pages;
      ads += static_cast<int64_t>(written->ads.size());
    } else if (!touch.empty()) {
      try {
        auto j = nlohmann::json::parse(touch);
        auto touched =
            store_.Touch(j.at("ads").get<std::vector<std::string>>(), j.at("ms").get<int64_t>());
        if (!touched) return touched.error().WithContext("store");
      } catch (const nlohmann::json::exception& ex) {
        dead.emplace_back(&e, std::string("touch: ") + ex.what());
        continue;
      }
    }
    ids.push_back(e.id);
  }
  // Durable first, acknowledged second: a crash in between stores the batch again, harmlessly.
  if (!ids.empty()) {
    if (Status s = store_.SyncWal(); !s.ok()) return s.WithContext("store");
    ADWATCH_RETURN_IF_ERROR(reader_->Ack(ids));
  }
  for (const auto& [e, why] : dead) {
    spdlog::error("ingest: result {} of {} cannot be stored ({}); kept in adw:results:dead", e->id,
                  EscapeControl(e->Field(frontier_redis::kFieldUrl), 200), why);
    ADWATCH_RETURN_IF_ERROR(reader_->DeadLetter(*e, why));
  }
  stats_.entries += static_cast<int64_t>(ids.size() + dead.size());
  stats_.pages += pages;
  stats_.ads += ads;
  stats_.dead += static_cast<int64_t>(dead.size());
  return static_cast<int>(entries->size());
}

Status Ingest::Run(const std::atomic<bool>& stop, bool until_drained,
                   const std::function<void(const IngestStats&)>& progress) {
  while (!stop.load()) {
    auto n = Step(256, 500);
    if (!n) return n.error();
    if (*n > 0) {
      if (progress) progress(stats_);
      continue;
    }
    if (until_drained) {
      auto state = reader_->State();
      if (!state) return state.error();
      if (state->Drained()) return Status::OK();
    }
  }
  return Status::OK();
}

}  // namespace adwatch::app
