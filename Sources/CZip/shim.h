#ifndef MRS_CZIP_SHIM_H
#define MRS_CZIP_SHIM_H
// libzip: reading and writing the ZIP container of NumPy .npz archives (ArrayFormats).
#include <zip.h>
#endif
