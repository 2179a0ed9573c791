/* Unit tests for src/filter/filter.c: clean/smudge, codec reuse, fd streaming. */
#include "tap.h"
#include "buf.h"
#include "error.h"
#include "filter.h"
#include "frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int add(void *ctx, const void *data, size_t len)
{
	sov_buf_add(ctx, data, len);
	return 0;
}

static int run(struct sov_filter *f, enum sov_filter_op op, const struct sov_buf *in,
	       struct sov_buf *out)
{
	sov_buf_reset(out);
	sov_filter_start(f, op, add, out);
	if (sov_filter_write(f, in->ptr, in->len) < 0)
		return -1;
	return sov_filter_finish(f);
}

/* A temporary file holding `b`, rewound; or the output file, empty. */
static FILE *tmp_with(const struct sov_buf *b)
{
	FILE *fp = tmpfile();

	if (!fp || (b && fwrite(b->ptr, 1, b->len, fp) != b->len))
		abort();
	fflush(fp);
	rewind(fp);
	return fp;
}

int main(void)
{
	struct sov_filter f = SOV_FILTER_INIT;
	struct sov_buf a = SOV_BUF_INIT, stored = SOV_BUF_INIT, out = SOV_BUF_INIT;
	struct sov_buf first = SOV_BUF_INIT;
	FILE *in, *res;
	int i, same = 1;

	for (i = 0; i < 300000; i++)
		sov_buf_addf(&a, "line %d\n", i % 977);
	ok(!run(&f, SOV_FILTER_CLEAN, &a, &stored), "clean");
	ok(sov_frame_is_encoded(stored.ptr, stored.len), "gives the stored form");
	sov_buf_add(&first, stored.ptr, stored.len);
	ok(!run(&f, SOV_FILTER_SMUDGE, &stored, &out) && out.len == a.len &&
	   !memcmp(out.ptr, a.ptr, a.len), "smudge gives the content back");
	for (i = 0; i < 50; i++) {
		if (run(&f, SOV_FILTER_CLEAN, &a, &stored) || stored.len != first.len ||
		    memcmp(stored.ptr, first.ptr, first.len))
			same = 0;
	}
	ok(same, "a reused encoder gives the same bytes every time");
	ok(!run(&f, SOV_FILTER_SMUDGE, &a, &out) && out.len == a.len,
	   "smudge passes plain content through");
	is_str(sov_filter_op_name(SOV_FILTER_SMUDGE), "smudge", "op names");

	sov_buf_setlen(&stored, stored.len - 3);
	ok(run(&f, SOV_FILTER_SMUDGE, &stored, &out) < 0 &&
	   !strncmp(sov_error_last(), "corrupt: truncated", 18), "a cut stored form fails");
	ok(!run(&f, SOV_FILTER_SMUDGE, &first, &out) && out.len == a.len,
	   "the decoder works again after a failure");
	sov_filter_release(&f);

	in = tmp_with(&a);
	res = tmp_with(NULL);
	ok(!sov_filter_fd(SOV_FILTER_CLEAN, SOV_FILTER_MIN_SIZE_DEFAULT, fileno(in), fileno(res)), "clean fd to fd");
	sov_buf_reset(&out);
	lseek(fileno(res), 0, SEEK_SET);
	ok(!sov_buf_read_fd(&out, fileno(res), "result") && out.len == first.len &&
	   !memcmp(out.ptr, first.ptr, first.len), "same bytes as in memory");
	fclose(in);
	fclose(res);

	in = tmp_with(&first);
	res = fopen("/dev/full", "w");
	if (res) {
		ok(sov_filter_fd(SOV_FILTER_SMUDGE, 0, fileno(in), fileno(res)) < 0 &&
		   strstr(sov_error_last(), "write failed"), "a full disk fails the smudge");
		fclose(res);
	}
	fclose(in);

	/* The small-file rule. */
	f.min_size = 4096;
	sov_buf_reset(&a);
	sov_buf_addstr(&a, "# a note\nplain text\n");
	ok(!run(&f, SOV_FILTER_CLEAN, &a, &stored) && stored.len == a.len &&
	   !memcmp(stored.ptr, a.ptr, a.len), "below min_size: stored as it is");
	ok(!run(&f, SOV_FILTER_SMUDGE, &stored, &out) && out.len == a.len, "and smudged back");
	sov_buf_reset(&a);
	sov_buf_add(&a, first.ptr, 8);		/* the magic, then not a stored form */
	sov_buf_addstr(&a, "but only text follows");
	ok(!run(&f, SOV_FILTER_CLEAN, &a, &stored) && stored.len != a.len &&
	   sov_frame_is_encoded(stored.ptr, stored.len), "magic below min_size: wrapped");
	ok(!run(&f, SOV_FILTER_SMUDGE, &stored, &out) && out.len == a.len &&
	   !memcmp(out.ptr, a.ptr, a.len), "smudge gives it back byte for byte");
	sov_buf_reset(&a);
	sov_buf_add(&a, stored.ptr, stored.len);
	ok(!run(&f, SOV_FILTER_CLEAN, &a, &out) && out.len == a.len &&
	   !memcmp(out.ptr, a.ptr, a.len), "a valid small stored form is kept (idempotent)");
	sov_buf_reset(&a);
	sov_buf_add(&a, first.ptr, 5);		/* shorter than the magic */
	ok(!run(&f, SOV_FILTER_CLEAN, &a, &stored) && stored.len == 5, "a magic prefix: plain");
	sov_buf_reset(&a);
	for (i = 0; i < 1000; i++)
		sov_buf_addf(&a, "line %d\n", i);
	ok(!run(&f, SOV_FILTER_CLEAN, &a, &stored) && sov_frame_is_encoded(stored.ptr, stored.len),
	   "from min_size up: frames");
	ok(sov_filter_stores_plain("", 0, 0), "empty content is the same in both forms");
	ok(sov_filter_stores_plain("x", 1, 2) && !sov_filter_stores_plain("xx", 2, 2),
	   "the threshold: below is plain, equal is not");
	f.min_size = 0;
	sov_buf_reset(&a);
	sov_buf_addstr(&a, "tiny");
	ok(!run(&f, SOV_FILTER_CLEAN, &a, &stored) && sov_frame_is_encoded(stored.ptr, stored.len),
	   "min_size 0: every file in frames");
	sov_buf_reset(&out);
	ok(!sov_filter_clean_buf(a.ptr, a.len, 100, &out) && out.len == a.len,
	   "clean_buf follows the rule");
	sov_filter_release(&f);

	sov_buf_release(&a);
	sov_buf_release(&stored);
	sov_buf_release(&out);
	sov_buf_release(&first);
	return done_testing();
}
