/*
 * buf.c - growable byte buffer; see buf.h.
 */
#include "buf.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "osfs.h"

char sov_buf__empty[1];

static void die_oom(size_t size)
{
	/* sov_warn formats on the stack: it needs no memory. */
	sov_warn("out of memory (allocating %zu bytes)", size);
	abort();
}

void *sov_malloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		die_oom(size);
	return p;
}

void *sov_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die_oom(n * size);
	return p;
}

void *sov_realloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		die_oom(size);
	return p;
}

char *sov_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(sov_malloc(n), s, n);
}

void sov_buf_init(struct sov_buf *buf, size_t hint)
{
	buf->ptr = sov_buf__empty;
	buf->len = 0;
	buf->alloc = 0;
	if (hint)
		sov_buf_grow(buf, hint);
}

void sov_buf_release(struct sov_buf *buf)
{
	if (buf->alloc)
		free(buf->ptr);
	sov_buf_init(buf, 0);
}

void sov_buf_grow(struct sov_buf *buf, size_t extra)
{
	size_t want;

	if (extra > SIZE_MAX - buf->len - 1)
		die_oom(SIZE_MAX);
	want = buf->len + extra + 1;
	if (want <= buf->alloc)
		return;
	if (want < buf->alloc + buf->alloc / 2)
		want = buf->alloc + buf->alloc / 2;
	if (want < 64)
		want = 64;
	if (!buf->alloc) {
		buf->ptr = sov_malloc(want);
		buf->ptr[0] = '\0';
	} else {
		buf->ptr = sov_realloc(buf->ptr, want);
	}
	buf->alloc = want;
}

void sov_buf_setlen(struct sov_buf *buf, size_t len)
{
	if (!buf->alloc) {
		/* Only 0 is valid for a buffer that owns nothing. */
		buf->len = 0;
		return;
	}
	buf->len = len < buf->alloc ? len : buf->alloc - 1;
	buf->ptr[buf->len] = '\0';
}

void sov_buf_add(struct sov_buf *buf, const void *data, size_t len)
{
	if (!len)
		return;
	sov_buf_grow(buf, len);
	memcpy(buf->ptr + buf->len, data, len);
	buf->len += len;
	buf->ptr[buf->len] = '\0';
}

void sov_buf_addstr(struct sov_buf *buf, const char *s)
{
	sov_buf_add(buf, s, strlen(s));
}

void sov_buf_addch(struct sov_buf *buf, int c)
{
	char ch = (char)c;
	sov_buf_add(buf, &ch, 1);
}

void sov_buf_vaddf(struct sov_buf *buf, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	sov_buf_grow(buf, 64);
	va_copy(cp, ap);
	n = vsnprintf(buf->ptr + buf->len, buf->alloc - buf->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= buf->alloc - buf->len) {
		sov_buf_grow(buf, (size_t)n);
		va_copy(cp, ap);
		n = vsnprintf(buf->ptr + buf->len, buf->alloc - buf->len, fmt, cp);
		va_end(cp);
	}
	buf->len += (size_t)n;
}

void sov_buf_addf(struct sov_buf *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sov_buf_vaddf(buf, fmt, ap);
	va_end(ap);
}

void sov_buf_remove(struct sov_buf *buf, size_t pos, size_t len)
{
	if (pos > buf->len)
		return;
	if (len > buf->len - pos)
		len = buf->len - pos;
	memmove(buf->ptr + pos, buf->ptr + pos + len, buf->len - pos - len);
	sov_buf_setlen(buf, buf->len - len);
}

void sov_buf_rtrim(struct sov_buf *buf)
{
	size_t n = buf->len;

	while (n && (buf->ptr[n - 1] == ' ' || buf->ptr[n - 1] == '\t' ||
		     buf->ptr[n - 1] == '\n' || buf->ptr[n - 1] == '\r'))
		n--;
	sov_buf_setlen(buf, n);
}

char *sov_buf_detach(struct sov_buf *buf, size_t *len)
{
	char *p;

	if (!buf->alloc)
		sov_buf_grow(buf, 0);
	p = buf->ptr;
	if (len)
		*len = buf->len;
	sov_buf_init(buf, 0);
	return p;
}

int sov_buf_read_fd(struct sov_buf *buf, int fd, const char *what)
{
	for (;;) {
		ssize_t n;

		sov_buf_grow(buf, 65536);
		n = read(fd, buf->ptr + buf->len, buf->alloc - buf->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return sov_error_errno("%s: read failed", what);
		}
		if (n == 0)
			break;
		buf->len += (size_t)n;
	}
	buf->ptr[buf->len] = '\0';
	return 0;
}

int sov_buf_read_file(struct sov_buf *buf, const char *path)
{
	int fd = sov_os_open(path, O_RDONLY, 0);
	int ret;

	if (fd < 0)
		return sov_error_errno("%s: cannot open", path);
	ret = sov_buf_read_fd(buf, fd, path);
	close(fd);
	return ret;
}
