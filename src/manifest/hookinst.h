/*
 * hookinst.h - install sovsync's Git hooks next to whatever is there.
 *
 * The hooks directory is Git's (`git rev-parse --git-path hooks`, so
 * core.hooksPath is respected).  Each hook sovsync needs becomes a small
 * /bin/sh script, marked with SOV_HOOK_MARKER, that runs
 * `<absolute path>/sovsync hook <name> "$@"` (an absolute path, so hooks work
 * from GUI clients with a minimal PATH).  A hook that was already there is
 * never clobbered: it is renamed to "<name>.sovsync-chained" and the script
 * runs it too, with the same arguments and standard input, and its exit
 * status is the hook's.  For pre-* hooks the chained hook runs first (its
 * failure stops the commit before sovsync stages anything); for the others
 * sovsync runs first.  Uninstall deletes only marked scripts and renames the
 * chained hooks back.
 *
 * A tool installed later that keeps our script (the pre-commit framework's
 * ".legacy", or chaining like ours) still runs it: the script finds its
 * chained hook by the fixed hook name, not by its own file name.
 */
#ifndef SOV_HOOKINST_H
#define SOV_HOOKINST_H

#include <git2.h>

#include "buf.h"
#include "hooktab.h"

#define SOV_HOOK_MARKER "# sovsync-hook v1"
#define SOV_HOOK_CHAINED_SUFFIX ".sovsync-chained"

/* The hooks sovsync installs are the rows of sov_hooks (hooktab.h). */

/* Git's hooks directory for the repository at `workdir`, absolute. */
int sov_hookinst_dir(const char *workdir, struct sov_buf *out);

/*
 * The script for `hook` calling `exe` (appended to `out`), written in the
 * form Git's sh runs it by (src/os/osexe.h: C:/x/sovsync.exe on Windows).
 */
void sov_hookinst_script(const struct sov_hook *hook, const char *exe, struct sov_buf *out);

/*
 * Install every hook into `dir` (created if needed), chaining foreign
 * hooks.  Nothing is written when a hook is already ours and current.
 * Appends one line per change to `log`.  Returns 0 or -1.
 */
int sov_hookinst_install(const char *dir, const char *exe, struct sov_buf *log);

/* Remove our hooks from `dir` and restore chained ones.  0 or -1. */
int sov_hookinst_uninstall(const char *dir, struct sov_buf *log);

/* Whether the file at `path` is a hook script of ours. */
int sov_hookinst_is_ours(const char *path);

/*
 * Whether the hooks Git runs now for the repository at `workdir` are
 * sovsync's, in working order: for each row of sov_hooks, the file in
 * Git's hooks directory as it is now (core.hooksPath set or changed after
 * install counts) is executable and is our script (or a foreign hook that
 * keeps ours as "<name>.legacy", the pre-commit framework's chaining), and
 * the sovsync it calls is executable.  Hooks deleted, not executable,
 * replaced by a foreign script or bypassed by core.hooksPath leave the
 * manifest stale on every commit.  Sets `dir` to the hooks directory and
 * appends one line per problem to `problems` ("pre-commit: not executable").
 * Returns 1 all in order, 0 not, -1 error.
 */
int sov_hookinst_check(const char *workdir, struct sov_buf *dir, struct sov_buf *problems);

/* The sovsync binary our hook script at `path` runs (`out` replaced).  0 or -1. */
int sov_hookinst_script_exe(const char *path, struct sov_buf *out);

/* Append `s` quoted for /bin/sh (single quotes). */
void sov_hookinst_shell_quote(const char *s, struct sov_buf *out);

#endif
