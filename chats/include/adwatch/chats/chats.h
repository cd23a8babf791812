// Chat exports read as posts: Telegram Desktop's JSON export (`result.json`) and WhatsApp's
// `.txt` chat export (alone or in the `.zip` that also holds its media), for the closed groups and
// forwards no crawler may enter (docs/import.md). The parsers stream: memory stays bounded by the
// largest single message, whatever the size of the export. Pure functions of their input (no
// clock, no store); thread-safe.
//
//   PostGrouper grouper(GroupOptions{});
//   Status s = ReadTelegramExport(in, TelegramOptions{}, [&](const ChatMessage& m) {
//     for (ChatPost& p : grouper.Add(m)) Use(p);
//     return Status::OK();
//   });
//   for (ChatPost& p : grouper.Finish()) Use(p);
#ifndef ADWATCH_CHATS_CHATS_H_
#define ADWATCH_CHATS_CHATS_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/common/status.h"

namespace adwatch::chats {

enum class ExportFormat : uint8_t { kTelegram = 0, kWhatsApp };

// One message as the export holds it. Service messages (joins, pinned, title changes, WhatsApp's
// "end-to-end encrypted" notices) are never produced.
struct ChatMessage {
  ExportFormat format = ExportFormat::kTelegram;
  // Telegram: the chat's numeric id as written ("1234567890"). WhatsApp: "" (the .txt has none).
  std::string chat_id;
  std::string chat_name;  // Telegram "name"; WhatsApp: WhatsAppOptions::chat_name
  // Telegram's chat "type" ("public_channel", "private_group", "private_supergroup",
  // "personal_chat", ...); "whatsapp" for WhatsApp.
  std::string chat_type;
  // Telegram: the message id ("1201"). WhatsApp: 16 hex characters of SHA-256 over sender,
  // local time and text, the same in every export that holds the message.
  std::string message_id;
  int64_t posted_ms = 0;  // Unix ms, UTC
  int64_t edited_ms = 0;  // 0 when never edited
  std::string sender;     // "from" as written (a display name, or a phone number on WhatsApp)
  // Telegram "from_id" ("user5550001", "channel1234"); WhatsApp: the sender's number as
  // "+<digits>" when the sender is written as a phone number, else "".
  std::string sender_id;
  std::string forwarded_from;  // Telegram "forwarded_from", or ""
  std::string reply_to;        // Telegram "reply_to_message_id", or ""
  // The text, pieces of formatted text joined; the target of a link whose text hides it is
  // written after the link text in brackets ("daftar di sini [https://wa.me/62812...]").
  std::string text;
  // Media files the export holds, relative to the export's folder (Telegram "photo"/"file",
  // WhatsApp attachment names), in order.
  std::vector<std::string> media;
  // Media the export left out ("<Media omitted>", Telegram's "(File not included...)").
  int media_omitted = 0;
  // Where the message is in the file: WhatsApp its bytes [byte_begin, byte_end) and first line;
  // Telegram its JSON path ("$.chats.list[1].messages[12]").
  uint64_t byte_begin = 0;
  uint64_t byte_end = 0;
  int line = 0;
  std::string json_path;
};

// ---------------------------------------------------------------------------------------------
// Telegram Desktop

struct TelegramOptions {
  // Zone of "date" for exports without "date_unixtime" (Telegram Desktop before 3.x wrote the
  // exporting computer's local time only). IANA name.
  std::string timezone = "Asia/Jakarta";
  // A message whose text is longer is refused (the export is then refused): no chat message is
  // this long (Telegram caps text at 4,096 characters), so it is a damaged or hostile file.
  size_t max_message_bytes = 1 << 20;
};

// Returns OK or InvalidArgument naming the field.
Status Validate(const TelegramOptions& options);

// Calls `fn` with each message of a Telegram Desktop JSON export, in file order: a single chat
// ({"name", "type", "id", "messages": [...]}) or a whole account ({"chats": {"list": [...]},
// "left_chats": {"list": [...]}, ...}; everything but the chats' messages — personal
// information, contact lists, sessions — is skipped unread). A chat's "name", "type" and "id"
// must come before its "messages", as Telegram writes them. `text` may be a string or an array
// of strings and {"type", "text", "href"} pieces.
// Returns OK after the last message; the first error `fn` returns; or InvalidArgument naming the
// JSON path and byte offset of the problem: not JSON, truncated, not an export (no messages
// anywhere), a message without an id or date, a field of the wrong type, a text over
// max_message_bytes. `fn` may already have been called for earlier messages: callers that must
// store nothing of a bad file read it once to validate and once to store.
Status ReadTelegramExport(std::istream& in, const TelegramOptions& options,
                          const std::function<Status(const ChatMessage&)>& fn);

// ---------------------------------------------------------------------------------------------
// WhatsApp

// How the dates of a WhatsApp export are written: the phone's locale decides.
enum class DateOrder : uint8_t {
  kAuto = 0,    // day first unless the export shows otherwise (a month over 12, AM/PM times)
  kDayFirst,    // 31/12/23 (Indonesian, British English)
  kMonthFirst,  // 12/31/23 (US English)
};

struct WhatsAppOptions {
  // The chat's name: WhatsApp writes it only into the file name ("WhatsApp Chat with X.txt",
  // "Chat WhatsApp dengan X.txt"); ChatNameFromFileName reads it from there.
  std::string chat_name;
  // Zone the phone's clock was in; WhatsApp writes local times without an offset.
  std::string timezone = "Asia/Jakarta";
  DateOrder date_order = DateOrder::kAuto;
  // A message longer than this is refused, with its line (WhatsApp caps text at 65,536).
  size_t max_message_bytes = 1 << 20;
};

// Returns OK or InvalidArgument naming the field.
Status Validate(const WhatsAppOptions& options);

// Calls `fn` with each message of a WhatsApp `.txt` chat export, in file order. Reads Android
// ("31/12/23 22.00 - Budi: text", "12/31/23, 10:00 PM - Budi: text") and iOS
// ("[31/12/23 22.00.00] Budi: text", "[12/31/23, 10:00:00 PM] Budi: text") lines in the
// Indonesian and English locales; a line that does not start with a date continues the message
// before it. Media lines ("<Media omitted>", "<Media tidak disertakan>", "IMG-...jpg (file
// attached)", "(berkas terlampir)", "<attached: ...>", "image omitted") count as media, not text.
// Lines without a sender (system notices) are skipped. `in` must be seekable: the first pass
// settles the date order, the second reads.
// Returns OK after the last message; the first error `fn` returns; or InvalidArgument naming the
// line: no dated line at all (not an export), text before the first dated line, an impossible
// date, bytes that are not UTF-8, a message over max_message_bytes.
Status ReadWhatsAppExport(std::istream& in, const WhatsAppOptions& options,
                          const std::function<Status(const ChatMessage&)>& fn);

// The chat's name from an export's file name: "WhatsApp Chat with Agen Kerja.txt",
// "Chat WhatsApp dengan Agen Kerja.zip", "WhatsApp Chat - Agen Kerja.zip" → "Agen Kerja"; any
// other name → the name without folder and extension ("_chat.txt" → "_chat").
std::string ChatNameFromFileName(std::string_view path);

// A WhatsApp export zip, read into memory: the chat text and the media files beside it.
struct WhatsAppZip {
  std::string txt_name;  // the .txt entry ("_chat.txt", "WhatsApp Chat with X.txt")
  std::string txt;
  std::map<std::string, std::string> media;  // entry name → bytes
};

struct ZipLimits {
  size_t max_entries = 100000;
  size_t max_entry_bytes = 256u << 20;  // uncompressed, per entry
  size_t max_total_bytes = 1u << 30;    // uncompressed, all entries
};

// Reads a zip holding exactly one .txt (the chat) and its media. The sizes are checked while
// inflating, not trusted from the headers. Returns InvalidArgument when the bytes are not a zip,
// an entry is damaged (CRC), there is no .txt or more than one, or a limit is passed.
Result<WhatsAppZip> ReadWhatsAppZip(std::string_view zip_bytes, const ZipLimits& limits = {});

// ---------------------------------------------------------------------------------------------
// Posts

// Consecutive messages of one sender read as one post: the analyst sees one recruiter's offer
// split over three messages as one ad.
struct ChatPost {
  ExportFormat format = ExportFormat::kTelegram;
  std::string chat_id;
  std::string chat_name;
  std::string chat_type;
  std::vector<std::string> message_ids;  // in order; the first is the post's id
  int64_t posted_ms = 0;                 // of the first message
  std::string sender;
  std::string sender_id;
  std::string forwarded_from;
  std::string reply_to;  // of the first message
  std::string text;      // the messages' texts joined by line breaks
  std::vector<std::string> media;
  int media_omitted = 0;
  uint64_t byte_begin = 0;  // WhatsApp: the bytes of all its messages
  uint64_t byte_end = 0;
  int first_line = 0;
  int last_line = 0;
};

struct GroupOptions {
  // A message joins the post before it when it has the same sender and forward origin and was
  // sent at most this long after the post's first message. 0 makes every message a post.
  int64_t window_ms = 60'000;
  // Telegram usernames of public chats by chat id, for t.me links (exports carry no username).
  std::map<std::string, std::string> public_usernames;
};

// Groups a stream of messages into posts. Not thread-safe.
class PostGrouper {
 public:
  explicit PostGrouper(GroupOptions options);
  // Takes the next message in export order; returns the posts it completed (zero or one).
  std::vector<ChatPost> Add(const ChatMessage& message);
  // Returns the last open post, if any.
  std::vector<ChatPost> Finish();

 private:
  GroupOptions options_;
  bool open_ = false;
  ChatPost post_;
};

// Where a post came from: "https://t.me/<username>/<id>" for a Telegram chat whose username is
// in `public_usernames`; else "export:telegram/<chat id>/<id>", or "export:whatsapp/<id>". The
// same message gives the same URL in every export that holds it, so its ad id is stable.
std::string PostUrl(const ChatPost& post,
                    const std::map<std::string, std::string>& public_usernames);

// Where the post sits in the export, for the evidence: "messages 1201-1203" (Telegram) or
// "lines 88-90, bytes 5120-5388" (WhatsApp).
std::string PostLocation(const ChatPost& post);

}  // namespace adwatch::chats

#endif  // ADWATCH_CHATS_CHATS_H_
