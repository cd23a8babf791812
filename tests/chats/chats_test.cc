#include "adwatch/chats/chats.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "adwatch/common/time.h"

namespace adwatch::chats {
namespace {

const std::string kData = std::string(ADWATCH_TEST_DATA) + "/chats/";

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<ChatMessage> Telegram(const std::string& json, Status* status = nullptr) {
  std::istringstream in(json);
  std::vector<ChatMessage> out;
  Status s = ReadTelegramExport(in, TelegramOptions{}, [&](const ChatMessage& m) {
    out.push_back(m);
    return Status::OK();
  });
  if (status) {
    *status = s;
  } else {
    INFO(s.ToString());
    REQUIRE(s.ok());
  }
  return out;
}

std::vector<ChatMessage> WhatsApp(const std::string& txt, Status* status = nullptr,
                                  WhatsAppOptions options = {}) {
  std::istringstream in(txt);
  std::vector<ChatMessage> out;
  Status s = ReadWhatsAppExport(in, options, [&](const ChatMessage& m) {
    out.push_back(m);
    return Status::OK();
  });
  if (status) {
    *status = s;
  } else {
    INFO(s.ToString());
    REQUIRE(s.ok());
  }
  return out;
}

std::vector<ChatPost> Group(const std::vector<ChatMessage>& messages) {
  PostGrouper g(GroupOptions{});
  std::vector<ChatPost> posts;
  for (const auto& m : messages) {
    for (auto& p : g.Add(m)) posts.push_back(std::move(p));
  }
  for (auto& p : g.Finish()) posts.push_back(std::move(p));
  return posts;
}

int64_t Utc(const char* iso) { return ParseTimestamp(iso).value(); }

TEST_CASE("A public channel export: every message once, service messages skipped", "[chats]") {
  const auto m = Telegram(Slurp(kData + "telegram/public_channel/result.json"));
  REQUIRE(m.size() == 3);
  CHECK(m[0].message_id == "2");
  CHECK(m[0].chat_id == "1500000001");
  CHECK(m[0].chat_type == "public_channel");
  CHECK(m[0].chat_name == "Loker Asia Gaji Dolar");
  CHECK(m[0].posted_ms == Utc("2023-12-01T02:00:00Z"));
  CHECK(m[0].sender_id == "channel1500000001");
  CHECK(m[0].json_path == "$.messages[1]");
  // Text as an array of pieces: joined, and a hidden link target written out.
  CHECK(m[1].text.rfind("LOKER KAMBOJA\nOpen rekrut operator", 0) == 0);
  CHECK(m[1].text.find("di sini [https://wa.me/6281355507788]") != std::string::npos);
  CHECK(m[1].edited_ms == Utc("2023-12-02T03:35:00Z"));
  CHECK(m[1].media.empty());
  CHECK(m[1].media_omitted == 1);

  const auto posts = Group(m);
  REQUIRE(posts.size() == 3);  // a day apart: three posts
  CHECK(PostUrl(posts[0], {{"1500000001", "lokerasia_dolar"}}) == "https://t.me/lokerasia_dolar/2");
  CHECK(PostUrl(posts[0], {}) == "export:telegram/1500000001/2");
}

TEST_CASE("A private group: a sender's messages within a minute are one post", "[chats]") {
  const auto m = Telegram(Slurp(kData + "telegram/private_group/result.json"));
  REQUIRE(m.size() == 5);
  CHECK(m[2].reply_to == "11");
  CHECK(m[3].forwarded_from == "Info Kerja Kamboja Resmi");
  CHECK(m[3].media == std::vector<std::string>{"photos/photo_1@31-12-2023_22-10-00.jpg"});

  const auto posts = Group(m);
  REQUIRE(posts.size() == 4);
  CHECK(posts[0].message_ids == std::vector<std::string>{"11", "12"});
  CHECK(posts[0].text.find("potong gaji nanti.\nBerangkat lewat Batam") != std::string::npos);
  CHECK(posts[0].sender_id == "user5550001");
  CHECK(posts[1].message_ids == std::vector<std::string>{"13"});
  // A forward keeps its origin and is not joined with the sender's own words 20 s later.
  CHECK(posts[2].message_ids == std::vector<std::string>{"14"});
  CHECK(posts[2].forwarded_from == "Info Kerja Kamboja Resmi");
  CHECK(posts[3].message_ids == std::vector<std::string>{"15"});
  CHECK(PostUrl(posts[0], {}) == "export:telegram/1600000002/11");
  CHECK(PostLocation(posts[0]) == "messages 11,12");
}

TEST_CASE("An account export: the chats' messages, nothing of the account", "[chats]") {
  const auto m = Telegram(Slurp(kData + "telegram/account/result.json"));
  REQUIRE(m.size() == 4);
  CHECK(m[0].chat_id == "1700000003");
  CHECK(m[0].json_path == "$.chats.list[0].messages[0]");
  CHECK(m[2].chat_id == "5550001");
  CHECK(m[2].chat_type == "personal_chat");
  CHECK(m[3].json_path == "$.chats.list[1].messages[1]");
  for (const auto& msg : m) {
    CHECK(msg.text.find("8888") == std::string::npos);
    CHECK(msg.sender.find("Tetangga") == std::string::npos);
  }
}

TEST_CASE("A truncated or malformed Telegram export is refused with its JSON path", "[chats]") {
  const std::string full = Slurp(kData + "telegram/private_group/result.json");
  Status s;
  Telegram(full.substr(0, full.size() * 2 / 3), &s);
  CHECK(s.IsInvalidArgument());
  CHECK_THAT(s.message(), Catch::Contains("$.messages[") && Catch::Contains("byte"));

  Telegram(R"({"name":"x","type":"private_group","id":1,"messages":[{"id":1,"type":"message",
    "date_unixtime":"1704034800","text":"a"},{"id":2,"type":"message","text":"b"}]})",
           &s);
  CHECK_THAT(s.message(), Catch::Contains("$.messages[1]") && Catch::Contains("no \"date\""));

  Telegram(R"({"name":"x","id":1,"messages":[{"id":1,"date_unixtime":"1","text":{"a":1}}]})", &s);
  CHECK_THAT(s.message(), Catch::Contains("$.messages[0].text"));

  Telegram(R"({"name":"x","messages":[]})", &s);
  CHECK_THAT(s.message(), Catch::Contains("\"id\" must come before"));

  // Unix times past the year 9999 would overflow once made milliseconds: refused by name.
  for (const char* t : {"\"17044236005550001\"", "17044236005550001", "18446744073709551615",
                        "\"9999999999999999999\"", "-5"}) {
    Telegram(std::string(R"({"name":"x","id":1,"messages":[{"id":1,"date_unixtime":)") + t +
                 R"(,"text":"a"}]})",
             &s);
    CHECK_THAT(s.message(), Catch::Contains("$.messages[0].date_unixtime") &&
                                Catch::Contains("not a Unix time"));
  }

  Telegram(R"({"about":"x","personal_information":{}})", &s);
  CHECK_THAT(s.message(), Catch::Contains("not a Telegram Desktop export"));

  Telegram("[1,2]", &s);
  CHECK(s.IsInvalidArgument());
  Telegram("", &s);
  CHECK(s.IsInvalidArgument());
  Telegram(
      R"({"id":1,"messages":[{"id":1,"date":"2023-12-31T22:00:00","photo":"../../etc/passwd"}]})",
      &s);
  CHECK_THAT(s.message(), Catch::Contains("$.messages[0].photo"));
}

