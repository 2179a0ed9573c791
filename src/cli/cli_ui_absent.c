/*
 * cli_ui_absent.c - `sovsync ui` in a build without the dashboard server
 * (SOV_UI=0: the Windows build, where libmicrohttpd is not built): the
 * command is listed, and says so.  The Makefile picks this file or
 * cli_ui.c.
 */
#include "cli.h"

static int cmd_ui(int argc, char **argv)
{
	fprintf(stderr, "sovsync: sovsync ui is not in this build (it was built without "
		"libmicrohttpd); run it from a build for Linux\n");
	return SOV_EXIT_FAIL;
}

const struct sov_cmd sov_cmd_ui = {
	"ui", cmd_ui,
	"Serve the sync dashboard (not in this build)",
	"sovsync ui",
	"The dashboard server is not in this build (built without libmicrohttpd);\n"
	"'sovsync ui' prints so and exits with status 1.\n",
	0,
};
