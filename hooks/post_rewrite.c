/*
 * post_rewrite.c - post-rewrite: after `commit --amend` or a rebase.
 *
 * argv[1] is "amend" or "rebase"; standard input lists "<old> <new>" pairs,
 * which the check does not need (it looks at the resulting HEAD).
 */
#include "hooks.h"

int sov_hook_post_rewrite(struct sov_hookrun *h, int argc, char **argv)
{
	sov_hook_drain_stdin();
	return sov_hookrun_post_rewrite(h, argc > 1 ? argv[1] : "");
}
