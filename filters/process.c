/*
 * process.c - `sovsync filter-process`: Git's long-running filter protocol
 * (gitattributes(5), "Long Running Filter Process"), serving clean and
 * smudge for every tracked file of one Git command in one process.
 *
 * Git writes a whole file before it reads the answer, so one side of each
 * file is spooled (spool.h) until its input has ended; memory stays bounded
 * for any file size.  A file that fails (corrupt stored content) gets
 * status=error and a "sovsync: <path>: <cause>" line on stderr; the
 * process then serves the next file.  A protocol error ends the process
 * with status 1, which Git reports as a failed filter.
 */
#include "cli.h"
#include "error.h"
#include "filter.h"
#include "pktline.h"
#include "spool.h"
#include "trace.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct session {
	struct sov_pkt_reader *in;
	struct sov_pkt_writer *out;
	struct sov_filter filter;	/* codecs reused for every file */
	int can_clean, can_smudge;
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

/* Report a failed file on stderr and tell Git (after its content's flush). */
static int fail_file(struct session *s, const char *path, int after_content)
{
	sov_error_prefix("%s", path);
	sov_error_report();
	if (after_content && sov_pkt_queue_flush(s->out) < 0)
		return -1;
	return reply_status(s, "error");
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

static int cmd_filter_process(int argc, char **argv)
{
	struct session s = { NULL, NULL, SOV_FILTER_INIT, 0, 0 };
	int ret;

	if (argc != 1)
		return sov_cli_usage_error(&sov_cmd_filter_process, "takes no arguments");
	s.in = sov_malloc(sizeof(*s.in));
	s.out = sov_malloc(sizeof(*s.out));
	sov_pkt_reader_init(s.in, 0, "git filter protocol");
	sov_pkt_writer_init(s.out, 1, "git filter protocol");

	ret = sov_filter_configure(&s.filter) < 0 ? -1 : handshake(&s);
	while (!ret)
		ret = serve_one(&s);
	sov_filter_release(&s.filter);
	free(s.in);
	free(s.out);
	/* Git closing our input between requests is the normal end. */
	return ret == 1 ? SOV_EXIT_OK : sov_cli_fail();
}

const struct sov_cmd sov_cmd_filter_process = {
	"filter-process", cmd_filter_process,
	"Serve Git's long-running filter protocol for tracked large files",
	"sovsync filter-process",
	"Run by Git as filter.sovsync.process: speaks the pkt-line protocol of\n"
	"gitattributes(5) on standard input and output, cleaning (encoding) and\n"
	"smudging (decoding) every file with the attribute filter=sovsync for the\n"
	"whole Git command.  The stored form is described in docs/FORMATS.md.\n"
	"Corrupt stored content fails that file with 'sovsync: <path>: corrupt ...';\n"
	"with filter.sovsync.required=true Git then fails the checkout.\n"
	"\n"
	"Configuration (sovsync install writes it):\n"
	"    git config filter.sovsync.process \"sovsync filter-process\"\n"
	"    git config filter.sovsync.clean \"sovsync clean %f\"\n"
	"    git config filter.sovsync.smudge \"sovsync smudge %f\"\n"
	"    git config filter.sovsync.required true\n"
	"    git config diff.sovsync.textconv \"sovsync cat\"\n"
	"\n"
	"Files below sovsync.filter.minSize (default 1m) are stored as they are.\n"
	"On a terminal, files of 1 MiB or more show Git-style progress in bytes\n"
	"on stderr once the work lasts GIT_PROGRESS_DELAY (2 s).\n"
	"\n"
	"Environment:\n"
	"    SOVSYNC_FILTER_THREADS   compression threads (default: CPUs, at most\n"
	"                             8); the stored bytes never depend on it\n"
	"    GIT_PROGRESS_DELAY       seconds before progress shows (Git's)\n",
	1,
};
