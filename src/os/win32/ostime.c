/*
 * ostime.c (Windows) - clocks and sleeping; see src/os/ostime.h.
 */
#include "ostime.h"

#include <windows.h>

/* 100 ns intervals between 1601-01-01 and 1970-01-01. */
#define EPOCH_DIFF 116444736000000000LL

int64_t sov_os_clock_ms(void)
{
	return (int64_t)GetTickCount64();
}

int64_t sov_os_realtime_ns(void)
{
	FILETIME ft;
	int64_t t;

	GetSystemTimePreciseAsFileTime(&ft);
	t = (int64_t)((uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime);
	return (t - EPOCH_DIFF) * 100;
}

int sov_os_sleep_ms(int64_t ms)
{
	while (ms > 0) {
		DWORD step = ms > 0x7fffffff ? 0x7fffffff : (DWORD)ms;

		Sleep(step);
		ms -= step;
	}
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
