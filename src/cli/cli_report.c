/*
 * cli_report.c - where the program prints what the library recorded: the
 * last error (src/util/error.h) and the warnings sov_warn() hands over.  The
 * library itself never prints.
 */
#include "cli.h"
#include "error.h"

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
