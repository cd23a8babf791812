// libFuzzer target for the chat-export parsers (clang, ASan + UBSan). The first input byte picks
// the parser: 0 Telegram Desktop JSON, 1 WhatsApp .txt (date order from the byte's next bits),
// 2 a WhatsApp zip whose chat is then parsed. Besides crashes and sanitizer reports, it aborts
// when a promise is broken: a WhatsApp message whose byte range lies outside the input or whose
// text is not UTF-8, a message without an id, a post with no message, an error that names no
// line or JSON path, or a zip entry past its limit. scripts/fuzz.sh runs it; its seeds are the
// tests/data/chats fixtures behind their mode byte.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "adwatch/chats/chats.h"

namespace {

namespace chats = adwatch::chats;
using adwatch::Status;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "chats_fuzz: %s\n", what.c_str());
  std::abort();
}

bool IsUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 0 : c < 0xC2 ? 9 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : c < 0xF5 ? 3 : 9;
    if (n == 9 || (n > 0 && i + n >= s.size())) return false;
    for (size_t k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

void Parse(int mode, const std::string& data, size_t total) {
  chats::PostGrouper grouper(chats::GroupOptions{});
  auto check_post = [](const chats::ChatPost& p) {
    if (p.message_ids.empty()) Fail("a post without messages");
    if (chats::PostUrl(p, {}).empty()) Fail("a post without a URL");
  };
  auto take = [&](const chats::ChatMessage& m) {
    if (m.message_id.empty()) Fail("a message without an id");
    if (m.format == chats::ExportFormat::kWhatsApp) {
      if (m.byte_begin > m.byte_end || m.byte_end > total) Fail("a byte range outside the input");
      if (!IsUtf8(m.text)) Fail("a message text that is not UTF-8");
      if (m.line < 1) Fail("a message without its line");
    }
    for (const auto& p : grouper.Add(m)) check_post(p);
    return Status::OK();
  };
  std::istringstream in(data);
  Status s;
  if (mode == 0) {
    s = chats::ReadTelegramExport(in, chats::TelegramOptions{}, take);
    if (!s.ok() && s.message().find("$") == std::string::npos)
      Fail("no JSON path: " + s.ToString());
  } else {
    chats::WhatsAppOptions o;
    o.date_order = static_cast<chats::DateOrder>((mode >> 2) % 3);
    s = chats::ReadWhatsAppExport(in, o, take);
    if (!s.ok() && s.message().find("line") == std::string::npos &&
        s.message().find("day-first and month-first") == std::string::npos) {
      Fail("no line: " + s.ToString());
    }
  }
  for (const auto& p : grouper.Finish()) check_post(p);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const int mode = data[0];
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (mode % 3) {
    case 0:
      Parse(0, body, body.size());
      break;
    case 1:
      Parse(mode | 1, body, body.size());
      break;
    case 2: {
      chats::ZipLimits limits;
      limits.max_entry_bytes = 1 << 20;
      limits.max_total_bytes = 2 << 20;
      auto zip = chats::ReadWhatsAppZip(body, limits);
      if (!zip) break;
      size_t total = zip->txt.size();
      for (const auto& [name, bytes] : zip->media) {
        if (bytes.size() > limits.max_entry_bytes) Fail("an entry past its limit: " + name);
        total += bytes.size();
      }
      if (total > limits.max_total_bytes) Fail("entries past the total limit");
      Parse(1, zip->txt, zip->txt.size());
      break;
    }
  }
  return 0;
}
