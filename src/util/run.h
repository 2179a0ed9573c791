/*
 * run.h - run a child process (usually git) and collect its output.
 *
 * sovsync drives Git through the `git` command wherever Git's own behaviour
 * matters (hooks, filters, commit signing): libgit2 runs no hooks.  The child
 * gets the given input on stdin (or /dev/null), and its stdout and stderr are
 * captured through pipes serviced with poll(2), so large outputs cannot
 * deadlock.  No shell is involved: arguments are passed as they are.
 */
#ifndef SOV_RUN_H
#define SOV_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct sov_run {
	const char *const *argv;	/* argv[0] is looked up in PATH */
	const char *dir;		/* working directory, or NULL */
	const char *const *env;		/* "NAME=value" to set, "NAME" to unset */
	const void *in;			/* stdin contents, or NULL for /dev/null */
	size_t in_len;
	struct sov_buf *out;		/* captured stdout, or NULL to discard */
	/*
	 * Instead of `out`: stdout handed over as it arrives, so that output
	 * of any size (a blob) is processed in bounded memory.  Returns 0 to
	 * go on, 1 when it has seen enough, or -1 with a message.  On 1 or -1
	 * stdout is closed (the child gets SIGPIPE on its next write, not the
	 * rest of a 1 GiB blob read); sov_run then returns, once the child has
	 * ended, -1 after a failure, and after "enough" the child's status
	 * with a death by SIGPIPE counted as 0.
	 */
	int (*out_fn)(void *ctx, const void *data, size_t len);
	void *out_ctx;
	struct sov_buf *err;		/* captured stderr, or NULL to discard */
	int inherit_stderr;		/* let stderr through instead */
	/*
	 * > 0: the child runs in its own process group, and when it has
	 * written nothing to stdout or stderr (nor read stdin) for this long,
	 * the whole group gets SIGTERM (Git removes its lock files then),
	 * and SIGKILL a few seconds later if anything of it is left.  It also
	 * gets SIGTERM if this process dies first.  Such a child cannot read
	 * the terminal (no prompts).
	 */
	int64_t idle_timeout_ms;
	/*
	 * > 0: the same stop when the child is still running this long after
	 * its start, whatever it writes (a command of the user's that may
	 * print forever).  Either limit or both.
	 */
	int64_t timeout_ms;
};

/*
 * A growable, NULL-terminated argument vector (Git's strvec): v is always
 * terminated, so it can be passed as struct sov_run's argv at any time.
 * The strings are borrowed, not copied: they must outlive the vector.
 * Release with sov_argv_release().
 */
struct sov_argv {
	const char **v;
	size_t n, alloc;
};

#define SOV_ARGV_INIT { .v = NULL, .n = 0, .alloc = 0 }

void sov_argv_push(struct sov_argv *a, const char *arg);
/* Push every argument up to the NULL sentinel. */
void sov_argv_pushl(struct sov_argv *a, ...) __attribute__((sentinel));
void sov_argv_release(struct sov_argv *a);

/*
 * Run the command and wait for it.  Returns its exit status (0..255, or
 * 128 + signal number), or -1 if it could not be started or was stopped by
 * its idle timeout or its timeout (message set).
 */
int sov_run(const struct sov_run *run);

/*
 * Run `git <args...>` (NULL-terminated, any number) in `dir`, capturing
 * stdout into `out` (may be NULL).  Returns 0 if git exited 0; otherwise -1 with a
 * message "git <first arg>: <first line of git's stderr>".
 */
int sov_run_git(struct sov_buf *out, const char *dir, ...)
	__attribute__((sentinel));

/*
 * Same with an argument vector (argv[0] is "git", NULL-terminated) and
 * environment changes as in struct sov_run (`env` may be NULL).
 */
int sov_run_git_argv(struct sov_buf *out, const char *dir, const char *const *env,
		     const char *const *argv);

/*
 * Same with `in_len` bytes of `in` on git's stdin (`git update-index
 * --index-info`); the caller keeps ownership of `in`.
 */
int sov_run_git_input(struct sov_buf *out, const char *dir, const char *const *argv,
		      const void *in, size_t in_len);

#endif
