// Export of stored ads for analysts' own tools (`adwatch export`): each ad with its current
// verdict, contacts and review label, as CSV (RFC 4180, UTF-8 with BOM) or JSONL (one JSON object
// per line). Ads are streamed from the store one at a time, so memory stays flat however many
// are exported. Columns and fields: docs/digest.md. Thread-safe: concurrent exports may share a
// store.
//
// Distress posts (victims asking for help) are exported without their title, text, author and
// contacts — those are a victim's personal data, and an export leaves adwatch's control. The
// review queue still shows them to the police (`adwatch review show`).
#ifndef ADWATCH_EXPORT_EXPORT_H_
#define ADWATCH_EXPORT_EXPORT_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "adwatch/common/records.h"
#include "adwatch/common/status.h"

namespace adwatch::storage {
class Store;
}  // namespace adwatch::storage

namespace adwatch::exporter {

enum class ExportFormat : uint8_t { kCsv = 0, kJsonl };

// Which ads are exported. Every condition must hold.
struct ExportQuery {
  ExportFormat format = ExportFormat::kCsv;
  std::string since;  // first seen on or after this day (YYYY-MM-DD); "" for no bound
  std::string until;  // first seen on or before this day; "" for no bound
  Level min_level = Level::kNone;
  std::string region;  // routed to this region id; "" for all
  // Current review label: a ReviewLabel name, "none" for ads nobody has labelled, "" for any.
  std::string label;
  // Only ads whose current verdict names this TPPO pattern; unset for any.
  std::optional<Pattern> pattern;
};

// Returns OK, or InvalidArgument for a malformed day, until before since, or an unknown label.
Status Validate(const ExportQuery& query);

struct ExportStats {
  int64_t scanned = 0;  // ads read from the store
  int64_t written = 0;  // ads that matched and were written
};

// Streams the ads matching `query` to `out`: header first (CSV), then one record per ad in day
// order (in id order when both days are open). Returns the counts, InvalidArgument for a bad
// query, IOError when `out` fails, and the store's errors as they come.
Result<ExportStats> ExportAds(const storage::Store& store, const ExportQuery& query,
                              std::ostream& out);

// The writer ExportAds uses, for callers that pick the ads themselves. Holds no ads: each Write
// formats one record and hands it to the stream.
class ExportWriter {
 public:
  // REQUIRES: `out` outlives the writer.
  ExportWriter(ExportFormat format, std::ostream& out);

  // Writes the BOM and the header line (CSV); nothing for JSONL. Call once, first.
  void Begin();
  // Writes one ad. `day` is its first-seen day in the configured zone (Store::DayOf).
  void Write(const AdRecord& record, std::string_view day);
  // IOError when the stream has failed, else OK.
  Status status() const;

 private:
  ExportFormat format_;
  std::ostream& out_;
  std::string buffer_;
};

}  // namespace adwatch::exporter

#endif  // ADWATCH_EXPORT_EXPORT_H_
