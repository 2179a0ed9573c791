/*
 * ctx.h - the repository context: what every entry point opens once.
 *
 * A command, a hook or a merge driver opens one struct sov_ctx at its
 * start and passes it down: the repository (found as Git finds it:
 * GIT_DIR, GIT_WORK_TREE and friends in the environment, as hooks and
 * drivers see them; else a search upwards from a directory), one snapshot
 * of its git config, and the typed, normalised settings the entry point
 * needs (settings.h).  Nothing below an entry point opens the repository
 * or reads a sovsync.* key again.
 *
 * Ownership: the context owns the repository, the config snapshot and the
 * settings; sov_ctx_release frees all three.  Modules borrow ctx->repo and
 * ctx->set for as long as the entry point runs.
 */
#ifndef SOV_CTX_H
#define SOV_CTX_H

#include <git2.h>

#include "config.h"
#include "settings.h"

struct sov_ctx {
	git_repository *repo;	/* owned; NULL outside a repository */
	struct sov_config *cfg;	/* owned: the config snapshot taken at open */
	struct sov_settings set;	/* the groups loaded (set.loaded) */
};

#define SOV_CTX_INIT { .repo = NULL, .cfg = NULL, .set = SOV_SETTINGS_INIT }

/* sov_ctx_open flags, or-ed with the settings groups (settings.h). */
#define SOV_CTX_REPO (1u << 16)	/* a repository is required */

/*
 * Open the repository containing `dir` (NULL: the environment, then the
 * current directory), take its config and load the settings `flags`
 * names.  libgit2 never sees GIT_INDEX_FILE (it would parse that index at
 * open; only the git commands sovsync runs use it).  With SOV_CTX_REPO,
 * no repository is an error ("not in a git repository", or "<dir>: not a
 * git repository"); without it, outside a repository only the global and
 * system config apply.  Returns 0 or -1; release with sov_ctx_release
 * either way.
 */
int sov_ctx_open(struct sov_ctx *ctx, const char *dir, unsigned flags);

/* Load more settings groups (those not loaded yet).  0, or -1 naming the key. */
int sov_ctx_load(struct sov_ctx *ctx, unsigned groups);

void sov_ctx_release(struct sov_ctx *ctx);

/* The top of the work tree (ends with '/'), or NULL (bare, no repository). */
const char *sov_ctx_workdir(const struct sov_ctx *ctx);

#endif
