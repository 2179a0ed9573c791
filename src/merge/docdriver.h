/*
 * docdriver.h - what the document merge driver (`sovsync merge-doc`,
 * merge-drivers/doc.c) decides once it has the three sides: merge text,
 * keep ours for binary documents, and either flag a conflict (queue it,
 * let the merge complete) or leave it to Git.
 *
 * The program keeps what talks to its caller: the arguments, opening the
 * repository, reading the settings, printing, the exit status.  This
 * module prints nothing.
 *
 *   text, clean              %A gets the merge                 MERGED
 *   text, both sides changed %A gets the markers; flag: queued FLAGGED,
 *                            stop: CONFLICT
 *   binary                   %A keeps ours untouched; theirs' blob goes to
 *                            the queue (flag: FLAGGED, stop: CONFLICT)
 *   inner merge (%L above the path's marker size: the merge bases of a
 *   criss-cross merge)       text: as above but never queued (CONFLICT);
 *                            binary: %A gets the base (MERGED), as Git's
 *                            binary merge does
 *   the queue cannot be written: UNQUEUED (message set), a plain conflict
 */
#ifndef SOV_DOCDRIVER_H
#define SOV_DOCDRIVER_H

#include <git2.h>

#include "buf.h"
#include "conflicts.h"
#include "ctx.h"
#include "docmerge.h"

struct sov_docdriver_settings {
	int stop_on_conflict;		/* sovsync.documents.onConflict = stop */
	enum sov_doc_style style;	/* merge.conflictStyle */
	struct sov_buf source;		/* sovsync.source, recorded in the queue */
};

#define SOV_DOCDRIVER_SETTINGS_INIT { .stop_on_conflict = 0, .style = SOV_DOC_STYLE_MERGE, \
				      .source = SOV_BUF_INIT }

void sov_docdriver_settings_release(struct sov_docdriver_settings *s);

enum sov_docdriver_outcome {
	SOV_DOCDRIVER_MERGED,		/* %A holds the result; exit 0 */
	SOV_DOCDRIVER_FLAGGED,		/* conflict queued; exit 0 */
	SOV_DOCDRIVER_CONFLICT,		/* left to Git; exit 1 */
	SOV_DOCDRIVER_UNQUEUED,		/* flag failed (message set); exit 1 */
};

struct sov_docdriver_result {
	enum sov_docdriver_outcome outcome;
	enum sov_conflict_kind kind;	/* for FLAGGED, CONFLICT, UNQUEUED */
};

/*
 * Merge the sides of `path` (the repository path, %P) into `a_file` (%A),
 * in the driver's context `ctx` (borrowed; its repository is required).
 * `plain` are base, ours, theirs as merged (decoded), `stored` as Git
 * handed them over (their blob ids are what the queue records);
 * `ours_encoded`: ours came in the filter's stored form, so the result is
 * written back in it.  `marker_size` is %L.  Returns 0 with `res` filled,
 * or -1 when %A could not be written (message set; %A is unchanged or
 * holds the marked result, never a partial file).
 */
int sov_docdriver_merge(struct sov_ctx *ctx, const char *a_file, const char *path,
			unsigned marker_size, const struct sov_buf plain[3],
			const struct sov_buf stored[3], int ours_encoded,
			const struct sov_docdriver_settings *s,
			struct sov_docdriver_result *res);

#endif
