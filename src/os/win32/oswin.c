/*
 * oswin.c (Windows) - helpers of src/os/win32/; see oswin.h.
 */
#include "oswin.h"
#include "osproc.h"

#include <errno.h>
#include <io.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

wchar_t *sov_win_wide(const char *utf8)
{
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, NULL, 0);
	wchar_t *w;

	if (n <= 0) {
		errno = EINVAL;
		return NULL;
	}
	w = sov_malloc((size_t)n * sizeof(wchar_t));
	MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, w, n);
	return w;
}

int sov_win_utf8(const wchar_t *wide, struct sov_buf *out)
{
	int n = WideCharToMultiByte(CP_UTF8, 0, wide, -1, NULL, 0, NULL, NULL);

	if (n <= 0) {
		errno = EINVAL;
		return -1;
	}
	sov_buf_grow(out, (size_t)n);
	WideCharToMultiByte(CP_UTF8, 0, wide, -1, out->ptr + out->len, n, NULL, NULL);
	sov_buf_setlen(out, out->len + (size_t)n - 1);
	return 0;
}

static int is_sep(wchar_t c)
{
	return c == L'\\' || c == L'/';
}

/* "\\?\..." from an absolute UTF-16 path with '\' separators. */
static wchar_t *long_prefixed(const wchar_t *full)
{
	size_t n = wcslen(full);
	wchar_t *out = sov_malloc((n + 8) * sizeof(wchar_t));

	if (!wcsncmp(full, L"\\\\?\\", 4) || !wcsncmp(full, L"\\\\.\\", 4))
		wcscpy(out, full);
	else if (full[0] == L'\\' && full[1] == L'\\') {
		wcscpy(out, L"\\\\?\\UNC\\");
		wcscat(out, full + 2);
	} else {
		wcscpy(out, L"\\\\?\\");
		wcscat(out, full);
	}
	return out;
}

wchar_t *sov_win_path(const char *utf8)
{
	wchar_t *w, *full, *p;
	DWORD n;

	if (!_stricmp(utf8, "NUL") || !_stricmp(utf8, "/dev/null"))
		return sov_win_wide("NUL");
	w = sov_win_wide(utf8);
	if (!w)
		return NULL;
	for (p = w; *p; p++)
		if (*p == L'/')
			*p = L'\\';
	if (!wcsncmp(w, L"\\\\?\\", 4))
		return w;
	n = GetFullPathNameW(w, 0, NULL, NULL);
	if (!n) {
		sov_win_errno(GetLastError());
		free(w);
		return NULL;
	}
	full = sov_malloc((size_t)n * sizeof(wchar_t));
	if (!GetFullPathNameW(w, n, full, NULL)) {
		sov_win_errno(GetLastError());
		free(w);
		free(full);
		return NULL;
	}
	free(w);
	w = long_prefixed(full);
	free(full);
	return w;
}

wchar_t *sov_win_path_at(int dirfd, const char *name)
{
	HANDLE h = (HANDLE)_get_osfhandle(dirfd);
	wchar_t *dir, *wname, *out, *p;
	DWORD n;
	size_t len;

	if (h == INVALID_HANDLE_VALUE) {
		errno = EBADF;
		return NULL;
	}
	n = GetFinalPathNameByHandleW(h, NULL, 0, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
	if (!n) {
		sov_win_errno(GetLastError());
		return NULL;
	}
	dir = sov_malloc(((size_t)n + 1) * sizeof(wchar_t));
	if (!GetFinalPathNameByHandleW(h, dir, n + 1, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS)) {
		sov_win_errno(GetLastError());
		free(dir);
		return NULL;
	}
	wname = sov_win_wide(name);
	if (!wname) {
		free(dir);
		return NULL;
	}
	for (p = wname; *p; p++)
		if (*p == L'/')
			*p = L'\\';
	len = wcslen(dir) + wcslen(wname) + 2;
	out = sov_malloc(len * sizeof(wchar_t));
	wcscpy(out, dir);
	if (out[0] && !is_sep(out[wcslen(out) - 1]))
		wcscat(out, L"\\");
	wcscat(out, wname);
	free(dir);
	free(wname);
	return out;
}

int sov_win_errno(DWORD err)
{
	switch (err) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_INVALID_DRIVE:
	case ERROR_BAD_NETPATH:
	case ERROR_BAD_NET_NAME:
		errno = ENOENT;
		break;
	case ERROR_ACCESS_DENIED:
	case ERROR_SHARING_VIOLATION:
	case ERROR_PRIVILEGE_NOT_HELD:
		errno = EACCES;
		break;
	case ERROR_FILE_EXISTS:
	case ERROR_ALREADY_EXISTS:
		errno = EEXIST;
		break;
	case ERROR_NOT_SAME_DEVICE:
		errno = EXDEV;
		break;
	case ERROR_DISK_FULL:
	case ERROR_HANDLE_DISK_FULL:
		errno = ENOSPC;
		break;
	case ERROR_LOCK_VIOLATION:
	case ERROR_IO_PENDING:
		errno = EWOULDBLOCK;
		break;
	case ERROR_DIRECTORY:
		errno = ENOTDIR;
		break;
	case ERROR_DIR_NOT_EMPTY:
		errno = ENOTEMPTY;
		break;
	case ERROR_WRITE_PROTECT:
		errno = EROFS;
		break;
	case ERROR_BROKEN_PIPE:
	case ERROR_NO_DATA:
		errno = EPIPE;
		break;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY:
		errno = ENOMEM;
		break;
	case ERROR_FILENAME_EXCED_RANGE:
		errno = ENAMETOOLONG;
		break;
	case ERROR_INVALID_HANDLE:
		errno = EBADF;
		break;
	case ERROR_CANT_RESOLVE_FILENAME:
		errno = ELOOP;
		break;
	default:
		errno = EIO;
		break;
	}
	return -1;
}

