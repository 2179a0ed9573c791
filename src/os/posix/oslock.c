/*
 * oslock.c (POSIX) - flock(2) locks; see src/os/oslock.h.
 */
#include "oslock.h"
#include "error.h"

#include <errno.h>
#include <sys/file.h>

int sov_os_lock_fd(int fd, int wait, const char *what)
{
	while (flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK)
			return sov_error_set(SOV_ELOCKED, "%s: held by another sovsync process",
					     what);
		return sov_error_errno("%s: cannot lock", what);
	}
	return 0;
}

void sov_os_unlock_fd(int fd)
{
	if (fd >= 0)
		flock(fd, LOCK_UN);
}
