/*
 * osproc.c (POSIX) - child processes through fork/exec and poll(2); see
 * src/os/osproc.h.
 */
#include "osproc.h"
#include "error.h"
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void child(const struct sov_run *run, int in_fd, int out_fd, int err_fd,
		  int report_fd)
{
	const char *const *e;
	int saved;

	signal(SIGPIPE, SIG_DFL);
	if (run->idle_timeout_ms > 0 || run->timeout_ms > 0) {
		/*
		 * Its own process group, so a timeout reaches every process it
		 * starts (remote helpers, ssh); and it goes if we do, since no
		 * timeout of ours would stop it then.
		 */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
	}
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 ||
	    (!run->inherit_stderr && dup2(err_fd, 2) < 0))
		goto fail;
	if (run->dir && chdir(run->dir) < 0)
		goto fail;
	for (e = run->env; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq) {
			unsetenv(*e);
		} else {
			char name[256];
			size_t n = (size_t)(eq - *e);
			if (n >= sizeof(name))
				continue;
			memcpy(name, *e, n);
			name[n] = '\0';
			setenv(name, eq + 1, 1);
		}
	}
	execvp(run->argv[0], (char *const *)run->argv);
fail:
	saved = errno;
	if (write(report_fd, &saved, sizeof(saved)) < 0)
		_exit(127);
	_exit(127);
}

/* How long a child stopped for its timeout gets to clean up (Git removes
 * its lock files on SIGTERM) before its process group is killed outright. */
#define KILL_GRACE_MS 3000
/* How often a child that closed its pipes is checked for its exit. */
#define REAP_POLL_MS 50

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The child's idle time is up: SIGTERM its whole process group (Git's
 * remote helpers and ssh are in it), SIGCONT in case one was stopped (a
 * background read of the terminal), and leave KILL_GRACE_MS for cleanup.
 */
static void stop_group(pid_t pgid, int sig)
{
	kill(-pgid, sig);
	if (sig != SIGKILL)
		kill(-pgid, SIGCONT);
}

/*
 * write(2) to the child's stdin without dying of SIGPIPE when the child
 * exits before reading it all (git hash-object with a bad option does):
 * the signal is blocked for this thread during the write, and one it
 * raised is taken off the pending set, unless it was pending already.
 * No process-wide disposition changes, so callers keep theirs.
 */
