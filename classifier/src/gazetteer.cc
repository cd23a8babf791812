#include "adwatch/classifier/gazetteer.h"

#include <re2/re2.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

#include "adwatch/classifier/normalize.h"
#include "adwatch/common/hash.h"
#include "adwatch/common/names.h"
#include "adwatch/common/yaml.h"

namespace adwatch::classifier {
namespace fs = std::filesystem;

struct Gazetteer::AliasIndex {
  std::unique_ptr<RE2> re;                           // (alias1|alias2|...), longest match
  std::unordered_map<std::string, size_t> place_of;  // skeleton alias → index in places_
};

// The index of a `not_places` phrase: it is matched like an alias, longest first, so that
// "keturunan arab" consumes the "arab" inside it, and then names nothing.
constexpr size_t kNotAPlace = static_cast<size_t>(-1);

// Builds a Gazetteer from files; a friend so the Gazetteer itself stays immutable.
class GazetteerBuilder {
 public:
  static Status AddFile(Gazetteer& g, const std::string& path, std::string& all_text) {
    std::ifstream in(path);
    std::stringstream buf;
    buf << in.rdbuf();
    all_text += path + "\n" + buf.str();
    auto root = LoadYamlText(buf.str(), path);
    if (!root) return root.error();
    YamlMap top(path, *root, "");
    ADWATCH_RETURN_IF_ERROR(top.CheckIsMap());
    YAML::Node rates = top.Child("idr_rates");
    if (rates.IsDefined() && !rates.IsNull()) {
      if (!rates.IsMap())
        return top.Error("idr_rates", "expected a mapping CURRENCY: IDR per unit");
      for (const auto& kv : rates) {
        double v = 0;
        try {
          v = kv.second.as<double>();
        } catch (const YAML::Exception&) {
          v = -1;
        }
        if (v <= 0) {
          return Status::InvalidArgument(
              YamlWhere(path, kv.second),
              "idr_rates." + kv.first.Scalar() + ": expected a positive number");
        }
        g.idr_rates_[kv.first.Scalar()] = v;
      }
    }
    YAML::Node places = top.Child("places");
    std::vector<std::string> not_places;
    ADWATCH_RETURN_IF_ERROR(top.Read("not_places", not_places));
    g.not_places_.insert(g.not_places_.end(), not_places.begin(), not_places.end());
    ADWATCH_RETURN_IF_ERROR(top.Finish());
    if (!places.IsDefined() || places.IsNull()) return Status::OK();
    if (!places.IsSequence()) return top.Error("places", "expected a list of places");
    for (const auto& node : places) {
      PlaceInfo p;
      p.file = YamlWhere(path, node);
      YamlMap m(path, node, "places[" + std::to_string(g.places_.size()) + "]");
      ADWATCH_RETURN_IF_ERROR(m.CheckIsMap());
      ADWATCH_RETURN_IF_ERROR(m.Read("id", p.id, /*required=*/true));
      ADWATCH_RETURN_IF_ERROR(m.Read("name", p.name, /*required=*/true));
      std::string kind = "country";
      ADWATCH_RETURN_IF_ERROR(m.ReadEnum(
          "kind", kind, {"country", "hotspot", "transit", "province", "regency", "city"}, true));
      p.kind = *ParsePlaceKind(kind);
      ADWATCH_RETURN_IF_ERROR(m.Read("country", p.country));
      ADWATCH_RETURN_IF_ERROR(m.Read("province", p.province));
      ADWATCH_RETURN_IF_ERROR(m.Read("nonplacement", p.nonplacement));
      ADWATCH_RETURN_IF_ERROR(m.Read("transit", p.transit));
      ADWATCH_RETURN_IF_ERROR(m.Read("moratorium", p.moratorium));
      ADWATCH_RETURN_IF_ERROR(m.Read("aliases", p.aliases));
      ADWATCH_RETURN_IF_ERROR(m.Read("area_codes", p.area_codes));
      ADWATCH_RETURN_IF_ERROR(m.Finish());
      if (p.kind == PlaceKind::kTransit) p.transit = true;
      if ((p.kind == PlaceKind::kProvince || p.kind == PlaceKind::kRegency) && p.country.empty()) {
        p.country = "ID";
      }
      if (p.kind == PlaceKind::kRegency && p.province.empty()) {
        return Status::InvalidArgument(p.file + ": place " + p.id, "a regency needs its province");
      }
      if (g.by_id_.count(p.id)) {
        return Status::InvalidArgument(
            p.file + ": place " + p.id,
            "duplicate id (first at " + g.places_[g.by_id_[p.id]].file + ")");
      }
      p.aliases.push_back(p.name);
      g.by_id_[p.id] = g.places_.size();
      g.places_.push_back(std::move(p));
    }
    return Status::OK();
  }

