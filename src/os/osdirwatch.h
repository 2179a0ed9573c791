/*
 * osdirwatch.h - follow the changes under a directory tree.
 *
 * One seam for the watcher (src/sync/watch.c), which keeps its debounce,
 * scan and backoff the same on every system:
 *
 *   - POSIX (src/os/posix/dirwatch.c): inotify(7), one watch per directory,
 *     new directories added as they appear (and what was created in them
 *     before the watch took reported), .git directories never watched; the
 *     parent of the watched tree is watched for the tree (re)appearing.
 *   - Windows (src/os/win32/dirwatch.c): ReadDirectoryChangesW on the top
 *     directory with its subtree, overlapped, waited for together with the
 *     stop request.
 *
 * A batch reports the changed paths relative to `top`, with '/' between
 * components, or that events were lost (the kernel's queue or the
 * system's buffer overflowed, a directory was renamed, the watched tree
 * appeared): then only a walk of the tree (`git status`) tells what
 * changed.  The caller filters the paths (.git, scratch files): a change
 * inside .git may be reported.
 */
#ifndef SOV_OS_DIRWATCH_H
#define SOV_OS_DIRWATCH_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "osstop.h"

struct sov_os_dirwatch;

/* What one wait saw.  The caller owns it: sov_os_dirwatch_batch_release. */
struct sov_os_dirwatch_batch {
	struct sov_buf paths;	/* relative paths, each followed by a '\0' */
	size_t count;		/* how many in `paths` */
	int rescan;		/* events were lost: rescan the whole tree */
};

#define SOV_OS_DIRWATCH_BATCH_INIT { .paths = SOV_BUF_INIT, .count = 0, .rescan = 0 }

void sov_os_dirwatch_batch_reset(struct sov_os_dirwatch_batch *batch);
void sov_os_dirwatch_batch_release(struct sov_os_dirwatch_batch *batch);
/* Append `path` (`len` bytes) to the batch.  For the implementations. */
void sov_os_dirwatch_batch_add(struct sov_os_dirwatch_batch *batch, const char *path,
			       size_t len);

/*
 * Watch `top`/`sub` and everything below it (`sub` "." : all of `top`;
 * `top` absolute, `sub` relative with '/').  `sub` need not exist yet: its
 * appearing is a rescan.  *out owned by the caller (sov_os_dirwatch_close).
 * 0, or -1 when the system's watch cannot be created (`top` missing).
 */
int sov_os_dirwatch_open(struct sov_os_dirwatch **out, const char *top, const char *sub);

/* How many directories are watched (for the start line; 1 on Windows). */
size_t sov_os_dirwatch_count(const struct sov_os_dirwatch *w);

/*
 * Wait up to `timeout_ms` (negative: no limit) for changes or for `stop`
 * (may be NULL) to be raised, then add what is queued to `batch` (not
 * reset first).  Returns 1 when changes were added (or a rescan flagged),
 * 0 when the time ran out or the stop request was raised, -1 on an error
 * of the system's wait (message left).
 */
int sov_os_dirwatch_wait(struct sov_os_dirwatch *w, struct sov_os_stop *stop,
			 int64_t timeout_ms, struct sov_os_dirwatch_batch *batch);

/*
 * Walk the tree again to take directories a lost event hid (the periodic
 * scan; the POSIX watcher does it on its own after an overflow).
 */
void sov_os_dirwatch_rescan(struct sov_os_dirwatch *w);

void sov_os_dirwatch_close(struct sov_os_dirwatch *w);

/*
 * How many directories one watcher can follow, for `sovsync doctor`:
 * inotify's per-user limit (fs.inotify.max_user_watches, one watch per
 * directory), -1 when it cannot be read; 0 where one watch covers a whole
 * tree (Windows).  `what` gets the limit's name and how to raise it, or
 * the mechanism's name.
 */
long long sov_os_dirwatch_limit(struct sov_buf *what);

#endif
