/*
 * osmem.h - hints to the system's memory manager.  Nothing here changes
 * what the memory holds; each call is a hint whose failure is ignored.
 */
#ifndef SOV_OSMEM_H
#define SOV_OSMEM_H

#include <stddef.h>

/*
 * Hint that the memory [p, p + len) (a large buffer about to be filled:
 * tens of megabytes read or written in one go) may use huge pages, so that
 * filling it costs a page fault per 2 MiB instead of per 4 KiB.  Linux's
 * transparent huge pages in "madvise" mode (Debian's default) need it;
 * below 4 MiB, and on Windows, a no-op.
 */
void sov_os_advise_huge(void *p, size_t len);

#endif
