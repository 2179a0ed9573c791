/* Unit tests for src/util/progress.c: lines go to the program's routine. */
#include "tap.h"
#include "buf.h"
#include "error.h"
#include "progress.h"

#include <stdlib.h>

static struct sov_buf shown = SOV_BUF_INIT;
static int calls;
static int fail_calls;

static int catch_line(const char *line, size_t len)
{
	calls++;
	sov_buf_add(&shown, line, len);
	return 0;
}

static int closed_stderr(const char *line, size_t len)
{
	(void)line;
	(void)len;
	fail_calls++;
	return sov_error("standard error: Bad file descriptor");
}

static void run(const char *what)
{
	struct sov_progress p = SOV_PROGRESS_INIT;

	sov_progress_start(&p, SOV_PROGRESS_ALWAYS, "Compressing", what, 4096);
	sov_progress_add(&p, 2048);
	sov_progress_add(&p, 2048);
	sov_progress_stop(&p, 1);
}

int main(void)
{
	setenv("GIT_PROGRESS_DELAY", "0", 1);

	run("none");
	is_int(calls, 0, "without a routine, progress is silent");

	sov_progress_set_routine(catch_line);
	run("x.bin");
	is_str(shown.ptr, "\rCompressing x.bin: 50% (2/4 KiB)"
	       "\rCompressing x.bin: 100% (4/4 KiB)"
	       "\rCompressing x.bin: 100% (4/4 KiB), done.\n",
	       "each update goes to the routine, then done");
	is_int(calls, 3, "one call per line");

	{
		struct sov_progress p = SOV_PROGRESS_INIT;

		sov_buf_reset(&shown);
		sov_progress_start(&p, SOV_PROGRESS_ALWAYS, "Compressing", "y.bin", 4096);
		sov_progress_add(&p, 1024);
		sov_progress_stop(&p, 0);
		is_str(shown.ptr, "\rCompressing y.bin: 25% (1/4 KiB)\n",
		       "a failure ends with a bare newline");
	}

	sov_progress_set_routine(closed_stderr);
	sov_error_clear();
	run("z.bin");
	is_int(fail_calls, 1, "a routine that fails silences the rest");
	ok(!sov_error_isset(), "and leaves no error behind (best effort)");

	sov_progress_set_routine(NULL);
	sov_buf_release(&shown);
	return done_testing();
}
