#ifndef MRS_CXML2_SHIM_H
#define MRS_CXML2_SHIM_H
// libxml2: parsing with line numbers, the tree, serialisation and XML Schema validation.
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlschemas.h>

// xmlFree is a global function pointer in libxml2, which Swift imports awkwardly; call it here.
static inline void mrs_xml_free(void *p) { xmlFree(p); }
#endif
