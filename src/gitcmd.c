/*
 * gitcmd.c - run git as a child process; see gitcmd.h.
 */
#include "gitcmd.h"
#include "error.h"
#include "fs.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Feeding stdin while reading stdout needs two flows: a forked writer
 * feeds the input, so that neither pipe can fill up and block both sides.
 */
static pid_t feed(int fd, const struct sov_buf *in)
{
	pid_t pid = fork();

	if (pid == 0) {
		int rc = sov_fs_write_all(fd, in->ptr, in->len, "git stdin") ? 1 : 0;
		_exit(rc);
	}
	return pid;
}

int sov_gitcmd_run(const char *const *argv, const struct sov_buf *in,
		   struct sov_buf *out)
{
	int inpipe[2] = { -1, -1 }, outpipe[2] = { -1, -1 };
	pid_t pid, feeder = -1;
	size_t argc = 0;
	const char **full;
	int status, ret = 0;

	while (argv[argc])
		argc++;
	full = sov_calloc(argc + 2, sizeof(*full));
	full[0] = "git";
	memcpy(full + 1, argv, argc * sizeof(*argv));

	if ((in && pipe(inpipe) < 0) || (out && pipe(outpipe) < 0)) {
		free(full);
		return sov_error_errno("git %s: cannot create a pipe", argv[0]);
	}
	pid = fork();
	if (pid < 0) {
		free(full);
		return sov_error_errno("git %s: cannot fork", argv[0]);
	}
	if (pid == 0) {
		if (in) {
			dup2(inpipe[0], 0);
			close(inpipe[0]);
			close(inpipe[1]);
		}
		if (out) {
			dup2(outpipe[1], 1);
			close(outpipe[0]);
			close(outpipe[1]);
		}
		execvp("git", (char *const *)full);
		_exit(127);
	}
	free(full);
	if (in) {
		close(inpipe[0]);
		feeder = feed(inpipe[1], in);
		close(inpipe[1]);
	}
	if (out) {
		close(outpipe[1]);
		if (sov_buf_read_fd(out, outpipe[0], "git output") < 0)
			ret = -1;
		close(outpipe[0]);
	}
	if (feeder > 0)
		while (waitpid(feeder, &status, 0) < 0 && errno == EINTR)
			;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return sov_error_errno("git %s: wait failed", argv[0]);
	}
	if (ret < 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return sov_error("'git %s' failed (status %d)", argv[0],
				 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
