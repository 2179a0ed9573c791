/* Unit tests for src/error.c. */
#include "tap.h"
#include "error.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

static void *other_thread(void *arg)
{
	(void)arg;
	sov_error("thread message");
	return (void *)(sov_error_isset() ? "set" : "unset");
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

	sov_error_clear();
	ok(!sov_error_isset(), "clear resets");
	return done_testing();
}
