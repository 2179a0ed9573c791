/*
 * cat.c - `sovsync cat`: print the real content of a stored large file;
 * diff.sovsync.textconv, so that git diff, log -p and show print content.
 */
#include "cli.h"
#include "error.h"
#include "filter.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static int cmd_cat(int argc, char **argv)
{
	const char *path;
	int fd = 0, ret;

	if (argc != 2)
		return sov_cli_usage_error(&sov_cmd_cat, "expected one file (or -)");
	path = argv[1];
	if (strcmp(path, "-")) {
		fd = open(path, O_RDONLY);
		if (fd < 0) {
			sov_error_errno("%s: cannot open", path);
			return sov_cli_fail();
		}
	}
	ret = sov_filter_fd(SOV_FILTER_SMUDGE, 0, fd, 1);
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
