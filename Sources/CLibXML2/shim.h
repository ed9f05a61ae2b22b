#ifndef PATCHBAY_CLIBXML2_SHIM_H
#define PATCHBAY_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian's headers pull in ICU, whose symbols clash with Foundation's copy. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/* Swift 6 refuses to call libxml2's global xmlFree function pointer directly. */
static inline void patchbay_xmlFree(void *ptr) { xmlFree(ptr); }

static void patchbay_xmlIgnoreStructured(void *user, xmlErrorPtr error) { (void)user; (void)error; }

/* Errors are read back from the parser context; nothing may reach stderr. Per thread in libxml2. */
static inline void patchbay_xmlSilence(void) {
    xmlSetStructuredErrorFunc(NULL, patchbay_xmlIgnoreStructured);
}
#endif
