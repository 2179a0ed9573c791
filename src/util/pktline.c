/*
 * pktline.c - pkt-line reader and writer; see pktline.h.
 */
#include "pktline.h"
#include "hash.h"
#include "error.h"
#include "fs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void sov_pkt_reader_init(struct sov_pkt_reader *r, int fd, const char *what)
{
	r->fd = fd;
	r->what = what;
	r->len = 0;
	r->data[0] = '\0';
	r->pos = r->end = 0;
}

void sov_pkt_writer_init(struct sov_pkt_writer *w, int fd, const char *what)
{
	w->fd = fd;
	w->what = what;
	w->len = 0;
}

/*
 * Make `want` bytes available at r->in + r->pos.  Returns 1, 0 on EOF with
 * nothing buffered, or -1 (EOF with a partial packet is "truncated").
 */
static int fill(struct sov_pkt_reader *r, size_t want)
{
	if (r->end - r->pos >= want)
		return 1;
	if (r->pos) {
		memmove(r->in, r->in + r->pos, r->end - r->pos);
		r->end -= r->pos;
		r->pos = 0;
	}
	while (r->end < want) {
		ssize_t n = read(r->fd, r->in + r->end, sizeof(r->in) - r->end);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return sov_error_errno("%s: read failed", r->what);
		}
		if (n == 0) {
			if (r->end == 0)
				return 0;
			return sov_error("%s: truncated packet (stream ended after %zu of %zu bytes)",
					 r->what, r->end, want);
		}
		r->end += (size_t)n;
	}
	return 1;
}

enum sov_pkt_status sov_pkt_read(struct sov_pkt_reader *r)
{
	const char *h;
	size_t len = 0;
	int i, got;

	got = fill(r, 4);
	if (got < 0)
		return SOV_PKT_ERROR;
	if (got == 0)
		return SOV_PKT_EOF;
	h = r->in + r->pos;
	for (i = 0; i < 4; i++) {
		int v = sov_hex_digit((unsigned char)h[i]);

		if (v < 0) {
			sov_error("%s: packet length '%.4s' is not hex", r->what, h);
			return SOV_PKT_ERROR;
		}
		len = len * 16 + (size_t)v;
	}
	if (len == 0) {
		r->pos += 4;
		r->len = 0;
		return SOV_PKT_FLUSH;
	}
	if (len < 4 || len > SOV_PKT_MAX_LEN) {
		sov_error("%s: invalid packet length %04zx", r->what, len);
		return SOV_PKT_ERROR;
	}
	/* Four bytes are buffered, so fill() cannot report a clean EOF. */
	if (fill(r, len) < 0)
		return SOV_PKT_ERROR;
	r->len = len - 4;
	memcpy(r->data, r->in + r->pos + 4, r->len);
	r->data[r->len] = '\0';
	r->pos += len;
	return SOV_PKT_DATA;
}

enum sov_pkt_status sov_pkt_read_line(struct sov_pkt_reader *r)
{
	enum sov_pkt_status st = sov_pkt_read(r);

	if (st == SOV_PKT_DATA && r->len && r->data[r->len - 1] == '\n')
		r->data[--r->len] = '\0';
	return st;
}

int sov_pkt_expect_line(struct sov_pkt_reader *r, const char *expect)
{
	switch (sov_pkt_read_line(r)) {
	case SOV_PKT_ERROR:
		return -1;
	case SOV_PKT_FLUSH:
		return sov_error("%s: expected '%s', got a flush packet", r->what, expect);
	case SOV_PKT_EOF:
		return sov_error("%s: expected '%s', got end of stream", r->what, expect);
	case SOV_PKT_DATA:
		break;
	}
	if (strcmp(r->data, expect))
		return sov_error("%s: expected '%s', got '%.80s'", r->what, expect, r->data);
	return 0;
}

static int drain(struct sov_pkt_writer *w)
{
	if (sov_fs_write_all(w->fd, w->out, w->len, w->what) < 0)
		return -1;
	w->len = 0;
	return 0;
}

/* Append one packet with `len` bytes of payload; drains when full. */
static int put_packet(struct sov_pkt_writer *w, const void *data, size_t len)
{
	if (len > SOV_PKT_MAX_PAYLOAD)
		return sov_error("%s: packet payload of %zu bytes is too long", w->what, len);
	if (sizeof(w->out) - w->len < len + 4 && drain(w) < 0)
		return -1;
	snprintf(w->out + w->len, 5, "%04zx", len + 4);
	memcpy(w->out + w->len + 4, data, len);
	w->len += len + 4;
	return 0;
}

int sov_pkt_write_data(struct sov_pkt_writer *w, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		size_t n = len < SOV_PKT_MAX_PAYLOAD ? len : SOV_PKT_MAX_PAYLOAD;

		if (put_packet(w, p, n) < 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

int sov_pkt_write_line(struct sov_pkt_writer *w, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 1)
		return sov_error("%s: text packet too long", w->what);
	line[n++] = '\n';
	return put_packet(w, line, (size_t)n);
}

int sov_pkt_queue_flush(struct sov_pkt_writer *w)
{
	if (sizeof(w->out) - w->len < 4 && drain(w) < 0)
		return -1;
	memcpy(w->out + w->len, "0000", 4);
	w->len += 4;
	return 0;
}

int sov_pkt_flush(struct sov_pkt_writer *w)
{
	if (sov_pkt_queue_flush(w) < 0)
		return -1;
	return drain(w);
}
