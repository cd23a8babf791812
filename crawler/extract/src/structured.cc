#include "structured.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>
#include <utility>

#include "html_text.h"
#include "tag_lexer.h"
#include "text_builder.h"

namespace adwatch::extract {
namespace {

using json = nlohmann::json;

constexpr int kMaxJsonDepth = 64;   // nesting accepted in a JSON-LD block
constexpr int kMaxIndexDepth = 32;  // nesting searched for types and postings
constexpr size_t kMaxShortField = 1024;
constexpr size_t kMaxTypes = 32;
constexpr size_t kMaxArrayScan = 16;  // elements of one array value read

// Types recorded wherever they appear: they say what the page is.
constexpr std::string_view kDocumentTypes[] = {"JobPosting",
                                               "NewsArticle",
                                               "Article",
                                               "BlogPosting",
                                               "Report",
                                               "ReportageNewsArticle",
                                               "AnalysisNewsArticle",
                                               "OpinionNewsArticle",
                                               "LiveBlogPosting",
                                               "SocialMediaPosting",
                                               "DiscussionForumPosting",
                                               "WebPage",
                                               "ItemPage",
                                               "CollectionPage",
                                               "SearchResultsPage",
                                               "ProfilePage",
                                               "FAQPage",
                                               "QAPage",
                                               "Product",
                                               "Offer",
                                               "Event",
                                               "ItemList"};
constexpr std::string_view kArticleTypes[] = {"NewsArticle",
                                              "Article",
                                              "BlogPosting",
                                              "ReportageNewsArticle",
                                              "AnalysisNewsArticle",
                                              "OpinionNewsArticle",
                                              "Report",
                                              "LiveBlogPosting",
                                              "SocialMediaPosting",
                                              "DiscussionForumPosting"};

template <size_t N>
bool OneOf(std::string_view s, const std::string_view (&list)[N]) {
  for (std::string_view x : list) {
    if (s == x) return true;
  }
  return false;
}

// "https://schema.org/JobPosting", "schema:JobPosting" → "JobPosting".
std::string_view TypeName(std::string_view t) {
  const size_t cut = t.find_last_of("/:#");
  return cut == std::string_view::npos ? t : t.substr(cut + 1);
}

template <typename F>
void ForEachType(const json& obj, F&& f) {
  const auto it = obj.find("@type");
  if (it == obj.end()) return;
  if (it->is_string()) {
    f(TypeName(it->get_ref<const std::string&>()));
  } else if (it->is_array()) {
    for (const json& t : *it) {
      if (t.is_string()) f(TypeName(t.get_ref<const std::string&>()));
    }
  }
}

bool IsType(const json& obj, std::string_view name) {
  bool found = false;
  ForEachType(obj, [&](std::string_view t) { found = found || t == name; });
  return found;
}

const json* Get(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  const auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

std::string FormatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.15g", v);
  return buf;
}

// Trims, strips HTML comment and CDATA wrappers.
std::string_view Unwrap(std::string_view s) {
  constexpr std::string_view kPrefixes[] = {"//<![CDATA[", "/*<![CDATA[*/", "<![CDATA[", "<!--"};
  constexpr std::string_view kSuffixes[] = {"//]]>", "/*]]>*/", "]]>", "//-->", "-->"};
  bool changed = true;
  while (changed) {
    changed = false;
    while (!s.empty() && static_cast<unsigned char>(s.front()) <= 0x20) s.remove_prefix(1);
    while (!s.empty() && static_cast<unsigned char>(s.back()) <= 0x20) s.remove_suffix(1);
    for (std::string_view p : kPrefixes) {
      if (s.substr(0, p.size()) == p) {
        s.remove_prefix(p.size());
        changed = true;
      }
    }
    for (std::string_view p : kSuffixes) {
      if (s.size() >= p.size() && s.substr(s.size() - p.size()) == p) {
        s.remove_suffix(p.size());
        changed = true;
      }
    }
  }
  return s;
}

// Deepest nesting of arrays and objects in `s`, with strings skipped.
int JsonDepth(std::string_view s) {
  int depth = 0, max_depth = 0;
  bool in_string = false, escape = false;
  for (char c : s) {
    if (in_string) {
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) max_depth = depth;
    } else if (c == '}' || c == ']') {
      if (depth > 0) --depth;
    }
  }
  return max_depth;
}

// Escapes raw control characters inside strings, which many sites emit (line breaks in a
// description) and JSON forbids. Returns "" when there are none.
std::string EscapeControls(std::string_view s) {
  std::string out;
  bool in_string = false, escape = false, changed = false;
  out.reserve(s.size() + 32);
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (in_string && u < 0x20) {
      char buf[8];
      if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else {
        std::snprintf(buf, sizeof(buf), "\\u%04x", u);
        out += buf;
      }
      changed = true;
      escape = false;
      continue;
    }
    out.push_back(c);
    if (in_string) {
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    }
  }
  return changed ? out : std::string();
}

