/*
 * ostime.h - clocks, sleeping and broken-down time.
 *
 * Nothing here allocates or keeps state.
 */
#ifndef SOV_OSTIME_H
#define SOV_OSTIME_H

#include <stdint.h>
#include <time.h>

/* Milliseconds of a monotonic clock (unaffected by setting the date). */
int64_t sov_os_clock_ms(void);

/* Nanoseconds since the epoch (the wall clock). */
int64_t sov_os_realtime_ns(void);

/*
 * Sleep `ms` milliseconds.  Returns 0, or -1 when a signal cut it short
 * (POSIX; errno EINTR), so that a loop can look at its stop flag.
 */
int sov_os_sleep_ms(int64_t ms);

/* gmtime_r / localtime_r: 0, or -1 for a time out of range. */
int sov_os_gmtime(time_t t, struct tm *out);
int sov_os_localtime(time_t t, struct tm *out);

#endif
