/*
 * osenv.c (Windows) - environment and random bytes; see src/os/osenv.h.
 */
#include "osenv.h"
#include "oswin.h"
#include "error.h"

#include <bcrypt.h>
#include <errno.h>
#include <stdlib.h>

int sov_os_setenv(const char *name, const char *value)
{
	wchar_t *wn = sov_win_wide(name), *wv = value ? sov_win_wide(value) : NULL;
	int ret = 0;

	/*
	 * The C runtime's copy, which getenv() reads, gets the UTF-8 bytes
	 * (what sovsync's readers expect); the process's, which children
	 * inherit, gets UTF-16.  An empty value removes the variable on
	 * Windows, as unsetenv would.
	 */
	if (!wn || (value && !wv) || _putenv_s(name, value ? value : "") != 0 ||
	    !SetEnvironmentVariableW(wn, wv)) {
		errno = errno ? errno : EINVAL;
		ret = sov_error_errno("cannot set %s in the environment", name);
	}
	free(wn);
	free(wv);
	return ret;
}

int sov_os_random(void *buf, size_t len, int wait)
{
	unsigned char *p = buf;

	while (len) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;

		if (BCryptGenRandom(NULL, p, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

const char *sov_os_home(void)
{
	const char *h = getenv("HOME");

	if (!h || !*h)
		h = getenv("USERPROFILE");
	return h && *h ? h : NULL;
}
