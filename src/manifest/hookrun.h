/*
 * hookrun.h - what the Git hooks do to keep the manifest true to every commit.
 *
 *   pre-commit, pre-merge-commit  refresh the manifest from the index being
 *                                 committed (GIT_INDEX_FILE) and stage it
 *   post-commit, post-merge,      check the new HEAD against its trusted
 *   post-rewrite (rebase)         base; when it arrived without a fresh
 *                                 manifest, write one follow-up commit
 *                                 "sovsync: refresh manifest"
 *
 * Rules: a hook never fails the Git command for sovsync's own trouble (the
 * callers print a warning and exit 0); a follow-up commit is never made while
 * a rebase, merge, cherry-pick or bisect is in progress (except at the end of
 * a rebase, from post-rewrite), and never for a commit that is itself a
 * follow-up.  The follow-up is built with plumbing (commit-tree, update-ref),
 * so it runs no commit hooks and cannot loop.
 *
 * An edit of a manifest file that is in the working tree but not in what is
 * committed (not staged; or a commit made without the hooks) is the user's:
 * it is never overwritten and never committed.  The commit gets the
 * manifest of what it holds, staged by blob id; the working copy keeps the
 * edit, with the members the manifest changed brought up to date when it is
 * a JSON object (manifest.h).  Refusing the commit instead would break the
 * rule above for a case the hook can settle by itself, and block
 * `sovsync sync` and GUI clients on a file the user may not know is derived.
 *
 * Bookkeeping under <git dir>/sovsync/: "precommit" (what pre-commit staged,
 * so that post-commit can skip its check; the post-commit script reads it
 * too, and does not start sovsync when HEAD holds it, see hookrun.c) and "fix-index" ("<blob id>
 * <path>" lines of what pre-commit staged, for the real index after a
 * `git commit --only` and for a merge commit Git wrote without them).
 */
#ifndef SOV_HOOKRUN_H
#define SOV_HOOKRUN_H

#include <git2.h>

#include "buf.h"
#include "ctx.h"
#include "manifest.h"

#define SOV_FOLLOWUP_MESSAGE "sovsync: refresh manifest"
/* The commit that adds the conflict copies of a merge (keepboth.h). */
#define SOV_COPIES_MESSAGE "sovsync: keep conflict copies"

/* The settings groups the hooks use (ctx->set.root, ctx->set.source). */
#define SOV_HOOKRUN_SETTINGS (SOV_SET_ROOT | SOV_SET_CORE)

struct sov_hookrun {
	struct sov_ctx *ctx;		/* borrowed: the entry point's context */
	git_repository *repo;		/* borrowed: ctx->repo */
	struct sov_buf conflicts;	/* path of the conflict queue */
	struct sov_buf index_file;	/* GIT_INDEX_FILE of the hook, or empty */
	/*
	 * Set by the caller before sov_hookrun_open: stop after finding the
	 * repository when sovsync is not installed in it (a hooks directory
	 * shared through core.hooksPath); then is_installed stays 0 and
	 * nothing else is read or created.
	 */
	int only_if_installed;
	int is_installed;		/* <git common dir>/sovsync/install.json exists */
	uint64_t min_size;		/* sovsync.filter.minSize */
	/*
	 * Set by the caller before sov_hookrun_pre_commit: post-commit has
	 * work besides the check (the commit webhook event), so the
	 * post-commit script must start sovsync even when HEAD holds what
	 * pre-commit staged.
	 */
	int post_commit_needed;
};

#define SOV_HOOKRUN_INIT { .conflicts = SOV_BUF_INIT, .index_file = SOV_BUF_INIT }

/*
 * Start the hooks' work in the repository of `ctx` (opened by the entry
 * point, sov_ctx_open; the hook's GIT_INDEX_FILE is kept for the git
 * commands run) and load SOV_HOOKRUN_SETTINGS into it.
 * Returns 0 or -1; release with sov_hookrun_release either way.
 * With only_if_installed set and sovsync not installed, returns 0 at once
 * with is_installed 0 (see above).
 */
int sov_hookrun_open(struct sov_hookrun *h, struct sov_ctx *ctx);
void sov_hookrun_release(struct sov_hookrun *h);

int sov_hookrun_pre_commit(struct sov_hookrun *h);
int sov_hookrun_post_commit(struct sov_hookrun *h);
int sov_hookrun_post_merge(struct sov_hookrun *h, int is_squash);
int sov_hookrun_post_rewrite(struct sov_hookrun *h, const char *kind);

/*
 * Before a push (`sovsync sync`) in a repository where sovsync is
 * installed, that HEAD's manifest is true.  When the
 * hooks Git runs are not sovsync's in working order (sov_hookinst_check),
 * nothing kept it true: check it in full, and when it is stale return -1
 * with a message naming the hooks' trouble (the caller does not push: a
 * repair would hide the bypass, which goes on making stale commits).  When
 * they are in order, a HEAD this clone has not checked (made while they
 * were bypassed) is checked and repaired by a follow-up, as post-commit
 * does.  `ctx`: the caller's (the sync cycle's) context.  0: push.
 */
int sov_hookrun_check_push(struct sov_ctx *ctx);

/* The default options for this repository (root, source, conflict queue). */
void sov_hookrun_opts(struct sov_hookrun *h, struct sov_manifest_opts *opts);

#endif
