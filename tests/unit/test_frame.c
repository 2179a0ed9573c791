/* Unit tests for src/filter/frame.c: round trips, determinism, idempotence,
 * pass-through, and every kind of damage the decoder must catch. */
#include "tap.h"
#include "buf.h"
#include "cdc.h"
#include "error.h"
#include "frame.h"
#include "hash.h"

#include <stdint.h>
#include <stdlib.h>

static void fill(struct sov_buf *b, size_t n, uint32_t seed, int text)
{
	size_t i;

	sov_buf_reset(b);
	for (i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		sov_buf_addch(b, text ? "abcdefgh ijk\n"[(seed >> 16) % 13] : (int)(seed >> 24));
	}
}

static int add(void *ctx, const void *data, size_t len)
{
	sov_buf_add(ctx, data, len);
	return 0;
}

static int fail_writer(void *ctx, const void *data, size_t len)
{
	return sov_error("disk full");
}

static int encode_steps(const struct sov_buf *in, int threads, size_t step, struct sov_buf *out)
{
	struct sov_frame_encoder *enc = sov_frame_encoder_new(threads, add, out);
	size_t pos = 0;
	int ret = 0;

	sov_buf_reset(out);
	while (!ret && pos < in->len) {
		size_t n = in->len - pos < step ? in->len - pos : step;

		ret = sov_frame_encoder_write(enc, in->ptr + pos, n);
		pos += n;
	}
	if (!ret)
		ret = sov_frame_encoder_finish(enc);
	/* The final header (with the digest) replaces the first one. */
	if (!ret)
		sov_frame_encoder_header(enc, (unsigned char *)out->ptr);
	sov_frame_encoder_free(enc);
	return ret;
}

static int decode_steps(const struct sov_buf *in, unsigned flags, size_t step, struct sov_buf *out)
{
	struct sov_frame_decoder *dec = sov_frame_decoder_new(flags, add, out);
	size_t pos = 0;
	int ret = 0;

	sov_buf_reset(out);
	while (!ret && pos < in->len) {
		size_t n = in->len - pos < step ? in->len - pos : step;

		ret = sov_frame_decoder_write(dec, in->ptr + pos, n);
		pos += n;
	}
	if (!ret)
		ret = sov_frame_decoder_finish(dec);
	sov_frame_decoder_free(dec);
	return ret;
}

static int decode_fails_with(const struct sov_buf *stored, const char *want)
{
	struct sov_buf out = SOV_BUF_INIT;
	int r = sov_frame_decode_buf(stored->ptr, stored->len, &out);

	sov_buf_release(&out);
	if (r == 0) {
		printf("#   decoding succeeded\n");
		return 0;
	}
	if (strncmp(sov_error_last(), want, strlen(want))) {
		printf("#   message: %s\n", sov_error_last());
		return 0;
	}
	return 1;
}

/* The version 1 form (no digest) of a version 3 stored form `v3`. */
static void to_version1(const struct sov_buf *v3, struct sov_buf *out)
{
	sov_buf_reset(out);
	sov_buf_add(out, v3->ptr, SOV_FRAME_HEADER_SIZE);
	out->ptr[8] = SOV_FRAME_VERSION_NODIGEST;
	sov_buf_add(out, v3->ptr + SOV_FRAME_FULL_HEADER_SIZE,
		    v3->len - SOV_FRAME_FULL_HEADER_SIZE);
}

