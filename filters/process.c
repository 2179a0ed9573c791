/*
 * process.c - `sovsync filter-process`: Git's long-running filter protocol
 * (gitattributes(5), "Long Running Filter Process"), serving clean and
 * smudge for every tracked file of one Git command in one process.
 *
 * Git writes a whole file before it reads the answer, so one side of each
 * file is spooled (spool.h) until its input has ended; memory stays bounded
 * for any file size.  A file that fails (corrupt stored content) gets
 * status=error and a "sovsync: <path>: <cause>" line on stderr; the
 * process then serves the next file.  A protocol error ends the process
 * with status 1, which Git reports as a failed filter.  The protocol
 * itself is the library's (filterproc.h); this is the command around it.
 */
#include "cli.h"
#include "error.h"
#include "ctx.h"
#include "filterproc.h"

/* A file failed: its message (with the path) goes to stderr, once. */
static void report_file(void *ctx)
{
	sov_error_report();
}

static int cmd_filter_process(int argc, char **argv)
{
	struct sov_ctx ctx = SOV_CTX_INIT;
	struct sov_filterproc_opts opts = { report_file, NULL, &ctx };
	int ret = SOV_EXIT_OK;

	if (argc != 1)
		return sov_cli_usage_error(&sov_cmd_filter_process, "takes no arguments");
	/* The repository Git runs the filter in (none: the defaults). */
	if (sov_ctx_open(&ctx, NULL, 0) < 0 || sov_filterproc_serve(0, 1, &opts) < 0)
		ret = sov_cli_fail();
	sov_ctx_release(&ctx);
	return ret;
}

const struct sov_cmd sov_cmd_filter_process = {
	"filter-process", cmd_filter_process,
	"Serve Git's long-running filter protocol for tracked large files",
	"sovsync filter-process",
	"Run by Git as filter.sovsync.process: speaks the pkt-line protocol of\n"
	"gitattributes(5) on standard input and output, cleaning (encoding) and\n"
	"smudging (decoding) every file with the attribute filter=sovsync for the\n"
	"whole Git command.  The stored form is described in docs/FORMATS.md.\n"
	"Corrupt stored content fails that file with 'sovsync: <path>: corrupt ...';\n"
	"with filter.sovsync.required=true Git then fails the checkout.\n"
	"\n"
	"Configuration (sovsync install writes it):\n"
	"    git config filter.sovsync.process \"sovsync filter-process\"\n"
	"    git config filter.sovsync.clean \"sovsync clean %f\"\n"
	"    git config filter.sovsync.smudge \"sovsync smudge %f\"\n"
	"    git config filter.sovsync.required true\n"
	"    git config diff.sovsync.textconv \"sovsync cat\"\n"
	"\n"
	"Files below sovsync.filter.minSize (default 1m) are stored as they are.\n"
	"Stored forms of 64 KiB and more and chunk blobs are written into the\n"
	"object database by the filter, without deflate (zstd output that zlib\n"
	"would only grow); Git then finds them and does not compress them.\n"
	"On a terminal, files of 1 MiB or more show Git-style progress in bytes\n"
	"on stderr once the work lasts GIT_PROGRESS_DELAY (2 s).\n"
	"\n"
	"Environment:\n"
	"    SOVSYNC_FILTER_THREADS   compression threads (default: CPUs, at most\n"
	"                             8); the stored bytes never depend on it\n"
	"    GIT_PROGRESS_DELAY       seconds before progress shows (Git's)\n",
	1,
};
