// The TPPO families beyond the scam compounds: the verdict names the pattern, the known
// confusions of the issue that introduced them stay fixed, and a legitimate look-alike that names
// a lure's terms to rule them out ("tidak ada kasbon") is not read as that lure.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "adwatch/common/names.h"
#include "test_util.h"

namespace {

using adwatch::DocKind;
using adwatch::Level;
using adwatch::Pattern;
using adwatch::testing::Ad;
using adwatch::testing::BundledClassifier;

adwatch::Verdict Classify(const std::string& text) {
  auto v = BundledClassifier().Classify(Ad(text));
  REQUIRE(v.has_value());
  return *v;
}

const adwatch::Hit* FindHit(const adwatch::Verdict& v, const std::string& rule) {
  auto it = std::find_if(v.hits.begin(), v.hits.end(),
                         [&](const adwatch::Hit& h) { return h.rule_id == rule; });
  return it == v.hits.end() ? nullptr : &*it;
}

// The hit of `rule` on `text`; the rule must fire.
adwatch::Hit HitOn(const std::string& text, const std::string& rule) {
  const auto v = Classify(text);
  const adwatch::Hit* hit = FindHit(v, rule);
  INFO(rule << " on: " << text);
  REQUIRE(hit != nullptr);
  return *hit;
}

}  // namespace

TEST_CASE("Gambling-operator work placed abroad is a recruitment ad, not a gambling promotion",
          "[classifier][families]") {
  const auto v = Classify(
      "Dibutuhkan operator slot dan admin judol penempatan Kamboja. Gaji 13 juta, tiket dan visa "
      "ditanggung, mess gratis. Minat langsung WA 0812 5550 7781");
  INFO(adwatch::Name(v.kind) << " " << v.score);
  CHECK(v.kind == DocKind::kRecruitmentAd);
  CHECK(v.level >= Level::kMedium);
  CHECK(v.pattern == Pattern::kCompoundScam);

  // The same words in a slot promotion stay a promotion.
  const auto promo =
      Classify("Slot gacor hari ini! Daftar sekarang, depo 25rb, bonus new member 100%, maxwin");
  CHECK(promo.kind == DocKind::kGamblingPromo);
}

TEST_CASE(
    "A karaoke job for girls from 17 in Malaysia with the ticket paid is flagged as sexual "
    "exploitation",
    "[classifier][families]") {
  const auto v = Classify(
      "Cari cewek umur 17-25 kerja LC karaoke di Johor Malaysia. Tiket pesawat ditanggung bos, "
      "mess "
      "gratis, bisa kasbon. Gaji 9 juta + tips. DM aja");
  INFO(v.score << " " << adwatch::Name(v.pattern));
  CHECK(v.kind == DocKind::kRecruitmentAd);
  CHECK(v.level >= Level::kMedium);
  CHECK(v.pattern == Pattern::kSexualExploitation);
}

TEST_CASE("A paid kidney donation with travel to Cambodia covered is flagged as organ sale",
          "[classifier][families]") {
  const auto v = Classify(
      "Dibutuhkan donor ginjal golongan darah O, kompensasi 135 juta. Paspor, tiket dan hotel "
      "ditanggung, operasi di Phnom Penh. Rahasia dijamin. WA 0813 5550 2210");
  INFO(v.score << " " << adwatch::Name(v.pattern));
  CHECK(v.level >= Level::kMedium);
  CHECK(v.pattern == Pattern::kOrgan);
}

