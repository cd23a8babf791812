// The gazetteer: places the entity extractor recognises and the digest routes by, loaded from
// rules/gazetteer/*.yaml (see rules/README.md). Immutable after Load; thread-safe.
#ifndef ADWATCH_CLASSIFIER_GAZETTEER_H_
#define ADWATCH_CLASSIFIER_GAZETTEER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adwatch/common/records.h"
#include "adwatch/common/status.h"

namespace adwatch::classifier {

struct PlaceInfo {
  std::string id;    // "kh", "kh.sihanoukville", "id.kepri", "id.kepri.batam"
  std::string name;  // display name
  PlaceKind kind = PlaceKind::kCountry;
  std::string country;        // ISO 3166 alpha-2
  std::string province;       // for Indonesian regencies/cities and transit points: the province id
  bool nonplacement = false;  // not an official placement country for Indonesian workers
  bool transit = false;       // a pickup or transit point on trafficking routes
  bool moratorium = false;    // closed to domestic-worker placement (towns inherit it)
  std::vector<std::string> aliases;     // folded spellings matched in text (incl. the name)
  std::vector<std::string> area_codes;  // Indonesian landline prefixes, e.g. "0778"
  std::string file;  // where it was defined, "rules/gazetteer/indonesia.yaml:120"
};

class Gazetteer {
 public:
  // Loads every *.yaml file in `dir`. Returns InvalidArgument naming file:line for a malformed
  // entry or a duplicate id, NotFound when the folder does not exist.
  static Result<std::shared_ptr<const Gazetteer>> Load(const std::string& dir);

  const std::vector<PlaceInfo>& places() const { return places_; }
  // The place with `id`, or nullptr.
  const PlaceInfo* Find(std::string_view id) const;
  // The province id whose landline area code prefixes `e164` (+62...), or "".
  std::string ProvinceOfLandline(std::string_view e164) const;
  // IDR per one unit of `currency` ("USD" → 16000), or 0 when unknown.
  double IdrRate(std::string_view currency) const;
  // Every place named in `skeleton` (a skeleton view, see normalize.h), longest alias first, with
  // spans in the original text of `field`.
  std::vector<PlaceMention> FindPlaces(const TextView& skeleton, std::string_view field) const;
  // A content hash of every file, part of the ruleset version.
  const std::string& content_hash() const { return content_hash_; }

 private:
  friend class GazetteerBuilder;
  std::vector<PlaceInfo> places_;
  std::map<std::string, size_t, std::less<>> by_id_;
  std::map<std::string, std::string, std::less<>> area_to_province_;  // "0778" → "id.kepri"
  std::map<std::string, double, std::less<>> idr_rates_;
  // Phrases that hold an alias but name no place ("keturunan Arab", of Arab descent).
  std::vector<std::string> not_places_;
  std::string content_hash_;
  struct AliasIndex;  // one compiled RE2 over every alias
  std::shared_ptr<const AliasIndex> alias_index_;
};

enum class RouteReason : uint8_t {
  kMentions = 0,  // the ad names the place (detail: the place's display name)
  kInProvince,    // the ad names a regency of this province (detail: the regency's name)
  kSourceHint,    // the source's region hint in seeds.yaml (detail: the hint)
  kLandline,      // an Indonesian landline with this area code (detail: "+62778…")
};

// One region an ad is routed to, and why (for the digest's "routed because").
struct RegionRoute {
  std::string region_id;  // an Indonesian province or regency id
  RouteReason reason = RouteReason::kMentions;
  std::string detail;
};

// Routes an ad to Indonesian regions: the provinces and regencies it names (transit points count
// for their regency and province), the source's region hint, and the province of any Indonesian
// landline. A regency also routes to its province. Empty when nothing points anywhere: the ad then
// belongs to the national digest.
std::vector<RegionRoute> RouteRegions(const Entities& entities, const Gazetteer& gazetteer,
                                      std::string_view source_region_hint);

// The distinct region ids of RouteRegions, in order: what the store indexes an ad under.
std::vector<std::string> RegionIds(const Entities& entities, const Gazetteer& gazetteer,
                                   std::string_view source_region_hint);

}  // namespace adwatch::classifier

#endif  // ADWATCH_CLASSIFIER_GAZETTEER_H_
