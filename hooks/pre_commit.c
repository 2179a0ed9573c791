/*
 * pre_commit.c - pre-commit and pre-merge-commit: stage a fresh manifest.
 *
 * Git re-reads the index after these hooks, so what is staged here lands in
 * the commit.  The index is the one Git names in GIT_INDEX_FILE: the real
 * index for a plain commit, index.lock for `commit -a`, a temporary
 * next-index for `commit <paths>` (post-commit then fixes the real index).
 */
#include "hooks.h"

int sov_hook_pre_commit(struct sov_hookrun *h, int argc, char **argv)
{
	return sov_hookrun_pre_commit(h);
}
