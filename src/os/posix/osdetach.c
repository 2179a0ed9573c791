/*
 * osdetach.c (POSIX) - setsid and a double fork; see src/os/osdetach.h.
 */
#include "osdetach.h"
#include "error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * In the detached child: let go of everything tying it to the caller.
 * Standard streams go to /dev/null and inherited pipes and sockets are
 * closed, so that nobody reading the caller's output waits for us; regular
 * files stay open (libgit2 of the parent may still map them).
 */
static void detach_from_caller(const char *const *unset_env)
{
	const char *const *v;
	struct dirent *de;
	DIR *dir;
	int fd;

	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(1);
	close(fd);
	dir = opendir("/proc/self/fd");
	if (dir) {
		int self = dirfd(dir);

		while ((de = readdir(dir))) {
			struct stat st;

			fd = atoi(de->d_name);
			if (fd <= 2 || fd == self || fstat(fd, &st) < 0)
				continue;
			if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
				close(fd);
		}
		closedir(dir);
	}
	for (v = unset_env; v && *v; v++)
		unsetenv(*v);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
}

int sov_os_detach(const char *what, const char *const *argv, const char *const *unset_env,
		  int (*fn)(void *arg), void *arg)
{
	pid_t pid;
	int status;

	/* Nothing buffered may be written twice, by us and by the child. */
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return sov_error_errno("cannot start %s", what);
	if (pid == 0) {
		/*
		 * A new session, then a grandchild that init adopts: the
		 * caller's caller never waits for it, and no terminal signal
		 * reaches it.
		 */
		if (setsid() < 0 || (pid = fork()) < 0)
			_exit(1);
		if (pid > 0)
			_exit(0);
		detach_from_caller(unset_env);
		status = fn(arg);
		/* _exit: the parent's atexit handlers and stdio are not ours. */
		_exit(status < 0 ? 1 : 0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return sov_error_errno("cannot wait for %s", what);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return sov_error("cannot detach %s", what);
	return 0;
}

int sov_os_detach_calls_fn(void)
{
	return 1;
}
