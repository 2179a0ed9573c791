/*
 * exe.c - src/os/osexe.h on Windows.
 */
#include "osexe.h"
#include "error.h"
#include "watchwide.h"

#include <string.h>
#include <windows.h>

int sov_os_self_path(struct sov_buf *out)
{
	DWORD size = MAX_PATH, n;
	wchar_t *w = NULL;
	const wchar_t *p;

	/* Long paths: grow until the name fits. */
	for (;;) {
		w = sov_realloc(w, size * sizeof(wchar_t));
		n = GetModuleFileNameW(NULL, w, size);
		if (!n) {
			free(w);
			return ww_error(GetLastError(), "GetModuleFileNameW");
		}
		if (n < size)
			break;
		size *= 2;
	}
	p = w;
	sov_buf_reset(out);
	if (!wcsncmp(p, L"\\\\?\\UNC\\", 8)) {
		sov_buf_addstr(out, "\\\\");
		p += 8;
	} else if (!wcsncmp(p, L"\\\\?\\", 4)) {
		p += 4;
	}
	ww_add_utf8(out, p, -1);
	free(w);
	return 0;
}

void sov_os_sh_path(const char *path, struct sov_buf *out)
{
	size_t i;

	/*
	 * Git for Windows' sh takes C:/x/y.exe (and //server/share/y.exe);
	 * a backslash would be an escape there.  CreateProcess and the file
	 * APIs take the same form.
	 */
	sov_buf_reset(out);
	sov_buf_addstr(out, path);
	for (i = 0; i < out->len; i++)
		if (out->ptr[i] == '\\')
			out->ptr[i] = '/';
}
