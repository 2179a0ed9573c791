/*
 * Fuzz target: the pkt-line reader of Git's long-running filter protocol
 * (src/util/pktline.c), fed the fuzz input as the byte stream Git would send.
 * Crash target, plus a round trip: the payloads the reader accepts,
 * written again by the writer (data packets and flushes), read back as the
 * same sequence of payloads and flushes.  The stream lives in a memfd so the
 * reader's own read(2) path, short reads excepted, is the one exercised.
 */
#include "buf.h"
#include "pktline.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd_with(const void *data, size_t size)
{
	int fd = memfd_create("pkt", 0);

	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

/*
 * Read every packet of `fd` into `log`: "D<len>:" + payload for data,
 * "F" for a flush.  Returns the final status (EOF or ERROR).
 */
static enum sov_pkt_status read_all(struct sov_pkt_reader *r, int fd, struct sov_buf *log,
				    int lines)
{
	enum sov_pkt_status st;

	sov_pkt_reader_init(r, fd, "fuzz");
	for (;;) {
		st = lines ? sov_pkt_read_line(r) : sov_pkt_read(r);
		if (st == SOV_PKT_ERROR || st == SOV_PKT_EOF)
			return st;
		if (st == SOV_PKT_FLUSH) {
			sov_buf_addch(log, 'F');
			continue;
		}
		if (r->len > SOV_PKT_MAX_PAYLOAD || r->data[r->len] != '\0')
			abort();
		sov_buf_addf(log, "D%zu:", r->len);
		sov_buf_add(log, r->data, r->len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sov_pkt_reader *r = sov_malloc(sizeof(*r));
	struct sov_pkt_writer *w = sov_malloc(sizeof(*w));
	struct sov_buf log = SOV_BUF_INIT, expect = SOV_BUF_INIT, back = SOV_BUF_INIT;
	int in = memfd_with(data, size), out;
	const char *p, *end;

	/* Line mode only strips a newline: exercise it, then raw mode. */
	read_all(r, in, &log, 1);
	sov_buf_reset(&log);
	lseek(in, 0, SEEK_SET);
	read_all(r, in, &log, 0);
	close(in);

	/*
	 * Write back what was read.  Git never sends an empty data packet
	 * ("0004") in this protocol and the writer never produces one, so the
	 * expected log leaves them out.
	 */
	out = memfd_create("pkt-out", 0);
	if (out < 0)
		abort();
	sov_pkt_writer_init(w, out, "fuzz-out");
	for (p = log.ptr, end = log.ptr + log.len; p < end;) {
		if (*p == 'F') {
			if (sov_pkt_flush(w) < 0)
				abort();
			sov_buf_addch(&expect, 'F');
			p++;
		} else {
			char *colon;
			size_t n = strtoul(p + 1, &colon, 10);

			if (n && sov_pkt_write_data(w, colon + 1, n) < 0)
				abort();
			if (n)
				sov_buf_add(&expect, p, (size_t)(colon + 1 - p) + n);
			p = colon + 1 + n;
		}
	}
	/* Data queued after the last flush goes out with one more flush. */
	if (w->len) {
		if (sov_pkt_flush(w) < 0)
			abort();
		sov_buf_addch(&expect, 'F');
	}
	lseek(out, 0, SEEK_SET);
	if (read_all(r, out, &back, 0) != SOV_PKT_EOF)
		abort();
	if (back.len != expect.len || memcmp(back.ptr, expect.ptr, back.len))
		abort();
	close(out);
	sov_buf_release(&log);
	sov_buf_release(&expect);
	sov_buf_release(&back);
	free(r);
	free(w);
	return 0;
}
