#include <catch2/catch.hpp>

#include "test_util.h"

using adwatch::ContactKind;
using adwatch::testing::Ad;
using adwatch::testing::BundledClassifier;
using adwatch::testing::Cut;

namespace {

std::vector<std::string> Values(const adwatch::Entities& e, ContactKind kind) {
  std::vector<std::string> out;
  for (const auto& c : e.contacts) {
    if (c.kind == kind) out.push_back(c.value);
  }
  return out;
}

}  // namespace

TEST_CASE("Phone numbers come out as E.164 however they are written", "[classifier]") {
  const std::string text =
      "WA 0812-3456-7890 / 0813 2222 11 00, hub +855 12 345 678, atau 62 857 1111 2222. "
      "Telp kantor (0778) 123456. Nomor: nol delapan satu satu dua dua tiga tiga empat empat lima "
      "lima";
  auto e = BundledClassifier().ExtractEntities(Ad(text));
  CHECK(Values(e, ContactKind::kWhatsApp) == std::vector<std::string>{"+6281234567890"});
  auto phones = Values(e, ContactKind::kPhone);
  CHECK_THAT(phones, Catch::VectorContains(std::string("+6281322221100")));
  CHECK_THAT(phones, Catch::VectorContains(std::string("+85512345678")));
  CHECK_THAT(phones, Catch::VectorContains(std::string("+6285711112222")));
  CHECK_THAT(phones, Catch::VectorContains(std::string("+62778123456")));
  CHECK_THAT(phones, Catch::VectorContains(std::string("+6281122334455")));
  for (const auto& c : e.contacts) {
    if (c.value == "+62778123456") {
      CHECK(c.landline);
      CHECK(c.area == "id.kepri");
    }
    if (c.value == "+6281122334455") CHECK(Cut(text, c.span).rfind("nol delapan", 0) == 0);
  }
}

TEST_CASE("Messaging links and handles are read and normalised", "[classifier]") {
  const std::string text =
      "Chat wa.me/6281234567890 atau https://api.whatsapp.com/send?phone=855123456789, grup "
      "chat.whatsapp.com/AbCdEfGhIj12, Telegram: @HRD_Asia, t.me/LokerKamboja, line id: "
      "kerja.asia, "
      "email hrd@Contoh-Kerja.com, instagram @not_telegram";
  auto e = BundledClassifier().ExtractEntities(Ad(text));
  CHECK(Values(e, ContactKind::kWhatsApp) ==
        std::vector<std::string>{"+6281234567890", "+855123456789", "group/AbCdEfGhIj12"});
  CHECK(Values(e, ContactKind::kTelegram) == std::vector<std::string>{"lokerkamboja", "hrd_asia"});
  CHECK(Values(e, ContactKind::kLine) == std::vector<std::string>{"kerja.asia"});
  CHECK(Values(e, ContactKind::kEmail) == std::vector<std::string>{"hrd@contoh-kerja.com"});
}

TEST_CASE("Salaries are read the ways recruiters write them", "[classifier]") {
  struct Case {
    const char* text;
    double min, max;
    const char* currency;
    const char* period;
    bool open;
  };
  const Case cases[] = {
      {"Gaji Rp 15.000.000", 15e6, 15e6, "IDR", "month", false},
      {"gaji 15 juta/bulan", 15e6, 15e6, "IDR", "month", false},
      {"gaji 15jt", 15e6, 15e6, "IDR", "month", false},
      {"gaji 10jt++", 10e6, 10e6, "IDR", "month", true},
      {"upah 2jt/minggu", 2e6, 2e6, "IDR", "week", false},
      {"gaji 7-16 jt", 7e6, 16e6, "IDR", "month", false},
      {"gaji 1,5 juta per minggu", 1.5e6, 1.5e6, "IDR", "week", false},
      {"salary $1,200 monthly", 1200, 1200, "USD", "month", false},
      {"salary 1200$", 1200, 1200, "USD", "month", false},
      {"USD 800–1.500 per month", 800, 1500, "USD", "month", false},
      {"gaji RM8000", 8000, 8000, "MYR", "month", false},
      {"gaji 1000U", 1000, 1000, "USDT", "month", false},
      {"salary 1000 USDT", 1000, 1000, "USDT", "month", false},
      {"gaji 500rb/hari", 500e3, 500e3, "IDR", "day", false},
      {"lương 15 triệu", 15e6, 15e6, "VND", "month", false},
      {"月薪3万", 3e4, 3e4, "CNY", "month", false},
      {"gaji $1k2", 1200, 1200, "USD", "month", false},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto e = BundledClassifier().ExtractEntities(Ad(c.text));
    REQUIRE(e.salaries.size() == 1);
    const auto& s = e.salaries[0].salary;
    CHECK(s.min == Approx(c.min));
    CHECK(s.max == Approx(c.max));
    CHECK(s.currency == c.currency);
    CHECK(s.period == c.period);
    CHECK(s.open_ended == c.open);
  }
}

