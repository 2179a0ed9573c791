/*
 * filter.h - the clean and smudge operations of the large-file filter,
 * shared by `sovsync filter-process`, `clean`, `smudge` and `cat`.
 *
 * clean  content -> stored form (frame.h); stored form passes unchanged;
 *        content below the minimum size (sovsync.filter.minSize) is stored
 *        as it is, unless it starts with the stored form's magic without
 *        being a stored form (then it is encoded, so smudge gives it back
 *        byte for byte): see sov_filter_stores_plain()
 * smudge stored form -> content; content without a sovsync header (small
 *        files, files committed before they were tracked) passes unchanged
 *
 * A struct sov_filter wraps the streaming encoder or decoder so that the
 * programs feed bytes and finish without caring which it is.  It owns the
 * codecs, kept from one file to the next; the output callback and its
 * context are borrowed.  Start from SOV_FILTER_INIT (the default minimum
 * size; zeroes: every non-empty file in frames).
 */
#ifndef SOV_FILTER_H
#define SOV_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include <git2.h>

#include "buf.h"
#include "settings.h"
#include "ctx.h"
#include "frame.h"
#include "progress.h"

struct sov_chunks;

enum sov_filter_op { SOV_FILTER_CLEAN, SOV_FILTER_SMUDGE };

/* Default of sovsync.filter.minSize (docs/BENCHMARKS.md, "minSize"). */
#define SOV_FILTER_MIN_SIZE_DEFAULT SOV_SETTINGS_MIN_SIZE_DEF

struct sov_filter {
	enum sov_filter_op op;
	struct sov_frame_encoder *enc;
	struct sov_frame_decoder *dec;
	/* Content below this many bytes is stored as it is; 0: never. */
	uint64_t min_size;
	/* clean: the start of the content, while it is below min_size */
	struct sov_buf small;
	int is_small;
	sov_frame_write_fn write;
	void *ctx;
	struct sov_progress progress;	/* of the current file, see below */
	/*
	 * Owned: stored forms above sovsync.maxObjectSize as chunk blobs and
	 * a pointer (chunkstore.h), on the clean side; pointers back into
	 * the stored form, on the smudge side.
	 */
	struct sov_chunks *chunks;
	/*
	 * Smudge: check the content against the digest in the header of a
	 * version 3/4 stored form (SOV_FRAME_VERIFY); `sovsync verify`.
	 */
	int verify;
};

#define SOV_FILTER_INIT { .op = SOV_FILTER_CLEAN, .min_size = SOV_FILTER_MIN_SIZE_DEFAULT, \
			  .small = SOV_BUF_INIT, .progress = SOV_PROGRESS_INIT, .chunks = NULL }

/*
 * Read and write chunk blobs in `repo` (borrowed, must outlive `f`)
 * instead of the repository Git runs the filter in.  Call before the
 * first sov_filter_start.
 */
void sov_filter_use_repo(struct sov_filter *f, git_repository *repo);

/*
 * Show the progress of the current file (after sov_filter_start), Git's
 * way (progress.h): "Compressing <path>: 45% (460/1024 MiB)" for clean,
 * "Decompressing <path>: ..." for smudge (in stored bytes), on stderr
 * when it is a terminal, the file is large (from min_size, and 1 MiB at
 * least) and the work lasts beyond GIT_PROGRESS_DELAY.  `total` is the
 * input's size; 0 for clean means the size of the work tree file `path`
 * (Git runs the filter at the top of the work tree and does not send the
 * size).  sov_filter_finish() ends the line.
 */
void sov_filter_show_progress(struct sov_filter *f, const char *path, uint64_t total);

/*
 * The small-file rule, the one place it is decided: 1 when `len` bytes of
 * content starting with `data` are stored as they are, 0 when they are
 * stored in frames (or, already a stored form, unchanged).  Plain below
 * `min_size`, except content that starts with the stored form's magic:
 * smudge would decode it, so it is encoded (or kept, when it is a
 * complete valid stored form, as the encoder keeps any).  Empty content is
 * plain (and the same in both forms).
 */
int sov_filter_stores_plain(const void *data, size_t len, uint64_t min_size);

/*
 * Whether `len` bytes are a complete, valid stored form (decoded and
 * verified, output dropped): 1, 0.  For small inputs (the rule above).
 * When 1 and `content_size` is not NULL, it gets the decoded size.
 */
int sov_filter_is_valid_stored(const void *data, size_t len, uint64_t *content_size);

/*
 * Set `f` up from an entry point's context (ctx.h; the repository may be
 * absent): sovsync.filter.minSize, and the chunk store on the context's
 * repository and settings (sovsync.maxObjectSize, sovsync.remote), so
 * that nothing below reads config again.  `ctx` must outlive `f`.  0, or
 * -1 on an invalid value (the key named).
 */
int sov_filter_configure(struct sov_filter *f, struct sov_ctx *ctx);

/*
 * Filter everything readable from `in` to `out` through `f` (started and
 * finished here, for one file).  0 or -1.
 */
int sov_filter_fd_with(struct sov_filter *f, enum sov_filter_op op, int in, int out);

/* Begin filtering one file; output goes to write(ctx, ...). */
void sov_filter_start(struct sov_filter *f, enum sov_filter_op op,
		      sov_frame_write_fn write, void *ctx);
int sov_filter_write(struct sov_filter *f, const void *data, size_t len);
/* A sov_frame_write_fn feeding the struct sov_filter `ctx`. */
int sov_filter_feed(void *ctx, const void *data, size_t len);
int sov_filter_finish(struct sov_filter *f);
/* Free the codecs and buffers. */
void sov_filter_release(struct sov_filter *f);

/*
 * The stored form clean gives `data` (whole, in memory: merge drivers, the
 * follow-up), appended to `out`; `min_size` as in struct sov_filter.
 * 0 or -1.
 */
int sov_filter_clean_buf(const void *data, size_t len, uint64_t min_size,
			 struct sov_buf *out);

/* "clean" or "smudge". */
const char *sov_filter_op_name(enum sov_filter_op op);

/*
 * Filter everything readable from `in` to `out` (file descriptors, left
 * open), streaming.  `min_size` as in struct sov_filter (clean only).
 * Errors are not prefixed with a path.  0 or -1.
 */
int sov_filter_fd(enum sov_filter_op op, uint64_t min_size, int in, int out);
/* Same with the chunk blobs of `repo` (NULL: the environment's). */
int sov_filter_fd_in(git_repository *repo, enum sov_filter_op op, uint64_t min_size, int in,
		     int out);

#endif
