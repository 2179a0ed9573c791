/*
 * watch.h - the local daemon: run sync cycles when files change.
 *
 * `sovsync watch` follows every directory under the synced root through
 * the system's directory watch (src/os/osdirwatch.h: inotify(7), with new
 * directories added as they appear, or ReadDirectoryChangesW; changes to
 * .git and to editors' scratch files are ignored, sov_watch_path_matters)
 * and runs a sync cycle (src/sync/sync.h):
 *
 *   - when changes have been quiet for the debounce time (so a burst of
 *     writes becomes one commit; a stream that never pauses still commits
 *     every 10 debounce periods);
 *   - every pull interval, to bring in remote changes;
 *   - every scan interval, after walking the tree again: the backup for
 *     anything the watch missed (a full event queue, the watch limit, a
 *     directory renamed);
 *   - at start, to catch up with what changed while it was not running.
 *
 * A failed cycle (network, server, a lock held too long) is retried after
 * a full-jitter exponential backoff; meanwhile local changes wait in the
 * work tree.  A change made while a cycle runs is seen by the next cycle,
 * since the system queues it.  The stop request of the options (raised by
 * SIGINT, SIGTERM and SIGHUP, Ctrl+C, or the Windows service's STOP: see
 * src/os/osstop.h) stops the watcher cleanly: a cycle in progress finishes
 * its current git command, skips the rest, and the next start picks up
 * where it left off.
 *
 * One watcher per repository: the "watch" lock in .git/sovsync is held
 * while it runs.  It sleeps in the directory watch's wait between events
 * and timers.  The code here has no system-dependent part.
 */
#ifndef SOV_WATCH_H
#define SOV_WATCH_H

#include <stdint.h>

#include <git2.h>

#include "ctx.h"
#include "osstop.h"
#include "sync.h"

/* The settings a watcher needs (sov_ctx_open); the defaults of the options. */
#define SOV_WATCH_SETTINGS (SOV_SYNC_SETTINGS | SOV_SET_WATCH)

/* The watcher's timers: ctx->set's, or the command line's. */
struct sov_watch_opts {
	int64_t debounce_ms;		/* sovsync.watch.debounce, 2 s */
	int64_t scan_interval_ms;	/* sovsync.watch.scanInterval, 900 s */
	int64_t pull_interval_ms;	/* sovsync.watch.pullInterval, 60 s */
	int64_t backoff_max_ms;		/* sovsync.watch.backoffMax, 300 s */
	int quiet;			/* no cycle lines reported */
	void (*report)(const char *line);	/* the program prints a cycle line */
	struct sov_os_stop *stop;	/* borrowed: raised, the watcher stops */
};

/*
 * Watch the work tree of ctx->repo (its settings: SOV_WATCH_SETTINGS)
 * until opts->stop is raised.  Returns 0 after a clean stop, -1 when the
 * watcher could not start (another watcher holds the lock, no work tree,
 * the directory watch unavailable).
 */
int sov_watch_run(struct sov_ctx *ctx, const struct sov_watch_opts *opts);

/*
 * Whether a change at `path` (relative to the work tree, '/'-separated)
 * calls for a cycle: under the synced root `root` ("." : everywhere), not
 * in a .git directory, not an editor's scratch file.
 */
int sov_watch_path_matters(const char *root, const char *path);

/*
 * The debounce timer: due `quiet_ms` after the last change, or at the
 * latest `max_ms` after the first change of the batch.
 */
struct sov_debounce {
	int64_t quiet_ms, max_ms;
	int64_t first, last;	/* monotonic ms; first == -1: no change */
};

void sov_debounce_init(struct sov_debounce *d, int64_t quiet_ms);
void sov_debounce_touch(struct sov_debounce *d, int64_t now);
void sov_debounce_clear(struct sov_debounce *d);
/* When the batch is due (monotonic ms), or -1 when there is none. */
int64_t sov_debounce_due(const struct sov_debounce *d);

#endif
