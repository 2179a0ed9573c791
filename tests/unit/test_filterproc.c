/*
 * Unit tests for src/filter/filterproc.c: whole conversations of Git's
 * long-running filter protocol, written as Git writes them (pkt-lines in an
 * unlinked temporary file, sov_os_open_tmpfile) and the answer read back
 * packet by packet.
 */
#include "tap.h"
#include <git2.h>
#include "error.h"
#include "filterproc.h"
#include "frame.h"
#include "osfs.h"
#include "pktline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Git's side of a conversation. */
static void pkt(struct sov_buf *b, const void *data, size_t len)
{
	sov_buf_addf(b, "%04zx", len + 4);
	sov_buf_add(b, data, len);
}

static void line(struct sov_buf *b, const char *text)
{
	char tmp[256];

	snprintf(tmp, sizeof(tmp), "%s\n", text);
	pkt(b, tmp, strlen(tmp));
}

static void flush(struct sov_buf *b)
{
	sov_buf_addstr(b, "0000");
}

static void handshake(struct sov_buf *b, int smudge)
{
	line(b, "git-filter-client");
	line(b, "version=2");
	flush(b);
	line(b, "capability=clean");
	if (smudge)
		line(b, "capability=smudge");
	flush(b);
}

/* One request: command, pathname, content in packets of at most 65516 bytes. */
static void request(struct sov_buf *b, const char *cmd, const char *path,
		    const struct sov_buf *content)
{
	char tmp[256];
	size_t off;

	snprintf(tmp, sizeof(tmp), "command=%s", cmd);
	line(b, tmp);
	snprintf(tmp, sizeof(tmp), "pathname=%s", path);
	line(b, tmp);
	flush(b);
	for (off = 0; off < content->len; off += SOV_PKT_MAX_PAYLOAD) {
		size_t n = content->len - off;

		pkt(b, content->ptr + off, n < SOV_PKT_MAX_PAYLOAD ? n : SOV_PKT_MAX_PAYLOAD);
	}
	flush(b);
}

struct answer {
	struct sov_pkt_reader *r;
	int in, out;
	int ret;
	size_t failures;
	char message[512];
};

static void count_failure(void *ctx)
{
	struct answer *a = ctx;

	a->failures++;
	snprintf(a->message, sizeof(a->message), "%s", sov_error_last());
}

/* Serve `conv`; the answer is then read with next(). */
static void serve(struct answer *a, const struct sov_buf *conv)
{
	struct sov_filterproc_opts opts = { count_failure, a, NULL };

	a->in = sov_os_open_tmpfile("sovsync-test-git");
	a->out = sov_os_open_tmpfile("sovsync-test-filter");
	if (a->in < 0 || a->out < 0)
		abort();
	a->failures = 0;
	a->message[0] = '\0';
	if (write(a->in, conv->ptr, conv->len) != (ssize_t)conv->len)
		abort();
	lseek(a->in, 0, SEEK_SET);
	sov_error_clear();
	a->ret = sov_filterproc_serve(a->in, a->out, &opts);
	lseek(a->out, 0, SEEK_SET);
	sov_pkt_reader_init(a->r, a->out, "answer");
}

static void done(struct answer *a)
{
	close(a->in);
	close(a->out);
}

/* The next packet of the answer as text: the line, "FLUSH" or "EOF". */
static const char *next(struct answer *a)
{
	enum sov_pkt_status st = sov_pkt_read_line(a->r);

	return st == SOV_PKT_DATA ? a->r->data : st == SOV_PKT_FLUSH ? "FLUSH" :
		st == SOV_PKT_EOF ? "EOF" : "ERROR";
}

/* The content of an answer, up to its flush, into `out`. */
static int content(struct answer *a, struct sov_buf *out)
{
	enum sov_pkt_status st;

	sov_buf_reset(out);
	while ((st = sov_pkt_read(a->r)) == SOV_PKT_DATA)
		sov_buf_add(out, a->r->data, a->r->len);
	return st == SOV_PKT_FLUSH ? 0 : -1;
}

static int greeting(struct answer *a, int smudge)
{
	return !strcmp(next(a), "git-filter-server") && !strcmp(next(a), "version=2") &&
	       !strcmp(next(a), "FLUSH") && !strcmp(next(a), "capability=clean") &&
	       (!smudge || !strcmp(next(a), "capability=smudge")) && !strcmp(next(a), "FLUSH");
}

