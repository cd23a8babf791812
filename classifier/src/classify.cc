#include "adwatch/classifier/classify.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cmath>
#include <set>
#include <string_view>

#include "adwatch/classifier/normalize.h"
#include "adwatch/common/names.h"
#include "denial.h"
#include "engine.h"
#include "entities.h"
#include "image_spans.h"

namespace adwatch::classifier {

struct Classifier::Counters {
  std::atomic<int64_t> set_fallbacks{0};
};

Status Validate(const ClassifyOptions& o) {
  if (!(0 < o.low && o.low < o.medium && o.medium < o.high && o.high <= 100)) {
    return Status::InvalidArgument("scoring",
                                   "thresholds must satisfy 0 < low < medium < high <= 100");
  }
  for (double f : {o.non_ad_factor, o.negated_factor}) {
    if (f < 0 || f > 1) return Status::InvalidArgument("scoring", "factors must lie in [0, 1]");
  }
  if (o.kind_threshold < 0)
    return Status::InvalidArgument("scoring", "kind_threshold must be >= 0");
  if (o.pattern_min_evidence < 0 || o.pattern_dominance < 1) {
    return Status::InvalidArgument("scoring",
                                   "pattern_min_evidence must be >= 0 and pattern_dominance >= 1");
  }
  if (o.max_spans_per_rule < 1)
    return Status::InvalidArgument("scoring", "max_spans_per_rule must be >= 1");
  return Status::OK();
}

Classifier::Classifier(std::shared_ptr<const RuleSet> rules, ClassifyOptions options)
    : rules_(std::move(rules)),
      options_(std::move(options)),
      counters_(std::make_shared<Counters>()) {}

int64_t Classifier::set_fallbacks() const { return counters_->set_fallbacks.load(); }

namespace {

struct Field {
  const char* name;
  std::string_view original;
  NormalizedText views;
  std::vector<Span> negated;  // warning/negation and quoted regions, in the original text
};

bool Overlaps(Span a, Span b) { return a.begin < b.end && b.begin < a.end; }
bool Inside(Span inner, Span outer) { return inner.begin >= outer.begin && inner.end <= outer.end; }

// Whether `span` of field `f` lies in one of its warning or quotation regions (or starts in one).
bool InWarning(const Field& f, Span span) {
  return std::any_of(f.negated.begin(), f.negated.end(), [&](const Span& n) {
    return Inside(span, n) || (Overlaps(span, n) && span.begin >= n.begin);
  });
}

void AddEvidence(std::vector<Evidence>& ev, const char* field, Span s) {
  // Spans first: comparing two integers is cheaper than comparing the field names.
  for (const Evidence& e : ev) {
    if (e.span == s && e.field == field) return;
  }
  ev.push_back({field, s});
}

// Whether quoted text reads as quoted speech ("Dibutuhkan donor ginjal, kompensasi 150 juta",
// "tiket pesawat ditanggung") rather than a name, a title or a word to type ("Cleaning Service &
// Household Assistant", "ADMIN ONLINE", "MAU") or a scare-quoted term ("visa wisata", "program
// donor"), which ads quote too: five words or more, or three or more with one in lower case.
// Text without spaces (Chinese) counts by its characters.
bool QuotesASentence(std::string_view q) {
  int words = 0;
  bool in_word = false, lower_word = false;
  size_t non_ascii = 0;
  for (unsigned char c : q) {
    const bool letter = std::isalnum(c) != 0;
    if (c >= 0x80) ++non_ascii;
    if (letter && !in_word) {
      ++words;
      if (std::islower(c) != 0) lower_word = true;
    }
    in_word = letter;
  }
  return words >= 5 || (words >= 3 && lower_word) || non_ascii >= 24;  // eight CJK characters
}

// Whether a tick (✅, ✔, ☑) starts at `i`: an item ticked is asserted, whatever came before it.
bool TickAt(std::string_view t, size_t i) {
  static constexpr std::string_view kTicks[] = {"\xE2\x9C\x85", "\xE2\x9C\x94", "\xE2\x98\x91"};
  if (static_cast<unsigned char>(t[i]) != 0xE2) return false;
  for (std::string_view tick : kTicks) {
    if (t.substr(i, tick.size()) == tick) return true;
  }
  return false;
}

// Where the list a warning introduces ends: "Ciri-ciri yang perlu diwaspadai:" closing its line,
// then one item per line ("🔸 Dijamin berangkat…", "🔸 Bayar DP…") up to the blank line after
// them, at most kListLines lines. `cue` is where the cue starts in `original`; returns `cue` when
// the cue's sentence does not end its line with a colon ("Hati-hati penipuan. Syarat:" introduces
// no warning list).
uint32_t ListAfterCue(std::string_view original, uint32_t cue) {
  constexpr int kListLines = 15;
  // The cue's match may begin at the separator before it, a line break included.
  while (cue < original.size() && (original[cue] == ' ' || original[cue] == '\n')) ++cue;
  size_t eol = original.find('\n', cue);
  if (eol == std::string_view::npos) return cue;
  size_t last = eol;
  while (last > cue && (original[last - 1] == ' ' || original[last - 1] == '\r')) --last;
  if (last == cue || original[last - 1] != ':') return cue;
  if (original.substr(cue, last - cue).find_first_of(".!?") != std::string_view::npos) return cue;
  size_t end = eol;
  bool items = false;
  for (int lines = 0; lines < kListLines && end < original.size(); ++lines) {
    const size_t next = std::min(original.find('\n', end + 1), original.size());
    const std::string_view line = original.substr(end + 1, next - end - 1);
    const bool blank = line.find_first_not_of(" \t\r") == std::string_view::npos;
    if (blank && items) break;  // the blank line after the list; those before it are skipped
    items = items || !blank;
    end = next;
  }
  return static_cast<uint32_t>(end);
}

// Whether `t[i]` ends a sentence for a warning's reach: . ! ? ; but not a dot between digits, which
// groups thousands or marks decimals ("gaji 2.000 riyal, pake visa kunjungan" is one sentence).
bool SentenceEndAt(std::string_view t, size_t i) {
  const char c = t[i];
  if (c == '!' || c == '?' || c == ';') return true;
  if (c != '.') return false;
  auto digit = [&](size_t j) {
    return j < t.size() && std::isdigit(static_cast<unsigned char>(t[j])) != 0;
  };
  return !(i > 0 && digit(i - 1) && digit(i + 1));
}

// Whether `c` ends a word of the folded text: an ASCII byte that is not a letter or digit
// ("minat?", "minat:"). Bytes of other scripts belong to the word.
bool BreaksWord(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x80 && std::isalnum(u) == 0;
}

// The word of the folded text at `pos`, past spaces and commas; empty at other punctuation or at
// the end.
std::string_view WordAt(std::string_view t, size_t pos) {
  while (pos < t.size() && (t[pos] == ' ' || t[pos] == ',')) ++pos;
  size_t end = pos;
  while (end < t.size() && !BreaksWord(t[end])) ++end;
  return t.substr(pos, end - pos);
}

// Whether the word at `pos` of the folded text (past spaces and commas) is one of `words`.
bool InvitationAt(std::string_view t, size_t pos, const std::set<std::string, std::less<>>& words) {
  const std::string_view word = WordAt(t, pos);
  return !word.empty() && words.find(word) != words.end();
}

// Whether one of `phrases` starts at `pos` of the folded text (past spaces and commas) and ends
// there as a word does ("agen lain," but not "agen lainnya").
bool PhraseAt(std::string_view t, size_t pos, const std::vector<std::string>& phrases) {
  while (pos < t.size() && (t[pos] == ' ' || t[pos] == ',')) ++pos;
  for (const std::string& p : phrases) {
    if (t.substr(pos, p.size()) != p) continue;
    const size_t end = pos + p.size();
    if (end == t.size() || BreaksWord(t[end])) return true;
  }
  return false;
}

// The cue a match of the whole-word cue pattern holds, without the boundary bytes around it.
std::string_view CueCore(std::string_view m) {
  while (!m.empty() && BreaksWord(m.front())) m.remove_prefix(1);
  while (!m.empty() && BreaksWord(m.back())) m.remove_suffix(1);
  return m;
}

// The word of the folded text that ends right before `pos` (past spaces, commas and colons), or "".
std::string_view WordBefore(std::string_view t, size_t pos) {
  while (pos > 0 && (t[pos - 1] == ' ' || t[pos - 1] == ',' || t[pos - 1] == ':')) --pos;
  size_t begin = pos;
  while (begin > 0 && !BreaksWord(t[begin - 1])) --begin;
  return t.substr(begin, pos - begin);
}

// The first refusal of `negation_refusals` ("tolak aja", "jang iko") in t[from, to], the mark that
// closes the sentence at `to` included, without its boundary bytes; empty if there is none.
std::string_view RefusalIn(std::string_view t, size_t from, size_t to,
                           const RuleSet::Engine& engine) {
  if (!engine.negation_refusals) return {};
  re2::StringPiece r;
  if (!engine.negation_refusals->Match(re2::StringPiece(t.data(), t.size()), from,
                                       std::min(t.size(), to + 1), RE2::UNANCHORED, &r, 1)) {
    return {};
  }
  return CueCore(std::string_view(r.data(), r.size()));
}

// Whether the condition ending at `pos` of the folded text invites rather than warns: a word of
// `negation_cue_invitations` follows it right away, or after a relative word among its next few
// words ("kalau ada yang minat", "kalau ada saudara yang mau", "ari ana sing gelem").
bool ConditionInvites(std::string_view t, size_t pos, const RuleSet::Engine& engine) {
  constexpr int kConditionSubjectWords = 3;  // "kalau ada [saudara kita] yang mau"
  const auto& invitations = engine.negation_cue_invitations;
  const auto& relatives = engine.negation_condition_relatives;
  for (int words = 0; words < kConditionSubjectWords; ++words) {
    const std::string_view word = WordAt(t, pos);
    if (word.empty()) return false;  // punctuation: the condition's subject has ended
    if (words == 0 && invitations.find(word) != invitations.end()) return true;
    pos = static_cast<size_t>(word.data() - t.data()) + word.size();
    if (relatives.find(word) != relatives.end()) return InvitationAt(t, pos, invitations);
  }
  return false;
}

// Whether a phrase of `dismissals` starts within a few words after `pos` of the folded text, in the
// same sentence: "…itu dilarang pemerintah katanya, tapi aman" dismisses the verdict before it.
bool DismissedAfter(std::string_view t, size_t pos, const std::vector<std::string>& dismissals) {
  constexpr int kDismissalWords = 3;  // "…itu dilarang, memang sih, tapi aman"
  if (dismissals.empty()) return false;
  for (int words = 0; words <= kDismissalWords; ++words) {
    while (pos < t.size() && BreaksWord(t[pos])) {
      if (t[pos] == '\n' || SentenceEndAt(t, pos)) return false;
      ++pos;
    }
    if (pos >= t.size()) return false;
    if (PhraseAt(t, pos, dismissals)) return true;
    while (pos < t.size() && !BreaksWord(t[pos])) ++pos;
  }
  return false;
}

// Whether the cue at `cue` (the match of the cue pattern) reports an offer to the reader: a cue of
// `negation_cues_to_others` right after an addressee ("Anda ditawari kerja…"), with no word of
// `negation_addressee_scenes` before it: a condition ("kalau Anda ditawari…") or a scene set for
// the reader ("POV: kamu ditawarin kerja di Arab…") still warns.
bool OfferToReader(std::string_view t, std::string_view cue, const RuleSet::Engine& engine) {
  const std::string_view core = CueCore(cue);
  if (engine.negation_cues_to_others.find(core) == engine.negation_cues_to_others.end()) {
    return false;
  }
  const size_t at = static_cast<size_t>(core.data() - t.data());
  const std::string_view addressee = WordBefore(t, at);
  if (addressee.empty() ||
      engine.negation_cue_addressees.find(addressee) == engine.negation_cue_addressees.end()) {
    return false;
  }
  const size_t before = static_cast<size_t>(addressee.data() - t.data());
  const std::string_view scene = WordBefore(t, before);
  return engine.negation_addressee_scenes.find(scene) == engine.negation_addressee_scenes.end();
}

// Regions read as warnings or quotations: the words after a negation cue ("jangan tergiur gaji
// 15 juta…") up to the end of the sentence or a tick, or to the end of the list it introduces, a
// sentence closed by a verdict ("berangkat cukup KTP, potong gaji = TIDAK RESMI"), and text between
// quote marks.
std::vector<Span> NegatedRegions(const Field& f, const RuleSet::Engine& engine) {
  std::vector<Span> out;
  const std::string& t = f.views.folded.text;
  if (engine.negation_cues && !t.empty()) {
    re2::StringPiece input(t), m;
    size_t pos = 0;
    while (pos < t.size() &&
           engine.negation_cues->Match(input, pos, t.size(), RE2::UNANCHORED, &m, 1)) {
      const auto b = static_cast<size_t>(m.data() - t.data());
      size_t e = b + m.size();
      if (InvitationAt(t, e, engine.negation_cue_invitations) ||
          PhraseAt(t, e, engine.negation_cue_rivals) ||
          OfferToReader(t, std::string_view(m.data(), m.size()), engine)) {
        pos = std::max(b + 1, e);
        continue;
      }
      int words = 0;
      while (e < t.size() && words < engine.negation_window_words) {
        const char c = t[e];
        if (SentenceEndAt(t, e)) break;
        if (TickAt(t, e)) break;  // "❌ tes ❌ ijazah ✅ admin 2 jt": the tick asserts again
        if (c == ' ') ++words;
        ++e;
      }
      // A refusal that closes its clause ends the warning's reach: "kalo ada yang nawarin lebih
      // murah, tolak aja, kami paling murah: …" goes on with the recruiter's own offer. One with
      // an object goes on refusing ("tolak saja tawaran gaji 15 juta…").
      if (e > b + m.size()) {
        const std::string_view refusal = RefusalIn(t, b + m.size(), e, engine);
        if (!refusal.empty()) {
          const auto after = static_cast<size_t>(refusal.data() - t.data()) + refusal.size();
          if (after >= t.size() || t[after] != ' ') e = std::min(e, after);
        }
      }
      if (e > b) {
        Span region = ToOriginal(f.views.folded, b, e);
        region.end = std::max(region.end, ListAfterCue(f.original, region.begin));
        out.push_back(region);
      }
      pos = std::max(b + 1, b + m.size());
    }
  }
  if (engine.negation_post_cues && !t.empty()) {
    re2::StringPiece input(t), m;
    size_t pos = 0;
    while (pos < t.size() &&
           engine.negation_post_cues->Match(input, pos, t.size(), RE2::UNANCHORED, &m, 1)) {
      const auto b = static_cast<size_t>(m.data() - t.data());
      // Back in the original text to the start of the sentence (or line) the verdict closes.
      const Span cue =
          ToOriginal(f.views.folded, b, std::min(t.size(), std::max(b + 1, b + m.size())));
      pos = std::max(b + 1, b + m.size());
      // "dijamin tidak akan berakhir di tahanan" reassures; it closes no warning, nor does a
      // verdict the recruiter waves away ("itu dilarang pemerintah, tapi aman").
      if (DeniedJustBefore(f.original, cue.begin)) continue;
      const std::string_view core = CueCore(std::string_view(m.data(), m.size()));
      if (DismissedAfter(t, static_cast<size_t>(core.data() - t.data()) + core.size(),
                         engine.negation_post_cue_dismissals)) {
        continue;
      }
      size_t start = cue.begin;
      while (start > 0) {
        if (f.original[start - 1] == '\n' || SentenceEndAt(f.original, start - 1)) break;
        --start;
      }
      if (cue.begin > start) out.push_back({static_cast<uint32_t>(start), cue.begin});
    }
  }
  // What to do if someone offers: a condition ("kalo ada orang tawar kerja di Arab…") whose
  // sentence, within kConditionWords words, reaches a refusal ("…, jang iko"). Without the refusal
  // the condition may be a recruiter's ("kalau ada orang datang minta kerja, langsung daftar").
  if (engine.negation_conditions && engine.negation_refusals && !t.empty()) {
    constexpr int kConditionWords = 48;
    re2::StringPiece input(t), m;
    size_t pos = 0;
    while (pos < t.size() &&
           engine.negation_conditions->Match(input, pos, t.size(), RE2::UNANCHORED, &m, 1)) {
      const auto b = static_cast<size_t>(m.data() - t.data());
      pos = std::max(b + 1, b + m.size());
      const std::string_view condition = CueCore(std::string_view(m.data(), m.size()));
      if (ConditionInvites(t, static_cast<size_t>(condition.data() - t.data()) + condition.size(),
                           engine)) {
        continue;
      }
      size_t e = b + m.size();
      for (int words = 0; e < t.size() && words < kConditionWords && !SentenceEndAt(t, e); ++e) {
        if (t[e] == ' ') ++words;
      }
      const std::string_view refusal = RefusalIn(t, b + m.size(), e, engine);
      if (refusal.empty()) continue;
      const auto refusal_end = static_cast<size_t>(refusal.data() - t.data()) + refusal.size();
      // "…, jangan mau yang lain, langsung WA saya": refusing the rivals is the pitch.
      if (PhraseAt(t, refusal_end, engine.negation_cue_rivals)) continue;
      out.push_back(ToOriginal(f.views.folded, b, refusal_end));
    }
  }
  // Quotations in the original text: "…", “…”, «…», 「…」, and ~~struck through~~ (Markdown).
  static const std::pair<std::string_view, std::string_view> kQuotes[] = {
      {"\"", "\""},
      {"\xE2\x80\x9C", "\xE2\x80\x9D"},
      {"\xC2\xAB", "\xC2\xBB"},
      {"\xE3\x80\x8C", "\xE3\x80\x8D"},
      {"~~", "~~"},
      {"\xE2\x80\x98", "\xE2\x80\x99"}};
  const std::string_view o = f.original;
  for (const auto& [open, close] : kQuotes) {
    size_t pos = 0;
    while ((pos = o.find(open, pos)) != std::string_view::npos) {
      const size_t start = pos + open.size();
      const size_t end = o.find(close, start);
      if (end == std::string_view::npos) break;
      if (end - start <= 400 && QuotesASentence(o.substr(start, end - start))) {
        out.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(end)});
      }
      pos = end + close.size();
    }
  }
  auto word_byte = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  // Single quotes: ‘…’, and '…' where the opening mark starts a word after a space and the closing
  // one ends a word before a space or punctuation, so that an apostrophe inside a word (Jum'at)
  // does neither and one after a word ("tabe' dek") opens nothing: "kalau ada orang bilang 'cukup
  // KTP sa, naik kapal ke Nunukan, nanti potong gaji' — itu bukan katong".
  for (size_t pos = 0; (pos = o.find('\'', pos)) != std::string_view::npos;) {
    const size_t start = pos + 1;
    const bool opens = (pos == 0 || o[pos - 1] == ' ' || o[pos - 1] == '\n' || o[pos - 1] == '(' ||
                        o[pos - 1] == ':') &&
                       start < o.size() && o[start] != ' ' && o[start] != '\n' && o[start] != '\'';
    if (!opens) {
      pos = start;
      continue;
    }
    size_t end = start;
    while ((end = o.find_first_of("'\n", end)) != std::string_view::npos && o[end] == '\'' &&
           (o[end - 1] == ' ' || (end + 1 < o.size() && word_byte(o[end + 1])))) {
      ++end;  // an apostrophe inside a word, or a mark that opens: not the closing one
    }
    // No closing mark before the line ends: none closes for a later opening mark either, so the
    // search goes on after the line (once over each line, however many marks open on it).
    if (end == std::string_view::npos) break;
    if (o[end] == '\n') {
      pos = end;
      continue;
    }
    if (end - start <= 400 && QuotesASentence(o.substr(start, end - start))) {
      out.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(end)});
    }
    pos = end + 1;
  }
  // ~Struck through~ as WhatsApp writes it: the marks hug the text (no space inside them) and
  // stand outside words, so "usia 18~25, gaji 15~20 jt" is not read as struck.
  for (size_t pos = 0; (pos = o.find('~', pos)) != std::string_view::npos;) {
    const size_t start = pos + 1;
    const bool opens = start < o.size() && o[start] != '~' && o[start] != ' ' && o[start] != '\n' &&
                       (pos == 0 || (o[pos - 1] != '~' && !word_byte(o[pos - 1])));
    if (!opens) {
      pos = start;
      continue;
    }
    const size_t end = o.find_first_of("~\n", start);
    if (end == std::string_view::npos) break;
    const bool closes = o[end] == '~' && o[end - 1] != ' ' &&
                        (end + 1 >= o.size() || (o[end + 1] != '~' && !word_byte(o[end + 1])));
    if (closes && end - start <= 400) {
      out.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(end)});
      pos = end + 1;
    } else {
      pos = end;
    }
  }
  // Text struck through with combining overlays (U+0335, U+0336, U+0338 after each letter), as
  // awareness posts cross out the offer they warn about: "g̶a̶j̶i̶ 1̶5̶ ̶j̶u̶t̶a̶".
  size_t run_begin = std::string_view::npos, run_end = 0;
  for (size_t i = 0; i + 1 < o.size(); ++i) {
    if (o[i] != '\xCC' || (o[i + 1] != '\xB5' && o[i + 1] != '\xB6' && o[i + 1] != '\xB8'))
      continue;
    size_t letter = i;  // the struck character starts before its mark
    while (letter > 0 && (static_cast<unsigned char>(o[letter - 1]) & 0xC0) == 0x80) --letter;
    if (letter > 0) --letter;
    if (run_begin != std::string_view::npos && letter > run_end + 2) {
      out.push_back({static_cast<uint32_t>(run_begin), static_cast<uint32_t>(run_end)});
      run_begin = std::string_view::npos;
    }
    if (run_begin == std::string_view::npos) run_begin = letter;
    run_end = i + 2;
  }
  if (run_begin != std::string_view::npos) {
    out.push_back({static_cast<uint32_t>(run_begin), static_cast<uint32_t>(run_end)});
  }
  return out;
}

