#include "adwatch/extract/extract.h"

#include <curl/curl.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "adwatch/common/json.h"
#include "big_page.h"

namespace {

using adwatch::AdCandidate;
using adwatch::CandidateOrigin;
using adwatch::FetchResult;
using adwatch::Link;
using adwatch::Page;
using adwatch::SourceKind;
using adwatch::extract::Extract;
using adwatch::extract::ExtractOptions;
using adwatch::extract::Extractor;
using Catch::Contains;
using Catch::StartsWith;

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(ADWATCH_TEST_DATA) + "/html/" + name, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

FetchResult Fetched(std::string body, std::string url, SourceKind kind = SourceKind::kGeneric,
                    std::string content_type = "text/html") {
  FetchResult r;
  r.requested_url = url;
  r.final_url = std::move(url);
  r.source = "test-source";
  r.source_kind = kind;
  r.http_status = 200;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

Page MustExtract(const FetchResult& fetch, const ExtractOptions& options = {}) {
  auto page = Extract(fetch, options);
  REQUIRE(page.has_value());
  return std::move(page).value();
}

Page ExtractFixture(const std::string& name, const std::string& url, SourceKind kind = SourceKind::kGeneric) {
  return MustExtract(Fetched(ReadFixture(name), url, kind));
}

bool HasLink(const std::vector<Link>& links, const std::string& url) {
  for (const Link& l : links) {
    if (l.url == url) return true;
  }
  return false;
}

const Link* FindLink(const std::vector<Link>& links, const std::string& url) {
  for (const Link& l : links) {
    if (l.url == url) return &l;
  }
  return nullptr;
}

bool HasProblem(const Page& page, const std::string& fragment) {
  for (const std::string& p : page.problems) {
    if (p.find(fragment) != std::string::npos) return true;
  }
  return false;
}

bool ValidUtf8(const std::string& s) {
  // Invalid UTF-8 would be replaced when serialising; equal output means none was there.
  const nlohmann::json j = s;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) ==
         j.dump(-1, ' ', false, nlohmann::json::error_handler_t::ignore);
}

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Structured data

TEST_CASE("A job board's JSON-LD JobPosting becomes a candidate with its structured fields", "[extract]") {
  const Page page = ExtractFixture("jobboard_jsonld.html", "https://lokerkita.example/lowongan/cs-kamboja-48213");
  REQUIRE(page.candidates.size() == 1);
  const AdCandidate& ad = page.candidates[0];
  CHECK(ad.origin == CandidateOrigin::kJsonLd);
  CHECK(ad.source == "test-source");
  CHECK(ad.title == "Customer Service (Penempatan Kamboja)");
  CHECK(ad.url == "https://lokerkita.example/lowongan/cs-kamboja-48213");
  CHECK(ad.post_id == "48213");
  CHECK(ad.employer == "Golden Star Digital Co., Ltd");
  CHECK(ad.employer_url == "https://goldenstar-digital.example/");
  CHECK(ad.posted_at == "2024-05-02");
  CHECK(ad.valid_through == "2024-05-09T23:59");
  CHECK(ad.employment_type == "FULL_TIME, CONTRACTOR");
  CHECK(ad.lang == "id");
  REQUIRE(ad.locations.size() == 1);
  CHECK(ad.locations[0].locality == "Phnom Penh");
  CHECK(ad.locations[0].country == "KH");
  REQUIRE(ad.salary.has_value());
  CHECK(ad.salary->min == 15000000);
  CHECK(ad.salary->max == 25000000);
  CHECK(ad.salary->currency == "IDR");
  CHECK(ad.salary->period == "month");
  CHECK_FALSE(ad.salary->open_ended);
  // The description's HTML is gone; its blocks are lines and its entities decoded.
  CHECK_THAT(ad.text, StartsWith("Dibutuhkan segera Customer Service untuk perusahaan online di Phnom Penh."));
  CHECK_THAT(ad.text, Contains("\nPria/Wanita usia 18\xE2\x80\x93" "35 tahun\nBisa mengetik cepat\n"));
  CHECK_THAT(ad.text, Contains("Tidak perlu pengalaman & ijazah"));
  CHECK(ad.text.find('<') == std::string::npos);
  CHECK(HasLink(ad.links, "https://wa.me/6281234567890"));
  CHECK(Contains(ad.page_types, "JobPosting"));
  CHECK(Contains(ad.page_types, "website"));  // og:type
  CHECK(page.problems.empty());
}

TEST_CASE("The page itself: title, lang, canonical, meta, OpenGraph, text without boilerplate", "[extract]") {
  const Page page = ExtractFixture("jobboard_jsonld.html", "https://lokerkita.example/lowongan/cs-kamboja-48213");
  CHECK(page.url == "https://lokerkita.example/lowongan/cs-kamboja-48213");
  CHECK(page.title == "Lowongan Customer Service (Penempatan Kamboja) - LokerKita");
  CHECK(page.lang == "id");
  CHECK(page.charset == "utf-8");
  CHECK(page.canonical == "https://lokerkita.example/lowongan/cs-kamboja-48213?utm_source=share");
  CHECK_THAT(page.meta_description, StartsWith("Lowongan Customer Service penempatan Phnom Penh"));
  CHECK(page.open_graph.at("og:title") == "Customer Service (Penempatan Kamboja)");
  CHECK(page.open_graph.at("og:url") == "https://lokerkita.example/lowongan/cs-kamboja-48213");
  CHECK(page.open_graph.at("twitter:card") == "summary");
  CHECK_THAT(page.text, StartsWith("Customer Service (Penempatan Kamboja)\n"));
  CHECK_THAT(page.text, Contains("Rp 15.000.000 \xE2\x80\x93 Rp 25.000.000 / bulan"));
  // Cookie banner, site navigation, breadcrumb, related-jobs aside, footer, scripts, styles and
  // hidden elements are not page text.
  for (const char* absent : {"cookie", "Cari Lowongan", "Beranda", "Lowongan serupa", "Kebijakan privasi",
                             "dataLayer", "font-family", "kode-internal-pelacakan"}) {
    CHECK(page.text.find(absent) == std::string::npos);
  }
  // Their links are still collected, resolved against the page URL.
  CHECK(HasLink(page.links, "https://lokerkita.example/cari"));
  const Link* apply = FindLink(page.links, "https://lokerkita.example/lowongan/apply?job=48213");
  REQUIRE(apply != nullptr);
  CHECK(apply->text == "Lamar Sekarang");
  CHECK(apply->rel == "nofollow");
}

TEST_CASE("JSON-LD arrays, @graph with @id references, nested and wrapped blocks all yield postings",
          "[extract]") {
  const Page page = ExtractFixture("jsonld_variants.html", "https://kerjaluar.example/jobs/index.html");
  REQUIRE(page.candidates.size() == 5);
  for (const AdCandidate& ad : page.candidates) CHECK(ad.origin == CandidateOrigin::kJsonLd);

  // A top-level array: two postings; a relative url resolved against <base href>.
  const AdCandidate& operator_ad = page.candidates[0];
  CHECK(operator_ad.title == "Factory Operator");
  CHECK(operator_ad.url == "https://kerjaluar.example/jobs/operator-penang-991");
  CHECK(operator_ad.employer == "Sinar Elektronik Sdn Bhd");
  CHECK(operator_ad.text == "Packing and quality control in an electronics factory.\nShift work, overtime paid.");
  REQUIRE(operator_ad.locations.size() == 1);
  CHECK(operator_ad.locations[0].country == "Malaysia");
  REQUIRE(operator_ad.salary.has_value());
  CHECK(operator_ad.salary->min == 1800);
  CHECK(operator_ad.salary->max == 1800);
  const AdCandidate& hotel = page.candidates[1];
  CHECK(hotel.employer_url == "https://andaman-breeze.example/");
  REQUIRE(hotel.locations.size() == 2);
  CHECK(hotel.locations[1].locality == "Krabi, Thailand");
  REQUIRE(hotel.salary.has_value());
  CHECK(hotel.salary->min == 12000);  // "12,000" as text, only a minimum: open-ended
  CHECK(hotel.salary->open_ended);

  // @graph: hiringOrganization is an {"@id"} reference to another member.
  const AdCandidate& remote = page.candidates[2];
  CHECK(remote.title == "Data Entry Online (Kerja dari Rumah)");
  CHECK(remote.employer == "Global Mitra Sukses");
  CHECK(remote.employer_url == "https://globalmitra.example/");
  CHECK(remote.text == "Kerja santai dari rumah, gaji harian.\nDeposit pendaftaran Rp 250.000.");
  REQUIRE(remote.salary.has_value());
  CHECK(remote.salary->period == "day");
  REQUIRE(remote.locations.size() == 1);
  CHECK(remote.locations[0].country == "Indonesia");

  // CDATA wrapper, a raw line break inside a string, entity-escaped HTML, salary as text.
  const AdCandidate& waiter = page.candidates[3];
  CHECK(waiter.title == "Pelayan Restoran");
  CHECK(waiter.post_id == "KL-5521");
  CHECK(waiter.text == "Restoran di Kuala Lumpur membutuhkan pelayan.\n\nGaji dibayar tiap bulan.");
  REQUIRE(waiter.salary.has_value());
  CHECK(waiter.salary->min == 8500000);

  // A posting nested as mainEntity of a WebPage.
  CHECK(page.candidates[4].title == "Sopir Pribadi");
  CHECK(page.candidates[4].locations.at(0).country == "SG");

  // Block 4 is broken: recorded, and the others were still read.
  REQUIRE(page.problems.size() == 1);
  CHECK_THAT(page.problems[0], StartsWith("json-ld block 4: parse error"));
  CHECK(Contains(page.candidates[0].page_types, "WebPage"));
}

TEST_CASE("Postings that share the page URL get distinct post ids", "[extract]") {
  const Page page = ExtractFixture("jsonld_variants.html", "https://kerjaluar.example/jobs/index.html");
  REQUIRE(page.candidates.size() == 5);
  // Three postings have neither url nor identifier: their ids carry their position.
  CHECK(page.candidates[2].url == "https://kerjaluar.example/jobs/index.html");
  CHECK(page.candidates[2].post_id == "#3");
  CHECK(page.candidates[4].post_id == "#5");
  CHECK(page.candidates[3].post_id == "KL-5521");
}

TEST_CASE("A microdata JobPosting becomes a candidate", "[extract]") {
  const Page page = ExtractFixture("jobboard_microdata.html", "https://carikerja.example/lowongan/admin-gudang-1");
  REQUIRE(page.candidates.size() == 1);
  const AdCandidate& ad = page.candidates[0];
  CHECK(ad.origin == CandidateOrigin::kMicrodata);
  CHECK(ad.title == "Admin Gudang");
  CHECK(ad.employer == "PT Sinar Logistik Nusantara");
  CHECK(ad.employer_url == "https://sinarlogistik.example/");
  CHECK(ad.posted_at == "2024-05-01");
  CHECK(ad.valid_through == "2024-05-31");
  CHECK(ad.employment_type == "FULL_TIME");
  REQUIRE(ad.locations.size() == 1);
  CHECK(ad.locations[0].locality == "Kabupaten Bekasi");
  CHECK(ad.locations[0].region == "Jawa Barat");
  CHECK(ad.locations[0].country == "ID");
  REQUIRE(ad.salary.has_value());
  CHECK(ad.salary->min == 5200000);
  CHECK(ad.salary->max == 6000000);
  CHECK(ad.salary->currency == "IDR");
  CHECK(ad.salary->period == "month");
  CHECK(ad.text == "Tanggung jawab:\n\nMencatat barang masuk dan keluar\nMembuat laporan stok mingguan\n\n"
                   "Kirim lamaran ke hrd@sinarlogistik.example.");
  CHECK(ad.page_types == std::vector<std::string>{"JobPosting"});
}

TEST_CASE("A posting in both JSON-LD and microdata is one candidate", "[extract]") {
  const std::string html =
      "<html><head><script type='application/ld+json'>{\"@type\":\"JobPosting\",\"title\":\"Kasir\","
      "\"description\":\"Kasir toko\"}</script></head><body>"
      "<div itemscope itemtype='http://schema.org/JobPosting'><h1 itemprop='title'>Kasir</h1>"
      "<p itemprop='description'>Kasir toko</p></div></body></html>";
  const Page page = MustExtract(Fetched(html, "https://toko.example/kasir"));
  REQUIRE(page.candidates.size() == 1);
  CHECK(page.candidates[0].origin == CandidateOrigin::kJsonLd);
}

// ---------------------------------------------------------------------------------------------
// Listing and detail pages

TEST_CASE("A page the source's patterns call a listing yields links and the next page only", "[extract]") {
  ExtractOptions options;
  options.sources.push_back({"test-source", {R"(/luar-negeri(\?page=\d+)?$)"}, {R"(/lowongan/[a-z0-9-]+$)"}});
  const Page page = MustExtract(Fetched(ReadFixture("jobboard_listing.html"), "https://lokerkita.example/luar-negeri"),
                                options);
  CHECK(page.candidates.empty());
  CHECK(page.next_page == "https://lokerkita.example/luar-negeri?page=2");
  CHECK(HasLink(page.links, "https://lokerkita.example/lowongan/cs-kamboja-48213"));
  CHECK(HasLink(page.links, "https://lokerkita.example/lowongan/relatif-48001"));
  CHECK(HasLink(page.links, "https://cdn.lokerkita.example/promo"));
  // The same ad linked twice is one link, with the first anchor's text.
  int count = 0;
  for (const Link& l : page.links) count += l.url == "https://lokerkita.example/lowongan/cs-kamboja-48213";
  CHECK(count == 1);
  CHECK(FindLink(page.links, "https://lokerkita.example/lowongan/cs-kamboja-48213")->text ==
        "Customer Service (Penempatan Kamboja)");

  // The same source's detail page is read for candidates.
  const Page detail = MustExtract(
      Fetched(ReadFixture("jobboard_jsonld.html"), "https://lokerkita.example/lowongan/cs-kamboja-48213"), options);
  CHECK(detail.candidates.size() == 1);
  // With ad patterns set, a page matching neither list is a listing too.
  const Page other = MustExtract(Fetched(ReadFixture("classifieds_ad.html"), "https://lokerkita.example/tentang"),
                                 options);
  CHECK(other.candidates.empty());
  // Another source's pages are not affected.
  FetchResult elsewhere = Fetched(ReadFixture("jobboard_listing.html"), "https://lokerkita.example/luar-negeri");
  elsewhere.source = "another-source";
  CHECK(MustExtract(elsewhere, options).candidates.size() == 1);
}

TEST_CASE("Links: base, relative forms, fragments, scripts, contact schemes, odd bytes", "[extract]") {
  const std::string html =
      "<html><head><base href='https://jobs.example.com/id/'></head><body>"
      "<a href='lowongan/1'>one</a> <a href='/abs'>root</a> <a href='../up'>up</a> <a href='?page=3'>q</a>"
      "<a href='//cdn.example.org/x'>proto</a> <a href='#top'>frag</a> <a href='javascript:void(0)'>js</a>"
      "<a href='data:text/html,x'>data</a> <a href='mailto:hrd@example.com'>mail</a>"
      "<a href='tel:+62-812-3456-7890'>tel</a> <a href='https://wa.me/6281234567890'>wa</a>"
      "<a href=' /spaced path/caf\xC3\xA9 '>odd</a> <a href='/a/./b/../c'>dots</a> <a href=''>empty</a>"
      "<a href='HTTPS://Other.Example/Path'>upper</a></body></html>";
  const Page page = MustExtract(Fetched(html, "https://jobs.example.com/en/page.html"));
  std::vector<std::string> urls;
  for (const Link& l : page.links) urls.push_back(l.url);
  CHECK(urls == std::vector<std::string>{
                    "https://jobs.example.com/id/lowongan/1", "https://jobs.example.com/abs",
                    "https://jobs.example.com/up", "https://jobs.example.com/id/?page=3",
                    "https://cdn.example.org/x", "mailto:hrd@example.com", "tel:+62-812-3456-7890",
                    "https://wa.me/6281234567890", "https://jobs.example.com/spaced%20path/caf%C3%A9",
                    "https://jobs.example.com/a/c", "https://Other.Example/Path"});
}

TEST_CASE("Resolved links are exactly what curl's URL API gives", "[extract]") {
  // Extract takes shortcuts for plain absolute and root-relative URLs; they must not differ.
  const char* const base = "https://Jobs.Example.com:8443/lowongan/admin/12345?ref=home";
  const char* const hrefs[] = {"/lowongan/kasir-99", "https://other.example.org/a/b?c=d#e", "../x.html",
                               "?page=2", "/p?a=1&b=2#frag", "https://user:pw@x.example:8080/p",
                               "https://x.example/%7Euser/%41", "/%zz", "http://[::1]/x", "x/y/../z",
                               "https://x.example/p/../q", "/a/./b"};
  std::string html = "<html><body>";
  for (const char* h : hrefs) html += std::string("<a href='") + h + "'>x</a>";
  html += "</body></html>";
  const Page page = MustExtract(Fetched(html, base));
  CURLU* b = curl_url();
  REQUIRE(curl_url_set(b, CURLUPART_URL, base, 0) == CURLUE_OK);
  for (const char* h : hrefs) {
    CURLU* u = curl_url_dup(b);
    REQUIRE(curl_url_set(u, CURLUPART_URL, h, 0) == CURLUE_OK);
    char* out = nullptr;
    REQUIRE(curl_url_get(u, CURLUPART_URL, &out, 0) == CURLUE_OK);
    INFO(h);
    CHECK(HasLink(page.links, out));
    curl_free(out);
    curl_url_cleanup(u);
  }
  curl_url_cleanup(b);
}

// ---------------------------------------------------------------------------------------------
// Channel pages

TEST_CASE("A Telegram channel page becomes one candidate per post", "[extract][channel]") {
  const Page page =
      ExtractFixture("telegram_channel.html", "https://t.me/s/infoloker_contoh", SourceKind::kChannelPreview);
  REQUIRE(page.candidates.size() == 5);
  for (const AdCandidate& ad : page.candidates) {
    CHECK(ad.origin == CandidateOrigin::kChannelPost);
    CHECK_THAT(ad.url, StartsWith("https://t.me/infoloker_contoh/"));
  }
  CHECK(page.next_page == "https://t.me/s/infoloker_contoh?before=101");
  CHECK(page.canonical == "https://t.me/s/infoloker_contoh");

  const AdCandidate& first = page.candidates[0];
  CHECK(first.post_id == "infoloker_contoh/101");
  CHECK(first.url == "https://t.me/infoloker_contoh/101");
  CHECK(first.posted_at == "2024-05-01T08:15:00+00:00");
  CHECK(first.views == 987);
  CHECK(first.author == "Info Loker Luar Negeri");
  CHECK(first.text ==
        "\xF0\x9F\x94\xA5 LOWONGAN ADMIN KASINO ONLINE\n\nPenempatan: Sihanoukville, Kamboja\nGaji: 1000 USD/bulan\n"
        "Tiket & visa ditanggung!\n\nMinat? Chat WA 0812-3456-7890\n#lokerkamboja");
  REQUIRE(first.links.size() == 2);
  CHECK(first.links[0].url == "https://wa.me/6281234567890");
  CHECK(first.links[0].text == "0812-3456-7890");
  CHECK(first.links[1].url == "https://t.me/s/infoloker_contoh?q=%23lokerkamboja");

  // A link preview: its link joins the post's, its text follows the post text.
  const AdCandidate& preview = page.candidates[1];
  CHECK(preview.views == 1200);
  CHECK(HasLink(preview.links, "https://kerjaluar.example/jobs/operator-penang-991"));
  CHECK_THAT(preview.text, Contains("klik link di bawah:\nhttps://kerjaluar.example/jobs/operator-penang-991\n\n"
                                    "KerjaLuar Board\nFactory Operator \xE2\x80\x93 Penang\n"
                                    "Packing and quality control."));

  // A forwarded post signed by an admin.
  const AdCandidate& forwarded = page.candidates[2];
  CHECK(forwarded.forwarded_from == "Rekrut Cepat Asia");
  CHECK(forwarded.author == "Admin Rina");
  CHECK(forwarded.views == 3400000);
  CHECK_THAT(forwarded.text, StartsWith("Dicari 20 orang operator komputer untuk Myawaddy."));

  // A reply: the quoted message is neither its text nor its author.
  const AdCandidate& reply = page.candidates[3];
  CHECK(reply.text == "Masih buka kak, kuota tinggal 5. DM admin ya.");
  CHECK(reply.author == "Info Loker Luar Negeri");
  CHECK(reply.views == 15000);

  // A post without a view counter or owner line.
  CHECK(page.candidates[4].views == -1);
  CHECK(page.candidates[4].author == "infoloker_contoh");
  CHECK(page.problems.empty());
}

TEST_CASE("Channel selectors come from the options", "[extract][channel]") {
  const std::string html =
      "<html><body><div class='post card' data-msg='kanal/7'><div class='body'>Lowongan <b>kapal</b></div>"
      "<span class='seen'>2.5K</span><time datetime='2024-01-02T03:04:05Z'>x</time></div>"
      "<a class='older' older-than='7' href='/s/kanal?before=7'>lagi</a></body></html>";
  ExtractOptions options;
  options.channel.post_class = "post";
  options.channel.post_id_attribute = "data-msg";
  options.channel.permalink_prefix = "https://chat.example/";
  options.channel.text_class = "body";
  options.channel.views_class = "seen";
  options.channel.more_class = "older";
  options.channel.more_before_attribute = "older-than";
  const Page page = MustExtract(Fetched(html, "https://chat.example/s/kanal"), options);
  REQUIRE(page.candidates.size() == 1);
  CHECK(page.candidates[0].url == "https://chat.example/kanal/7");
  CHECK(page.candidates[0].text == "Lowongan kapal");
  CHECK(page.candidates[0].views == 2500);
  CHECK(page.candidates[0].posted_at == "2024-01-02T03:04:05Z");
  CHECK(page.next_page == "https://chat.example/s/kanal?before=7");
}

TEST_CASE("A channel page without posts is recorded, not read as one ad", "[extract][channel]") {
  const Page page = MustExtract(Fetched("<html><body><h1>Channel</h1><a href='/x'>View in Telegram</a></body></html>",
                                        "https://t.me/s/kosong", SourceKind::kChannelPreview));
  CHECK(page.candidates.empty());
  CHECK(HasProblem(page, "channel page without posts"));
}

// ---------------------------------------------------------------------------------------------
// Pages without structured data

TEST_CASE("A classifieds ad without structured data yields one candidate from its main text", "[extract]") {
  const Page page = ExtractFixture("classifieds_ad.html", "https://iklanbaris.example/iklan/lowongan/dicari-tkw-malaysia-77120");
  REQUIRE(page.candidates.size() == 1);
  const AdCandidate& ad = page.candidates[0];
  CHECK(ad.origin == CandidateOrigin::kMainText);
  CHECK(ad.title == "Dicari TKW ke Malaysia, Proses Cepat");
  CHECK(ad.url == "https://iklanbaris.example/iklan/lowongan/dicari-tkw-malaysia-77120");
  CHECK_THAT(ad.text, StartsWith("Dicari TKW ke Malaysia, Proses Cepat\n\nLokasi Malang, Jawa Timur\nGaji RM 1.500 / bulan"));
  CHECK_THAT(ad.text, Contains("Tanpa biaya, tanpa potong gaji. Paspor & tiket diurus agen.\nBerangkat lewat Batam.\n\n"
                               "Hubungi Ibu Sari: 0812 3456 7890 (WA) atau LINE: sari_agen_contoh"));
  CHECK(HasLink(ad.links, "https://wa.me/6281234567890?text=Halo%20saya%20minat"));
  CHECK_FALSE(HasLink(ad.links, "https://iklanbaris.example/pasang-iklan"));  // top bar
  for (const char* absent : {"cookie", "Pasang Iklan", "Beranda", "Template content", "Aktifkan JavaScript",
                             "teks tersembunyi", "ikon dekoratif", "Iklan lain", "Hak cipta"}) {
    INFO(absent);
    CHECK(page.text.find(absent) == std::string::npos);
  }
  CHECK(ad.page_types == std::vector<std::string>{"product"});
  CHECK(page.meta_description == "Lowongan pembantu rumah tangga ke Malaysia, proses 2 minggu, tanpa biaya.");
}

TEST_CASE("A news article carries its types, headline, date and author for the classifier", "[extract]") {
  const Page page = ExtractFixture("news_article.html", "https://berita.example.org/2024/05/03/waspada");
  REQUIRE(page.candidates.size() == 1);
  const AdCandidate& ad = page.candidates[0];
  CHECK(ad.origin == CandidateOrigin::kMainText);
  CHECK(ad.page_types == std::vector<std::string>{"NewsArticle", "article"});
  CHECK(ad.title == "Waspada Lowongan Kerja Palsu ke Kamboja, 12 WNI Dipulangkan");
  CHECK(ad.posted_at == "2024-05-03T09:00:00+07:00");
  CHECK(ad.author == "Redaksi Berita Contoh");
  // The text is the article: no menu, no "most read" aside.
  CHECK_THAT(ad.text, StartsWith("Waspada Lowongan Kerja Palsu ke Kamboja, 12 WNI Dipulangkan\n\nRedaksi Berita Contoh"));
  CHECK_THAT(ad.text, Contains("Laporkan tawaran mencurigakan ke hotline resmi."));
  CHECK(ad.text.find("Harga cabai") == std::string::npos);
  CHECK(ad.text.find("Internasional") == std::string::npos);
}

TEST_CASE("A social post behind a login wall yields its og:description", "[extract]") {
  const Page page = ExtractFixture("social_login_wall.html", "https://social.example/groups/lokerln/posts/123456789/",
                                   SourceKind::kSocialPost);
  REQUIRE(page.candidates.size() == 1);
  const AdCandidate& ad = page.candidates[0];
  CHECK(ad.origin == CandidateOrigin::kOpenGraph);
  CHECK_THAT(ad.text, StartsWith("Dibutuhkan operator komputer ke Thailand. Gaji 20 juta"));
  CHECK_THAT(ad.title, StartsWith("Grup Loker Luar Negeri"));
  CHECK(ad.url == "https://social.example/groups/lokerln/posts/123456789/");

  // A known social host needs no source kind; without og:description the main text is used.
  const Page by_host = MustExtract(Fetched(ReadFixture("social_login_wall.html"), "https://m.facebook.com/story.php?id=1"));
  REQUIRE(by_host.candidates.size() == 1);
  CHECK(by_host.candidates[0].origin == CandidateOrigin::kOpenGraph);
  const Page no_og = MustExtract(Fetched("<html><body><p>Lowongan kerja</p></body></html>",
                                         "https://www.instagram.com/p/abc/"));
  REQUIRE(no_og.candidates.size() == 1);
  CHECK(no_og.candidates[0].origin == CandidateOrigin::kMainText);
}

TEST_CASE("Broken nesting and unclosed tags lose no text and no links", "[extract]") {
  const Page page = ExtractFixture("broken_nesting.html", "https://lokercepat.example/info/batam");
  CHECK(page.title == "Loker Cepat & Mudah");
  for (const char* present : {"Lowongan Operator Produksi Batam", "Gaji 4,5 jt", "Pria usia 18-30", "Sehat jasmani",
                              "Tinggi min 160 cm", "Tidak buta warna", "Siap daftar sekarang",
                              "Hubungi: 0812-3456-7890", "Isi formulir di sini", "<script> bukan tag",
                              "Akhir halaman tanpa penutup"}) {
    INFO(present);
    CHECK(page.text.find(present) != std::string::npos);
  }
  CHECK(page.text.find("tidak terlihat") == std::string::npos);  // written by a script
  CHECK(page.text.find("komentar") == std::string::npos);
  CHECK(HasLink(page.links, "https://lokercepat.example/daftar?id=5"));
  CHECK(HasLink(page.links, "https://lokercepat.example/info/formulir.html"));
  REQUIRE(page.candidates.size() == 1);
  CHECK(page.problems.empty());
}

// ---------------------------------------------------------------------------------------------
// Charsets

TEST_CASE("A windows-1252 page that declares nothing is detected and decoded", "[extract][charset]") {
  const Page page = ExtractFixture("win1252_undeclared.html", "https://kafe.example/jobs");
  CHECK(page.charset == "windows-1252");
  CHECK(page.title == "Caf\xC3\xA9 staff wanted \xE2\x80\x93 \xE2\x80\x9CGood pay\xE2\x80\x9D");
  CHECK_THAT(page.text, Contains("salary \xE2\x82\xAC" "500 per month"));
  CHECK_THAT(page.text, Contains("r\xC3\xA9sum\xC3\xA9"));
  CHECK(ValidUtf8(page.text));
}

TEST_CASE("UTF-16 pages are decoded: by BOM, or by the header", "[extract][charset]") {
  const Page page = ExtractFixture("utf16le.html", "https://perawat.example/jp");
  CHECK(page.charset == "utf-16le");
  CHECK(page.title == "Lowongan Perawat \xE2\x80\x93 Jepang \xE6\x97\xA5\xE6\x9C\xAC");
  CHECK_THAT(page.text, Contains("gaji \xC2\xA5" "180.000 per bulan"));

  // The same document as UTF-16BE without BOM, named by the Content-Type header.
  const std::string le = ReadFixture("utf16le.html").substr(2);
  std::string be(le.size(), '\0');
  for (size_t i = 0; i + 1 < le.size(); i += 2) {
    be[i] = le[i + 1];
    be[i + 1] = le[i];
  }
  const Page from_header = MustExtract(Fetched(be, "https://perawat.example/jp", SourceKind::kGeneric,
                                               "text/html; charset=UTF-16BE"));
  CHECK(from_header.charset == "utf-16be");
  CHECK(from_header.title == page.title);
  // And without any declaration, from the zero bytes of its ASCII markup.
  const Page sniffed = MustExtract(Fetched(be, "https://perawat.example/jp", SourceKind::kGeneric, ""));
  CHECK(sniffed.charset == "utf-16be");
  CHECK(sniffed.title == page.title);
}

TEST_CASE("Charset order: BOM, then Content-Type, then <meta>", "[extract][charset]") {
  // "caf\xE9" is café in windows-1252 and ISO-8859-15; "\xA4" is ¤ in one and € in the other.
  const std::string latin = "<html><head><meta charset='iso-8859-15'><title>caf\xE9 \xA4</title></head></html>";
  CHECK(MustExtract(Fetched(latin, "https://a.example/", SourceKind::kGeneric, "text/html")).title ==
        "caf\xC3\xA9 \xE2\x82\xAC");
  CHECK(MustExtract(Fetched(latin, "https://a.example/", SourceKind::kGeneric, "text/html; charset=\"windows-1252\""))
            .title == "caf\xC3\xA9 \xC2\xA4");
  const std::string http_equiv =
      "<html><head><meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-15'>"
      "<title>\xA4</title></head></html>";
  const Page by_meta = MustExtract(Fetched(http_equiv, "https://a.example/", SourceKind::kGeneric, ""));
  CHECK(by_meta.title == "\xE2\x82\xAC");
  CHECK(by_meta.charset == "iso-8859-15");
  // A UTF-8 BOM beats a header that says otherwise.
  const std::string bom = "\xEF\xBB\xBF<title>caf\xC3\xA9</title>";
  const Page with_bom = MustExtract(Fetched(bom, "https://a.example/", SourceKind::kGeneric, "text/html; charset=windows-1252"));
  CHECK(with_bom.title == "caf\xC3\xA9");
  CHECK(with_bom.charset == "utf-8");
}

TEST_CASE("A declaration the bytes contradict is overruled and recorded", "[extract][charset]") {
  // Declared UTF-8, written in windows-1252.
  const std::string cp1252 =
      "<html><head><meta charset='utf-8'><title>Lowongan \x93kafe\x94 \x96 gaji \x80" "500</title></head>"
      "<body><p>Pelayan caf\xE9 dibutuhkan segera di Kuala Lumpur.</p></body></html>";
  const Page a = MustExtract(Fetched(cp1252, "https://a.example/", SourceKind::kGeneric, ""));
  CHECK(a.charset == "windows-1252");
  CHECK(a.title == "Lowongan \xE2\x80\x9Ckafe\xE2\x80\x9D \xE2\x80\x93 gaji \xE2\x82\xAC" "500");
  CHECK(HasProblem(a, "says utf-8 but the bytes are not"));
  // Declared ISO-8859-1, written in UTF-8.
  const std::string utf8 = "<html><head><title>Caf\xC3\xA9 \xE2\x80\x93 Jepang</title></head></html>";
  const Page b = MustExtract(Fetched(utf8, "https://a.example/", SourceKind::kGeneric, "text/html; charset=ISO-8859-1"));
  CHECK(b.charset == "utf-8");
  CHECK(b.title == "Caf\xC3\xA9 \xE2\x80\x93 Jepang");
  CHECK(HasProblem(b, "but the bytes are valid utf-8"));
}

TEST_CASE("Invalid UTF-8 is replaced, and every string out is valid UTF-8", "[extract][charset]") {
  const std::string html =
      "<html><head><meta charset='utf-8'><title>Gaji \xC3\xA9 \xFF\xFE 15jt \xE2\x82</title></head>"
      "<body><p>Kerja di Jepang \xE6\x97\xA5\xE6\x9C\xAC \xC0\xAF overlong \xED\xA0\x80 surrogate</p>"
      "<script type='application/ld+json'>{\"@type\":\"JobPosting\",\"title\":\"A\xFF" "B\"}</script></body></html>";
  const Page page = MustExtract(Fetched(html, "https://a.example/"));
  CHECK(page.charset == "utf-8");
  CHECK(HasProblem(page, "invalid UTF-8 sequences replaced with U+FFFD"));
  CHECK_THAT(page.title, Contains("\xEF\xBF\xBD"));
  CHECK(ValidUtf8(page.title));
  CHECK(ValidUtf8(page.text));
  REQUIRE(page.candidates.size() == 1);
  CHECK(page.candidates[0].title == "A\xEF\xBF\xBD" "B");
  const std::string json = adwatch::ToJsonText(page);
  CHECK(json.find("\\ufffd") == std::string::npos);  // nothing needed replacing on the way out
}

// ---------------------------------------------------------------------------------------------
// Limits and hostile input

TEST_CASE("A 5 MB page is read, within the text limits, and recorded when cut", "[extract][limits]") {
  const std::string big = adwatch::testing::MakeBigPage(size_t{5} << 20);
  REQUIRE(big.size() >= (size_t{5} << 20));
  const Page page = MustExtract(Fetched(big, "https://arsip.example/semua"));
  CHECK(page.title == "Semua Lowongan - Arsip Besar");
  CHECK(page.text.size() <= (size_t{1} << 20));
  CHECK(HasProblem(page, "page text cut at max_page_text_bytes"));
  CHECK(page.links.size() == 5000);
  CHECK(HasProblem(page, "links over max_links (5000) dropped"));
  REQUIRE(page.candidates.size() == 1);
  CHECK(page.candidates[0].text.size() <= (size_t{64} << 10));
  CHECK(HasProblem(page, "candidate text cut at max_text_bytes"));
  CHECK(ValidUtf8(page.text));

  ExtractOptions small;
  small.max_input_bytes = 100000;
  const Page cut = MustExtract(Fetched(big, "https://arsip.example/semua"), small);
  CHECK(HasProblem(cut, "input cut at max_input_bytes: kept 100000 of"));
  CHECK(cut.title == "Semua Lowongan - Arsip Besar");
  CHECK(cut.text.size() < 100000);
}

TEST_CASE("Candidate, text and link limits from the options", "[extract][limits]") {
  ExtractOptions options;
  options.max_candidates = 2;
  options.max_text_bytes = 20;
  options.max_links = 3;
  const Page page = MustExtract(
      Fetched(ReadFixture("telegram_channel.html"), "https://t.me/s/infoloker_contoh", SourceKind::kChannelPreview),
      options);
  CHECK(page.candidates.size() == 2);
  CHECK(HasProblem(page, "3 candidates over max_candidates (2) dropped"));
  // The first post starts with a 4-byte emoji; the cut falls on a character boundary.
  CHECK(page.candidates[0].text.size() <= 20);
  CHECK(ValidUtf8(page.candidates[0].text));
  CHECK(HasProblem(page, "post texts cut at max_text_bytes (20)"));
  CHECK(page.links.size() == 3);
}

TEST_CASE("A page with more elements than max_elements is cut", "[extract][limits]") {
  std::string html = "<html><body>";
  for (int i = 0; i < 300; ++i) html += "<p>Lowongan " + std::to_string(i) + "</p>";
  ExtractOptions options;
  options.max_elements = 100;
  const Page page = MustExtract(Fetched(html, "https://a.example/"), options);
  CHECK(HasProblem(page, "more than max_elements (100) start tags; the page is cut at byte"));
  CHECK_THAT(page.text, Contains("Lowongan 97"));
  CHECK(page.text.find("Lowongan 98") == std::string::npos);
}

TEST_CASE("Deep nesting and formatting bombs are flattened before parsing, text kept", "[extract][limits]") {
  // 200,000 unclosed <div>s (1 MB) take Gumbo minutes; 60 open formatting elements re-opened in
  // each of 100,000 paragraphs take gigabytes.
  std::string deep;
  for (int i = 0; i < 200000; ++i) deep += "<div>";
  deep += "Lowongan di dasar";
  std::string bomb = "<p>";
  for (int i = 0; i < 60; ++i) bomb += "<b x=" + std::to_string(i) + ">";
  for (int i = 0; i < 100000; ++i) bomb += "<p>x";
  bomb += "<p>Akhir";

  const auto start = std::chrono::steady_clock::now();
  const Page a = MustExtract(Fetched(deep, "https://a.example/"));
  const Page b = MustExtract(Fetched(bomb, "https://a.example/"));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 60);  // about a second in a release build; minutes and gigabytes without the guard
  CHECK_THAT(a.text, Contains("Lowongan di dasar"));
  CHECK(HasProblem(a, "nested deeper than max_nesting_depth (256) removed"));
  CHECK_THAT(b.text, Contains("Akhir"));
  CHECK(HasProblem(b, "formatting tags removed"));
}

