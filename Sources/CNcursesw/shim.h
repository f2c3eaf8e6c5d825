#ifndef INTAKE_CNCURSESW_SHIM_H
#define INTAKE_CNCURSESW_SHIM_H
// SwiftPM drops the -D flags that `pkg-config ncursesw` prints, so set them here,
// before the header, or the wide-character API (get_wch, cchar_t) is missing.
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#endif
