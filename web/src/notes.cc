// Deconfliction notes: "Polda NTT is working on this number, contact ..." on a contact term,
// shown to every police user on every ad that carries the contact. Kept in the store's notes
// table (storage::Table::kNotes), which this module owns: key "<term>|<at_ms, 13 digits>|<rand>",
// value a JSON object. Notes are never changed or deleted (a newer note says what changed).
#include <cstdio>

#include "adwatch/common/random_id.h"
#include "web_internal.h"

namespace adwatch::web::internal {

std::vector<Note> NotesFor(const storage::Store& store, std::string_view term) {
  std::vector<Note> out;
  if (term.empty()) return out;
  const std::string prefix = std::string(term) + "|";
  (void)store.Scan(storage::Table::kNotes, prefix, [&](std::string_view, std::string_view value) {
    // A note that does not decode is skipped: notes are advice, not evidence.
    auto j = nlohmann::json::parse(value, nullptr, false);
    if (!j.is_object()) return true;
    Note n;
    n.term = std::string(term);
    n.org = j.value("org", "");
    n.author = j.value("author", "");
    n.text = j.value("text", "");
    n.at_ms = j.value("at_ms", int64_t{0});
    out.push_back(std::move(n));
    return out.size() < 50;
  });
  return out;
}

Status AddNote(storage::Store& store, const Note& note) {
  auto rnd = RandomId(6);
  if (!rnd) return rnd.error();
  char at[32];
  std::snprintf(at, sizeof at, "%013lld", static_cast<long long>(note.at_ms));
  const std::string key = note.term + "|" + at + "|" + *rnd;
  const nlohmann::json j = {
      {"org", note.org}, {"author", note.author}, {"text", note.text}, {"at_ms", note.at_ms}};
  storage::TableBatch batch;
  batch.Put(storage::Table::kNotes, key,
            j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return store.Apply(batch);
}

}  // namespace adwatch::web::internal
