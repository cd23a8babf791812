#include <utility>

#include "adwatch/chats/chats.h"

namespace adwatch::chats {
namespace {

// Who wrote a message, for grouping: the sender id when the export has one, else the name.
const std::string& Author(const ChatMessage& m) {
  return m.sender_id.empty() ? m.sender : m.sender_id;
}
const std::string& Author(const ChatPost& p) {
  return p.sender_id.empty() ? p.sender : p.sender_id;
}

ChatPost Start(const ChatMessage& m) {
  ChatPost p;
  p.format = m.format;
  p.chat_id = m.chat_id;
  p.chat_name = m.chat_name;
  p.chat_type = m.chat_type;
  p.message_ids = {m.message_id};
  p.posted_ms = m.posted_ms;
  p.sender = m.sender;
  p.sender_id = m.sender_id;
  p.forwarded_from = m.forwarded_from;
  p.reply_to = m.reply_to;
  p.text = m.text;
  p.media = m.media;
  p.media_omitted = m.media_omitted;
  p.byte_begin = m.byte_begin;
  p.byte_end = m.byte_end;
  p.first_line = p.last_line = m.line;
  return p;
}

}  // namespace

PostGrouper::PostGrouper(GroupOptions options) : options_(std::move(options)) {}

std::vector<ChatPost> PostGrouper::Add(const ChatMessage& m) {
  std::vector<ChatPost> done;
  // An unnamed sender (a channel's own posts carry the channel as "from") never joins by name
  // alone: only an equal non-empty author does.
  const bool joins = open_ && options_.window_ms > 0 && post_.format == m.format &&
                     post_.chat_id == m.chat_id && post_.chat_name == m.chat_name &&
                     !Author(m).empty() && Author(post_) == Author(m) &&
                     post_.forwarded_from == m.forwarded_from && m.posted_ms >= post_.posted_ms &&
                     m.posted_ms - post_.posted_ms <= options_.window_ms;
  if (joins) {
    post_.message_ids.push_back(m.message_id);
    if (!m.text.empty()) {
      if (!post_.text.empty()) post_.text += "\n";
      post_.text += m.text;
    }
    post_.media.insert(post_.media.end(), m.media.begin(), m.media.end());
    post_.media_omitted += m.media_omitted;
    post_.byte_end = m.byte_end;
    post_.last_line = m.line;
    return done;
  }
  if (open_) done.push_back(std::move(post_));
  post_ = Start(m);
  open_ = true;
  return done;
}

std::vector<ChatPost> PostGrouper::Finish() {
  std::vector<ChatPost> done;
  if (open_) done.push_back(std::move(post_));
  open_ = false;
  post_ = ChatPost();
  return done;
}

std::string PostUrl(const ChatPost& post,
                    const std::map<std::string, std::string>& public_usernames) {
  const std::string& id = post.message_ids.empty() ? std::string() : post.message_ids.front();
  if (post.format == ExportFormat::kWhatsApp) return "export:whatsapp/" + id;
  if (auto it = public_usernames.find(post.chat_id); it != public_usernames.end()) {
    return "https://t.me/" + it->second + "/" + id;
  }
  return "export:telegram/" + post.chat_id + "/" + id;
}

std::string PostLocation(const ChatPost& post) {
  if (post.format == ExportFormat::kTelegram) {
    std::string out = post.message_ids.size() == 1 ? "message " : "messages ";
    for (size_t i = 0; i < post.message_ids.size(); ++i) {
      if (i > 0) out += ",";
      out += post.message_ids[i];
    }
    return out;
  }
  std::string out = post.first_line == post.last_line ? "line " + std::to_string(post.first_line)
                                                      : "lines " + std::to_string(post.first_line) +
                                                            "-" + std::to_string(post.last_line);
  out += ", bytes " + std::to_string(post.byte_begin) + "-" + std::to_string(post.byte_end);
  return out;
}

}  // namespace adwatch::chats