TEST_CASE("Telegram dates without date_unixtime are read in the configured zone", "[chats]") {
  const auto m =
      Telegram(R"({"id":1,"messages":[{"id":7,"date":"2023-12-31T22:00:00","text":"x"}]})");
  REQUIRE(m.size() == 1);
  CHECK(m[0].posted_ms == Utc("2023-12-31T15:00:00Z"));
}

TEST_CASE("WhatsApp on Android in Indonesian", "[chats]") {
  const auto m = WhatsApp(Slurp(kData + "whatsapp/Chat WhatsApp dengan Agen Kerja.txt"));
  REQUIRE(m.size() == 5);  // the encryption notice and the deleted message are not messages
  CHECK(m[0].sender == "Agen Kerja");
  CHECK(m[0].text ==
        "Lowongan kerja di Kamboja gaji 15 juta\nbagian admin, tanpa pengalaman, tiket ditanggung "
        "bos, potong gaji nanti.");
  CHECK(m[0].posted_ms == Utc("2023-12-31T15:00:00Z"));
  CHECK(m[0].line == 2);
  CHECK(m[0].chat_type == "whatsapp");
  CHECK(m[0].message_id.size() == 16);
  CHECK(m[2].media_omitted == 1);
  CHECK(m[2].text.empty());
  CHECK(m[4].sender_id == "+6281255504004");
  CHECK(m[4].posted_ms == Utc("2024-01-01T01:15:00Z"));

  const auto posts = Group(m);
  REQUIRE(posts.size() == 4);
  CHECK(posts[0].message_ids.size() == 2);
  CHECK(posts[0].first_line == 2);
  CHECK(posts[0].last_line == 4);
  CHECK(PostUrl(posts[0], {}) == "export:whatsapp/" + m[0].message_id);
  // Ibu Sumi's media and her words two minutes later are two posts.
  CHECK(posts[1].message_ids.size() == 1);
}

