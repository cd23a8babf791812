#include "adwatch/storage/ids.h"

#include <catch2/catch.hpp>

namespace adwatch::storage {
namespace {

AdCandidate Ad(std::string url, std::string post, std::string text) {
  AdCandidate a;
  a.url = std::move(url);
  a.post_id = std::move(post);
  a.text = std::move(text);
  return a;
}

TEST_CASE("Ad ids are stable: URL plus post id, else the text", "[storage]") {
  const auto a = AdIdFor(Ad("https://t.me/s/x", "x/1", "one"));
  CHECK(a.size() == kAdIdLength);
  CHECK(a == AdIdFor(Ad("https://t.me/s/x", "x/1", "a different text")));
  CHECK(a != AdIdFor(Ad("https://t.me/s/x", "x/2", "one")));
  CHECK(a != AdIdFor(Ad("https://t.me/s/y", "x/1", "one")));
  // Without a URL: the text decides, whatever its spacing and case.
  CHECK(AdIdFor(Ad("", "", "Gaji 15 JUTA, kerja di Kamboja")) ==
        AdIdFor(Ad("", "", "  gaji 15 juta kerja di kamboja\n")));
  CHECK(AdIdFor(Ad("", "", "gaji 15 juta")) != AdIdFor(Ad("", "", "gaji 16 juta")));
  // Exactly these bytes, so that other modules and older databases agree.
  CHECK(AdIdFor(Ad("https://a.example/1", "", "")) == "b5f783d7e03ecdfa");
}

TEST_CASE("An uploaded image with no text is identified by its bytes", "[storage]") {
  auto upload = [](std::string sha) {
    AdCandidate a;
    ImageRef ref;
    ref.url = "upload:" + sha;
    ref.sha256_hex = std::move(sha);
    a.images.push_back(std::move(ref));
    a.image_text = "LOKER KAMBOJA";  // what OCR read does not decide: the bytes do
    return a;
  };
  const std::string x(64, 'a'), y(64, 'b');
  CHECK(AdIdFor(upload(x)) == AdIdFor(upload(x)));
  CHECK(AdIdFor(upload(x)) != AdIdFor(upload(y)));
  // A text, when there is one, still decides.
  AdCandidate with_text = upload(x);
  with_text.text = "gaji 15 juta";
  CHECK(AdIdFor(with_text) == AdIdFor(Ad("", "", "gaji 15 juta")));
}

TEST_CASE("NormalizeText folds ASCII case and punctuation, keeps other bytes", "[storage]") {
  CHECK(NormalizeText("  Gaji: 15jt!!  WA/TG ") == "gaji 15jt wa tg");
  CHECK(NormalizeText("Kamboja\xc2\xa0"
                      "caf\xc3\xa9") ==
        "kamboja\xc2\xa0"
        "caf\xc3\xa9");
  CHECK(NormalizeText("...").empty());
}

TEST_CASE("Text keys link only texts long enough to mean something", "[storage]") {
  CHECK(TextKeyOf("Hubungi kami", 40).empty());
  const std::string long_text = "Dicari admin untuk kerja di luar negeri, gaji besar, tiket gratis";
  CHECK(TextKeyOf(long_text, 40).size() == 32);
  CHECK(TextKeyOf(long_text, 40) ==
        TextKeyOf("DICARI ADMIN untuk kerja di luar negeri - gaji besar; "
                  "tiket gratis!",
                  40));
}

TEST_CASE("Contact terms put a phone and its WhatsApp together", "[storage]") {
  Contact phone;
  phone.kind = ContactKind::kPhone;
  phone.value = "+6281234567890";
  Contact wa = phone;
  wa.kind = ContactKind::kWhatsApp;
  Contact tg;
  tg.kind = ContactKind::kTelegram;
  tg.value = "rekrut|kh";
  CHECK(ContactTerm(phone) == "tel:+6281234567890");
  CHECK(ContactTerm(wa) == ContactTerm(phone));
  CHECK(ContactTerm(tg) == "telegram:rekrut%7Ckh");
  CHECK(ContactTermFromQuery("+62 812-3456-7890") == "tel:+6281234567890");
  CHECK(ContactTermFromQuery("6281234567890") == "tel:+6281234567890");
  CHECK(ContactTermFromQuery("whatsapp:+6281234567890") == "tel:+6281234567890");
  CHECK(ContactTermFromQuery("@Rekrut_KH") == "telegram:rekrut_kh");
  CHECK(ContactTermFromQuery("HR@Example.com") == "email:hr@example.com");
  CHECK(ContactTermFromQuery("line:AbC") == "line:abc");
}

}  // namespace
}  // namespace adwatch::storage
