/*
 * timestamp.c - ISO-8601 instants; see timestamp.h.
 */
#include "timestamp.h"
#include "error.h"

#include <string.h>
#include <time.h>

#include "ostime.h"

#define US_PER_SEC INT64_C(1000000)

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	static const unsigned mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

/* Read exactly n digits at *p (within end); -1 if not there. */
static int digits(const char **p, const char *end, int n, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (end - *p < n)
		return -1;
	for (i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (unsigned)(c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int expect(const char **p, const char *end, char c)
{
	if (*p < end && **p == c) {
		(*p)++;
		return 0;
	}
	return -1;
}

static int bad(const char *text, size_t len, const char *why)
{
	return sov_error("invalid timestamp '%.*s': %s", (int)(len > 64 ? 64 : len),
			 text, why);
}

int sov_time_parse(const char *text, size_t len, int64_t *out)
{
	const char *p = text, *end = text + len;
	unsigned year, mon, day, hour = 0, min = 0, sec = 0, oh = 0, om = 0;
	int64_t frac_us = 0, offset_s = 0, t;

	if (digits(&p, end, 4, &year) || expect(&p, end, '-') ||
	    digits(&p, end, 2, &mon) || expect(&p, end, '-') ||
	    digits(&p, end, 2, &day))
		return bad(text, len, "expected YYYY-MM-DD");
	if (mon < 1 || mon > 12 || day < 1 || day > days_in_month(year, mon))
		return bad(text, len, "no such date");
	if (p == end)
		goto done;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return bad(text, len, "expected 'T' after the date");
	p++;
	if (digits(&p, end, 2, &hour) || expect(&p, end, ':') || digits(&p, end, 2, &min))
		return bad(text, len, "expected hh:mm");
	if (p < end && *p == ':') {
		p++;
		if (digits(&p, end, 2, &sec))
			return bad(text, len, "expected seconds");
		if (p < end && (*p == '.' || *p == ',')) {
			int64_t scale = 100000;
			p++;
			if (p == end || *p < '0' || *p > '9')
				return bad(text, len, "expected digits after the decimal point");
			while (p < end && *p >= '0' && *p <= '9') {
				frac_us += (*p - '0') * scale;
				scale /= 10;
				p++;
			}
		}
	}
	if (hour > 23 || min > 59 || sec > 60)
		return bad(text, len, "time out of range");
	if (p < end && (*p == 'Z' || *p == 'z')) {
		p++;
	} else if (p < end && (*p == '+' || *p == '-')) {
		int sign = *p == '-' ? -1 : 1;
		p++;
		if (digits(&p, end, 2, &oh))
			return bad(text, len, "expected an offset hh[:mm]");
		if (p < end && *p == ':')
			p++;
		if (p < end && digits(&p, end, 2, &om))
			return bad(text, len, "expected offset minutes");
		if (oh > 23 || om > 59)
			return bad(text, len, "offset out of range");
		offset_s = sign * (int64_t)(oh * 3600 + om * 60);
	}
done:
	if (p != end)
		return bad(text, len, "unexpected text after the timestamp");
	t = days_from_civil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
	*out = (t - offset_s) * US_PER_SEC + frac_us;
	return 0;
}

int sov_time_parse_str(const char *text, int64_t *out)
{
	return sov_time_parse(text, strlen(text), out);
}

void sov_time_format(int64_t instant, struct sov_buf *out)
{
	int64_t secs = instant / US_PER_SEC, us = instant % US_PER_SEC;
	int64_t days, rem, y;
	unsigned m, d;

	if (us < 0) {
		us += US_PER_SEC;
		secs--;
	}
	days = secs / 86400;
	rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	sov_buf_addf(out, "%04lld-%02u-%02uT%02u:%02u:%02u", (long long)y, m, d,
		     (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60));
	if (us)
		sov_buf_addf(out, ".%06lld", (long long)us);
	sov_buf_addch(out, 'Z');
}

int64_t sov_time_now(void)
{
	return sov_os_realtime_ns() / 1000;
}
