/* Unit tests for src/util/pktline.c over pipes. */
#include "tap.h"
#include "buf.h"
#include "error.h"
#include "pktline.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

/* A line, a flush, `content` as data, a flush; then the pipe closed. */
struct writer_job {
	struct sov_pkt_writer *w;
	const struct sov_buf *content;
	int status;	/* 0 when every write succeeded */
};

static void *write_packets(void *arg)
{
	struct writer_job *job = arg;

	job->status = sov_pkt_write_line(job->w, "status=%s", "success") ||
		sov_pkt_flush(job->w) ||
		sov_pkt_write_data(job->w, job->content->ptr, job->content->len) ||
		sov_pkt_flush(job->w) ? 1 : 0;
	close(job->w->fd);
	return NULL;
}

/* A reader over the bytes `s` (written to a pipe and closed). */
static struct sov_pkt_reader *reader_of(const void *s, size_t len)
{
	struct sov_pkt_reader *r = sov_malloc(sizeof(*r));
	int fds[2];

	if (pipe(fds) < 0)
		abort();
	if (write(fds[1], s, len) != (ssize_t)len)
		abort();
	close(fds[1]);
	sov_pkt_reader_init(r, fds[0], "test stream");
	return r;
}

static void reader_free(struct sov_pkt_reader *r)
{
	close(r->fd);
	free(r);
}

int main(void)
{
	struct sov_pkt_writer *w = sov_malloc(sizeof(*w));
	struct sov_pkt_reader *r;
	struct sov_buf big = SOV_BUF_INIT, got = SOV_BUF_INIT;
	int fds[2];
	size_t i;
	struct writer_job wjob = { NULL, NULL, -1 };
	pthread_t writer;

	r = reader_of("000ahello\n0000", 14);
	is_int(sov_pkt_read_line(r), SOV_PKT_DATA, "a text packet");
	is_str(r->data, "hello", "its LF is stripped");
	is_int(sov_pkt_read(r), SOV_PKT_FLUSH, "a flush packet");
	is_int(sov_pkt_read(r), SOV_PKT_EOF, "a clean end of stream");
	reader_free(r);

	r = reader_of("0004", 4);
	is_int(sov_pkt_read(r), SOV_PKT_DATA, "an empty data packet");
	is_int(r->len, 0, "... has no payload");
	reader_free(r);

	r = reader_of("00x1", 4);
	is_int(sov_pkt_read(r), SOV_PKT_ERROR, "a non-hex length");
	is_str(sov_error_last(), "test stream: packet length '00x1' is not hex", "... is named");
	reader_free(r);

	r = reader_of("0001", 4);
	is_int(sov_pkt_read(r), SOV_PKT_ERROR, "a delim packet is not part of the protocol");
	reader_free(r);

	r = reader_of("fff1", 4);
	is_int(sov_pkt_read(r), SOV_PKT_ERROR, "a packet longer than 65520 bytes");
	is_str(sov_error_last(), "test stream: invalid packet length fff1", "... is named");
	reader_free(r);

	r = reader_of("0010abc", 7);
	is_int(sov_pkt_read(r), SOV_PKT_ERROR, "a packet cut short");
	ok(strstr(sov_error_last(), "truncated packet") != NULL, "... is truncated");
	reader_free(r);

	r = reader_of("00", 2);
	is_int(sov_pkt_read(r), SOV_PKT_ERROR, "a cut length");
	reader_free(r);

	r = reader_of("0009right0000", 13);
	ok(sov_pkt_expect_line(r, "wrong") < 0 &&
	   !strcmp(sov_error_last(), "test stream: expected 'wrong', got 'right'"),
	   "expect_line names both lines");
	ok(sov_pkt_expect_line(r, "x") < 0 && strstr(sov_error_last(), "flush packet"),
	   "expect_line on a flush");
	reader_free(r);

	/* Writer -> reader round trip of content across packet limits. */
	for (i = 0; i < 200000; i++)
		sov_buf_addch(&big, (int)(i * 7 % 251));
	if (pipe(fds) < 0)
		abort();
	/* The writer runs in a thread (Windows has no fork): a pipe holds
	 * less than the content. */
	sov_pkt_writer_init(w, fds[1], "test out");
	wjob.w = w;
	wjob.content = &big;
	ok(pthread_create(&writer, NULL, write_packets, &wjob) == 0, "a writer");
	r = sov_malloc(sizeof(*r));
	sov_pkt_reader_init(r, fds[0], "test in");
	ok(!sov_pkt_expect_line(r, "status=success"), "the line arrives");
	is_int(sov_pkt_read(r), SOV_PKT_FLUSH, "then the flush");
	{
		enum sov_pkt_status st;
		size_t maxlen = 0;

		while ((st = sov_pkt_read(r)) == SOV_PKT_DATA) {
			if (r->len > maxlen)
				maxlen = r->len;
			sov_buf_add(&got, r->data, r->len);
		}
		is_int(st, SOV_PKT_FLUSH, "content ends with a flush");
		is_int(maxlen, SOV_PKT_MAX_PAYLOAD, "packets are as large as allowed");
	}
	ok(got.len == big.len && !memcmp(got.ptr, big.ptr, big.len), "content arrives intact");
	is_int(sov_pkt_read(r), SOV_PKT_EOF, "then the end");
	reader_free(r);
	pthread_join(writer, NULL);
	is_int(wjob.status, 0, "the writer succeeded");

	sov_buf_release(&big);
	sov_buf_release(&got);
	free(w);
	return done_testing();
}
