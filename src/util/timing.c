/*
 * timing.c - monotonic clock, random draws, full-jitter backoff; see timing.h.
 */
#include "timing.h"

#include <sys/random.h>
#include <time.h>
#include <unistd.h>

int64_t sov_timing_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int sov_timing_sleep_ms(int64_t ms)
{
	struct timespec ts;

	if (ms <= 0)
		return 0;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	return nanosleep(&ts, NULL) < 0 ? -1 : 0;
}

uint64_t sov_timing_random64(void)
{
	struct timespec ts;
	uint64_t r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r))
		return r;
	clock_gettime(CLOCK_REALTIME, &ts);
	r = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	return (r ^ (uint64_t)getpid() << 32) * 6364136223846793005ULL +
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
