/*
 * exe.c - src/os/osexe.h on Windows.
 */
#include "osexe.h"

#include <string.h>

void sov_os_sh_path(const char *path, struct sov_buf *out)
{
	size_t i;

	/*
	 * Git for Windows' sh takes C:/x/y.exe (and //server/share/y.exe);
	 * a backslash would be an escape there.  CreateProcess and the file
	 * APIs take the same form.
	 */
	sov_buf_reset(out);
	/* The long-path prefix (\\?\C:\...) means nothing to sh. */
	if (!strncmp(path, "\\\\?\\UNC\\", 8)) {
		sov_buf_addstr(out, "\\\\");
		path += 8;
	} else if (!strncmp(path, "\\\\?\\", 4)) {
		path += 4;
	}
	sov_buf_addstr(out, path);
	for (i = 0; i < out->len; i++)
		if (out->ptr[i] == '\\')
			out->ptr[i] = '/';
}

const char *sov_os_sh_pwd(void)
{
	return "$(pwd -W)";
}
