/*
 * install.h - `sovsync install` / `sovsync uninstall` for one repository.
 *
 * Install writes, all idempotently (a second run changes nothing):
 *   - local git config: the filter, the textconv diff driver, the merge
 *     drivers (the binary's absolute path, so GUI clients with a minimal
 *     PATH find it), sovsync.branch when unset, and pull.rebase = false
 *     when neither pull.rebase nor pull.ff is set at any level (plain `git
 *     pull` of diverged histories merges instead of stopping);
 *   - the sovsync lines of .gitattributes (only lines that are missing);
 *   - the synced layout from the built-in template, for files that are
 *     absent (existing data is never touched);
 *   - the hooks (hookinst.h), into Git's hooks directory; one outside the
 *     git directory (core.hooksPath shared by other repositories) only
 *     with hooks_path, else install refuses;
 *   - with github_actions, .github/workflows/sovsync.yml.
 * Every work tree path is checked first (sov_fs_check_under: no symbolic
 * link on the way, the root normalised by sov_config_root), and written
 * only through sov_fs_replace_under: a refused install writes nothing.
 * What was added is recorded in <git dir>/sovsync/install.json (format in
 * docs/FORMATS.md): previous config values, the attribute lines added,
 * whether .gitattributes was created, the hooks directory.  Uninstall
 * removes exactly that and restores the previous values and hooks; the
 * synced data under the root stays.
 */
#ifndef SOV_INSTALL_H
#define SOV_INSTALL_H

#include <git2.h>

#include "buf.h"

struct sov_install_opts {
	const char *repo_dir;		/* the repository (any directory inside it) */
	const char *exe;		/* absolute path of the sovsync binary */
	int github_actions;		/* write the Auto Sync workflow too */
	int hooks_path;			/* hooks into a core.hooksPath outside .git */
};

/* Install; one line per change is appended to `log`.  Returns 0 or -1. */
int sov_install(const struct sov_install_opts *opts, struct sov_buf *log);

/*
 * `git clone <url> [<dir>]` with the filter already set in the new
 * repository (so Git checks the large files out in their real form), then
 * sov_install() there (opts->repo_dir is ignored).  Without `dir`, Git's
 * own choice of name.  Returns 0 or -1.
 */
int sov_install_clone(const char *url, const char *dir, const struct sov_install_opts *opts,
		      struct sov_buf *log);

/* Uninstall what install recorded.  Returns 0 or -1. */
int sov_uninstall(const char *repo_dir, struct sov_buf *log);

/*
 * Whether sovsync is installed in `repo` (its install.json exists).  A hook
 * script in a hooks directory several repositories share runs in all of
 * them: in the others sovsync does nothing at all.
 */
int sov_install_is_installed(git_repository *repo);

/*
 * Whether the git config of `repo` holds what this sovsync's install
 * writes (each driver and filter program with its arguments, the fixed
 * values), so that a clone installed by an older version (such as
 * `merge.sovsync-derived.driver = true`, which kept ours for any path) is
 * found.  Appends one line per key that differs to `problems`.  Returns 1
 * all current, 0 not, -1 error.
 */
int sov_install_check_config(git_repository *repo, struct sov_buf *problems);

/*
 * The absolute path of the running program, in the form Git's sh runs it
 * by (src/os/osexe.h: forward slashes on Windows).
 */
int sov_install_self_path(struct sov_buf *out);

#endif
