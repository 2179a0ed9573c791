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
 * The snapshot of the config of `repo` (borrowed: it must outlive *out),
 * or with `repo` NULL of the global and system config.  This is how the
 * repository context (ctx.h), which owns the repository, takes it.
 * Returns 0 with *out set (free with sov_config_free), or -1.
 */
int sov_config_open_repo(struct sov_config **out, git_repository *repo);

/*
 * Open the repository containing `dir` (NULL: the environment, then the
 * current directory) and take its config; then *out owns the repository.
 * Not being in a repository is not an error.  Returns 0 with *out set
 * (free with sov_config_free), or -1.  For code not yet handed a context
 * (webhook.c); entry points open a struct sov_ctx instead.
 */
int sov_config_open(struct sov_config **out, const char *dir);
void sov_config_free(struct sov_config *cfg);

/* The repository (borrowed), or NULL outside one. */
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

/*
 * The synced root (sovsync.root, default "shared"), the one place it is
 * read: every module that needs the root calls this.  The value is
 * normalised once by sov_config_normalize_root(); then, in a repository
 * with a work tree, each existing component of it is checked to be a real
 * directory (no symbolic link, sov_fs_check_under), so nothing is written
 * or read through a root that leaves the repository.  Returns 0, or -1
 * with a message naming the setting or the path.
 */
int sov_config_root(struct sov_config *cfg, struct sov_buf *out);

/*
 * `value` as a root: a relative path of plain components below the top
 * of the work tree, without "./", doubled or trailing slashes ("shared/",
 * "./shared" and "shared//" all give "shared").  Refused (-1, message
 * names the value): empty or "." (the top itself), absolute, any ".."
 * component, and characters that are special in a .gitattributes pattern
 * (white space, quotes, '\', '*', '?', '[', a leading '#' or '!'), since
 * the attribute lines install writes start with the root and must match
 * exactly the files Git has under it.  `out` is replaced.
 */
int sov_config_normalize_root(const char *value, struct sov_buf *out);

#endif
