/*
 * filterproc.c - Git's long-running filter protocol; see filterproc.h.
 */
#include "filterproc.h"
#include "ctx.h"
#include "error.h"
#include "filter.h"
#include "pktline.h"
#include "rawobj.h"
#include "spool.h"
#include "trace.h"

#include <stdlib.h>
#include <string.h>

struct session {
	struct sov_pkt_reader *in;
	struct sov_pkt_writer *out;
	struct sov_filter filter;	/* codecs reused for every file */
	int can_clean, can_smudge;
	const struct sov_filterproc_opts *opts;
	struct sov_rawobj *raw;		/* NULL until needed, or unusable */
	int raw_tried;
};

static int handshake(struct session *s)
{
	int has_v2 = 0;
	enum sov_pkt_status st;

	if (sov_pkt_expect_line(s->in, "git-filter-client") < 0)
		return -1;
	while ((st = sov_pkt_read_line(s->in)) == SOV_PKT_DATA)
		if (!strcmp(s->in->data, "version=2"))
			has_v2 = 1;
	if (st != SOV_PKT_FLUSH)
		return st == SOV_PKT_ERROR ? -1 :
			sov_error("git filter protocol: end of stream in the handshake");
	if (!has_v2)
		return sov_error("git filter protocol: Git does not offer version 2");
	if (sov_pkt_write_line(s->out, "git-filter-server") < 0 ||
	    sov_pkt_write_line(s->out, "version=2") < 0 ||
	    sov_pkt_flush(s->out) < 0)
		return -1;

	while ((st = sov_pkt_read_line(s->in)) == SOV_PKT_DATA) {
		if (!strcmp(s->in->data, "capability=clean"))
			s->can_clean = 1;
		else if (!strcmp(s->in->data, "capability=smudge"))
			s->can_smudge = 1;
	}
	if (st != SOV_PKT_FLUSH)
		return st == SOV_PKT_ERROR ? -1 :
			sov_error("git filter protocol: end of stream in the capabilities");
	/* Answer with what both sides know; "delay" is not needed. */
	if ((s->can_clean && sov_pkt_write_line(s->out, "capability=clean") < 0) ||
	    (s->can_smudge && sov_pkt_write_line(s->out, "capability=smudge") < 0))
		return -1;
	return sov_pkt_flush(s->out);
}

static int write_packets(void *ctx, const void *data, size_t len)
{
	return sov_pkt_write_data(ctx, data, len);
}

static int reply_status(struct session *s, const char *status)
{
	if (sov_pkt_write_line(s->out, "status=%s", status) < 0)
		return -1;
	return sov_pkt_flush(s->out);
}

/*
 * Hand a failed file to the program (opts->file_failed), then tell Git
 * (after its content's flush).
 */
static int fail_file(struct session *s, const char *path, int after_content)
{
	sov_error_prefix("%s", path);
	if (s->opts && s->opts->file_failed)
		s->opts->file_failed(s->opts->ctx);
	sov_error_clear();
	if (after_content && sov_pkt_queue_flush(s->out) < 0)
		return -1;
	return reply_status(s, "error");
}

/*
 * Write a stored form as its blob before Git gets it, without deflate
 * (rawobj.h): Git then finds the object and does not compress it.
 * Anything that goes wrong only leaves the writing to Git.
 */
static void store_raw(struct session *s, struct sov_spool *spool, const char *path)
{
	git_oid id;
	int ret;

	if (spool->size < SOV_RAWOBJ_MIN_SIZE ||
	    !sov_frame_is_encoded(spool->mem.ptr, spool->mem.len))
		return;
	if (!s->raw_tried) {
		s->raw_tried = 1;
		if (s->opts && s->opts->repo_ctx)
			s->raw = sov_rawobj_new(s->opts->repo_ctx->repo);
	}
	if (!s->raw)
		return;
	ret = sov_rawobj_write_spool(s->raw, spool, &id);
	if (ret < 0)
		sov_trace("clean %s: left to Git: %s", path, sov_error_last());
	sov_error_clear();
}

/*
 * Serve one request.  Returns 0 (the request was answered, successfully
 * or not), 1 at a clean end of the stream, or -1 on a protocol error.
 *
 * Both operations spool the stored (compressed) form, the smaller one:
 * clean spools its output, smudge its input and decodes while it answers.
 * A smudge that finds damage midway ends the content with status=error,
 * which makes Git drop what it received (convert.c keeps the output only
 * on success).
 */
