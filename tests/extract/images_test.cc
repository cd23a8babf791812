// The images extraction attaches to ad candidates (AdCandidate::images): which pictures belong to
// an ad, resolved, each once, never the site's own logos and banners.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "adwatch/extract/extract.h"

namespace {

using adwatch::AdCandidate;
using adwatch::CandidateOrigin;
using adwatch::FetchResult;
using adwatch::ImageOrigin;
using adwatch::ImageRef;
using adwatch::Page;
using adwatch::SourceKind;
using adwatch::extract::Extract;
using adwatch::extract::ExtractOptions;

Page MustExtract(std::string body, std::string url, SourceKind kind = SourceKind::kGeneric,
                 const ExtractOptions& options = {}) {
  FetchResult r;
  r.requested_url = url;
  r.final_url = std::move(url);
  r.source = "test-source";
  r.source_kind = kind;
  r.http_status = 200;
  r.content_type = "text/html";
  r.body = std::move(body);
  auto page = Extract(r, options);
  REQUIRE(page.has_value());
  return std::move(page).value();
}

std::vector<std::string> Urls(const std::vector<ImageRef>& images) {
  std::vector<std::string> out;
  for (const ImageRef& im : images) out.push_back(im.url);
  return out;
}

TEST_CASE("A detail page's poster and og:image belong to its ad, the site's logo does not",
          "[extract][images]") {
  const Page page = MustExtract(R"html(<html><head>
      <meta property="og:image" content="/img/poster-og.jpg">
    </head><body>
      <header><img src="/logo.png" alt="Situs Loker"></header>
      <nav><img src="/menu.png"></nav>
      <main><h1>Loker Kamboja</h1><p>Info lengkap di gambar, minat DM.</p>
        <img src="poster.jpg" alt="poster lowongan">
        <img src="poster.jpg">
        <img src="/pixel.gif" width="1" height="1">
        <img src="data:image/png;base64,AAAA">
      </main>
      <footer><img src="/footer-badge.png"></footer>
    </body></html>)html",
                                "https://loker.example/ads/42/");
  REQUIRE(page.candidates.size() == 1);
  const AdCandidate& ad = page.candidates[0];
  CHECK(Urls(ad.images) == std::vector<std::string>{"https://loker.example/ads/42/poster.jpg",
                                                    "https://loker.example/img/poster-og.jpg"});
  CHECK(ad.images[0].origin == ImageOrigin::kImg);
  CHECK(ad.images[0].alt == "poster lowongan");
  CHECK(ad.images[1].origin == ImageOrigin::kOpenGraph);
}

TEST_CASE("An og:image the page also shows is listed once", "[extract][images]") {
  const Page page =
      MustExtract(R"html(<html><head><meta property="og:image" content="https://cdn.example/p.png">
    </head><body><article><p>Dicari admin.</p><img src="https://cdn.example/p.png"></article></body></html>)html",
                  "https://loker.example/a/1");
  REQUIRE(page.candidates.size() == 1);
  REQUIRE(page.candidates[0].images.size() == 1);
  CHECK(page.candidates[0].images[0].origin == ImageOrigin::kImg);
}

TEST_CASE(
    "Channel posts keep their own photos, including background-image photos and photo-only posts",
    "[extract][images]") {
  const Page page = MustExtract(R"html(<html><body>
    <div class="tgme_widget_message" data-post="lokerluar/10">
      <a class="tgme_widget_message_photo_wrap" style="width:800px;background-image:url('https://cdn.telesco.pe/file/a1.jpg')"></a>
      <div class="tgme_widget_message_text">Info lengkap di gambar, minat DM</div>
    </div>
    <div class="tgme_widget_message" data-post="lokerluar/11">
      <a class="tgme_widget_message_photo_wrap" style="background-image:url(&quot;https://cdn.telesco.pe/file/b2.jpg&quot;)"></a>
    </div>
    <div class="tgme_widget_message" data-post="lokerluar/12">
      <div class="tgme_widget_message_reply"><i style="background-image:url('https://cdn.telesco.pe/file/quoted.jpg')"></i>
        <div class="tgme_widget_message_text">the quoted post</div></div>
      <div class="tgme_widget_message_text">Masih buka, <img src="https://cdn.telesco.pe/emoji/1.png"> hubungi kami</div>
    </div>
    </body></html>)html",
                                "https://t.me/s/lokerluar", SourceKind::kChannelPreview);
  REQUIRE(page.candidates.size() == 3);
  CHECK(page.candidates[0].origin == CandidateOrigin::kChannelPost);
  CHECK(Urls(page.candidates[0].images) ==
        std::vector<std::string>{"https://cdn.telesco.pe/file/a1.jpg"});
  CHECK(page.candidates[0].images[0].origin == ImageOrigin::kBackground);
  CHECK(page.candidates[1].text.empty());
  CHECK(Urls(page.candidates[1].images) ==
        std::vector<std::string>{"https://cdn.telesco.pe/file/b2.jpg"});
  // The quoted reply's picture is the other post's; no og:image is given to a channel post.
  CHECK(Urls(page.candidates[2].images) ==
        std::vector<std::string>{"https://cdn.telesco.pe/emoji/1.png"});
}

TEST_CASE("A JSON-LD JobPosting's image, as a URL, an ImageObject or an array",
          "[extract][images]") {
  const Page page = MustExtract(R"html(<html><head><script type="application/ld+json">
    [{"@context":"https://schema.org","@type":"JobPosting","title":"Admin","description":"Lihat poster",
      "url":"https://loker.example/j/1","image":"/p/1.jpg"},
     {"@type":"JobPosting","title":"CS","description":"Lihat poster","url":"https://loker.example/j/2",
      "image":[{"@type":"ImageObject","contentUrl":"https://img.example/2a.png"},"https://img.example/2b.png",
               "javascript:alert(1)"]}]
    </script><meta property="og:image" content="/og.jpg"></head><body></body></html>)html",
                                "https://loker.example/list");
  REQUIRE(page.candidates.size() == 2);
  CHECK(Urls(page.candidates[0].images) ==
        std::vector<std::string>{"https://loker.example/p/1.jpg"});
  CHECK(page.candidates[0].images[0].origin == ImageOrigin::kJsonLd);
  // Two candidates: og:image belongs to the page, not to either of them.
  CHECK(Urls(page.candidates[1].images) ==
        std::vector<std::string>{"https://img.example/2a.png", "https://img.example/2b.png"});
}

TEST_CASE("Images over max_images_per_candidate are dropped and recorded", "[extract][images]") {
  std::string body = "<html><body><main><p>poster</p>";
  for (int i = 0; i < 5; ++i) body += "<img src=\"/p" + std::to_string(i) + ".png\">";
  body += "</main></body></html>";
  ExtractOptions options;
  options.max_images_per_candidate = 3;
  const Page page = MustExtract(body, "https://loker.example/a", SourceKind::kGeneric, options);
  REQUIRE(page.candidates.size() == 1);
  CHECK(page.candidates[0].images.size() == 3);
  bool recorded = false;
  for (const std::string& p : page.problems)
    recorded = recorded || p.find("max_images_per_candidate") != std::string::npos;
  CHECK(recorded);
}

}  // namespace
