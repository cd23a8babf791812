// The form a PageWrite travels in between processes: in the Redis mode (docs/distributed.md) a
// crawl worker encodes each processed page and the one ingest process decodes it and hands it to
// Store::Write. The body travels beside the encoding, raw, because it is evidence: JSON would
// turn invalid UTF-8 into U+FFFD and break the body's SHA-256. The encoding records that SHA-256
// and length, and decoding checks the body against them. Pure functions; thread-safe.
#ifndef ADWATCH_STORAGE_PAGE_WRITE_CODEC_H_
#define ADWATCH_STORAGE_PAGE_WRITE_CODEC_H_

#include <string>
#include <string_view>

#include "adwatch/common/status.h"
#include "adwatch/storage/store.h"

namespace adwatch::storage {

// `write` without its page's body, in the store's record format (a format byte, then JSON), with
// the body's SHA-256 and length.
std::string EncodePageWrite(const PageWrite& write);

// The PageWrite of EncodePageWrite(w), with `body` as its page's body. Corruption when `encoded`
// does not decode (an unknown format byte, bad JSON, a field of the wrong type) or when `body`
// does not match the recorded SHA-256 and length (a write without a page needs an empty body).
Result<PageWrite> DecodePageWrite(std::string_view encoded, std::string body);

}  // namespace adwatch::storage

#endif  // ADWATCH_STORAGE_PAGE_WRITE_CODEC_H_
