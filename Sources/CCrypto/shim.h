#ifndef MRS_CCRYPTO_SHIM_H
#define MRS_CCRYPTO_SHIM_H
// OpenSSL's libcrypto: only HMAC-SHA256, which signs Jupyter messages.
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
#endif
