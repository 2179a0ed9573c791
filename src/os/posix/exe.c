/*
 * exe.c - src/os/osexe.h on POSIX systems.
 */
#include "osexe.h"
#include "error.h"

#include <limits.h>
#include <unistd.h>

int sov_os_self_path(struct sov_buf *out)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

	if (n < 0)
		return sov_error_errno("/proc/self/exe");
	sov_buf_reset(out);
	sov_buf_add(out, path, (size_t)n);
	return 0;
}

void sov_os_sh_path(const char *path, struct sov_buf *out)
{
	/* The shell takes any path as it is. */
	sov_buf_reset(out);
	sov_buf_addstr(out, path);
}
