#ifndef INTAKE_CFRIBIDI_SHIM_H
#define INTAKE_CFRIBIDI_SHIM_H
// Debian puts the headers in /usr/include/fribidi/ and pkg-config adds that
// directory; fall back to the prefixed path so a build without pkg-config's
// -I flag (or with a stale cache) still finds them.
#if __has_include(<fribidi.h>)
#include <fribidi.h>
#else
#include <fribidi/fribidi.h>
#endif

// Swift does not import these composite macros, so hand them over as functions.
static inline FriBidiFlags intake_fribidi_flags(int arabic) {
    return arabic ? (FRIBIDI_FLAGS_DEFAULT | FRIBIDI_FLAGS_ARABIC) : FRIBIDI_FLAGS_DEFAULT;
}
static inline FriBidiParType intake_fribidi_par_ltr(void) { return FRIBIDI_PAR_LTR; }
static inline FriBidiParType intake_fribidi_par_rtl(void) { return FRIBIDI_PAR_RTL; }
static inline FriBidiParType intake_fribidi_par_on(void) { return FRIBIDI_PAR_ON; }
static inline FriBidiChar intake_fribidi_char_fill(void) { return FRIBIDI_CHAR_FILL; }

#endif
