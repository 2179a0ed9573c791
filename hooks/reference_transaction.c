/*
 * reference_transaction.c - reference-transaction: where a push is seen.
 *
 * argv[1] is the state (the installed script only calls sovsync for
 * "committed"); standard input lists "<old> <new> <ref>" lines.  A push that
 * landed moves refs/remotes/<remote>/<branch>, which is what the webhook
 * module looks for.  Never fail here: a non-zero exit in "prepared" aborts
 * the transaction.
 */
#include "hooks.h"
#include "webevent.h"

#include <stdio.h>

int sov_hook_reference_transaction(struct sov_hookrun *h, int argc, char **argv)
{
	if (argc < 2) {
		sov_hook_drain_stdin();
		return 0;
	}
	return sov_webevent_ref_transaction(h->repo, argv[1], stdin);
}
