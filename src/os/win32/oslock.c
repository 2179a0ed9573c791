/*
 * oslock.c (Windows) - LockFileEx locks; see src/os/oslock.h.
 *
 * The whole file is locked (offset 0, the largest length), exclusively.
 * The lock belongs to the handle: closing the descriptor, or the process
 * ending, releases it.
 */
#include "oslock.h"
#include "oswin.h"
#include "error.h"

#include <errno.h>
#include <io.h>

int sov_os_lock_fd(int fd, int wait, const char *what)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	OVERLAPPED ov = { 0 };
	DWORD flags = LOCKFILE_EXCLUSIVE_LOCK | (wait ? 0 : LOCKFILE_FAIL_IMMEDIATELY);

	if (h == INVALID_HANDLE_VALUE) {
		errno = EBADF;
		return sov_error_errno("%s: cannot lock", what);
	}
	if (LockFileEx(h, flags, 0, MAXDWORD, MAXDWORD, &ov))
		return 0;
	if (GetLastError() == ERROR_LOCK_VIOLATION || GetLastError() == ERROR_IO_PENDING) {
		errno = EWOULDBLOCK;	/* as flock(2) leaves it */
		return sov_error_set(SOV_ELOCKED, "%s: held by another sovsync process", what);
	}
	sov_win_errno(GetLastError());
	return sov_error_errno("%s: cannot lock", what);
}

void sov_os_unlock_fd(int fd)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	OVERLAPPED ov = { 0 };

	if (h != INVALID_HANDLE_VALUE)
		UnlockFileEx(h, 0, MAXDWORD, MAXDWORD, &ov);
}