std::string ShortMessage(const char* what) {
  std::string m(what);
  // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." → from "parse error".
  if (m.size() > 1 && m[0] == '[') {
    const size_t close = m.find("] ");
    if (close != std::string::npos) m.erase(0, close + 2);
  }
  CutUtf8(m, 300);
  return m;
}

// Text of a short field (title, a name): markup and character references removed, one line.
std::string CleanShort(std::string_view s) {
  return HtmlFragmentToText(Utf8Prefix(s, 16 * kMaxShortField), kMaxShortField,
                            /*single_line=*/true, nullptr)
      .text;
}

class PostingReader {
 public:
  PostingReader(const std::unordered_map<std::string, const json*>& ids) : ids_(ids) {}

  // An {"@id": ...} reference replaced by the object it names, when the page has it.
  const json* Deref(const json* v) const {
    if (v == nullptr || !v->is_object()) return v;
    const auto id = v->find("@id");
    if (id == v->end() || !id->is_string() || v->contains("@type")) return v;
    const auto it = ids_.find(id->get_ref<const std::string&>());
    return it == ids_.end() ? v : it->second;
  }

  // The text of a value: a string, a number, an object's name/@value/value, an array's first.
  std::string Str(const json* v, int depth = 0) const {
    v = Deref(v);
    if (v == nullptr || depth > 4) return {};
    switch (v->type()) {
      case json::value_t::string:
        return v->get_ref<const std::string&>();
      case json::value_t::number_integer:
        return std::to_string(v->get<int64_t>());
      case json::value_t::number_unsigned:
        return std::to_string(v->get<uint64_t>());
      case json::value_t::number_float:
        return FormatNumber(v->get<double>());
      case json::value_t::object:
        for (const char* key : {"name", "@value", "value"}) {
          if (const json* inner = Get(*v, key)) {
            std::string s = Str(inner, depth + 1);
            if (!s.empty()) return s;
          }
        }
        return {};
      case json::value_t::array: {
        // The first few elements only: a page may name one huge array from many postings.
        size_t seen = 0;
        for (const json& e : *v) {
          if (++seen > kMaxArrayScan) break;
          std::string s = Str(&e, depth + 1);
          if (!s.empty()) return s;
        }
        return {};
      }
      default:
        return {};
    }
  }

  double Number(const json* v) const {
    v = Deref(v);
    if (v == nullptr) return 0;
    if (v->is_number()) {
      const double d = v->get<double>();
      return std::isfinite(d) && d > 0 ? d : 0;
    }
    if (v->is_string()) return ParseAmount(v->get_ref<const std::string&>());
    if (v->is_array() && !v->empty()) return Number(&(*v)[0]);
    return 0;
  }

  // Calls f(object) for a value that is an object or an array of objects (references followed).
  template <typename F>
  void ForEachObject(const json* v, F&& f) const {
    v = Deref(v);
    if (v == nullptr) return;
    if (v->is_array()) {
      size_t seen = 0;
      for (const json& e : *v) {
        if (++seen > kMaxArrayScan) break;
        const json* o = Deref(&e);
        if (o != nullptr) f(*o);
      }
    } else {
      f(*v);
    }
  }

  std::optional<Salary> ReadSalary(const json& posting) const {
    const json* bs = Get(posting, "baseSalary");
    if (bs == nullptr) bs = Get(posting, "estimatedSalary");
    bs = Deref(bs);
    if (bs == nullptr) return std::nullopt;
    if (bs->is_array()) {
      if (bs->empty()) return std::nullopt;
      bs = Deref(&(*bs)[0]);
    }
    Salary s;
    std::string unit;
    if (bs->is_object()) {
      s.currency = Str(Get(*bs, "currency"));
      const json* value = Deref(Get(*bs, "value"));
      if (value != nullptr && value->is_object()) {
        const double single = Number(Get(*value, "value"));
        const double lo = Number(Get(*value, "minValue"));
        const double hi = Number(Get(*value, "maxValue"));
        unit = Str(Get(*value, "unitText"));
        if (lo > 0 || hi > 0) {
          s.min = lo;
          s.max = hi > 0 ? hi : lo;
          s.open_ended = hi <= 0;
        } else {
          s.min = s.max = single;
        }
      } else {
        s.min = s.max = Number(value);
      }
      if (unit.empty()) unit = Str(Get(*bs, "unitText"));
    } else {
      s.min = s.max = Number(bs);
    }
    if (s.currency.empty()) s.currency = Str(Get(posting, "salaryCurrency"));
    if (s.min <= 0 && s.max <= 0) return std::nullopt;
    for (char& c : s.currency) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CutUtf8(s.currency, 16);
    for (char& c : unit) c = AsciiLower(c);
    if (unit == "hour" || unit == "day" || unit == "week" || unit == "month" || unit == "year")
      s.period = unit;
    return s;
  }

