/*
 * timing.c - monotonic clock, random draws, full-jitter backoff; see timing.h.
 */
#include "timing.h"

#include "osenv.h"
#include "osproc.h"
#include "ostime.h"

int64_t sov_timing_clock_ms(void)
{
	return sov_os_clock_ms();
}

int sov_timing_sleep_ms(int64_t ms)
{
	return sov_os_sleep_ms(ms);
}

uint64_t sov_timing_random64(void)
{
	uint64_t r = 0;

	if (sov_os_random(&r, sizeof(r), 0) == 0)
		return r;
	r = (uint64_t)sov_os_realtime_ns();
	return (r ^ (uint64_t)sov_os_getpid() << 32) * 6364136223846793005ULL +
	       (uint64_t)sov_timing_clock_ms();
}

int64_t sov_timing_backoff_ms(int64_t failures, int64_t base_ms, int64_t max_ms,
			      uint64_t rnd)
{
	int64_t cap = base_ms, i;

	if (failures <= 0 || base_ms <= 0 || max_ms <= 0)
		return 0;
	/*
	 * Doubling stops at the ceiling, and jumps to it from above half of
	 * it, so the product never overflows (a ceiling near INT64_MAX).
	 */
	for (i = 1; i < failures && cap < max_ms; i++)
		cap = cap > max_ms / 2 ? max_ms : cap * 2;
	if (cap > max_ms)
		cap = max_ms;
	/* Full jitter: clients that failed together do not retry together. */
	return (int64_t)(rnd % ((uint64_t)cap + 1));
}
