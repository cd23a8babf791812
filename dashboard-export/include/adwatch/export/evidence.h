// The evidence bundle of one ad: what a police unit attaches to a case file. The page body
// exactly as fetched (with the SHA-256 taken at fetch), the response headers, the ad's text, the
// verdict explained, the reviews and verdict history, a manifest.json tying them together and a
// SHA256SUMS file that `sha256sum -c` verifies. `adwatch evidence` writes it as a folder; the
// API serves it as one tar archive. Pure functions over a Store; thread-safe as the Store is.
#ifndef ADWATCH_EXPORT_EVIDENCE_H_
#define ADWATCH_EXPORT_EVIDENCE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/classifier/classify.h"
#include "adwatch/common/records.h"
#include "adwatch/common/status.h"
#include "adwatch/storage/store.h"

namespace adwatch::exporter {

// What `review show` and the evidence bundle both read of one ad: the record (with reviews),
// every verdict revision and, unless it was imported or pasted, the page it came from.
struct AdBundle {
  std::string id;
  AdRecord rec;
  std::vector<storage::VerdictRevision> history;
  std::optional<storage::StoredPage> page;
};

// Reads the ad whose id is `id_or_prefix` (a full id, or a unique prefix of at least 6
// characters). With `with_body` the page's body is read too. NotFound for an unknown ad;
// InvalidArgument for an ambiguous prefix; Corruption when the stored body no longer matches
// the SHA-256 taken at fetch.
Result<AdBundle> LoadAdBundle(const storage::Store& store, std::string_view id_or_prefix,
                              bool with_body);

// What an analyst needs of a stored page (URLs, status, fetch time, the body's SHA-256 and size,
// the crawler version, when retention dropped the body); the body itself is a file.
nlohmann::json PageJson(const storage::StoredPage& page);

// The verdict revisions: rev, at, cause, ruleset_version, score, level.
nlohmann::json HistoryJson(const std::vector<storage::VerdictRevision>& history);

// The verdict in the documented schema (docs/verdict.md), reasons in `lang`.
nlohmann::json ExplainedJson(const AdBundle& bundle, classifier::Lang lang);

struct EvidenceFile {
  std::string name;  // "body.html", "headers.txt", "text.txt", "verdict.json", ...
  std::string bytes;
  std::string sha256;  // lower-case hex of `bytes`
};

struct EvidenceBundle {
  std::string ad_id;
  // In this order: the body (when still kept: body.html, body.json, body.txt or body.bin by its
  // Content-Type), headers.txt (fetched pages only), text.txt, the ad's images as fetched
  // (image-N.png/.jpg/.webp/.gif/.bin, N its position in AdCandidate::images) and
  // image_text.txt when any was read, verdict.json, manifest.json (with an `images` list: URL,
  // SHA-256, fetch time, phash, size, problem) and last SHA256SUMS (every other file's hash,
  // `sha256sum -c` format).
  std::vector<EvidenceFile> files;
  // When retention dropped the raw body (0 while kept): its SHA-256 is still in manifest.json.
  int64_t body_dropped_at_ms = 0;
};

// Builds the bundle of the ad `id_or_prefix`. `exported_at_ms` and `exported_by` ("adwatch 0.3",
// "api:<token id>") go into the manifest. Errors as LoadAdBundle.
Result<EvidenceBundle> BuildEvidence(const storage::Store& store, std::string_view id_or_prefix,
                                     classifier::Lang lang, int64_t exported_at_ms,
                                     std::string_view exported_by);

// The bundle as one POSIX ustar archive holding a folder `folder` ("evidence-<ad id>") with
// every file, each dated `mtime_s`. Names are ASCII and short, so no extension headers are
// needed.
std::string EvidenceTar(const EvidenceBundle& bundle, std::string_view folder, int64_t mtime_s);

}  // namespace adwatch::exporter

#endif  // ADWATCH_EXPORT_EVIDENCE_H_
