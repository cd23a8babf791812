// WhatsApp's .txt chat export, read line by line. The header of each message is parsed by hand
// rather than with a regex: the variants (Android/iOS, 12/24-hour, '.' or ':' in times, the
// narrow no-break space newer phones put before "PM", bidi marks around numbers) are easier to
// follow as steps, and nothing backtracks on a hostile line.
#include <cstdio>
#include <optional>
#include <string>

#include "adwatch/chats/chats.h"
#include "adwatch/common/hash.h"
#include "adwatch/common/time.h"
#include "text.h"

namespace adwatch::chats {
namespace {

// One message header as written, before the date order is known.
struct Header {
  int a = 0, b = 0, year = 0;  // the date's first and second numbers and the year
  int hour = 0, minute = 0, second = 0;
  int ampm = 0;     // 0 none, 1 AM, 2 PM
  size_t body = 0;  // offset of "sender: text" in the line
};

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  size_t pos() const { return pos_; }
  bool done() const { return pos_ >= s_.size(); }
  bool Eat(std::string_view t) {
    if (s_.substr(pos_, t.size()) != t) return false;
    pos_ += t.size();
    return true;
  }
  bool EatAny(std::string_view chars, char* which = nullptr) {
    if (done() || chars.find(s_[pos_]) == std::string_view::npos) return false;
    if (which) *which = s_[pos_];
    ++pos_;
    return true;
  }
  // `min` to `max` ASCII digits.
  bool Number(int min, int max, int& out) {
    int n = 0, v = 0;
    while (n < max && !done() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      v = v * 10 + (s_[pos_] - '0');
      ++pos_;
      ++n;
    }
    out = v;
    return n >= min;
  }
  // Spaces as phones write them: ' ', U+00A0, U+202F. Returns how many.
  int Spaces() {
    int n = 0;
    for (;;) {
      if (Eat(" ") || Eat("\xC2\xA0") || Eat("\xE2\x80\xAF")) {
        ++n;
      } else {
        return n;
      }
    }
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

constexpr std::string_view kLrm = "\xE2\x80\x8E";

// Drops leading byte-order and direction marks.
std::string_view StripMarks(std::string_view s) {
  for (;;) {
    if (s.substr(0, 3) == "\xEF\xBB\xBF" || s.substr(0, 3) == kLrm ||
        s.substr(0, 3) == "\xE2\x80\x8F") {
      s.remove_prefix(3);
    } else {
      return s;
    }
  }
}

std::optional<Header> ParseHeader(std::string_view line) {
  Header h;
  const std::string_view s = StripMarks(line);
  const size_t skipped = line.size() - s.size();
  Cursor c(s);
  const bool ios = c.Eat("[");
  char sep = 0;
  if (!c.Number(1, 2, h.a) || !c.EatAny("/.-", &sep) || !c.Number(1, 2, h.b) ||
      !c.Eat(std::string_view(&sep, 1)) || !c.Number(2, 4, h.year)) {
    return std::nullopt;
  }
  c.Eat(",");
  if (c.Spaces() == 0) return std::nullopt;
  if (!c.Number(1, 2, h.hour) || !c.EatAny(":.", &sep) || !c.Number(2, 2, h.minute)) {
    return std::nullopt;
  }
  if (c.Eat(std::string_view(&sep, 1)) && !c.Number(2, 2, h.second)) return std::nullopt;
  {
    Cursor probe = c;
    probe.Spaces();
    if (probe.Eat("AM") || probe.Eat("am") || probe.Eat("a.m.") || probe.Eat("a. m.")) {
      h.ampm = 1;
      c = probe;
    } else if (probe.Eat("PM") || probe.Eat("pm") || probe.Eat("p.m.") || probe.Eat("p. m.")) {
      h.ampm = 2;
      c = probe;
    }
  }
  if (ios) {
    if (!c.Eat("]") || c.Spaces() == 0) return std::nullopt;
  } else {
    if (c.Spaces() == 0 || !(c.Eat("-") || c.Eat("\xE2\x80\x93")) || c.Spaces() == 0) {
      return std::nullopt;
    }
  }
  h.body = skipped + c.pos();
  return h;
}

// Bidi marks and WhatsApp's "~ " before names of people not in the phone's contacts.
std::string CleanSender(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s.substr(i, 2) == "\xE2\x80" && i + 2 < s.size()) {
      const auto c = static_cast<unsigned char>(s[i + 2]);
      if ((c >= 0x8E && c <= 0x8F) || (c >= 0xAA && c <= 0xAE)) {
        i += 3;
        continue;
      }
    }
    out += s[i++];
  }
  std::string_view v(out);
  if (v.substr(0, 1) == "~") {
    v.remove_prefix(1);
    while (v.substr(0, 1) == " ") v.remove_prefix(1);
    if (v.substr(0, 2) == "\xC2\xA0") v.remove_prefix(2);
  }
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  return std::string(v);
}

// "+62 812-5550-0001" → "+6281255500001"; "" when the name is not a phone number.
std::string PhoneOf(std::string_view sender) {
  if (sender.empty() || sender.front() != '+') return "";
  std::string digits = "+";
  for (char ch : sender.substr(1)) {
    if (ch >= '0' && ch <= '9') {
      digits += ch;
    } else if (ch != ' ' && ch != '-' && ch != '(' && ch != ')') {
      return "";
    }
  }
  return digits.size() >= 9 && digits.size() <= 16 ? digits : "";
}

// What a first message line says about media: kept text, a file name, or an omitted file.
struct MediaLine {
  bool is_media = false;
  bool omitted = false;
  std::string file;
};

bool EndsWith(std::string_view s, std::string_view t) {
  return s.size() >= t.size() && s.substr(s.size() - t.size()) == t;
}

MediaLine ReadMediaLine(std::string_view text) {
  MediaLine m;
  const std::string_view t = StripMarks(text);
  static constexpr std::string_view kOmitted[] = {
      "<Media omitted>",
      "<Media tidak disertakan>",
      "image omitted",
      "video omitted",
      "audio omitted",
      "sticker omitted",
      "GIF omitted",
      "document omitted",
      "gambar tidak disertakan",
      "video tidak disertakan",
      "audio tidak disertakan",
      "stiker tidak disertakan",
      "GIF tidak disertakan",
      "dokumen tidak disertakan",
  };
  for (std::string_view o : kOmitted) {
    if (t == o) {
      m.is_media = m.omitted = true;
      return m;
    }
  }
  if (t.substr(0, 10) == "<attached:" || t.substr(0, 11) == "<terlampir:") {
    if (t.back() == '>') {
      std::string_view name = t.substr(t.find(':') + 1);
      name.remove_suffix(1);
      while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
      m.is_media = true;
      m.file = std::string(name);
      return m;
    }
  }
  for (std::string_view tail :
       {std::string_view(" (file attached)"), std::string_view(" (berkas terlampir)")}) {
    if (EndsWith(t, tail)) {
      m.is_media = true;
      m.file = std::string(StripMarks(t.substr(0, t.size() - tail.size())));
      return m;
    }
  }
  return m;
}

bool IsDeletedNotice(std::string_view t) {
  t = StripMarks(t);
  return t == "This message was deleted" || t == "You deleted this message" ||
         t == "Pesan ini telah dihapus" || t == "Anda menghapus pesan ini";
}

Status LineError(int line, const std::string& detail) {
  return Status::InvalidArgument("WhatsApp export", "line " + std::to_string(line) + ": " + detail);
}

// Reads lines with their byte offsets; strips "\r\n" / "\n".
class Lines {
 public:
  explicit Lines(std::istream& in) : in_(in) {}
  bool Next(std::string& line, uint64_t& begin, uint64_t& end) {
    if (!std::getline(in_, line)) return false;
    begin = offset_;
    offset_ += line.size() + (in_.eof() ? 0 : 1);
    end = offset_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    ++number_;
    return true;
  }
  int number() const { return number_; }

