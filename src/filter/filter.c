/*
 * filter.c - clean and smudge over the frame codec; see filter.h.
 */
#include "filter.h"
#include "config.h"
#include "chunkstore.h"
#include "error.h"
#include "fs.h"

#include <errno.h>
#include <stdlib.h>
#include "osfs.h"
#include <unistd.h>

/* Drops decoded bytes, counting them (a uint64_t). */
static int count_only(void *ctx, const void *data, size_t len)
{
	(void)data;
	*(uint64_t *)ctx += len;
	return 0;
}

int sov_filter_is_valid_stored(const void *data, size_t len, uint64_t *content_size)
{
	struct sov_frame_decoder *dec;
	uint64_t n = 0;
	int ok;

	if (!sov_frame_is_encoded(data, len))
		return 0;
	dec = sov_frame_decoder_new(0, count_only, &n);
	ok = sov_frame_decoder_write(dec, data, len) == 0 &&
	     sov_frame_decoder_finish(dec) == 0;
	sov_frame_decoder_free(dec);
	sov_error_clear();
	if (ok && content_size)
		*content_size = n;
	return ok;
}

int sov_filter_stores_plain(const void *data, size_t len, uint64_t min_size)
{
	if (!len)
		return 1;
	return (uint64_t)len < min_size && !sov_frame_is_encoded(data, len);
}

int sov_filter_configure(struct sov_filter *f, struct sov_ctx *ctx)
{
	if (sov_ctx_load(ctx, SOV_SET_FILTER | SOV_SET_CORE) < 0)
		return -1;
	f->min_size = (uint64_t)ctx->set.filter_min_size;
	sov_chunks_free(f->chunks);
	f->chunks = sov_chunks_new_ctx(ctx);
	return 0;
}

void sov_filter_use_repo(struct sov_filter *f, git_repository *repo)
{
	sov_chunks_free(f->chunks);
	f->chunks = sov_chunks_new(repo);
}

static int decoder_write(void *dec, const void *data, size_t len)
{
	return sov_frame_decoder_write(dec, data, len);
}

/* The encoder's stored form goes through the chunk store's size rule. */
static void start_encoder(struct sov_filter *f)
{
	if (f->enc)
		sov_frame_encoder_reset(f->enc, sov_chunks_clean_write, f->chunks);
	else
		f->enc = sov_frame_encoder_new(0, sov_chunks_clean_write, f->chunks);
}

void sov_filter_start(struct sov_filter *f, enum sov_filter_op op,
		      sov_frame_write_fn write, void *ctx)
{
	sov_progress_stop(&f->progress, 0);	/* a file that failed midway */
	f->op = op;
	f->write = write;
	f->ctx = ctx;
	if (!f->chunks)
		f->chunks = sov_chunks_new(NULL);
	if (op == SOV_FILTER_CLEAN) {
		sov_chunks_clean_start(f->chunks, write, ctx);
		/* Held until it reaches min_size: only then is the form known. */
		sov_buf_reset(&f->small);
		f->is_small = f->min_size > 0;
		if (!f->is_small)
			start_encoder(f);
	} else {
		if (f->dec)
			sov_frame_decoder_reset(f->dec, SOV_FRAME_PASSTHROUGH, write, ctx);
		else
			f->dec = sov_frame_decoder_new(SOV_FRAME_PASSTHROUGH, write, ctx);
		/* A pointer becomes the stored form of its chunks on the way. */
		sov_chunks_smudge_start(f->chunks, decoder_write, f->dec);
	}
}

/* Progress is for large files only: small ones are over at once. */
#define PROGRESS_MIN_SIZE (1024u * 1024)

void sov_filter_show_progress(struct sov_filter *f, const char *path, uint64_t total)
{
	struct sov_os_stat st;

	if (!total && f->op == SOV_FILTER_CLEAN && sov_os_stat(path, &st) == 0 &&
	    st.type == SOV_OS_REG)
		total = st.size;
	if (total < PROGRESS_MIN_SIZE || (f->op == SOV_FILTER_CLEAN && total < f->min_size))
		return;
	sov_progress_start(&f->progress, SOV_PROGRESS_AUTO,
			   f->op == SOV_FILTER_CLEAN ? "Compressing" : "Decompressing", path, total);
}

static int write_content(struct sov_filter *f, const void *data, size_t len);

int sov_filter_write(struct sov_filter *f, const void *data, size_t len)
{
	int ret = write_content(f, data, len);

	if (ret < 0)
		sov_progress_stop(&f->progress, 0);
	else
		sov_progress_add(&f->progress, len);
	return ret;
}