std::string HostOf(const std::string& url) {
  size_t b = url.find("://");
  b = b == std::string::npos ? 0 : b + 3;
  size_t e = url.find_first_of("/?#:", b);
  std::string host = url.substr(b, e == std::string::npos ? std::string::npos : e - b);
  if (const size_t at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  std::transform(host.begin(), host.end(), host.begin(), ::tolower);
  return host;
}

struct EvalResult {
  bool ok = false;
  std::vector<Evidence> evidence;
};

// Index of a field in Classify's `fields`: title, body, image.
size_t FieldIndex(const std::string& field) {
  return field == "title" ? 0 : field == "image" ? 2 : 1;
}

// Evaluates meta conditions against what the patterns and entity extractor found.
class MetaEvaluator {
 public:
  MetaEvaluator(const RuleSet& rules, const AdCandidate& ad, const std::vector<Field>& fields,
                const Entities& entities, const std::vector<char>& fired,
                const std::vector<std::vector<Evidence>>& evidence, const ClassifyOptions& options)
      : rules_(rules),
        ad_(ad),
        fields_(fields),
        entities_(entities),
        fired_(fired),
        evidence_(evidence),
        options_(options) {}

  // Whether `c` holds: Eval(c).ok without gathering evidence, so that the many combinations that
  // do not hold on an ad cost a few lookups rather than copies of their parts' evidence.
  bool Holds(const Condition& c) const {
    switch (c.op) {
      case Condition::Op::kRule:
        return fired_[static_cast<size_t>(c.rule_index)] != 0;
      case Condition::Op::kCategory: {
        const auto& all = rules_.rules();
        auto in_category = rules_.engine().by_category.find(c.name);
        if (in_category == rules_.engine().by_category.end()) return false;
        for (int idx : in_category->second) {
          const auto i = static_cast<size_t>(idx);
          if (fired_[i] && Counts(all[i])) return true;
        }
        return false;
      }
      case Condition::Op::kAll:
        for (const Condition& child : c.children) {
          if (!Holds(child)) return false;
        }
        return true;
      case Condition::Op::kAny:
        for (const Condition& child : c.children) {
          if (Holds(child)) return true;
        }
        return false;
      case Condition::Op::kAtLeast: {
        int n = 0;
        for (const Condition& child : c.children) n += Holds(child) ? 1 : 0;
        return n >= c.count;
      }
      case Condition::Op::kNot:
        return !Holds(c.children[0]);
      case Condition::Op::kEntity:
      case Condition::Op::kObfuscation:
      case Condition::Op::kPageType:
      case Condition::Op::kDomain:
      case Condition::Op::kNear:
        return Eval(c).ok;
    }
    return false;
  }

  EvalResult Eval(const Condition& c) const {
    EvalResult r;
    switch (c.op) {
      case Condition::Op::kRule:
        r.ok = fired_[static_cast<size_t>(c.rule_index)] != 0;
        if (r.ok) r.evidence = evidence_[static_cast<size_t>(c.rule_index)];
        break;
      case Condition::Op::kCategory: {
        const auto& all = rules_.rules();
        auto in_category = rules_.engine().by_category.find(c.name);
        if (in_category == rules_.engine().by_category.end()) break;
        for (int idx : in_category->second) {
          const auto i = static_cast<size_t>(idx);
          if (fired_[i] && Counts(all[i])) {
            r.ok = true;
            for (const Evidence& e : evidence_[i])
              AddEvidence(r.evidence, FieldName(e.field), e.span);
          }
        }
        break;
      }
      case Condition::Op::kEntity:
        r = EvalEntity(c);
        break;
      case Condition::Op::kObfuscation: {
        int n = 0;
        for (const Field& f : fields_) {
          for (const Span& s : f.views.obfuscations) {
            ++n;
            AddEvidence(r.evidence, f.name, s);
          }
        }
        r.ok = n >= c.count;
        if (!r.ok) r.evidence.clear();
        break;
      }
      case Condition::Op::kPageType:
        for (const std::string& t : ad_.page_types) {
          for (const std::string& v : c.values) {
            if (EqualsIgnoreCase(t, v)) r.ok = true;
          }
        }
        break;
      case Condition::Op::kDomain: {
        const std::string host = HostOf(ad_.url);
        for (const std::string& d : c.values) {
          if (host == d ||
              (host.size() > d.size() && host.compare(host.size() - d.size(), d.size(), d) == 0 &&
               host[host.size() - d.size() - 1] == '.')) {
            r.ok = true;
          }
        }
        break;
      }
      case Condition::Op::kAll:
        r.ok = true;
        for (const Condition& child : c.children) {
          EvalResult cr = Eval(child);
          if (!cr.ok) return EvalResult{};
          Merge(r.evidence, cr.evidence);
        }
        break;
      case Condition::Op::kAny:
      case Condition::Op::kAtLeast: {
        int n = 0;
        for (const Condition& child : c.children) {
          EvalResult cr = Eval(child);
          if (!cr.ok) continue;
          ++n;
          Merge(r.evidence, cr.evidence);
        }
        r.ok = n >= (c.op == Condition::Op::kAny ? 1 : c.count);
        if (!r.ok) r.evidence.clear();
        break;
      }
      case Condition::Op::kNot:
        r.ok = !Eval(c.children[0]).ok;
        break;
      case Condition::Op::kNear: {
        EvalResult a = Eval(c.children[0]);
        EvalResult b = Eval(c.children[1]);
        if (!a.ok || !b.ok) break;
        for (const Evidence& x : a.evidence) {
          for (const Evidence& y : b.evidence) {
            if (x.field != y.field) continue;
            const uint32_t lo = std::min(x.span.end, y.span.end);
            const uint32_t hi = std::max(x.span.begin, y.span.begin);
            const uint32_t gap = hi > lo ? hi - lo : 0;
            if (gap <= static_cast<uint32_t>(c.chars)) {
              r.ok = true;
              AddEvidence(r.evidence, FieldName(x.field), x.span);
              AddEvidence(r.evidence, FieldName(y.field), y.span);
            }
          }
        }
        break;
      }
    }
    return r;
  }

 private:
  static const char* FieldName(const std::string& f) {
    return f == "title" ? "title" : f == "image" ? "image" : "body";
  }

  static bool EqualsIgnoreCase(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) ==
                    std::tolower(static_cast<unsigned char>(y));
           });
  }

  bool Counts(const Rule& r) const {
    return r.status == RuleStatus::kActive || rules_.options().include_testing;
  }

  static void Merge(std::vector<Evidence>& into, const std::vector<Evidence>& from) {
    for (const Evidence& e : from) AddEvidence(into, FieldName(e.field), e.span);
  }

  // A place or a salary named in a warning or a quotation is the warning's, not the ad's, as the
  // rule hits there are, which meta rules do not see either.
  bool EntityInWarning(const std::string& field, Span span) const {
    return InWarning(fields_[FieldIndex(field)], span);
  }

  EvalResult EvalEntity(const Condition& c) const {
    EvalResult r;
    int n = 0;
    std::set<std::string> distinct;
    if (c.name == "salary") {
      for (const SalaryMention& s : entities_.salaries) {
        if (c.min_monthly_idr > 0 && s.monthly_idr_max < c.min_monthly_idr) continue;
        if (EntityInWarning(s.field, s.span)) continue;
        if (distinct.insert(std::to_string(s.span.begin) + s.field).second) ++n;
        AddEvidence(r.evidence, FieldName(s.field), s.span);
      }
    } else if (c.name == "place") {
      for (const PlaceMention& p : entities_.places) {
        if (c.place_kind && p.kind != *c.place_kind) continue;
        if (c.nonplacement && !p.nonplacement) continue;
        if (c.transit && !p.transit) continue;
        if (c.moratorium && !p.moratorium) continue;
        if (EntityInWarning(p.field, p.span)) continue;
        if (!c.values.empty() &&
            std::find(c.values.begin(), c.values.end(), p.country) == c.values.end())
          continue;
        if (distinct.insert(p.id).second) ++n;
        AddEvidence(r.evidence, FieldName(p.field), p.span);
      }
    } else {
      for (const Contact& ct : entities_.contacts) {
        const std::string_view kind = Name(ct.kind);
        if (c.name != "contact" && kind != c.name) continue;
        if (c.foreign && (ct.region.empty() || ct.region == options_.default_phone_region))
          continue;
        if (distinct.insert(ct.value).second) ++n;
        AddEvidence(r.evidence, FieldName(ct.field), ct.span);
      }
    }
    r.ok = n >= c.count;
    if (!r.ok) r.evidence.clear();
    return r;
  }

  const RuleSet& rules_;
  const AdCandidate& ad_;
  const std::vector<Field>& fields_;
  const Entities& entities_;
  const std::vector<char>& fired_;
  const std::vector<std::vector<Evidence>>& evidence_;
  const ClassifyOptions& options_;
};

