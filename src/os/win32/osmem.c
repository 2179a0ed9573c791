/*
 * osmem.c - memory hints on Windows; see osmem.h.  Large pages there need
 * a privilege and an allocation of their own (VirtualAlloc with
 * MEM_LARGE_PAGES), not a hint on memory already allocated: nothing to do.
 */
#include "osmem.h"

void sov_os_advise_huge(void *p, size_t len)
{
	(void)p;
	(void)len;
}
