/*
 * run.c - child processes with captured output; see run.h.  The engine
 * (spawning, pipes, timeouts) is the operating system layer's,
 * src/os/osproc.h.
 */
#include "run.h"
#include "error.h"

#include "osproc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int sov_run(const struct sov_run *run)
{
	return sov_os_run(run);
}

static int run_git(struct sov_buf *out, const char *dir, const char *const *env,
		   const char *const *argv, const void *in, size_t in_len)
{
	struct sov_buf err = SOV_BUF_INIT;
	struct sov_run run = { 0 };
	int status;

	run.argv = argv;
	run.dir = dir;
	run.env = env;
	run.in = in;
	run.in_len = in_len;
	run.out = out;
	run.err = &err;
	status = sov_run(&run);
	if (status > 0) {
		const char *const *cmd = argv[0] ? argv + 1 : argv;
		char *nl = strchr(err.ptr, '\n');

		if (nl)
			*nl = '\0';
		/* Name the git command, past options such as --literal-pathspecs. */
		while (*cmd && **cmd == '-' && cmd[1])
			cmd++;
		if (err.len)
			sov_error("git %s: %s", *cmd ? *cmd : "", err.ptr);
		else if (status > 128)
			sov_error("git %s: killed by signal %d", *cmd ? *cmd : "", status - 128);
		else
			sov_error("git %s: failed (exit status %d)", *cmd ? *cmd : "", status);
	}
	sov_buf_release(&err);
	return status == 0 ? 0 : -1;
}

int sov_run_git_argv(struct sov_buf *out, const char *dir, const char *const *env,
		     const char *const *argv)
{
	return run_git(out, dir, env, argv, NULL, 0);
}

int sov_run_git_input(struct sov_buf *out, const char *dir, const char *const *argv,
		      const void *in, size_t in_len)
{
	return run_git(out, dir, NULL, argv, in, in_len);
}

void sov_argv_push(struct sov_argv *a, const char *arg)
{
	SOV_ALLOC_GROW(a->v, a->n + 2, a->alloc);
	a->v[a->n++] = arg;
	a->v[a->n] = NULL;
}

static void argv_pushv(struct sov_argv *a, va_list ap)
{
	const char *arg;

	while ((arg = va_arg(ap, const char *)) != NULL)
		sov_argv_push(a, arg);
}

void sov_argv_pushl(struct sov_argv *a, ...)
{
	va_list ap;

	va_start(ap, a);
	argv_pushv(a, ap);
	va_end(ap);
}

void sov_argv_release(struct sov_argv *a)
{
	free(a->v);
	a->v = NULL;
	a->n = a->alloc = 0;
}

int sov_run_git(struct sov_buf *out, const char *dir, ...)
{
	struct sov_argv args = SOV_ARGV_INIT;
	va_list ap;
	int ret;

	sov_argv_push(&args, "git");
	va_start(ap, dir);
	argv_pushv(&args, ap);
	va_end(ap);
	ret = sov_run_git_argv(out, dir, NULL, args.v);
	sov_argv_release(&args);
	return ret;
}
