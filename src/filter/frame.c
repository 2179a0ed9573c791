/*
 * frame.c - the stored format of large files; see frame.h and
 * docs/FORMATS.md.
 *
 * Layout (all integers little-endian):
 *   header   8 magic bytes "\x89SOVSYNC", u8 version (1), u8 zstd level,
 *            6 zero bytes
 *   record   u32 n (1 .. ZSTD_compressBound(SOV_CDC_MAX_SIZE)), then one
 *            zstd frame of n bytes holding one chunk, with content size
 *            and checksum
 *   end      u32 0, u64 content size, u64 number of chunks
 */
#include "frame.h"
#include "cdc.h"
#include "error.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "osproc.h"

#include <zstd.h>
#include <zstd_errors.h>

static const unsigned char magic[SOV_FRAME_MAGIC_SIZE] = {
	0x89, 'S', 'O', 'V', 'S', 'Y', 'N', 'C'
};

#define END_SIZE 16		/* after the u32 0 */
/*
 * Content is compressed in batches of this size: big enough to give every
 * thread many chunks, small enough to keep the filter's memory bounded
 * (input plus compressed slots, about 2 x 4 MiB).
 */
#define BATCH_SIZE (4u * 1024 * 1024)

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = v >> 24;
}

static void put_le64(unsigned char *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const unsigned char *p)
{
	return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static size_t max_record_size(void)
{
	return ZSTD_COMPRESSBOUND(SOV_CDC_MAX_SIZE);
}

int sov_frame_is_encoded(const void *data, size_t len)
{
	return len >= SOV_FRAME_MAGIC_SIZE && !memcmp(data, magic, SOV_FRAME_MAGIC_SIZE);
}

static int default_threads(void)
{
	const char *env = getenv("SOVSYNC_FILTER_THREADS");
	long n;

	if (env && *env) {
		char *end;

		n = strtol(env, &end, 10);
		if (!*end && n >= 1 && n <= SOV_FRAME_MAX_THREADS)
			return (int)n;
	}
	n = sov_os_cpu_count();
	return n > 8 ? 8 : (int)n;
}

/* ---- encoder ---- */

struct chunk_job {
	size_t off, len;	/* in enc->in */
	size_t slot;		/* in enc->out: u32 length, then the frame */
	size_t result;		/* frame size or a zstd error code */
};

enum enc_state { ENC_SNIFF, ENC_ENCODE, ENC_PASS, ENC_DONE };

struct sov_frame_encoder {
	sov_frame_write_fn write;
	void *ctx;
	enum enc_state state;
	int encode_all;		/* no pass-through of a header (this stream) */
	int threads;
	ZSTD_CCtx **cctx;	/* one per thread */
	struct sov_buf in;	/* content not yet encoded */
	struct sov_buf out;	/* compressed slots of one batch */
	struct chunk_job *jobs;
	size_t njobs, alloc_jobs;
	size_t next_job;	/* shared by the threads of a batch (atomic) */
	uint64_t total, nchunks;
};

struct worker {
	struct sov_frame_encoder *enc;
	ZSTD_CCtx *cctx;
};

static ZSTD_CCtx *new_cctx(void)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();

	if (!c) {
		sov_error("zstd: cannot create a compression context");
		return NULL;
	}
	/*
	 * Every parameter that shapes the frame is set here, so that the
	 * output does not depend on zstd's defaults beyond the level's.
	 */
	if (ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel,
						SOV_FRAME_ZSTD_LEVEL)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 1)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_dictIDFlag, 0)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_nbWorkers, 0))) {
		ZSTD_freeCCtx(c);
		sov_error("zstd: cannot set compression parameters");
		return NULL;
	}
	return c;
}

static void *compress_jobs(void *arg)
{
	struct worker *w = arg;
	struct sov_frame_encoder *enc = w->enc;

	for (;;) {
		size_t i = __atomic_fetch_add(&enc->next_job, 1, __ATOMIC_RELAXED);
		struct chunk_job *job;

		if (i >= enc->njobs)
			break;
		job = &enc->jobs[i];
		job->result = ZSTD_compress2(w->cctx, enc->out.ptr + job->slot + 4,
					     ZSTD_compressBound(job->len),
					     enc->in.ptr + job->off, job->len);
	}
	return NULL;
}

