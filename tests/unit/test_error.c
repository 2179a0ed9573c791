/* Unit tests for src/util/error.c. */
#include "tap.h"
#include "error.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

static void *other_thread(void *arg)
{
	(void)arg;
	sov_error_set(SOV_ECONFLICT, "thread message");
	return (void *)(sov_error_isset() ? "set" : "unset");
}

static char warned[256];

static void catch_warning(const char *msg)
{
	snprintf(warned, sizeof(warned), "%s", msg);
}

static void test_codes(void)
{
	sov_error_clear();
	is_int(sov_error_code(), SOV_OK, "no code when no error is set");
	sov_error("plain");
	is_int(sov_error_code(), SOV_EGENERIC, "sov_error is EGENERIC");
	sov_error_set(SOV_ENOTFOUND, "%s: gone", "a.json");
	is_int(sov_error_code(), SOV_ENOTFOUND, "sov_error_set keeps its code");
	is_str(sov_error_last(), "a.json: gone", "and its message");
	sov_error_prefix("merge");
	is_int(sov_error_code(), SOV_ENOTFOUND, "a prefix keeps the code");
	sov_error_set(SOV_OK, "an error that says OK");
	is_int(sov_error_code(), SOV_EGENERIC, "SOV_OK cannot be set with a message");

	errno = ENOENT;
	sov_error_errno("x");
	is_int(sov_error_code(), SOV_ENOTFOUND, "ENOENT is ENOTFOUND");
	errno = ENOTDIR;
	sov_error_errno("x");
	is_int(sov_error_code(), SOV_ENOTFOUND, "ENOTDIR is ENOTFOUND");
	errno = EEXIST;
	sov_error_errno("x");
	is_int(sov_error_code(), SOV_EEXISTS, "EEXIST is EEXISTS");
	errno = ELOOP;
	sov_error_errno("x");
	is_int(sov_error_code(), SOV_EUNSAFE, "ELOOP (a link refused) is EUNSAFE");
	errno = EAGAIN;
	sov_error_errno("x");
	is_int(sov_error_code(), SOV_EIO, "EAGAIN is EIO, not ELOCKED (only a lock says that)");
	errno = ENOSPC;
	sov_error_errno("x");
	is_int(sov_error_code(), SOV_EIO, "anything else is EIO");
	is_str(sov_error_code_name(SOV_ELOCKED), "ELOCKED", "codes have names");

	sov_error_clear();
	is_int(sov_error_code(), SOV_OK, "clear resets the code");
	sov_error_prefix("context");
	is_int(sov_error_code(), SOV_EGENERIC, "a prefix on nothing is EGENERIC");
	sov_error_clear();
}

static void test_warnings(void)
{
	warned[0] = '\0';
	sov_warn("dropped %d", 1);
	is_str(warned, "", "without a routine a warning goes nowhere (the library never prints)");
	sov_warn_set_routine(catch_warning);
	sov_warn("kept %d", 2);
	is_str(warned, "kept 2", "the program's routine receives it formatted");
	sov_warn_set_routine(NULL);
}

int main(void)
{
	pthread_t th;
	void *res = NULL;

	sov_error_clear();
	ok(!sov_error_isset(), "no error at start");
	is_str(sov_error_last(), "unknown error", "a placeholder when none was set");

	is_int(sov_error("%s: bad thing %d", "file.json", 7), -1, "sov_error returns -1");
	is_str(sov_error_last(), "file.json: bad thing 7", "message is formatted");

	errno = ENOENT;
	is_int(sov_error_errno("open %s", "x"), -1, "sov_error_errno returns -1");
	is_str(sov_error_last(), "open x: No such file or directory", "errno text is appended");
	is_int(errno, ENOENT, "errno is preserved");

	sov_error("invalid JSON at line 3");
	sov_error_prefix("merge-memories: %s", "shared/memories/a/memories.json");
	is_str(sov_error_last(),
	       "merge-memories: shared/memories/a/memories.json: invalid JSON at line 3",
	       "prefix adds context in front");

	{
		char big[5000];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		sov_error("%s", big);
		sov_error_prefix("front");
		ok(!strncmp(sov_error_last(), "front: xxx", 10) &&
		   strlen(sov_error_last()) == 4095,
		   "a prefixed message too long keeps its front, cut at the limit");
		sov_error("inner");
		sov_error_prefix("%s", big);
		ok(strlen(sov_error_last()) == 4095 && sov_error_last()[4094] == 'x',
		   "a prefix longer than the limit is cut, never overflows");
		sov_error("invalid JSON at line 3");
		sov_error_prefix("merge-memories: %s", "shared/memories/a/memories.json");
	}

	pthread_create(&th, NULL, other_thread, NULL);
	pthread_join(th, &res);
	is_str((const char *)res, "set", "another thread sets its own error");
	is_str(sov_error_last(),
	       "merge-memories: shared/memories/a/memories.json: invalid JSON at line 3",
	       "and leaves this thread's error alone");

	is_int(sov_error_code(), SOV_EGENERIC, "and its code");

	sov_error_clear();
	ok(!sov_error_isset(), "clear resets");
	test_codes();
	test_warnings();
	return done_testing();
}
