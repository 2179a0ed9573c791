/*
 * onpull.h - sovsync.onPull: tell the local stack what a pull brought.
 *
 * After a `git pull` (the post-merge hook; post-rewrite for `pull
 * --rebase`) and after a sync or watch cycle that merged or replayed, when
 * files under the root changed between the commit before and the commit
 * after, the command in sovsync.onPull runs (through /bin/sh -c, as Git
 * runs its configured commands) in the top of the work tree with:
 *
 *   stdin                the changed paths under the root, one per line,
 *                        as `git diff --name-only` prints them (unusual
 *                        names quoted as core.quotePath says)
 *   SOVSYNC_OLD_COMMIT   the commit before the pull
 *   SOVSYNC_NEW_COMMIT   the commit after it (the hooks' follow-up included)
 *   SOVSYNC_ROOT         sovsync.root
 *   SOVSYNC_TRIGGER      post-merge, post-rewrite or sync
 *
 * and GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE removed, so a command that
 * works on another repository is not pointed back at this one.  Say, to
 * re-import memories into mem0 or to rebuild an index.
 *
 * It runs in the foreground, bounded: stopped with its whole process group
 * after sovsync.onPullTimeout (default 60 s, 0 no limit), whatever it
 * prints.  Foreground, so that its outcome is known and recorded and two
 * runs of one clone never overlap; bounded, so that a `git pull` is never
 * held longer than that.  Its failure (an exit status other than 0, the
 * timeout, a command that cannot start) never fails the pull or the
 * cycle: it is printed as a warning, logged in .git/sovsync/log, and
 * recorded in .git/sovsync/onpull.json (docs/FORMATS.md), which `sovsync
 * status` shows.
 *
 * Nothing runs it again from inside it: a `git pull` or `sovsync sync` the
 * command starts finds SOVSYNC_IN_ONPULL=1 and skips it.
 *
 * Inside a sync cycle the hooks leave it to the cycle (the cycle's git
 * commands carry SOVSYNC_IN_SYNC=1), which runs it once for the whole
 * cycle.
 */
#ifndef SOV_ONPULL_H
#define SOV_ONPULL_H

#include <git2.h>
#include <jansson.h>

#include "ctx.h"

/*
 * Every function takes the entry point's context (ctx.h), borrowed: its
 * repository, and its config snapshot, from which sovsync.onPull and its
 * timeout are loaded into ctx->set (SOV_SET_ONPULL) when not loaded yet.
 */

/* Set in the environment of the sync cycle's git commands (see above). */
#define SOV_ONPULL_IN_SYNC_ENV "SOVSYNC_IN_SYNC"

/*
 * Set in the command's own environment: a pull or a sync it runs itself
 * runs no sovsync.onPull again (no recursion through the hooks).
 */
#define SOV_ONPULL_RUNNING_ENV "SOVSYNC_IN_ONPULL"

/*
 * Run sovsync.onPull for the change `old` -> `new` under `root`, as
 * described above.  `trigger` names the caller.  Returns 1 when it ran
 * and succeeded, 0 when there was nothing to run (not set, no path under
 * the root changed, old == new), -1 when it failed (message set; the
 * caller warns and goes on).
 */
int sov_onpull_run(struct sov_ctx *ctx, const char *root, const git_oid *old,
		   const git_oid *new_commit, const char *trigger);

/*
 * For the hooks: after a merge (post-merge) or a rebase (post-rewrite
 * "rebase"), ORIG_HEAD -> HEAD; nothing inside a sync cycle.  Failures
 * are printed as warnings.
 */
void sov_onpull_after_hook(struct sov_ctx *ctx, const char *root, const char *trigger);

/*
 * {"command": <sovsync.onPull or null>, "last": <onpull.json or null>}:
 * a new reference.  *failed is set when the last run failed.
 */
json_t *sov_onpull_status(struct sov_ctx *ctx, int *failed);

#endif
