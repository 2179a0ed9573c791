/*
 * frame.h - the stored format of large files: a sovsync header, then the
 * content cut into content-defined chunks (cdc.h), each an independent zstd
 * frame with a checksum, then an end record.  docs/FORMATS.md ("Stored
 * format of large files") is the full specification.
 *
 * Determinism: the encoded bytes depend only on the content.  The zstd
 * level, frame parameters and chunking are constants of the format version,
 * and chunks are compressed independently, so the output is the same for
 * any thread count and any local setting (two clones store the same blob).
 *
 * Empty content encodes to empty content (Git assumes that of filters).
 *
 * Idempotence: the encoder passes input that already starts with a sovsync
 * header through unchanged.  The decoder fails on damaged content with a
 * message beginning "corrupt" ("corrupt: truncated ..." when the content
 * ends early) and never emits a byte of a chunk it could not verify; with
 * SOV_FRAME_PASSTHROUGH it copies content without a sovsync header
 * unchanged (files committed before they were tracked).
 *
 * Memory is bounded whatever the input size: the encoder holds one batch of
 * chunks (a few MiB) and the decoder one chunk.  Output goes to a callback
 * as it is produced; callbacks return 0 or -1 (with sov_error set).
 */
#ifndef SOV_FRAME_H
#define SOV_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define SOV_FRAME_VERSION 1
#define SOV_FRAME_HEADER_SIZE 16
#define SOV_FRAME_MAGIC_SIZE 8
#define SOV_FRAME_ZSTD_LEVEL 3	/* fixed by format version 1 */

typedef int (*sov_frame_write_fn)(void *ctx, const void *data, size_t len);

/* 1 if `data` starts with a sovsync header (its magic), else 0. */
int sov_frame_is_encoded(const void *data, size_t len);

/* The most threads an encoder runs; more asked for are clamped to it. */
#define SOV_FRAME_MAX_THREADS 64

struct sov_frame_encoder;

/*
 * A streaming encoder writing to `write(ctx, ...)`.  `threads` < 1 means
 * the default: SOVSYNC_FILTER_THREADS if set (1-64), else the number of
 * online CPUs, at most 8; more than SOV_FRAME_MAX_THREADS run that many.
 * The output never depends on the number of threads.  Free with sov_frame_encoder_free().
 */
struct sov_frame_encoder *sov_frame_encoder_new(int threads, sov_frame_write_fn write,
						void *ctx);
/* Feed content.  0 or -1 (a write callback failed, or zstd did). */
int sov_frame_encoder_write(struct sov_frame_encoder *enc, const void *data, size_t len);
/* End of content: emit the rest and the end record.  0 or -1. */
int sov_frame_encoder_finish(struct sov_frame_encoder *enc);
/*
 * Start a new stream with the same encoder, keeping its zstd contexts and
 * buffers: a filter serving thousands of small files must not pay for them
 * every time.
 */
void sov_frame_encoder_reset(struct sov_frame_encoder *enc, sov_frame_write_fn write,
			     void *ctx);
/*
 * Encode the current stream even if it starts with a sovsync header (call
 * after _new or _reset, before the first write; _reset clears it): content
 * that only looks like a stored form must be wrapped, or the decoder would
 * take it for one (filter.h, the small-file rule).
 */
void sov_frame_encoder_encode_all(struct sov_frame_encoder *enc);
void sov_frame_encoder_free(struct sov_frame_encoder *enc);

#define SOV_FRAME_PASSTHROUGH 1	/* copy content without a header as is */

struct sov_frame_decoder;

struct sov_frame_decoder *sov_frame_decoder_new(unsigned flags, sov_frame_write_fn write,
						void *ctx);
/* Feed stored bytes.  0 or -1 ("corrupt: ..." or a callback's error). */
int sov_frame_decoder_write(struct sov_frame_decoder *dec, const void *data, size_t len);
/* End of stored bytes: fails with "corrupt: truncated ..." if incomplete. */
int sov_frame_decoder_finish(struct sov_frame_decoder *dec);
/* Start a new stream with the same decoder (see sov_frame_encoder_reset). */
void sov_frame_decoder_reset(struct sov_frame_decoder *dec, unsigned flags,
			     sov_frame_write_fn write, void *ctx);
void sov_frame_decoder_free(struct sov_frame_decoder *dec);

/*
 * In-memory convenience (merge drivers, the manifest hasher): append the
 * encoded / decoded form of `data` to `out`.  Encoding content that is
 * already encoded appends it unchanged.  Decoding content that has no
 * sovsync header fails ("not sovsync content"): check
 * sov_frame_is_encoded() first.  0 or -1; on failure `out` may hold a
 * partial result.
 */
int sov_frame_encode_buf(const void *data, size_t len, struct sov_buf *out);
int sov_frame_decode_buf(const void *data, size_t len, struct sov_buf *out);

#endif