TEST_CASE("A body that is not HTML yields no text and no candidates", "[extract]") {
  const Page image = MustExtract(Fetched(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), "https://a.example/x.png",
                                         SourceKind::kGeneric, "image/png"));
  CHECK(image.candidates.empty());
  CHECK(image.text.empty());
  CHECK(HasProblem(image, "not HTML (image/png)"));
  // Plain text and XHTML are read.
  CHECK(MustExtract(Fetched("Lowongan kerja", "https://a.example/x.txt", SourceKind::kGeneric, "text/plain"))
            .candidates.size() == 1);
  CHECK(MustExtract(Fetched("<html><body><p>Kerja</p></body></html>", "https://a.example/",
                            SourceKind::kGeneric, "application/xhtml+xml; charset=utf-8"))
            .candidates.size() == 1);
}

TEST_CASE("Extract returns a page for any bytes", "[extract][limits]") {
  const std::string inputs[] = {"",
                                "<",
                                "</",
                                "<!--",
                                "<script type='application/ld+json'>",
                                std::string("\0\0\0\xff\xfe\x00<\x00", 8),
                                "\xFF\xFE",
                                "\xFE\xFF\x00",
                                "<svg><style><div><div></style><p/><![CDATA[</svg>]]>",
                                "<table><td><b><table><td></b></table>",
                                "<a href='http://[::1'>x</a><a href='http://%zz/'>y</a><base href='::'>",
                                "{\"not\": \"html\"}",
                                std::string(10000, '<'),
                                "<div itemscope itemtype='x'><div itemprop='a' itemscope><span itemprop='b'>c"};
  for (const std::string& in : inputs) {
    INFO(in.substr(0, 40));
    auto page = Extract(Fetched(in, "https://a.example/"), ExtractOptions{});
    REQUIRE(page.has_value());
    CHECK(ValidUtf8(page->text));
  }
  // No URL at all: absolute links still resolve, relative ones are dropped.
  const Page no_url = MustExtract(Fetched("<a href='/x'>a</a><a href='https://b.example/y'>b</a>", ""));
  CHECK(no_url.links.size() == 1);
}

