#include "adwatch/export/evidence.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "adwatch/common/hash.h"
#include "adwatch/common/names.h"
#include "adwatch/common/time.h"

namespace adwatch::exporter {
namespace {

std::string BodyFileName(const std::string& content_type) {
  if (content_type.find("html") != std::string::npos) return "body.html";
  if (content_type.find("json") != std::string::npos) return "body.json";
  if (content_type.find("text/plain") != std::string::npos) return "body.txt";
  return "body.bin";
}

std::string Pretty(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// Writes `value` as `width - 1` octal digits and a NUL (a ustar numeric field). Values that do
// not fit (over 8 GiB, dates after 2242) are clamped: evidence files are far smaller.
void OctalField(char* field, size_t width, uint64_t value) {
  const uint64_t max = (uint64_t{1} << (3 * (width - 1))) - 1;
  if (value > max) value = max;
  for (size_t i = width - 1; i-- > 0;) {
    field[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  field[width - 1] = '\0';
}

// One ustar header block for a regular file.
void AppendTarHeader(std::string& out, const std::string& name, size_t size, int64_t mtime_s) {
  char h[512];
  std::memset(h, 0, sizeof h);
  std::memcpy(h, name.data(), std::min<size_t>(name.size(), 99));
  OctalField(h + 100, 8, 0644);
  OctalField(h + 108, 8, 0);
  OctalField(h + 116, 8, 0);
  OctalField(h + 124, 12, size);
  OctalField(h + 136, 12, static_cast<uint64_t>(mtime_s < 0 ? 0 : mtime_s));
  std::memset(h + 148, ' ', 8);  // checksum field counts as spaces
  h[156] = '0';                  // regular file
  std::memcpy(h + 257, "ustar", 6);
  std::memcpy(h + 263, "00", 2);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  OctalField(h + 148, 7, sum);  // six digits, NUL, then a space
  h[155] = ' ';
  out.append(h, sizeof h);
}

}  // namespace

Result<AdBundle> LoadAdBundle(const storage::Store& store, std::string_view id_or_prefix,
                              bool with_body) {
  AdBundle b;
  auto id = store.ResolveAdId(id_or_prefix);
  if (!id) return id.error();
  b.id = std::move(*id);
  auto rec = store.GetAd(b.id);
  if (!rec) return rec.error();
  b.rec = std::move(*rec);
  auto history = store.VerdictHistory(b.id);
  if (!history) return history.error();
  b.history = std::move(*history);
  if (!b.rec.page_id.empty()) {
    auto p = store.GetPage(b.rec.page_id, with_body);
    if (!p) return p.error();
    b.page = std::move(*p);
  }
  return b;
}

nlohmann::json PageJson(const storage::StoredPage& page) {
  const FetchResult& f = page.fetch;
  nlohmann::json j = {{"page_id", page.page_id},
                      {"requested_url", f.requested_url},
                      {"final_url", f.final_url},
                      {"http_status", f.http_status},
                      {"content_type", f.content_type},
                      {"fetched_at", FormatUtc(f.fetched_at_ms)},
                      {"fetched_at_ms", f.fetched_at_ms},
                      {"body_sha256_at_fetch", page.body_sha256},
                      {"body_bytes", page.body_bytes},
                      {"truncated", f.truncated},
                      {"crawler_version", page.crawler_version}};
  if (page.body_dropped_at_ms != 0) j["body_dropped_at"] = FormatUtc(page.body_dropped_at_ms);
  return j;
}

nlohmann::json HistoryJson(const std::vector<storage::VerdictRevision>& history) {
  nlohmann::json revs = nlohmann::json::array();
  for (const auto& h : history) {
    revs.push_back({{"rev", h.rev},
                    {"at", FormatUtc(h.at_ms)},
                    {"cause", h.cause},
                    {"ruleset_version", h.verdict.ruleset_version},
                    {"score", h.verdict.score},
                    {"level", Name(h.verdict.level)}});
  }
  return revs;
}

nlohmann::json ExplainedJson(const AdBundle& b, classifier::Lang lang) {
  return nlohmann::json::parse(classifier::VerdictJson(b.rec.verdict, b.rec.ad, b.id, lang),
                               nullptr,
                               /*allow_exceptions=*/false);
}

namespace {

// ".png", ".jpg", ".webp", ".gif" by Content-Type, else ".bin".
std::string ImageExtension(std::string_view content_type) {
  if (content_type.find("png") != std::string_view::npos) return ".png";
  if (content_type.find("jpeg") != std::string_view::npos ||
      content_type.find("jpg") != std::string_view::npos) {
    return ".jpg";
  }
  if (content_type.find("webp") != std::string_view::npos) return ".webp";
  if (content_type.find("gif") != std::string_view::npos) return ".gif";
  return ".bin";
}

}  // namespace

Result<EvidenceBundle> BuildEvidence(const storage::Store& store, std::string_view id_or_prefix,
                                     classifier::Lang lang, int64_t exported_at_ms,
                                     std::string_view exported_by) {
  auto bundle = LoadAdBundle(store, id_or_prefix, /*with_body=*/true);
  if (!bundle) return bundle.error();
  const AdRecord& rec = bundle->rec;
  EvidenceBundle out;
  out.ad_id = bundle->id;
  nlohmann::json files = nlohmann::json::array();
  auto add = [&](std::string name, std::string bytes) {
    EvidenceFile f{std::move(name), std::move(bytes), ""};
    f.sha256 = Sha256Hex(f.bytes);
    files.push_back({{"name", f.name}, {"sha256", f.sha256}, {"bytes", f.bytes.size()}});
    out.files.push_back(std::move(f));
  };

  nlohmann::json manifest;
  manifest["ad_id"] = bundle->id;
  manifest["exported_at"] = FormatUtc(exported_at_ms);
  manifest["exported_by"] = std::string(exported_by);
  manifest["url"] = rec.ad.url;
  manifest["source"] = rec.ad.source;
  manifest["first_seen"] = FormatUtc(rec.first_seen_ms);
  manifest["last_seen"] = FormatUtc(rec.last_seen_ms);
  if (const auto& page = bundle->page) {
    const FetchResult& f = page->fetch;
    manifest["page"] = PageJson(*page);
    out.body_dropped_at_ms = page->body_dropped_at_ms;
    if (page->body_dropped_at_ms == 0) add(BodyFileName(f.content_type), f.body);
    std::string headers = "HTTP " + std::to_string(f.http_status) + "\n";
    for (const auto& [k, v] : f.headers) headers += k + ": " + v + "\n";
    add("headers.txt", std::move(headers));
  } else {
    manifest["page"] = nullptr;  // imported or pasted text: there was no fetch
  }
  std::string text;
  if (!rec.ad.title.empty()) text = rec.ad.title + "\n\n";
  text += rec.ad.text;
  if (!text.empty() && text.back() != '\n') text += '\n';
  add("text.txt", std::move(text));
  // The ad's images as fetched (image-1.png, ...), with what the image stage read in them.
  nlohmann::json images = nlohmann::json::array();
  for (size_t i = 0; i < rec.ad.images.size(); ++i) {
    const ImageRef& im = rec.ad.images[i];
    nlohmann::json j = {{"url", im.url},           {"origin", Name(im.origin)},
                        {"sha256", im.sha256_hex}, {"phash", im.phash},
                        {"width", im.width},       {"height", im.height},
                        {"problem", im.problem}};
    if (!im.sha256_hex.empty()) {
      auto stored = store.GetImage(im.sha256_hex, /*with_body=*/true);
      if (stored) {
        const std::string name =
            "image-" + std::to_string(i + 1) + ImageExtension(stored->content_type);
        j["file"] = name;
        j["fetched_at"] = FormatUtc(stored->fetched_at_ms);
        j["content_type"] = stored->content_type;
        add(name, std::move(stored->body));
      } else if (!stored.error().IsNotFound()) {
        return stored.error();
      }
    }
    images.push_back(std::move(j));
  }
  if (!rec.ad.image_text.empty()) add("image_text.txt", rec.ad.image_text + "\n");
  manifest["images"] = std::move(images);
  const nlohmann::json verdict = ExplainedJson(*bundle, lang);
  add("verdict.json", Pretty(verdict));
  manifest["files"] = files;
  manifest["verdict"] = verdict;
  nlohmann::json reviews = nlohmann::json::array();
  for (const auto& r : rec.reviews) {
    reviews.push_back({{"at", FormatUtc(r.at_ms)},
                       {"reviewer", r.reviewer},
                       {"label", Name(r.label)},
                       {"note", r.note}});
  }
  manifest["reviews"] = reviews;
  manifest["verdict_history"] = HistoryJson(bundle->history);
  add("manifest.json", Pretty(manifest));
  std::string sums;
  for (const EvidenceFile& f : out.files) sums += f.sha256 + "  " + f.name + "\n";
  out.files.push_back({"SHA256SUMS", sums, Sha256Hex(sums)});
  return out;
}

std::string EvidenceTar(const EvidenceBundle& bundle, std::string_view folder, int64_t mtime_s) {
  std::string out;
  for (const EvidenceFile& f : bundle.files) {
    AppendTarHeader(out, std::string(folder) + "/" + f.name, f.bytes.size(), mtime_s);
    out += f.bytes;
    out.append((512 - f.bytes.size() % 512) % 512, '\0');
  }
  out.append(1024, '\0');  // two zero blocks end the archive
  return out;
}

}  // namespace adwatch::exporter