TEST_CASE("Salaries are compared in rupiah per month", "[classifier]") {
  auto e = BundledClassifier().ExtractEntities(
      Ad("salary USD 800-1,500 per month, bonus 100 USD per week"));
  REQUIRE(e.salaries.size() == 2);
  CHECK(e.salaries[0].monthly_idr_min == Approx(800.0 * 16000));
  CHECK(e.salaries[1].monthly_idr_min == Approx(100.0 * 16000 * 4.33));
}

TEST_CASE("Fees, fines, ransom, loans, lodging, phone numbers, ages and years are not salaries",
          "[classifier]") {
  for (const char* text :
       {"denda putus kontrak 30 juta",
        "minta tebusan 60 juta",
        "biaya admin 500rb",
        "gaji besar, usia 18-35 tahun, tahun 2024",
        "gaji menarik, WA 081234567890",
        "ditawari dana talangan 30-40 juta",
        "accommodation (about EUR 600 in the residence)",
        "3 member kita ketipu total 11 jt",
        "tersangka meraup keuntungan 500 juta",
        "aku udah lari 5K lagi minggu lalu",
        "Paket \"Barodak \u2013 Akad \u2013 Resepsi\" mulai 28 jt, ALL IN",
        "Kurs beli hari ini: SAR 4.150 | AED 4.250 | QAR 4.280 | MYR 3.550",
        "Umrah reguler & umrah plus Turki Syawal 1446 H, mulai Rp29,9 jt",
        "Tiket Jeddah ke Surabaya mulai SAR 1.450",
        "Hati2 ada \"agen\" yg minta Rp 15\u201330 jt katanya jalur dalam, itu gak ada",
        "8 minggu, offline atau zoom \U0001F4B0 Rp 750.000 (modul + sertifikat)",
        "Kelas privat bahasa Arab Rp 150.000 per sesi",
        "Makkah 6 malam \U0001F4B0 Rp 31.900.000 (sekamar ber-4), bisa DP 5 jt dulu",
        "Paket mulai Rp18 juta (50 undangan) sampai Rp75 juta (500 undangan)",
        "TURKI 10H8M \u2013 Istanbul, Bursa, Cappadocia, Pamukkale\n\U0001F4B0 mulai Rp 17.900.000",
        "Istanbul, Bursa, Cappadocia, Pamukkale \U0001F4B0 mulai Rp 17.900.000 (tiket PP, hotel)",
        "Dubai & Abu Dhabi \U0001F4B0 mulai Rp 13.500.000/pax",
        "\U0001F1F8\U0001F1E6 CGK\u2013MED PP mulai 13,4jt \U0001F1F9\U0001F1F7 SUB\u2013IST PP "
        "mulai 12,8jt"}) {
    INFO(text);
    CHECK(BundledClassifier().ExtractEntities(Ad(text)).salaries.empty());
  }
}

