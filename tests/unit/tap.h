/*
 * tap.h - a minimal Test Anything Protocol producer for the C unit tests.
 *
 * Each check prints "ok N - description" or "not ok N - description" with
 * the file and line of the failing check as a "#" diagnostic; done_testing()
 * prints the plan and returns the exit status for main().  prove(1) runs the
 * compiled tests directly.
 */
#ifndef SOV_TAP_H
#define SOV_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "oscompat.h"

/*
 * 1 where the tests run on a POSIX system; tests/unit/win32/testcompat.h
 * makes it 0 for Windows, where a check that only POSIX can make (a
 * symbolic link, a file mode) is skip()ped with the reason.
 */
#ifndef TEST_POSIX
#define TEST_POSIX 1
#endif

static int tap_count;
static int tap_failed;

SOV_PRINTF(4, 5) __attribute__((unused))
static int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	printf("%sok %d - ", pass ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return pass;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...) do { \
	long long tap_g = (long long)(got), tap_w = (long long)(want); \
	if (!tap_ok(tap_g == tap_w, __FILE__, __LINE__, __VA_ARGS__)) \
		printf("#   got %lld, want %lld\n", tap_g, tap_w); \
} while (0)

#define is_str(got, want, ...) do { \
	const char *tap_g = (got), *tap_w = (want); \
	int tap_p = tap_g && tap_w ? !strcmp(tap_g, tap_w) : tap_g == tap_w; \
	if (!tap_ok(tap_p, __FILE__, __LINE__, __VA_ARGS__)) \
		printf("#   got '%s'\n#  want '%s'\n", tap_g ? tap_g : "(null)", \
		       tap_w ? tap_w : "(null)"); \
} while (0)

/*
 * Count `n` checks that cannot apply here as passed, each printed
 * "ok N # skip <reason>" (TAP's directive, which prove reports).
 */
__attribute__((unused))
static void skip(int n, const char *reason)
{
	while (n-- > 0)
		printf("ok %d # skip %s\n", ++tap_count, reason);
	fflush(stdout);
}

__attribute__((unused))
static int done_testing(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
