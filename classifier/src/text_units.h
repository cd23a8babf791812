// Internal: the code-point form of a text that the normalizer works on, each code point with the
// original bytes it came from.
#ifndef ADWATCH_CLASSIFIER_TEXT_UNITS_H_
#define ADWATCH_CLASSIFIER_TEXT_UNITS_H_

#include <string_view>
#include <vector>

#include "adwatch/common/records.h"

namespace adwatch::classifier {

struct Unit {
  char32_t c;
  Span origin;
};

// The skeleton of folded code points; appends what it undid.
std::vector<Unit> SkeletonUnits(const std::vector<Unit>& folded, std::vector<Span>& obfuscations);
// UTF-8 text with one origin per byte.
TextView Encode(const std::vector<Unit>& units);

}  // namespace adwatch::classifier

#endif  // ADWATCH_CLASSIFIER_TEXT_UNITS_H_