bool FieldAllowed(RuleField rf, const char* field) {
  if (rf == RuleField::kAny) return true;
  return (rf == RuleField::kTitle) == (std::string_view(field) == "title");
}

constexpr size_t kPatternCount = static_cast<size_t>(Pattern::kBabySale) + 1;

// How many words before a phrase a denial may stand ("tidak ada gaji ditahan").
constexpr int kDenialWindowWords = 7;

// Route patterns say how someone is moved or made to pay (irregular migration, advance fees);
// the others what they are exploited for. A karaoke job in Malaysia "tanpa permit" is sexual
// exploitation reached by irregular migration: the purpose names the verdict when its evidence
// is at least half the route's.
bool IsRoutePattern(size_t p) {
  return p == static_cast<size_t>(Pattern::kIrregularMigration) ||
         p == static_cast<size_t>(Pattern::kFeeScam);
}

// The pattern whose evidence reaches the minimum and beats every other of its class by the
// dominance factor (a purpose also beating half the strongest route), else kOther.
Pattern DominantPattern(const std::array<double, kPatternCount>& evidence,
                        const ClassifyOptions& o) {
  auto best_of = [&](bool route, size_t& best, double& first, double& second) {
    best = 0, first = 0, second = 0;
    for (size_t p = 1; p < evidence.size(); ++p) {
      if (IsRoutePattern(p) != route) continue;
      if (evidence[p] > first) {
        second = first;
        first = evidence[p];
        best = p;
      } else if (evidence[p] > second) {
        second = evidence[p];
      }
    }
  };
  size_t purpose = 0, route = 0;
  double p1 = 0, p2 = 0, r1 = 0, r2 = 0;
  best_of(false, purpose, p1, p2);
  best_of(true, route, r1, r2);
  if (purpose != 0 && p1 >= o.pattern_min_evidence && p1 >= p2 * o.pattern_dominance &&
      p1 * 2 >= r1) {
    return static_cast<Pattern>(purpose);
  }
  if (route != 0 && r1 >= o.pattern_min_evidence && r1 >= std::max(r2, p1) * o.pattern_dominance) {
    return static_cast<Pattern>(route);
  }
  return Pattern::kOther;
}

