/*
 * watch.c - timers and the cycle loop of `sovsync watch`, the same on every
 * system (the directory watch is src/os/osdirwatch.h); see watch.h.
 */
#include "watch.h"
#include "error.h"
#include "repo.h"
#include "timing.h"
#include "trace.h"

#include "osdirwatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BACKOFF_BASE_MS 2000
#define DEBOUNCE_MAX_FACTOR 10

/* ---- debounce ------------------------------------------------------------ */

void sov_debounce_init(struct sov_debounce *d, int64_t quiet_ms)
{
	d->quiet_ms = quiet_ms;
	d->max_ms = quiet_ms * DEBOUNCE_MAX_FACTOR;
	d->first = d->last = -1;
}

void sov_debounce_touch(struct sov_debounce *d, int64_t now)
{
	if (d->first < 0)
		d->first = now;
	d->last = now;
}

void sov_debounce_clear(struct sov_debounce *d)
{
	d->first = d->last = -1;
}

int64_t sov_debounce_due(const struct sov_debounce *d)
{
	int64_t quiet, cap;

	if (d->first < 0)
		return -1;
	quiet = d->last + d->quiet_ms;
	cap = d->first + d->max_ms;
	return quiet < cap ? quiet : cap;
}

/* ---- the watcher ----------------------------------------------------------- */

int sov_watch_path_matters(const char *root, const char *path)
{
	size_t n = strlen(root);
	const char *p;

	if (strcmp(root, ".")) {
		if (strncmp(path, root, n) || (path[n] && path[n] != '/'))
			return 0;	/* outside the synced root */
	}
	for (p = path;;) {
		if (!strncmp(p, ".git", 4) && (p[4] == '/' || !p[4]))
			return 0;	/* Git's own files, a cycle's commits */
		p = strchr(p, '/');
		if (!p)
			break;
		p++;
	}
	return !sov_sync_is_scratch_name(path);
}

struct watcher {
	struct sov_ctx *ctx;		/* borrowed */
	git_repository *repo;		/* ctx->repo */
	const struct sov_watch_opts *opts;
	struct sov_os_stop *stop;	/* opts->stop */
	struct sov_os_dirwatch *dw;	/* the system's watch (owned) */
	struct sov_os_dirwatch_batch batch;
	struct sov_buf root;		/* absolute path of the synced root */
	struct sov_debounce debounce;
	int failures;			/* failed cycles in a row */
	int64_t next_pull, next_scan, retry_at;
};

/* Take what the system's watch reported.  Returns 1 if a change matters. */
static int take_batch(struct watcher *w, int64_t now)
{
	const char *root = w->ctx->set.root.ptr;
	const char *p = w->batch.paths.ptr;
	int changed = w->batch.rescan;
	size_t i;

	for (i = 0; i < w->batch.count && !changed; i++, p += strlen(p) + 1)
		if (sov_watch_path_matters(root, p))
			changed = 1;
	if (changed) {
		sov_trace("watch: change seen (%lu paths%s)", (unsigned long)w->batch.count,
			  w->batch.rescan ? ", events lost: rescan" : "");
		sov_debounce_touch(&w->debounce, now);
	}
	sov_os_dirwatch_batch_reset(&w->batch);
	return changed;
}

static void report(struct watcher *w, const char *line)
{
	if (sov_sync_log(w->repo, line, SOV_SYNC_LOG_MAX) < 0)
		sov_warn("%s", sov_error_last());
	if (!w->opts->quiet && w->opts->report)
		w->opts->report(line);
}

/* Run one cycle and schedule the next ones from its outcome. */
static void run_cycle(struct watcher *w, enum sov_sync_network network,
		      int is_first)
{
	struct sov_sync_opts opts = { 0 };
	struct sov_sync_result res = SOV_SYNC_RESULT_INIT;
	struct sov_buf line = SOV_BUF_INIT;
	int64_t now, delay;
	int started;

	opts.network = network;
	opts.stop = sov_os_stop_flag(w->stop);
	opts.retry_conflict = is_first;
	/* Changes from here on belong to the next cycle. */
	sov_debounce_clear(&w->debounce);
	started = sov_sync_run(w->ctx, &opts, &res) == 0;
	now = sov_timing_clock_ms();

	if (res.outcome == SOV_SYNC_FAILED) {
		w->failures++;
		delay = sov_timing_backoff_ms(w->failures, BACKOFF_BASE_MS,
					      w->opts->backoff_max_ms, sov_timing_random64());
		w->retry_at = now + delay;
		w->next_pull = w->retry_at;
		sov_sync_describe(&res, &line);
		if (!started)
			sov_buf_addstr(&line, " (cycle not started)");
		sov_buf_addf(&line, "; retry in %.1fs", (double)delay / 1000.0);
		report(w, line.ptr);
	} else {
		w->failures = 0;
		if (!res.is_idle)
			w->next_pull = now + w->opts->pull_interval_ms;
		if (!res.is_idle) {
			sov_sync_describe(&res, &line);
			report(w, line.ptr);
		}
	}
	sov_buf_release(&line);
	sov_sync_result_release(&res);
}

