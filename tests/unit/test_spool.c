/* Unit tests for src/util/spool.c: memory, then a temporary file. */
#include "tap.h"
#include "buf.h"
#include "error.h"
#include "spool.h"

#include <stdlib.h>

static int add(void *ctx, const void *data, size_t len)
{
	sov_buf_add(ctx, data, len);
	return 0;
}

int main(void)
{
	struct sov_spool s = SOV_SPOOL_INIT;
	struct sov_buf want = SOV_BUF_INIT, got = SOV_BUF_INIT;
	const char *moved = NULL;
	size_t i;

	ok(!sov_spool_write(&s, "abc", 3), "a small write");
	is_int(s.fd, -1, "stays in memory");
	ok(!sov_spool_replay(&s, add, &got) && !strcmp(got.ptr, "abc"), "replays");
	sov_spool_release(&s);

	for (i = 0; i < SOV_SPOOL_MEM_LIMIT / 8 * 3 / 2; i++)
		sov_buf_addf(&want, "%08zu", i);
	sov_buf_reset(&got);
	for (i = 0; i < want.len; i += 65536) {
		if (i == 65536)
			ok(s.mem.alloc < (1u << 20), "below 1 MiB only what is written is taken");
		if (i == 2u << 20) {
			ok(s.mem.alloc > SOV_SPOOL_MEM_LIMIT, "past 1 MiB the whole limit is taken");
			moved = s.mem.ptr;
		}
		if (i == SOV_SPOOL_MEM_LIMIT - 65536)
			ok(s.mem.ptr == moved, "... and the memory does not move again");
		if (sov_spool_write(&s, want.ptr + i, want.len - i < 65536 ? want.len - i : 65536))
			break;
	}
	is_int(s.size, want.len, "every byte counted");
	ok(s.fd >= 0, "past the limit a temporary file is used");
	ok(s.mem.len <= SOV_SPOOL_MEM_LIMIT, "memory stays under the limit");
	ok(!sov_spool_replay(&s, add, &got), "replay");
	ok(got.len == want.len && !memcmp(got.ptr, want.ptr, want.len), "in order, intact");
	sov_spool_release(&s);
	is_int(s.fd, -1, "release closes the file");

	setenv("TMPDIR", "/nonexistent/dir", 1);
	sov_spool_write(&s, want.ptr, SOV_SPOOL_MEM_LIMIT);
	ok(sov_spool_write(&s, "x", 1) < 0, "no temporary directory fails");
	ok(strstr(sov_error_last(), "/nonexistent/dir") != NULL, "... naming it");
	sov_spool_release(&s);

	sov_buf_release(&want);
	sov_buf_release(&got);
	return done_testing();
}
