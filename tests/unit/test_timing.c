/* Unit tests for src/util/timing.c: clock, random draws, full-jitter backoff. */
#include "tap.h"
#include "timing.h"

#include <stdint.h>

static void test_backoff(void)
{
	uint64_t r;
	int i, within = 1, saw_top = 0, saw_zero = 0;

	is_int(sov_timing_backoff_ms(0, 2000, 300000, 12345), 0, "no failure: no delay");
	is_int(sov_timing_backoff_ms(1, 2000, 300000, 2000), 2000, "first failure: up to the base");
	is_int(sov_timing_backoff_ms(1, 2000, 300000, 2001), 0, "drawn modulo cap + 1");
	is_int(sov_timing_backoff_ms(3, 2000, 300000, UINT64_MAX - (UINT64_MAX % 8001) - 1), 8000,
	       "third failure: up to 4x the base");
	/* Far past the ceiling: capped, never overflowing. */
	for (i = 0, r = 1; i < 1000; i++, r = r * 6364136223846793005ULL + 1442695040888963407ULL) {
		int64_t d = sov_timing_backoff_ms(200, 2000, 300000, r);
		if (d < 0 || d > 300000)
			within = 0;
		if (d > 290000)
			saw_top = 1;
		if (d < 10000)
			saw_zero = 1;
	}
	ok(within, "200 failures: always within [0, max]");
	ok(saw_top && saw_zero, "full jitter: spread over the whole range");
	is_int(sov_timing_backoff_ms(5, 2000, 1000, 999), 999, "max below the base caps it");
}

static void test_backoff_edges(void)
{
	is_int(sov_timing_backoff_ms(-3, 2000, 300000, 77), 0, "negative failures: no delay");
	is_int(sov_timing_backoff_ms(2, 0, 300000, 77), 0, "no base: no delay");
	is_int(sov_timing_backoff_ms(2, 2000, 0, 77), 0, "no ceiling: no delay");
	is_int(sov_timing_backoff_ms(INT64_MAX, INT64_MAX / 2, INT64_MAX, UINT64_MAX),
	       INT64_MAX, "huge base and ceiling: no overflow");
	is_int(sov_timing_backoff_ms(70, 3, INT64_MAX - 1, 5), 5,
	       "doubling up to a ceiling near INT64_MAX: no overflow");
}

static void test_clock_and_random(void)
{
	int64_t a = sov_timing_clock_ms(), b = sov_timing_clock_ms();
	uint64_t r1 = sov_timing_random64(), r2 = sov_timing_random64();

	ok(a > 0 && b >= a, "the monotonic clock never goes back");
	ok(r1 != r2, "two draws differ");
	a = sov_timing_clock_ms();
	ok(sov_timing_sleep_ms(20) == 0 && sov_timing_clock_ms() - a >= 19,
	   "a sleep lasts at least its time");
	ok(sov_timing_sleep_ms(-5) == 0 && sov_timing_sleep_ms(0) == 0,
	   "a negative or zero sleep returns at once");
}

int main(void)
{
	test_backoff();
	test_backoff_edges();
	test_clock_and_random();
	return done_testing();
}