  void ReadLocations(const json& posting, std::vector<Location>* out) const {
    ForEachObject(Get(posting, "jobLocation"), [&](const json& place) {
      if (out->size() >= 16) return;
      Location loc;
      const json* address = Deref(Get(place, "address"));
      if (address != nullptr && address->is_object()) {
        loc.locality = CleanShort(Str(Get(*address, "addressLocality")));
        loc.region = CleanShort(Str(Get(*address, "addressRegion")));
        loc.country = CleanShort(Str(Get(*address, "addressCountry")));
      } else if (address != nullptr && address->is_string()) {
        loc.locality = CleanShort(address->get_ref<const std::string&>());
      } else if (place.is_string()) {
        loc.locality = CleanShort(place.get_ref<const std::string&>());
      } else {
        loc.locality = CleanShort(Str(Get(place, "name")));
      }
      if (!loc.locality.empty() || !loc.region.empty() || !loc.country.empty())
        out->push_back(std::move(loc));
    });
    ForEachObject(Get(posting, "applicantLocationRequirements"), [&](const json& area) {
      if (out->size() >= 16) return;
      Location loc;
      loc.country = CleanShort(area.is_string() ? area.get_ref<const std::string&>()
                                                : Str(Get(area, "name")));
      if (!loc.country.empty()) out->push_back(std::move(loc));
    });
  }

 private:
  const std::unordered_map<std::string, const json*>& ids_;
};

// A JobPosting's `image`: a URL, an ImageObject (url or contentUrl), or an array of either.
void ReadImages(const PostingReader& r, const json& posting, const CandidateContext& ctx,
                std::vector<ImageRef>* out) {
  const json* image = r.Deref(Get(posting, "image"));
  if (image == nullptr || ctx.resolver == nullptr) return;
  auto add = [&](const json* v) {
    v = r.Deref(v);
    if (v == nullptr) return;
    std::string src;
    if (v->is_string()) {
      src = v->get<std::string>();
    } else if (v->is_object()) {
      for (const char* key : {"contentUrl", "url"}) {
        const json* u = Get(*v, key);
        if (u != nullptr && u->is_string()) {
          src = u->get<std::string>();
          break;
        }
      }
    }
    if (src.empty() || src.size() > 4096) return;
    std::string url = ctx.resolver->Resolve(src);
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) return;
    for (const ImageRef& im : *out) {
      if (im.url == url) return;
    }
    ImageRef ref;
    ref.url = std::move(url);
    ref.origin = ImageOrigin::kJsonLd;
    out->push_back(std::move(ref));
  };
  if (image->is_array()) {
    size_t seen = 0;
    for (const json& e : *image) {
      if (++seen > kMaxArrayScan) break;
      add(&e);
    }
  } else {
    add(image);
  }
}

