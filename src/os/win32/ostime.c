/*
 * ostime.c (Windows) - clocks and sleeping; see src/os/ostime.h.
 */
#include "ostime.h"

#include <windows.h>

/* 100 ns intervals between 1601-01-01 and 1970-01-01. */
#define EPOCH_DIFF 116444736000000000LL

/*
 * The performance counter, not GetTickCount64(): the tick count moves in
 * steps of the timer interrupt (about 15.6 ms), so that two readings 20 ms
 * apart could differ by 15, and a deadline could pass a step early.  The
 * counter is monotonic and its frequency fixed at boot (Windows XP and
 * later never fail these calls).
 */
int64_t sov_os_clock_ms(void)
{
	LARGE_INTEGER count, freq;

	QueryPerformanceCounter(&count);
	QueryPerformanceFrequency(&freq);
	return (int64_t)(count.QuadPart / freq.QuadPart * 1000 +
			 count.QuadPart % freq.QuadPart * 1000 / freq.QuadPart);
}

int64_t sov_os_realtime_ns(void)
{
	FILETIME ft;
	int64_t t;

	GetSystemTimePreciseAsFileTime(&ft);
	t = (int64_t)((uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime);
	return (t - EPOCH_DIFF) * 100;
}

/*
 * Sleep() may wake up to a timer tick early or late (it rounds to the
 * tick); sleep again until the monotonic clock has passed the deadline, so
 * that a sleep lasts at least its time, as nanosleep(2) does.
 */
int sov_os_sleep_ms(int64_t ms)
{
	int64_t deadline, left;

	if (ms <= 0)
		return 0;
	deadline = sov_os_clock_ms() + ms;
	while ((left = deadline - sov_os_clock_ms()) > 0)
		Sleep(left > 0x7fffffff ? 0x7fffffff : (DWORD)left);
	return 0;	/* no signals cut it short here */
}

int sov_os_gmtime(time_t t, struct tm *out)
{
	return gmtime_s(out, &t) ? -1 : 0;
}

int sov_os_localtime(time_t t, struct tm *out)
{
	return localtime_s(out, &t) ? -1 : 0;
}