int main(void)
{
	struct answer a = { 0 };
	struct sov_buf conv = SOV_BUF_INIT, plain = SOV_BUF_INIT, stored = SOV_BUF_INIT;
	struct sov_buf got = SOV_BUF_INIT, bad = SOV_BUF_INIT, empty = SOV_BUF_INIT;
	size_t i;

	git_libgit2_init();
	setenv("SOVSYNC_FILTER_THREADS", "2", 1);
	a.r = sov_malloc(sizeof(*a.r));
	/* 1.2 MiB of varied text: above the default minSize, many packets and chunks. */
	for (i = 0; plain.len < 1200 * 1024; i++)
		sov_buf_addf(&plain, "line %zu of a large document, %zu\n", i, i * 7919 % 1000);

	/* Clean: the stored form comes back after status=success. */
	handshake(&conv, 1);
	request(&conv, "clean", "shared/big.txt", &plain);
	serve(&a, &conv);
	is_int(a.ret, 0, "clean conversation ends cleanly");
	ok(greeting(&a, 1), "greeting, version 2, both capabilities");
	ok(!strcmp(next(&a), "status=success") && !strcmp(next(&a), "FLUSH"), "status=success");
	ok(content(&a, &stored) == 0 && sov_frame_is_encoded(stored.ptr, stored.len),
	   "the stored form, in frames (%zu bytes)", stored.len);
	ok(!strcmp(next(&a), "FLUSH") && !strcmp(next(&a), "EOF"), "status kept, then the end");
	done(&a);

	/*
	 * Smudge it back, then a damaged stored form (cut in half): that file
	 * gets status=error after its content's flush, and the next file is
	 * still served.
	 */
	sov_buf_reset(&conv);
	handshake(&conv, 1);
	request(&conv, "smudge", "shared/big.txt", &stored);
	sov_buf_add(&bad, stored.ptr, stored.len / 2);
	request(&conv, "smudge", "shared/bad.bin", &bad);
	request(&conv, "clean", "shared/empty", &empty);
	serve(&a, &conv);
	is_int(a.ret, 0, "smudge conversation ends cleanly");
	ok(greeting(&a, 1), "greeting");
	ok(!strcmp(next(&a), "status=success") && !strcmp(next(&a), "FLUSH") &&
	   content(&a, &got) == 0 && got.len == plain.len &&
	   !memcmp(got.ptr, plain.ptr, plain.len) && !strcmp(next(&a), "FLUSH"),
	   "smudge gives the file back byte for byte");
	ok(!strcmp(next(&a), "status=success") && !strcmp(next(&a), "FLUSH") &&
	   content(&a, &got) == 0 && !strcmp(next(&a), "status=error") &&
	   !strcmp(next(&a), "FLUSH"),
	   "a damaged stored form: status=error after the content's flush");
	is_int(a.failures, 1, "the failure is handed to the program once");
	ok(!strncmp(a.message, "shared/bad.bin: ", 16), "naming the path (%s)", a.message);
	ok(!strcmp(next(&a), "status=success") && !strcmp(next(&a), "FLUSH") &&
	   content(&a, &got) == 0 && !strcmp(next(&a), "FLUSH"), "the next file is served");
	is_str(next(&a), "EOF", "then the end");
	done(&a);

	/* A command Git was not offered: status=abort, the conversation goes on. */
	sov_buf_reset(&conv);
	handshake(&conv, 0);
	request(&conv, "smudge", "shared/big.txt", &stored);
	request(&conv, "clean", "shared/x", &plain);
	serve(&a, &conv);
	is_int(a.ret, 0, "clean end");
	ok(greeting(&a, 0), "only clean is announced when only clean is offered");
	ok(!strcmp(next(&a), "status=abort") && !strcmp(next(&a), "FLUSH"),
	   "smudge not negotiated: status=abort");
	ok(!strcmp(next(&a), "status=success"), "the next request is served");
	done(&a);

	/* Protocol errors end the conversation with a message. */
	sov_buf_reset(&conv);
	line(&conv, "git-filter-client");
	line(&conv, "version=1");
	flush(&conv);
	serve(&a, &conv);
	ok(a.ret < 0 && strstr(sov_error_last(), "version 2"), "no version 2: refused (%s)",
	   sov_error_last());
	done(&a);

	sov_buf_reset(&conv);
	handshake(&conv, 1);
	line(&conv, "command=clean");
	line(&conv, "pathname=shared/cut");
	serve(&a, &conv);
	ok(a.ret < 0 && strstr(sov_error_last(), "end of stream inside a request"),
	   "Git gone inside a request: error (%s)", sov_error_last());
	done(&a);

	sov_buf_reset(&conv);
	handshake(&conv, 1);
	line(&conv, "pathname=shared/x");
	serve(&a, &conv);
	ok(a.ret < 0 && strstr(sov_error_last(), "expected 'command='"),
	   "a request without a command: error (%s)", sov_error_last());
	done(&a);

	sov_buf_reset(&conv);
	handshake(&conv, 1);
	sov_buf_addstr(&conv, "zzzz");
	serve(&a, &conv);
	ok(a.ret < 0, "a malformed packet length: error (%s)", sov_error_last());
	done(&a);

	sov_buf_reset(&conv);
	serve(&a, &conv);
	ok(a.ret < 0 && !strcmp(next(&a), "EOF"), "an empty stream: error, nothing answered");
	done(&a);

	sov_error_clear();
	free(a.r);
	sov_buf_release(&conv);
	sov_buf_release(&plain);
	sov_buf_release(&stored);
	sov_buf_release(&got);
	sov_buf_release(&bad);
	return done_testing();
}
