// `adwatch import --format telegram-export|whatsapp-export PATH`: a chat export read as posts,
// each classified and stored like a crawled ad, the export file kept as their evidence
// (docs/import.md). Parsing is chats/'s; this file only routes: read, validate, classify, store.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "admin.h"
#include "adwatch/chats/chats.h"
#include "adwatch/classifier/classify.h"
#include "adwatch/common/hash.h"
#include "adwatch/common/time.h"
#include "adwatch/storage/store.h"
#include "cli.h"
#include "pipeline.h"

namespace adwatch::app {
namespace {

namespace fs = std::filesystem;

// Larger exports are refused: the file is kept whole as one evidence record. A 100,000-message
// Telegram export is about 40 MB.
constexpr uint64_t kMaxExportBytes = 512ull << 20;
// A photo larger than this is counted but not kept.
constexpr uint64_t kMaxMediaBytes = 32ull << 20;
// Ads per store batch. Each batch also rewrites the export page's list of ad ids (up to 100,000
// ids for a large export), so fewer, larger batches keep that cost from growing quadratically;
// 4,096 ads with their verdicts are a few tens of MB.
constexpr size_t kBatch = 4096;

Result<std::string> ReadFile(const fs::path& path, uint64_t max_bytes) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return Status::NotFound(path.string(), ec.message());
  if (size > max_bytes) {
    return Status::InvalidArgument(path.string(),
                                   "larger than " + std::to_string(max_bytes >> 20) + " MiB");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(path.string(), "cannot be opened");
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<uint64_t>(in.gcount()) != size)
    return Status::IOError(path.string(), "short read");
  return bytes;
}

std::string ContentTypeOf(const std::string& name) {
  const auto dot = name.find_last_of('.');
  std::string ext = dot == std::string::npos ? "" : name.substr(dot + 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "png") return "image/png";
  if (ext == "webp") return "image/webp";
  if (ext == "gif") return "image/gif";
  if (ext == "mp4") return "video/mp4";
  if (ext == "opus" || ext == "ogg") return "audio/ogg";
  if (ext == "pdf") return "application/pdf";
  if (ext == "json") return "application/json";
  if (ext == "txt") return "text/plain; charset=utf-8";
  if (ext == "zip") return "application/zip";
  return "application/octet-stream";
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsPhoto(const std::string& name) { return ContentTypeOf(name).rfind("image/", 0) == 0; }

// What one run found, for the summary line.
struct Tally {
  int messages = 0;
  int posts = 0;
  int empty = 0;  // posts with neither text nor media (stickers, polls)
  int created = 0;
  int stored = 0;
  int flagged = 0;
  int photos_kept = 0;
  int photos_missing = 0;  // named by a message, not in the export
  int media_omitted = 0;   // left out by the export itself
  int other_media = 0;     // videos, voice notes, documents: not kept
};

// One chat export being imported.
class ChatImport {
 public:
  ChatImport(WriteContext& w, const classifier::Classifier& classifier, const nlohmann::json& args)
      : w_(w), classifier_(classifier) {
    format_ = args.value("format", "");
    path_ = args.value("path", "");
    name_ = args.value("name", path_);
    reviewer_ = args.value("reviewer", "");
    if (reviewer_.empty()) reviewer_ = w.user;
    region_hint_ = args.value("region_hint", "");
    source_ = args.value("source", "");
    if (source_.empty() || source_ == "import") source_ = format_;
    telegram_.timezone = whatsapp_.timezone = args.value("timezone", "Asia/Jakarta");
    const std::string order = args.value("date_order", "auto");
    whatsapp_.date_order = order == "dmy"   ? chats::DateOrder::kDayFirst
                           : order == "mdy" ? chats::DateOrder::kMonthFirst
                                            : chats::DateOrder::kAuto;
    if (auto it = args.find("public"); it != args.end() && it->is_array()) {
      for (const auto& v : *it) {
        if (v.is_string()) public_args_.push_back(v.get<std::string>());
      }
    }
  }

  int Run() {
    const auto start = std::chrono::steady_clock::now();
    Status s = Load();
    if (s.ok()) s = Read(/*store=*/false);  // validate the whole file: a bad one stores nothing
    if (s.ok()) s = StoreEvidence();
    if (s.ok()) s = Read(/*store=*/true);
    if (!s.ok()) {
      w_.out.Err("adwatch import: " + name_ + ": " + s.ToString());
      return kExitFailure;
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    w_.out.Out(Sprintf(
        "imported %s (%s, sha256 %s) in %.1f s: %d messages as %d posts, %d new, %d already "
        "stored, %d medium or high; %d without text or media skipped",
        name_.c_str(), format_.c_str(), sha_.substr(0, 16).c_str(), secs, t_.messages,
        t_.posts - t_.empty, t_.created, t_.stored - t_.created, t_.flagged, t_.empty));
    w_.out.Out(
        Sprintf("photos: %d kept as evidence, %d named but missing from the export, %d "
                "left out by the export; %d other media files not kept",
                t_.photos_kept, t_.photos_missing, t_.media_omitted, t_.other_media));
    w_.out.Out("evidence: page " + page_id_ + ", imported by " + reviewer_);
    return kExitOk;
  }

 private:
  // Reads the file (and, for a zip, its entries) and settles the options.
  Status Load() {
    if (format_ != "telegram-export" && format_ != "whatsapp-export") {
      return Status::InvalidArgument("--format", "expected telegram-export or whatsapp-export");
    }
    ADWATCH_RETURN_IF_ERROR(chats::Validate(telegram_));
    ADWATCH_RETURN_IF_ERROR(chats::Validate(whatsapp_));
    fs::path p(path_);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      if (format_ != "telegram-export") {
        return Status::InvalidArgument(path_, "a folder: name the .txt or .zip of the export");
      }
      p /= "result.json";
    }
    file_ = p;
    folder_ = p.parent_path();
    const auto size = fs::file_size(p, ec);
    if (ec) return Status::NotFound(p.string(), ec.message());
    if (size > kMaxExportBytes) {
      return Status::InvalidArgument(p.string(),
                                     "larger than " + std::to_string(kMaxExportBytes >> 20) +
                                         " MiB, the most kept as one piece of evidence");
    }
    if (format_ == "whatsapp-export") {
      whatsapp_.chat_name = chats::ChatNameFromFileName(p.filename().string());
      char magic[4] = {};
      std::ifstream(p, std::ios::binary).read(magic, 4);
      if (std::string_view(magic, 4) == std::string_view("PK\x03\x04", 4)) {
        auto bytes = ReadFile(p, kMaxExportBytes);
        if (!bytes) return bytes.error();
        auto zip = chats::ReadWhatsAppZip(*bytes);
        if (!zip) return zip.error();
        zip_ = std::move(*zip);
        if (whatsapp_.chat_name == p.stem().string() && zip_->txt_name != "_chat.txt") {
          whatsapp_.chat_name = chats::ChatNameFromFileName(zip_->txt_name);
        }
      }
    }
    for (const std::string& a : public_args_) {
      const auto eq = a.find('=');
      if (eq == std::string::npos) {
        pending_username_ = a;  // the single chat's, once its id is known
      } else {
        group_.public_usernames[a.substr(0, eq)] = a.substr(eq + 1);
      }
    }
    return Status::OK();
  }

  // Runs the parser over the export. Without `store`, only checks it and counts; with it,
  // classifies and stores every post.
  Status Read(bool store) {
    chats::PostGrouper grouper(group_);
    std::set<std::string> chat_ids;
    int messages = 0;
    auto take = [&](const chats::ChatMessage& m) -> Status {
      ++messages;
      if (!store) {
        chat_ids.insert(m.chat_id);
        return Status::OK();
      }
      for (chats::ChatPost& p : grouper.Add(m)) ADWATCH_RETURN_IF_ERROR(Post(std::move(p)));
      return Status::OK();
    };
    Status s;
    if (format_ == "telegram-export") {
      std::ifstream in(file_, std::ios::binary);
      if (!in) return Status::IOError(file_.string(), "cannot be opened");
      s = chats::ReadTelegramExport(in, telegram_, take);
    } else if (zip_) {
      std::istringstream in(zip_->txt);
      s = chats::ReadWhatsAppExport(in, whatsapp_, take);
    } else {
      std::ifstream in(file_, std::ios::binary);
      if (!in) return Status::IOError(file_.string(), "cannot be opened");
      s = chats::ReadWhatsAppExport(in, whatsapp_, take);
    }
    ADWATCH_RETURN_IF_ERROR(s);
    if (!store) {
      if (!pending_username_.empty()) {
        if (chat_ids.size() != 1) {
          return Status::InvalidArgument("--public",
                                         "name the chat as ID=USERNAME: the export "
                                         "holds " +
                                             std::to_string(chat_ids.size()) + " chats");
        }
        group_.public_usernames[*chat_ids.begin()] = pending_username_;
      }
      t_.messages = messages;
      return Status::OK();
    }
    for (chats::ChatPost& p : grouper.Finish()) ADWATCH_RETURN_IF_ERROR(Post(std::move(p)));
    return Flush();
  }

  // The export file as a page: its bytes, SHA-256, who imported it and when.
  Status StoreEvidence() {
    auto bytes = ReadFile(file_, kMaxExportBytes);
    if (!bytes) return bytes.error();
    sha_ = Sha256Hex(*bytes);
    FetchResult f;
    f.requested_url = "export:" + sha_.substr(0, 16) + "/" + file_.filename().string();
    f.source = source_;
    f.http_status = 200;
    f.fetched_at_ms = NowMs();  // when it was imported: the evidence's "fetched" time
    f.content_type = ContentTypeOf(file_.filename().string());
    f.headers = {{"X-Adwatch-Export-Format", format_},
                 {"X-Adwatch-Export-File", name_},
                 {"X-Adwatch-Export-Sha256", sha_},
                 {"X-Adwatch-Imported-By", reviewer_},
                 {"X-Adwatch-Messages", std::to_string(t_.messages)}};
    f.body = std::move(*bytes);
    storage::PageWrite pw;
    pw.page = std::move(f);
    pw.cause = "import";
    pw.crawler_version = "adwatch import";
    auto written = w_.store.Write(pw);
    if (!written) return written.error().WithContext("storing the export as evidence");
    page_id_ = written->page_id;
    return Status::OK();
  }

  // Where the post's media are, as (evidence URL, bytes) when the export holds them.
  std::optional<std::string> MediaBytes(const std::string& rel) {
    if (zip_) {
      auto it = zip_->media.find(rel);
      if (it == zip_->media.end()) return std::nullopt;
      return it->second;
    }
    const fs::path p = folder_ / rel;
    auto bytes = ReadFile(p, kMaxMediaBytes);
    if (!bytes) return std::nullopt;
    return std::move(*bytes);
  }

  Status Post(chats::ChatPost p) {
    ++t_.posts;
    t_.media_omitted += p.media_omitted;
    if (p.text.find_first_not_of(" \t\r\n") == std::string::npos && p.media.empty()) {
      ++t_.empty;
      return Status::OK();
    }
    AdCandidate ad;
    ad.origin = CandidateOrigin::kImport;
    ad.source = source_;
    ad.url = chats::PostUrl(p, group_.public_usernames);
    ad.post_id = p.format == chats::ExportFormat::kTelegram
                     ? p.chat_id + "/" + p.message_ids.front()
                     : p.message_ids.front();
    ad.text = p.text;
    ad.posted_at = FormatUtc(p.posted_ms);
    ad.author = p.sender;
    ad.forwarded_from = p.forwarded_from;
    ad.export_ref = chats::PostLocation(p);
    auto cw = ClassifyAd(classifier_, std::move(ad), region_hint_);
    if (!cw) return cw.error();
    storage::AdWrite& a = *cw;
    const bool flagged =
        a.verdict.kind == DocKind::kRecruitmentAd && a.verdict.level >= Level::kMedium;
    if (flagged) {
      ++t_.flagged;
      // The sender of a flagged post is a contact of the recruiter network like any number in
      // its text. Nobody else in the chat is.
      Contact c;
      c.field = "author";
      if (p.format == chats::ExportFormat::kTelegram && !p.sender_id.empty()) {
        c.kind = ContactKind::kTelegram;
        c.value = "id:" + p.sender_id;
        a.verdict.entities.contacts.push_back(c);
      } else if (p.format == chats::ExportFormat::kWhatsApp && !p.sender_id.empty()) {
        c.kind = ContactKind::kWhatsApp;
        c.value = p.sender_id;
        bool have = false;
        for (const Contact& o : a.verdict.entities.contacts) have |= o.value == c.value;
        if (!have) a.verdict.entities.contacts.push_back(c);
      }
    } else {
      // Members who post nothing flagged are not kept by name.
      a.ad.author.clear();
      a.ad.forwarded_from.clear();
    }
    const size_t index = batch_.ads.size();
    for (const std::string& rel : p.media) {
      if (!IsPhoto(rel)) {
        ++t_.other_media;
        continue;
      }
      media_.push_back({index, rel});
    }
    batch_.ads.push_back(std::move(a));
    if (batch_.ads.size() >= kBatch) return Flush();
    return Status::OK();
  }

  // Stores the batch on the export's page, then each photo as a page of its own holding its ad.
  Status Flush() {
    if (batch_.ads.empty()) return Status::OK();
    batch_.attach_page_id = page_id_;
    batch_.cause = "import";
    auto written = w_.store.Write(batch_);
    if (!written) return written.error().WithContext("store");
    for (const auto& out : written->ads) {
      ++t_.stored;
      t_.created += out.created ? 1 : 0;
    }
    for (const auto& [index, rel] : media_) {
      auto bytes = MediaBytes(rel);
      if (!bytes) {
        ++t_.photos_missing;
        continue;
      }
      storage::PageWrite photo;
      FetchResult f;
      f.requested_url = "export:" + sha_.substr(0, 16) + "/" + rel;
      f.source = source_;
      f.http_status = 200;
      f.fetched_at_ms = NowMs();
      f.content_type = ContentTypeOf(rel);
      f.headers = {{"X-Adwatch-Export-Sha256", sha_}, {"X-Adwatch-Imported-By", reviewer_}};
      f.body = std::move(*bytes);
      photo.page = std::move(f);
      photo.cause = "import";
      photo.crawler_version = "adwatch import";
      photo.ads.push_back(batch_.ads[index]);
      auto w = w_.store.Write(photo);
      if (!w) return w.error().WithContext("storing photo " + rel);
      ++t_.photos_kept;
    }
    batch_ = storage::PageWrite();
    media_.clear();
    return Status::OK();
  }

  WriteContext& w_;
  const classifier::Classifier& classifier_;
  std::string format_, path_, name_, reviewer_, region_hint_, source_;
  std::vector<std::string> public_args_;
  std::string pending_username_;
  chats::TelegramOptions telegram_;
  chats::WhatsAppOptions whatsapp_;
  chats::GroupOptions group_;
  fs::path file_, folder_;
  std::string sha_, page_id_;
  std::optional<chats::WhatsAppZip> zip_;
  Tally t_;
  storage::PageWrite batch_;
  std::vector<std::pair<size_t, std::string>> media_;  // (ad index in batch_, media path)
};

}  // namespace

int ImportChatExport(WriteContext& w, const classifier::Classifier& classifier,
                     const nlohmann::json& args) {
  return ChatImport(w, classifier, args).Run();
}

}  // namespace adwatch::app
