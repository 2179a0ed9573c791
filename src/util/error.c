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
static _Thread_local enum sov_error_code last_code;

static void vset(enum sov_error_code code, const char *suffix, const char *fmt, va_list ap)
{
	size_t n;

	vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	if (suffix) {
		n = strlen(last_msg);
		snprintf(last_msg + n, sizeof(last_msg) - n, ": %s", suffix);
	}
	has_msg = 1;
	last_code = code;
}

int sov_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(SOV_EGENERIC, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int sov_error_set(enum sov_error_code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(code == SOV_OK ? SOV_EGENERIC : code, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

static enum sov_error_code errno_code(int err)
{
	switch (err) {
	case ENOENT:
	case ENOTDIR:
		return SOV_ENOTFOUND;
	case EEXIST:
		return SOV_EEXISTS;
	case ELOOP:
		return SOV_EUNSAFE;
	default:
		return SOV_EIO;
	}
}

int sov_error_errno(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vset(errno_code(saved), strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
	return -1;
}

int sov_error_git(const char *fmt, ...)
{
	const git_error *e = git_error_last();
	va_list ap;

	va_start(ap, fmt);
	vset(SOV_EGENERIC, e && e->message ? e->message : "unknown libgit2 error", fmt, ap);
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
	if (!has_msg)
		last_code = SOV_EGENERIC;
	has_msg = 1;
	return -1;
}

const char *sov_error_last(void)
{
	return has_msg ? last_msg : "unknown error";
}

enum sov_error_code sov_error_code(void)
{
	return has_msg ? last_code : SOV_OK;
}

const char *sov_error_code_name(enum sov_error_code code)
{
	switch (code) {
	case SOV_OK: return "OK";
	case SOV_EGENERIC: return "EGENERIC";
	case SOV_ENOTFOUND: return "ENOTFOUND";
	case SOV_EEXISTS: return "EEXISTS";
	case SOV_ELOCKED: return "ELOCKED";
	case SOV_EINVALID: return "EINVALID";
	case SOV_ESHAPE: return "ESHAPE";
	case SOV_ECONFLICT: return "ECONFLICT";
	case SOV_EIO: return "EIO";
	case SOV_EUNSAFE: return "EUNSAFE";
	}
	return "E?";
}

int sov_error_isset(void)
{
	return has_msg;
}

void sov_error_clear(void)
{
	has_msg = 0;
	last_code = SOV_OK;
	last_msg[0] = '\0';
}

/* Set once by the program before any thread starts; see error.h. */
static sov_warn_fn warn_routine;

void sov_warn_set_routine(sov_warn_fn fn)
{
	warn_routine = fn;
}

void sov_warn(const char *fmt, ...)
{
	char msg[SOV_ERROR_MAX];
	va_list ap;

	if (!warn_routine)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn_routine(msg);
}