/* Whether the "NAME=value" entry `e` has the name `name` (`n` chars). */
static int env_named(const wchar_t *e, const wchar_t *name, size_t n)
{
	return !_wcsnicmp(e, name, n) && e[n] == L'=';
}

wchar_t *sov_win_env_block(const char *const *env, const char *const *unset)
{
	wchar_t *cur = GetEnvironmentStringsW(), *e;
	wchar_t **adds = NULL, **drops = NULL;
	size_t nadd = 0, ndrop = 0, alloc_add = 0, alloc_drop = 0, i;
	struct sov_buf block = SOV_BUF_INIT;
	const char *const *v;
	wchar_t nul = 0;

	for (v = env; v && *v; v++) {
		wchar_t *w = sov_win_wide(*v);

		if (!w)
			continue;
		SOV_ALLOC_GROW(drops, ndrop + 1, alloc_drop);
		drops[ndrop++] = w;	/* "NAME" or "NAME=value": its name goes */
		if (strchr(*v, '=')) {
			SOV_ALLOC_GROW(adds, nadd + 1, alloc_add);
			adds[nadd++] = w;
		}
	}
	for (v = unset; v && *v; v++) {
		wchar_t *w = sov_win_wide(*v);

		if (!w)
			continue;
		SOV_ALLOC_GROW(drops, ndrop + 1, alloc_drop);
		drops[ndrop++] = w;
	}
	for (e = cur; e && *e; e += wcslen(e) + 1) {
		int keep = 1;

		for (i = 0; i < ndrop && keep; i++) {
			const wchar_t *eq = wcschr(drops[i], L'=');
			size_t n = eq ? (size_t)(eq - drops[i]) : wcslen(drops[i]);

			if (env_named(e, drops[i], n))
				keep = 0;
		}
		if (keep)
			sov_buf_add(&block, e, (wcslen(e) + 1) * sizeof(wchar_t));
	}
	for (i = 0; i < nadd; i++)
		sov_buf_add(&block, adds[i], (wcslen(adds[i]) + 1) * sizeof(wchar_t));
	sov_buf_add(&block, &nul, sizeof(nul));
	sov_buf_add(&block, &nul, sizeof(nul));
	if (cur)
		FreeEnvironmentStringsW(cur);
	for (i = 0; i < ndrop; i++)
		free(drops[i]);	/* adds[] are the same strings */
	free(drops);
	free(adds);
	return (wchar_t *)sov_buf_detach(&block, NULL);
}

wchar_t *sov_win_cmdline(const char *argv0, const char *const *argv)
{
	struct sov_buf line = SOV_BUF_INIT;
	wchar_t *w;

	sov_os_quote_arg(&line, argv0 ? argv0 : argv[0]);
	for (argv++; *argv; argv++)
		sov_os_quote_arg(&line, *argv);
	w = sov_win_wide(line.ptr);
	sov_buf_release(&line);
	return w;
}