static int64_t min_time(int64_t a, int64_t b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

static void loop(struct watcher *w)
{
	int first = 1;

	while (!sov_os_stop_requested(w->stop)) {
		int64_t now = sov_timing_clock_ms();
		int64_t due = sov_debounce_due(&w->debounce);
		int64_t wake;

		/* While backing off, file changes wait for the retry too. */
		if (due >= 0 && w->failures && due < w->retry_at)
			due = w->retry_at;
		if (first || now >= w->next_pull) {
			run_cycle(w, SOV_SYNC_NET_ALWAYS, first);
			first = 0;
			continue;
		}
		if (now >= w->next_scan) {
			sov_os_dirwatch_rescan(w->dw);
			w->next_scan = now + w->opts->scan_interval_ms;
			run_cycle(w, SOV_SYNC_NET_ALWAYS, 0);
			continue;
		}
		if (due >= 0 && now >= due) {
			run_cycle(w, w->failures ? SOV_SYNC_NET_ALWAYS :
				  SOV_SYNC_NET_IF_CHANGED, 0);
			continue;
		}

		wake = min_time(min_time(w->next_pull, w->next_scan), due);
		if (sov_os_dirwatch_wait(w->dw, w->stop, wake - now, &w->batch) < 0) {
			sov_warn("%s", sov_error_last());
			break;
		}
		take_batch(w, sov_timing_clock_ms());
	}
}

int sov_watch_run(struct sov_ctx *ctx, const struct sov_watch_opts *opts)
{
	git_repository *repo = ctx->repo;
	struct watcher w = { 0 };
	struct sov_buf line = SOV_BUF_INIT;
	const char *workdir = git_repository_workdir(repo);
	int lock, ret = -1;

	if (!workdir)
		return sov_error("%s: a bare repository has no files to watch",
				 git_repository_path(repo));
	lock = sov_repo_lock(repo, "watch", 0);
	if (lock < 0 && sov_error_code() == SOV_ELOCKED)
		return sov_error_prefix("another sovsync watch is running here");
	if (lock < 0)
		return -1;

	w.ctx = ctx;
	w.repo = repo;
	w.opts = opts;
	w.stop = opts->stop;
	w.batch = (struct sov_os_dirwatch_batch)SOV_OS_DIRWATCH_BATCH_INIT;
	sov_buf_init(&w.root, 0);
	sov_debounce_init(&w.debounce, opts->debounce_ms);
	if (sov_os_dirwatch_open(&w.dw, workdir, ctx->set.root.ptr) < 0)
		goto out;
	sov_buf_addstr(&w.root, workdir);
	while (w.root.len > 1 && w.root.ptr[w.root.len - 1] == '/')
		sov_buf_setlen(&w.root, w.root.len - 1);
	if (strcmp(ctx->set.root.ptr, "."))
		sov_buf_addf(&w.root, "/%s", ctx->set.root.ptr);
	w.next_scan = sov_timing_clock_ms() + opts->scan_interval_ms;

	sov_buf_addf(&line, "watching %s (%lu directories; debounce %.1fs, "
		     "pull every %.0fs, scan every %.0fs)", w.root.ptr,
		     (unsigned long)sov_os_dirwatch_count(w.dw),
		     (double)opts->debounce_ms / 1000.0,
		     (double)opts->pull_interval_ms / 1000.0,
		     (double)opts->scan_interval_ms / 1000.0);
	report(&w, line.ptr);

	loop(&w);

	sov_buf_reset(&line);
	sov_buf_addf(&line, "stopped (%s)",
		     sov_os_stop_reason_name(sov_os_stop_requested(w.stop) ?
					     sov_os_stop_requested(w.stop) :
					     SOV_STOP_TERMINATE));
	report(&w, line.ptr);
	ret = 0;
out:
	sov_os_dirwatch_close(w.dw);
	sov_os_dirwatch_batch_release(&w.batch);
	sov_buf_release(&w.root);
	sov_buf_release(&line);
	sov_repo_unlock(lock);
	return ret;
}
