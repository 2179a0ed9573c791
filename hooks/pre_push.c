/*
 * pre_push.c - pre-push: refuse a push the host would refuse for an
 * object's size (pushcheck.h), before anything is sent.
 *
 * argv[1] is the remote's name (or its URL), argv[2] its URL; standard
 * input lists the refs being pushed.  The one hook whose answer counts:
 * it returns 1 to refuse, with the objects and the fix printed.  sovsync's
 * own trouble (an unreadable repository, a failed git) is a warning and
 * lets the push go on, as in every other hook.
 */
#include "hooks.h"
#include "config.h"
#include "error.h"
#include "pushcheck.h"

#include <stdio.h>
#include <string.h>

int sov_hook_pre_push(struct sov_hookrun *h, int argc, char **argv)
{
	struct sov_buf input = SOV_BUF_INIT, report = SOV_BUF_INIT;
	uint64_t max = 0;
	int ret;

	if (sov_buf_read_fd(&input, 0, "standard input") < 0) {
		sov_hook_drain_stdin();
		sov_buf_release(&input);
		return -1;
	}
	ret = sov_config_max_object_size(h->cfg, &max);
	if (ret == 0)
		ret = sov_pushcheck_run(h->repo, argc > 1 ? argv[1] : "origin", input.ptr, max,
					&report);
	if (ret > 0) {
		const char *p = report.ptr;

		/* Every line prefixed, so that it reads as sovsync's in Git's output. */
		while (*p) {
			const char *nl = strchrnul(p, '\n');

			fprintf(stderr, "sovsync: %.*s\n", (int)(nl - p), p);
			p = *nl ? nl + 1 : nl;
		}
	}
	sov_buf_release(&input);
	sov_buf_release(&report);
	return ret;
}
