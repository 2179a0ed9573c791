/*
 * clean.c - `sovsync clean` and `sovsync smudge`: the one-shot filters
 * (filter.sovsync.clean / .smudge), standard input to standard output.
 * Git uses them when filter.sovsync.process is not configured.
 */
#include "cli.h"
#include "ctx.h"
#include "error.h"
#include "filter.h"

/*
 * Clean needs its settings; smudge only reads what is stored, so a bad
 * minSize does not keep it from decoding (the chunk store still reads its
 * own settings when a pointer comes).
 */
static int configure(struct sov_filter *f, struct sov_ctx *ctx, enum sov_filter_op op)
{
	if (sov_filter_configure(f, ctx) == 0)
		return 0;
	if (op == SOV_FILTER_CLEAN)
		return -1;
	sov_error_clear();
	sov_filter_use_repo(f, ctx->repo);
	return 0;
}

static int run_oneshot(const struct sov_cmd *cmd, enum sov_filter_op op,
		       int argc, char **argv)
{
	struct sov_filter f = SOV_FILTER_INIT;
	struct sov_ctx ctx = SOV_CTX_INIT;
	int ret = SOV_EXIT_OK;

	if (argc > 2)
		return sov_cli_usage_error(cmd, "too many arguments");
	/* The repository Git runs the filter in (none: the defaults). */
	if (sov_ctx_open(&ctx, NULL, 0) < 0 || configure(&f, &ctx, op) < 0 ||
	    sov_filter_fd_with(&f, op, 0, 1) < 0) {
		sov_error_prefix("%s", argc == 2 ? argv[1] : "<stdin>");
		ret = sov_cli_fail();
	}
	sov_filter_release(&f);
	sov_ctx_release(&ctx);
	return ret;
}

static int cmd_clean(int argc, char **argv)
{
	return run_oneshot(&sov_cmd_clean, SOV_FILTER_CLEAN, argc, argv);
}

static int cmd_smudge(int argc, char **argv)
{
	return run_oneshot(&sov_cmd_smudge, SOV_FILTER_SMUDGE, argc, argv);
}

const struct sov_cmd sov_cmd_clean = {
	"clean", cmd_clean,
	"Encode a large file for storage in Git (standard input to output)",
	"sovsync clean [<path>]",
	"Reads a file's content on standard input and writes its stored form\n"
	"(docs/FORMATS.md) on standard output: content-defined chunks, each an\n"
	"independent zstd frame with a checksum.  Content below\n"
	"sovsync.filter.minSize (default 1m) is written as it is, unless it\n"
	"begins like a stored form.  Content that is already in stored form is\n"
	"copied unchanged.  <path> (Git passes %f) is used only in\n"
	"messages.  Run by Git as filter.sovsync.clean; filter-process is faster.\n",
	1,
};

const struct sov_cmd sov_cmd_smudge = {
	"smudge", cmd_smudge,
	"Decode a stored large file (standard input to output)",
	"sovsync smudge [<path>]",
	"Reads a file's stored form on standard input and writes its content on\n"
	"standard output, verifying every chunk's checksum.  Content without a\n"
	"sovsync header (committed before the file was tracked) is copied\n"
	"unchanged.  Damaged content fails with 'sovsync: <path>: corrupt ...'.\n"
	"Run by Git as filter.sovsync.smudge.\n",
	1,
};