TEST_CASE("Each family's lure names its pattern", "[classifier][families]") {
  struct Case {
    const char* text;
    Pattern pattern;
  };
  const Case cases[] = {
      {"Kerja kebun sawit di Tawau, Sabah. Tanpa paspor, cukup KTP, lewat jalur tikus dari "
       "Nunukan. "
       "Ongkos ditalangi, potong gaji 3 bulan. Hub 0852 5550 1100",
       Pattern::kIrregularMigration},
      {"Dicari ART untuk majikan di Riyadh, gaji 1.800 riyal. Berangkat pakai visa umroh dulu, 2 "
       "minggu terbang. Keluarga dapat uang saku 5 juta. WA 0857 5552 6630",
       Pattern::kMideastDomestic},
      {"Dicari anak perempuan usia 15-17 untuk jaga toko di Medan. Belum punya KTP bisa, umur "
       "nanti "
       "dituakan. Orang tua langsung dapat uang 2 juta. Hub 0811 5550 9136",
       Pattern::kChild},
      {"Lowongan ABK kapal long line Taiwan, gaji USD 400, tanpa pengalaman. Buku pelaut dan BST "
       "gratis, nanti potong gaji. Gaji 2 bulan pertama ditahan sebagai jaminan. WA 0821 5550 4412",
       Pattern::kFishingCrew},
      {"Dicarikan jodoh pria Taiwan yang mapan untuk gadis 18-25. Mahar untuk orang tua 50 juta, "
       "semua "
       "biaya ditanggung. Nikah siri dulu. Hubungi mak comblang 0813 5554 6612",
       Pattern::kBride},
      {"Program ferienjob ke Jerman untuk mahasiswa, bisa dikonversi 20 SKS. Dana talangan 30 juta "
       "dipotong dari gaji di Jerman. Kuota terbatas! WA 0811 5552 7080",
       Pattern::kFakeInternship},
      {"Kerja di Polandia gaji 25 juta. DP 2 juta dulu untuk proses visa, transfer ke rekening "
       "pribadi "
       "admin, dijamin berangkat 2 bulan. Kuota tinggal 7 orang! WA 0812 5553 1908",
       Pattern::kFeeScam},
      {"Menerima adopsi bayi baru lahir. Biaya persalinan ditanggung penuh, ibu kandung dapat uang "
       "10 "
       "juta setelah lahiran. Tidak perlu lewat Dinsos. Rahasia terjamin, WA 0812 5550 5394",
       Pattern::kBabySale},
  };
  for (const Case& c : cases) {
    const auto v = Classify(c.text);
    INFO(c.text << "\n-> " << adwatch::Name(v.pattern) << " " << v.score);
    CHECK(v.level >= Level::kMedium);
    CHECK(v.pattern == c.pattern);
  }
  // An ordinary local job names no pattern.
  const auto plain = Classify(
      "Dibutuhkan kasir minimarket di Bandung, gaji UMK, kirim lamaran ke hrd@toko.example.co.id");
  CHECK(plain.pattern == Pattern::kOther);
  CHECK(plain.level < Level::kMedium);
}

TEST_CASE("A legitimate ad that rules out a lure's terms is not read as the lure",
          "[classifier][families]") {
  const auto lure =
      Classify("LC karaoke di Batam, tiket dibiayai, bisa kasbon, gaji 8 juta. DM aja");
  const auto* kasbon = FindHit(lure, "ID_DEBT_KASBON");
  REQUIRE(kasbon != nullptr);
  CHECK_FALSE(kasbon->negated);

  const auto legit = Classify(
      "Lowongan waitress karaoke keluarga di Makassar. Gaji tetap 3,2 juta dibayar via transfer "
      "rekening. Bukan LC, karyawan tidak menemani tamu. Tidak ada kasbon atau pinjaman di awal. "
      "Lamaran ke resepsionis.");
  INFO(legit.score);
  const auto* denied = FindHit(legit, "ID_DEBT_KASBON");
  REQUIRE(denied != nullptr);
  CHECK(denied->negated);
  CHECK(FindHit(legit, "COMBO_ENTERTAINMENT_DEBT") == nullptr);  // meta rules do not see it
  CHECK(legit.level < Level::kMedium);

  // A negator that is part of another lure phrase denies nothing after it.
  const auto listed =
      Classify("Kerja di Kamboja, tanpa pengalaman tiket gratis, gaji 15 juta, WA 0812 5550 1234");
  const auto* cost = FindHit(listed, "ID_COST_TRAVEL_PAID");
  REQUIRE(cost != nullptr);
  CHECK_FALSE(cost->negated);
}

TEST_CASE("A visa service that lists the jobs it refuses is not offering them",
          "[classifier][families]") {
  // The refusal names domestic work ("(ART, sopir, dll)") beside the Gulf visas it sells.
  const auto v = Classify(
      "Jasa visa turis Dubai, e-visa Turki, konsultasi Qatar. PROSES CEPAT 3-5 hari kerja. Harga "
      "mulai Rp 1,5 jt. Visa turis tidak bisa dipakai untuk bekerja. Kami menolak pengurusan "
      "untuk tujuan kerja (ART, sopir, dll), silakan lewat P3MI resmi. WA 0838 5550 1234");
  INFO(v.score);
  CHECK(v.level < Level::kMedium);
}

TEST_CASE("A reader asking a group about an offer made to a relative is no ad",
          "[classifier][families]") {
  // The question retells the whole offer; what makes it a question is that it asks the group.
  const auto v = Classify(
      "[Tanya] Sepupu saya ditawari kerja jaga anak di Dubai, gaji 1.800 dirham, tiket ditanggung "
      "sponsor, berangkat pakai visa turis dulu nanti diganti di sana. Tidak usah daftar di "
      "Disnaker katanya. Resmi gak ya begini? Mohon pencerahan dari yang pernah kerja di sana");
  INFO(v.score);
  CHECK(v.level < Level::kMedium);
  CHECK(v.kind != DocKind::kRecruitmentAd);
}

