#ifndef CUCHARDET_SHIM_H
#define CUCHARDET_SHIM_H

/* uchardet (Debian's libuchardet-dev): Mozilla's universal charset detector as a C library. Only
   the charset detection of the clean stage calls it, for pages that declare no charset. */
#include <uchardet/uchardet.h>

#endif
