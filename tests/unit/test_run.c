/* Unit tests for src/util/run.c. */
#include "tap.h"
#include "error.h"
#include "run.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Whether the process `pid` (from the file) is gone, waiting up to 5 s. */
static int pid_gone(const char *pidfile)
{
	FILE *f = fopen(pidfile, "r");
	int pid = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid <= 0)
		return 0;
	for (int i = 0; i < 100; i++) {
		char path[64], state = 0;
		FILE *st;

		if (kill(pid, 0) < 0)
			return 1;
		/* Reparented to init and not reaped yet counts as gone. */
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		st = fopen(path, "r");
		if (st && fscanf(st, "%*d %*s %c", &state) == 1 && state == 'Z') {
			fclose(st);
			return 1;
		}
		if (st)
			fclose(st);
		nanosleep(&(struct timespec){ 0, 50000000L }, NULL);
	}
	return 0;
}

/* The idle timeout: the whole process group goes, output keeps it alive. */
/* An out_fn that refuses from its first call on, counting the calls. */
static int refuse_output(void *ctx, const void *data, size_t len)
{
	(void)data;
	(void)len;
	++*(int *)ctx;
	return sov_error("refused");
}

static void test_out_fn_failure(void)
{
	const char *argv[] = { "head", "-c", "100000000", "/dev/zero", NULL };
	struct sov_run run = { 0 };
	int calls = 0;

	run.argv = argv;
	run.out_fn = refuse_output;
	run.out_ctx = &calls;
	is_int(sov_run(&run), -1, "a refusing out_fn fails the run");
	ok(calls == 1, "and stops the reading: the child gets SIGPIPE (%d calls)", calls);
	is_str(sov_error_last(), "refused", "the callback's message stands");
}

static void test_timeout(void)
{
	char pidfile[] = "/tmp/sov-test-run-XXXXXX";
	int fd = mkstemp(pidfile);
	struct sov_buf cmd = SOV_BUF_INIT, out = SOV_BUF_INIT;
	const char *silent[] = { "sh", "-c", NULL, NULL };
	const char *chatty[] = { "sh", "-c",
		"for i in 1 2 3 4 5 6; do echo tick; sleep 0.1; done", NULL };
	struct sov_run r;

	ok(fd >= 0, "temporary file");
	close(fd);
	/* A grandchild that never writes: like git's remote helper or ssh. */
	sov_buf_addf(&cmd, "sleep 1000 & echo $! >%s; wait", pidfile);
	silent[2] = cmd.ptr;
	r = (struct sov_run){ .argv = silent, .idle_timeout_ms = 300 };
	is_int(sov_run(&r), -1, "a silent child is stopped by the idle timeout");
	ok(strstr(sov_error_last(), "sh -c: no answer for 0.3 s") != NULL,
	   "the error says so: %s", sov_error_last());
	ok(pid_gone(pidfile), "its child process is gone too");

	/* One that ignores SIGTERM is killed after the grace period. */
	sov_buf_reset(&cmd);
	sov_buf_addf(&cmd, "trap '' TERM; sleep 1000 & echo $! >%s; wait", pidfile);
	silent[2] = cmd.ptr;
	r = (struct sov_run){ .argv = silent, .idle_timeout_ms = 200 };
	is_int(sov_run(&r), -1, "a child ignoring SIGTERM is stopped as well");
	ok(pid_gone(pidfile), "with its children");

	r = (struct sov_run){ .argv = chatty, .out = &out, .idle_timeout_ms = 400 };
	is_int(sov_run(&r), 0, "output keeps a slow child alive past the idle time");
	ok(strlen(out.ptr) == 30, "and all of it is read");

	/* The total timeout: output does not keep a child alive past it. */
	{
		const char *endless[] = { "sh", "-c", "while :; do echo tick; sleep 0.05; done",
					  NULL };

		sov_buf_reset(&out);
		r = (struct sov_run){ .argv = endless, .out = &out, .idle_timeout_ms = 5000,
				      .timeout_ms = 300 };
		is_int(sov_run(&r), -1, "a chatty child is stopped by the total timeout");
		ok(strstr(sov_error_last(), "still running after 0.3 s") != NULL,
		   "the error says so: %s", sov_error_last());
		r = (struct sov_run){ .argv = chatty, .out = &out, .timeout_ms = 30000 };
		is_int(sov_run(&r), 0, "a child within its timeout runs to its end");
	}

	unlink(pidfile);
	sov_buf_release(&cmd);
	sov_buf_release(&out);
}

