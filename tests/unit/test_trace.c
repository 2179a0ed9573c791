/* Unit tests for src/util/trace.c. */
#include "tap.h"
#include "buf.h"
#include "trace.h"

#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	char path[] = "/tmp/sovsync-trace-XXXXXX";
	struct sov_buf got = SOV_BUF_INIT;
	int fd = mkstemp(path);

	close(fd);
	unlink(path);
	setenv("SOVSYNC_TRACE", path, 1);
	ok(sov_trace_enabled(), "an absolute path enables tracing");
	sov_trace("first %d", 1);
	sov_trace("second %s", "line");
	ok(sov_buf_read_file(&got, path) == 0, "the trace file was created");
	ok(strstr(got.ptr, "test_trace.c:") != NULL, "records carry file:line");
	ok(strstr(got.ptr, "first 1\n") != NULL, "first record present");
	ok(strstr(got.ptr, "second line\n") != NULL, "second record present");
	ok(strstr(got.ptr, "sovsync[") != NULL, "records carry the pid");
	{
		int lines = 0;
		for (size_t i = 0; i < got.len; i++)
			lines += got.ptr[i] == '\n';
		is_int(lines, 2, "one line per record");
	}
	unlink(path);
	sov_buf_release(&got);
	return done_testing();
}
