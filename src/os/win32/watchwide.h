/*
 * watchwide.h - UTF-8 <-> UTF-16 and the system's error text, for the
 * Windows files of the watcher and the service (dirwatch.c, stop.c,
 * exe.c, service.c).  Header-only (static functions).
 *
 * TODO(merge): the portability layer's paths module (helper "wos") has
 * the general UTF-16 conversion; use it instead once merged.
 */
#ifndef SOV_OS_WIN32_WATCHWIDE_H
#define SOV_OS_WIN32_WATCHWIDE_H

#include <windows.h>

#include <stdlib.h>
#include <wchar.h>

#include "buf.h"
#include "error.h"

/* `s` as UTF-16 (*out malloc'ed).  0, or -1 (not UTF-8). */
__attribute__((unused))
static int ww_to_wide(const char *s, wchar_t **out)
{
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);

	*out = NULL;
	if (n <= 0)
		return sov_error("%s: not valid UTF-8", s);
	*out = sov_malloc((size_t)n * sizeof(wchar_t));
	MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, *out, n);
	return 0;
}

/* Append `len` UTF-16 units of `w` (len < 0: up to its NUL) as UTF-8. */
__attribute__((unused))
static void ww_add_utf8(struct sov_buf *out, const wchar_t *w, int len)
{
	int n;

	if (!len)
		return;
	n = WideCharToMultiByte(CP_UTF8, 0, w, len, NULL, 0, NULL, NULL);
	if (n <= 0)
		return;
	sov_buf_grow(out, (size_t)n);
	WideCharToMultiByte(CP_UTF8, 0, w, len, out->ptr + out->len, n, NULL, NULL);
	/* With len < 0 the count includes the NUL. */
	sov_buf_setlen(out, out->len + (size_t)n - (len < 0 ? 1 : 0));
}

/* Leave "<what>: <the system's text for err>" as the error; returns -1. */
__attribute__((unused))
static int ww_error(DWORD err, const char *what)
{
	/* With ALLOCATE_BUFFER the system allocates the text (LocalFree). */
	wchar_t *text[1] = { NULL };
	struct sov_buf msg = SOV_BUF_INIT;
	DWORD n;
	int ret;

	n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
			   FORMAT_MESSAGE_IGNORE_INSERTS, NULL, err, 0, (LPWSTR)text, 0, NULL);
	if (n) {
		ww_add_utf8(&msg, text[0], (int)n);
		LocalFree(text[0]);
	}
	sov_buf_rtrim(&msg);
	ret = sov_error("%s: %s (error %lu)", what, msg.len ? msg.ptr : "system error",
			(unsigned long)err);
	sov_buf_release(&msg);
	return ret;
}

#endif
