/*
 * buf.h - growable byte buffer.
 *
 * A struct sov_buf owns a heap block of `alloc` bytes of which the first
 * `len` are in use.  The contents are always NUL-terminated (ptr[len] == 0),
 * so a buffer holding text can be passed to C string functions; binary data
 * with embedded NULs is fine too.  An initialised buffer that has never grown
 * points at a shared empty string and owns nothing, so SOV_BUF_INIT needs no
 * allocation and sov_buf_release() on it is a no-op.
 *
 * Allocation failure aborts the process (like Git's xmalloc): a filter or
 * merge driver cannot do anything useful without memory, and dying is safer
 * than writing half a file.  Everything else returns 0 / -1 and leaves a
 * message in sov_error_last().
 */
#ifndef SOV_BUF_H
#define SOV_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "oscompat.h"

struct sov_buf {
	char *ptr;
	size_t len;
	size_t alloc;
};

extern char sov_buf__empty[];
#define SOV_BUF_INIT { .ptr = sov_buf__empty, .len = 0, .alloc = 0 }

void sov_buf_init(struct sov_buf *buf, size_t hint);

/* Free the memory and reset to the empty state. */
void sov_buf_release(struct sov_buf *buf);

/* Make room for `extra` more bytes beyond len (plus the NUL). */
void sov_buf_grow(struct sov_buf *buf, size_t extra);

/* Set len (<= alloc - 1 after a grow) and terminate. */
void sov_buf_setlen(struct sov_buf *buf, size_t len);
static inline void sov_buf_reset(struct sov_buf *buf) { sov_buf_setlen(buf, 0); }

void sov_buf_add(struct sov_buf *buf, const void *data, size_t len);
void sov_buf_addstr(struct sov_buf *buf, const char *s);
void sov_buf_addch(struct sov_buf *buf, int c);
void sov_buf_addf(struct sov_buf *buf, const char *fmt, ...)
	SOV_PRINTF(2, 3);
void sov_buf_vaddf(struct sov_buf *buf, const char *fmt, va_list ap);

/* Remove `len` bytes at `pos`. */
void sov_buf_remove(struct sov_buf *buf, size_t pos, size_t len);

/* Strip trailing ASCII white space. */
void sov_buf_rtrim(struct sov_buf *buf);

/*
 * Hand the heap block to the caller, who frees it with free(); the buffer
 * is left empty.  Never returns NULL (an empty buffer yields a fresh "").
 */
char *sov_buf_detach(struct sov_buf *buf, size_t *len);

/*
 * Append everything readable from `fd` until EOF; retries on EINTR.
 * Returns 0, or -1 with a message naming `what`.
 */
int sov_buf_read_fd(struct sov_buf *buf, int fd, const char *what);

/* Append the whole file at `path`.  Returns 0 or -1 (message names path). */
int sov_buf_read_file(struct sov_buf *buf, const char *path);

/* Allocation helpers that die on failure, for the rest of the core. */
void *sov_malloc(size_t size);
void *sov_calloc(size_t n, size_t size);
void *sov_realloc(void *ptr, size_t size);
char *sov_strdup(const char *s);

/* Grow an array `ptr` of `alloc` elements so that it holds `n`. */
#define SOV_ALLOC_GROW(ptr, n, alloc) do { \
	if ((n) > (alloc)) { \
		size_t sov__a = (alloc) ? (alloc) : 8; \
		while (sov__a < (n)) \
			sov__a = sov__a + sov__a / 2 + 8; \
		(ptr) = sov_realloc((ptr), sov__a * sizeof(*(ptr))); \
		(alloc) = sov__a; \
	} \
} while (0)

#endif
