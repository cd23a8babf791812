// `adwatch classify --input image`: a poster or screenshot an NGO received, read and scored.
#include <catch2/catch.hpp>
#include <regex>
#include <string>

#include "support/run.h"

using adwatch::testing::Adwatch;
using adwatch::testing::RunCommand;

namespace {

std::string Poster(const std::string& name) {
  return std::string(ADWATCH_TEST_DATA) + "/posters/" + name;
}

}  // namespace

TEST_CASE("classify --input image scores a lure poster with its number in E.164 and its hash",
          "[app][image]") {
  auto r = RunCommand(Adwatch() + " classify --input image " + Poster("lure_id.png"));
  REQUIRE(r.exit_code == 0);
  INFO(r.out << r.err);
  CHECK(std::regex_search(r.out, std::regex("\"level\":\"(medium|high)\"")));
  CHECK_THAT(r.out, Catch::Contains("\"value\":\"+6281234567890\""));
  CHECK_THAT(r.out, Catch::Contains("\"image_text\":\"LOKER KAMBOJA"));
  CHECK(std::regex_search(r.out, std::regex("\"phash\":\"[0-9a-f]{16}\"")));
  CHECK_THAT(r.out, Catch::Contains("\"field\":\"image\""));
}

TEST_CASE(
    "classify --input image reads several files, and refuses a bomb and a truncated file with "
    "reasons",
    "[app][image]") {
  auto r = RunCommand(Adwatch() + " classify --input image --explain " +
                      Poster("lure_id_small.jpg") + " " + Poster("bomb_30000.png") + " " +
                      Poster("truncated.png") + " " + Poster("unrelated_id.png"));
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("dalam gambar"));
  CHECK_THAT(r.out, Catch::Contains("NASI GORENG"));
  CHECK_THAT(r.err, Catch::Contains(
                        "bomb_30000.png: image: image of 30000x30000 pixels is over max_pixels"));
  CHECK_THAT(r.err, Catch::Contains("truncated.png: image: cannot decode png image"));
  CHECK_THAT(r.err, Catch::Contains("2 classified, 2 refused"));
}
