/*
 * post_commit.c - post-commit: check the commit's manifest (repair once).
 *
 * Runs after plain commits, --amend, --no-verify commits, cherry-picks and
 * each commit replayed by a rebase (where no follow-up is made).
 */
#include "hooks.h"

int sov_hook_post_commit(struct sov_hookrun *h, int argc, char **argv)
{
	int ret = sov_hookrun_post_commit(h);

	/* webhook: sov_webhook_emit(h->repo, "commit", NULL, <HEAD>) goes here. */
	return ret;
}
