#include "adwatch/common/locale.h"

#include <langinfo.h>

#include <clocale>
#include <cstring>

namespace adwatch {
namespace {

bool CtypeIsUtf8() {
  const char* codeset = nl_langinfo(CODESET);
  return codeset != nullptr &&
         (std::strcmp(codeset, "UTF-8") == 0 || std::strcmp(codeset, "utf8") == 0);
}

}  // namespace

bool InitLocale() {
  // A locale named in the environment that is not installed leaves LC_CTYPE as it was ("C").
  std::setlocale(LC_CTYPE, "");
  if (CtypeIsUtf8()) return true;
  std::setlocale(LC_CTYPE, "C.UTF-8");
  return CtypeIsUtf8();
}

}  // namespace adwatch
