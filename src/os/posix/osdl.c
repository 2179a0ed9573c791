/*
 * osdl.c - load a shared library with dlopen(); see osdl.h.
 */
#include "osdl.h"
#include "error.h"

#include <dlfcn.h>
#include <string.h>

void *sov_os_dl_open(const char *soname)
{
	void *lib;

	/* RTLD_LOCAL: its symbols serve only the lookups below. */
	lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		const char *why = dlerror();

		sov_error("cannot load %s: %s", soname, why ? why : "unknown reason");
	}
	return lib;
}

void (*sov_os_dl_sym(void *lib, const char *soname, const char *name))(void)
{
	void (*fn)(void);
	void *addr;

	dlerror();
	addr = dlsym(lib, name);
	if (!addr) {
		const char *why = dlerror();

		sov_error("%s has no function %s (a version too old?)%s%s", soname, name,
			  why ? ": " : "", why ? why : "");
		return NULL;
	}
	/* POSIX guarantees that a function's address survives this. */
	memcpy(&fn, &addr, sizeof(fn));
	return fn;
}
