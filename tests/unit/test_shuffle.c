/*
 * Unit tests for src/filter/shuffle.c and the shuffled chunks of the stored
 * form: the transform is exactly reversible for any length and phase, the
 * detector takes float32 data and leaves text, noise and integers alone, a
 * stored form of floats of any length decodes byte for byte, and a damaged
 * transform marker is refused, never decoded into other bytes.
 */
#include "tap.h"
#include "buf.h"
#include "error.h"
#include "frame.h"
#include "shuffle.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng = 2026;

static uint32_t next(void)
{
	rng = rng * 1103515245 + 12345;
	return rng >> 8;
}

/* `n` bytes: `lead` bytes of noise, then little-endian float32 embeddings-like values. */
static void floats(struct sov_buf *b, size_t n, size_t lead)
{
	size_t i;

	sov_buf_reset(b);
	for (i = 0; i < lead && i < n; i++)
		sov_buf_addch(b, (int)(next() & 0xff));
	while (b->len < n) {
		float f = ((float)(next() % 20001) - 10000.0f) / 250000.0f;
		unsigned char p[4];
		uint32_t v;

		memcpy(&v, &f, 4);
		p[0] = v & 0xff;
		p[1] = (v >> 8) & 0xff;
		p[2] = (v >> 16) & 0xff;
		p[3] = v >> 24;
		sov_buf_add(b, p, n - b->len < 4 ? n - b->len : 4);
	}
}

int main(void)
{
	struct sov_buf in = SOV_BUF_INIT, st = SOV_BUF_INIT, out = SOV_BUF_INIT;
	unsigned char a[5000], s[5000], r[5000];
	int k, all = 1, phase;

	for (k = 0; k < 2000; k++) {
		size_t len = next() % sizeof(a), i, plane;
		int ph = (int)(next() % 4);

		if ((size_t)ph > len)
			ph = (int)len;
		for (i = 0; i < len; i++)
			a[i] = (unsigned char)next();
		sov_shuffle(a, len, ph, s, &plane);
		sov_unshuffle(s, len, ph, r);
		if (memcmp(a, r, len) || plane != (len - (size_t)ph) / 4)
			all = 0;
	}
	ok(all, "shuffle then unshuffle is the identity (2000 random lengths and phases)");

	{
		size_t plane;

		memcpy(a, "abcdefghij", 10);
		sov_shuffle(a, 10, 1, s, &plane);
		ok(plane == 2 && !memcmp(s, "a" "bf" "cg" "dh" "ei" "j", 10),
		   "the layout: phase bytes, the four planes, the rest");
	}

	for (k = 0; k < 4; k++) {
		floats(&in, 65536 + (size_t)k, (size_t)k);
		phase = sov_shuffle_detect((const unsigned char *)in.ptr, in.len);
		if (phase != k) {
			printf("#   floats after %d bytes: phase %d\n", k, phase);
			all = 0;
		}
	}
	ok(all, "float32 data is detected at its alignment");
	sov_buf_reset(&in);
	while (in.len < 65536)
		sov_buf_addstr(&in, "{\"id\":\"m0001\",\"memory\":\"Likes tea 42 and Coffee\"}\n");
	ok(sov_shuffle_detect((const unsigned char *)in.ptr, in.len) == -1, "JSONL text is not");
	sov_buf_reset(&in);
	while (in.len < 65536)
		sov_buf_addstr(&in, "[0.0123, -0.0456, 0.0789, 0.1011, -0.1213],\n");
	ok(sov_shuffle_detect((const unsigned char *)in.ptr, in.len) == -1,
	   "embeddings written as JSON text are not");
	sov_buf_reset(&in);
	for (k = 0; k < 65536; k++)
		sov_buf_addch(&in, (int)(next() & 0xff));
	ok(sov_shuffle_detect((const unsigned char *)in.ptr, in.len) == -1, "random bytes are not");
	sov_buf_reset(&in);
	for (k = 0; k < 16384; k++) {
		uint32_t v = (uint32_t)k * 3;

		sov_buf_add(&in, &v, 4);
	}
	ok(sov_shuffle_detect((const unsigned char *)in.ptr, in.len) == -1, "small integers are not");
	floats(&in, SOV_SHUFFLE_MIN_SIZE - 1, 0);
	ok(sov_shuffle_detect((const unsigned char *)in.ptr, in.len) == -1,
	   "nor anything shorter than SOV_SHUFFLE_MIN_SIZE");

	/* Stored forms of float data: any length, byte for byte back. */
	all = 1;
	for (k = 0; k < 60; k++) {
		size_t n = k < 20 ? 1000 + next() % 5000 : next() % 3000000;

		floats(&in, n, next() % 7);
		sov_buf_reset(&st);
		sov_buf_reset(&out);
		if (sov_frame_encode_buf(in.ptr, in.len, &st) < 0 ||
		    sov_frame_decode_buf(st.ptr, st.len, &out) < 0 || out.len != in.len ||
		    memcmp(out.ptr, in.ptr, in.len)) {
			printf("#   length %zu: %s\n", n, sov_error_last());
			all = 0;
		}
	}
	ok(all, "60 float files of random lengths (not multiples of 4) decode byte for byte");

	floats(&in, 1000000, 2);
	sov_buf_reset(&st);
	sov_frame_encode_buf(in.ptr, in.len, &st);
	{
		const char *m = memmem(st.ptr, st.len, "SH4", 3);

		ok(m && m[3] == 2, "its chunks are marked shuffled, at phase 2");
		ok(st.len < in.len * 9 / 10, "and compress better than 0.9 (%zu of %zu)", st.len,
		   in.len);
		st.ptr[m - st.ptr + 3] = 7;
		ok(sov_frame_decode_buf(st.ptr, st.len, &out) < 0 &&
		   strstr(sov_error_last(), "a damaged transform marker"),
		   "a damaged marker is refused: %s", sov_error_last());
		st.ptr[m - st.ptr + 3] = 2;
		st.ptr[m - st.ptr - 8] ^= 0x01;	/* the marker's magic: no longer a zstd one */
		ok(sov_frame_decode_buf(st.ptr, st.len, &out) < 0 &&
		   strstr(sov_error_last(), "is not a zstd frame"),
		   "a marker whose magic is damaged is no frame: %s", sov_error_last());
	}

	sov_buf_release(&in);
	sov_buf_release(&st);
	sov_buf_release(&out);
	return done_testing();
}