Level LevelOf(int score, const ClassifyOptions& o) {
  if (score >= o.high) return Level::kHigh;
  if (score >= o.medium) return Level::kMedium;
  if (score >= o.low) return Level::kLow;
  return Level::kNone;
}

// Whether one of the rule's `except` patterns matches text that overlaps [b, e) of `text`, looked
// for from kExceptReach bytes before the match to as far after it.
bool Excepted(const CompiledRule& rule, const std::string& text, size_t b, size_t e) {
  if (rule.except.empty()) return false;
  const size_t from = b > kExceptReach ? b - kExceptReach : 0;
  const size_t to = std::min(text.size(), e + kExceptReach);
  const re2::StringPiece input(text);
  for (const auto& re : rule.except) {
    re2::StringPiece x;
    size_t pos = from;
    while (pos < e && re->Match(input, pos, to, RE2::UNANCHORED, &x, 1)) {
      const auto xb = static_cast<size_t>(x.data() - text.data());
      const size_t xe = xb + x.size();
      if (xb >= e) break;
      if (xe > b) return true;
      pos = xe > xb ? xe : xb + 1;
    }
  }
  return false;
}

}  // namespace

Status ScanView(const ViewSet& view, const std::string& text, bool simulate_out_of_memory,
                const std::vector<CompiledRule>& compiled, std::vector<int>& matched,
                bool& fell_back) {
  matched.clear();
  fell_back = false;
  RE2::Set::ErrorInfo info{};
  if (simulate_out_of_memory) {
    info.kind = RE2::Set::kOutOfMemory;
  } else if (view.set->Match(text, &matched, &info) || info.kind == RE2::Set::kNoError) {
    return Status::OK();
  }
  if (info.kind != RE2::Set::kOutOfMemory) {
    return Status::Internal("RE2::Set match", "error kind " + std::to_string(info.kind));
  }
  matched.clear();
  fell_back = true;
  for (size_t k = 0; k < view.entries.size(); ++k) {
    const auto [ri, pi] = view.entries[k];
    if (RE2::PartialMatch(text,
                          *compiled[static_cast<size_t>(ri)].patterns[static_cast<size_t>(pi)])) {
      matched.push_back(static_cast<int>(k));
    }
  }
  return Status::OK();
}

