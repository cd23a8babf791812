#include "adwatch/watch/entry.h"

#include <catch2/catch.hpp>
#include <cctype>

namespace adwatch::watch {
namespace {

std::string Stored(WatchKind kind, const std::string& typed) {
  auto v = StoredForm(kind, typed);
  if (!v) FAIL(v.error().ToString());
  return *v;
}

TEST_CASE("A phone written any way is stored as E.164", "[watch]") {
  for (const char* typed : {"0812-3456-7890", "+62 812 3456 7890", "6281234567890",
                            "(0812) 3456.7890", "wa.me/6281234567890"}) {
    INFO(typed);
    CHECK(Stored(WatchKind::kPhone, typed) == "+6281234567890");
  }
  auto bad = StoredForm(WatchKind::kPhone, "call me");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().IsInvalidArgument());
  CHECK_THAT(bad.error().message(), Catch::Contains("not a phone number"));
}

TEST_CASE("A WhatsApp link is stored as the number it carries", "[watch]") {
  CHECK(Stored(WatchKind::kWhatsApp, "https://wa.me/6281234567890") == "+6281234567890");
  CHECK(Stored(WatchKind::kWhatsApp, "api.whatsapp.com/send?phone=6281234567890&text=halo") ==
        "+6281234567890");
  auto group = StoredForm(WatchKind::kWhatsApp, "https://chat.whatsapp.com/AbCdEfGhIjKlMn");
  REQUIRE_FALSE(group.has_value());
  CHECK_THAT(group.error().message(), Catch::Contains("group link carries no number"));
}

TEST_CASE("Telegram, e-mail and domain entries are stored lower-cased", "[watch]") {
  CHECK(Stored(WatchKind::kTelegram, "https://t.me/Rekrut_KH") == "@rekrut_kh");
  CHECK(Stored(WatchKind::kTelegram, "@Rekrut_KH") == "@rekrut_kh");
  CHECK(Stored(WatchKind::kTelegram, "t.me/s/rekrut_kh/123") == "@rekrut_kh");
  CHECK(Stored(WatchKind::kEmail, " HR@Kerja-Luar.ID ") == "hr@kerja-luar.id");
  CHECK(Stored(WatchKind::kDomain, "https://WWW.Kerja-Luar.id:8443/lowongan?x=1") ==
        "kerja-luar.id");
  CHECK_FALSE(StoredForm(WatchKind::kTelegram, "t.me/a b").has_value());
  CHECK_FALSE(StoredForm(WatchKind::kEmail, "not-an-address").has_value());
  CHECK_FALSE(StoredForm(WatchKind::kDomain, "localhost").has_value());
}

TEST_CASE("A keyword entry with a bad RE2 pattern is refused with RE2's error", "[watch]") {
  auto bad =
      NewEntry({.org = "polda-kepri", .kind = WatchKind::kKeyword, .typed = "gaji (besar"}, 1000);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().IsInvalidArgument());
  CHECK_THAT(bad.error().message(), Catch::Contains("keyword 'gaji (besar'"));
  CHECK_THAT(bad.error().message(), Catch::Contains("missing )"));
  auto empty = StoredForm(WatchKind::kKeyword, "a*");
  REQUIRE_FALSE(empty.has_value());
  CHECK_THAT(empty.error().message(), Catch::Contains("every ad"));
  CHECK(Stored(WatchKind::kKeyword, "kerja (di )?kamboja") == "kerja (di )?kamboja");
}

TEST_CASE("An entry's id never starts with '-' or '_', which a command line reads as an option",
          "[watch]") {
  // One id in 32 started so before: "adwatch watch remove -Xb3…" was an unknown option.
  for (int i = 0; i < 2000; ++i) {
    auto e = NewEntry({.org = "polda-kepri", .kind = WatchKind::kPhone, .typed = "0812 3456 7890"},
                      1000);
    REQUIRE(e.has_value());
    REQUIRE(e->id.size() == 12);
    INFO(e->id);
    REQUIRE(std::isalnum(static_cast<unsigned char>(e->id[0])) != 0);
  }
}

TEST_CASE("A new entry gets an id, its stored form and its expiry", "[watch]") {
  auto e = NewEntry({.org = "polda-kepri",
                     .kind = WatchKind::kPhone,
                     .typed = " 0812-3456-7890 ",
                     .note = "kasus 12/2026",
                     .ttl_ms = 180 * 86'400'000LL},
                    1'000'000);
  REQUIRE(e.has_value());
  CHECK(e->id.size() == 12);
  CHECK(e->value == "+6281234567890");
  CHECK(e->typed == "0812-3456-7890");
  CHECK(e->expires_ms == 1'000'000 + 180 * 86'400'000LL);
  CHECK_FALSE(Expired(*e, e->expires_ms - 1));
  CHECK(Expired(*e, e->expires_ms));
  auto other =
      NewEntry({.org = "polda-kepri", .kind = WatchKind::kPhone, .typed = "0812-3456-7890"}, 1);
  REQUIRE(other.has_value());
  CHECK(other->id != e->id);
  CHECK(other->expires_ms == 0);
}

}  // namespace
}  // namespace adwatch::watch
