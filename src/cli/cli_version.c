/*
 * cli_version.c - `sovsync version`: our version and the linked libraries'.
 */
#include "cli.h"
#include "curlapi.h"
#include "oshash.h"
#include "version.h"

#include <string.h>

#include <git2.h>
#include <jansson.h>
#include <zstd.h>

static int cmd_version(int argc, char **argv)
{
	struct sov_buf line = SOV_BUF_INIT;
	int major, minor, rev;
	int verbose = 1;

	if (argc == 2 && !strcmp(argv[1], "--short"))
		verbose = 0;
	else if (argc != 1)
		return sov_cli_usage_error(&sov_cmd_version, "unexpected argument '%s'",
					   argv[1]);
	printf("sovsync %s\n", SOV_VERSION);
	if (!verbose)
		return SOV_EXIT_OK;

	/* Runtime versions first, then what we were compiled against. */
	git_libgit2_version(&major, &minor, &rev);
	printf("libgit2 %d.%d.%d (compiled with %s)\n", major, minor, rev,
	       LIBGIT2_VERSION);
	printf("zstd %s (compiled with %s)\n", ZSTD_versionString(),
	       ZSTD_VERSION_STRING);
	printf("jansson %s (compiled with %s)\n", jansson_version_str(),
	       JANSSON_VERSION);
	sov_curl_describe(&line);	/* without loading it just for this */
	printf("%s\n", line.ptr);
	sov_buf_reset(&line);
	sov_os_crypto_version(&line);
	printf("%s\n", line.ptr);
	sov_buf_release(&line);
	return SOV_EXIT_OK;
}

const struct sov_cmd sov_cmd_version = {
	"version", cmd_version,
	"Print the version of sovsync and of the libraries it uses",
	"sovsync version [--short]\nsovsync --version",
	"Prints sovsync's version, then the runtime (and compile-time) versions of\n"
	"libgit2, zstd, jansson, libcurl and OpenSSL, one per line.  Where libcurl\n"
	"is loaded only when a webhook is sent (Linux builds), its line gives the\n"
	"version sovsync was compiled with and the file it loads.\n"
	"\n"
	"    --short   print only the first line\n",
	0,
};
