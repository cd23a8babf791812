// Parses a chat export and groups its posts without storing anything: the parser's own
// messages per second and peak memory (bench/chats/run.sh).
//   chats_parse telegram|whatsapp FILE
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "adwatch/chats/chats.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: chats_parse telegram|whatsapp FILE\n");
    return 2;
  }
  namespace chats = adwatch::chats;
  std::ifstream in(argv[2], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "chats_parse: cannot open %s\n", argv[2]);
    return 1;
  }
  chats::PostGrouper grouper(chats::GroupOptions{});
  long messages = 0, posts = 0;
  auto take = [&](const chats::ChatMessage& m) {
    ++messages;
    posts += static_cast<long>(grouper.Add(m).size());
    return adwatch::Status::OK();
  };
  const auto start = std::chrono::steady_clock::now();
  const adwatch::Status s = std::string(argv[1]) == "telegram"
                                ? chats::ReadTelegramExport(in, chats::TelegramOptions{}, take)
                                : chats::ReadWhatsAppExport(in, chats::WhatsAppOptions{}, take);
  posts += static_cast<long>(grouper.Finish().size());
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!s.ok()) {
    std::fprintf(stderr, "chats_parse: %s\n", s.ToString().c_str());
    return 1;
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("%ld messages, %ld posts in %.2f s: %.0f messages/s, peak RSS %.1f MiB\n", messages,
              posts, secs, static_cast<double>(messages) / secs,
              static_cast<double>(ru.ru_maxrss) / 1024.0);
  return 0;
}
