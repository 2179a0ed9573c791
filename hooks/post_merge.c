/*
 * post_merge.c - post-merge: check HEAD after a merge or a fast-forward.
 *
 * argv[1] is "1" for a squash merge (nothing committed).  A fast-forward
 * pull of commits made elsewhere (the web app commits through the GitHub
 * API, without hooks) is where a stale manifest usually arrives.  Then the
 * `merge` webhook event is queued.
 */
#include "hooks.h"
#include "chunkstore.h"
#include "error.h"
#include "webhook.h"

#include <string.h>

int sov_hook_post_merge(struct sov_hookrun *h, int argc, char **argv)
{
	int is_squash = argc > 1 && !strcmp(argv[1], "1");

	if (sov_hookrun_post_merge(h, is_squash) < 0) {
		/* The manifest trouble is reported; the event still goes out. */
		sov_error_prefix("post-merge hook");
		sov_error_report();
	}
	/* The chunks of what was pulled are kept by our own ref from now on. */
	if (sov_chunks_absorb(h->repo) < 0) {
		sov_error_prefix("post-merge hook");
		sov_error_report();
	}
	/* A squash merge committed nothing: no event until its commit. */
	if (is_squash)
		return 0;
	/* ORIG_HEAD..HEAD: what the merge or fast-forward brought in. */
	return sov_webhook_emit(h->repo, "merge", NULL, NULL);
}
