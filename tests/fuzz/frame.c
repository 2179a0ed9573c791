/*
 * Fuzz target: the stored-frame codec (src/filter/frame.c) that the smudge filter,
 * the merge drivers and the manifest hasher run on blobs from other clones.
 *   - crash target: decoding arbitrary bytes never crashes, and output is
 *     produced only on success;
 *   - round trip: clean then smudge (encode, decode) returns the content;
 *   - integrity: the encoded form with one byte changed (position and
 *     value chosen by the input) never decodes successfully to anything
 *     but the original content (the zstd checksums, the end record and
 *     the header checks must catch it).
 * Content is the input itself, or when the first byte has its top bit
 * set the rest of the input repeated up to (first byte & 0x7f) * 2 KiB, so
 * that inputs reach the multi-chunk paths (chunks are 16-256 KiB).
 *
 * Encoding goes through one encoder reset per input, as in
 * `sovsync filter-process`: a new encoder per input (sov_frame_encode_buf)
 * costs its batch buffers and runs ~20 times slower under ASan.  Every
 * 64th input uses sov_frame_encode_buf instead, and must give the same bytes.
 */
#include "buf.h"
#include "frame.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static int append(void *ctx, const void *data, size_t len)
{
	sov_buf_add(ctx, data, len);
	return 0;
}

static struct sov_frame_encoder *encoder;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	encoder = sov_frame_encoder_new(1, append, NULL);
	/* Output never depends on the thread count; one keeps runs cheap. */
	setenv("SOVSYNC_FILTER_THREADS", "1", 1);
	return 0;
}

static uint64_t mix(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n--)
		h = (h ^ *p++) * 1099511628211ULL;
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sov_buf content = SOV_BUF_INIT, enc = SOV_BUF_INIT, dec = SOV_BUF_INIT;
	uint64_t h;

	/* Crash target: the input as stored bytes. */
	if (sov_frame_decode_buf(data, size, &dec) < 0 && !sov_frame_is_encoded(data, size) &&
	    dec.len)
		abort();
	sov_buf_reset(&dec);

	if (size > 1 && (data[0] & 0x80)) {
		size_t want = (size_t)(data[0] & 0x7f) * 2048;

		while (content.len < want)
			sov_buf_add(&content, data + 1, size - 1);
	} else {
		sov_buf_add(&content, data, size);
	}

	/* Content that is already in stored form is passed through. */
	sov_frame_encoder_reset(encoder, append, &enc);
	if (sov_frame_encoder_write(encoder, content.ptr, content.len) < 0 ||
	    sov_frame_encoder_finish(encoder) < 0)
		abort();
	/* The final header (with the content's digest) replaces the first. */
	sov_frame_encoder_header(encoder, (unsigned char *)enc.ptr);
	if (mix(data, size) % 64 == 0) {
		struct sov_buf again = SOV_BUF_INIT;

		if (sov_frame_encode_buf(content.ptr, content.len, &again) < 0 ||
		    again.len != enc.len || memcmp(again.ptr, enc.ptr, enc.len))
			abort();
		sov_buf_release(&again);
	}
	if (sov_frame_is_encoded(content.ptr, content.len)) {
		if (enc.len != content.len || memcmp(enc.ptr, content.ptr, enc.len))
			abort();
		goto out;
	}
	if (!content.len) {
		if (enc.len)
			abort();
		goto out;
	}
	if (sov_frame_decode_buf(enc.ptr, enc.len, &dec) < 0 || dec.len != content.len ||
	    memcmp(dec.ptr, content.ptr, dec.len))
		abort();

	/* One changed byte. */
	h = mix(data, size);
	{
		size_t pos = (size_t)(h % enc.len);
		unsigned char delta = (unsigned char)((h >> 32) % 255 + 1);

		enc.ptr[pos] ^= delta;
		sov_buf_reset(&dec);
		if (sov_frame_decode_buf(enc.ptr, enc.len, &dec) == 0 &&
		    (dec.len != content.len || memcmp(dec.ptr, content.ptr, dec.len)))
			abort();
		/* Truncated by the input-chosen amount: never a success. */
		sov_buf_reset(&dec);
		enc.ptr[pos] ^= delta;
		if (sov_frame_decode_buf(enc.ptr, pos, &dec) == 0 && pos)
			abort();
	}
out:
	sov_buf_release(&content);
	sov_buf_release(&enc);
	sov_buf_release(&dec);
	return 0;
}
