/*
 * drvinput.h - what the text merge drivers (`sovsync merge-doc`, doc.c, and
 * `sovsync merge-keep`, keep.c) share before they decide anything: the
 * arguments Git passes (%O %A %B %P [%L]), the three sides read (decoded
 * when stored by the sovsync filter), the repository and its settings
 * opened, merge.conflictStyle and the marker size.
 *
 * Program code: on failure it prints (usage or `sovsync: <path>: <cause>`)
 * and the caller only exits with its failure status.
 */
#ifndef SOV_DRVINPUT_H
#define SOV_DRVINPUT_H

#include "buf.h"
#include "cli.h"
#include "ctx.h"
#include "docmerge.h"

struct sov_drv_input {
	const char *a_file;		/* %A: ours in, the result out (argv's) */
	const char *path;		/* %P: the repository path (argv's) */
	unsigned marker_size;		/* %L, or the path's own when not given */
	struct sov_buf sides[3];	/* base, ours, theirs decoded (owned) */
	struct sov_buf stored[3];	/* as Git handed them over (owned) */
	int encoded[3];			/* side came in the filter's stored form */
	enum sov_doc_style style;	/* merge.conflictStyle */
	struct sov_ctx ctx;		/* owned: repository, config, settings */
};

#define SOV_DRV_INPUT_INIT { .sides = { SOV_BUF_INIT, SOV_BUF_INIT, SOV_BUF_INIT }, \
	.stored = { SOV_BUF_INIT, SOV_BUF_INIT, SOV_BUF_INIT }, \
	.style = SOV_DOC_STYLE_MERGE, .ctx = SOV_CTX_INIT }

/*
 * Fill `in` from the driver's arguments (argc/argv as `cmd` gets them: 4
 * or 5 arguments, a marker size in 1..1024); open the repository with
 * `ctx_flags` (sov_ctx_open's, SOV_CTX_REPO is added).  0, or -1 with the
 * failure already printed.  Release `in` either way.
 */
int sov_drv_input_open(struct sov_drv_input *in, const struct sov_cmd *cmd, int argc,
		       char **argv, unsigned ctx_flags);

void sov_drv_input_release(struct sov_drv_input *in);

#endif
