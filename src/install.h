/*
 * install.h - `sovsync install` / `sovsync uninstall` for one repository.
 *
 * Install writes, all idempotently (a second run changes nothing):
 *   - local git config: the filter, the textconv diff driver, the merge
 *     drivers (the binary's absolute path, so GUI clients with a minimal
 *     PATH find it) and sovsync.branch when unset;
 *   - the sovsync lines of .gitattributes (only lines that are missing);
 *   - the synced layout from the built-in template, for files that are
 *     absent (existing data is never touched);
 *   - the hooks (hookinst.h);
 *   - with github_actions, .github/workflows/sovsync.yml.
 * What was added is recorded in <git dir>/sovsync/install.json (format in
 * docs/FORMATS.md): previous config values, the attribute lines added,
 * whether .gitattributes was created, the hooks directory.  Uninstall
 * removes exactly that and restores the previous values and hooks; the
 * synced data under the root stays.
 */
#ifndef SOV_INSTALL_H
#define SOV_INSTALL_H

#include "buf.h"

struct sov_install_opts {
	const char *repo_dir;		/* the repository (any directory inside it) */
	const char *exe;		/* absolute path of the sovsync binary */
	int github_actions;		/* write the Auto Sync workflow too */
};

/* Install; one line per change is appended to `log`.  Returns 0 or -1. */
int sov_install(const struct sov_install_opts *opts, struct sov_buf *log);

/* Uninstall what install recorded.  Returns 0 or -1. */
int sov_uninstall(const char *repo_dir, struct sov_buf *log);

/* The absolute path of the running program (resolved /proc/self/exe). */
int sov_install_self_path(struct sov_buf *out);

#endif
