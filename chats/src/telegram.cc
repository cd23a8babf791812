// Telegram Desktop's JSON export through nlohmann's SAX interface: the file is never held whole.
// Only one message at a time is built as a small JSON tree (a message is a few kilobytes), then
// turned into a ChatMessage and dropped; everything outside the chats' "messages" arrays is
// skipped as it streams by, so personal information and contact lists are never kept.
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

#include "adwatch/chats/chats.h"
#include "adwatch/common/time.h"
#include "text.h"

namespace adwatch::chats {
namespace {

using nlohmann::json;

constexpr size_t kMaxDepth = 64;

enum class Role : uint8_t {
  kRoot,         // the top object: a single chat, or an account
  kChatsHolder,  // "chats" / "left_chats" of an account
  kChatList,     // their "list"
  kChat,         // one chat object
  kMessages,     // a chat's "messages"
  kMessage,      // inside one message: built as a tree
  kSkip,         // anything else
};

struct Frame {
  Role role;
  bool is_array;
  std::string key;   // the key this value sits under in its parent object
  size_t index = 0;  // next element index, for arrays
};

// Digits only, as Telegram writes ids and Unix times.
bool AllDigits(std::string_view s) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

class Handler : public nlohmann::json_sax<json> {
 public:
  Handler(const TelegramOptions& options, const LocalDays& zone,
          const std::function<Status(const ChatMessage&)>& fn)
      : options_(options), zone_(zone), fn_(fn) {}

  const Status& status() const { return status_; }
  bool saw_messages() const { return saw_messages_; }

