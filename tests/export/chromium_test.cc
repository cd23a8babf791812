// The HTML digest opened in a real browser: headless Chromium (Debian's `chromium`, installed by
// scripts/install-deps.sh) renders it with a fresh profile, and the test checks the rendered DOM
// — every section present, the hostile ad's markup shown as text and its scripts never run — and
// saves screenshots (phone and desktop width) and a printed PDF into the build folder:
//   build-*/tests/export/digest-phone.png, digest-desktop.png, digest.pdf, digest.html
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <catch2/catch.hpp>

#include "adwatch/export/writers.h"
#include "fixture.h"
#include "support/run.h"

namespace adwatch::exporter {
namespace {

namespace fs = std::filesystem;

// The browser: $ADWATCH_CHROMIUM, else the first of chromium, chromium-browser, google-chrome on
// the PATH; "" when there is none.
std::string FindChromium() {
  if (const char* env = std::getenv("ADWATCH_CHROMIUM"); env != nullptr && *env != '\0') return env;
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    size_t start = 0;
    while (start <= dirs.size()) {
      const size_t end = std::min(dirs.find(':', start), dirs.size());
      const std::string candidate = dirs.substr(start, end - start) + "/" + name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
      start = end + 1;
    }
  }
  return "";
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// Runs the browser headless on `url` with a fresh profile and `args`; at most 60 s.
testing::RunResult Chromium(const std::string& url, const std::string& args) {
  const std::string browser = FindChromium();
  if (browser.empty()) {
    FAIL("chromium is not installed: the HTML digest test needs it (scripts/install-deps.sh installs "
         "Debian's chromium package; or set ADWATCH_CHROMIUM to a Chromium binary)");
  }
  storage::testing::TempDir profile;
  const std::string cmd = "timeout 60 " + Quote(browser) +
                          " --headless --no-sandbox --disable-gpu --disable-background-networking "
                          "--disable-component-update --disable-sync --no-first-run --hide-scrollbars "
                          "--disable-extensions --user-data-dir=" + Quote(profile.path()) + " " + args + " " +
                          Quote(url);
  return testing::RunCommand(cmd);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST_CASE("Chromium renders the HTML digest with every section and runs none of an ad's markup",
          "[export][chromium]") {
  testing::FixtureStore f;
  auto d = MakeDigest(f.store(), testing::National(), testing::kDay, testing::kNoonJakarta,
                      testing::TestContext(), {});
  REQUIRE(d);
  const std::string out = std::string(ADWATCH_BINARY_DIR) + "/tests/export";
  fs::create_directories(out);
  const std::string html = out + "/digest.html";
  {
    std::ofstream file(html, std::ios::binary);
    REQUIRE(WriteHtmlDigest(*d, file).ok());
  }
  const std::string url = "file://" + html;

  const auto dom = Chromium(url, "--dump-dom");
  INFO("chromium stderr: " << dom.err.substr(0, 2000));
  REQUIRE(dom.exit_code == 0);
  REQUIRE(dom.out.find("<body") != std::string::npos);
  const std::string lower = Lower(dom.out);
  // The ad's scripts and event handlers never ran: they would have marked the body.
  CHECK(dom.out.find("data-pwned=") == std::string::npos);
  // Its markup is text in the page, not elements.
  CHECK(lower.find("<script") == std::string::npos);
  CHECK(lower.find("<img") == std::string::npos);
  CHECK(dom.out.find("&lt;script&gt;document.body.setAttribute('data-pwned','1')&lt;/script&gt;Operator "
                     "komputer &lt;b&gt;Myawaddy&lt;/b&gt;") != std::string::npos);
  // Every section rendered, with its charts.
  for (const char* id : {"summary", "trend", "flagged", "networks", "top", "notices", "about"}) {
    INFO(id);
    CHECK(dom.out.find(std::string("id=\"") + id + "\"") != std::string::npos);
  }
  CHECK(dom.out.find("Ringkasan hari ini") != std::string::npos);
  CHECK(dom.out.find("Jaringan perekrut") != std::string::npos);
  CHECK(lower.find("<svg") != std::string::npos);
  CHECK(dom.out.find("<mark>Phnom Penh</mark>") != std::string::npos);

  // Screenshots at a phone's width and a desktop's, and the printed form.
  for (const auto& [name, size] : {std::pair{"digest-phone.png", "412,2400"}, std::pair{"digest-desktop.png", "1280,2400"}}) {
    const std::string png = out + "/" + name;
    fs::remove(png);
    const auto shot = Chromium(url, std::string("--window-size=") + size + " --screenshot=" + Quote(png));
    INFO(shot.err.substr(0, 2000));
    CHECK(shot.exit_code == 0);
    REQUIRE(fs::exists(png));
    CHECK(fs::file_size(png) > 20'000);
    const std::string head = testing::Slurp(png).substr(0, 8);
    CHECK(head == "\x89PNG\r\n\x1a\n");
  }
  const std::string pdf = out + "/digest.pdf";
  fs::remove(pdf);
  const auto printed = Chromium(url, "--no-pdf-header-footer --print-to-pdf=" + Quote(pdf));
  CHECK(printed.exit_code == 0);
  REQUIRE(fs::exists(pdf));
  CHECK(testing::Slurp(pdf).rfind("%PDF", 0) == 0);
  WARN("screenshots: " << out << "/digest-phone.png, digest-desktop.png; printed: " << pdf);
}

}  // namespace
}  // namespace adwatch::exporter
