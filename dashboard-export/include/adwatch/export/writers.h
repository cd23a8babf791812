// Writers of a Digest (digest.h) in its three formats, with the same data in each:
//  - HTML: one self-contained file — inline CSS and inline SVG charts, no scripts, no external
//    assets, a Content-Security-Policy that forbids both — readable offline, in mail clients and
//    on a phone, and printable;
//  - CSV: UTF-8 with a byte order mark, one row per flagged ad, headers in the digest's language,
//    the subscription's separator;
//  - JSON: one object for other tools (schema in docs/digest.md).
// Every string that came from an ad goes through common/escape.h. Pure functions of the digest
// (the output streams aside); thread-safe.
#ifndef ADWATCH_EXPORT_WRITERS_H_
#define ADWATCH_EXPORT_WRITERS_H_

#include <ostream>
#include <string>

#include "adwatch/common/status.h"
#include "adwatch/export/digest.h"

namespace adwatch::exporter {

// Returns the digest as one HTML document. The sections, in order, carry these ids (tests and
// docs/digest.md rely on them): summary, trend, flagged, networks, top, notices, about.
std::string RenderHtmlDigest(const Digest& digest);

// Write the digest to `out`. Return IOError when the stream fails.
Status WriteHtmlDigest(const Digest& digest, std::ostream& out);

// The CSV and JSON as strings (for attachments and golden-file tests).
std::string RenderCsv(const Digest& digest);
std::string RenderJson(const Digest& digest);

// The base name of a digest's files: "adwatch-digest-2026-11-22-kepri".
std::string DigestFileStem(const Digest& digest);

struct DigestFiles {
  std::string html;  // paths of the files written
  std::string csv;
  std::string json;
};

// Writes <dir>/<stem>.html, .csv and .json (creating `dir`), each through a temporary file
// renamed into place, so a reader never sees half a file. IOError names the path that failed.
Result<DigestFiles> WriteDigestFiles(const Digest& digest, const std::string& dir);

// The e-mail subject of a digest: "[adwatch] Kepulauan Riau 2026-11-22: 12 iklan ditandai
// (3 tinggi)". Plain UTF-8; the mailer encodes it.
std::string MailSubject(const Digest& digest);

// A short plain-text summary (the counts and the top ads), for mail clients that show no HTML.
std::string PlainTextSummary(const Digest& digest);

}  // namespace adwatch::exporter

#endif  // ADWATCH_EXPORT_WRITERS_H_