int main(void)
{
	struct sov_buf out = SOV_BUF_INIT, err = SOV_BUF_INIT, big = SOV_BUF_INIT;
	const char *echo[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	const char *cat[] = { "cat", NULL };
	const char *env[] = { "sh", "-c", "echo \"$SOV_A-${SOV_B-unset}\"", NULL };
	const char *envset[] = { "SOV_A=set", "SOV_B", NULL };
	const char *missing[] = { "sovsync-no-such-program", NULL };
	struct sov_run r = { 0 };

	r.argv = echo;
	r.out = &out;
	r.err = &err;
	is_int(sov_run(&r), 3, "exit status is returned");
	is_str(out.ptr, "out\n", "stdout captured");
	is_str(err.ptr, "err\n", "stderr captured");

	/* 4 MiB through stdin and back: must not deadlock on full pipes. */
	for (int i = 0; i < 4 * 1024 * 1024 / 16; i++)
		sov_buf_add(&big, "0123456789abcdef", 16);
	sov_buf_reset(&out);
	r = (struct sov_run){ .argv = cat, .in = big.ptr, .in_len = big.len, .out = &out };
	is_int(sov_run(&r), 0, "cat of 4 MiB succeeds");
	ok(out.len == big.len && !memcmp(out.ptr, big.ptr, big.len), "and returns every byte");

	{
		/*
		 * A child that exits without reading its input: the writer
		 * gets EPIPE, and the caller, whose SIGPIPE is the default
		 * one, must not die of it (4 MiB is more than a pipe holds).
		 */
		const char *quit[] = { "sh", "-c", "exit 5", NULL };

		signal(SIGPIPE, SIG_DFL);
		r = (struct sov_run){ .argv = quit, .in = big.ptr, .in_len = big.len };
		is_int(sov_run(&r), 5, "a child that reads nothing: its status, no SIGPIPE here");
		{
			sigset_t pending;

			sigpending(&pending);
			ok(!sigismember(&pending, SIGPIPE), "and no SIGPIPE left pending");
		}
	}

	setenv("SOV_B", "inherited", 1);
	sov_buf_reset(&out);
	r = (struct sov_run){ .argv = env, .env = envset, .out = &out };
	is_int(sov_run(&r), 0, "env run");
	is_str(out.ptr, "set-unset\n", "variables set and unset for the child only");

	r = (struct sov_run){ .argv = missing };
	is_int(sov_run(&r), -1, "a missing program is an error");
	ok(strstr(sov_error_last(), "sovsync-no-such-program") != NULL, "naming it");

	sov_buf_reset(&out);
	ok(sov_run_git(&out, NULL, "--version", NULL) == 0, "git --version");
	ok(!strncmp(out.ptr, "git version", 11), "output captured");
	ok(sov_run_git(NULL, "/", "rev-parse", "--git-dir", NULL) == -1, "git fails outside a repo");
	ok(strstr(sov_error_last(), "git rev-parse: fatal: not a git repository") != NULL,
	   "the error carries git's message: %s", sov_error_last());
	ok(sov_run_git(NULL, "/", "--literal-pathspecs", "rev-parse", "--git-dir", NULL) == -1,
	   "the same after a global option");
	ok(!strncmp(sov_error_last(), "git rev-parse: ", 15), "the error names the command: %s",
	   sov_error_last());

	{
		const char *hash[] = { "git", "hash-object", "--stdin", NULL };
		const char *bad[] = { "git", "hash-object", "-t", "sovsync-no-type", "--stdin",
				      NULL };

		sov_buf_reset(&out);
		ok(sov_run_git_input(&out, NULL, hash, "hello\n", 6) == 0, "git with stdin");
		is_str(out.ptr, "ce013625030ba8dba906f756967f9e9ca394464a\n",
		       "git read exactly the input");
		ok(sov_run_git_input(NULL, NULL, bad, "x", 1) == -1, "a failing git with stdin");
		ok(strstr(sov_error_last(), "git hash-object: ") != NULL,
		   "the error names the command: %s", sov_error_last());
	}

	{
		/* More than the 63 arguments sov_run_git once took silently. */
#define X8 "x", "x", "x", "x", "x", "x", "x", "x"
		struct sov_argv a = SOV_ARGV_INIT;
		const char *tail;

		sov_buf_reset(&out);
		ok(sov_run_git(&out, NULL, "rev-parse", "--sq-quote", X8, X8, X8, X8, X8, X8,
			       X8, X8, X8, X8, "last", NULL) == 0, "git with 83 arguments");
		tail = out.len > 8 ? out.ptr + out.len - 8 : "";
		is_str(tail, " 'last'\n", "the last one reaches git");
#undef X8
		sov_argv_pushl(&a, "git", "rev-parse", NULL);
		sov_argv_push(&a, "--sq-quote");
		for (int i = 0; i < 200; i++)
			sov_argv_push(&a, "y");
		is_int((int)a.n, 203, "sov_argv grows without a limit");
		ok(a.v[a.n] == NULL, "and stays NULL-terminated");
		sov_buf_reset(&out);
		ok(sov_run_git_argv(&out, NULL, NULL, a.v) == 0, "run from a sov_argv");
		is_int((int)out.len, 200 * 4 + 1, "every argument passed");
		sov_argv_release(&a);
		ok(a.v == NULL && a.n == 0, "released");
	}

	test_timeout();
	test_out_fn_failure();

	sov_buf_release(&out);
	sov_buf_release(&err);
	sov_buf_release(&big);
	return done_testing();
}
