// Small text checks the chat parsers share.
#ifndef ADWATCH_CHATS_TEXT_H_
#define ADWATCH_CHATS_TEXT_H_

#include <string_view>

namespace adwatch::chats {

// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool IsUtf8(std::string_view s);

// True for a relative path that stays inside its folder: not empty, no leading '/', no ".."
// segment, no backslash or NUL.
bool IsSafeRelativePath(std::string_view p);

}  // namespace adwatch::chats

#endif  // ADWATCH_CHATS_TEXT_H_
