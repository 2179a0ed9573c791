/*
 * osenv.c (POSIX) - environment and random bytes; see src/os/osenv.h.
 */
#include "osenv.h"
#include "error.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

int sov_os_setenv(const char *name, const char *value)
{
	if (value ? setenv(name, value, 1) : unsetenv(name))
		return sov_error_errno("cannot set %s in the environment", name);
	return 0;
}

int sov_os_random(void *buf, size_t len, int wait)
{
	char *p = buf;

	while (len) {
		ssize_t got = getrandom(p, len, wait ? 0 : GRND_NONBLOCK);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		p += got;
		len -= (size_t)got;
	}
	return 0;
}

const char *sov_os_home(void)
{
	const char *h = getenv("HOME");

	return h && *h ? h : NULL;
}
