#ifndef MRS_CHDF5_SHIM_H
#define MRS_CHDF5_SHIM_H
#include <hdf5.h>

// H5T_NATIVE_* and H5P_* are macros that call H5open() and do not import into Swift: expose them as functions.
static inline hid_t mrs_h5t_native_int8(void) { return H5T_NATIVE_INT8; }
static inline hid_t mrs_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t mrs_h5t_native_int16(void) { return H5T_NATIVE_INT16; }
static inline hid_t mrs_h5t_native_uint16(void) { return H5T_NATIVE_UINT16; }
static inline hid_t mrs_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t mrs_h5t_native_uint32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t mrs_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t mrs_h5t_native_uint64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t mrs_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t mrs_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t mrs_h5t_c_s1(void) { return H5T_C_S1; }
static inline hid_t mrs_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t mrs_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t mrs_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t mrs_h5p_link_create(void) { return H5P_LINK_CREATE; }
static inline hid_t mrs_h5s_all(void) { return H5S_ALL; }
static inline hsize_t mrs_h5s_unlimited(void) { return H5S_UNLIMITED; }
static inline hid_t mrs_h5e_default(void) { return H5E_DEFAULT; }
// H5F_ACC_* expand to H5CHECK/H5OPEN calls, which Swift cannot import as constants.
static inline unsigned mrs_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned mrs_h5f_acc_rdwr(void) { return H5F_ACC_RDWR; }
static inline unsigned mrs_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
// H5T_VARIABLE is a cast expression ((size_t)-1) that Swift does not import.
static inline size_t mrs_h5t_variable(void) { return H5T_VARIABLE; }
// H5P_DATASET_XFER is a macro over a library global that needs H5open() first.
static inline hid_t mrs_h5p_dataset_xfer(void) { return H5P_DATASET_XFER; }
static inline hid_t mrs_h5p_group_create(void) { return H5P_GROUP_CREATE; }
#endif
