/* Unit tests for src/core/attr.c: .gitattributes editing. */
#include "tap.h"
#include "attr.h"
#include "buf.h"
#include "error.h"

int main(void)
{
	struct sov_buf t = SOV_BUF_INIT, l = SOV_BUF_INIT;

	is_int(sov_attr_track(&t, "*.bin"), 1, "track into an empty file");
	is_str(t.ptr, "*.bin filter=sovsync diff=sovsync -text\n", "the line lfs-style");
	is_int(sov_attr_track(&t, "*.bin"), 0, "tracking twice changes nothing");

	sov_buf_reset(&t);
	sov_buf_addstr(&t, "# keep\n*.png -diff\n*.bin   filter=sovsync -text\r\nno-newline");
	is_int(sov_attr_track(&t, "*.bin"), 0, "an existing line with other spacing counts");
	is_int(sov_attr_track(&t, "d/*.jsonl"), 1, "a new pattern");
	is_str(t.ptr, "# keep\n*.png -diff\n*.bin   filter=sovsync -text\r\nno-newline\n"
	       "d/*.jsonl filter=sovsync diff=sovsync -text\n", "appended after a final newline");

	sov_attr_list(&t, &l);
	is_str(l.ptr, "*.bin\nd/*.jsonl\n", "list gives the tracked patterns");

	is_int(sov_attr_untrack(&t, "*.png"), 0, "a pattern without filter=sovsync is not ours");
	is_int(sov_attr_untrack(&t, "*.bin"), 1, "untrack removes the line");
	is_str(t.ptr, "# keep\n*.png -diff\nno-newline\nd/*.jsonl filter=sovsync diff=sovsync -text\n",
	       "other lines are kept byte for byte");
	is_int(sov_attr_untrack(&t, "d/*.jsonl"), 1, "untrack the last line");
	is_str(t.ptr, "# keep\n*.png -diff\nno-newline\n", "no sovsync line is left");

	is_int(sov_attr_track(&t, "a b"), -1, "a pattern with a space is refused");
	ok(strstr(sov_error_last(), "'a b'") != NULL, "... naming it");
	is_int(sov_attr_track(&t, ""), -1, "an empty pattern is refused");
	is_int(sov_attr_track(&t, "!x"), -1, "a negated pattern is refused");
	is_int(sov_attr_untrack(&t, "#x"), -1, "a comment is not a pattern");

	sov_buf_reset(&t);
	sov_buf_addstr(&t, "#x filter=sovsync\n  \n");
	sov_buf_reset(&l);
	sov_attr_list(&t, &l);
	is_int(l.len, 0, "comments and blank lines are not patterns");

	sov_buf_release(&t);
	sov_buf_release(&l);
	return done_testing();
}
