/*
 * filter.h - the clean and smudge operations of the large-file filter,
 * shared by `sovsync filter-process`, `clean`, `smudge` and `cat`.
 *
 * clean  content -> stored form (frame.h); stored form passes unchanged
 * smudge stored form -> content; content without a sovsync header (files
 *        committed before they were tracked) passes unchanged
 *
 * A struct sov_filter wraps the streaming encoder or decoder so that the
 * programs feed bytes and finish without caring which it is.  It owns the
 * codecs, kept from one file to the next; the output callback and its
 * context are borrowed.  Start from SOV_FILTER_INIT (or zeroes).
 */
#ifndef SOV_FILTER_H
#define SOV_FILTER_H

#include <stddef.h>

#include <git2.h>

#include "frame.h"

struct sov_chunks;

enum sov_filter_op { SOV_FILTER_CLEAN, SOV_FILTER_SMUDGE };

struct sov_filter {
	enum sov_filter_op op;
	struct sov_frame_encoder *enc;
	struct sov_frame_decoder *dec;
	/*
	 * Owned: stored forms above sovsync.maxObjectSize as chunk blobs and
	 * a pointer (chunkstore.h), on the clean side; pointers back into
	 * the stored form, on the smudge side.
	 */
	struct sov_chunks *chunks;
};

#define SOV_FILTER_INIT { SOV_FILTER_CLEAN, NULL, NULL, NULL }

/*
 * Read and write chunk blobs in `repo` (borrowed, must outlive `f`)
 * instead of the repository Git runs the filter in.  Call before the
 * first sov_filter_start.
 */
void sov_filter_use_repo(struct sov_filter *f, git_repository *repo);

/* Begin filtering one file; output goes to write(ctx, ...). */
void sov_filter_start(struct sov_filter *f, enum sov_filter_op op,
		      sov_frame_write_fn write, void *ctx);
int sov_filter_write(struct sov_filter *f, const void *data, size_t len);
/* A sov_frame_write_fn feeding the struct sov_filter `ctx`. */
int sov_filter_feed(void *ctx, const void *data, size_t len);
int sov_filter_finish(struct sov_filter *f);
/* Free the codecs. */
void sov_filter_release(struct sov_filter *f);

/* "clean" or "smudge". */
const char *sov_filter_op_name(enum sov_filter_op op);

/*
 * Filter everything readable from `in` to `out` (file descriptors, left
 * open), streaming.  Errors are not prefixed with a path.  0 or -1.
 */
int sov_filter_fd(enum sov_filter_op op, int in, int out);
/* Same with the chunk blobs of `repo` (NULL: the environment's). */
int sov_filter_fd_in(git_repository *repo, enum sov_filter_op op, int in, int out);

/* A sov_frame_write_fn writing to the file descriptor `*(int *)ctx`. */
int sov_filter_write_fd(void *ctx, const void *data, size_t len);

#endif