static int write_content(struct sov_filter *f, const void *data, size_t len)
{
	if (f->op == SOV_FILTER_CLEAN && f->is_small) {
		sov_buf_add(&f->small, data, len);
		if (f->small.len < f->min_size)
			return 0;
		/* Large: from here on it streams through the encoder. */
		f->is_small = 0;
		start_encoder(f);
		if (sov_frame_encoder_write(f->enc, f->small.ptr, f->small.len) < 0)
			return -1;
		sov_buf_reset(&f->small);
		return 0;
	}
	if (f->op == SOV_FILTER_CLEAN)
		return sov_frame_encoder_write(f->enc, data, len);
	return sov_chunks_smudge_write(f->chunks, data, len);
}

int sov_filter_feed(void *ctx, const void *data, size_t len)
{
	return sov_filter_write(ctx, data, len);
}

/* The end of content below min_size: store it by the small-file rule. */
static int finish_small(struct sov_filter *f)
{
	const char *p = f->small.ptr;
	size_t len = f->small.len;

	f->is_small = 0;
	if (sov_filter_stores_plain(p, len, f->min_size) ||
	    sov_filter_is_valid_stored(p, len, NULL) || sov_chunks_is_pointer(p, len))
		return len ? f->write(f->ctx, p, len) : 0;
	/* Looks like a stored form and is none: wrap it, smudge unwraps it. */
	start_encoder(f);
	sov_frame_encoder_encode_all(f->enc);
	if (sov_frame_encoder_write(f->enc, p, len) < 0 || sov_frame_encoder_finish(f->enc) < 0)
		return -1;
	return sov_chunks_clean_finish(f->chunks);
}

static int finish_file(struct sov_filter *f)
{
	if (f->op == SOV_FILTER_CLEAN && f->is_small)
		return finish_small(f);
	if (f->op == SOV_FILTER_CLEAN)
		return sov_frame_encoder_finish(f->enc) < 0 ? -1 :
		       sov_chunks_clean_finish(f->chunks);
	return sov_chunks_smudge_finish(f->chunks) < 0 ? -1 :
	       sov_frame_decoder_finish(f->dec);
}

int sov_filter_finish(struct sov_filter *f)
{
	int ret = finish_file(f);

	sov_progress_stop(&f->progress, ret == 0);
	return ret;
}

void sov_filter_release(struct sov_filter *f)
{
	sov_frame_encoder_free(f->enc);
	sov_frame_decoder_free(f->dec);
	sov_chunks_free(f->chunks);
	f->enc = NULL;
	f->dec = NULL;
	sov_buf_release(&f->small);
	sov_progress_stop(&f->progress, 0);
	f->chunks = NULL;
}

static int append_to_buf(void *ctx, const void *data, size_t len)
{
	sov_buf_add(ctx, data, len);
	return 0;
}

int sov_filter_clean_buf(const void *data, size_t len, uint64_t min_size,
			 struct sov_buf *out)
{
	struct sov_filter f = SOV_FILTER_INIT;
	int ret;

	f.min_size = min_size;
	sov_filter_start(&f, SOV_FILTER_CLEAN, append_to_buf, out);
	ret = sov_filter_write(&f, data, len) < 0 || sov_filter_finish(&f) < 0 ? -1 : 0;
	sov_filter_release(&f);
	return ret;
}

const char *sov_filter_op_name(enum sov_filter_op op)
{
	return op == SOV_FILTER_CLEAN ? "clean" : "smudge";
}

/* A sov_frame_write_fn writing to the file descriptor `*(int *)ctx`. */
static int write_fd(void *ctx, const void *data, size_t len)
{
	return sov_fs_write_all(*(int *)ctx, data, len, "standard output");
}

int sov_filter_fd(enum sov_filter_op op, uint64_t min_size, int in, int out)
{
	return sov_filter_fd_in(NULL, op, min_size, in, out);
}

int sov_filter_fd_in(git_repository *repo, enum sov_filter_op op, uint64_t min_size, int in,
		     int out)
{
	struct sov_filter f = SOV_FILTER_INIT;
	int ret;

	f.min_size = min_size;
	if (repo)
		sov_filter_use_repo(&f, repo);
	ret = sov_filter_fd_with(&f, op, in, out);
	sov_filter_release(&f);
	return ret;
}

int sov_filter_fd_with(struct sov_filter *f, enum sov_filter_op op, int in, int out)
{
	char *buf = sov_malloc(256 * 1024);
	int ret = -1;

	sov_filter_start(f, op, write_fd, &out);
	for (;;) {
		ssize_t n = read(in, buf, 256 * 1024);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sov_error_errno("read failed");
			goto out;
		}
		if (n == 0)
			break;
		if (sov_filter_write(f, buf, (size_t)n) < 0)
			goto out;
	}
	ret = sov_filter_finish(f);
out:
	free(buf);
	return ret;
}
