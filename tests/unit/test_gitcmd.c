/* Unit tests for src/gitcmd.c against the real git. */
#include "tap.h"
#include "buf.h"
#include "error.h"
#include "gitcmd.h"

int main(void)
{
	struct sov_buf out = SOV_BUF_INIT, in = SOV_BUF_INIT;
	const char *version[] = { "version", NULL };
	const char *hash[] = { "hash-object", "--stdin", NULL };
	const char *bad[] = { "no-such-subcommand", NULL };
	int i;

	ok(!sov_gitcmd_run(version, NULL, &out), "git version runs");
	ok(!strncmp(out.ptr, "git version ", 12), "its output is captured");

	/* More input than a pipe holds, so feeding must not deadlock. */
	for (i = 0; i < 100000; i++)
		sov_buf_addstr(&in, "0123456789");
	sov_buf_reset(&out);
	ok(!sov_gitcmd_run(hash, &in, &out), "a megabyte through git hash-object --stdin");
	is_int(out.len, 41, "one object id comes back");

	sov_buf_reset(&out);
	ok(sov_gitcmd_run(bad, NULL, &out) < 0, "a failing git command fails");
	ok(strstr(sov_error_last(), "'git no-such-subcommand' failed") != NULL,
	   "the message names it: %s", sov_error_last());

	sov_buf_release(&out);
	sov_buf_release(&in);
	return done_testing();
}