TEST_CASE("Inputs that once broke the fuzz target give valid pages", "[extract][limits]") {
  // fuzz/regressions holds the crashes found by fuzz/extract_fuzz.cc, in its input format: the
  // first byte chooses source kind, Content-Type and limits, the rest is the body.
  ExtractOptions tight;
  tight.max_input_bytes = 4096;
  tight.max_page_text_bytes = 256;
  tight.max_text_bytes = 64;
  tight.max_candidates = 2;
  tight.max_links = 4;
  tight.max_json_ld_bytes = 512;
  tight.max_nesting_depth = 16;
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(ADWATCH_SOURCE_DIR) + "/fuzz/regressions/extract_fuzz")) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string data = ss.str();
    if (data.empty()) continue;
    ++count;
    const auto mode = static_cast<unsigned char>(data[0]);
    FetchResult fetch = Fetched(data.substr(1), (mode & 0x40) ? "https://fuzz.example/ad/1?x=1" : "https://t.me/s/fuzz",
                                static_cast<SourceKind>(mode % 5),
                                (mode & 0x08) ? "text/html; charset=windows-1252"
                                : (mode & 0x20) ? "text/html; charset=utf-16" : "text/html");
    INFO(entry.path().filename().string());
    const Page page = MustExtract(fetch, (mode & 0x10) ? tight : ExtractOptions{});
    CHECK_NOTHROW(nlohmann::json(page).dump());  // strict: throws on invalid UTF-8 anywhere
  }
  CHECK(count >= 3);
}

