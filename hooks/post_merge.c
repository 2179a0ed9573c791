/*
 * post_merge.c - post-merge: check HEAD after a merge or a fast-forward.
 *
 * argv[1] is "1" for a squash merge (nothing committed).  A fast-forward
 * pull of commits made elsewhere (the web app commits through the GitHub
 * API, without hooks) is where a stale manifest usually arrives.
 */
#include "hooks.h"

#include <string.h>

int sov_hook_post_merge(struct sov_hookrun *h, int argc, char **argv)
{
	int ret = sov_hookrun_post_merge(h, argc > 1 && !strcmp(argv[1], "1"));

	/* webhook: sov_webhook_emit(h->repo, "merge", <ORIG_HEAD>, <HEAD>) goes here. */
	return ret;
}
