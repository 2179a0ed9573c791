/*
 * scratch.h - scratch directories for unit tests.  Header-only (static
 * functions), like tap.h.
 *
 * A test makes its directory with mkdtemp(3) and removes it, whole, with
 * scratch_remove() at the end; removal walks the tree itself (no shell),
 * does not follow symbolic links, and reports failure so that a test can
 * say "cleanup" failed instead of leaving /tmp to fill up silently.
 */
#ifndef SOV_SCRATCH_H
#define SOV_SCRATCH_H

#include <ftw.h>
#include <stdio.h>

static int scratch_remove_one(const char *path, const struct stat *st, int type,
			      struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	if (remove(path) < 0) {
		perror(path);
		return -1;
	}
	return 0;
}

/* Remove `dir` and everything under it.  Returns 0, or -1 (reported). */
__attribute__((unused))
static int scratch_remove(const char *dir)
{
	return nftw(dir, scratch_remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

#endif
