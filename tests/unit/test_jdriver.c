/*
 * Unit tests for src/merge/jdriver.c's sov_jdriver_read_side(): the one place a
 * merge driver (JSON or document) reads and decodes a side.
 */
#include "tap.h"
#include "scratch.h"
#include "error.h"
#include "frame.h"
#include "fs.h"
#include "jdriver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	char dir[] = "/tmp/sovsync-jdriver-XXXXXX";
	struct sov_buf path = SOV_BUF_INIT, enc = SOV_BUF_INIT;
	struct sov_buf plain = SOV_BUF_INIT, stored = SOV_BUF_INIT;
	static const char text[] = "{\"a\": 1}\n";
	int encoded = -1;

	ok(mkdtemp(dir) != NULL, "scratch directory");
	sov_buf_addf(&path, "%s/side", dir);

	ok(sov_fs_write_atomic(path.ptr, text, sizeof(text) - 1, 0644) == 0, "a plain side");
	ok(sov_jdriver_read_side(path.ptr, &plain, &stored, &encoded) == 0, "read");
	ok(!encoded && !strcmp(plain.ptr, text) && !strcmp(stored.ptr, text),
	   "plain: not encoded, both buffers hold the bytes");
	ok(sov_jdriver_read_side(path.ptr, &plain, NULL, &encoded) == 0 &&
	   !strcmp(plain.ptr, text), "stored not wanted: fine");

	ok(sov_frame_encode_buf(text, sizeof(text) - 1, &enc) == 0, "the stored form");
	ok(sov_fs_write_atomic(path.ptr, enc.ptr, enc.len, 0644) == 0, "an encoded side");
	ok(sov_jdriver_read_side(path.ptr, &plain, &stored, &encoded) == 0 && encoded,
	   "read and decoded");
	ok(!strcmp(plain.ptr, text), "plain holds the real content");
	ok(stored.len == enc.len && !memcmp(stored.ptr, enc.ptr, enc.len),
	   "stored holds the bytes as Git handed them over");

	/* Hostile: a stored form cut short, a missing file, a directory. */
	ok(sov_fs_write_atomic(path.ptr, enc.ptr, enc.len - 3, 0644) == 0, "a cut stored form");
	ok(sov_jdriver_read_side(path.ptr, &plain, &stored, &encoded) < 0 &&
	   strstr(sov_error_last(), "corrupt") != NULL, "is refused (%s)", sov_error_last());
	sov_buf_reset(&path);
	sov_buf_addf(&path, "%s/missing", dir);
	ok(sov_jdriver_read_side(path.ptr, &plain, NULL, &encoded) < 0 &&
	   strstr(sov_error_last(), path.ptr) != NULL, "a missing side names the file (%s)",
	   sov_error_last());
	ok(sov_jdriver_read_side(dir, &plain, NULL, &encoded) < 0, "a directory is refused (%s)",
	   sov_error_last());

	sov_buf_release(&path);
	sov_buf_release(&enc);
	sov_buf_release(&plain);
	sov_buf_release(&stored);
	ok(scratch_remove(dir) == 0, "cleanup");
	return done_testing();
}