 private:
  std::istream& in_;
  uint64_t offset_ = 0;
  int number_ = 0;
};

struct Pending {
  bool open = false;
  bool skip = false;  // a system notice: its continuation lines go too
  ChatMessage m;
  std::string local_minute;  // "2023-12-31T22:00", part of the id
};

}  // namespace

Status Validate(const WhatsAppOptions& options) {
  if (options.max_message_bytes == 0) {
    return Status::InvalidArgument("whatsapp.max_message_bytes", "must be above 0");
  }
  auto zone = LocalDays::Create(options.timezone);
  if (!zone) return Status::InvalidArgument("whatsapp.timezone", zone.error().message());
  return Status::OK();
}

Status ReadWhatsAppExport(std::istream& in, const WhatsAppOptions& options,
                          const std::function<Status(const ChatMessage&)>& fn) {
  ADWATCH_RETURN_IF_ERROR(Validate(options));
  auto zone = LocalDays::Create(options.timezone);
  if (!zone) return zone.error();

  // Pass 1: the date order, from dates that can only be read one way.
  bool day_first = true;
  {
    bool first_over_12 = false, second_over_12 = false, ampm = false, any = false;
    Lines lines(in);
    std::string line;
    uint64_t b, e;
    while (lines.Next(line, b, e)) {
      auto h = ParseHeader(line);
      if (!h) continue;
      any = true;
      first_over_12 |= h->a > 12;
      second_over_12 |= h->b > 12;
      ampm |= h->ampm != 0;
    }
    if (!any) return LineError(1, "not a WhatsApp chat export: no line starts with a date");
    switch (options.date_order) {
      case DateOrder::kDayFirst:
        day_first = true;
        break;
      case DateOrder::kMonthFirst:
        day_first = false;
        break;
      case DateOrder::kAuto:
        if (first_over_12 && second_over_12) {
          return Status::InvalidArgument("WhatsApp export",
                                         "the dates are written both day-first and month-first");
        }
        day_first = first_over_12 || (!second_over_12 && !ampm);
        break;
    }
    in.clear();
    in.seekg(0);
    if (!in) return Status::InvalidArgument("WhatsApp export", "the input cannot be read twice");
  }

  // Pass 2: the messages.
  Lines lines(in);
  std::string line;
  uint64_t begin = 0, end = 0;
  Pending p;
  auto flush = [&]() -> Status {
    if (!p.open || p.skip) return Status::OK();
    p.open = false;
    ChatMessage& m = p.m;
    while (!m.text.empty() && (m.text.back() == '\n' || m.text.back() == ' ')) m.text.pop_back();
    if (IsDeletedNotice(m.text)) return Status::OK();
    std::string basis = m.sender + "\n" + p.local_minute + "\n" + m.text;
    if (m.text.empty()) {
      for (const auto& f : m.media) basis += "\n" + f;
    }
    m.message_id = Sha256Hex(basis).substr(0, 16);
    return fn(m);
  };
  bool started = false;
  while (lines.Next(line, begin, end)) {
    const int n = lines.number();
    if (!IsUtf8(line)) return LineError(n, "not UTF-8 text");
    auto h = ParseHeader(line);
    if (!h) {
      if (!started) {
        if (StripMarks(line).find_first_not_of(" \t") == std::string_view::npos) continue;
        return LineError(n,
                         "not a WhatsApp chat export: expected a line starting with a date "
                         "such as \"31/12/23 22.00 - \" or \"[31/12/23, 22.00.00] \"");
      }
      if (p.open && !p.skip) {
        // Under a media line (no text yet) the line is the caption: it starts the text.
        if (!p.m.text.empty()) p.m.text += "\n";
        p.m.text += line;
        p.m.byte_end = end;
        if (p.m.text.size() > options.max_message_bytes) {
          return LineError(
              p.m.line, "a message over " + std::to_string(options.max_message_bytes) + " bytes");
        }
      }
      continue;
    }
    started = true;
    ADWATCH_RETURN_IF_ERROR(flush());
    p = Pending();

    const int day = day_first ? h->a : h->b;
    const int month = day_first ? h->b : h->a;
    const int year = h->year < 100 ? 2000 + h->year : h->year;
    int hour = h->hour;
    if (h->ampm != 0) {
      if (hour < 1 || hour > 12) return LineError(n, "an hour outside 1-12 with AM/PM");
      hour = hour % 12 + (h->ampm == 2 ? 12 : 0);
    }
    char iso[40];
    std::snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour,
                  h->minute, h->second);
    auto local = ParseTimestamp(iso);
    if (!local || month < 1 || month > 12 || day < 1 || hour > 23 || h->minute > 59 ||
        h->second > 59) {
      return LineError(n, std::string("an impossible date or time (") + iso + ")");
    }
    p.open = true;
    p.local_minute = std::string(iso, 16);
    ChatMessage& m = p.m;
    m.format = ExportFormat::kWhatsApp;
    m.chat_name = options.chat_name;
    m.chat_type = "whatsapp";
    m.posted_ms = zone->UtcOfLocal(*local);
    m.line = n;
    m.byte_begin = begin;
    m.byte_end = end;

    const std::string_view body = std::string_view(line).substr(h->body);
    const size_t colon = body.find(": ");
    if (colon == std::string_view::npos) {
      p.skip = true;  // "Budi joined using this group's invite link", encryption notices
      continue;
    }
    m.sender = CleanSender(body.substr(0, colon));
    m.sender_id = PhoneOf(m.sender);
    const std::string_view text = body.substr(colon + 2);
    const MediaLine media = ReadMediaLine(text);
    if (media.is_media) {
      if (media.omitted) {
        ++m.media_omitted;
      } else if (IsSafeRelativePath(media.file) && media.file.find('/') == std::string::npos) {
        m.media.push_back(media.file);
      } else {
        return LineError(n, "an attachment name that is not a plain file name");
      }
    } else if (text.substr(0, kLrm.size()) == kLrm) {
      p.skip = true;  // iOS writes its notices (encryption, joins) after a left-to-right mark
      continue;
    } else {
      m.text = std::string(text);
    }
  }
  if (!started) return LineError(1, "not a WhatsApp chat export: no line starts with a date");
  return flush();
}

std::string ChatNameFromFileName(std::string_view path) {
  if (auto slash = path.find_last_of('/'); slash != std::string_view::npos) {
    path.remove_prefix(slash + 1);
  }
  if (auto dot = path.find_last_of('.'); dot != std::string_view::npos && dot > 0) {
    path = path.substr(0, dot);
  }
  for (std::string_view prefix :
       {std::string_view("WhatsApp Chat with "), std::string_view("Chat WhatsApp dengan "),
        std::string_view("WhatsApp Chat - "), std::string_view("Chat WhatsApp - ")}) {
    if (path.substr(0, prefix.size()) == prefix) return std::string(path.substr(prefix.size()));
  }
  return std::string(path);
}

}  // namespace adwatch::chats