static ssize_t write_nosigpipe(int fd, const void *buf, size_t len)
{
	sigset_t pipe_set, old_mask, pending;
	int was_pending, saved;
	ssize_t got;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
	got = write(fd, buf, len);
	saved = errno;
	if (got < 0 && errno == EPIPE && !was_pending) {
		struct timespec zero = { 0, 0 };

		while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	errno = saved;
	return got;
}

int sov_os_run(const struct sov_run *run)
{
	int in_pipe[2] = { -1, -1 }, out_pipe[2] = { -1, -1 };
	int err_pipe[2] = { -1, -1 }, report[2] = { -1, -1 };
	size_t in_off = 0;
	int status = 0, child_errno = 0, out_failed = 0, out_enough = 0, ret = -1, reaped = 0;
	int64_t last_activity, started, kill_at = -1;
	int timed_out = 0, limited = run->idle_timeout_ms > 0 || run->timeout_ms > 0;
	pid_t pid;

	if (pipe2(in_pipe, O_CLOEXEC) < 0 || pipe2(out_pipe, O_CLOEXEC) < 0 ||
	    pipe2(err_pipe, O_CLOEXEC) < 0 || pipe2(report, O_CLOEXEC) < 0) {
		sov_error_errno("%s: cannot create pipes", run->argv[0]);
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		sov_error_errno("%s: cannot fork", run->argv[0]);
		goto out;
	}
	if (pid == 0)
		child(run, in_pipe[0], out_pipe[1], err_pipe[1], report[1]);
	/* Both sides set it: whichever runs first, no kill can miss it. */
	if (limited)
		setpgid(pid, pid);

	close(in_pipe[0]);
	close(out_pipe[1]);
	close(err_pipe[1]);
	close(report[1]);
	in_pipe[0] = out_pipe[1] = err_pipe[1] = report[1] = -1;
	if (!run->in || !run->in_len) {
		close(in_pipe[1]);
		in_pipe[1] = -1;
	} else {
		fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
	}

	last_activity = started = now_ms();
	for (;;) {
		struct pollfd pfd[3];
		int n = 0, i, wait_ms = -1, got_any;

		if (in_pipe[1] < 0 && out_pipe[0] < 0 && err_pipe[0] < 0) {
			/* Pipes closed: without a timeout, a plain wait will do. */
			if (!limited)
				break;
			if (waitpid(pid, &status, WNOHANG) == pid) {
				reaped = 1;
				break;
			}
		}
		if (limited) {
			int64_t now = now_ms(), limit_at = INT64_MAX;

			if (run->idle_timeout_ms > 0)
				limit_at = last_activity + run->idle_timeout_ms;
			if (run->timeout_ms > 0 && started + run->timeout_ms < limit_at)
				limit_at = started + run->timeout_ms;
			if (kill_at < 0 && now >= limit_at) {
				timed_out = now - last_activity >= run->idle_timeout_ms &&
					    run->idle_timeout_ms > 0 ? 1 : 2;
				stop_group(pid, SIGTERM);
				kill_at = now + KILL_GRACE_MS;
			} else if (kill_at >= 0 && now >= kill_at) {
				/* Grace over: nothing of the group may outlive this call. */
				stop_group(pid, SIGKILL);
				break;
			}
			wait_ms = (int)((kill_at >= 0 ? kill_at : limit_at) - now);
			if (wait_ms < 0)
				wait_ms = 0;
			if (in_pipe[1] < 0 && out_pipe[0] < 0 && err_pipe[0] < 0 &&
			    wait_ms > REAP_POLL_MS)
				wait_ms = REAP_POLL_MS;
		}

		if (in_pipe[1] >= 0)
			pfd[n++] = (struct pollfd){ in_pipe[1], POLLOUT, 0 };
		if (out_pipe[0] >= 0)
			pfd[n++] = (struct pollfd){ out_pipe[0], POLLIN, 0 };
		if (err_pipe[0] >= 0)
			pfd[n++] = (struct pollfd){ err_pipe[0], POLLIN, 0 };
		got_any = poll(pfd, (nfds_t)n, wait_ms);
		if (got_any < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < n; i++) {
			int fd = pfd[i].fd;
			char tmp[65536];
			ssize_t got;

			if (!pfd[i].revents)
				continue;
			if (fd == in_pipe[1]) {
				got = write_nosigpipe(fd, (const char *)run->in + in_off,
						      run->in_len - in_off);
				if (got > 0) {
					in_off += (size_t)got;
					last_activity = now_ms();
				}
				if ((got < 0 && errno != EAGAIN && errno != EINTR) ||
				    in_off == run->in_len) {
					close(fd);
					in_pipe[1] = -1;
				}
				continue;
			}
			got = read(fd, tmp, sizeof(tmp));
			if (got < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (got <= 0) {
				close(fd);
				if (fd == out_pipe[0])
					out_pipe[0] = -1;
				else
					err_pipe[0] = -1;
				continue;
			}
			last_activity = now_ms();
			if (fd == out_pipe[0] && run->out_fn) {
				int r = run->out_fn(run->out_ctx, tmp, (size_t)got);

				if (r != 0) {
					/* No use reading on: the child gets SIGPIPE. */
					out_failed = r < 0;
					out_enough = r > 0;
					close(fd);
					out_pipe[0] = -1;
				}
			} else if (fd == out_pipe[0] && run->out)
				sov_buf_add(run->out, tmp, (size_t)got);
			else if (fd == err_pipe[0] && run->err)
				sov_buf_add(run->err, tmp, (size_t)got);
		}
	}
	if (read(report[0], &child_errno, sizeof(child_errno)) != sizeof(child_errno))
		child_errno = 0;
	while (!reaped && waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			sov_error_errno("%s: wait failed", run->argv[0]);
			goto out;
		}
	}
	if (child_errno) {
		errno = child_errno;
		sov_error_errno("cannot run %s", run->argv[0]);
		goto out;
	}
	if (timed_out) {
		/* Whatever is left of the group (it ignored SIGTERM) goes now. */
		stop_group(pid, SIGKILL);
		if (timed_out == 2)
			sov_error("%s%s%s: still running after %.1f s: stopped it and the "
				  "processes it started", run->argv[0], run->argv[1] ? " " : "",
				  run->argv[1] ? run->argv[1] : "",
				  (double)run->timeout_ms / 1000.0);
		else
			sov_error("%s%s%s: no answer for %.1f s: stopped it and the processes "
				  "it started", run->argv[0], run->argv[1] ? " " : "",
				  run->argv[1] ? run->argv[1] : "",
				  (double)run->idle_timeout_ms / 1000.0);
		goto out;
	}
	ret = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (out_failed)
		ret = -1;	/* the callback's message stands */
	else if (out_enough && WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE)
		ret = 0;	/* stopped because the rest was not wanted */
out:
	for (int i = 0; i < 2; i++) {
		if (in_pipe[i] >= 0) close(in_pipe[i]);
		if (out_pipe[i] >= 0) close(out_pipe[i]);
		if (err_pipe[i] >= 0) close(err_pipe[i]);
		if (report[i] >= 0) close(report[i]);
	}
	return ret;
}

int sov_os_utf8_argv(int *argc, char ***argv)
{
	return 0;	/* they are bytes already */
}

long sov_os_getpid(void)
{
	return (long)getpid();
}

int sov_os_cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

void sov_os_ignore_sigpipe(void)
{
	signal(SIGPIPE, SIG_IGN);
}

int sov_os_set_binary(int fd)
{
	return 0;	/* no text mode on POSIX */
}
