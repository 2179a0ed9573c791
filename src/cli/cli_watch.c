/*
 * cli_watch.c - `sovsync watch`: the local daemon (src/sync/watch.h).
 */
#include "cli.h"
#include "ctx.h"
#include "error.h"
#include "osservice.h"
#include "watch.h"

#include <string.h>

/* "--name=<duration>" into *ms; 1 if `arg` was that option, -1 if invalid. */
static int duration_opt(const char *arg, const char *name, int64_t *ms)
{
	size_t n = strlen(name);

	if (strncmp(arg, name, n) || arg[n] != '=')
		return 0;
	return sov_duration_parse(arg + n + 1, 1000, ms) < 0 ? -1 : 1;
}

/* A cycle's line, as the watcher reports it (opts.report). */
static void print_cycle_line(const char *line)
{
	fprintf(stderr, "sovsync watch: %s\n", line);
}

/* What the command line asked for: -1 is unset. */
struct watch_args {
	int64_t debounce, pull, scan, backoff;
	int quiet;
	const char *service_dir;	/* --service <dir>: run under the SCM */
	const char *service_name;	/* --service-name=<name> */
};

/*
 * Watch the repository at `dir` (NULL: here) until `stop` is raised.  An
 * exit status; the error is left for the caller to report.
 */
static int run_watch(const char *dir, const struct watch_args *a, struct sov_os_stop *stop)
{
	struct sov_ctx ctx = SOV_CTX_INIT;
	struct sov_watch_opts opts = { 0 };
	int ret = SOV_EXIT_FAIL;

	if (sov_ctx_open(&ctx, dir, SOV_CTX_REPO | SOV_WATCH_SETTINGS) < 0)
		goto out;
	opts.debounce_ms = ctx.set.debounce_ms;
	opts.pull_interval_ms = ctx.set.pull_interval_ms;
	opts.scan_interval_ms = ctx.set.scan_interval_ms;
	opts.backoff_max_ms = ctx.set.backoff_max_ms;
	opts.quiet = a->quiet;
	/* A service has no console: its lines go to the repository's log only. */
	opts.report = a->service_dir ? NULL : print_cycle_line;
	opts.stop = stop;
	/* Options override the config. */
	if (a->debounce >= 0)
		opts.debounce_ms = a->debounce;
	if (a->pull >= 0)
		opts.pull_interval_ms = a->pull;
	if (a->scan >= 0)
		opts.scan_interval_ms = a->scan;
	if (a->backoff >= 0)
		opts.backoff_max_ms = a->backoff;
	if (opts.pull_interval_ms < 1000 || opts.scan_interval_ms < 1000) {
		sov_error_clear();
		ret = sov_cli_usage_error(&sov_cmd_watch,
					  "pull and scan intervals must be at least 1s");
		goto out;
	}
	if (sov_watch_run(&ctx, &opts) == 0)
		ret = SOV_EXIT_OK;
out:
	sov_ctx_release(&ctx);
	return ret;
}

/* The Windows service's body (src/os/osservice.h). */
static int service_body(void *arg, struct sov_os_stop *stop)
{
	const struct watch_args *a = arg;
	int ret = run_watch(a->service_dir, a, stop);

	if (ret != SOV_EXIT_OK && sov_error_isset()) {
		struct sov_buf msg = SOV_BUF_INIT;

		sov_buf_addf(&msg, "sovsync watch %s: %s", a->service_dir, sov_error_last());
		sov_os_service_log(a->service_name, 1, msg.ptr);
		sov_buf_release(&msg);
	}
	return ret;
}