AdCandidate ToCandidate(const json& posting, bool microdata, const PostingReader& r,
                        const CandidateContext& ctx, std::vector<std::string>* problems) {
  AdCandidate c;
  c.origin = microdata ? CandidateOrigin::kMicrodata : CandidateOrigin::kJsonLd;
  c.source = ctx.source;
  c.title = CleanShort(r.Str(Get(posting, "title")));
  if (c.title.empty()) c.title = CleanShort(r.Str(Get(posting, "name")));

  const std::string description = r.Str(Get(posting, "description"));
  if (microdata) {
    // Microdata descriptions are element text already: no markup to read.
    TextBuilder b(ctx.max_text_bytes);
    b.AppendPreformatted(description);
    c.text = b.Take();
    if (b.truncated()) problems->push_back("candidate text cut at max_text_bytes: " + c.title);
  } else {
    FragmentText ft =
        HtmlFragmentToText(description, ctx.max_text_bytes, /*single_line=*/false, ctx.resolver);
    c.text = std::move(ft.text);
    c.links = std::move(ft.links);
    if (ft.truncated) problems->push_back("candidate text cut at max_text_bytes: " + c.title);
  }

  const json* id = r.Deref(Get(posting, "identifier"));
  if (id != nullptr && id->is_object() && Get(*id, "value") != nullptr) {
    c.post_id = r.Str(Get(*id, "value"));
  } else {
    c.post_id = r.Str(id);
  }
  CutUtf8(c.post_id, 256);

  const std::string url = r.Str(Get(posting, "url"));
  if (!url.empty() && ctx.resolver != nullptr) c.url = ctx.resolver->Resolve(url);
  if (c.url.empty()) c.url = ctx.page_url;

  c.posted_at = CleanShort(r.Str(Get(posting, "datePosted")));
  c.valid_through = CleanShort(r.Str(Get(posting, "validThrough")));
  const json* types = r.Deref(Get(posting, "employmentType"));
  if (types != nullptr && types->is_array()) {
    size_t seen = 0;
    for (const json& t : *types) {
      if (++seen > kMaxArrayScan) break;
      const std::string s = CleanShort(r.Str(&t));
      if (s.empty()) continue;
      if (!c.employment_type.empty()) c.employment_type += ", ";
      c.employment_type += s;
    }
  } else {
    c.employment_type = CleanShort(r.Str(types));
  }
  CutUtf8(c.employment_type, kMaxShortField);

  const json* org = r.Deref(Get(posting, "hiringOrganization"));
  if (org != nullptr && org->is_array() && !org->empty()) org = r.Deref(&(*org)[0]);
  if (org != nullptr) {
    if (org->is_object()) {
      c.employer = CleanShort(r.Str(Get(*org, "name")));
      std::string site = r.Str(Get(*org, "sameAs"));
      if (site.empty()) site = r.Str(Get(*org, "url"));
      if (!site.empty() && ctx.resolver != nullptr) c.employer_url = ctx.resolver->Resolve(site);
    } else {
      c.employer = CleanShort(r.Str(org));
    }
  }
  ReadImages(r, posting, ctx, &c.images);
  r.ReadLocations(posting, &c.locations);
  c.salary = r.ReadSalary(posting);
  c.lang = CleanShort(r.Str(Get(posting, "inLanguage")));
  if (c.lang.empty()) c.lang = ctx.lang;
  return c;
}

}  // namespace

double ParseAmount(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && !(text[i] >= '0' && text[i] <= '9')) ++i;
  if (i == text.size()) return 0;
  std::string digits;
  size_t end = i;
  while (end < text.size() &&
         ((text[end] >= '0' && text[end] <= '9') || text[end] == '.' || text[end] == ',')) {
    digits.push_back(text[end]);
    ++end;
  }
  while (!digits.empty() && (digits.back() == '.' || digits.back() == ',')) digits.pop_back();
  // Which of '.' and ',' separates thousands: the last separator is a decimal point when the
  // other kind also appears before it, or when it appears once and is not followed by exactly
  // three digits ("1,5" → 1.5; "12,000" → 12000; "8.500.000" → 8500000).
  const size_t last = digits.find_last_of(".,");
  std::string plain;
  if (last != std::string::npos) {
    const char sep = digits[last];
    const char other = sep == '.' ? ',' : '.';
    const bool both = digits.find(other) != std::string::npos;
    const bool repeated = digits.find(sep) != last;
    const bool decimal = both || (!repeated && digits.size() - last - 1 != 3);
    for (size_t k = 0; k < digits.size(); ++k) {
      const char c = digits[k];
      if (c >= '0' && c <= '9') {
        plain.push_back(c);
      } else if (k == last && decimal) {
        plain.push_back('.');
      }
    }
  } else {
    plain = digits;
  }
  if (plain.empty() || plain.size() > 30) return 0;
  double value = std::strtod(plain.c_str(), nullptr);
  // Indonesian and English multipliers written after the number.
  std::string rest;
  for (size_t k = end; k < text.size() && rest.size() < 8; ++k) {
    if (text[k] == ' ' && rest.empty()) continue;
    rest.push_back(AsciiLower(text[k]));
  }
  if (rest.rfind("juta", 0) == 0 || rest.rfind("jt", 0) == 0) {
    value *= 1e6;
  } else if (rest.rfind("ribu", 0) == 0 || rest.rfind("rb", 0) == 0 || rest.rfind("k", 0) == 0) {
    value *= 1e3;
  }
  return std::isfinite(value) ? value : 0;
}