TEST_CASE("An offer reported to someone, or put to the reader as a condition, stays a warning",
          "[classifier][families]") {
  for (const char* text : {
           "Korban ditawari kerja ART di Saudi, gaji 1.800 riyal, berangkat pakai visa umroh, "
           "potong gaji 3 bulan.",
           "Jika Anda ditawari kerja ART di Saudi, gaji 1.800 riyal, berangkat pakai visa umroh, "
           "potong gaji 3 bulan, tolak.",
           "POV: kamu ditawarin kerja ART di Saudi, gaji 1.800 riyal, berangkat pakai visa umroh, "
           "potong gaji 3 bulan.",
       }) {
    INFO(text);
    CHECK(Classify(text).level < Level::kMedium);
  }
}

TEST_CASE("Telling the reader to refuse an offer if one comes reads as a warning",
          "[classifier][families]") {
  // A condition opens the sentence and a refusal closes it; in between, the offer described.
  for (const char* text : {
           "Kalo ada orang tawar kerja jadi pembantu di Arab pake visa umroh, tiket dong tanggung "
           "dolo, nanti potong gaji, jang iko.",
           "Upami aya sponsor nu ngajak ka Arab nganggo visa umroh, tiket ditalangin terus potong "
           "gaji, ceunah teu kedah ka Disnaker — ulah daek nya!",
           // A refusal with an object goes on refusing.
           "Jangan mau, tolak saja tawaran gaji 15 juta kerja admin di Kamboja pakai visa turis.",
       }) {
    INFO(text);
    CHECK(Classify(text).level < Level::kMedium);
  }
}

TEST_CASE("An official channel named only to be skipped lowers no score",
          "[classifier][families]") {
  // "tidak perlu ke Disnaker" is the lure's own phrase (an irregular route): the labour office it
  // names is no claim to go through it.
  const std::string lure =
      "Dibutuhkan ART untuk keluarga di Madinah, gaji 1.800 riyal. Berangkat pake visa umroh. "
      "Paspor kami uruskan, tidak perlu ke Disnaker. Info japri 0853 5552 4816";
  CHECK(HitOn(lure, "ID_LEGIT_CHANNEL").negated);
  // Naming the office to go through it still lowers the score.
  CHECK_FALSE(HitOn("Lowongan housekeeping hotel Doha lewat P3MI resmi, daftar di Disnaker "
                    "kabupaten, gaji 1.500 riyal.",
                    "ID_LEGIT_CHANNEL")
                  .negated);
}