TEST_CASE("Pay 'from' an amount stays pay when pay or a month is named", "[classifier]") {
  for (const char* text : {"Gaji mulai 5 jt, tergantung pengalaman",
                           "Admin Kamboja mulai 15jt/bulan, tiket ditanggung",
                           "Admin Dubai mulai 8 jt/bulan (tiket ditanggung)",
                           "Kerja di Dubai, gaji mulai 8 jt (tiket ditanggung)",
                           "Pelatihan 3 bulan gratis, gaji Rp 7.500.000 (setelah sertifikat)",
                           "ART Riyadh, gaji 1.800 riyal (sekamar berdua dengan ART lain)"}) {
    INFO(text);
    CHECK(BundledClassifier().ExtractEntities(Ad(text)).salaries.size() == 1);
  }
}

TEST_CASE("Gulf pay is read in riyal, dirham and dinar", "[classifier]") {
  auto e = BundledClassifier().ExtractEntities(
      Ad("ART ke Riyadh gaji 1.500 riyal; sopir Dubai 2.000 dirham; Kuwait KWD 120"));
  REQUIRE(e.salaries.size() == 3);
  CHECK(e.salaries[0].salary.currency == "SAR");
  CHECK(e.salaries[0].monthly_idr_min == Approx(1500.0 * 4300));
  CHECK(e.salaries[1].salary.currency == "AED");
  CHECK(e.salaries[2].salary.currency == "KWD");
  CHECK(e.salaries[2].monthly_idr_min == Approx(120.0 * 52000));
}

TEST_CASE("An amount in real is the Saudi riyal, as Indonesian posts write it", "[classifier]") {
  // "gaji 2rb real" was read as 2,000 rupiah: 8.6 million a month, not a pittance.
  auto e = BundledClassifier().ExtractEntities(Ad("8 bulan kerja di negri onta, gaji 2rb real"));
  REQUIRE(e.salaries.size() == 1);
  CHECK(e.salaries[0].salary.currency == "SAR");
  CHECK(e.salaries[0].monthly_idr_min == Approx(2000.0 * 4300));
}

TEST_CASE("The yen sign is read as yen in a post about Japan and as yuan elsewhere",
          "[classifier]") {
  // "¥150.000" read as yuan was IDR 330 million a month, and every lawful trainee programme in
  // Japan looked like an unrealistic salary.
  auto japan = BundledClassifier().ExtractEntities(
      Ad("Magang Jepang, tunjangan ¥150.000/bulan, asrama disediakan"));
  REQUIRE(japan.salaries.size() == 1);
  CHECK(japan.salaries[0].salary.currency == "JPY");
  CHECK(japan.salaries[0].monthly_idr_min == Approx(150000.0 * 105));
  auto yen_suffix = BundledClassifier().ExtractEntities(Ad("Gaji 15万円/bulan di Osaka"));
  REQUIRE(yen_suffix.salaries.size() == 1);
  CHECK(yen_suffix.salaries[0].salary.currency == "JPY");
  CHECK(yen_suffix.salaries[0].salary.min == Approx(15e4));
  auto china = BundledClassifier().ExtractEntities(Ad("月薪¥30000，包吃住"));
  REQUIRE(china.salaries.size() == 1);
  CHECK(china.salaries[0].salary.currency == "CNY");
}

TEST_CASE("A word that holds a money word is no money word: Brunei pay stays pay", "[classifier]") {
  // "run" (a race) is a word of its own, never the middle of "Brunei" or "turun".
  for (const char* text : {"Kerja di Brunei 15jt/bulan", "Lowongan Kamboja, turun 12 jt sebulan"}) {
    INFO(text);
    CHECK(BundledClassifier().ExtractEntities(Ad(text)).salaries.size() == 1);
  }
}

TEST_CASE("A price per couple, person or package and a skipper's miles are not pay",
          "[classifier]") {
  // A prewedding trip "Rp 38 jt / pasangan" read as a salary of 38 million made a wedding
  // organiser's ad look like an unrealistic job offer; so did a domestic skipper's "SKK 60 mil".
  for (const char* text : {"Paket prewedding Taiwan Rp 38 jt / pasangan, kuota 4 pasangan",
                           "Tour Jepang USD 1,200 per pax, visa dibantu",
                           "Dicari nakhoda kapal 10 GT, wajib SKK 60 mil, bagi hasil"}) {
    INFO(text);
    CHECK(BundledClassifier().ExtractEntities(Ad(text)).salaries.empty());
  }
  // Pay stays pay, "mil" beside a pay word or a currency too.
  for (const char* text : {"Gaji 60 mil sebulan di kapal Taiwan", "Kerja Kamboja, USD 1,200/bulan",
                           "Gaji Rp 8 juta per bulan, tiket gratis"}) {
    INFO(text);
    CHECK(BundledClassifier().ExtractEntities(Ad(text)).salaries.size() == 1);
  }
}

