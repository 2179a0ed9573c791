/*
 * doc.c - `sovsync merge-doc %O %A %B %P %L`: the merge driver for
 * documents (merge=sovsync-doc in .gitattributes).
 *
 * Data flow: read the three sides Git wrote to temporary files; the
 * decisions are docdriver.h's: text gets a 3-way line merge (docmerge.h)
 * written to %A; when both sides changed the same lines,
 * sovsync.documents.onConflict decides:
 *   flag (default)  %A gets the standard conflict markers, the conflict is
 *                   recorded in the queue (conflicts.h) and the driver exits
 *                   0, so the merge completes and every other file syncs;
 *                   the hooks copy the queue into shared/state.json;
 *   stop            %A gets the markers and the driver exits 1: Git's usual
 *                   conflict, resolved with Git's own tools.
 * Binary documents never get markers: %A keeps ours untouched and theirs'
 * blob id goes to the queue (the blob stays reachable through the merge's
 * second parent), for `sovsync resolve --theirs`.
 *
 * Exit contract (gitattributes(5)): 0 clean or flagged, 1 conflict.  Every
 * failure (bad arguments, unreadable files, bad config, a queue that cannot
 * be written) also exits 1, with %A holding ours or the marked result, so Git
 * records a plain conflict and nothing is lost.  Never more than 1: from Git
 * 2.42 a status above 128 aborts the whole merge.
 */
#include "docdriver.h"
#include "drvinput.h"
#include "error.h"
#include "jdriver.h"
#include "trace.h"

#include <stdlib.h>
#include <string.h>

#define DRIVER_FAIL 1	/* a driver's failure is a plain conflict for Git */

/* Merge the sides of `path`; returns the driver's exit status. */
static int merge_document(struct sov_ctx *ctx, const char *a_file, const char *path,
			  unsigned marker_size, const struct sov_buf sides[3],
			  const struct sov_buf stored[3], int ours_encoded,
			  const struct sov_docdriver_settings *s)
{
	struct sov_docdriver_result res;

	if (sov_docdriver_merge(ctx, a_file, path, marker_size, sides, stored,
				ours_encoded, s, &res) < 0) {
		sov_error_report();
		return DRIVER_FAIL;
	}
	switch (res.outcome) {
	case SOV_DOCDRIVER_MERGED:
		return 0;
	case SOV_DOCDRIVER_FLAGGED:
		fprintf(stderr, "sovsync: %s: %s conflict flagged for review "
			"(see 'sovsync conflicts')\n", path, sov_conflict_kind_name(res.kind));
		return 0;
	case SOV_DOCDRIVER_UNQUEUED:
		sov_error_report();
		sov_warn("%s: conflict not queued; leaving it to Git", path);
		return 1;
	case SOV_DOCDRIVER_CONFLICT:
		break;
	}
	return 1;
}

static int cmd_merge_doc(int argc, char **argv)
{
	struct sov_docdriver_settings settings = SOV_DOCDRIVER_SETTINGS_INIT;
	struct sov_drv_input in = SOV_DRV_INPUT_INIT;
	int ret = DRIVER_FAIL;

	if (sov_drv_input_open(&in, &sov_cmd_merge_doc, argc, argv,
			       SOV_SET_CORE | SOV_SET_DOC) == 0) {
		settings.stop_on_conflict = in.ctx.set.on_conflict == SOV_ON_CONFLICT_STOP;
		settings.style = in.style;
		sov_buf_addstr(&settings.source, in.ctx.set.source.ptr);
		ret = merge_document(&in.ctx, in.a_file, in.path, in.marker_size,
				     in.sides, in.stored, in.encoded[1], &settings);
	}
	sov_docdriver_settings_release(&settings);
	sov_drv_input_release(&in);
	return ret;
}

const struct sov_cmd sov_cmd_merge_doc = {
	"merge-doc", cmd_merge_doc,
	"Merge driver for documents: 3-way text merge, conflicts flagged",
	"sovsync merge-doc <base> <ours> <theirs> <path> [<marker-size>]",
	"Run by Git as the merge driver of documents.  Configure it with\n"
	"\n"
	"    git config merge.sovsync-doc.driver 'sovsync merge-doc %O %A %B %P %L'\n"
	"\n"
	"and 'shared/documents/** merge=sovsync-doc' in .gitattributes\n"
	"('sovsync install' does both).  <base>, <ours> and <theirs> are the\n"
	"temporary files Git passes as %O, %A and %B, <path> is the file's path in\n"
	"the repository (%P), <marker-size> the conflict marker length (%L).\n"
	"\n"
	"Text documents get Git's 3-way line merge; the result replaces <ours>.\n"
	"When both sides changed the same lines:\n"
	"\n"
	"    sovsync.documents.onConflict = flag   (default) write the result with\n"
	"        standard conflict markers, record the conflict in the queue\n"
	"        (.git/sovsync/conflicts.json) and exit 0, so that the merge\n"
	"        completes and every other file keeps syncing\n"
	"    sovsync.documents.onConflict = stop   write the markers and exit 1:\n"
	"        Git's usual conflict\n"
	"\n"
	"Binary documents are never marked: <ours> is kept as it is and the other\n"
	"version is recorded in the queue, so that 'sovsync resolve --theirs'\n"
	"can bring it back.  merge.conflictStyle (merge, diff3, zdiff3) is\n"
	"honoured.  Conflicts of an inner merge (the merge bases of a criss-cross\n"
	"merge, seen as a larger marker size) are left to Git and not queued;\n"
	"there a binary document takes the base, as Git's binary merge does.\n"
	"\n"
	"Exit status: 0 merged or flagged; 1 conflict left to Git.  Any failure\n"
	"also exits 1 with <ours> holding our version (or the marked result), so\n"
	"that Git records an ordinary conflict and nothing is lost.\n",
	1,
};