TEST_CASE("A denial inside a phrase, in Javanese or in Chinese, rules the lure's term out",
          "[classifier][families]") {
  // "biaya ... tidak dipotong dari gaji": the filler words of the pattern took the denial in.
  CHECK(HitOn("Spa Therapist hotel Batam, gaji pokok 4,2 jt. Jika diterima dari luar Batam, biaya "
              "pindah tidak dipotong dari gaji.",
              "ID_COST_FROM_WAGES")
            .negated);
  // The same phrase without the denial is the lure's.
  CHECK_FALSE(
      HitOn("Kerja kebun di Sabah, biaya tiket nanti dipotong dari gaji.", "ID_COST_FROM_WAGES")
          .negated);
  // A ticket "tidak ditanggung" is travel the applicant pays for, not the lure's paid ticket.
  CHECK(HitOn("Waitress resto Batam, gaji UMK. Tiket tidak ditanggung, interview wajib datang "
              "langsung.",
              "ID_COST_TRAVEL_PAID")
            .negated);
  CHECK_FALSE(HitOn("Waitress resto Batam, gaji 9 juta. Tiket ditanggung, langsung berangkat.",
                    "ID_COST_TRAVEL_PAID")
                  .negated);

  // The denial inside that phrase still denies the shorter phrase it holds.
  CHECK(HitOn("ABK kapal domestik Bitung, BST dibantu, biaya ditanggung perusahaan TANPA potong "
              "gaji",
              "ID_FEES_PENALTY")
            .negated);

  CHECK(HitOn("Job HK resmi, biaya ditanggung majikan, DUDU potong gaji.", "ID_FEES_PENALTY")
            .negated);

  // Palembang "dak ado", Minang "indak" and Betawi "kagak" deny as "tidak ada" does.
  CHECK(HitOn("Kopdar lajang di Palembang. Dak ado biro jodoh berbayar, dak ado tawaran nikah.",
              "ID_MARRIAGE_BROKER")
            .negated);
  CHECK(HitOn("Rumah makan di KL mambutuahkan tukang masak. Indak pakai visa pelancong, indak ado "
              "potong gaji untuak ongkos.",
              "ID_VISA_TOURIST")
            .negated);

  // Banjar "kada" and Manado "nyanda" deny as "tidak" does.
  CHECK(HitOn("Beasiswa asrama ini 100% gratis. Kada ada uang pendaftaran, kada ada uang jaminan.",
              "ID_FEES_PENALTY")
            .negated);
  CHECK(HitOn("Kerja kebun di Sabah lewat agensi resmi, nyanda ada potong gaji.", "ID_FEES_PENALTY")
            .negated);
  // "Don't bother arranging the birth certificate" promises it; it denies nothing.
  CHECK_FALSE(HitOn("Bayinya nanti dijemput suster dari klinik, mbak gak usah urus akte, nanti "
                    "dibuatkan atas nama keluarga barunya.",
                    "ID_BABY_SALE")
                  .negated);

  // "Nothing is deducted from salary" (a licensed Dubai spa's terms) denies the deduction.
  CHECK(HitOn("Spa therapist, 5-star resort in Dubai. Flight and housing free of charge; nothing "
              "is deducted from salary.",
              "EN_FEES_PENALTY")
            .negated);

  // After "kalau", a denial states a case: "kalau side ndak ada uang, tiang talangin dulu" offers
  // the advance.
  CHECK_FALSE(HitOn("Kilang plastik di Johor, gaji RM 60 sehari. Kalau side ndak ada uang tiang "
                    "talangin dulu, nanti nyicil dr gajian",
                    "ID_FEES_PENALTY")
                  .negated);

  // "Don't worry about the cost" reassures; it denies nothing.
  CHECK_FALSE(HitOn("Donor ginjal, bayaran besar, ga usah pikir biaya berangkat semua dibiayain",
                    "ID_COST_TRAVEL_PAID")
                  .negated);

  // "Tidak ada" reaches over a list's commas; a denial in a clause of its own does not.
  CHECK(HitOn("Biaya penempatan 0 rupiah. Semua pembayaran punya kuitansi resmi. Tidak ada \"DP "
              "kuota\", \"uang pelicin\", atau transfer ke rekening orang.",
              "ID_FEE_UPFRONT")
            .negated);
  CHECK_FALSE(HitOn("Yang mau ke Qatar jd ART dm aku, ga ada moratorium an, aku berangkatin pake "
                    "visa kunjungan",
                    "ID_VISA_TOURIST")
                  .negated);

  // 不 a few ideographs before the phrase denies it.
  CHECK(
      HitOn("青年联谊交友会，本会不做任何跨国婚姻介绍，不收彩礼。", "ZH_MARRIAGE_BROKER").negated);
}

TEST_CASE("A dash ends the clause a denial reaches back over", "[classifier][families]") {
  // "ga perlu modal — ada talangan dr kami": no capital needed, because the agent lends it. The
  // denial is of the capital, in a clause the dash closes, not of the loan.
  CHECK_FALSE(
      HitOn("POV: magang 3 bln di Jerman, ga perlu modal \u2014 ada talangan dr kami, bayar "
            "pas udh gajian",
            "ID_BRIDGING_LOAN")
          .negated);
  // Without the dash the denial still reaches the loan ("tidak perlu dana talangan").
  CHECK(HitOn("Magang resmi di Jerman, tidak perlu dana talangan, biaya dari beasiswa kampus",
              "ID_BRIDGING_LOAN")
            .negated);
}

TEST_CASE("Traditional Chinese reads as the simplified rules are written",
          "[classifier][families]") {
  const auto v = Classify(
      "【印尼新娘 相親團】本月出團，聘金直接給父母，護照、機票全程包辦。LINE：@example_555");
  INFO(v.score << " " << adwatch::Name(v.pattern));
  CHECK(FindHit(v, "ZH_MARRIAGE_BROKER") != nullptr);
  CHECK(FindHit(v, "ZH_CASH_TO_FAMILY") != nullptr);
  CHECK(v.level >= Level::kMedium);
  CHECK(v.pattern == Pattern::kBride);
}

