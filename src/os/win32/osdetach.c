/*
 * osdetach.c (Windows) - the program started again, detached; see
 * src/os/osdetach.h.
 */
#include "osdetach.h"
#include "osfs.h"
#include "oswin.h"
#include "buf.h"
#include "error.h"

#include <stdlib.h>

int sov_os_detach(const char *what, const char *const *argv, const char *const *unset_env,
		  int (*fn)(void *arg), void *arg)
{
	struct sov_buf exe = SOV_BUF_INIT;
	STARTUPINFOW si = { .cb = sizeof(si) };
	PROCESS_INFORMATION pi;
	wchar_t *wexe = NULL, *cmdline = NULL, *env = NULL;
	DWORD flags = DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP | CREATE_UNICODE_ENVIRONMENT |
		      CREATE_BREAKAWAY_FROM_JOB;
	int ret = -1;
	BOOL ok;

	if (sov_os_self_exe(&exe) < 0)
		goto out;
	wexe = sov_win_path(exe.ptr);
	cmdline = sov_win_cmdline(exe.ptr, argv);
	env = sov_win_env_block(NULL, unset_env);
	if (!wexe || !cmdline) {
		sov_error_errno("cannot start %s", what);
		goto out;
	}
	/* No handle inherited: its standard streams are nobody's pipes. */
	ok = CreateProcessW(wexe, cmdline, NULL, NULL, FALSE, flags, env, NULL, &si, &pi);
	if (!ok && GetLastError() == ERROR_ACCESS_DENIED) {
		/* Inside a job that allows no breakaway: stay in it. */
		ok = CreateProcessW(wexe, cmdline, NULL, NULL, FALSE,
				    flags & ~CREATE_BREAKAWAY_FROM_JOB, env, NULL, &si, &pi);
	}
	if (!ok) {
		sov_win_errno(GetLastError());
		sov_error_errno("cannot start %s", what);
		goto out;
	}
	CloseHandle(pi.hThread);
	CloseHandle(pi.hProcess);
	ret = 0;
out:
	free(wexe);
	free(cmdline);
	free(env);
	sov_buf_release(&exe);
	return ret;
}

int sov_os_detach_calls_fn(void)
{
	return 0;
}
