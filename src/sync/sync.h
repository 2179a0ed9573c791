/*
 * sync.h - one sync cycle: commit local changes, merge the remote, push.
 *
 * A cycle, as `sovsync sync` and every tick of `sovsync watch` run it:
 *
 *   1. stage every change under the synced root (new, modified, deleted;
 *      untracked editors' scratch files left out, sov_sync_is_scratch_name)
 *      and commit it as one batch,
 *      "sovsync: N files from <source>" with the paths in the body.  The
 *      commit goes through the `git` command, so hooks, the filter and the
 *      user's commit.gpgSign apply;
 *   2. fetch <remote> and merge <remote>/<branch> (the merge drivers settle
 *      the synced files).  Git calls no driver when one side deleted a file
 *      and the other edited it: when every unmerged path is such a
 *      modify/delete of a file a sovsync driver owns, the cycle keeps the
 *      edited side, queues the conflict (conflicts.h, kind "modify/delete")
 *      and concludes the merge with `git commit`, hooks included;
 *   3. push HEAD to <remote>/<branch>.  A push rejected because the remote
 *      moved meanwhile goes back to 2, at most SOV_SYNC_PUSH_ATTEMPTS times;
 *   4. record the outcome in the metrics (src/core/metrics.h).
 *
 * Invariants that make it safe to run unattended:
 *   - nothing local is ever lost: local changes are committed before any
 *     merge, a merge never overwrites uncommitted files (Git refuses), and a
 *     network or server failure leaves the local commit in place;
 *   - another process's .git/index.lock is waited for, up to a bound, and
 *     never deleted;
 *   - a settled modify/delete loses nothing either: the edit stays in the
 *     tree and the deleted side is only a `sovsync resolve` away;
 *   - a merge the drivers cannot settle is aborted (`git merge --abort`), so
 *     the work tree is left as it was, and flagged in
 *     .git/sovsync/sync-conflict.json (docs/FORMATS.md) until a later merge
 *     succeeds;
 *   - cycles of one repository never overlap (flock "sync" in .git/sovsync).
 *
 * All Git work runs as child `git` processes in the work tree; libgit2 is
 * only used to read refs and the repository state.
 */
#ifndef SOV_SYNC_H
#define SOV_SYNC_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <git2.h>

#include "buf.h"
#include "ctx.h"

/* The settings a cycle needs (sov_ctx_open). */
#define SOV_SYNC_SETTINGS (SOV_SET_ROOT | SOV_SET_CORE | SOV_SET_DOC | SOV_SET_SYNC)

/* Rejected pushes (the remote moved) retried within one cycle. */
#define SOV_SYNC_PUSH_ATTEMPTS 5

enum sov_sync_network {
	SOV_SYNC_NET_ALWAYS,	/* always fetch, merge and push */
	SOV_SYNC_NET_IF_CHANGED,/* only when this cycle committed or HEAD is ahead */
	SOV_SYNC_NET_NEVER,	/* commit only */
};

struct sov_sync_opts {
	int dry_run;		/* list what would be committed; change nothing */
	enum sov_sync_network network;
	/*
	 * Merge again even when the flagged conflict (sync-conflict.json)
	 * still stands, i.e. neither side moved: `sovsync sync` and a
	 * watcher's first cycle do, since a changed setting or a newly
	 * installed driver may settle it now.
	 */
	int retry_conflict;
	/*
	 * When the remote was rewritten, take it: replay the local commits
	 * made since the last sync onto its tip (git rebase --onto), push.
	 */
	int accept_rewrite;
	/* Set asynchronously (signal handler): abandon the cycle between steps. */
	volatile sig_atomic_t *stop;
};

enum sov_sync_outcome {
	SOV_SYNC_OK,		/* done: committed, merged and pushed as needed */
	SOV_SYNC_FAILED,	/* a step failed; local commits are kept */
	SOV_SYNC_CONFLICT,	/* the merge could not be settled: aborted, flagged */
	SOV_SYNC_STOPPED,	/* stop requested; abandoned between two steps */
	/*
	 * The remote's history was rewritten: its tip no longer contains the
	 * commit last synced (.git/sovsync/synced-tips.json).  Stopped before
	 * merging, flagged in .git/sovsync/remote-rewritten.json.
	 */
	SOV_SYNC_REWRITTEN,
};

