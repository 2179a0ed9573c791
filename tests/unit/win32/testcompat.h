/*
 * testcompat.h - the few POSIX calls the unit tests' own scaffolding makes
 * (scratch directories, the environment), for the Windows build of the unit
 * tests only: mk/windows.mk includes it ahead of each test (-include).  The
 * code under test never sees it: it goes through src/os/.
 */
#ifndef SOV_TESTCOMPAT_H
#define SOV_TESTCOMPAT_H

#include <direct.h>
#include <errno.h>
#include <io.h>
#include <process.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* mkdir(path, mode): the mode has no meaning on Windows. */
#define mkdir(path, mode) ((void)(mode), _mkdir(path))

/* mkdtemp(3): the trailing XXXXXX replaced until a new directory is made. */
static inline char *sov_test_mkdtemp(char *tmpl)
{
	static const char letters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	size_t len = strlen(tmpl);
	unsigned int seed = (unsigned int)(size_t)tmpl ^ (unsigned int)_getpid();

	if (len < 6 || strcmp(tmpl + len - 6, "XXXXXX")) {
		errno = EINVAL;
		return NULL;
	}
	for (int tries = 0; tries < 1000; tries++) {
		for (int i = 0; i < 6; i++) {
			seed = seed * 1103515245u + 12345u + (unsigned int)tries;
			tmpl[len - 6 + i] = letters[(seed >> 16) % (sizeof(letters) - 1)];
		}
		if (_mkdir(tmpl) == 0)
			return tmpl;
		if (errno != EEXIST)
			return NULL;
	}
	return NULL;
}
#define mkdtemp sov_test_mkdtemp

/* setenv(3) and unsetenv(3) through the C runtime's environment. */
static inline int sov_test_setenv(const char *name, const char *value, int overwrite)
{
	if (!overwrite && getenv(name))
		return 0;
	return _putenv_s(name, value) ? -1 : 0;
}
static inline int sov_test_unsetenv(const char *name)
{
	return _putenv_s(name, "") ? -1 : 0;
}
#define setenv sov_test_setenv
#define unsetenv sov_test_unsetenv

/*
 * remove(3) as POSIX has it, for scratch_remove(): Windows' removes neither
 * a directory nor a read-only file (Git's objects are read-only).
 */
static inline int sov_test_remove(const char *path)
{
	struct _stat st;

	if (_stat(path, &st) == 0 && (st.st_mode & _S_IFDIR))
		return _rmdir(path);
	_chmod(path, _S_IREAD | _S_IWRITE);
	return _unlink(path);
}
#define remove sov_test_remove

/* tap.h: checks that only POSIX can make are skipped. */
#define TEST_POSIX 0

/*
 * symlink(2): none (Wine's CreateSymbolicLinkW makes no link).  The tests
 * skip their link cases on Windows; this is only for them to compile.
 */
static inline int sov_test_symlink(const char *target, const char *path)
{
	(void)target;
	(void)path;
	errno = ENOSYS;
	return -1;
}
#define symlink sov_test_symlink

/* pipe(2): the C runtime's, binary. */
#include <fcntl.h>
#define pipe(fds) _pipe((fds), 65536, _O_BINARY)

/* geteuid(2): no root on Windows (the tests skip what asks). */
#define geteuid() 1

/*
 * child.h's child_start() and child_wait(): this program (its full path
 * from the C runtime) started again with _spawnv, waited for with _cwait.
 */
#include <stdint.h>
static inline intptr_t child_start(const char *const *args)
{
	const char *argv[10] = { NULL };
	char *self = _pgmptr;
	int n;

	if (!self)
		return -1;
	argv[0] = self;
	for (n = 0; args[n] && n < 8; n++)
		argv[n + 1] = args[n];
	return _spawnv(_P_NOWAIT, self, argv);
}
static inline int child_wait(intptr_t id)
{
	int status;

	if (_cwait(&status, id, _WAIT_CHILD) == -1)
		return -1;
	return status & 0xff;
}

/*
 * utimensat(2) for a path of the current directory (AT_FDCWD), to whole
 * seconds: the C runtime's _utime64.
 */
#include <sys/utime.h>
#include <time.h>
#define AT_FDCWD (-100)
static inline int sov_test_utimensat(int dirfd, const char *path, const struct timespec ts[2],
				     int flags)
{
	struct __utimbuf64 t;

	(void)flags;
	if (dirfd != AT_FDCWD) {
		errno = EINVAL;
		return -1;
	}
	t.actime = ts[0].tv_sec;
	t.modtime = ts[1].tv_sec;
	return _utime64(path, &t);
}
#define utimensat sov_test_utimensat

#endif
