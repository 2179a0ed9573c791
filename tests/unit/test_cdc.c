/* Unit tests for src/filter/cdc.c: the gear table, size limits, locality. */
#include "tap.h"
#include "cdc.h"

#include <stdint.h>
#include <stdlib.h>

static uint64_t rng_state;

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static void fill_random(unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(splitmix64(&rng_state) >> 56);
}

/* Chunk boundaries (end offsets) of p[0..n), as the streaming encoder cuts. */
static size_t cut_all(const unsigned char *p, size_t n, size_t *ends, size_t max)
{
	size_t pos = 0, k = 0;

	while (pos < n && k < max) {
		pos += sov_cdc_cut(p + pos, n - pos);
		ends[k++] = pos;
	}
	return k;
}

int main(void)
{
	enum { N = 8 * 1024 * 1024 };
	unsigned char *a = malloc(N), *b = malloc(N + 1000);
	size_t *ea = malloc(N / 1024 * sizeof(size_t)), *eb = malloc(N / 1024 * sizeof(size_t));
	size_t na, nb, i, j, shared, minsz = SIZE_MAX, maxsz = 0;
	uint64_t seed = UINT64_C(0x736f7673796e6331);
	int table_ok = 1;

	for (i = 0; i < 256; i++)
		if (sov_cdc_gear[i] != splitmix64(&seed))
			table_ok = 0;
	ok(table_ok, "the gear table is splitmix64 from the seed \"sovsync1\"");

	is_int(sov_cdc_cut(a, 0), 0, "no input, no chunk");
	rng_state = 1;
	fill_random(a, N);
	is_int(sov_cdc_cut(a, 100), 100, "a short tail is one chunk");
	is_int(sov_cdc_cut(a, SOV_CDC_MIN_SIZE), SOV_CDC_MIN_SIZE, "the minimum is one chunk");

	na = cut_all(a, N, ea, N / 1024);
	for (i = 0; i < na; i++) {
		size_t sz = ea[i] - (i ? ea[i - 1] : 0);

		if (i + 1 < na && sz < minsz)
			minsz = sz;
		if (sz > maxsz)
			maxsz = sz;
	}
	ok(minsz >= SOV_CDC_MIN_SIZE, "no chunk but the last is below the minimum (%zu)", minsz);
	ok(maxsz <= SOV_CDC_MAX_SIZE, "no chunk is above the maximum (%zu)", maxsz);
	ok(N / na > SOV_CDC_AVG_SIZE / 2 && N / na < SOV_CDC_AVG_SIZE * 2,
	   "random data averages near the normal size (%zu)", (size_t)(N / na));

	memset(b, 'x', SOV_CDC_MAX_SIZE * 2);
	is_int(sov_cdc_cut(b, SOV_CDC_MAX_SIZE * 2), SOV_CDC_MAX_SIZE,
	       "data without boundaries is cut at the maximum");

	/* Insert 1000 bytes in the middle: only the chunks around it change. */
	memcpy(b, a, N / 2);
	fill_random(b + N / 2, 1000);
	memcpy(b + N / 2 + 1000, a + N / 2, N / 2);
	nb = cut_all(b, N + 1000, eb, N / 1024);
	shared = 0;
	for (i = 0, j = 0; i < na && j < nb;) {
		size_t x = ea[i], y = eb[j] >= N / 2 + 1000 ? eb[j] - 1000 : eb[j];

		if (eb[j] > N / 2 && eb[j] < N / 2 + 1000) {
			j++;
			continue;
		}
		if (x == y) {
			shared++;
			i++;
			j++;
		} else if (x < y) {
			i++;
		} else {
			j++;
		}
	}
	ok(shared + 3 >= na, "an insertion changes at most 3 boundaries (%zu of %zu kept)",
	   shared, na);

	free(a);
	free(b);
	free(ea);
	free(eb);
	return done_testing();
}
