/*
 * shuffle.c - byte shuffle of float32 chunks; see shuffle.h.
 */
#include "shuffle.h"

#include <stdint.h>
#include <string.h>

/* Values looked at per phase: enough for a stable answer, cheap. */
#define SAMPLE 4096u

/*
 * A plausible float: zero, or a magnitude between 2^-24 and 2^24 (biased
 * exponent 103-151).  Text read as floats has the exponent of its last
 * byte, mostly letters (2^67 and up) or spaces and digits (2^-63 to
 * 2^-30); random bytes land in the window 19% of the time; small integers
 * are denormals.  Embeddings, coordinates, audio samples and weights fall
 * in it.
 */
static int plausible(uint32_t v)
{
	uint32_t e = (v >> 23) & 0xff;

	return !(v & 0x7fffffff) || (e >= 103 && e <= 151);
}

int sov_shuffle_detect(const unsigned char *data, size_t len)
{
	int phase, best = -1;
	size_t best_hits = 0;

	if (len < SOV_SHUFFLE_MIN_SIZE)
		return -1;
	for (phase = 0; phase < 4; phase++) {
		size_t n = (len - (size_t)phase) / 4, step, i, seen = 0, hits = 0;

		step = n > SAMPLE ? n / SAMPLE : 1;
		for (i = 0; i < n && seen < SAMPLE; i += step, seen++) {
			const unsigned char *p = data + phase + 4 * i;
			uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
				     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;

			hits += plausible(v);
		}
		/* At least 15 in 16 values, and strictly better than a smaller phase. */
		if (hits * 16 >= seen * 15 && hits > best_hits) {
			best = phase;
			best_hits = hits;
		}
	}
	return best;
}

void sov_shuffle(const unsigned char *in, size_t len, int phase, unsigned char *out,
		 size_t *plane_size)
{
	size_t n = (len - (size_t)phase) / 4, i, rest;
	const unsigned char *v = in + phase;

	memcpy(out, in, (size_t)phase);
	out += phase;
	for (i = 0; i < n; i++) {
		out[i] = v[4 * i];
		out[n + i] = v[4 * i + 1];
		out[2 * n + i] = v[4 * i + 2];
		out[3 * n + i] = v[4 * i + 3];
	}
	rest = len - (size_t)phase - 4 * n;
	memcpy(out + 4 * n, v + 4 * n, rest);
	*plane_size = n;
}

void sov_unshuffle(const unsigned char *in, size_t len, int phase, unsigned char *out)
{
	size_t n = (len - (size_t)phase) / 4, i, rest;
	unsigned char *v = out + phase;

	memcpy(out, in, (size_t)phase);
	in += phase;
	for (i = 0; i < n; i++) {
		v[4 * i] = in[i];
		v[4 * i + 1] = in[n + i];
		v[4 * i + 2] = in[2 * n + i];
		v[4 * i + 3] = in[3 * n + i];
	}
	rest = len - (size_t)phase - 4 * n;
	memcpy(v + 4 * n, in + 4 * n, rest);
}
