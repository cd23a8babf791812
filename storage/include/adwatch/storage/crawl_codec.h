// The stored layout of the crawl's state: the frontier's tasks, the seen-set's records and the
// hosts' robots.txt cache, kept in the store's frontier, seen and hosts tables (docs/storage.md).
// The crawler's frontier (crawler/local_frontier.cc) and the Redis ingest write them here, so
// every value in the store's tables has its layout in storage/, as ads and verdicts do.
//
// Each value is kFormatBinary (adwatch/storage/value_codec.h) with its fields in a fixed order;
// a field is only ever appended. Values written before the binary form were untagged JSON objects
// (they start with '{'): they are still read, never written.
//
// Errors: a value that does not decode is Corruption naming `context` and what is wrong; an
// enum above the newest known value reads as written by a newer adwatch.
// Thread-safe: plain functions.
#ifndef ADWATCH_STORAGE_CRAWL_CODEC_H_
#define ADWATCH_STORAGE_CRAWL_CODEC_H_

#include <string>
#include <string_view>

#include "adwatch/common/records.h"
#include "adwatch/common/status.h"

namespace adwatch::storage {

std::string EncodeUrlRecord(const UrlRecord& r);
Result<UrlRecord> DecodeUrlRecord(std::string_view value, std::string_view context);

std::string EncodeFetchTask(const FetchTask& t);
Result<FetchTask> DecodeFetchTask(std::string_view value, std::string_view context);

std::string EncodeRobotsRecord(const RobotsRecord& r);
Result<RobotsRecord> DecodeRobotsRecord(std::string_view value, std::string_view context);

}  // namespace adwatch::storage

#endif  // ADWATCH_STORAGE_CRAWL_CODEC_H_