TEST_CASE("An awareness post that crosses out or quotes the offer reads as a warning",
          "[classifier][families]") {
  const auto struck = Classify(
      "WASPADA! Iklan seperti ini: g\xCC\xB6"
      "a\xCC\xB6"
      "j\xCC\xB6"
      "i\xCC\xB6 1\xCC\xB6"
      "5\xCC\xB6"
      "j\xCC\xB6"
      "t\xCC\xB6 kerja di Kamboja, ❌ tiket dan visa gratis, ❌ tanpa pengalaman. Itu modus TPPO. "
      "Laporkan ke polisi.");
  INFO(adwatch::Name(struck.kind) << " " << struck.score);
  CHECK_FALSE((struck.kind == DocKind::kRecruitmentAd && struck.level >= Level::kMedium));

  const auto quoted = Classify(
      "Postingan yang sering muncul: \"Dibutuhkan donor ginjal, kompensasi 150 juta, tiket "
      "ditanggung\". "
      "Itu jual beli organ. Donor ginjal yang sah hanya lewat rumah sakit, tanpa bayaran.");
  INFO(adwatch::Name(quoted.kind) << " " << quoted.score);
  CHECK_FALSE((quoted.kind == DocKind::kRecruitmentAd && quoted.level >= Level::kMedium));

  // A licensed agency's advert quotes the back route in single quotes to rule it out.
  const auto single = Classify(
      "Lowongan PRT ke Kuala Lumpur lewat One Channel System, gaji RM 1.500, kontrak 2 taon.\n"
      "Beta kasi tau ee: kalau ada orang bilang 'cukup KTP sa, naik kapal ke Nunukan, nanti potong "
      "gaji' \u2014 itu bukan katong.");
  INFO(single.score);
  CHECK(single.level < Level::kMedium);
  // An apostrophe after a word opens no quotation: the lure around it still counts.
  const auto apostrophe = Classify(
      "Tabe' dek, kerja di Malaysia cukup KTP sa, naik kapal ke Nunukan, nanti potong gaji. "
      "Jum'at berangkat ki'.");
  CHECK(apostrophe.level >= Level::kMedium);

  // WhatsApp strikes text through with single tildes; a range such as "18~25" is no strike.
  const auto tilde = Classify(
      "💔 DAPAT SUAMI KAYA DI CHINA? 💔\n❌ ~Mahar puluhan juta langsung buat orang tua~\n"
      "❌ ~Semua biaya ditanggung, nikah siri dulu~\nItu pengantin pesanan = perdagangan orang. "
      "Konsultasi: 0811 5552 7710");
  INFO(adwatch::Name(tilde.kind) << " " << tilde.score);
  CHECK_FALSE((tilde.kind == DocKind::kRecruitmentAd && tilde.level >= Level::kMedium));
  const auto range = Classify("Dicari LC karaoke usia 18~25, tiket~mess ditanggung, bisa kasbon");
  const auto* kasbon = FindHit(range, "ID_DEBT_KASBON");
  REQUIRE(kasbon != nullptr);
  CHECK_FALSE(kasbon->negated);

  // A name in quotes is not a quotation: the lure keeps its evidence.
  const auto named = Classify(
      "Program Kerja \"Household Assistant\" ke Jeddah, keberangkatan pakai visa umroh dulu, "
      "potong "
      "gaji 3 bulan. WA 0857 5552 6630");
  const auto* domestic = FindHit(named, "ID_JOB_DOMESTIC");
  REQUIRE(domestic != nullptr);
  CHECK_FALSE(domestic->negated);
}

TEST_CASE("The list a warning introduces reads as a warning, item by item, up to a tick",
          "[classifier][families]") {
  // "…yang perlu diwaspadai:" closes its line; the items below it, up to the blank line after
  // them, are what to beware of, not an offer.
  const std::string warning =
      "BP3MI menerima aduan soal LPK magang Jepang.\nCiri-ciri yang perlu diwaspadai:\n\n"
      "🔸 Berangkat dengan visa kunjungan atau visa turis, katanya nanti diubah jadi visa kerja "
      "setelah sampai di Jepang\n"
      "🔸 Bayar DP puluhan juta, transfer ke rekening pribadi\n\n"
      "Jalur resmi: LPK-SO terdaftar Kemnaker.";
  CHECK(HitOn(warning, "ID_FEE_PERSONAL_ACCOUNT").negated);
  const auto v = Classify(warning);
  INFO(adwatch::Name(v.kind) << " " << v.score);
  CHECK_FALSE((v.kind == DocKind::kRecruitmentAd && v.level >= Level::kMedium));

  // A cue whose sentence ends before the colon introduces no list: the requirements that follow
  // are the ad's own.
  const std::string ad =
      "Hati-hati penipuan mengatasnamakan kami. Syarat:\n"
      "- Bayar DP 5 juta, transfer ke rekening pribadi admin\n";
  CHECK_FALSE(HitOn(ad, "ID_FEE_PERSONAL_ACCOUNT").negated);

  // A tick ends the cross's reach: what is ticked is offered ("❌ tes ❌ ijazah ✅ admin 2 jt").
  const std::string ticked =
      "❌ tes ❌ ijazah ❌ ribet\n✅ admin 2 jt aja, transfer ke rekening pribadi admin";
  CHECK_FALSE(HitOn(ticked, "ID_FEE_PERSONAL_ACCOUNT").negated);
}

