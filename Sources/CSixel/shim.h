#ifndef MRS_CSIXEL_SHIM_H
#define MRS_CSIXEL_SHIM_H
// libsixel encodes RGB pixels as a DEC sixel stream (inline pictures on xterm -ti vt340, foot, mlterm).
#include <sixel.h>
// Macros built from other macros do not import into Swift: expose their values.
static inline int mrs_sixel_pixelformat_rgb888(void) { return SIXEL_PIXELFORMAT_RGB888; }
static inline int mrs_sixel_failed(SIXELSTATUS status) { return SIXEL_FAILED(status); }
#endif
