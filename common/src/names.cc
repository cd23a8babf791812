#include "adwatch/common/names.h"

#include <array>
#include <utility>

namespace adwatch {
namespace {

// One table per enum, indexed by the enumerator's value, so Name and Parse cannot disagree.
constexpr std::array kLevel{"none", "low", "medium", "high"};
constexpr std::array kDocKind{"other", "recruitment_ad", "news", "distress", "gambling_promo"};
constexpr std::array kContactKind{"phone", "whatsapp", "telegram", "line", "email", "wechat"};
constexpr std::array kPlaceKind{"country", "hotspot", "transit", "province", "regency", "city"};
constexpr std::array kReviewLabel{"confirmed", "legit", "news", "unsure", "released"};
constexpr std::array kFetchError{"none",
                                 "dns",
                                 "connect",
                                 "timeout",
                                 "tls",
                                 "too_large",
                                 "blocked_address",
                                 "robots_denied",
                                 "out_of_scope",
                                 "too_many_redirects",
                                 "protocol",
                                 "other"};
constexpr std::array kSourceKind{"generic", "job_board", "channel_preview", "classifieds",
                                 "social_post"};
constexpr std::array kCandidateOrigin{"main_text",    "json_ld",    "microdata",
                                      "channel_post", "open_graph", "import"};
constexpr std::array kImageOrigin{"img", "open_graph", "background", "json_ld", "upload"};
constexpr std::array kFetchPriority{"submission", "revisit", "discovered"};
constexpr std::array kPattern{"other",
                              "compound_scam",
                              "irregular_migration",
                              "mideast_domestic",
                              "sexual_exploitation",
                              "child",
                              "fishing_crew",
                              "bride",
                              "organ",
                              "fake_internship",
                              "fee_scam",
                              "baby_sale"};
constexpr std::array kPatternId{"lainnya",
                                "sindikat penipuan/judi online",
                                "migrasi nonprosedural ke Malaysia/Brunei",
                                "PRT ke Timur Tengah (moratorium)",
                                "eksploitasi seksual",
                                "perekrutan anak",
                                "ABK kapal ikan asing",
                                "pengantin pesanan",
                                "jual beli organ",
                                "magang palsu",
                                "penipuan biaya kerja",
                                "jual beli bayi"};
constexpr std::array kPatternEn{"other",
                                "scam or gambling compound",
                                "irregular migration to Malaysia/Brunei",
                                "domestic work in the Middle East (moratorium)",
                                "sexual exploitation",
                                "child recruitment",
                                "crew for foreign fishing vessels",
                                "bride trafficking",
                                "organ sale",
                                "fake internship",
                                "advance-fee job scam",
                                "baby sale"};
static_assert(kPattern.size() == static_cast<size_t>(Pattern::kBabySale) + 1);
constexpr std::array kRole{"ngo", "police", "taskforce"};
static_assert(kRole.size() == static_cast<size_t>(Role::kTaskforce) + 1);
constexpr std::array kSubmissionStatus{"queued", "fetching", "done", "failed"};
static_assert(kSubmissionStatus.size() == static_cast<size_t>(SubmissionStatus::kFailed) + 1);
constexpr std::array kWatchKind{"phone", "whatsapp", "telegram", "email", "domain", "keyword"};
static_assert(kWatchKind.size() == static_cast<size_t>(WatchKind::kKeyword) + 1);
constexpr std::array kOutcome{"queued",        "fetched",      "not_modified",
                              "robots_denied", "out_of_scope", "too_large",
                              "failed",        "redirected",   "blocked"};
static_assert(kOutcome.size() == static_cast<size_t>(Outcome::kBlocked) + 1);
static_assert(kPatternId.size() == kPattern.size() && kPatternEn.size() == kPattern.size());

template <typename E, typename Table>
std::string_view NameIn(const Table& t, E v) {
  auto i = static_cast<size_t>(v);
  return i < t.size() ? std::string_view(t[i]) : std::string_view("unknown");
}

template <typename E, typename Table>
std::optional<E> ParseIn(const Table& t, std::string_view s) {
  for (size_t i = 0; i < t.size(); ++i) {
    if (s == t[i]) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view Name(Level v) { return NameIn(kLevel, v); }
std::string_view Name(DocKind v) { return NameIn(kDocKind, v); }
std::string_view Name(ContactKind v) { return NameIn(kContactKind, v); }
std::string_view Name(PlaceKind v) { return NameIn(kPlaceKind, v); }
std::string_view Name(ReviewLabel v) { return NameIn(kReviewLabel, v); }
std::string_view Name(FetchError v) { return NameIn(kFetchError, v); }
std::string_view Name(SourceKind v) { return NameIn(kSourceKind, v); }
std::string_view Name(CandidateOrigin v) { return NameIn(kCandidateOrigin, v); }
std::string_view Name(ImageOrigin v) { return NameIn(kImageOrigin, v); }
std::string_view Name(FetchPriority v) { return NameIn(kFetchPriority, v); }
std::string_view Name(Pattern v) { return NameIn(kPattern, v); }
std::string_view Name(Role v) { return NameIn(kRole, v); }
std::string_view Name(SubmissionStatus v) { return NameIn(kSubmissionStatus, v); }
std::string_view Name(WatchKind v) { return NameIn(kWatchKind, v); }
std::string_view Name(Outcome v) { return NameIn(kOutcome, v); }

std::string_view PatternTitle(Pattern v, bool english) {
  return english ? NameIn(kPatternEn, v) : NameIn(kPatternId, v);
}

const std::vector<Pattern>& AllPatterns() {
  static const std::vector<Pattern> all = [] {
    std::vector<Pattern> v;
    for (size_t i = 0; i < kPattern.size(); ++i) v.push_back(static_cast<Pattern>(i));
    return v;
  }();
  return all;
}

std::optional<Level> ParseLevel(std::string_view s) { return ParseIn<Level>(kLevel, s); }
std::optional<DocKind> ParseDocKind(std::string_view s) { return ParseIn<DocKind>(kDocKind, s); }
std::optional<ContactKind> ParseContactKind(std::string_view s) {
  return ParseIn<ContactKind>(kContactKind, s);
}
std::optional<PlaceKind> ParsePlaceKind(std::string_view s) {
  return ParseIn<PlaceKind>(kPlaceKind, s);
}
std::optional<ReviewLabel> ParseReviewLabel(std::string_view s) {
  return ParseIn<ReviewLabel>(kReviewLabel, s);
}
std::optional<FetchError> ParseFetchError(std::string_view s) {
  return ParseIn<FetchError>(kFetchError, s);
}
std::optional<SourceKind> ParseSourceKind(std::string_view s) {
  return ParseIn<SourceKind>(kSourceKind, s);
}
std::optional<ImageOrigin> ParseImageOrigin(std::string_view s) {
  return ParseIn<ImageOrigin>(kImageOrigin, s);
}

std::optional<CandidateOrigin> ParseCandidateOrigin(std::string_view s) {
  return ParseIn<CandidateOrigin>(kCandidateOrigin, s);
}
std::optional<Pattern> ParsePattern(std::string_view s) { return ParseIn<Pattern>(kPattern, s); }
std::optional<Role> ParseRole(std::string_view s) { return ParseIn<Role>(kRole, s); }
std::optional<SubmissionStatus> ParseSubmissionStatus(std::string_view s) {
  return ParseIn<SubmissionStatus>(kSubmissionStatus, s);
}
std::optional<WatchKind> ParseWatchKind(std::string_view s) {
  return ParseIn<WatchKind>(kWatchKind, s);
}
std::optional<Outcome> ParseOutcome(std::string_view s) { return ParseIn<Outcome>(kOutcome, s); }

}  // namespace adwatch
