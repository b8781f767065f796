#ifndef MRS_CLAPACK_SHIM_H
#define MRS_CLAPACK_SHIM_H
// LAPACKE's complex types must be plain two-field structs, or complex arguments import as opaque pointers.
typedef struct { float real, imag; } mrs_complex_float;
typedef struct { double real, imag; } mrs_complex_double;
#define lapack_complex_float mrs_complex_float
#define lapack_complex_double mrs_complex_double
#include <lapacke.h>
#include <cblas.h>
#endif