TEST_CASE("Places closed to domestic-worker placement carry the moratorium flag",
          "[classifier][families]") {
  const auto v = Classify("Kerja di Riyadh dan Doha");
  int moratorium = 0;
  for (const auto& p : v.entities.places) {
    if (p.moratorium) ++moratorium;
  }
  CHECK(moratorium == 2);
  const auto hk = Classify("Kerja di Hong Kong");
  for (const auto& p : hk.entities.places) CHECK_FALSE(p.moratorium);
}

TEST_CASE("ScoreHits recomputes score, level, kind and pattern from the hits' weights",
          "[classifier][families]") {
  const auto& c = BundledClassifier();
  auto v = Classify(
      "Dibutuhkan donor ginjal, kompensasi 135 juta, tiket dan hotel ditanggung, operasi di "
      "Kamboja");
  REQUIRE(v.level >= Level::kMedium);
  for (auto& h : v.hits) {
    if (h.weight > 0) h.weight = 0.1;
  }
  adwatch::classifier::ScoreHits(v, c.rules(), c.options());
  CHECK(v.level == Level::kNone);
  CHECK(v.pattern == Pattern::kOther);  // too little evidence left to name one
}

TEST_CASE("A condition that invites negates nothing, whatever refusal follows it",
          "[classifier][families]") {
  // "Kalau ada yang minat/mau …, jangan …" is the recruiter's call; "kalau ada yang nawarin …,
  // jangan mau" warns. Before, both negated the offer between the condition and the refusal.
  for (const char* text : {
           "Kalo ada yg mau kerja ART Riyadh, gaji 1.800 riyal, berangkat pake visa ziarah, potong "
           "gaji 3 bulan, tolak yg minta DP. WA 0812 5550 1234",
           "Kalau ada saudara yang mau kerja ART di Saudi, gaji 1.800 riyal, berangkat pake visa "
           "umroh, tolak yg minta DP, langsung hubungi kami WA 0812 5550 1234",
           "Kalo ada yg mau kerja ART Riyadh: gaji 1.800 riyal, berangkat pake visa ziarah, potong "
           "gaji 3 bulan, jangan berangkat sendiri, ikut rombongan kami. Daftar WA 0812 5550 1234",
       }) {
    CHECK_FALSE(HitOn(text, "ID_VISA_UMRAH_VISIT").negated);
    CHECK_FALSE(HitOn(text, "COMBO_DOMESTIC_MORATORIUM_IRREGULAR").negated);
  }
  CHECK(HitOn("Kalau ada yang nawarin kerja ART di Saudi pake visa umroh, gaji 1.800 riyal, "
              "jangan mau.",
              "ID_VISA_UMRAH_VISIT")
            .negated);
}

