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

/*
 * Format versions (byte 8 of the header).  Written: 3 (frames) and 4
 * (chunk pointers, chunkstore.h), whose header carries the content's size
 * and SHA-256 after the common 16 bytes.  Read: those and the older 1 and 2
 * (the same without the digest).  Anything else is refused by name.
 */
#define SOV_FRAME_VERSION 3
#define SOV_FRAME_VERSION_NODIGEST 1	/* frames before the digest (read only) */
#define SOV_FRAME_MAX_VERSION 4		/* the newest any reader here knows */
/* The 16 bytes every version starts with (magic, version, level, flags, zero). */
#define SOV_FRAME_HEADER_SIZE 16
/* Versions 3 and 4: then u64 content size and the SHA-256 of the content. */
#define SOV_FRAME_DIGEST_SIZE 40
#define SOV_FRAME_FULL_HEADER_SIZE (SOV_FRAME_HEADER_SIZE + SOV_FRAME_DIGEST_SIZE)
#define SOV_FRAME_MAGIC_SIZE 8
/*
 * Version 3: a chunk stored byte-shuffled (shuffle.h) is a record of this
 * marker, a zstd skippable frame (magic 0x184D2A5E, size 4, "SH4", the
 * phase), then the zstd frame of the shuffled bytes.
 */
#define SOV_FRAME_SHUFFLE_MARKER_SIZE 12
#define SOV_FRAME_ZSTD_LEVEL 3	/* fixed by the format version */

typedef int (*sov_frame_write_fn)(void *ctx, const void *data, size_t len);

/* What the header of a version 3 or 4 stored form says of its content. */
struct sov_frame_digest {
	uint64_t size;
	unsigned char sha256[32];
};

/* 1 if the format version `v` carries a digest in its header (3, 4). */
int sov_frame_version_has_digest(unsigned v);

/*
 * Read the digest from the first `len` bytes of a stored form (a frame or
 * a chunk pointer; SOV_FRAME_FULL_HEADER_SIZE bytes are enough): 1 with
 * `d` set, 0 when the content is not a stored form or its version has no
 * digest (1, 2: the caller hashes the content), -1 on a damaged or cut
 * header ("corrupt: ...") or a version this sovsync does not know ("stored
 * with sovsync format version N ...").  The digest is what the writer
 * claimed: only decoding the content proves it (SOV_FRAME_VERIFY).
 */
int sov_frame_header_digest(const void *data, size_t len, struct sov_frame_digest *d);

/* Check bytes 10-15 of a header (flags and reserved bytes): 0 or -1. */
int sov_frame_check_reserved(const unsigned char *header);

/* Write the shuffle marker of `phase` (0-3) to `out`. */
void sov_frame_shuffle_marker(unsigned char *out, int phase);
/*
 * The record (or chunk blob) `rec`: its phase when it starts with a
 * shuffle marker (*skip = the marker's size), -1 when it does not (*skip
 * 0), -2 when it starts like one but is damaged.
 */
int sov_frame_record_phase(const void *rec, size_t len, size_t *skip);

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
/*
 * End of content: emit the rest and the end record.  0 or -1.
 *
 * The header goes first in the stream, but its digest (size and SHA-256
 * of the content, hashed as the content goes by) is known only now: the
 * encoder writes the header with a zero digest, and the consumer, which
 * must hold the stored form until the end anyway (Git's filter protocol
 * answers only after the whole file), puts the real one in its place:
 * sov_frame_encoder_header() after finish.
 */
int sov_frame_encoder_finish(struct sov_frame_encoder *enc);
/*
 * After finish: 1 with the SOV_FRAME_FULL_HEADER_SIZE bytes of the final
 * header in `out` when the stream was encoded (they replace the first
 * bytes written), 0 when nothing is to be replaced (the input was passed
 * through as an existing stored form, or it was empty).
 */
int sov_frame_encoder_header(const struct sov_frame_encoder *enc,
			     unsigned char out[SOV_FRAME_FULL_HEADER_SIZE]);
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
/*
 * Hash the decoded content and fail at the end when the header's digest
 * (versions 3, 4) does not match it ("corrupt: content is sha256:... but
 * the header says sha256:...").  Bytes already emitted stay emitted.
 */
#define SOV_FRAME_VERIFY 2

struct sov_frame_decoder;

struct sov_frame_decoder *sov_frame_decoder_new(unsigned flags, sov_frame_write_fn write,
						void *ctx);
/* Feed stored bytes.  0 or -1 ("corrupt: ..." or a callback's error). */
int sov_frame_decoder_write(struct sov_frame_decoder *dec, const void *data, size_t len);
/* End of stored bytes: fails with "corrupt: truncated ..." if incomplete. */
int sov_frame_decoder_finish(struct sov_frame_decoder *dec);
/*
 * After the header was read: 1 with `d` set when it carries a digest, else
 * 0.
 */
int sov_frame_decoder_digest(const struct sov_frame_decoder *dec, struct sov_frame_digest *d);
/* Start a new stream with the same decoder (see sov_frame_encoder_reset). */
void sov_frame_decoder_reset(struct sov_frame_decoder *dec, unsigned flags,
			     sov_frame_write_fn write, void *ctx);
void sov_frame_decoder_free(struct sov_frame_decoder *dec);

/*
 * In-memory convenience (merge drivers, the manifest hasher): append the
 * encoded / decoded form of `data` to `out`.  Encoding content that is
 * already encoded appends it unchanged.  Decoding verifies the digest
 * (SOV_FRAME_VERIFY).  Decoding content that has no
 * sovsync header fails ("not sovsync content"): check
 * sov_frame_is_encoded() first.  0 or -1; on failure `out` may hold a
 * partial result.
 */
int sov_frame_encode_buf(const void *data, size_t len, struct sov_buf *out);
int sov_frame_decode_buf(const void *data, size_t len, struct sov_buf *out);

#endif