void ScoreHits(Verdict& v, const RuleSet& rs, const ClassifyOptions& options) {
  // 1. Category sums with caps; kind evidence apart from risk; the evidence for each pattern.
  const auto& categories = rs.categories();
  std::map<std::string, double> sums;
  std::array<double, kPatternCount> pattern_evidence{};
  for (const Hit& h : v.hits) {
    auto found = categories.find(h.category);
    if (found == categories.end()) continue;  // a stored hit of a category since removed
    const Category& cat = found->second;
    sums[h.category] += cat.kind.empty() ? h.weight : std::abs(h.weight);
    if (cat.kind.empty() && h.weight > 0) {
      const Rule* rule = rs.Find(h.rule_id);
      const Pattern p = rule ? rs.PatternOf(*rule) : cat.pattern;
      pattern_evidence[static_cast<size_t>(p)] += h.weight;
    }
  }
  v.category_scores.clear();
  v.kind_scores.clear();
  double raw = 0;
  for (auto& [key, sum] : sums) {
    const Category& cat = categories.at(key);
    const double capped = std::clamp(sum, -cat.cap, cat.cap);
    v.category_scores[key] = capped;
    if (cat.kind.empty()) {
      raw += capped;
    } else {
      v.kind_scores[cat.kind] += capped;
    }
  }
  v.raw_score = raw;
  v.pattern = DominantPattern(pattern_evidence, options);

  // 2. What the text reads as, and the score.
  const double ad_evidence = v.kind_scores["recruitment_ad"];
  DocKind other_kind = DocKind::kOther;
  double other_score = 0;
  for (auto [name, kind] :
       {std::pair{"distress", DocKind::kDistress}, std::pair{"news", DocKind::kNews},
        std::pair{"gambling_promo", DocKind::kGamblingPromo}}) {
    const double s = v.kind_scores[name];
    if (s > other_score) {
      other_score = s;
      other_kind = kind;
    }
  }
  for (auto it = v.kind_scores.begin(); it != v.kind_scores.end();) {
    it = it->second == 0 ? v.kind_scores.erase(it) : std::next(it);
  }
  int score = static_cast<int>(std::lround(std::clamp(raw, 0.0, 100.0)));
  if (other_score >= options.kind_threshold && other_score > ad_evidence) {
    v.kind = other_kind;
  } else if (ad_evidence > 0 || score >= options.low) {
    v.kind = DocKind::kRecruitmentAd;
  } else {
    v.kind = DocKind::kOther;
  }
  if (v.kind != DocKind::kRecruitmentAd)
    score = static_cast<int>(std::lround(score * options.non_ad_factor));
  v.score = score;
  v.level = LevelOf(score, options);
  if (v.kind != DocKind::kRecruitmentAd && v.level > Level::kLow) v.level = Level::kLow;
}

