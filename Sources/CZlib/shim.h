#ifndef MRS_CZLIB_SHIM_H
#define MRS_CZLIB_SHIM_H
// deflateInit2/inflateInit2 are macros over the *_ functions: wrap them so Swift can call them.
#include <zlib.h>
static inline int mrs_deflate_init2(z_streamp s, int level, int windowBits) {
    return deflateInit2(s, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
static inline int mrs_inflate_init2(z_streamp s, int windowBits) { return inflateInit2(s, windowBits); }
#endif