static int serve_one(struct session *s)
{
	struct sov_spool spool = SOV_SPOOL_INIT;
	struct sov_buf path = SOV_BUF_INIT;
	enum sov_filter_op op = SOV_FILTER_CLEAN;
	enum sov_pkt_status st;
	int known = 1, failed = 0, ret = -1;

	st = sov_pkt_read_line(s->in);
	if (st == SOV_PKT_EOF)
		return 1;
	if (st == SOV_PKT_ERROR)
		return -1;
	if (st != SOV_PKT_DATA || strncmp(s->in->data, "command=", 8))
		return sov_error("git filter protocol: expected 'command=', got %s",
				 st == SOV_PKT_FLUSH ? "a flush packet" : s->in->data);
	if (!strcmp(s->in->data + 8, "clean") && s->can_clean)
		op = SOV_FILTER_CLEAN;
	else if (!strcmp(s->in->data + 8, "smudge") && s->can_smudge)
		op = SOV_FILTER_SMUDGE;
	else
		known = 0;

	/* Metadata until a flush: pathname=, and ref=/treeish=/blob= we ignore. */
	while ((st = sov_pkt_read_line(s->in)) == SOV_PKT_DATA) {
		if (!strncmp(s->in->data, "pathname=", 9)) {
			sov_buf_reset(&path);
			sov_buf_addstr(&path, s->in->data + 9);
		}
	}
	if (st != SOV_PKT_FLUSH) {
		if (st != SOV_PKT_ERROR)
			sov_error("git filter protocol: end of stream inside a request");
		goto done;
	}

	/* The content, to its flush; after a failure it is read and dropped. */
	if (op == SOV_FILTER_CLEAN) {
		sov_filter_start(&s->filter, op, sov_spool_write, &spool);
		sov_filter_show_progress(&s->filter, path.ptr, 0);
	}
	while ((st = sov_pkt_read(s->in)) == SOV_PKT_DATA) {
		if (!known || failed)
			continue;
		if (op == SOV_FILTER_CLEAN)
			failed = sov_filter_write(&s->filter, s->in->data, s->in->len) < 0;
		else
			failed = sov_spool_write(&spool, s->in->data, s->in->len) < 0;
	}
	if (st != SOV_PKT_FLUSH) {
		if (st != SOV_PKT_ERROR)
			sov_error("git filter protocol: end of stream inside '%s'", path.ptr);
		goto done;
	}
	if (!known) {
		/* Git sends only what we announced: it and we disagree, stop. */
		ret = reply_status(s, "abort");
		goto done;
	}
	if (!failed && op == SOV_FILTER_CLEAN)
		failed = sov_filter_finish(&s->filter) < 0;
	if (failed) {
		ret = fail_file(s, path.ptr, 0);
		goto done;
	}

	if (op == SOV_FILTER_CLEAN)
		store_raw(s, &spool, path.ptr);
	if (sov_pkt_write_line(s->out, "status=success") < 0 || sov_pkt_queue_flush(s->out) < 0)
		goto done;
	if (op == SOV_FILTER_CLEAN) {
		failed = sov_spool_replay(&spool, write_packets, s->out) < 0;
	} else {
		sov_filter_start(&s->filter, op, write_packets, s->out);
		sov_filter_show_progress(&s->filter, path.ptr, spool.size);
		failed = sov_spool_replay(&spool, sov_filter_feed, &s->filter) < 0 ||
			 sov_filter_finish(&s->filter) < 0;
	}
	if (failed) {
		ret = fail_file(s, path.ptr, 1);
		goto done;
	}
	sov_trace("%s %s: %llu stored bytes", sov_filter_op_name(op), path.ptr,
		  (unsigned long long)spool.size);
	/* Flush after the content, then an empty list: status unchanged. */
	if (sov_pkt_queue_flush(s->out) < 0 || sov_pkt_flush(s->out) < 0)
		goto done;
	ret = 0;
done:
	sov_spool_release(&spool);
	sov_buf_release(&path);
	return ret;
}

int sov_filterproc_serve(int in_fd, int out_fd, const struct sov_filterproc_opts *opts)
{
	struct session s = { NULL, NULL, SOV_FILTER_INIT, 0, 0, NULL, NULL, 0 };
	int ret;

	s.opts = opts;
	s.in = sov_malloc(sizeof(*s.in));
	s.out = sov_malloc(sizeof(*s.out));
	sov_pkt_reader_init(s.in, in_fd, "git filter protocol");
	sov_pkt_writer_init(s.out, out_fd, "git filter protocol");

	ret = opts->repo_ctx && sov_filter_configure(&s.filter, opts->repo_ctx) < 0 ? -1 :
	      handshake(&s);
	while (!ret)
		ret = serve_one(&s);
	sov_filter_release(&s.filter);
	sov_rawobj_free(s.raw);
	free(s.in);
	free(s.out);
	/* Git closing our input between requests is the normal end. */
	return ret == 1 ? 0 : -1;
}
