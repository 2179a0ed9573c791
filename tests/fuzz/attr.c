/*
 * Fuzz target: .gitattributes editing by `sovsync track` / `untrack`
 * (src/core/attr.c).  The first line of the input is the pattern, the rest the
 * existing .gitattributes text (a cloned repository's, so hostile).
 * Checked, whenever the pattern is accepted:
 *   - track is idempotent, and afterwards the pattern is listed;
 *   - untrack removes it from the list and keeps every other line: when
 *     track added a line, untrack after track gives back the original
 *     text (plus the newline track had to add before its line);
 *   - a pattern the checker accepts never contains white space or quotes
 *     (the line written must parse back to the same pattern).
 */
#include "attr.h"
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int listed(const struct sov_buf *text, const char *pattern)
{
	struct sov_buf list = SOV_BUF_INIT;
	const char *p, *end;
	size_t n = strlen(pattern);
	int found = 0;

	sov_attr_list(text, &list);
	for (p = list.ptr, end = list.ptr + list.len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			abort();	/* every listed pattern ends its line */
		if ((size_t)(eol - p) == n && !memcmp(p, pattern, n))
			found = 1;
		p = eol + 1;
	}
	sov_buf_release(&list);
	return found;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t plen = nl ? (size_t)(nl - (const char *)data) : size;
	struct sov_buf pattern = SOV_BUF_INIT, text = SOV_BUF_INIT, orig = SOV_BUF_INIT;
	int added, removed;

	sov_buf_add(&pattern, data, plen);
	if (strlen(pattern.ptr) != plen)
		goto out;	/* a C string cannot hold a NUL */
	if (nl)
		sov_buf_add(&text, nl + 1, size - plen - 1);
	sov_buf_add(&orig, text.ptr, text.len);

	if (sov_attr_check_pattern(pattern.ptr) < 0) {
		if (sov_attr_track(&text, pattern.ptr) != -1 ||
		    text.len != orig.len || memcmp(text.ptr, orig.ptr, orig.len))
			abort();
		goto out;
	}
	if (strpbrk(pattern.ptr, " \t\r\n\"") || pattern.ptr[0] == '#' || pattern.ptr[0] == '!')
		abort();

	added = sov_attr_track(&text, pattern.ptr);
	if (added < 0 || !listed(&text, pattern.ptr))
		abort();
	if (sov_attr_track(&text, pattern.ptr) != 0)
		abort();
	removed = sov_attr_untrack(&text, pattern.ptr);
	if (removed < 1 || listed(&text, pattern.ptr))
		abort();
	if (added) {
		if (orig.len && orig.ptr[orig.len - 1] != '\n')
			sov_buf_addch(&orig, '\n');
		if (removed != 1 || text.len != orig.len || memcmp(text.ptr, orig.ptr, orig.len))
			abort();
	}
out:
	sov_buf_release(&pattern);
	sov_buf_release(&text);
	sov_buf_release(&orig);
	return 0;
}
