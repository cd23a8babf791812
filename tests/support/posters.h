// The generated poster fixtures of tests/data/posters/ (made by its make.sh), for the image tests.
#ifndef ADWATCH_TESTS_SUPPORT_POSTERS_H_
#define ADWATCH_TESTS_SUPPORT_POSTERS_H_

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

namespace adwatch::testing {

// The bytes of poster `name` ("lure_id.png"); a missing fixture fails the test.
inline std::string Poster(const std::string& name) {
  std::ifstream in(std::string(ADWATCH_TEST_DATA) + "/posters/" + name, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace adwatch::testing

#endif  // ADWATCH_TESTS_SUPPORT_POSTERS_H_