  static Status Finish(Gazetteer& g) {
    // Towns inherit their country's placement status: Sihanoukville is in Cambodia, Riyadh in
    // Saudi Arabia.
    for (PlaceInfo& p : g.places_) {
      if (p.kind == PlaceKind::kCountry || p.country.empty()) continue;
      for (const PlaceInfo& c : g.places_) {
        if (c.kind == PlaceKind::kCountry && c.country == p.country) {
          p.nonplacement |= c.nonplacement;
          p.moratorium |= c.moratorium;
        }
      }
    }
    for (const PlaceInfo& p : g.places_) {
      if (!p.province.empty() && !g.by_id_.count(p.province)) {
        return Status::InvalidArgument(p.file + ": place " + p.id,
                                       "unknown province '" + p.province + "'");
      }
      const std::string& province = p.kind == PlaceKind::kProvince ? p.id : p.province;
      for (const std::string& code : p.area_codes) g.area_to_province_[code] = province;
    }
    auto index = std::make_shared<Gazetteer::AliasIndex>();
    std::vector<std::string> aliases;
    for (size_t i = 0; i < g.places_.size(); ++i) {
      for (const std::string& alias : g.places_[i].aliases) {
        std::string skel = Normalize(alias).skeleton.text;
        if (skel.empty()) continue;
        // The first place to claim an alias keeps it: files list the more specific first.
        if (index->place_of.emplace(skel, i).second) aliases.push_back(skel);
      }
    }
    for (const std::string& phrase : g.not_places_) {
      std::string skel = Normalize(phrase).skeleton.text;
      if (skel.empty()) continue;
      auto [it, added] = index->place_of.emplace(skel, kNotAPlace);
      if (!added && it->second != kNotAPlace) {
        return Status::InvalidArgument(
            "gazetteer not_places",
            "'" + phrase + "' is an alias of place " + g.places_[it->second].id);
      }
      if (added) aliases.push_back(skel);
    }
    // Longest first, so "kota batam" wins over "batam" in the alternation.
    std::sort(aliases.begin(), aliases.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    std::string pattern = "(";
    for (size_t i = 0; i < aliases.size(); ++i) {
      if (i) pattern += '|';
      pattern += RE2::QuoteMeta(aliases[i]);
    }
    pattern += ")";
    RE2::Options opts;
    opts.set_longest_match(true);
    opts.set_max_mem(64LL << 20);
    opts.set_log_errors(false);
    index->re =
        std::make_unique<RE2>(aliases.empty() ? std::string("(\\x00\\x01)") : pattern, opts);
    if (!index->re->ok()) return Status::Internal("gazetteer aliases", index->re->error());
    g.alias_index_ = std::move(index);
    return Status::OK();
  }
};

Result<std::shared_ptr<const Gazetteer>> Gazetteer::Load(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::NotFound(dir, "gazetteer folder does not exist");
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".yaml") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  auto g = std::make_shared<Gazetteer>();
  std::string all_text;
  for (const std::string& f : files)
    ADWATCH_RETURN_IF_ERROR(GazetteerBuilder::AddFile(*g, f, all_text));
  ADWATCH_RETURN_IF_ERROR(GazetteerBuilder::Finish(*g));
  g->content_hash_ = Sha256Hex(all_text);
  return std::shared_ptr<const Gazetteer>(std::move(g));
}

const PlaceInfo* Gazetteer::Find(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &places_[it->second];
}

std::string Gazetteer::ProvinceOfLandline(std::string_view e164) const {
  if (e164.rfind("+62", 0) != 0) return "";
  // Area codes are written nationally ("0778"); try the longest prefix first.
  const std::string national = "0" + std::string(e164.substr(3));
  for (size_t len = 5; len >= 3; --len) {
    if (national.size() <= len) continue;
    auto it = area_to_province_.find(national.substr(0, len));
    if (it != area_to_province_.end()) return it->second;
  }
  return "";
}

double Gazetteer::IdrRate(std::string_view currency) const {
  if (currency == "IDR") return 1;
  auto it = idr_rates_.find(currency);
  return it == idr_rates_.end() ? 0 : it->second;
}

namespace {

bool IsAsciiAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

}  // namespace

std::vector<PlaceMention> Gazetteer::FindPlaces(const TextView& skeleton,
                                                std::string_view field) const {
  std::vector<PlaceMention> out;
  if (!alias_index_ || skeleton.text.empty()) return out;
  const std::string& text = skeleton.text;
  re2::StringPiece input(text);
  re2::StringPiece m;
  size_t pos = 0;
  while (pos < text.size() &&
         alias_index_->re->Match(input, pos, text.size(), RE2::UNANCHORED, &m, 1)) {
    const size_t b = static_cast<size_t>(m.data() - text.data());
    const size_t e = b + m.size();
    // Latin aliases must stand as words; CJK ones need no spaces around them.
    const bool left_ok = b == 0 || !IsAsciiAlnum(text[b - 1]) || !IsAsciiAlnum(text[b]);
    const bool right_ok = e >= text.size() || !IsAsciiAlnum(text[e]) || !IsAsciiAlnum(text[e - 1]);
    if (m.empty()) {
      ++pos;
      continue;
    }
    if (!left_ok || !right_ok) {
      pos = b + 1;
      continue;
    }
    auto it = alias_index_->place_of.find(std::string(m));
    if (it != alias_index_->place_of.end() && it->second != kNotAPlace) {
      const PlaceInfo& p = places_[it->second];
      PlaceMention pm;
      pm.id = p.id;
      pm.name = p.name;
      pm.kind = p.kind;
      pm.country = p.country;
      pm.province = p.kind == PlaceKind::kProvince ? p.id : p.province;
      pm.nonplacement = p.nonplacement;
      pm.transit = p.transit;
      pm.moratorium = p.moratorium;
      pm.field = std::string(field);
      pm.span = ToOriginal(skeleton, b, e);
      out.push_back(std::move(pm));
    }
    pos = e;
  }
  return out;
}

std::vector<RegionRoute> RouteRegions(const Entities& entities, const Gazetteer& gazetteer,
                                      std::string_view source_region_hint) {
  std::vector<RegionRoute> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& id, RouteReason reason, std::string detail) {
    if (id.empty() || !seen.insert(id).second) return;
    out.push_back({id, reason, std::move(detail)});
  };
  for (const PlaceMention& p : entities.places) {
    if (p.country != "ID") continue;
    if (p.kind == PlaceKind::kProvince || p.kind == PlaceKind::kRegency ||
        (p.kind == PlaceKind::kTransit && !p.province.empty())) {
      add(p.id, RouteReason::kMentions, p.name);
    }
  }
  for (const PlaceMention& p : entities.places) {
    if (p.country == "ID" && p.kind != PlaceKind::kProvince && !p.province.empty()) {
      add(p.province, RouteReason::kInProvince, p.name);
    }
  }
  if (!source_region_hint.empty()) {
    const PlaceInfo* hint = gazetteer.Find(source_region_hint);
    if (hint) {
      add(hint->id, RouteReason::kSourceHint, std::string(source_region_hint));
      if (!hint->province.empty()) add(hint->province, RouteReason::kSourceHint, hint->name);
    }
  }
  for (const Contact& c : entities.contacts) {
    if (c.kind != ContactKind::kPhone || !c.landline) continue;
    add(gazetteer.ProvinceOfLandline(c.value), RouteReason::kLandline, c.value);
  }
  return out;
}

std::vector<std::string> RegionIds(const Entities& entities, const Gazetteer& gazetteer,
                                   std::string_view source_region_hint) {
  std::vector<std::string> ids;
  for (auto& r : RouteRegions(entities, gazetteer, source_region_hint)) {
    if (std::find(ids.begin(), ids.end(), r.region_id) == ids.end())
      ids.push_back(std::move(r.region_id));
  }
  return ids;
}

}  // namespace adwatch::classifier
