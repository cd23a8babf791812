#include "adwatch/export/writers.h"

#include <filesystem>
#include <regex>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "fixture.h"

namespace adwatch::exporter {
namespace {

using testing::FixtureStore;
using testing::kDay;
using testing::kNoonJakarta;

Digest Make(FixtureStore& f, const Subscription& s) {
  auto d = MakeDigest(f.store(), s, kDay, kNoonJakarta + 5 * 3600'000, testing::TestContext(), {});
  REQUIRE(d);
  return std::move(*d);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST_CASE("Digest CSV and JSON match their golden files", "[export][writers][golden]") {
  FixtureStore f;
  const Digest kepri = Make(f, testing::Kepri());
  const Digest national = Make(f, testing::National());
  testing::CheckGolden("digest-kepri.csv", RenderCsv(kepri));
  testing::CheckGolden("digest-kepri.json", RenderJson(kepri));
  testing::CheckGolden("digest-nasional.csv", RenderCsv(national));
  testing::CheckGolden("digest-nasional.json", RenderJson(national));
  Subscription en = testing::National(DigestLang::kEn);
  en.csv_separator = ',';
  testing::CheckGolden("digest-national-en.csv", RenderCsv(Make(f, en)));
}

TEST_CASE("The digest CSV opens in spreadsheets: BOM, one row per flagged ad, quoted cells", "[export][writers]") {
  FixtureStore f;
  const Digest d = Make(f, testing::National());
  const std::string csv = RenderCsv(d);
  REQUIRE(csv.rfind("\xEF\xBB\xBF", 0) == 0);
  CHECK(csv.find("Hari;Skor;Tingkat risiko;Judul;") == 3);
  size_t records = 0;
  bool quoted = false;
  for (size_t i = 3; i < csv.size(); ++i) {
    if (csv[i] == '"') quoted = !quoted;
    if (!quoted && csv[i] == '\n') ++records;
  }
  CHECK(records == 1 + d.rows.size());
  // Markup in an ad is kept as text in a cell, never dropped or interpreted.
  CHECK(csv.find("<script>document.body.setAttribute('data-pwned','1')</script>") != std::string::npos);
  // Contacts are written as text, not numbers.
  CHECK(csv.find("WhatsApp +6281234567890") != std::string::npos);

  Digest hand = d;
  hand.rows.resize(1);
  hand.rows[0].title = "=HYPERLINK(\"http://evil.example\";\"klik\")";
  const std::string one = RenderCsv(hand);
  CHECK(one.find(";\"'=HYPERLINK(\"\"http://evil.example\"\";\"\"klik\"\")\";") != std::string::npos);
}

TEST_CASE("The HTML digest escapes every ad field and loads nothing from outside", "[export][writers]") {
  FixtureStore f;
  const std::string html = RenderHtmlDigest(Make(f, testing::National()));
  const std::string lower = Lower(html);
  // No markup from an ad survives as markup.
  CHECK(lower.find("<script") == std::string::npos);
  CHECK(lower.find("<img") == std::string::npos);
  CHECK(lower.find("<b>myawaddy") == std::string::npos);
  CHECK(html.find("&lt;script&gt;document.body.setAttribute(&#39;data-pwned&#39;,&#39;1&#39;)&lt;/script&gt;") !=
        std::string::npos);
  // The hostile URL is a link whose attribute cannot be broken out of.
  CHECK(html.find("href=\"https://evil.example/loker?a=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"") !=
        std::string::npos);
  // Self-contained: a policy that forbids scripts and outside resources, and no such resources.
  CHECK(html.find("Content-Security-Policy\" content=\"default-src 'none'") != std::string::npos);
  CHECK(lower.find(" src=") == std::string::npos);
  CHECK(lower.find("<link") == std::string::npos);
  CHECK(lower.find("@import") == std::string::npos);
  CHECK(lower.find("url(") == std::string::npos);
  // Every section, in order.
  size_t at = 0;
  for (const char* id : {"summary", "trend", "flagged", "networks", "top", "notices", "about"}) {
    const size_t found = html.find(std::string("id=\"") + id + "\"");
    INFO(id);
    REQUIRE(found != std::string::npos);
    CHECK(found > at);
    at = found;
  }
  // Charts are inline SVG.
  CHECK(html.find("<svg class=\"chart\" role=\"img\" viewBox=\"0 0 600 230\"") != std::string::npos);
  CHECK(html.find("16 Nov 1 · 17 Nov 2 · 18 Nov 1 · 19 Nov 2 · 20 Nov 1 · 21 Nov 1 · 22 Nov 4.") != std::string::npos);
  // The evidence sentence highlights the matched words.
  CHECK(html.find("<mark>Phnom Penh</mark>") != std::string::npos);
}

TEST_CASE("Only http and https links are written as links", "[export][writers]") {
  FixtureStore f;
  Digest d = Make(f, testing::National());
  d.rows[0].url = "javascript:alert(document.cookie)";
  const std::string html = RenderHtmlDigest(d);
  CHECK(html.find("href=\"javascript:") == std::string::npos);
  CHECK(html.find("tautan tidak aman") != std::string::npos);
}

TEST_CASE("The JSON digest is valid JSON with every section", "[export][writers]") {
  FixtureStore f;
  const auto j = nlohmann::json::parse(RenderJson(Make(f, testing::Kepri())));
  CHECK(j["format"] == "adwatch-digest");
  CHECK(j["subscription"] == "kepri");
  CHECK(j["regions"][0]["id"] == "id.kepri");
  CHECK(j["today"]["flagged"] == 1);
  CHECK(j["ads"].size() == 1);
  CHECK(j["ads"][0]["contacts"][0] == "whatsapp:+6281234567890");
  CHECK(j["trend"].size() == 30);
  CHECK(j["distress"].size() == 1);
  CHECK(j["networks"].size() == 1);
  CHECK(j.contains("top"));
}

TEST_CASE("WriteDigestFiles writes the three files under the digest's stem", "[export][writers]") {
  FixtureStore f;
  const Digest d = Make(f, testing::Kepri());
  const std::string dir = f.path() + "/out/nested";
  auto files = WriteDigestFiles(d, dir);
  REQUIRE(files);
  CHECK(files->html == dir + "/adwatch-digest-2026-11-22-kepri.html");
  CHECK(testing::Slurp(files->csv) == RenderCsv(d));
  CHECK(testing::Slurp(files->json) == RenderJson(d));
  CHECK(testing::Slurp(files->html) == RenderHtmlDigest(d));
  for (const auto& e : std::filesystem::directory_iterator(dir)) CHECK(e.path().extension() != ".tmp");
  // A folder that cannot be created is an IOError naming it.
  auto bad = WriteDigestFiles(d, files->html + "/sub");
  REQUIRE(!bad);
  CHECK(bad.error().code() == Status::Code::kIOError);
}

TEST_CASE("The mail subject and text summarise the digest", "[export][writers]") {
  FixtureStore f;
  const Digest d = Make(f, testing::Kepri());
  CHECK(MailSubject(d) == "[adwatch] Gugus Tugas TPPO Provinsi Kepulauan Riau 2026-11-22: 1 iklan ditandai (1 risiko tinggi)");
  const std::string text = PlainTextSummary(d);
  CHECK(text.find("Minggu, 22 November 2026") != std::string::npos);
  CHECK(text.find("88 tinggi — Admin CS ke Kamboja, gaji 15 juta") != std::string::npos);
  CHECK(text.find("WhatsApp +6281234567890") != std::string::npos);
}

}  // namespace
}  // namespace adwatch::exporter
