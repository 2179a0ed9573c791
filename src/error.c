/*
 * error.c - per-thread last error; see error.h.
 */
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <git2.h>

#define SOV_ERROR_MAX 4096

static _Thread_local char last_msg[SOV_ERROR_MAX];
static _Thread_local int has_msg;

static void vset(const char *suffix, const char *fmt, va_list ap)
{
	size_t n;

	vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	if (suffix) {
		n = strlen(last_msg);
		snprintf(last_msg + n, sizeof(last_msg) - n, ": %s", suffix);
	}
	has_msg = 1;
}

int sov_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int sov_error_errno(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vset(strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
	return -1;
}

int sov_error_git(const char *fmt, ...)
{
	const git_error *e = git_error_last();
	va_list ap;

	va_start(ap, fmt);
	vset(e && e->message ? e->message : "unknown libgit2 error", fmt, ap);
	va_end(ap);
	return -1;
}

/* Append `s` to the string of length `n` in `dst`, cut to fit; the new length. */
static size_t append(char *dst, size_t size, size_t n, const char *s)
{
	size_t len = strlen(s);

	if (len > size - 1 - n)
		len = size - 1 - n;
	memcpy(dst + n, s, len);
	dst[n + len] = '\0';
	return n + len;
}

int sov_error_prefix(const char *fmt, ...)
{
	/*
	 * Formatted on the stack, not in a struct sov_buf: the buffer module
	 * reports its own errors through this one, so this one stays below it.
	 */
	char msg[SOV_ERROR_MAX];
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Keep the front (the context) when the whole does not fit. */
	n = strlen(msg);
	n = append(msg, sizeof(msg), n, ": ");
	append(msg, sizeof(msg), n, sov_error_last());
	memcpy(last_msg, msg, sizeof(msg));
	has_msg = 1;
	return -1;
}

const char *sov_error_last(void)
{
	return has_msg ? last_msg : "unknown error";
}

int sov_error_isset(void)
{
	return has_msg;
}

void sov_error_clear(void)
{
	has_msg = 0;
	last_msg[0] = '\0';
}

void sov_error_report(void)
{
	fprintf(stderr, "sovsync: %s\n", sov_error_last());
	sov_error_clear();
}

void sov_warn(const char *fmt, ...)
{
	char msg[SOV_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "sovsync: %s\n", msg);
}
