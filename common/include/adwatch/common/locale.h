// The process locale: adwatch reads and writes UTF-8 everywhere, and libcurl's IDN conversion of
// Unicode host names (through libidn2) needs a UTF-8 LC_CTYPE to work at all. Not thread-safe:
// call once at the start of main(), before any thread starts (setlocale is process-wide).
#ifndef ADWATCH_COMMON_LOCALE_H_
#define ADWATCH_COMMON_LOCALE_H_

namespace adwatch {

// Sets LC_CTYPE from the environment (setlocale(LC_CTYPE, "")) and, when that does not give a
// UTF-8 character set (LANG unset under systemd or CI, or a Latin-1 locale), sets it to
// "C.UTF-8". Every other category stays "C": LC_NUMERIC above all, so numbers are printed and
// parsed with a '.' whatever the user's language. Returns true when LC_CTYPE is UTF-8 afterwards,
// false when no UTF-8 locale is installed (then Unicode host names cannot be fetched).
bool InitLocale();

}  // namespace adwatch

#endif  // ADWATCH_COMMON_LOCALE_H_
