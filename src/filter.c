/*
 * filter.c - clean and smudge over the frame codec; see filter.h.
 */
#include "filter.h"
#include "chunkstore.h"
#include "error.h"
#include "fs.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

void sov_filter_use_repo(struct sov_filter *f, git_repository *repo)
{
	sov_chunks_free(f->chunks);
	f->chunks = sov_chunks_new(repo);
}

static int decoder_write(void *dec, const void *data, size_t len)
{
	return sov_frame_decoder_write(dec, data, len);
}

void sov_filter_start(struct sov_filter *f, enum sov_filter_op op,
		      sov_frame_write_fn write, void *ctx)
{
	f->op = op;
	if (!f->chunks)
		f->chunks = sov_chunks_new(NULL);
	if (op == SOV_FILTER_CLEAN) {
		/* The stored form goes through the chunk store's size rule. */
		sov_chunks_clean_start(f->chunks, write, ctx);
		if (f->enc)
			sov_frame_encoder_reset(f->enc, sov_chunks_clean_write, f->chunks);
		else
			f->enc = sov_frame_encoder_new(0, sov_chunks_clean_write, f->chunks);
	} else {
		if (f->dec)
			sov_frame_decoder_reset(f->dec, SOV_FRAME_PASSTHROUGH, write, ctx);
		else
			f->dec = sov_frame_decoder_new(SOV_FRAME_PASSTHROUGH, write, ctx);
		/* A pointer becomes the stored form of its chunks on the way. */
		sov_chunks_smudge_start(f->chunks, decoder_write, f->dec);
	}
}

int sov_filter_write(struct sov_filter *f, const void *data, size_t len)
{
	if (f->op == SOV_FILTER_CLEAN)
		return sov_frame_encoder_write(f->enc, data, len);
	return sov_chunks_smudge_write(f->chunks, data, len);
}

int sov_filter_feed(void *ctx, const void *data, size_t len)
{
	return sov_filter_write(ctx, data, len);
}

int sov_filter_finish(struct sov_filter *f)
{
	if (f->op == SOV_FILTER_CLEAN)
		return sov_frame_encoder_finish(f->enc) < 0 ? -1 :
		       sov_chunks_clean_finish(f->chunks);
	return sov_chunks_smudge_finish(f->chunks) < 0 ? -1 :
	       sov_frame_decoder_finish(f->dec);
}

void sov_filter_release(struct sov_filter *f)
{
	sov_frame_encoder_free(f->enc);
	sov_frame_decoder_free(f->dec);
	sov_chunks_free(f->chunks);
	f->enc = NULL;
	f->dec = NULL;
	f->chunks = NULL;
}

const char *sov_filter_op_name(enum sov_filter_op op)
{
	return op == SOV_FILTER_CLEAN ? "clean" : "smudge";
}

int sov_filter_write_fd(void *ctx, const void *data, size_t len)
{
	return sov_fs_write_all(*(int *)ctx, data, len, "standard output");
}

int sov_filter_fd(enum sov_filter_op op, int in, int out)
{
	return sov_filter_fd_in(NULL, op, in, out);
}

int sov_filter_fd_in(git_repository *repo, enum sov_filter_op op, int in, int out)
{
	struct sov_filter f = SOV_FILTER_INIT;
	char *buf = sov_malloc(256 * 1024);
	int ret = -1;

	if (repo)
		sov_filter_use_repo(&f, repo);
	sov_filter_start(&f, op, sov_filter_write_fd, &out);
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
		if (sov_filter_write(&f, buf, (size_t)n) < 0)
			goto out;
	}
	ret = sov_filter_finish(&f);
out:
	sov_filter_release(&f);
	free(buf);
	return ret;
}