Entities Classifier::ExtractEntities(const AdCandidate& ad) const {
  Entities out;
  ExtractFieldEntities("title", ad.title, Normalize(ad.title), rules_->gazetteer(),
                       options_.default_phone_region, out);
  ExtractFieldEntities("body", ad.text, Normalize(ad.text), rules_->gazetteer(),
                       options_.default_phone_region, out);
  if (!ad.image_text.empty()) {
    ExtractFieldEntities("image", ad.image_text, Normalize(ad.image_text), rules_->gazetteer(),
                         options_.default_phone_region, out);
  }
  return out;
}

Result<Verdict> Classifier::Classify(const AdCandidate& ad) const {
  const RuleSet& rs = *rules_;
  const RuleSet::Engine& engine = rs.engine();
  const std::vector<Rule>& rules = rs.rules();

  std::vector<Field> fields;
  fields.push_back({"title", ad.title, Normalize(ad.title), {}});
  fields.push_back({"body", ad.text, Normalize(ad.text), {}});
  // The words read from the ad's images are classified like the body ("info lengkap di
  // gambar": the offer is in the poster).
  fields.push_back({"image", ad.image_text, Normalize(ad.image_text), {}});

  Verdict v;
  v.ruleset_version = rs.version();
  for (Field& f : fields) {
    ExtractFieldEntities(f.name, f.original, f.views, rs.gazetteer(), options_.default_phone_region,
                         v.entities);
    f.negated = NegatedRegions(f, engine);
  }

  // 1. One Set scan per view and field; spans only for the rules that matched.
  std::vector<char> fired(rules.size(), 0);
  std::vector<std::vector<Evidence>> evidence(rules.size());
  std::vector<int> matched;
  for (size_t view = 0; view < engine.sets.size(); ++view) {
    const ViewSet& vs = engine.sets[view];
    if (vs.entries.empty()) continue;
    for (const Field& f : fields) {
      const TextView& tv = view == 0 ? f.views.folded : f.views.skeleton;
      if (tv.text.empty()) continue;
      bool fell_back = false;
      ADWATCH_RETURN_IF_ERROR(ScanView(vs, tv.text, /*simulate_out_of_memory=*/false,
                                       engine.compiled, matched, fell_back));
      if (fell_back) {
        counters_->set_fallbacks.fetch_add(1);
        v.warnings.push_back("RE2::Set out of memory on the " +
                             std::string(view == 0 ? "folded" : "skeleton") + " view of the " +
                             f.name + "; matched rule by rule");
      }
      for (int k : matched) {
        const auto [ri, pi] = vs.entries[static_cast<size_t>(k)];
        const Rule& rule = rules[static_cast<size_t>(ri)];
        if (!FieldAllowed(rule.field, f.name)) continue;
        const RE2& re = *engine.compiled[static_cast<size_t>(ri)].patterns[static_cast<size_t>(pi)];
        auto& ev = evidence[static_cast<size_t>(ri)];
        re2::StringPiece input(tv.text), m;
        size_t pos = 0;
        while (pos <= tv.text.size() && static_cast<int>(ev.size()) < options_.max_spans_per_rule &&
               re.Match(input, pos, tv.text.size(), RE2::UNANCHORED, &m, 1)) {
          const auto b = static_cast<size_t>(m.data() - tv.text.data());
          const size_t e = b + m.size();
          if (e > b && !Excepted(engine.compiled[static_cast<size_t>(ri)], tv.text, b, e)) {
            AddEvidence(ev, f.name, ToOriginal(tv, b, e));
            fired[static_cast<size_t>(ri)] = 1;
          }
          pos = e > b ? e : b + 1;
        }
      }
    }
  }

  // 2. Risk evidence that reads as a warning, a quotation or a denial ("tidak ada kasbon") is
  //    negated: it keeps negated_factor of its weight and meta rules do not see it, so a
  //    legitimate ad that names the lure's terms to rule them out builds no combination.
  const auto& categories = rs.categories();
  std::array<std::vector<Span>, 3> covered;  // per field: evidence of positive risk rules
  for (size_t i = 0; i < rules.size(); ++i) {
    if (!fired[i] || rules[i].meta || engine.compiled[i].weight <= 0) continue;
    if (!categories.at(rules[i].category).kind.empty()) continue;
    for (const Evidence& e : evidence[i]) {
      // A phrase that denies itself ("biaya ditanggung perusahaan TANPA potong gaji") asserts
      // nothing, so its denial still denies the phrases inside it.
      const size_t fi = FieldIndex(e.field);
      if (!DeniedWithin(fields[fi].original, e.span)) covered[fi].push_back(e.span);
    }
  }
  // `warnings`: whether warning and quotation regions count, besides denials. A legitimate
  // marker is negated by a denial only ("tanpa EPS-TOPIK" is a lure's promise), never by a quote.
  // Only risk evidence (`warnings`) can deny itself from within: a legitimate marker's phrase
  // ("tidak ada pungutan") is a denial by design.
  auto negated_evidence = [&](const std::vector<Evidence>& ev, bool warnings = true) {
    return !ev.empty() && std::all_of(ev.begin(), ev.end(), [&](const Evidence& e) {
      const size_t fi = FieldIndex(e.field);
      const Field& f = fields[fi];
      const bool warned = warnings && InWarning(f, e.span);
      return warned || DeniedBefore(f.original, e.span.begin, covered[fi], kDenialWindowWords) ||
             (warnings && DeniedWithin(f.original, e.span));
    });
  };
  // Risk rules and ad-structure evidence can be negated: a job ad quoted inside a warning is
  // evidence of the warning, not of an ad.
  auto negatable = [&](size_t i) {
    const std::string& kind = categories.at(rules[i].category).kind;
    return engine.compiled[i].weight > 0 && (kind.empty() || kind == "recruitment_ad");
  };
  // A legitimate marker named inside a lure's own phrase asserts nothing: "tidak perlu ke
  // Disnaker" and "gak usah lewat P3MI" name the official channel to skip it. The lure's phrase
  // must lead up to the marker: a word that is both a job and a lawful scheme ("au pair") is
  // evidence of both.
  auto inside_risk = [&](const std::vector<Evidence>& ev) {
    return !ev.empty() && std::all_of(ev.begin(), ev.end(), [&](const Evidence& e) {
      const std::vector<Span>& risk = covered[FieldIndex(e.field)];
      return std::any_of(risk.begin(), risk.end(), [&](const Span& r) {
        return r.begin < e.span.begin && e.span.end <= r.end;
      });
    });
  };
  std::vector<char> negated(rules.size(), 0);
  std::vector<char> visible = fired;  // what meta conditions see
  for (size_t i = 0; i < rules.size(); ++i) {
    if (!fired[i] || rules[i].meta) continue;
    if (negatable(i) && negated_evidence(evidence[i])) negated[i] = 1, visible[i] = 0;
    if (engine.compiled[i].weight < 0 && categories.at(rules[i].category).kind.empty() &&
        (negated_evidence(evidence[i], /*warnings=*/false) || inside_risk(evidence[i]))) {
      negated[i] = 1, visible[i] = 0;
    }
  }

  // 3. Meta rules, dependencies first.
  MetaEvaluator meta(rs, ad, fields, v.entities, visible, evidence, options_);
  for (int i : engine.meta_order) {
    const Condition& when = *engine.compiled[static_cast<size_t>(i)].when;
    if (!meta.Holds(when)) continue;
    EvalResult r = meta.Eval(when);
    if (r.ok) {
      const auto m = static_cast<size_t>(i);
      fired[m] = visible[m] = 1;
      evidence[m] = std::move(r.evidence);
      if (negatable(m)) negated[m] = negated_evidence(evidence[m]);
    }
  }

  // 4. Hits, negated ones down-weighted.
  for (size_t i = 0; i < rules.size(); ++i) {
    if (!fired[i] || !engine.compiled[i].enabled) continue;
    const Rule& rule = rules[i];
    const Category& cat = categories.at(rule.category);
    Hit h;
    h.rule_id = rule.id;
    h.category = rule.category;
    h.rule_weight = rule.weight;
    h.weight = engine.compiled[i].weight;
    h.view = rule.meta ? "meta" : rule.view == RuleView::kFolded ? "folded" : "skeleton";
    h.describe_id = rule.describe_id;
    h.describe_en = rule.describe_en;
    h.evidence = std::move(evidence[i]);
    if ((cat.kind.empty() || cat.kind == "recruitment_ad") && negated[i]) {
      h.negated = true;
      h.weight *= options_.negated_factor;
    }
    v.hits.push_back(std::move(h));
  }
  // Evidence read from an image points at the image and the words' box in it.
  for (Hit& h : v.hits) {
    for (Evidence& e : h.evidence) {
      if (e.field != "image") continue;
      const ImagePlace place = LocateImageSpan(ad, e.span);
      if (place.image == nullptr) continue;
      e.image_url = place.image->url;
      e.box = place.box;
    }
  }
  std::sort(v.hits.begin(), v.hits.end(), [](const Hit& a, const Hit& b) {
    if (std::abs(a.weight) != std::abs(b.weight)) return std::abs(a.weight) > std::abs(b.weight);
    return a.rule_id < b.rule_id;
  });

  ScoreHits(v, rs, options_);
  return v;
}

}  // namespace adwatch::classifier