static int cmd_watch(int argc, char **argv)
{
	struct watch_args a = { -1, -1, -1, -1, 0, NULL, SOV_SERVICE_NAME };
	struct sov_os_stop *stop = NULL;
	int i, ret;

	for (i = 1; i < argc; i++) {
		int r = 0;

		if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
			a.quiet = 1;
			continue;
		}
		if (!strcmp(argv[i], "--service")) {
			if (i + 1 >= argc)
				return sov_cli_usage_error(&sov_cmd_watch,
							   "--service needs a repository");
			a.service_dir = argv[++i];
			continue;
		}
		if (!strncmp(argv[i], "--service-name=", 15) && argv[i][15]) {
			a.service_name = argv[i] + 15;
			continue;
		}
		if (!r)
			r = duration_opt(argv[i], "--debounce", &a.debounce);
		if (!r)
			r = duration_opt(argv[i], "--pull-interval", &a.pull);
		if (!r)
			r = duration_opt(argv[i], "--scan-interval", &a.scan);
		if (!r)
			r = duration_opt(argv[i], "--backoff-max", &a.backoff);
		if (r < 0)
			return sov_cli_usage_error(&sov_cmd_watch, "%s", sov_error_last());
		if (!r)
			return sov_cli_usage_error(&sov_cmd_watch, "unknown option '%s'",
						   argv[i]);
	}

	if (a.service_dir) {
		a.quiet = 1;
		ret = sov_os_service_run(a.service_name, service_body, &a);
		return ret < 0 ? sov_cli_fail() : ret;
	}
	if (sov_os_stop_new(&stop) < 0 || sov_os_stop_on_signals(stop) < 0) {
		sov_os_stop_free(stop);
		return sov_cli_fail();
	}
	ret = run_watch(NULL, &a, stop);
	if (ret == SOV_EXIT_FAIL)
		sov_error_report();
	sov_os_stop_free(stop);
	return ret;
}

const struct sov_cmd sov_cmd_watch = {
	"watch", cmd_watch,
	"Sync on its own: commit, pull and push when files change",
	"sovsync watch [-q] [--debounce=<d>] [--pull-interval=<d>] "
	"[--scan-interval=<d>] [--backoff-max=<d>]",
	"Runs in the foreground until SIGINT, SIGTERM or SIGHUP (Ctrl+C,\n"
	"Ctrl+Break or closing the console on Windows) and runs the cycle of\n"
	"'sovsync sync' (see 'sovsync help sync'):\n"
	"\n"
	"  - when files under sovsync.root change (inotify on every directory,\n"
	"    new ones included, or ReadDirectoryChangesW on Windows; .git and\n"
	"    untracked scratch files ignored, see 'sovsync help sync'), once the\n"
	"    changes have been quiet for the debounce time, so a burst of writes\n"
	"    becomes one commit;\n"
	"  - every pull interval, to bring in the remote's changes;\n"
	"  - every scan interval, after walking the tree again (the backup for\n"
	"    anything inotify missed);\n"
	"  - at start, for what changed while it was not running.\n"
	"\n"
	"A failed cycle (network or server down, a lock held too long) is\n"
	"retried after an exponential backoff with full jitter, from 2s up to\n"
	"the backoff maximum; local commits wait meanwhile.  A merge that stops\n"
	"on conflicts is aborted and flagged (.git/sovsync/sync-conflict.json),\n"
	"and syncing goes on.  A remote whose history was rewritten is flagged\n"
	"(.git/sovsync/remote-rewritten.json): the watcher keeps committing\n"
	"locally but merges and pushes nothing until 'sovsync sync\n"
	"--accept-rewrite' takes it.  A fetch or push with no sign of life for\n"
	"sovsync.networkTimeout (0: no limit) is stopped and counts as a\n"
	"failed cycle.\n"
	"One line per cycle goes to .git/sovsync/log\n"
	"(rotated at 1 MiB to log.1) and to standard error.  Only one watcher\n"
	"runs per repository.  On a stop signal the current git command\n"
	"finishes, the rest of the cycle is skipped, and the watcher exits 0.\n"
	"\n"
	"    -q, --quiet            no cycle lines on standard error\n"
	"    --service <dir>        run as the Windows service (started so by the\n"
	"                           service control manager, see 'sovsync help\n"
	"                           service'), watching <dir>; no console output\n"
	"    --service-name=<name>  the service's name (default sovsync)\n"
	"    --debounce=<d>         sovsync.watch.debounce (default 2s)\n"
	"    --pull-interval=<d>    sovsync.watch.pullInterval (default 60s)\n"
	"    --scan-interval=<d>    sovsync.watch.scanInterval (default 900s)\n"
	"    --backoff-max=<d>      sovsync.watch.backoffMax (default 300s)\n"
	"\n"
	"Durations are seconds, or take a unit: 500ms, 1.5s, 15m, 1h.\n"
	"install/sovsync-watch.service runs it as a systemd user service;\n"
	"'sovsync service install' as a Windows service.\n"
	"\n"
	"Exit status: 0 after a clean stop, 1 when it cannot start (another\n"
	"watcher runs, not a work tree), 2 wrong usage.\n",
	0,
};
