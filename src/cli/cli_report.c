/*
 * cli_report.c - where the program prints what the library recorded: the
 * last error (src/util/error.h), the warnings sov_warn() hands over and the
 * progress lines of src/util/progress.h.  The library itself never prints.
 */
#include "cli.h"
#include "error.h"
#include "fs.h"

#include <stdio.h>

void sov_error_report(void)
{
	fprintf(stderr, "sovsync: %s\n", sov_error_last());
	sov_error_clear();
}

void sov_cli_print_warning(const char *msg)
{
	fprintf(stderr, "sovsync: %s\n", msg);
}

int sov_cli_print_progress(const char *line, size_t len)
{
	return sov_fs_write_all(2, line, len, "standard error");
}
