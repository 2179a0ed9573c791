/*
 * osmem.c - memory hints on POSIX systems; see osmem.h.
 */
#include "osmem.h"

#include <stdint.h>
#include <sys/mman.h>

void sov_os_advise_huge(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
	uintptr_t page = 4096, start = ((uintptr_t)p + page - 1) & ~(page - 1);
	uintptr_t end = ((uintptr_t)p + len) & ~(page - 1);

	/* A hint: its failure (no THP in this kernel) changes nothing. */
	if (len >= ((size_t)4 << 20) && end > start)
		(void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
	(void)p;
	(void)len;
#endif
}
