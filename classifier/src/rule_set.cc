#include "adwatch/classifier/rule_set.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "adwatch/classifier/normalize.h"
#include "adwatch/common/hash.h"
#include "adwatch/common/names.h"
#include "adwatch/common/yaml.h"
#include "engine.h"

namespace adwatch::classifier {
namespace fs = std::filesystem;

struct RuleSet::Rep {
  RuleSetOptions options;
  std::string version;
  std::vector<Rule> rules;
  std::map<std::string, Category> categories;
  std::shared_ptr<const Gazetteer> gazetteer;
  Engine engine;
};

RuleSet::RuleSet() : rep_(std::make_unique<Rep>()) {}
RuleSet::~RuleSet() = default;
const std::string& RuleSet::version() const { return rep_->version; }
const std::vector<Rule>& RuleSet::rules() const { return rep_->rules; }
const std::map<std::string, Category>& RuleSet::categories() const { return rep_->categories; }
const Gazetteer& RuleSet::gazetteer() const { return *rep_->gazetteer; }
const RuleSetOptions& RuleSet::options() const { return rep_->options; }
const RuleSet::Engine& RuleSet::engine() const { return rep_->engine; }

Pattern RuleSet::PatternOf(const Rule& rule) const {
  if (rule.pattern) return *rule.pattern;
  auto it = rep_->categories.find(rule.category);
  return it == rep_->categories.end() ? Pattern::kOther : it->second.pattern;
}

const Rule* RuleSet::Find(const std::string& id) const {
  auto it = rep_->engine.by_id.find(id);
  return it == rep_->engine.by_id.end() ? nullptr : &rep_->rules[static_cast<size_t>(it->second)];
}

Status Validate(const RuleSetOptions& options) {
  if (options.rules_dir.empty()) return Status::InvalidArgument("rules.dir", "is empty");
  if (options.set_max_mem_bytes < (1LL << 20)) {
    return Status::InvalidArgument("rules.set_max_mem_mb", "must be at least 1");
  }
  return Status::OK();
}

namespace {

// The rules folder's one file that is not rules: the categories and the reading options.
constexpr char kCategoriesFile[] = "categories.yaml";

// A rule or a condition naming a category the categories file lacks: said so, since the rule's
// own file is where the error is reported.
std::string UnknownCategory(const std::string& name) {
  return "unknown category '" + name + "' (not in " + kCategoriesFile + ")";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

bool ValidId(const std::string& id) {
  if (id.empty()) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Status ReadDescribe(YamlMap& m, std::string& id_text, std::string& en_text) {
  YAML::Node d = m.Child("describe");
  if (!d.IsDefined() || d.IsNull())
    return m.Error("describe", "is required (describe: {id: ..., en: ...})");
  YamlMap dm(m.file(), d, m.PathOf("describe"));
  ADWATCH_RETURN_IF_ERROR(dm.CheckIsMap());
  ADWATCH_RETURN_IF_ERROR(dm.Read("id", id_text, /*required=*/true));
  ADWATCH_RETURN_IF_ERROR(dm.Read("en", en_text, /*required=*/true));
  return dm.Finish();
}

// Reads an optional `pattern: NAME` (names.h) into `out`.
Status ReadPattern(YamlMap& m, std::optional<Pattern>& out) {
  std::string name;
  ADWATCH_RETURN_IF_ERROR(m.Read("pattern", name));
  if (name.empty()) return Status::OK();
  out = ParsePattern(name);
  if (!out) {
    std::string known;
    for (Pattern p : AllPatterns()) known += (known.empty() ? "" : ", ") + std::string(Name(p));
    return m.Error("pattern", "unknown pattern '" + name + "' (one of: " + known + ")");
  }
  return Status::OK();
}

Status ReadExamples(const std::string& file, YAML::Node node, const std::string& path,
                    std::vector<RuleExample>& out) {
  if (!node.IsDefined() || node.IsNull()) return Status::OK();
  if (!node.IsSequence()) {
    return Status::InvalidArgument(YamlWhere(file, node) + ": " + path,
                                   "expected a list of examples");
  }
  for (const auto& item : node) {
    RuleExample ex;
    ex.where = YamlWhere(file, item);
    if (item.IsScalar()) {
      ex.text = item.Scalar();
    } else if (item.IsMap()) {
      YamlMap m(file, item, path);
      ADWATCH_RETURN_IF_ERROR(m.Read("text", ex.text));
      ADWATCH_RETURN_IF_ERROR(m.Read("title", ex.title));
      ADWATCH_RETURN_IF_ERROR(m.Read("url", ex.url));
      ADWATCH_RETURN_IF_ERROR(m.Read("page_types", ex.page_types));
      ADWATCH_RETURN_IF_ERROR(m.Finish());
    } else {
      return Status::InvalidArgument(ex.where + ": " + path,
                                     "an example is a string or {title, text, url, page_types}");
    }
    out.push_back(std::move(ex));
  }
  return Status::OK();
}

// Reads one rule. Conditions of meta rules are parsed later, once every id is known.
Status ReadRule(const std::string& file, const YAML::Node& node, Rule& r, YAML::Node& when) {
  YamlMap m(file, node, "rule");
  ADWATCH_RETURN_IF_ERROR(m.CheckIsMap());
  r.file = file;
  r.line = node.Mark().line + 1;
  ADWATCH_RETURN_IF_ERROR(m.Read("id", r.id, /*required=*/true));
  if (!ValidId(r.id))
    return m.Error("id", "'" + r.id + "' must be upper-case letters, digits and _");
  auto located = [&](Status s) {
    return s.ok() ? s : Status::InvalidArgument("rule " + r.id + ": " + s.message());
  };
  ADWATCH_RETURN_IF_ERROR(located(m.Read("title", r.title)));
  ADWATCH_RETURN_IF_ERROR(located(m.Read("category", r.category, true)));
  ADWATCH_RETURN_IF_ERROR(located(m.Read("weight", r.weight, true)));
  if (r.weight < -100 || r.weight > 100) {
    return located(m.Error("weight", "must lie between -100 and 100"));
  }
  ADWATCH_RETURN_IF_ERROR(located(m.Read("languages", r.languages, true)));
  std::string field = "any", view = "skeleton", status = "active";
  ADWATCH_RETURN_IF_ERROR(located(m.ReadEnum("field", field, {"any", "title", "body"})));
  ADWATCH_RETURN_IF_ERROR(located(m.ReadEnum("view", view, {"folded", "skeleton"})));
  ADWATCH_RETURN_IF_ERROR(located(m.ReadEnum("status", status, {"active", "testing", "disabled"})));
  r.field = field == "title"  ? RuleField::kTitle
            : field == "body" ? RuleField::kBody
                              : RuleField::kAny;
  r.view = view == "folded" ? RuleView::kFolded : RuleView::kSkeleton;
  r.status = status == "testing"    ? RuleStatus::kTesting
             : status == "disabled" ? RuleStatus::kDisabled
                                    : RuleStatus::kActive;
  ADWATCH_RETURN_IF_ERROR(located(ReadDescribe(m, r.describe_id, r.describe_en)));
  ADWATCH_RETURN_IF_ERROR(located(ReadPattern(m, r.pattern)));
  ADWATCH_RETURN_IF_ERROR(located(m.Read("patterns", r.patterns)));
  ADWATCH_RETURN_IF_ERROR(located(m.Read("except", r.except)));
  when.reset(m.Child("when"));
  r.meta = when.IsDefined() && !when.IsNull();
  if (r.meta) {
    YAML::Emitter e;
    e << YAML::Flow << when;
    r.when = e.c_str();
  }
  if (r.meta == !r.patterns.empty()) {
    return located(m.Error("patterns", "a rule has either patterns or a meta condition (when)"));
  }
  if (r.meta && !r.except.empty()) {
    return located(m.Error("except", "only a rule with patterns has exceptions"));
  }
  YAML::Node ex = m.Child("examples");
  if (ex.IsDefined() && !ex.IsNull()) {
    YamlMap em(file, ex, "rule " + r.id + ": examples");
    ADWATCH_RETURN_IF_ERROR(em.CheckIsMap());
    ADWATCH_RETURN_IF_ERROR(ReadExamples(file, em.Child("match"), "examples.match", r.match));
    ADWATCH_RETURN_IF_ERROR(
        ReadExamples(file, em.Child("no_match"), "examples.no_match", r.no_match));
    ADWATCH_RETURN_IF_ERROR(em.Finish());
  }
  return located(m.Finish());
}

class ConditionParser {
 public:
  ConditionParser(const std::string& file, const std::unordered_map<std::string, int>& ids,
                  const std::map<std::string, Category>& categories)
      : file_(file), ids_(ids), categories_(categories) {}

  Status Parse(const YAML::Node& node, Condition& c) {
    c.where = YamlWhere(file_, node);
    auto err = [&](const std::string& msg) {
      return Status::InvalidArgument(c.where + ": when", msg);
    };
    if (node.IsSequence()) {  // a bare list means all of them
      c.op = Condition::Op::kAll;
      return ParseList(node, c);
    }
    if (!node.IsMap()) return err("a condition is a mapping such as {rule: ID} or {all: [...]}");
    auto has = [&](const char* k) { return node[k].IsDefined(); };
    auto scalar = [&](const char* k) -> std::string {
      return node[k].IsScalar() ? node[k].Scalar() : "";
    };
    std::set<std::string> allowed;
    if (has("rule")) {
      c.op = Condition::Op::kRule;
      c.name = scalar("rule");
      auto it = ids_.find(c.name);
      if (it == ids_.end()) return err("unknown rule '" + c.name + "'");
      c.rule_index = it->second;
      allowed = {"rule"};
    } else if (has("category")) {
      c.op = Condition::Op::kCategory;
      c.name = scalar("category");
      if (!categories_.count(c.name)) return err(UnknownCategory(c.name));
      allowed = {"category"};
    } else if (has("entity")) {
      c.op = Condition::Op::kEntity;
      c.name = scalar("entity");
      static const std::set<std::string> kKinds{"phone",  "whatsapp", "telegram", "line", "email",
                                                "wechat", "contact",  "salary",   "place"};
      if (!kKinds.count(c.name)) return err("unknown entity '" + c.name + "'");
      allowed = {"entity",  "kind",    "nonplacement",    "transit", "moratorium",
                 "foreign", "country", "min_monthly_idr", "count"};
      try {
        if (has("kind")) {
          auto k = ParsePlaceKind(scalar("kind"));
          if (!k) return err("unknown place kind '" + scalar("kind") + "'");
          c.place_kind = k;
        }
        if (has("nonplacement")) c.nonplacement = node["nonplacement"].as<bool>();
        if (has("transit")) c.transit = node["transit"].as<bool>();
        if (has("moratorium")) c.moratorium = node["moratorium"].as<bool>();
        if (has("foreign")) c.foreign = node["foreign"].as<bool>();
        if (has("country")) {
          if (node["country"].IsSequence()) {
            for (const auto& x : node["country"]) c.values.push_back(x.Scalar());
          } else {
            c.values.push_back(scalar("country"));
          }
        }
        if (has("min_monthly_idr")) c.min_monthly_idr = node["min_monthly_idr"].as<double>();
        if (has("count")) c.count = node["count"].as<int>();
      } catch (const YAML::Exception& e) {
        return err(std::string("bad entity filter: ") + e.what());
      }
    } else if (has("obfuscation")) {
      c.op = Condition::Op::kObfuscation;
      try {
        c.count = node["obfuscation"].as<int>();
      } catch (const YAML::Exception&) {
        return err("obfuscation: expected a count");
      }
      allowed = {"obfuscation"};
    } else if (has("page_type") || has("domain")) {
      const char* key = has("page_type") ? "page_type" : "domain";
      c.op = has("page_type") ? Condition::Op::kPageType : Condition::Op::kDomain;
      const YAML::Node v = node[key];
      if (v.IsScalar()) {
        c.values.push_back(v.Scalar());
      } else if (v.IsSequence()) {
        for (const auto& x : v) c.values.push_back(x.Scalar());
      } else {
        return err(std::string(key) + ": expected a string or a list");
      }
      if (c.op == Condition::Op::kDomain) {
        for (auto& d : c.values) std::transform(d.begin(), d.end(), d.begin(), ::tolower);
      }
      allowed = {key};
    } else if (has("all") || has("any")) {
      c.op = has("all") ? Condition::Op::kAll : Condition::Op::kAny;
      ADWATCH_RETURN_IF_ERROR(ParseList(node[has("all") ? "all" : "any"], c));
      allowed = {has("all") ? "all" : "any"};
    } else if (has("at_least")) {
      c.op = Condition::Op::kAtLeast;
      try {
        c.count = node["at_least"].as<int>();
      } catch (const YAML::Exception&) {
        return err("at_least: expected a count");
      }
      if (!has("of")) return err("at_least needs 'of: [conditions]'");
      ADWATCH_RETURN_IF_ERROR(ParseList(node["of"], c));
      if (c.count < 1 || c.count > static_cast<int>(c.children.size())) {
        return err("at_least must be between 1 and the number of conditions");
      }
      allowed = {"at_least", "of"};
    } else if (has("not")) {
      c.op = Condition::Op::kNot;
      c.children.emplace_back();
      ADWATCH_RETURN_IF_ERROR(Parse(node["not"], c.children.back()));
      allowed = {"not"};
    } else if (has("near")) {
      c.op = Condition::Op::kNear;
      ADWATCH_RETURN_IF_ERROR(ParseList(node["near"], c));
      if (c.children.size() != 2) return err("near takes exactly two conditions");
      try {
        c.chars = has("chars") ? node["chars"].as<int>() : 0;
      } catch (const YAML::Exception&) {
        c.chars = 0;
      }
      if (c.chars <= 0 || c.chars > 2000) return err("near needs 'chars: N' between 1 and 2000");
      allowed = {"near", "chars"};
    } else {
      return err(
          "unknown condition; use rule, category, entity, obfuscation, page_type, domain, "
          "all, any, at_least/of, not or near");
    }
    for (const auto& kv : node) {
      if (!allowed.count(kv.first.Scalar())) {
        return Status::InvalidArgument(YamlWhere(file_, kv.first) + ": when",
                                       "unexpected key '" + kv.first.Scalar() + "' here");
      }
    }
    return Status::OK();
  }

 private:
  Status ParseList(const YAML::Node& list, Condition& c) {
    if (!list.IsSequence() || list.size() == 0) {
      return Status::InvalidArgument(YamlWhere(file_, list) + ": when",
                                     "expected a non-empty list");
    }
    for (const auto& item : list) {
      c.children.emplace_back();
      ADWATCH_RETURN_IF_ERROR(Parse(item, c.children.back()));
    }
    return Status::OK();
  }

  const std::string& file_;
  const std::unordered_map<std::string, int>& ids_;
  const std::map<std::string, Category>& categories_;
};

// Meta rules that a condition depends on, directly or through a category.
void CollectDeps(const Condition& c, const std::vector<Rule>& rules, std::vector<int>& out) {
  if (c.op == Condition::Op::kRule && rules[static_cast<size_t>(c.rule_index)].meta) {
    out.push_back(c.rule_index);
  }
  if (c.op == Condition::Op::kCategory) {
    for (size_t i = 0; i < rules.size(); ++i) {
      if (rules[i].meta && rules[i].category == c.name) out.push_back(static_cast<int>(i));
    }
  }
  for (const Condition& child : c.children) CollectDeps(child, rules, out);
}

// Reads `key` of categories.yaml, a list of single words, into `words`, folded.
Status ReadFoldedWords(YamlMap& top, const char* key, std::set<std::string, std::less<>>& words) {
  std::vector<std::string> list;
  ADWATCH_RETURN_IF_ERROR(top.Read(key, list));
  for (const std::string& w : list) {
    if (w.empty() || w.find(' ') != std::string::npos) {
      return top.Error(key, "each entry is one word, '" + w + "' is not");
    }
    words.insert(Normalize(w).folded.text);
  }
  return Status::OK();
}

// Reads `key` of categories.yaml, a list of phrases of one or more words, into `phrases`, folded.
Status ReadFoldedPhrases(YamlMap& top, const char* key, std::vector<std::string>& phrases) {
  std::vector<std::string> list;
  ADWATCH_RETURN_IF_ERROR(top.Read(key, list));
  for (const std::string& phrase : list) {
    std::string folded = Normalize(phrase).folded.text;
    if (folded.find_first_not_of(' ') == std::string::npos) {
      return top.Error(key, "an entry is empty");
    }
    phrases.push_back(std::move(folded));
  }
  return Status::OK();
}

Status LoadCategories(const std::string& path, RuleSet::Engine& engine,
                      std::map<std::string, Category>& out) {
  auto root = LoadYamlFile(path);
  if (!root) return root.error();
  YamlMap top(path, *root, "");
  ADWATCH_RETURN_IF_ERROR(top.CheckIsMap());
  std::vector<std::string> cues, post_cues, to_others, conditions, refusals;
  ADWATCH_RETURN_IF_ERROR(top.Read("negation_cues", cues));
  ADWATCH_RETURN_IF_ERROR(top.Read("negation_post_cues", post_cues));
  ADWATCH_RETURN_IF_ERROR(
      ReadFoldedWords(top, "negation_cue_invitations", engine.negation_cue_invitations));
  ADWATCH_RETURN_IF_ERROR(
      ReadFoldedPhrases(top, "negation_cue_rivals", engine.negation_cue_rivals));
  ADWATCH_RETURN_IF_ERROR(
      ReadFoldedPhrases(top, "negation_post_cue_dismissals", engine.negation_post_cue_dismissals));
  ADWATCH_RETURN_IF_ERROR(top.Read("negation_cues_to_others", to_others));
  std::set<std::string, std::less<>> folded_cues;
  for (const std::string& c : cues) folded_cues.insert(Normalize(c).folded.text);
  for (const std::string& c : to_others) {
    std::string folded = Normalize(c).folded.text;
    if (folded_cues.find(folded) == folded_cues.end()) {
      return top.Error("negation_cues_to_others", "'" + c + "' is not one of negation_cues");
    }
    engine.negation_cues_to_others.insert(std::move(folded));
  }
  ADWATCH_RETURN_IF_ERROR(
      ReadFoldedWords(top, "negation_cue_addressees", engine.negation_cue_addressees));
  ADWATCH_RETURN_IF_ERROR(
      ReadFoldedWords(top, "negation_addressee_scenes", engine.negation_addressee_scenes));
  ADWATCH_RETURN_IF_ERROR(top.Read("negation_conditions", conditions));
  ADWATCH_RETURN_IF_ERROR(top.Read("negation_refusals", refusals));
  ADWATCH_RETURN_IF_ERROR(
      ReadFoldedWords(top, "negation_condition_relatives", engine.negation_condition_relatives));
  ADWATCH_RETURN_IF_ERROR(top.Read("negation_window_words", engine.negation_window_words));
  YAML::Node list = top.Child("categories");
  ADWATCH_RETURN_IF_ERROR(top.Finish());
  if (!list.IsSequence()) return top.Error("categories", "expected a list of categories");
  for (const auto& node : list) {
    Category c;
    YamlMap m(path, node, "categories[" + std::to_string(out.size()) + "]");
    ADWATCH_RETURN_IF_ERROR(m.CheckIsMap());
    ADWATCH_RETURN_IF_ERROR(m.Read("key", c.key, true));
    ADWATCH_RETURN_IF_ERROR(m.Read("cap", c.cap));
    ADWATCH_RETURN_IF_ERROR(
        m.ReadEnum("kind", c.kind, {"", "recruitment_ad", "news", "distress", "gambling_promo"}));
    ADWATCH_RETURN_IF_ERROR(ReadDescribe(m, c.describe_id, c.describe_en));
    std::optional<Pattern> pattern;
    ADWATCH_RETURN_IF_ERROR(ReadPattern(m, pattern));
    c.pattern = pattern.value_or(Pattern::kOther);
    ADWATCH_RETURN_IF_ERROR(m.Finish());
    if (c.cap < 0 || c.cap > 100) return m.Error("cap", "must lie between 0 and 100");
    if (out.count(c.key)) return m.Error("key", "duplicate category '" + c.key + "'");
    out[c.key] = std::move(c);
  }
  // Each list becomes one RE2 of whole-word alternatives.
  auto compile = [&](const std::vector<std::string>& words, const char* key,
                     std::unique_ptr<RE2>& compiled) -> Status {
    if (words.empty()) return Status::OK();
    std::string pattern = "(?:^|[^\\pL\\pN])(?:";
    for (size_t i = 0; i < words.size(); ++i) {
      if (i) pattern += '|';
      pattern += RE2::QuoteMeta(words[i]);
    }
    pattern += ")(?:[^\\pL\\pN]|$)";
    RE2::Options o;
    o.set_log_errors(false);
    compiled = std::make_unique<RE2>(pattern, o);
    if (!compiled->ok()) return Status::InvalidArgument(path + ": " + key, compiled->error());
    return Status::OK();
  };
  ADWATCH_RETURN_IF_ERROR(compile(cues, "negation_cues", engine.negation_cues));
  ADWATCH_RETURN_IF_ERROR(compile(post_cues, "negation_post_cues", engine.negation_post_cues));
  ADWATCH_RETURN_IF_ERROR(compile(conditions, "negation_conditions", engine.negation_conditions));
  ADWATCH_RETURN_IF_ERROR(compile(refusals, "negation_refusals", engine.negation_refusals));
  return Status::OK();
}

// Compiles a rule's pattern or exception number `index` (0-based), or says which one failed
// and why: "rules/id/x.yaml:12: rule R: pattern 2 '(tiket': missing ): (tiket".
Result<std::unique_ptr<RE2>> CompileRulePattern(const std::string& where, const std::string& id,
                                                const char* what, size_t index,
                                                const std::string& pattern,
                                                const RE2::Options& options) {
  auto re = std::make_unique<RE2>(pattern, options);
  if (!re->ok()) {
    return Status::InvalidArgument(where + ": rule " + id,
                                   std::string(what) + " " + std::to_string(index + 1) + " '" +
                                       pattern + "': " + re->error() +
                                       (re->error_arg().empty() ? "" : ": " + re->error_arg()));
  }
  return re;
}

// The rule files that put the most pattern text into a Set, for the error when it does not fit:
// "families.yaml 41 KB, conditions.yaml 12 KB".
std::string LargestPatternFiles(const std::vector<Rule>& rules, const ViewSet& vs,
                                const std::string& dir) {
  std::map<std::string, size_t> bytes;
  for (const auto& [ri, pi] : vs.entries) {
    const Rule& r = rules[static_cast<size_t>(ri)];
    bytes[r.file] += r.patterns[static_cast<size_t>(pi)].size();
  }
  std::vector<std::pair<size_t, std::string>> order;
  for (const auto& [file, n] : bytes) order.emplace_back(n, file);
  std::sort(order.begin(), order.end(), std::greater<>());
  std::string out;
  for (size_t k = 0; k < order.size() && k < 3; ++k) {
    if (k > 0) out += ", ";
    out += fs::path(order[k].second).lexically_relative(dir).string() + " " +
           std::to_string((order[k].first + 1023) / 1024) + " KB";
  }
  return out;
}

}  // namespace

Result<std::shared_ptr<const RuleSet>> RuleSet::Load(const RuleSetOptions& options) {
  ADWATCH_RETURN_IF_ERROR(Validate(options));
  std::shared_ptr<RuleSet> rs(new RuleSet());
  Rep& rep = *rs->rep_;
  Engine& engine = rep.engine;
  rep.options = options;
  const std::string& dir = options.rules_dir;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::NotFound(dir, "rules folder does not exist");

  // Every rule file, in a stable order; the gazetteer has its own folder.
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (it->is_directory() && it->path().filename() == "gazetteer") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".yaml" &&
        it->path().filename() != kCategoriesFile) {
      files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());

  const std::string categories_path = (fs::path(dir) / kCategoriesFile).string();
  ADWATCH_RETURN_IF_ERROR(LoadCategories(categories_path, engine, rep.categories));
  auto gazetteer = Gazetteer::Load((fs::path(dir) / "gazetteer").string());
  if (!gazetteer) return gazetteer.error();
  rep.gazetteer = std::move(gazetteer.value());

  std::string hash_input = ReadFile(categories_path) + rep.gazetteer->content_hash();
  std::vector<std::pair<std::string, YAML::Node>> whens;  // per rule: file and condition
  for (const std::string& file : files) {
    const std::string text = ReadFile(file);
    hash_input += file.substr(dir.size()) + "\n" + text;
    auto root = LoadYamlText(text, file);
    if (!root) return root.error();
    YamlMap top(file, *root, "");
    ADWATCH_RETURN_IF_ERROR(top.CheckIsMap());
    YAML::Node list = top.Child("rules");
    ADWATCH_RETURN_IF_ERROR(top.Finish());
    if (!list.IsSequence()) return top.Error("rules", "expected a list of rules");
    for (const auto& node : list) {
      Rule r;
      YAML::Node when;
      ADWATCH_RETURN_IF_ERROR(ReadRule(file, node, r, when));
      const std::string where = file + ":" + std::to_string(r.line);
      if (!rep.categories.count(r.category)) {
        return Status::InvalidArgument(where + ": rule " + r.id, UnknownCategory(r.category));
      }
      auto [it, inserted] = engine.by_id.emplace(r.id, static_cast<int>(rep.rules.size()));
      if (!inserted) {
        const Rule& first = rep.rules[static_cast<size_t>(it->second)];
        return Status::InvalidArgument(where + ": rule " + r.id,
                                       "duplicate id (first defined at " + first.file + ":" +
                                           std::to_string(first.line) + ")");
      }
      engine.by_category[r.category].push_back(static_cast<int>(rep.rules.size()));
      rep.rules.push_back(std::move(r));
      whens.emplace_back(file, when);
    }
  }

  // Compile patterns, one Set per view, and parse meta conditions now that every id is known.
  RE2::Options ropts;
  ropts.set_case_sensitive(false);
  ropts.set_log_errors(false);
  ropts.set_max_mem(options.set_max_mem_bytes);
  for (auto& vs : engine.sets) vs.set = std::make_unique<RE2::Set>(ropts, RE2::UNANCHORED);
  engine.compiled.resize(rep.rules.size());
  for (size_t i = 0; i < rep.rules.size(); ++i) {
    const Rule& r = rep.rules[i];
    CompiledRule& cr = engine.compiled[i];
    const std::string where = r.file + ":" + std::to_string(r.line);
    cr.enabled = r.status != RuleStatus::kDisabled;
    cr.weight = r.status == RuleStatus::kActive || options.include_testing ? r.weight : 0;
    if (r.meta) {
      cr.when.emplace();
      ConditionParser parser(whens[i].first, engine.by_id, rep.categories);
      Status s = parser.Parse(whens[i].second, *cr.when);
      if (!s.ok()) return Status::InvalidArgument("rule " + r.id + ": " + s.message());
      continue;
    }
    RE2::Options single = ropts;
    single.set_max_mem(8LL << 20);
    for (size_t p = 0; p < r.patterns.size(); ++p) {
      auto re = CompileRulePattern(where, r.id, "pattern", p, r.patterns[p], single);
      if (!re.has_value()) return re.error();
      cr.patterns.push_back(std::move(*re));
      if (!cr.enabled) continue;
      ViewSet& vs = engine.sets[static_cast<size_t>(r.view)];
      std::string error;
      if (vs.set->Add(r.patterns[p], &error) < 0) {
        return Status::InvalidArgument(where + ": rule " + r.id, "pattern: " + error);
      }
      vs.entries.emplace_back(static_cast<int>(i), static_cast<int>(p));
    }
    for (size_t p = 0; p < r.except.size(); ++p) {
      auto re = CompileRulePattern(where, r.id, "except", p, r.except[p], single);
      if (!re.has_value()) return re.error();
      cr.except.push_back(std::move(*re));
    }
  }
  for (size_t v = 0; v < engine.sets.size(); ++v) {
    if (engine.sets[v].entries.empty()) continue;
    if (!engine.sets[v].set->Compile()) {
      return Status::InvalidArgument(
          dir, std::string("the RE2::Set of the ") + (v == 0 ? "folded" : "skeleton") +
                   " view does not fit in set_max_mem_mb=" +
                   std::to_string(options.set_max_mem_bytes >> 20) +
                   "; raise it or simplify patterns (largest: " +
                   LargestPatternFiles(rep.rules, engine.sets[v], dir) + ")");
    }
  }

  // Meta rules in dependency order; a cycle is an error.
  std::vector<int> state(rep.rules.size(), 0);  // 0 new, 1 visiting, 2 done
  std::function<Status(int)> visit = [&](int i) -> Status {
    if (state[static_cast<size_t>(i)] == 2) return Status::OK();
    const Rule& r = rep.rules[static_cast<size_t>(i)];
    if (state[static_cast<size_t>(i)] == 1) {
      return Status::InvalidArgument(r.file + ":" + std::to_string(r.line) + ": rule " + r.id,
                                     "meta rules depend on each other in a cycle");
    }
    state[static_cast<size_t>(i)] = 1;
    std::vector<int> deps;
    CollectDeps(*engine.compiled[static_cast<size_t>(i)].when, rep.rules, deps);
    for (int d : deps) {
      if (d != i) ADWATCH_RETURN_IF_ERROR(visit(d));
    }
    state[static_cast<size_t>(i)] = 2;
    engine.meta_order.push_back(i);
    return Status::OK();
  };
  for (size_t i = 0; i < rep.rules.size(); ++i) {
    if (rep.rules[i].meta && engine.compiled[i].enabled)
      ADWATCH_RETURN_IF_ERROR(visit(static_cast<int>(i)));
  }

  rep.version = "rs-" + Sha256Hex(hash_input).substr(0, 12);
  return std::shared_ptr<const RuleSet>(std::move(rs));
}

}  // namespace adwatch::classifier
