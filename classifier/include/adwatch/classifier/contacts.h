// Contacts (phones, WhatsApp/Telegram/Line handles and links, e-mails) in one piece of text, with
// the same extraction the classifier runs on ads, so that a number a user types reads exactly as
// the same number written in an ad. Pure; thread-safe.
#ifndef ADWATCH_CLASSIFIER_CONTACTS_H_
#define ADWATCH_CLASSIFIER_CONTACTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "adwatch/common/records.h"

namespace adwatch::classifier {

// Every contact written in `text`, in text order, normalised as in Verdict::entities (E.164 for
// phones and WhatsApp numbers, lower-case handles without '@', lower-case e-mail addresses).
// Numbers without a country code are read in `default_phone_region` ("ID"). Empty when none.
std::vector<Contact> ExtractContacts(std::string_view text,
                                     const std::string& default_phone_region = "ID");

}  // namespace adwatch::classifier

#endif  // ADWATCH_CLASSIFIER_CONTACTS_H_