TEST_CASE("WhatsApp on iOS in Indonesian gives the same ids as Android", "[chats]") {
  const auto android = WhatsApp(Slurp(kData + "whatsapp/Chat WhatsApp dengan Agen Kerja.txt"));
  const auto ios = WhatsApp(Slurp(kData + "whatsapp/ios_id_chat.txt"));
  REQUIRE(ios.size() == 4);
  CHECK(ios[0].message_id == android[0].message_id);
  CHECK(ios[1].message_id == android[1].message_id);
  CHECK(ios[3].message_id == android[3].message_id);
  CHECK(ios[1].posted_ms == Utc("2023-12-31T15:00:40Z"));
  CHECK(ios[2].media_omitted == 1);
  // The first message's byte range covers both of its lines.
  const std::string txt = Slurp(kData + "whatsapp/ios_id_chat.txt");
  const std::string bytes = txt.substr(ios[0].byte_begin, ios[0].byte_end - ios[0].byte_begin);
  CHECK(bytes.rfind("[31/12/23 22.00.00] Agen Kerja: Lowongan", 0) == 0);
  CHECK(bytes.find("potong gaji nanti.\n") != std::string::npos);
}

TEST_CASE("WhatsApp in English: month-first dates and 12-hour times", "[chats]") {
  const auto android = WhatsApp(Slurp(kData + "whatsapp/WhatsApp Chat with Agen Kerja.txt"));
  REQUIRE(android.size() == 4);
  CHECK(android[0].posted_ms == Utc("2023-12-31T15:00:00Z"));
  CHECK(android[1].media == std::vector<std::string>{"IMG-20231231-WA0001.jpg"});
  CHECK(android[1].text == "Contact WhatsApp +62 857 5550 2210");  // the caption under the file
  CHECK(android[3].posted_ms == Utc("2024-01-01T01:15:00Z"));

  const auto ios = WhatsApp(Slurp(kData + "whatsapp/ios_en_chat.txt"));
  REQUIRE(ios.size() == 4);
  CHECK(ios[0].posted_ms == Utc("2023-12-31T15:00:00Z"));
  CHECK(ios[1].media == std::vector<std::string>{"00000012-PHOTO-2023-12-31-22-00-15.jpg"});
  CHECK(ios[2].media_omitted == 1);
  CHECK(ios[3].posted_ms == Utc("2024-01-01T01:15:00Z"));
  CHECK(ios[3].message_id == android[3].message_id);
}

TEST_CASE("A WhatsApp zip: the chat and its one image", "[chats]") {
  auto zip = ReadWhatsAppZip(Slurp(kData + "whatsapp/WhatsApp Chat - Agen Kerja.zip"));
  REQUIRE(zip.has_value());
  CHECK(zip->txt_name == "_chat.txt");
  REQUIRE(zip->media.size() == 1);
  CHECK(zip->media.begin()->first == "00000003-PHOTO-2024-01-05-10-00-20.jpg");
  const auto m = WhatsApp(zip->txt);
  REQUIRE(m.size() == 3);
  CHECK(m[1].media == std::vector<std::string>{"00000003-PHOTO-2024-01-05-10-00-20.jpg"});
  CHECK(Group(m).size() == 2);

  CHECK(ReadWhatsAppZip("PK\x03\x04 not really").error().IsInvalidArgument());
  CHECK(ReadWhatsAppZip("").error().IsInvalidArgument());
  CHECK(ChatNameFromFileName("/x/WhatsApp Chat - Agen Kerja.zip") == "Agen Kerja");
  CHECK(ChatNameFromFileName("Chat WhatsApp dengan Agen Kerja.txt") == "Agen Kerja");
  CHECK(ChatNameFromFileName("_chat.txt") == "_chat");
}

TEST_CASE("A malformed WhatsApp export is refused with its line", "[chats]") {
  Status s;
  WhatsApp("hello\n31/12/23 22.00 - A: b\n", &s);
  CHECK_THAT(s.message(), Catch::Contains("line 1") && Catch::Contains("not a WhatsApp"));
  WhatsApp("just some text\nwithout dates\n", &s);
  CHECK_THAT(s.message(), Catch::Contains("not a WhatsApp"));
  WhatsApp("", &s);
  CHECK(s.IsInvalidArgument());
  WhatsApp("31/12/23 22.00 - A: b\n32/12/23 22.00 - A: c\n", &s);
  CHECK_THAT(s.message(), Catch::Contains("line 2") && Catch::Contains("impossible date"));
  WhatsApp("31/12/23 22.00 - A: b\nbad \xff byte\n", &s);
  CHECK_THAT(s.message(), Catch::Contains("line 2") && Catch::Contains("UTF-8"));
  WhatsApp("31/12/23 22.00 - A: IMG/../x.jpg (file attached)\n", &s);
  CHECK_THAT(s.message(), Catch::Contains("line 1"));
}

TEST_CASE("The date order can be forced when no date settles it", "[chats]") {
  const std::string txt = "01/02/24 10.00 - A: b\n";
  CHECK(WhatsApp(txt)[0].posted_ms == Utc("2024-02-01T03:00:00Z"));
  WhatsAppOptions o;
  o.date_order = DateOrder::kMonthFirst;
  CHECK(WhatsApp(txt, nullptr, o)[0].posted_ms == Utc("2024-01-02T03:00:00Z"));
}

}  // namespace
}  // namespace adwatch::chats