struct sov_sync_result {
	enum sov_sync_outcome outcome;
	int is_idle;		/* nothing to commit and no network step ran */
	size_t files;		/* files in the new commit (0: no commit) */
	char commit[GIT_OID_HEXSZ + 1];	/* the new commit, or "" */
	int fetched, merged, pushed;
	int replayed;		/* a rewritten remote taken (accept_rewrite) */
	int push_attempts;
	int64_t duration_us;
	struct sov_buf changes;	/* "<A|M|D>\t<path>\n" lines (owned) */
	struct sov_buf error;	/* what failed, for FAILED and CONFLICT */
	size_t kept_edits;	/* modify/delete conflicts settled (and queued) */
	/*
	 * What the start of the cycle did about a merge an earlier cycle
	 * was killed in (.git/sovsync/merge-in-progress.json), or empty.
	 */
	struct sov_buf recovered;
};

#define SOV_SYNC_RESULT_INIT { .outcome = SOV_SYNC_OK, .commit = "", \
			       .changes = SOV_BUF_INIT, .error = SOV_BUF_INIT, \
			       .recovered = SOV_BUF_INIT }

void sov_sync_result_release(struct sov_sync_result *res);

/*
 * Run one cycle in the work tree of ctx->repo with its settings (the
 * groups SOV_SYNC_SETTINGS loaded), fill `res`, and (unless dry-run
 * or idle or stopped) record it in the metrics.  Returns 0 when the cycle
 * ran to an outcome (check res->outcome), -1 when it could not start at all
 * (no work tree, detached HEAD, a merge in progress, the sync lock held
 * past the lock timeout); the message is then also in res->error.
 */
int sov_sync_run(struct sov_ctx *ctx, const struct sov_sync_opts *opts,
		 struct sov_sync_result *res);

/* Append the one-line summary of a cycle (no time stamp, no newline). */
void sov_sync_describe(const struct sov_sync_result *res, struct sov_buf *out);

/*
 * Append "<ISO-8601 UTC> <line>\n" to .git/sovsync/log, first moving a log
 * of `max_bytes` or more to log.1 (one old generation is kept).
 */
int sov_sync_log(git_repository *repo, const char *line, int64_t max_bytes);

#define SOV_SYNC_LOG_MAX (1024 * 1024)

/* Milliseconds on the monotonic clock, for timers and deadlines. */
int64_t sov_sync_clock_ms(void);

/* Helpers, exposed for the unit tests. */

/*
 * Full-jitter exponential backoff: a delay uniformly drawn (from `rnd`)
 * in [0, min(max_ms, base_ms * 2^(failures-1))].  0 when failures <= 0.
 */
int64_t sov_sync_backoff_ms(int failures, int64_t base_ms, int64_t max_ms,
			    uint64_t rnd);

/*
 * The commit message for `changes` ("<letter>\t<path>\n" lines): a subject
 * "sovsync: N files from <source>", a blank line, then the changes; beyond
 * `max_paths` lines the rest is summarised as "... and K more".
 */
void sov_sync_commit_message(const char *source, const char *changes,
			     size_t max_paths, struct sov_buf *out);

/*
 * Drop Git's progress report from the captured stderr of a fetch or push
 * (pieces between "\r" and "\n" such as "Receiving objects:  12% (1/8)",
 * "..., done.", "Total n (delta m)"), keeping every other piece, an error
 * that shares a line with a progress report included, one per line.
 */
void sov_sync_strip_progress(struct sov_buf *err);

/*
 * Turn `git status --porcelain -z --no-renames` output into
 * "<A|M|D>\t<path>\n" lines appended to `changes`, leaving out untracked
 * scratch files (sov_sync_is_scratch_name).  Returns the count.
 */
size_t sov_sync_parse_status(const char *z, size_t len, struct sov_buf *changes);

/*
 * Whether the path's last component, compared without regard to case, is
 * an editor's or office program's scratch file: vim's .swp/.swo/.swx and
 * 4913, Emacs' foo~, .#foo and #foo#, Kate's .kate-swp, LibreOffice's
 * .~lock.*#, Microsoft Office's ~$foo, GLib's .goutputstream-*, and *.tmp.
 * An untracked one is never committed and never wakes the watcher; a
 * tracked one (added by hand with `git add -f`, by the web app, or by an
 * older sovsync) is synced as any other file.
 */
int sov_sync_is_scratch_name(const char *name);

#endif
