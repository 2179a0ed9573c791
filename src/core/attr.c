/*
 * attr.c - .gitattributes editing for track/untrack; see attr.h.
 */
#include "attr.h"
#include "error.h"

#include <string.h>

int sov_attr_check_pattern(const char *pattern)
{
	const char *p;

	if (!*pattern)
		return sov_error("empty pattern");
	if (*pattern == '#' || *pattern == '!')
		return sov_error("'%s': a pattern cannot start with '%c'", pattern, *pattern);
	for (p = pattern; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '"')
			return sov_error("'%s': patterns with spaces or quotes are not supported",
					 pattern);
	return 0;
}

/*
 * Whether the line [p, p + n) is a sovsync line for `pattern` (any pattern
 * when NULL); stores its pattern's extent in *pat, *patlen.
 */
static int is_sovsync_line(const char *p, size_t n, const char *pattern,
			   const char **pat, size_t *patlen)
{
	size_t i = 0, start;
	int first = 1, ours = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i == n || p[i] == '#')
		return 0;
	while (i < n) {
		start = i;
		while (i < n && p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			i++;
		if (first) {
			*pat = p + start;
			*patlen = i - start;
			first = 0;
		} else if (i - start == 14 && !memcmp(p + start, "filter=sovsync", 14)) {
			ours = 1;
		}
		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
			i++;
	}
	if (!ours)
		return 0;
	return !pattern || (strlen(pattern) == *patlen && !memcmp(pattern, *pat, *patlen));
}

int sov_attr_track(struct sov_buf *text, const char *pattern)
{
	const char *p = text->ptr, *end = text->ptr + text->len, *pat;
	size_t patlen;

	if (sov_attr_check_pattern(pattern) < 0)
		return -1;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);

		if (is_sovsync_line(p, n, pattern, &pat, &patlen))
			return 0;
		p += n + (eol ? 1 : 0);
	}
	if (text->len && text->ptr[text->len - 1] != '\n')
		sov_buf_addch(text, '\n');
	sov_buf_addf(text, "%s %s\n", pattern, SOV_ATTR_VALUE);
	return 1;
}

int sov_attr_untrack(struct sov_buf *text, const char *pattern)
{
	size_t pos = 0;
	int removed = 0;

	if (sov_attr_check_pattern(pattern) < 0)
		return -1;
	while (pos < text->len) {
		const char *p = text->ptr + pos, *pat;
		const char *eol = memchr(p, '\n', text->len - pos);
		size_t n = eol ? (size_t)(eol - p) : text->len - pos;
		size_t patlen;

		if (is_sovsync_line(p, n, pattern, &pat, &patlen)) {
			sov_buf_remove(text, pos, n + (eol ? 1 : 0));
			removed++;
		} else {
			pos += n + (eol ? 1 : 0);
		}
	}
	return removed;
}

void sov_attr_list(const struct sov_buf *text, struct sov_buf *out)
{
	const char *p = text->ptr, *end = text->ptr + text->len, *pat;
	size_t patlen;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);

		if (is_sovsync_line(p, n, NULL, &pat, &patlen)) {
			sov_buf_add(out, pat, patlen);
			sov_buf_addch(out, '\n');
		}
		p += n + (eol ? 1 : 0);
	}
}