  bool null() override { return Scalar(json(nullptr)); }
  bool boolean(bool v) override { return Scalar(json(v)); }
  bool number_integer(number_integer_t v) override { return Scalar(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Scalar(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return Scalar(json(v)); }
  bool binary(binary_t&) override { return Scalar(json(nullptr)); }
  bool string(string_t& v) override {
    if (in_message_ && v.size() > options_.max_message_bytes) {
      return Fail(Path(), "a string of " + std::to_string(v.size()) + " bytes, over the limit");
    }
    return Scalar(json(std::move(v)));
  }

  bool key(string_t& k) override {
    key_ = std::move(k);
    return true;
  }

  bool start_object(std::size_t) override { return Open(/*is_array=*/false); }
  bool start_array(std::size_t) override { return Open(/*is_array=*/true); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    std::string what = ex.what();
    // nlohmann's messages start with "[json.exception.parse_error.101] parse error at line 1,
    // column 7: ": keep what follows.
    if (auto p = what.find(": "); p != std::string::npos && what.rfind("[json", 0) == 0) {
      what = what.substr(p + 2);
    }
    if (status_.ok()) {
      status_ = Status::InvalidArgument(
          "Telegram export", "at " + Path() + " (byte " + std::to_string(position) + "): " + what);
    }
    return false;
  }

 private:
  bool Fail(const std::string& path, const std::string& detail) {
    if (status_.ok())
      status_ = Status::InvalidArgument("Telegram export", "at " + path + ": " + detail);
    return false;
  }

  // The path of the value being read: "$.chats.list[2].messages[17].text".
  std::string Path() const {
    std::string p = "$";
    for (size_t i = 0; i < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      if (i > 0 && !frames_[i - 1].is_array) p += "." + f.key;
      if (f.is_array && f.index > 0) p += "[" + std::to_string(f.index - 1) + "]";
    }
    if (!frames_.empty() && !frames_.back().is_array && !key_.empty()) p += "." + key_;
    return p;
  }

  Role ChildRole(bool is_array) const {
    if (frames_.empty()) return is_array ? Role::kSkip : Role::kRoot;
    const Frame& parent = frames_.back();
    switch (parent.role) {
      case Role::kRoot:
        if (key_ == "messages" && is_array) return Role::kMessages;
        if ((key_ == "chats" || key_ == "left_chats") && !is_array) return Role::kChatsHolder;
        return Role::kSkip;
      case Role::kChatsHolder:
        return key_ == "list" && is_array ? Role::kChatList : Role::kSkip;
      case Role::kChatList:
        return is_array ? Role::kSkip : Role::kChat;
      case Role::kChat:
        return key_ == "messages" && is_array ? Role::kMessages : Role::kSkip;
      case Role::kMessages:
        return is_array ? Role::kSkip : Role::kMessage;
      case Role::kMessage:
        return Role::kMessage;
      case Role::kSkip:
        return Role::kSkip;
    }
    return Role::kSkip;
  }

  bool Open(bool is_array) {
    if (frames_.size() >= kMaxDepth) {
      return Fail(Path(), "nested deeper than " + std::to_string(kMaxDepth));
    }
    if (frames_.empty() && is_array)
      return Fail("$", "not a Telegram Desktop export: not an object");
    const Role role = ChildRole(is_array);
    if (role == Role::kMessages) {
      if (chat_id_.empty()) return Fail(Path(), "the chat's \"id\" must come before its messages");
      saw_messages_ = true;
    }
    if (role == Role::kChat) {
      chat_id_.clear();
      chat_name_.clear();
      chat_type_.clear();
    }
    if (role == Role::kMessage) {
      if (!in_message_) {
        in_message_ = true;
        message_ = json::object();
        tree_.assign(1, &message_);
      } else {
        tree_.push_back(Insert(is_array ? json::array() : json::object()));
      }
    }
    const bool in_array = !frames_.empty() && frames_.back().is_array;
    if (in_array) ++frames_.back().index;
    frames_.push_back(Frame{role, is_array, in_array ? "" : key_});
    key_.clear();
    if (role == Role::kMessage && tree_.size() == 1) message_path_ = Path();
    return true;
  }

  bool Close() {
    if (frames_.empty()) return Fail("$", "unbalanced JSON");
    const Frame f = frames_.back();
    frames_.pop_back();
    key_.clear();
    if (f.role == Role::kMessage) {
      tree_.pop_back();
      if (tree_.empty()) {
        in_message_ = false;
        Status s = Emit();
        message_ = json();
        if (!s.ok()) {
          if (status_.ok()) status_ = s;
          return false;
        }
      }
    }
    return true;
  }

  // Inserts `v` under the current key or at the end of the current array of the message tree.
  json* Insert(json v) {
    json& top = *tree_.back();
    if (top.is_array()) {
      top.push_back(std::move(v));
      return &top.back();
    }
    json& slot = top[key_];
    slot = std::move(v);
    return &slot;
  }

  bool Scalar(json v) {
    if (frames_.empty()) return Fail("$", "not a Telegram Desktop export: not an object");
    Frame& parent = frames_.back();
    if (parent.is_array) ++parent.index;
    if (in_message_) {
      Insert(std::move(v));
    } else if (parent.role == Role::kChat || parent.role == Role::kRoot) {
      if (key_ == "id") {
        if (v.is_number_integer()) {
          chat_id_ = std::to_string(v.get<int64_t>());
        } else if (v.is_string() && AllDigits(v.get<std::string>())) {
          chat_id_ = v.get<std::string>();
        } else {
          return Fail(Path(), "the chat id is not a number");
        }
      } else if (key_ == "name") {
        chat_name_ = v.is_string() ? v.get<std::string>() : "";
      } else if (key_ == "type") {
        chat_type_ = v.is_string() ? v.get<std::string>() : "";
      }
    } else if (parent.role == Role::kMessages) {
      return Fail(Path(), "a message is not an object");
    }
    key_.clear();
    return true;
  }

  // A Unix time written as a string of digits ("1704034800") or a number, in ms; -1 if neither,
  // or if it lies before 1970 or after the year 9999 (which would overflow once made ms).
  static int64_t UnixMs(const json& v) {
    constexpr int64_t kLastSecond = 253402300799;  // 9999-12-31T23:59:59Z
    int64_t seconds = -1;
    if (v.is_number_unsigned()) {
      uint64_t u = v.get<uint64_t>();
      if (u <= static_cast<uint64_t>(kLastSecond)) seconds = static_cast<int64_t>(u);
    } else if (v.is_number_integer()) {
      seconds = v.get<int64_t>();
    } else if (v.is_string() && AllDigits(v.get<std::string>())) {
      const std::string& s = v.get_ref<const std::string&>();
      if (std::from_chars(s.data(), s.data() + s.size(), seconds).ec != std::errc()) seconds = -1;
    }
    if (seconds < 0 || seconds > kLastSecond) return -1;
    return seconds * 1000;
  }

  // "2023-12-31T22:00:00" in the configured zone, in Unix ms; -1 when it does not parse.
  int64_t LocalMs(const json& v) const {
    if (!v.is_string()) return -1;
    auto local = ParseTimestamp(v.get<std::string>());
    if (!local) return -1;
    return zone_.UtcOfLocal(*local);
  }

  static Status FieldError(const std::string& path, const std::string& field,
                           const std::string& detail) {
    return Status::InvalidArgument("Telegram export", "at " + path + "." + field + ": " + detail);
  }

  // Appends one piece of "text": a string, or {"type", "text", "href"}.
  Status AppendPiece(const json& piece, const std::string& path, std::string& out) const {
    if (piece.is_string()) {
      out += piece.get<std::string>();
      return Status::OK();
    }
    if (!piece.is_object())
      return FieldError(path, "text", "a piece is neither a string nor an object");
    auto t = piece.find("text");
    if (t == piece.end() || !t->is_string()) {
      return FieldError(path, "text", "a piece has no string \"text\"");
    }
    const std::string& shown = t->get_ref<const std::string&>();
    out += shown;
    auto href = piece.find("href");
    if (href != piece.end() && href->is_string()) {
      const std::string& target = href->get_ref<const std::string&>();
      if (!target.empty() && shown.find(target) == std::string::npos) out += " [" + target + "]";
    }
    return Status::OK();
  }

  Status Emit() {
    const json& m = message_;
    const std::string& path = message_path_;
    if (auto type = m.find("type"); type != m.end()) {
      if (!type->is_string()) return FieldError(path, "type", "not a string");
      if (type->get_ref<const std::string&>() != "message") return Status::OK();  // service
    }
    ChatMessage out;
    out.format = ExportFormat::kTelegram;
    out.chat_id = chat_id_;
    out.chat_name = chat_name_;
    out.chat_type = chat_type_;
    out.json_path = path;

    auto id = m.find("id");
    if (id == m.end())
      return Status::InvalidArgument("Telegram export", "at " + path + ": no \"id\"");
    if (!id->is_number_integer()) return FieldError(path, "id", "not a whole number");
    out.message_id = std::to_string(id->get<int64_t>());

    int64_t posted = -1;
    if (auto u = m.find("date_unixtime"); u != m.end()) {
      posted = UnixMs(*u);
      if (posted < 0) return FieldError(path, "date_unixtime", "not a Unix time");
    } else if (auto d = m.find("date"); d != m.end()) {
      posted = LocalMs(*d);
      if (posted < 0) return FieldError(path, "date", "not a date like 2023-12-31T22:00:00");
    } else {
      return Status::InvalidArgument("Telegram export", "at " + path + ": no \"date\"");
    }
    out.posted_ms = posted;
    if (auto u = m.find("edited_unixtime"); u != m.end()) {
      out.edited_ms = UnixMs(*u);
      if (out.edited_ms < 0) return FieldError(path, "edited_unixtime", "not a Unix time");
    } else if (auto d = m.find("edited"); d != m.end()) {
      out.edited_ms = LocalMs(*d);
      if (out.edited_ms < 0)
        return FieldError(path, "edited", "not a date like 2023-12-31T22:00:00");
    }

    auto text_field = [&](const char* name, std::string& into) -> Status {
      auto it = m.find(name);
      if (it == m.end() || it->is_null()) return Status::OK();
      if (!it->is_string()) return FieldError(path, name, "not a string");
      into = it->get<std::string>();
      return Status::OK();
    };
    ADWATCH_RETURN_IF_ERROR(text_field("from", out.sender));
    ADWATCH_RETURN_IF_ERROR(text_field("forwarded_from", out.forwarded_from));
    if (auto it = m.find("from_id"); it != m.end() && !it->is_null()) {
      if (it->is_string()) {
        out.sender_id = it->get<std::string>();
      } else if (it->is_number_integer()) {
        out.sender_id = "user" + std::to_string(it->get<int64_t>());
      } else {
        return FieldError(path, "from_id", "neither a string nor a number");
      }
    }
    if (auto it = m.find("reply_to_message_id"); it != m.end() && !it->is_null()) {
      if (!it->is_number_integer())
        return FieldError(path, "reply_to_message_id", "not a whole number");
      out.reply_to = std::to_string(it->get<int64_t>());
    }

    if (auto it = m.find("text"); it != m.end()) {
      if (it->is_string()) {
        out.text = it->get<std::string>();
      } else if (it->is_array()) {
        for (const json& piece : *it) ADWATCH_RETURN_IF_ERROR(AppendPiece(piece, path, out.text));
      } else {
        return FieldError(path, "text", "neither a string nor an array");
      }
    }
    if (out.text.size() > options_.max_message_bytes) {
      return FieldError(path, "text",
                        "over " + std::to_string(options_.max_message_bytes) + " bytes");
    }
    if (!IsUtf8(out.text)) return FieldError(path, "text", "not UTF-8");

    for (const char* name : {"photo", "file"}) {
      auto it = m.find(name);
      if (it == m.end() || it->is_null()) continue;
      if (!it->is_string()) return FieldError(path, name, "not a string");
      const std::string& p = it->get_ref<const std::string&>();
      if (p.rfind("(File", 0) == 0 || p.empty()) {
        ++out.media_omitted;  // "(File not included. Change data exporting settings to download.)"
      } else if (!IsSafeRelativePath(p)) {
        return FieldError(path, name, "not a path inside the export folder");
      } else {
        out.media.push_back(p);
      }
    }
    return fn_(out);
  }

  const TelegramOptions& options_;
  const LocalDays& zone_;
  const std::function<Status(const ChatMessage&)>& fn_;
  Status status_;
  std::vector<Frame> frames_;
  std::string key_;
  bool saw_messages_ = false;
  std::string chat_id_, chat_name_, chat_type_;
  bool in_message_ = false;
  json message_;
  std::string message_path_;
  std::vector<json*> tree_;
};

}  // namespace

Status Validate(const TelegramOptions& options) {
  if (options.max_message_bytes == 0) {
    return Status::InvalidArgument("telegram.max_message_bytes", "must be above 0");
  }
  auto zone = LocalDays::Create(options.timezone);
  if (!zone) return Status::InvalidArgument("telegram.timezone", zone.error().message());
  return Status::OK();
}

Status ReadTelegramExport(std::istream& in, const TelegramOptions& options,
                          const std::function<Status(const ChatMessage&)>& fn) {
  ADWATCH_RETURN_IF_ERROR(Validate(options));
  auto zone = LocalDays::Create(options.timezone);
  if (!zone) return zone.error();
  Handler handler(options, *zone, fn);
  const bool ok = json::sax_parse(in, &handler, json::input_format_t::json, /*strict=*/true);
  if (!handler.status().ok()) return handler.status();
  if (!ok) return Status::InvalidArgument("Telegram export", "not JSON");
  if (!handler.saw_messages()) {
    return Status::InvalidArgument("Telegram export",
                                   "at $: not a Telegram Desktop export (no \"messages\" in it)");
  }
  return Status::OK();
}

}  // namespace adwatch::chats
