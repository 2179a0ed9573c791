/*
 * osquote.c - the Windows command-line quoting, portable so that every
 * build tests it; see src/os/osproc.h.
 */
#include "osproc.h"

#include <string.h>

void sov_os_quote_arg(struct sov_buf *cmdline, const char *arg)
{
	const char *p;

	if (cmdline->len)
		sov_buf_addch(cmdline, ' ');
	if (*arg && !strpbrk(arg, " \t\n\v\"")) {
		sov_buf_addstr(cmdline, arg);
		return;
	}
	sov_buf_addch(cmdline, '"');
	for (p = arg;; p++) {
		size_t n = 0;

		while (*p == '\\') {
			n++;
			p++;
		}
		if (!*p) {
			/* Before the closing quote: each backslash doubled. */
			while (n--)
				sov_buf_add(cmdline, "\\\\", 2);
			break;
		}
		if (*p == '"') {
			/* Doubled, and one more to escape the quote. */
			while (n--)
				sov_buf_add(cmdline, "\\\\", 2);
			sov_buf_add(cmdline, "\\\"", 2);
			continue;
		}
		/* Backslashes before anything else stand for themselves. */
		while (n--)
			sov_buf_addch(cmdline, '\\');
		sov_buf_addch(cmdline, *p);
	}
	sov_buf_addch(cmdline, '"');
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

size_t sov_os_split_cmdline(const char *cmdline, struct sov_buf *args)
{
	const char *p = cmdline;
	size_t count = 0;

	/* The program name: up to the next quote if quoted, else a blank. */
	if (*p == '"') {
		const char *end = strchr(++p, '"');

		if (!end)
			end = p + strlen(p);
		sov_buf_add(args, p, (size_t)(end - p));
		p = *end ? end + 1 : end;
	} else {
		while (*p && !is_blank(*p))
			sov_buf_addch(args, *p++);
	}
	sov_buf_addch(args, '\0');
	count++;
	for (;;) {
		int quoted = 0;

		while (is_blank(*p))
			p++;
		if (!*p)
			break;
		while (*p && (quoted || !is_blank(*p))) {
			size_t n = 0;

			while (*p == '\\') {
				n++;
				p++;
			}
			if (*p == '"') {
				for (size_t i = 0; i < n / 2; i++)
					sov_buf_addch(args, '\\');
				if (n % 2) {
					sov_buf_addch(args, '"');
				} else if (quoted && p[1] == '"') {
					/* "" inside quotes: a literal quote */
					sov_buf_addch(args, '"');
					p++;
				} else {
					quoted = !quoted;
				}
				p++;
				continue;
			}
			while (n--)
				sov_buf_addch(args, '\\');
			if (*p && (quoted || !is_blank(*p)))
				sov_buf_addch(args, *p++);
		}
		sov_buf_addch(args, '\0');
		count++;
	}
	return count;
}
