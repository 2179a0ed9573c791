/*
 * exe.c - src/os/osexe.h on POSIX systems.
 */
#include "osexe.h"

void sov_os_sh_path(const char *path, struct sov_buf *out)
{
	/* The shell takes any path as it is. */
	sov_buf_reset(out);
	sov_buf_addstr(out, path);
}

const char *sov_os_sh_pwd(void)
{
	return "$PWD";
}