/* The header's digest: size and SHA-256 of the content. */
static void test_digest(void)
{
	struct sov_buf in = SOV_BUF_INIT, a = SOV_BUF_INIT, b = SOV_BUF_INIT;
	struct sov_buf old = SOV_BUF_INIT, bad = SOV_BUF_INIT;
	struct sov_frame_digest d;
	char want[SOV_SHA256_HEXLEN + 1], got[SOV_SHA256_HEXLEN + 1];
	static const size_t sizes[] = { 1, 4194304, 4194304 + 12345, 9000001 };
	size_t i;
	int all = 1;

	for (i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		fill(&in, sizes[i], (uint32_t)i + 77, i & 1);
		sov_buf_reset(&a);
		if (sov_frame_encode_buf(in.ptr, in.len, &a) < 0 ||
		    sov_frame_header_digest(a.ptr, SOV_FRAME_FULL_HEADER_SIZE, &d) != 1) {
			all = 0;
			continue;
		}
		sov_sha256_hex(in.ptr, in.len, want);
		sov_sha256_to_hex(d.sha256, got);
		if (d.size != in.len || strcmp(want, got) || a.ptr[8] != SOV_FRAME_VERSION) {
			printf("#   size %zu: header says %llu sha256:%s\n", in.len,
			       (unsigned long long)d.size, got);
			all = 0;
		}
		/* Streamed in odd pieces on 3 threads: the same bytes. */
		if (encode_steps(&in, 3, 100003, &b) < 0 || b.len != a.len ||
		    memcmp(a.ptr, b.ptr, a.len))
			all = 0;
	}
	ok(all, "the header holds the content's size and SHA-256, whatever the writes");

	fill(&in, 700000, 5, 1);
	sov_buf_reset(&a);
	sov_frame_encode_buf(in.ptr, in.len, &a);
	sov_sha256_hex(in.ptr, in.len, want);
	ok(sov_frame_header_digest(a.ptr, a.len, &d) == 1 && d.size == in.len,
	   "header_digest reads it from the first bytes");
	ok(!decode_steps(&a, SOV_FRAME_VERIFY, 1, &b) && b.len == in.len &&
	   !memcmp(b.ptr, in.ptr, in.len), "a verified decode byte by byte");
	{
		struct sov_frame_decoder *dec = sov_frame_decoder_new(0, add, &b);

		sov_buf_reset(&b);
		ok(!sov_frame_decoder_write(dec, a.ptr, SOV_FRAME_FULL_HEADER_SIZE) &&
		   sov_frame_decoder_digest(dec, &d) == 1 && d.size == in.len,
		   "the decoder tells the digest once it has the header");
		sov_frame_decoder_free(dec);
	}

	/* Content stored before the digest (version 1) is still read. */
	to_version1(&a, &old);
	ok(sov_frame_decode_buf(old.ptr, old.len, &b) == 0 && b.len == in.len &&
	   !memcmp(b.ptr, in.ptr, in.len), "a version 1 stored form decodes");
	ok(sov_frame_header_digest(old.ptr, old.len, &d) == 0,
	   "... and has no digest: the caller hashes the content");
	ok(!encode_steps(&old, 2, 4096, &b) && b.len == old.len && !memcmp(b.ptr, old.ptr, old.len),
	   "... and passes through the encoder unchanged");
	{
		struct sov_frame_encoder *enc = sov_frame_encoder_new(1, add, &b);
		unsigned char h[SOV_FRAME_FULL_HEADER_SIZE];

		sov_buf_reset(&b);
		ok(!sov_frame_encoder_write(enc, a.ptr, a.len) && !sov_frame_encoder_finish(enc) &&
		   sov_frame_encoder_header(enc, h) == 0,
		   "a stored form passed through: no header to replace");
		sov_frame_encoder_free(enc);
	}

	/* A damaged or cut digest field. */
	sov_buf_reset(&bad);
	sov_buf_add(&bad, a.ptr, 30);
	ok(decode_fails_with(&bad, "corrupt: truncated inside the header"),
	   "a header cut inside the digest");
	ok(sov_frame_header_digest(bad.ptr, bad.len, &d) < 0 &&
	   !strcmp(sov_error_last(), "corrupt: truncated inside the header"),
	   "header_digest says so too");
	sov_buf_reset(&bad);
	sov_buf_add(&bad, a.ptr, a.len);
	bad.ptr[SOV_FRAME_HEADER_SIZE] ^= 1;
	ok(decode_fails_with(&bad, "corrupt: the header says 700001 bytes of content, found 700000"),
	   "a wrong size in the header");
	sov_buf_reset(&bad);
	sov_buf_add(&bad, a.ptr, a.len);
	bad.ptr[10] = 1;
	ok(decode_fails_with(&bad, "corrupt: reserved header byte 10") &&
	   sov_frame_header_digest(bad.ptr, bad.len, &d) < 0, "an unknown flag");
	bad.ptr[10] = 0;
	bad.ptr[8] = 9;
	ok(sov_frame_header_digest(bad.ptr, bad.len, &d) < 0 &&
	   strstr(sov_error_last(), "format version 9"), "header_digest names a newer version");

	/* A lying digest: the content is intact, the header claims another. */
	sov_buf_reset(&bad);
	sov_buf_add(&bad, a.ptr, a.len);
	bad.ptr[SOV_FRAME_HEADER_SIZE + 8] ^= 0x40;
	ok(decode_fails_with(&bad, "corrupt: content is sha256:") &&
	   strstr(sov_error_last(), want), "a lying digest is caught by a verified decode");
	ok(!decode_steps(&bad, SOV_FRAME_PASSTHROUGH, 65536, &b) && b.len == in.len,
	   "an unverified decode (smudge) gives the content, checked by its chunk checksums");

	sov_buf_release(&in);
	sov_buf_release(&a);
	sov_buf_release(&b);
	sov_buf_release(&old);
	sov_buf_release(&bad);
}