TEST_CASE("Places carry placement status and spans into the original", "[classifier]") {
  const std::string text = "Kerja di K 4 M B O J A, jemput di Batam, transit Bangkok";
  auto e = BundledClassifier().ExtractEntities(Ad(text));
  REQUIRE(e.places.size() == 3);
  CHECK(e.places[0].id == "kh");
  CHECK(e.places[0].nonplacement);
  CHECK(Cut(text, e.places[0].span) == "K 4 M B O J A");
  CHECK(e.places[1].id == "id.kepri.batam");
  CHECK(e.places[1].transit);
  CHECK(e.places[2].kind == adwatch::PlaceKind::kTransit);
}

TEST_CASE("Dollar-sign currencies other than USD and Chinese currency names read right",
          "[classifier]") {
  auto e = BundledClassifier().ExtractEntities(
      Ad("Gaji NT$ 27.470 per bulan, atau S$1,200. 月薪1200万印尼盾"));
  REQUIRE(e.salaries.size() == 3);
  CHECK(e.salaries[0].salary.currency == "TWD");
  CHECK(e.salaries[0].salary.min == 27470);
  CHECK(e.salaries[1].salary.currency == "SGD");
  CHECK(e.salaries[2].salary.currency == "IDR");
  CHECK(e.salaries[2].salary.min == 12e6);
  auto aed = BundledClassifier().ExtractEntities(Ad("Salary 4,500 AED a month"));
  REQUIRE(aed.salaries.size() == 1);
  CHECK(aed.salaries[0].salary.currency == "AED");
}

TEST_CASE("A ransom is not a salary", "[classifier]") {
  auto e = BundledClassifier().ExtractEntities(Ad("công ty đòi tiền chuộc 200 triệu mới thả"));
  CHECK(e.salaries.empty());
}

TEST_CASE("A number read again in another ad, field or place in the text reads the same",
          "[classifier]") {
  // Parsed numbers are remembered per thread: the second reading must not lose the span, the
  // field, the WhatsApp cue or the landline's area, which depend on where the number stands.
  const std::string first = "Telp kantor (0778) 123456, WA 0812-3456-7890";
  const std::string second = "Lamaran ke WA 0812-3456-7890 atau telp kantor (0778) 123456 ya";
  for (int round = 0; round < 2; ++round) {
    INFO("round " << round);
    auto a = BundledClassifier().ExtractEntities(Ad(first));
    auto b = BundledClassifier().ExtractEntities(Ad(second, /*title=*/"(0778) 123456"));
    CHECK(Values(a, ContactKind::kWhatsApp) == std::vector<std::string>{"+6281234567890"});
    CHECK(Values(b, ContactKind::kWhatsApp) == std::vector<std::string>{"+6281234567890"});
    int landlines = 0;
    for (const auto& c : b.contacts) {
      if (c.value != "+62778123456") continue;
      ++landlines;
      CHECK(c.landline);
      CHECK(c.area == "id.kepri");
      CHECK(c.region == "ID");
      const std::string& text = c.field == "title" ? std::string("(0778) 123456") : second;
      CHECK(Cut(text, c.span).find("123456") != std::string::npos);
    }
    CHECK(landlines == 2);  // once in the title, once in the body
  }
  // Working hours are not a phone number, however often they come back.
  for (int round = 0; round < 3; ++round) {
    auto e = BundledClassifier().ExtractEntities(Ad("Jam kerja pukul 08.00-17.00, Senin-Jumat"));
    CHECK(e.contacts.empty());
  }
}
