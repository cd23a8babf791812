#include "adwatch/classifier/contacts.h"

#include "adwatch/classifier/gazetteer.h"
#include "adwatch/classifier/normalize.h"
#include "entities.h"

namespace adwatch::classifier {

std::vector<Contact> ExtractContacts(std::string_view text,
                                     const std::string& default_phone_region) {
  // No places are wanted: an empty gazetteer finds none and costs nothing.
  static const Gazetteer kNoPlaces;
  Entities out;
  ExtractFieldEntities("body", text, Normalize(text), kNoPlaces, default_phone_region, out);
  return std::move(out.contacts);
}

}  // namespace adwatch::classifier
