#include "adwatch/classifier/gazetteer.h"

#include <catch2/catch.hpp>

#include "adwatch/classifier/normalize.h"
#include "support/temp_dir.h"

using adwatch::classifier::Gazetteer;

TEST_CASE("The bundled gazetteer knows destinations, regions and area codes", "[classifier]") {
  auto g = Gazetteer::Load(std::string(ADWATCH_RULES_DIR) + "/gazetteer");
  REQUIRE(g.has_value());
  const auto* kh = (*g)->Find("kh");
  REQUIRE(kh != nullptr);
  CHECK(kh->nonplacement);
  CHECK((*g)->Find("kh.sihanoukville")->nonplacement);  // inherited from Cambodia
  CHECK((*g)->Find("id.kepri.batam")->transit);
  CHECK((*g)->ProvinceOfLandline("+62778123456") == "id.kepri");
  CHECK((*g)->ProvinceOfLandline("+62215551234") == "id.dki");
  CHECK((*g)->ProvinceOfLandline("+6281234567890").empty());
  CHECK((*g)->IdrRate("USD") > 10000);
}

TEST_CASE("Places are found as whole words, longest alias first", "[classifier]") {
  auto g = Gazetteer::Load(std::string(ADWATCH_RULES_DIR) + "/gazetteer");
  REQUIRE(g.has_value());
  const std::string text = "Jemput di Tanjung Balai Karimun lalu ke 西港, bukan Batamindo";
  auto places = (*g)->FindPlaces(adwatch::classifier::Normalize(text).skeleton, "body");
  REQUIRE(places.size() == 2);
  CHECK(places[0].id == "id.kepri.karimun");
  CHECK(text.substr(places[0].span.begin, places[0].span.end - places[0].span.begin) ==
        "Tanjung Balai Karimun");
  CHECK(places[1].id == "kh.sihanoukville");
}

TEST_CASE("A phrase that holds an alias but names no place is not read as the place",
          "[classifier]") {
  // A Jakarta housemaid job for "keluarga keturunan Arab" was a Gulf destination.
  auto g = Gazetteer::Load(std::string(ADWATCH_RULES_DIR) + "/gazetteer");
  REQUIRE(g.has_value());
  const std::string text = "ART nginep, keluarga keturunan Arab di Condet. Bukan ke Arab Saudi";
  auto places = (*g)->FindPlaces(adwatch::classifier::Normalize(text).skeleton, "body");
  REQUIRE(places.size() == 1);
  CHECK(places[0].id == "sa");
  CHECK(text.substr(places[0].span.begin) == "Arab Saudi");
}

TEST_CASE("Sundanese 'teu kedah' (need not) is not the Malaysian state of Kedah", "[classifier]") {
  // "Teu kedah ka Disnaker" put Malaysia into a Jakarta housemaid's chat.
  auto g = Gazetteer::Load(std::string(ADWATCH_RULES_DIR) + "/gazetteer");
  REQUIRE(g.has_value());
  const std::string text = "Teu kedah ka Disnaker, HP mah teu kedah. Kebun sawit di Kedah";
  auto places = (*g)->FindPlaces(adwatch::classifier::Normalize(text).skeleton, "body");
  REQUIRE(places.size() == 1);
  CHECK(text.substr(places[0].span.begin) == "Kedah");
}

TEST_CASE("A not_places phrase that is an alias is refused", "[classifier]") {
  adwatch::testing::TempDir dir;
  dir.Write("g/a.yaml",
            "not_places: [kamboja]\nplaces:\n  - {id: kh, name: Kamboja, kind: country}\n");
  auto g = Gazetteer::Load(dir / "g");
  REQUIRE_FALSE(g.has_value());
  CHECK_THAT(g.error().message(), Catch::Contains("kamboja") && Catch::Contains("kh"));
}

TEST_CASE("Regions are routed by mentions, province, hint and landline", "[classifier]") {
  auto g = Gazetteer::Load(std::string(ADWATCH_RULES_DIR) + "/gazetteer");
  REQUIRE(g.has_value());
  adwatch::Entities e;
  e.places.push_back({.id = "id.kepri.batam",
                      .name = "Kota Batam",
                      .kind = adwatch::PlaceKind::kRegency,
                      .country = "ID",
                      .province = "id.kepri"});
  e.contacts.push_back(
      {.kind = adwatch::ContactKind::kPhone, .value = "+62274123456", .landline = true});
  auto routes = adwatch::classifier::RouteRegions(e, **g, "id.ntt.kupang");
  std::vector<std::string> ids;
  for (const auto& r : routes) ids.push_back(r.region_id);
  CHECK(ids == std::vector<std::string>{"id.kepri.batam", "id.kepri", "id.ntt.kupang", "id.ntt",
                                        "id.diy"});
  CHECK(routes[1].reason == adwatch::classifier::RouteReason::kInProvince);
  CHECK(routes[4].reason == adwatch::classifier::RouteReason::kLandline);
}

TEST_CASE("A gazetteer entry without its province is refused with its line", "[classifier]") {
  adwatch::testing::TempDir dir;
  dir.Write("g/a.yaml",
            "places:\n  - {id: id.x, name: X, kind: province}\n  - {id: id.x.y, name: Y, kind: "
            "regency}\n");
  auto g = Gazetteer::Load(dir / "g");
  REQUIRE_FALSE(g.has_value());
  CHECK_THAT(g.error().message(), Catch::Contains("a.yaml:3") && Catch::Contains("province"));
}