struct sov_frame_encoder *sov_frame_encoder_new(int threads, sov_frame_write_fn write,
						void *ctx)
{
	struct sov_frame_encoder *enc = sov_calloc(1, sizeof(*enc));

	enc->threads = threads < 1 ? default_threads() : threads;
	enc->cctx = sov_calloc((size_t)enc->threads, sizeof(*enc->cctx));
	sov_buf_init(&enc->in, 0);
	sov_buf_init(&enc->out, 0);
	sov_frame_encoder_reset(enc, write, ctx);
	return enc;
}

void sov_frame_encoder_reset(struct sov_frame_encoder *enc, sov_frame_write_fn write,
			     void *ctx)
{
	enc->write = write;
	enc->ctx = ctx;
	enc->state = ENC_SNIFF;
	enc->encode_all = 0;
	enc->njobs = 0;
	enc->total = enc->nchunks = 0;
	sov_buf_reset(&enc->in);
	sov_buf_reset(&enc->out);
}

void sov_frame_encoder_encode_all(struct sov_frame_encoder *enc)
{
	enc->encode_all = 1;
}

void sov_frame_encoder_free(struct sov_frame_encoder *enc)
{
	int i;

	if (!enc)
		return;
	for (i = 0; i < enc->threads; i++)
		ZSTD_freeCCtx(enc->cctx[i]);
	free(enc->cctx);
	free(enc->jobs);
	sov_buf_release(&enc->in);
	sov_buf_release(&enc->out);
	free(enc);
}

/* Run the batch's jobs on up to enc->threads threads (this one included). */
static int run_jobs(struct sov_frame_encoder *enc)
{
	struct worker workers[SOV_FRAME_MAX_THREADS] = { { 0 } };
	pthread_t tids[SOV_FRAME_MAX_THREADS];
	int started[SOV_FRAME_MAX_THREADS] = { 0 };
	int i, nthreads = enc->threads;

	if ((size_t)nthreads > enc->njobs)
		nthreads = (int)enc->njobs;
	if (nthreads > SOV_FRAME_MAX_THREADS)
		nthreads = SOV_FRAME_MAX_THREADS;
	if (nthreads < 1)
		nthreads = 1;	/* this thread, which finds no job */
	for (i = 0; i < nthreads; i++) {
		if (!enc->cctx[i] && !(enc->cctx[i] = new_cctx()))
			return -1;
		workers[i].enc = enc;
		workers[i].cctx = enc->cctx[i];
	}
	enc->next_job = 0;
	/* A thread that cannot start only means less parallelism. */
	for (i = 1; i < nthreads; i++)
		started[i] = !pthread_create(&tids[i], NULL, compress_jobs, &workers[i]);
	compress_jobs(&workers[0]);
	for (i = 1; i < nthreads; i++)
		if (started[i])
			pthread_join(tids[i], NULL);
	return 0;
}

/*
 * Cut, compress and emit the chunks of enc->in.  Unless `final`, the last
 * SOV_CDC_MAX_SIZE bytes stay behind: where their chunk ends depends on
 * bytes not read yet.
 */
static int encode_batch(struct sov_frame_encoder *enc, int final)
{
	size_t pos = 0, slots = 0, i;

	enc->njobs = 0;
	while (pos < enc->in.len) {
		size_t avail = enc->in.len - pos, n;
		struct chunk_job *job;

		if (!final && avail < SOV_CDC_MAX_SIZE)
			break;
		n = sov_cdc_cut(enc->in.ptr + pos, avail);
		SOV_ALLOC_GROW(enc->jobs, enc->njobs + 1, enc->alloc_jobs);
		job = &enc->jobs[enc->njobs++];
		job->off = pos;
		job->len = n;
		job->slot = slots;
		slots += 4 + ZSTD_compressBound(n);
		pos += n;
	}
	if (!enc->njobs)
		return 0;
	sov_buf_reset(&enc->out);
	sov_buf_grow(&enc->out, slots);
	if (run_jobs(enc) < 0)
		return -1;

	for (i = 0; i < enc->njobs; i++) {
		struct chunk_job *job = &enc->jobs[i];
		unsigned char *slot = (unsigned char *)enc->out.ptr + job->slot;

		if (ZSTD_isError(job->result))
			return sov_error("zstd: compressing chunk %llu failed: %s",
					 (unsigned long long)(enc->nchunks + i),
					 ZSTD_getErrorName(job->result));
		put_le32(slot, (uint32_t)job->result);
		if (enc->write(enc->ctx, slot, 4 + job->result) < 0)
			return -1;
		enc->total += job->len;
	}
	enc->nchunks += enc->njobs;
	sov_buf_remove(&enc->in, 0, pos);
	return 0;
}

