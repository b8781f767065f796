#ifndef MRS_CPNG_SHIM_H
#define MRS_CPNG_SHIM_H
// Only libpng's simplified png_image_* API is used: the classic API needs setjmp, which Swift rejects.
#include <png.h>
// PNG_IMAGE_SIZE and friends are function-like macros: expose the one we need.
static inline size_t mrs_png_image_row_stride(const png_image *image) { return PNG_IMAGE_ROW_STRIDE(*image); }
// PNG_FORMAT_RGBA is an OR of two macros, which Swift does not import: expose its value.
static inline png_uint_32 mrs_png_format_rgba(void) { return PNG_FORMAT_RGBA; }
#endif