int main(void)
{
	struct sov_buf in = SOV_BUF_INIT, a = SOV_BUF_INIT, b = SOV_BUF_INIT;
	struct sov_buf c = SOV_BUF_INIT, bad = SOV_BUF_INIT;
	static const size_t sizes[] = { 0, 1, 7, 8, 15, 16, 17, 1000, 16384, 16385,
					262144, 262145, 4194304, 4194304 + 300000, 9000001 };
	size_t i;
	int all = 1;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		fill(&in, sizes[i], (uint32_t)i, i % 2);
		if (sov_frame_encode_buf(in.ptr, in.len, &a) < 0 ||
		    (in.len && !sov_frame_is_encoded(a.ptr, a.len)) ||
		    (in.len && sov_frame_decode_buf(a.ptr, a.len, &b) < 0) ||
		    b.len != in.len || memcmp(b.ptr, in.ptr, in.len)) {
			printf("#   size %zu: %s\n", sizes[i], sov_error_last());
			all = 0;
		}
		sov_buf_reset(&a);
		sov_buf_reset(&b);
	}
	ok(all, "round trip of sizes 0 .. 9 MB across batch and chunk limits");

	sov_frame_encode_buf("", 0, &a);
	is_int(a.len, 0, "empty content is stored empty");

	fill(&in, 6000000, 42, 1);
	ok(!encode_steps(&in, 1, in.len, &a), "encode with 1 thread");
	ok(!encode_steps(&in, 2, 4096, &b), "encode with 2 threads, 4 KiB writes");
	ok(a.len == b.len && !memcmp(a.ptr, b.ptr, a.len), "output is identical for any thread count");
	ok(!encode_steps(&in, 7, 1, &c), "encode with 7 threads, 1-byte writes");
	ok(a.len == c.len && !memcmp(a.ptr, c.ptr, a.len), "... and any write size");
	ok(!encode_steps(&in, SOV_FRAME_MAX_THREADS * 4, in.len, &c) && a.len == c.len &&
	   !memcmp(a.ptr, c.ptr, a.len),
	   "more threads than SOV_FRAME_MAX_THREADS: clamped, the same output");
	ok(a.len < in.len / 2, "text is compressed (%zu -> %zu)", in.len, a.len);
	is_int(a.ptr[8], SOV_FRAME_VERSION, "the header names the format version");

	ok(!encode_steps(&a, 2, 1000, &b) && b.len == a.len && !memcmp(a.ptr, b.ptr, a.len),
	   "encoding stored content returns it unchanged (idempotent)");
	ok(!decode_steps(&a, 0, 1, &b) && b.len == in.len && !memcmp(b.ptr, in.ptr, in.len),
	   "decoding byte by byte works");

	fill(&in, 5000, 9, 1);
	ok(!decode_steps(&in, SOV_FRAME_PASSTHROUGH, 100, &b) && b.len == in.len &&
	   !memcmp(b.ptr, in.ptr, in.len), "content without a header passes through");
	ok(!decode_steps(&(struct sov_buf){ "\x89SO", 3, 0 }, SOV_FRAME_PASSTHROUGH, 1, &b) &&
	   b.len == 3, "a short prefix of the magic passes through");
	ok(sov_frame_decode_buf(in.ptr, in.len, &b) < 0 &&
	   strstr(sov_error_last(), "not sovsync content"), "decode_buf refuses plain content");
	ok(!sov_frame_is_encoded("\x89SOVSYN", 7), "is_encoded needs the whole magic");

	/* Damage, one kind at a time. */
	fill(&in, 600000, 3, 1);
	sov_buf_reset(&a);
	sov_frame_encode_buf(in.ptr, in.len, &a);
	sov_buf_reset(&bad);
	sov_buf_add(&bad, a.ptr, a.len);
	bad.ptr[a.len / 2] ^= 0x10;
	ok(decode_fails_with(&bad, "corrupt: chunk "), "a flipped byte is corrupt");
	sov_buf_setlen(&bad, 0);
	sov_buf_add(&bad, a.ptr, a.len - 1);
	ok(decode_fails_with(&bad, "corrupt: truncated"), "a missing last byte is truncated");
	sov_buf_setlen(&bad, 10);
	ok(decode_fails_with(&bad, "corrupt: truncated inside the header"), "a cut header");
	sov_buf_setlen(&bad, 0);
	sov_buf_add(&bad, a.ptr, a.len);
	sov_buf_addch(&bad, 0);
	ok(decode_fails_with(&bad, "corrupt: 1 bytes after the end record"), "trailing bytes");
	sov_buf_setlen(&bad, 0);
	sov_buf_add(&bad, a.ptr, a.len);
	bad.ptr[a.len - 16] ^= 1;
	ok(decode_fails_with(&bad, "corrupt: end record says"), "a wrong end record");
	sov_buf_setlen(&bad, 0);
	sov_buf_add(&bad, a.ptr, a.len);
	bad.ptr[12] = 1;
	ok(decode_fails_with(&bad, "corrupt: reserved header byte 12"), "reserved header bytes");
	sov_buf_setlen(&bad, 0);
	sov_buf_add(&bad, a.ptr, a.len);
	bad.ptr[SOV_FRAME_FULL_HEADER_SIZE + 3] = 0x7f;
	ok(decode_fails_with(&bad, "corrupt: chunk 0 at byte 56 claims"), "an absurd record length");
	sov_buf_setlen(&bad, 0);
	sov_buf_add(&bad, a.ptr, a.len);
	bad.ptr[SOV_FRAME_FULL_HEADER_SIZE + 4] = 0;
	ok(decode_fails_with(&bad, "corrupt: chunk 0 at byte 56 is not a zstd frame"),
	   "a record that is not a zstd frame");
	sov_buf_setlen(&bad, 0);
	sov_buf_add(&bad, a.ptr, a.len);
	bad.ptr[SOV_FRAME_FULL_HEADER_SIZE + 8] &= (char)~0x04;
	ok(decode_fails_with(&bad, "corrupt: chunk 0 at byte 56 has no checksum"),
	   "a frame without checksum");
	sov_buf_setlen(&bad, 0);
	sov_buf_add(&bad, a.ptr, a.len);
	bad.ptr[8] = 5;
	ok(decode_fails_with(&bad, "stored with sovsync format version 5; this sovsync reads "
			     "versions 1 to 4 (upgrade sovsync)"), "a newer version");

	{
		/* Random damage: refused as corrupt, or (when it cannot change
		 * the content, e.g. a window size) decoded exactly; never garbage. */
		uint32_t r = 12345;
		int k, never_garbage = 1, refused = 0;

		for (k = 0; k < 3000; k++) {
			size_t at;

			sov_buf_setlen(&bad, 0);
			sov_buf_add(&bad, a.ptr, a.len);
			r = r * 1103515245 + 12345;
			at = (r >> 8) % a.len;
			if (k % 3 == 0)
				sov_buf_setlen(&bad, at);
			else
				bad.ptr[at] ^= (char)(1 + (r >> 24) % 255);
			sov_buf_reset(&b);
			if (sov_frame_decode_buf(bad.ptr, bad.len, &b) < 0) {
				refused++;
				if (strncmp(sov_error_last(), "corrupt", 7) &&
				    strncmp(sov_error_last(), "not sovsync", 11) &&
				    strncmp(sov_error_last(), "stored with", 11)) {
					printf("#   odd message: %s\n", sov_error_last());
					never_garbage = 0;
				}
			} else if (b.len != in.len || memcmp(b.ptr, in.ptr, in.len)) {
				never_garbage = 0;
			}
		}
		ok(never_garbage, "3000 random damages: never garbage (%d refused)", refused);
	}

	{
		struct sov_frame_encoder *enc = sov_frame_encoder_new(2, fail_writer, NULL);

		ok(sov_frame_encoder_write(enc, in.ptr, in.len) < 0 ||
		   sov_frame_encoder_finish(enc) < 0, "a failing writer fails the encoder");
		is_str(sov_error_last(), "disk full", "... with the writer's message");
		sov_frame_encoder_free(enc);
	}

	test_digest();

	sov_buf_release(&in);
	sov_buf_release(&a);
	sov_buf_release(&b);
	sov_buf_release(&c);
	sov_buf_release(&bad);
	return done_testing();
}
