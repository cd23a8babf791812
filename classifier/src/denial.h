// Internal: denials right before a phrase ("tidak ada kasbon", "tanpa potong gaji", "bukan visa
// kunjungan", "no placement fee", "❌ tiket gratis"). Legitimate look-alikes name the lure's
// terms to say they do not apply; a rule that matched such a phrase is not evidence of it.
#ifndef ADWATCH_CLASSIFIER_DENIAL_H_
#define ADWATCH_CLASSIFIER_DENIAL_H_

#include <string_view>
#include <vector>

#include "adwatch/common/records.h"

namespace adwatch::classifier {

// Whether the words right before byte `begin` of `text` deny what follows: one of the last
// `window_words` words of the same clause (a clause ends at . , ; : ! ? | a bracket, a line
// break or a bullet symbol) is a denial word in Indonesian, Malay, English, Tagalog or Vietnamese,
// a Chinese negator just before, or a cross mark (❌ 🚫 ⛔). A denial word that lies inside one of
// `covered` (evidence of another phrase, as "tanpa" in "tanpa pengalaman") denies nothing after
// it; nor does one that only claims legitimacy ("bukan penipuan", "not a scam").
// REQUIRES: begin <= text.size(); `covered` spans lie in `text`.
bool DeniedBefore(std::string_view text, size_t begin, const std::vector<Span>& covered,
                  int window_words);

// Whether a phrase denies itself from within: after its first word, a denial word (as above)
// followed, perhaps past "ada", "pernah" or "tau", by a deduction or a demand ("biaya pindah
// tidak dipotong dari gaji", "biaya ditanggung perusahaan tanpa potong gaji"). Patterns that
// allow a few words of filler between a cost and its deduction take in the denial with them.
// REQUIRES: `span` lies in `text`.
bool DeniedWithin(std::string_view text, Span span);

// Whether a denial word stands right before byte `begin`, perhaps past "akan", "bakal" or
// "pernah": "tidak akan berakhir di tahanan" denies the verdict a warning would close with, so a
// recruiter's reassurance is not read as a warning.
// REQUIRES: begin <= text.size().
bool DeniedJustBefore(std::string_view text, size_t begin);

}  // namespace adwatch::classifier

#endif  // ADWATCH_CLASSIFIER_DENIAL_H_