/* Leave the sniffing state: pass through or start encoding. */
static int start(struct sov_frame_encoder *enc)
{
	unsigned char header[SOV_FRAME_HEADER_SIZE] = { 0 };

	if (!enc->encode_all && sov_frame_is_encoded(enc->in.ptr, enc->in.len)) {
		enc->state = ENC_PASS;
		if (enc->write(enc->ctx, enc->in.ptr, enc->in.len) < 0)
			return -1;
		sov_buf_reset(&enc->in);
		return 0;
	}
	enc->state = ENC_ENCODE;
	memcpy(header, magic, sizeof(magic));
	header[8] = SOV_FRAME_VERSION;
	header[9] = SOV_FRAME_ZSTD_LEVEL;
	return enc->write(enc->ctx, header, sizeof(header));
}

int sov_frame_encoder_write(struct sov_frame_encoder *enc, const void *data, size_t len)
{
	const char *p = data;

	if (enc->state == ENC_DONE)
		return sov_error("frame encoder: write after finish");
	if (enc->state == ENC_PASS)
		return len ? enc->write(enc->ctx, data, len) : 0;
	while (len) {
		size_t n = BATCH_SIZE - enc->in.len;

		if (n > len)
			n = len;
		sov_buf_add(&enc->in, p, n);
		p += n;
		len -= n;
		if (enc->state == ENC_SNIFF) {
			if (enc->in.len < SOV_FRAME_MAGIC_SIZE)
				continue;
			if (start(enc) < 0)
				return -1;
			if (enc->state == ENC_PASS)
				return len ? enc->write(enc->ctx, p, len) : 0;
		}
		if (enc->in.len == BATCH_SIZE && encode_batch(enc, 0) < 0)
			return -1;
	}
	return 0;
}

int sov_frame_encoder_finish(struct sov_frame_encoder *enc)
{
	unsigned char end[4 + END_SIZE];

	if (enc->state == ENC_DONE)
		return sov_error("frame encoder: finished twice");
	/*
	 * Empty content is stored empty: Git never runs the clean filter on
	 * an empty working tree file when it compares (diff.c), so anything
	 * else would show every empty tracked file as modified.
	 */
	if (enc->state == ENC_SNIFF && !enc->in.len) {
		enc->state = ENC_DONE;
		return 0;
	}
	if (enc->state == ENC_SNIFF && start(enc) < 0)
		return -1;
	if (enc->state == ENC_PASS) {
		enc->state = ENC_DONE;
		return 0;
	}
	enc->state = ENC_DONE;
	if (encode_batch(enc, 1) < 0)
		return -1;
	put_le32(end, 0);
	put_le64(end + 4, enc->total);
	put_le64(end + 12, enc->nchunks);
	return enc->write(enc->ctx, end, sizeof(end));
}

/* ---- decoder ---- */

enum dec_state { DEC_MAGIC, DEC_HEADER, DEC_LEN, DEC_RECORD, DEC_END, DEC_DONE, DEC_PASS };

struct sov_frame_decoder {
	sov_frame_write_fn write;
	void *ctx;
	unsigned flags;
	enum dec_state state;
	struct sov_buf pend;	/* bytes of the current item */
	size_t need;		/* size of the current item */
	uint64_t offset;	/* stored bytes before the current item */
	uint64_t total, nchunks;
	ZSTD_DCtx *dctx;
	char *chunk;		/* SOV_CDC_MAX_SIZE bytes */
};

struct sov_frame_decoder *sov_frame_decoder_new(unsigned flags, sov_frame_write_fn write,
						void *ctx)
{
	struct sov_frame_decoder *dec = sov_calloc(1, sizeof(*dec));

	sov_buf_init(&dec->pend, 0);
	sov_frame_decoder_reset(dec, flags, write, ctx);
	return dec;
}

