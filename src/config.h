/*
 * config.h - sovsync.* settings, read through libgit2's config API.
 *
 * The settings come from the same places as Git's own: the repository's
 * .git/config, the global ~/.gitconfig (or $XDG_CONFIG_HOME/git/config) and
 * the system gitconfig, with the usual precedence.  The repository is found
 * the way the git command finds it (GIT_DIR, GIT_WORK_TREE and friends in the
 * environment, as hooks and drivers see them; else a search upwards from the
 * given directory).  Outside any repository only global and system settings
 * apply.  Values are read from a snapshot taken at open time.
 *
 * Tracked files never configure sovsync: only git config does, so a cloned
 * repository cannot make sovsync run a program or write elsewhere.
 */
#ifndef SOV_CONFIG_H
#define SOV_CONFIG_H

#include <stdint.h>

#include <git2.h>

#include "buf.h"

struct sov_config;

/*
 * Open the configuration for the repository containing `dir` (NULL: the
 * environment, then the current directory).  Not being in a repository is
 * not an error.  Returns 0 with *out set (free with sov_config_free), or -1.
 */
int sov_config_open(struct sov_config **out, const char *dir);
void sov_config_free(struct sov_config *cfg);

/* The repository (borrowed, owned by cfg), or NULL outside one. */
git_repository *sov_config_repo(struct sov_config *cfg);

/*
 * Each getter stores the setting's value, or `def` when it is not set, and
 * returns 1 if it was set, 0 if the default was used, -1 on an invalid value
 * (message names the key and the value).
 */
int sov_config_get_string(struct sov_config *cfg, const char *key,
			  const char *def, struct sov_buf *out);
int sov_config_get_bool(struct sov_config *cfg, const char *key, int def, int *out);
int sov_config_get_int(struct sov_config *cfg, const char *key, int64_t def,
		       int64_t *out);

#endif
