#ifndef MRS_CXML2_SHIM_H
#define MRS_CXML2_SHIM_H
// libxml2: parsing with line numbers, the tree, serialisation and XML Schema validation.
#include <libxml/xmlversion.h>
// Debian's libxml2 is built with ICU, so encoding.h would include the system's ICU headers, whose
// UErrorCode clashes with the one in Foundation's bundled ICU wherever a Swift file imports both
// ("'U_MF_…' is not present in definition of 'enum UErrorCode'"). mrs never touches the ICU
// converter fields at the end of xmlCharEncodingHandler (only pointers to it pass through), so
// the ICU part of the headers is left out.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlschemas.h>

// xmlFree is a global function pointer in libxml2, which Swift imports awkwardly; call it here.
static inline void mrs_xml_free(void *p) { xmlFree(p); }
#endif
