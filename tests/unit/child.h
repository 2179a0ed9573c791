/*
 * child.h - this test program run again as a child process, for the checks
 * of what another process sees (locks, concurrent writers).  Windows has no
 * fork(), so the child is a new run of the same program, told its part by
 * its arguments (main() looks for CHILD_FLAG first).  Header-only, like
 * tap.h: the POSIX half is here, the Windows half in
 * tests/unit/win32/testcompat.h.
 *
 *   child_start(args)  start this program with argv[1..] = args (NULL-
 *                      terminated, at most 8, no spaces in them: Windows'
 *                      C runtime joins them unquoted); its id, or -1
 *   child_wait(id)     its exit status (0-255), or -1 when it did not exit
 *                      (killed by a signal)
 */
#ifndef SOV_CHILD_H
#define SOV_CHILD_H

#define CHILD_FLAG "--child"
#define CHILD_MAX_ARGS 8

#if TEST_POSIX
#include <spawn.h>
#include <stdint.h>
#include <sys/wait.h>

extern char **environ;

__attribute__((unused))
static intptr_t child_start(const char *const *args)
{
	const char *argv[CHILD_MAX_ARGS + 2] = { "/proc/self/exe" };
	pid_t pid;
	int n;

	for (n = 0; n < CHILD_MAX_ARGS && args[n]; n++)
		argv[n + 1] = args[n];
	if (posix_spawn(&pid, argv[0], NULL, NULL, (char *const *)argv, environ))
		return -1;
	return pid;
}

__attribute__((unused))
static int child_wait(intptr_t id)
{
	int st;

	if (waitpid((pid_t)id, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}
#endif

#endif