void StructuredData::AddType(const std::string& type) {
  if (type.empty() || types_.size() >= kMaxTypes) return;
  for (const std::string& t : types_) {
    if (t == type) return;
  }
  types_.push_back(type);
}

void StructuredData::Index(const json& root, bool microdata) {
  struct Item {
    const json* v;
    int depth;
    bool top;
  };
  std::vector<Item> stack{{&root, 0, true}};
  while (!stack.empty()) {
    const Item it = stack.back();
    stack.pop_back();
    const json& v = *it.v;
    if (v.is_array()) {
      if (it.depth >= kMaxIndexDepth) continue;
      for (auto e = v.rbegin(); e != v.rend(); ++e) stack.push_back({&*e, it.depth + 1, it.top});
      continue;
    }
    if (!v.is_object()) continue;
    const auto id = v.find("@id");
    if (id != v.end() && id->is_string() && v.size() > 1)
      ids_.emplace(id->get_ref<const std::string&>(), &v);
    std::string_view article_type;
    ForEachType(v, [&](std::string_view type) {
      if (it.top || OneOf(type, kDocumentTypes)) AddType(std::string(Utf8Prefix(type, 64)));
      if (article_type.empty() && OneOf(type, kArticleTypes)) article_type = type;
    });
    if (IsType(v, "JobPosting")) postings_.push_back({&v, microdata});
    if (article_.type.empty() && !article_type.empty()) {
      const PostingReader r(ids_);
      article_.type = std::string(article_type);
      article_.headline = CleanShort(r.Str(Get(v, "headline")));
      if (article_.headline.empty()) article_.headline = CleanShort(r.Str(Get(v, "name")));
      article_.date_published = CleanShort(r.Str(Get(v, "datePublished")));
      article_.author = CleanShort(r.Str(Get(v, "author")));
    }
    if (it.depth >= kMaxIndexDepth) continue;
    std::vector<Item> children;
    for (auto kv = v.begin(); kv != v.end(); ++kv) {
      if (kv.key() == "@context") continue;
      if (!kv->is_object() && !kv->is_array()) continue;
      children.push_back({&kv.value(), it.depth + 1, kv.key() == "@graph" && it.top});
    }
    for (auto c = children.rbegin(); c != children.rend(); ++c) stack.push_back(*c);
  }
}

void StructuredData::AddJsonLd(std::string_view block, size_t index, size_t max_bytes,
                               std::vector<std::string>* problems) {
  const std::string where = "json-ld block " + std::to_string(index) + ": ";
  if (block.size() > max_bytes) {
    problems->push_back(where + "skipped, " + std::to_string(block.size()) +
                        " bytes is over max_json_ld_bytes");
    return;
  }
  const std::string_view text = Unwrap(block);
  if (text.empty()) return;
  if (JsonDepth(text) > kMaxJsonDepth) {
    problems->push_back(where + "skipped, nested deeper than " + std::to_string(kMaxJsonDepth));
    return;
  }
  json doc;
  try {
    doc = json::parse(text, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::exception& first) {
    const std::string repaired = EscapeControls(text);
    bool ok = false;
    if (!repaired.empty()) {
      try {
        doc = json::parse(repaired, nullptr, true, true);
        ok = true;
      } catch (const json::exception&) {
      }
    }
    if (!ok) {
      problems->push_back(where + ShortMessage(first.what()));
      return;
    }
  }
  docs_.push_back(std::move(doc));
  Index(docs_.back(), /*microdata=*/false);
}

void StructuredData::AddMicrodata(json item) {
  docs_.push_back(std::move(item));
  Index(docs_.back(), /*microdata=*/true);
}

std::vector<AdCandidate> StructuredData::JobPostings(const CandidateContext& ctx,
                                                     std::vector<std::string>* problems) const {
  const PostingReader reader(ids_);
  std::vector<AdCandidate> out;
  std::vector<std::string> json_ld_titles;
  for (const Posting& p : postings_) {
    if (out.size() > ctx.max_candidates) break;  // one over, so that the caller notes the cut
    AdCandidate c = ToCandidate(*p.object, p.microdata, reader, ctx, problems);
    if (p.microdata) {
      bool seen = false;
      for (const std::string& t : json_ld_titles) seen = seen || t == c.title;
      if (seen) continue;
    } else {
      json_ld_titles.push_back(c.title);
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace adwatch::extract
