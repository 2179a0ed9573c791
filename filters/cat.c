/*
 * cat.c - `sovsync cat`: print the real content of a stored large file;
 * diff.sovsync.textconv, so that git diff, log -p and show print content.
 */
#include "cli.h"
#include "ctx.h"
#include "error.h"
#include "filter.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "osfs.h"

static int cmd_cat(int argc, char **argv)
{
	struct sov_filter f = SOV_FILTER_INIT;
	struct sov_ctx ctx = SOV_CTX_INIT;
	const char *path;
	int fd = 0, ret;

	if (argc != 2)
		return sov_cli_usage_error(&sov_cmd_cat, "expected one file (or -)");
	path = argv[1];
	if (strcmp(path, "-")) {
		fd = sov_os_open(path, O_RDONLY, 0);
		if (fd < 0) {
			sov_error_errno("%s: cannot open", path);
			return sov_cli_fail();
		}
	}
	/* Chunked files read their chunks from the repository around us. */
	ret = sov_ctx_open(&ctx, NULL, 0);
	if (ret == 0 && sov_filter_configure(&f, &ctx) < 0) {
		/* A bad setting does not keep what is stored from being read. */
		sov_error_clear();
		sov_filter_use_repo(&f, ctx.repo);
	}
	if (ret == 0)
		ret = sov_filter_fd_with(&f, SOV_FILTER_SMUDGE, fd, 1);
	sov_filter_release(&f);
	sov_ctx_release(&ctx);
	if (fd)
		close(fd);
	if (ret < 0) {
		sov_error_prefix("%s", path);
		return sov_cli_fail();
	}
	return SOV_EXIT_OK;
}

const struct sov_cmd sov_cmd_cat = {
	"cat", cmd_cat,
	"Print the content of a large file, stored form or not",
	"sovsync cat <file>\nsovsync cat -",
	"Writes the real content of <file> (or standard input) on standard output:\n"
	"stored sovsync content is decoded and verified, anything else is copied\n"
	"as is.  Git runs it as diff.sovsync.textconv so that git diff, git log -p\n"
	"and git show print the content of tracked large files:\n"
	"\n"
	"    git config diff.sovsync.textconv \"sovsync cat\"\n",
	0,
};
