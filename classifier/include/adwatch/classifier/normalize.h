// The normalizer: turns one field of an ad into the views the rules run on, each with an offset
// map back to the original bytes. Pure functions; thread-safe.
//
//   folded    ICU NFKC with case folding (NFKC_Casefold), so styled letters (math bold, fullwidth,
//             circled) become plain letters; diacritics stripped ("lương" → "luong"); zero-width,
//             format and control characters dropped (newlines and tabs become spaces); runs of
//             spaces collapsed.
//   skeleton  folded, then obfuscation undone: Cyrillic/Greek look-alike letters mapped to Latin,
//             leet digits and symbols inside words ("k4mb0ja" → "kamboja", "g@ji" → "gaji"),
//             separators between single letters ("j.u.d.i", "s-l-o-t", "K A M B O J A"),
//             a masked letter written as '*' ("j*di", "j#di" → "j*di": patterns write [u*]),
//             regional-indicator flag pairs to " flag_xx " tokens and a few emoji to words
//             (🎰 → " slot ", 💰 → " money ", ✈ → " flight ").
#ifndef ADWATCH_CLASSIFIER_NORMALIZE_H_
#define ADWATCH_CLASSIFIER_NORMALIZE_H_

#include <string_view>

#include "adwatch/common/records.h"

namespace adwatch::classifier {

// Returns the folded and skeleton views of `text` and where the skeleton undid obfuscation.
// Invalid UTF-8 bytes are treated as U+FFFD and dropped from the views; the offset maps still
// point at the right original bytes.
NormalizedText Normalize(std::string_view text);

// Maps a span of a view back to the original text: [origin[begin].begin, origin[end-1].end).
// REQUIRES: begin < end <= view.text.size().
Span ToOriginal(const TextView& view, size_t begin, size_t end);

}  // namespace adwatch::classifier

#endif  // ADWATCH_CLASSIFIER_NORMALIZE_H_
