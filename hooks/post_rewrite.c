/*
 * post_rewrite.c - post-rewrite: after `commit --amend` or a rebase.
 *
 * argv[1] is "amend" or "rebase"; standard input lists "<old> <new>" pairs,
 * which the check does not need (it looks at the resulting HEAD).
 */
#include "hooks.h"
#include "chunkstore.h"
#include "error.h"

int sov_hook_post_rewrite(struct sov_hookrun *h, int argc, char **argv)
{
	int ret;

	sov_hook_drain_stdin();
	ret = sov_hookrun_post_rewrite(h, argc > 1 ? argv[1] : "");
	/* After `pull --rebase`: as post-merge, keep the pulled chunks. */
	if (sov_chunks_absorb(h->repo) < 0) {
		sov_error_prefix("post-rewrite hook");
		sov_error_report();
	}
	return ret;
}
