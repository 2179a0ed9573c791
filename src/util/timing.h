/*
 * timing.h - the monotonic clock, random draws and full-jitter backoff that
 * the sync watcher (watch.c), the sync cycle (sync.c) and the webhook
 * sender (sender.c, webhook.c) share.
 *
 * Wall-clock instants (timestamps in files) are timestamp.h's; this module
 * is for timers, deadlines and retry delays.  No state: every function is
 * safe from any thread.
 */
#ifndef SOV_TIMING_H
#define SOV_TIMING_H

#include <stdint.h>

/* Milliseconds on the monotonic clock, for timers and deadlines. */
int64_t sov_timing_clock_ms(void);

/*
 * Sleep for `ms` milliseconds (<= 0: not at all).  Returns 0, or -1 when a
 * signal ended the sleep early (errno EINTR), so that a caller polling a
 * deadline or a stop flag sees it at once; such callers look again.
 */
int sov_timing_sleep_ms(int64_t ms);

/*
 * 64 random bits for jitter (not for secrets): getrandom(2) without
 * blocking, else a mix of the clocks and the process id, so that
 * processes started together still draw apart.
 */
uint64_t sov_timing_random64(void);

/*
 * Full-jitter exponential backoff: a delay uniformly drawn (from `rnd`)
 * in [0, min(max_ms, base_ms * 2^(failures-1))].  0 when failures <= 0 or
 * base_ms or max_ms <= 0.  Doubling stops at the ceiling, so any number
 * of failures is safe.
 */
int64_t sov_timing_backoff_ms(int64_t failures, int64_t base_ms, int64_t max_ms,
			      uint64_t rnd);

#endif
