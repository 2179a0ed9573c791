/*
 * mhdapi.c - libmicrohttpd through one table, loaded when first needed;
 * see mhdapi.h.
 */
#include "mhdapi.h"

#if SOV_LAZY_LIBS
#include "osdl.h"

/* Set by the build from the library it compiled against (Makefile). */
#ifndef SOV_MHD_SONAME
#define SOV_MHD_SONAME "libmicrohttpd.so.12"
#endif

/* Process-wide, like the library it describes: filled once, then read. */
static struct sov_mhd table;
static int loaded;

const struct sov_mhd *sov_mhd(void)
{
	struct sov_mhd t;
	void *lib;

	if (loaded)
		return &table;
	lib = sov_os_dl_open(SOV_MHD_SONAME);
	if (!lib)
		return NULL;
#define SOV_MHD_LOAD(f) \
	if (!(t.f = (__typeof__(t.f))sov_os_dl_sym(lib, SOV_MHD_SONAME, "MHD_" #f))) \
		return NULL;
	SOV_MHD_FUNCTIONS(SOV_MHD_LOAD)
#undef SOV_MHD_LOAD
	table = t;
	loaded = 1;
	return &table;
}

#else	/* linked with the program */

static const struct sov_mhd table = {
#define SOV_MHD_ADDR(f) .f = MHD_##f,
	SOV_MHD_FUNCTIONS(SOV_MHD_ADDR)
#undef SOV_MHD_ADDR
};

const struct sov_mhd *sov_mhd(void)
{
	return &table;
}

#endif
