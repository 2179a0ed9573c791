/*
 * test_service.c - drives src/os/win32/service.c under Wine's (or
 * Windows') service control manager, for tests/t8103-service-wine.sh:
 *
 *   test_service install <name> <dir>   register "<this exe> run <name> <dir>"
 *   test_service start|stop|uninstall <name>
 *   test_service status <name>          prints sov_os_service_status()
 *   test_service run <name> <dir>       the service: sov_os_service_run() with
 *                                       a body that writes <dir>\running, waits
 *                                       for its stop request (in a directory
 *                                       watch's wait, as the watcher does) and
 *                                       writes the reason to <dir>\stopped
 *
 * Exit 0 on success, 1 with the error on standard error.
 */
#include "error.h"
#include "osdirwatch.h"
#include "osservice.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

/* error.c asks libgit2 for its last error: there is none here. */
const git_error *git_error_last(void)
{
	return NULL;
}

static void write_note(const char *dir, const char *name, const char *text)
{
	char path[MAX_PATH * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s\\%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int body(void *arg, struct sov_os_stop *stop)
{
	const char *dir = arg;
	struct sov_os_dirwatch_batch b = SOV_OS_DIRWATCH_BATCH_INIT;
	struct sov_os_dirwatch *w;

	if (sov_os_dirwatch_open(&w, dir, ".") < 0) {
		write_note(dir, "stopped", sov_error_last());
		return 3;
	}
	write_note(dir, "running", "yes\n");
	while (!sov_os_stop_requested(stop))
		if (sov_os_dirwatch_wait(w, stop, -1, &b) < 0)
			break;
	write_note(dir, "stopped", sov_os_stop_reason_name(sov_os_stop_requested(stop)));
	sov_os_dirwatch_close(w);
	sov_os_dirwatch_batch_release(&b);
	return 0;
}

static int fail(void)
{
	fprintf(stderr, "test_service: %s\n", sov_error_last());
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "install")) {
		char exe[MAX_PATH * 2];
		const char *args[] = { "run", argv[2], argv[3], NULL };
		struct sov_os_service_spec spec = { argv[2], "sovsync test", "a test service",
						    exe, args, NULL, NULL };

		GetModuleFileNameA(NULL, exe, sizeof(exe));
		return sov_os_service_install(&spec) < 0 ? fail() : 0;
	}
	if (argc == 4 && !strcmp(argv[1], "run")) {
		int r = sov_os_service_run(argv[2], body, argv[3]);

		return r < 0 ? fail() : r;
	}
	if (argc == 3 && !strcmp(argv[1], "start"))
		return sov_os_service_start(argv[2]) < 0 ? fail() : 0;
	if (argc == 3 && !strcmp(argv[1], "stop"))
		return sov_os_service_stop(argv[2], 30000) < 0 ? fail() : 0;
	if (argc == 3 && !strcmp(argv[1], "uninstall"))
		return sov_os_service_uninstall(argv[2]) < 0 ? fail() : 0;
	if (argc == 3 && !strcmp(argv[1], "status")) {
		struct sov_buf out = SOV_BUF_INIT;
		int r = sov_os_service_status(argv[2], &out);

		if (r < 0)
			return fail();
		fputs(out.ptr, stdout);
		return r ? 0 : 1;
	}
	fputs("usage: test_service (install|run) <name> <dir> | "
	      "(start|stop|status|uninstall) <name>\n", stderr);
	return 2;
}
