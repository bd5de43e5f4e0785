#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H

/* Debian's libxml2 is built with ICU, and <libxml/encoding.h> then includes ICU's headers, which
   clash with the ICU copy inside Foundation when one Swift module sees both. Winnow never uses
   libxml2's ICU converters (it decodes charsets itself and hands libxml2 UTF-8), so the ICU part of
   the headers is left out. Only pointers to the affected struct (xmlCharEncodingHandler) cross
   into Swift, never its fields, so its layout does not matter here. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/HTMLparser.h>
#include <libxml/xmlerror.h>
#include <string.h>

/// Swift 6 rejects the global `xmlFree` function pointer as not concurrency-safe.
static inline void CLibXML2_free(void *p) { xmlFree(p); }

/// The magic that makes libxml2 consult the structured error callback of a SAX handler.
static inline unsigned int CLibXML2_sax2Magic(void) { return XML_SAX2_MAGIC; }

/// Clears a SAX handler in place (the parser context owns and frees it).
static inline void CLibXML2_clearSAX(xmlSAXHandler *sax) { memset(sax, 0, sizeof(*sax)); }

#endif
