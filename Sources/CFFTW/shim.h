#ifndef MRS_CFFTW_SHIM_H
#define MRS_CFFTW_SHIM_H
// FFTW3 single precision (fftwf_*) plus its threads library; fftw3.h imports cleanly into Swift.
#include <fftw3.h>
#endif
