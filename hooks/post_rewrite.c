/*
 * post_rewrite.c - post-rewrite: after `commit --amend` or a rebase.
 *
 * argv[1] is "amend" or "rebase"; standard input lists "<old> <new>" pairs,
 * which the check does not need (it looks at the resulting HEAD).
 */
#include "hooks.h"
#include "onpull.h"

#include <string.h>

int sov_hook_post_rewrite(struct sov_hookrun *h, int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "";
	int ret;

	sov_hook_drain_stdin();
	ret = sov_hookrun_post_rewrite(h, kind);
	/* `git pull --rebase`: ORIG_HEAD..HEAD is what it brought (onpull.h). */
	if (!strcmp(kind, "rebase"))
		sov_onpull_after_hook(h->repo, h->root.ptr, "post-rewrite");
	return ret;
}