void sov_frame_decoder_reset(struct sov_frame_decoder *dec, unsigned flags,
			     sov_frame_write_fn write, void *ctx)
{
	dec->write = write;
	dec->ctx = ctx;
	dec->flags = flags;
	dec->state = DEC_MAGIC;
	dec->need = SOV_FRAME_MAGIC_SIZE;
	dec->offset = dec->total = dec->nchunks = 0;
	sov_buf_reset(&dec->pend);
}

void sov_frame_decoder_free(struct sov_frame_decoder *dec)
{
	if (!dec)
		return;
	ZSTD_freeDCtx(dec->dctx);
	free(dec->chunk);
	sov_buf_release(&dec->pend);
	free(dec);
}

static int not_sovsync(void)
{
	return sov_error("not sovsync content (no sovsync header)");
}

static int decode_chunk(struct sov_frame_decoder *dec)
{
	const unsigned char *rec = (const unsigned char *)dec->pend.ptr;
	/* Messages point at the record, i.e. at its length field. */
	unsigned long long at = (unsigned long long)dec->offset - 4;
	unsigned long long idx = (unsigned long long)dec->nchunks;
	unsigned long long size;
	size_t n;

	if (!dec->dctx) {
		dec->dctx = ZSTD_createDCtx();
		if (!dec->dctx)
			return sov_error("zstd: cannot create a decompression context");
		dec->chunk = sov_malloc(SOV_CDC_MAX_SIZE);
	}
	/*
	 * RFC 8878: a frame starts with the magic 0xFD2FB528 and a frame
	 * header descriptor whose bit 2 is the content checksum flag.
	 */
	if (dec->pend.len < 6 || get_le32(rec) != ZSTD_MAGICNUMBER)
		return sov_error("corrupt: chunk %llu at byte %llu is not a zstd frame", idx, at);
	if (!(rec[4] & 0x04))
		return sov_error("corrupt: chunk %llu at byte %llu has no checksum", idx, at);
	size = ZSTD_getFrameContentSize(rec, dec->pend.len);
	if (size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR ||
	    size == 0 || size > SOV_CDC_MAX_SIZE)
		return sov_error("corrupt: chunk %llu at byte %llu has an invalid size", idx, at);
	if (ZSTD_findFrameCompressedSize(rec, dec->pend.len) != dec->pend.len)
		return sov_error("corrupt: chunk %llu at byte %llu: frame does not fill its record",
				 idx, at);
	n = ZSTD_decompressDCtx(dec->dctx, dec->chunk, SOV_CDC_MAX_SIZE, rec, dec->pend.len);
	if (ZSTD_isError(n)) {
		if (ZSTD_getErrorCode(n) == ZSTD_error_checksum_wrong)
			return sov_error("corrupt: chunk %llu at byte %llu: checksum mismatch",
					 idx, at);
		return sov_error("corrupt: chunk %llu at byte %llu: %s", idx, at,
				 ZSTD_getErrorName(n));
	}
	if (n != size)
		return sov_error("corrupt: chunk %llu at byte %llu: size mismatch", idx, at);
	dec->total += n;
	dec->nchunks++;
	return dec->write(dec->ctx, dec->chunk, n);
}

