#ifndef INTAKE_CPANGOCAIRO_SHIM_H
#define INTAKE_CPANGOCAIRO_SHIM_H
// Pango (HarfBuzz shaping, FriBidi reordering) on Cairo's PDF surface, for the printed summary.
// pkg-config's -I flags for pangocairo bring in glib, harfbuzz, freetype and cairo.
#include <pango/pangocairo.h>
#include <cairo.h>
#include <cairo-pdf.h>

// Swift does not import these function-like macros or the PANGO_SCALE define reliably:
// hand them over as functions.
static inline int intake_pango_scale(void) { return PANGO_SCALE; }
static inline double intake_pango_units_to_double(int units) { return (double)units / PANGO_SCALE; }
static inline int intake_pango_units_from_double(double value) { return (int)(value * PANGO_SCALE + (value >= 0 ? 0.5 : -0.5)); }
static inline void intake_g_object_unref(void *object) { if (object) g_object_unref(object); }

#endif