TEST_CASE("A recruiter's own words that sound like a warning do not hide the lure",
          "[classifier][families]") {
  // Warning cues negate the words after them, so a cue a recruiter can say opens a hole: each of
  // these once lost its level because of a cue added for awareness posts.
  for (const char* text : {
           "Yang minta info detail langsung WA, gaji 15 juta, tiket gratis, kerja admin di Kamboja "
           "pakai visa turis",
           "Kami tidak menawarkan gaji kecil: gaji 15 juta, tiket ditanggung, cukup KTP, kerja di "
           "Malaysia",
           "Nobody will check your papers, just come on a tourist visa, salary 1500 USD, ticket "
           "free, job in Cambodia",
           "Yang meminta formulir langsung transfer DP 2 juta ke rekening saya, kerja pabrik di "
           "Jepang",
           "Pakai visa turis aman, dijamin tidak akan dideportasi, gaji 15 juta, kerja admin di "
           "Kamboja",
           "Kami tidak menerima pembayaran tunai, transfer DP 3 juta ke rekening saya, kerja di "
           "Malaysia",
           "Di dunia ini tidak ada yang gratis, DP 3 juta dulu ke rekening saya, berangkat ke "
           "Malaysia minggu depan",
           "Dia menawarkan aku kerja di Malaysia, gaji 8 juta, tiket gratis, cukup KTP aja. Minat "
           "DM",
           // "Kalau ada yang" warns when an offer follows ("kalau ada yang menawarkan…"), but
           // invites when a reader's wish does ("kalau ada yang minat").
           "Kalau ada yang minat, langsung DM, gaji 15 juta, tiket gratis, kerja admin di Kamboja "
           "pakai visa turis",
           "Kalau ada yang minat: gaji 15 juta, tiket gratis, kerja admin di Kamboja pakai visa "
           "turis, langsung DM",
           // A closing verdict the recruiter denies ("tidak akan berakhir di tahanan") closes no
           // warning.
           "Kerja Malaysia gaji 8 juta, tiket gratis, lewat Nunukan, aman tidak akan berakhir di "
           "tahanan",
           // A refusal or a reassurance after the offer is no verdict on it, and a referral is no
           // warning: "kami tidak melayani", "itu bukan jalur" and "nek ana sing ngajak" were tried
           // as cues and dropped for these.
           "Dicari admin ke Kamboja gaji 15jt tiket gratis, kami tidak melayani pelamar yang "
           "tidak serius.",
           "Kami menolak pelamar di bawah 18 th, admin ke Kamboja gaji 15 jt, tiket gratis",
           "Kerja ART ke Saudi pakai visa umroh, itu bukan jalur ilegal kok",
           "Kerja ART ke Saudi pakai visa umroh, itu bukan jalan belakang kok",
           "Nek ana sing ngajak kanca oleh bonus 500rb, kerja nang Malaysia gaji 8 juta tiket "
           "gratis cukup KTP",
           "Kalau ada orang datang minta kerja, langsung daftar: admin ke Kamboja gaji 15 juta "
           "tiket gratis",
           "Kami menolak mengurus yang tidak serius, kerja admin ke Kamboja gaji 15 juta tiket "
           "gratis pakai visa turis",
           "Kerja di Malaysia gaji 8 juta, tiket gratis, cukup KTP, dijamin tidak ada kabar buruk",
           "Kerja ART ke Saudi pakai visa umroh, bukan jalan yang benar menurut pemerintah tapi "
           "cepat dan aman",
           // Reported speech a recruiter uses of his own offer: "jarene" (they say), "janjinya"
           // (its promise) were tried as cues for Javanese notices and dropped for these.
           "Lowongan ART Saudi. Jarene sing wis mangkat enak, gaji 1.800 real, mangkat pake visa "
           "umroh, 2 minggu terbang, duit pamit 3 juta. WA 0823 5551 0000",
           "Lowongan ART ke Saudi, janjinya pasti berangkat 2 minggu, gaji 1.800 real, pake visa "
           "umroh, uang pamit 3jt. WA 0823 5551 0000",
           "Kerja ART ning Saudi, gaji 1.800 real, mangkat pake visa ziarah, wong tua diwenehi "
           "duit 3 yuta. Jalur PT iku ora resmi, suwe. WA 0823 5551 0000",
           // "datang ke rumah nawarin" (came to the house offering) warned in family posts, but a
           // recruiter opens with it and the whole offer after it read as a warning.
           "Tim kami datang ke rumah nawarin keluarga: ART Saudi gaji 1.800 real, berangkat pakai "
           "visa umroh, duit pamit 3jt, WA 0823 5551 0000",
           // "kalau ada sponsor" (if a sponsor…) was tried for a family's warning and dropped for
           // this.
           "Kalau ada sponsor yang mau ikut, langsung DM: ART ke Saudi gaji 1.800 real, pakai visa "
           "umroh, duit pamit 3jt, WA 0823 5551 0000",
           // "banyak berita yang" (many news stories…) reports cases; a recruiter dismissing them
           // still offers what follows.
           "Banyak berita yang bilang visa umroh bahaya, itu hoax. Lowongan ART Saudi gaji 1.800 "
           "riyal, berangkat pake visa umroh, potong gaji 3 bulan. WA 0812 5550 1234",
           // "cara membedakan lowongan" (how to tell vacancies apart) opens a list of scam
           // markers; a recruiter's "cara membedakan kami" does not.
           "Cara membedakan kami dengan agen lain: gaji 8 juta, tiket gratis, cukup KTP, kerja di "
           "Malaysia lewat Nunukan. Minat WA 0812 5550 1234",
           // A visa service's refusal ("kami tdk layani visa kerja") in a recruiter's mouth.
           "Lowongan ART Saudi gaji 1.800 riyal. Kami gak layani visa kerja yg ribet2, berangkat "
           "pake visa ziarah aja, ongkos potong gaji 3 bulan. Minat WA 0812 5550 1234",
           // A question's opening ("numpang nanya", "[TANYA]", "mohon pencerahan") as a
           // recruiter's hook.
           "Numpang nanya, ada yang mau kerja ART ke Saudi? Gaji 1.800 riyal, berangkat pake visa "
           "umroh, potong gaji 3 bulan. Minat WA 0812 5550 1234",
           "[TANYA] Siapa yang mau kerja ART di Riyadh? Gaji 1.800 riyal, visa ziarah, tiket "
           "ditalangin potong gaji. WA 0812 5550 1234",
           "Mohon pencerahannya, ada yang mau kerja ke Kamboja jadi admin, gaji 15 juta, tiket "
           "gratis, pakai visa turis? DM aja",
           "Punten numpang taros, saha nu hoyong damel ART di Saudi? Gajih 1.800 real, angkat "
           "ngangge visa umroh, ongkos dipotong 2 bulan gajih. WA 0812 5550 1234",
           "Nyuwun pirsa, sinten ingkang purun nyambut damel ART ing Saudi? Gaji 1.800 real, "
           "mangkat pake visa umroh, potong gaji 3 sasi. WA 0812 5550 1234",
           "Mohon pandangan, siapa nak kerja kilang di Johor, gaji RM2000, masuk guna pas lawatan "
           "je, tolak gaji 3 bulan. WA +60 12-555 1234",
           "Aku mau tanya nih, kamu mau gaji 8 juta kerja kebun di Malaysia? Cukup KTP, lewat "
           "Nunukan, potong gaji. WA 0812 5550 1234",
           "Beta mau tanya, nona mau kerja jaga anak di Jeddah ko sonde? Gaji 1.800 riyal, pi pake "
           "visa umroh, ongkos potong gaji. WA 0812 5550 1234",
           // Running down a rival after a warning cue ("jangan percaya agen lain") is the pitch.
           "Jangan percaya agen lain, gaji 15 juta, tiket gratis, kerja admin di Kamboja pakai "
           "visa turis. WA 0812 5550 1234",
           "Jangan percaya sama PT lain ya Bu, ART ke Saudi gaji 1.800 riyal, berangkat pake visa "
           "umroh, potong gaji 3 bulan. WA 0812 5550 1234",
           // "ditawari" reports an offer made to someone; made to the reader, it is the offer.
           "Anda ditawari kerja ART di Saudi, gaji 1.800 riyal, berangkat pakai visa umroh, potong "
           "gaji 3 bulan. WA 0812 5550 1234",
           // A condition closed by a refusal warns, unless what is refused is a rival or the
           // offer comes after the refusal.
           "Kalau ada yang minta biaya, tolak! Kami gratis: ART ke Saudi gaji 1.800 riyal, "
           "berangkat pake visa umroh, potong gaji 3 bulan. WA 0812 5550 1234",
           "Kalau ada lowongan ke Saudi pake visa umroh gaji 1.800 riyal potong gaji 3 bulan, "
           "jangan mau yang lain, langsung WA saya 0812 5550 1234",
           "Kalo ada yang nawarin lebih murah, tolak aja, kami paling murah: ART Saudi visa umroh, "
           "potong gaji 3 bulan, gaji 1.800 riyal. WA 0812 5550 1234",
           // A closing verdict the recruiter waves away ("…itu dilarang pemerintah, tapi aman").
           "Kerja ART ke Riyadh pakai visa umroh, memang itu dilarang pemerintah, tapi kami aman: "
           "gaji 1.800 riyal, potong gaji 3 bulan. WA 0812 5550 1234",
           "ART ke Riyadh pake visa umroh tu dilarang katanya, tapi aman kok, gaji 1.800 riyal, "
           "potong gaji 3 bulan. WA 0812 5550 1234",
           "Karajo ART di Riyadh pakai visa umroh, dilarang pamarintah tapi aman, gaji 1.800 "
           "riyal, dipotong gaji 3 bulan. WA 0812 5550 1234",
           "Kerja admin di Kamboja pakai visa turis adalah ilegal, tapi tenang aja, gaji 15 juta, "
           "tiket gratis. DM aja",
           "Kerja ART di Riyadh pakai visa umroh memang melanggar hukum, tapi aman kok. Gaji 1.800 "
           "riyal, potong gaji 3 bulan. WA 0812 5550 1234",
           // A condition that invites ("ari ana sing gelem", if anyone wants) is no warning,
           // whatever refusal the recruiter adds after it.
           "Ari ana sing gelem kerja ART ning Saudi, gaji 1.800 real, mangkat lewat visa umroh, "
           "aja "
           "kesusu daftar ning PT, langsung WA isun 0812 5550 1234",
       }) {
    INFO(text);
    CHECK(Classify(text).level >= Level::kMedium);
  }
}