/* dec->pend holds dec->need bytes of the current item: act on them. */
static int decode_item(struct sov_frame_decoder *dec)
{
	const unsigned char *p = (const unsigned char *)dec->pend.ptr;
	uint32_t n;
	int i;

	switch (dec->state) {
	case DEC_MAGIC:
		if (!sov_frame_is_encoded(p, dec->pend.len)) {
			if (!(dec->flags & SOV_FRAME_PASSTHROUGH))
				return not_sovsync();
			dec->state = DEC_PASS;
			return dec->write(dec->ctx, p, dec->pend.len);
		}
		dec->state = DEC_HEADER;
		dec->need = SOV_FRAME_HEADER_SIZE;
		return 0;	/* keep the magic in pend */
	case DEC_HEADER:
		if (p[8] != SOV_FRAME_VERSION)
			return sov_error("stored with sovsync format version %u; this sovsync "
					 "reads version %u (upgrade sovsync)", p[8],
					 SOV_FRAME_VERSION);
		for (i = 10; i < SOV_FRAME_HEADER_SIZE; i++)
			if (p[i])
				return sov_error("corrupt: reserved header byte %d is not zero", i);
		dec->state = DEC_LEN;
		dec->need = 4;
		break;
	case DEC_LEN:
		n = get_le32(p);
		if (n == 0) {
			dec->state = DEC_END;
			dec->need = END_SIZE;
		} else if (n > max_record_size()) {
			return sov_error("corrupt: chunk %llu at byte %llu claims %u bytes",
					 (unsigned long long)dec->nchunks,
					 (unsigned long long)dec->offset, n);
		} else {
			dec->state = DEC_RECORD;
			dec->need = n;
		}
		break;
	case DEC_RECORD:
		if (decode_chunk(dec) < 0)
			return -1;
		dec->state = DEC_LEN;
		dec->need = 4;
		break;
	case DEC_END:
		if (get_le64(p) != dec->total || get_le64(p + 8) != dec->nchunks)
			return sov_error("corrupt: end record says %llu bytes in %llu chunks, "
					 "found %llu bytes in %llu chunks",
					 (unsigned long long)get_le64(p),
					 (unsigned long long)get_le64(p + 8),
					 (unsigned long long)dec->total,
					 (unsigned long long)dec->nchunks);
		dec->state = DEC_DONE;
		dec->need = 0;
		break;
	case DEC_DONE:
	case DEC_PASS:
		break;
	}
	dec->offset += dec->pend.len;
	sov_buf_reset(&dec->pend);
	return 0;
}

int sov_frame_decoder_write(struct sov_frame_decoder *dec, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		size_t n;

		if (dec->state == DEC_PASS)
			return dec->write(dec->ctx, p, len);
		if (dec->state == DEC_DONE)
			return sov_error("corrupt: %zu bytes after the end record", len);
		n = dec->need - dec->pend.len;
		if (n > len)
			n = len;
		sov_buf_add(&dec->pend, p, n);
		p += n;
		len -= n;
		if (dec->pend.len == dec->need && decode_item(dec) < 0)
			return -1;
	}
	return 0;
}

int sov_frame_decoder_finish(struct sov_frame_decoder *dec)
{
	switch (dec->state) {
	case DEC_DONE:
	case DEC_PASS:
		return 0;
	case DEC_MAGIC:
		/* Shorter than the magic: cannot be sovsync content. */
		if (!(dec->flags & SOV_FRAME_PASSTHROUGH))
			return not_sovsync();
		dec->state = DEC_PASS;
		return dec->pend.len ? dec->write(dec->ctx, dec->pend.ptr, dec->pend.len) : 0;
	case DEC_HEADER:
		return sov_error("corrupt: truncated inside the header");
	case DEC_LEN:
	case DEC_RECORD:
		return sov_error("corrupt: truncated at byte %llu, inside chunk %llu "
				 "(no end record)",
				 (unsigned long long)(dec->offset + dec->pend.len),
				 (unsigned long long)dec->nchunks);
	case DEC_END:
		return sov_error("corrupt: truncated inside the end record");
	}
	return 0;
}

/* ---- in memory ---- */

static int append_to_buf(void *ctx, const void *data, size_t len)
{
	sov_buf_add(ctx, data, len);
	return 0;
}

int sov_frame_encode_buf(const void *data, size_t len, struct sov_buf *out)
{
	struct sov_frame_encoder *enc = sov_frame_encoder_new(0, append_to_buf, out);
	int ret = 0;

	if (sov_frame_encoder_write(enc, data, len) < 0 || sov_frame_encoder_finish(enc) < 0)
		ret = -1;
	sov_frame_encoder_free(enc);
	return ret;
}

int sov_frame_decode_buf(const void *data, size_t len, struct sov_buf *out)
{
	struct sov_frame_decoder *dec;
	int ret = 0;

	if (!sov_frame_is_encoded(data, len))
		return not_sovsync();
	dec = sov_frame_decoder_new(0, append_to_buf, out);
	if (sov_frame_decoder_write(dec, data, len) < 0 || sov_frame_decoder_finish(dec) < 0)
		ret = -1;
	sov_frame_decoder_free(dec);
	return ret;
}
