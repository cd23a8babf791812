// Internal: entity extraction over one field's original text and its normalised views.
#ifndef ADWATCH_CLASSIFIER_ENTITIES_H_
#define ADWATCH_CLASSIFIER_ENTITIES_H_

#include <string>
#include <string_view>

#include "adwatch/classifier/gazetteer.h"
#include "adwatch/common/records.h"

namespace adwatch::classifier {

// Appends to `out` the contacts, salaries and places of one field ("title" or "body").
// `original` is the field's text; `views` its Normalize() result.
void ExtractFieldEntities(std::string_view field, std::string_view original,
                          const NormalizedText& views, const Gazetteer& gazetteer,
                          const std::string& default_phone_region, Entities& out);

}  // namespace adwatch::classifier

#endif  // ADWATCH_CLASSIFIER_ENTITIES_H_
