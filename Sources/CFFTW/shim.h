#ifndef MRS_CFFTW_SHIM_H
#define MRS_CFFTW_SHIM_H
// FFTW3 in single (fftwf_*) and double (fftw_*) precision, each with its threads library
// (module.modulemap links all four). <complex.h> is deliberately not included first, so
// fftwf_complex imports as a pair of floats, the layout of our Complex64.
#include <fftw3.h>
#endif
