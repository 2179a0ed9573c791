/*
 * template.h - the synced layout template (shared/ of the source tree).
 *
 * The data is generated at build time by install/gen-template.pl into
 * build/.../gen/template.c and linked into the library, so `sovsync install`
 * creates the layout from the copy inside the binary wherever it is
 * installed.  Paths are relative to the synced root.
 */
#ifndef SOV_TEMPLATE_H
#define SOV_TEMPLATE_H

#include <stddef.h>

struct sov_template_file {
	const char *path;	/* relative to the synced root */
	const char *data;
	size_t len;
};

extern const struct sov_template_file sov_template_files[];
extern const size_t sov_template_nfiles;

#endif
