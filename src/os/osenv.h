/*
 * osenv.h - the process environment and the system's random bytes.
 */
#ifndef SOV_OSENV_H
#define SOV_OSENV_H

#include <stddef.h>

/*
 * setenv(name, value, 1) / unsetenv(name) (value NULL).  The variable
 * reaches this process's getenv() and the children it starts afterwards.
 * 0, or -1 with a message.
 */
int sov_os_setenv(const char *name, const char *value);

/*
 * Fill `buf` with `len` bytes from the system's random source (getrandom,
 * BCryptGenRandom).  With `wait` 0 it never blocks (early at boot the
 * pool may not be ready: -1, for callers that fall back to a weaker seed);
 * otherwise it waits for the pool.  0, or -1 with errno (no message).
 */
int sov_os_random(void *buf, size_t len, int wait);

/*
 * The user's home directory, for "~/" in a configured path: $HOME; on
 * Windows $HOME (Git for Windows sets it) else %USERPROFILE%, which a
 * service also has.  NULL when neither is set.  Not to be freed.
 */
const char *sov_os_home(void);

#endif
