#include "adwatch/storage/ids.h"

#include <cctype>

#include "adwatch/common/hash.h"
#include "adwatch/common/names.h"

namespace adwatch::storage {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string EscapeSep(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '|') {
      out += "%7C";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string NormalizeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || std::isalnum(c)) {
      if (pending_space && !out.empty()) out += ' ';
      pending_space = false;
      out += static_cast<char>(c >= 0x80 ? c : std::tolower(c));
    } else {
      pending_space = true;
    }
  }
  return out;
}

std::string TextKeyOf(std::string_view text, int min_chars) {
  const std::string norm = NormalizeText(text);
  if (norm.empty() || norm.size() < static_cast<size_t>(min_chars < 0 ? 0 : min_chars)) return {};
  return Sha256Hex(norm).substr(0, 32);
}

std::string AdIdFor(const AdCandidate& ad) {
  const std::string_view url = Trim(ad.url);
  std::string basis;
  if (!url.empty()) {
    basis = "url\n";
    basis += url;
    basis += '\n';
    basis += Trim(ad.post_id);
  } else if (NormalizeText(ad.text).empty() && NormalizeText(ad.title).empty() &&
             !ad.images.empty() && !ad.images[0].sha256_hex.empty()) {
    basis = "image\n";
    basis += ad.images[0].sha256_hex;
  } else {
    basis = "text\n";
    basis += NormalizeText(NormalizeText(ad.text).empty() ? ad.title : ad.text);
  }
  return Sha256Hex(basis).substr(0, kAdIdLength);
}

std::string PageIdFor(std::string_view url, std::string_view body_sha256) {
  std::string basis = "page\n";
  basis += Trim(url);
  basis += '\n';
  basis += body_sha256;
  return Sha256Hex(basis).substr(0, kPageIdLength);
}

std::string ContactTerm(const Contact& contact) {
  std::string term;
  if (contact.kind == ContactKind::kPhone || contact.kind == ContactKind::kWhatsApp) {
    term = "tel:";
  } else {
    term = std::string(Name(contact.kind)) + ":";
  }
  term += EscapeSep(contact.value);
  return term;
}

std::string ContactTermFromQuery(std::string_view query) {
  const std::string_view q = Trim(query);
  const auto colon = q.find(':');
  if (colon != std::string_view::npos && colon > 0) {
    const std::string kind = Lower(q.substr(0, colon));
    if (kind == "tel" || ParseContactKind(kind)) {
      const std::string value(Trim(q.substr(colon + 1)));
      if (kind == "tel" || kind == "phone" || kind == "whatsapp") return "tel:" + EscapeSep(value);
      return kind + ":" + EscapeSep(Lower(value));
    }
  }
  if (!q.empty() && (q.front() == '+' || std::isdigit(static_cast<unsigned char>(q.front())))) {
    std::string digits = "+";
    for (char c : q) {
      if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
    }
    return "tel:" + digits;
  }
  if (!q.empty() && q.front() == '@') return "telegram:" + EscapeSep(Lower(q.substr(1)));
  if (q.find('@') != std::string_view::npos) return "email:" + EscapeSep(Lower(q));
  return "telegram:" + EscapeSep(Lower(q));
}

std::string AlertIdFor(int64_t created_ms, std::string_view dedupe_key) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(12, '0');
  auto t = static_cast<uint64_t>(created_ms < 0 ? 0 : created_ms);
  for (int i = 11; i >= 0; --i, t >>= 4) id[static_cast<size_t>(i)] = kHex[t & 0xF];
  return id + Sha256Hex(dedupe_key).substr(0, 8);
}

}  // namespace adwatch::storage
