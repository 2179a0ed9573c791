/*
 * oswin.h (Windows) - what the files of src/os/win32/ share: UTF-8 <->
 * UTF-16, long paths, errno from GetLastError(), environment blocks.
 * Not for use outside src/os/win32/.
 */
#ifndef SOV_OSWIN_H
#define SOV_OSWIN_H

#include <windows.h>

#include "buf.h"

/* UTF-8 to UTF-16, malloc'ed (the caller frees); NULL with errno EINVAL. */
wchar_t *sov_win_wide(const char *utf8);
/* UTF-16 to UTF-8 appended to `out`; -1 with errno EINVAL. */
int sov_win_utf8(const wchar_t *wide, struct sov_buf *out);

/*
 * A UTF-8 path as Windows' file APIs take it: '/' turned into '\', made
 * absolute and prefixed with "\\?\" ("\\?\UNC\" for "\\server\share"), so
 * no MAX_PATH limit applies; "NUL" stays the null device.  Malloc'ed (the
 * caller frees); NULL with errno.
 */
wchar_t *sov_win_path(const char *utf8);
/* The same for `name` inside the directory whose handle backs `dirfd`. */
wchar_t *sov_win_path_at(int dirfd, const char *name);

/* Set errno from a Win32 error code; returns -1. */
int sov_win_errno(DWORD err);

/*
 * A new environment block (CREATE_UNICODE_ENVIRONMENT) from this
 * process's, changed by `env` ("NAME=value" sets, "NAME" unsets, as in
 * struct sov_run) and with every name in `unset` removed (either may be
 * NULL).  Malloc'ed (the caller frees).
 */
wchar_t *sov_win_env_block(const char *const *env, const char *const *unset);

/* The command line of `argv` (NULL-terminated), each argument quoted by
 * sov_os_quote_arg(), as UTF-16 (malloc'ed); `argv0`, if not NULL,
 * replaces argv[0]. */
wchar_t *sov_win_cmdline(const char *argv0, const char *const *argv);

#endif