TEST_CASE("A page survives the JSON codec", "[extract]") {
  const Page page =
      ExtractFixture("telegram_channel.html", "https://t.me/s/infoloker_contoh", SourceKind::kChannelPreview);
  auto back = adwatch::FromJsonText<Page>(adwatch::ToJsonText(page), "page");
  REQUIRE(back.has_value());
  CHECK(back->candidates.size() == page.candidates.size());
  CHECK(back->candidates[1].views == 1200);
  CHECK(back->next_page == page.next_page);
}

// ---------------------------------------------------------------------------------------------
// Options

TEST_CASE("Validate names the bad option", "[extract][options]") {
  CHECK(adwatch::extract::Validate(ExtractOptions{}).ok());

  ExtractOptions bad_pattern;
  bad_pattern.sources.push_back({"lokerkita", {"(unclosed"}, {}});
  const auto status = adwatch::extract::Validate(bad_pattern);
  REQUIRE_FALSE(status.ok());
  CHECK(status.code() == adwatch::Status::Code::kInvalidArgument);
  CHECK_THAT(status.message(), Contains("source \"lokerkita\" listing_urls[0]"));
  CHECK_THAT(status.message(), Contains("missing )"));
  CHECK_FALSE(Extractor::Create(bad_pattern).has_value());
  CHECK_FALSE(Extract(Fetched("<p>x</p>", "https://a.example/"), bad_pattern).has_value());

  ExtractOptions zero;
  zero.max_candidates = 0;
  CHECK_THAT(adwatch::extract::Validate(zero).message(), Contains("max_candidates"));
  ExtractOptions upper;
  upper.channel.post_id_attribute = "data-Post";
  CHECK_FALSE(adwatch::extract::Validate(upper).ok());
  ExtractOptions twice;
  twice.sources.push_back({"a", {}, {}});
  twice.sources.push_back({"a", {}, {}});
  CHECK_THAT(adwatch::extract::Validate(twice).message(), Contains("listed twice"));
  ExtractOptions shallow;
  shallow.max_nesting_depth = 2;
  CHECK_FALSE(adwatch::extract::Validate(shallow).ok());
}

TEST_CASE("One Extractor serves many pages", "[extract][options]") {
  auto extractor = Extractor::Create(ExtractOptions{});
  REQUIRE(extractor.has_value());
  for (const char* name : {"jobboard_jsonld.html", "telegram_channel.html", "news_article.html"}) {
    auto page = extractor->Extract(Fetched(ReadFixture(name), "https://x.example/a"));
    REQUIRE(page.has_value());
    CHECK_FALSE(page->candidates.empty());
  }
  CHECK(extractor->options().max_candidates == 200);
}
